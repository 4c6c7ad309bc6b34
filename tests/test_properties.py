"""Property-based tests over random valid patients and regimens: no NaN, no negative amounts, mass balance."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kettutor

ROUTES = ["iv_bolus", "iv_infusion", "im", "intranasal", "sublingual", "rectal", "oral"]

patients = st.builds(
    kettutor.Patient,
    weight_kg=st.floats(40, 150),
    age_years=st.floats(18, 90),
    sex=st.sampled_from(["female", "male"]),
    comedications=st.lists(st.sampled_from(sorted(kettutor.COMEDICATIONS)), max_size=2, unique=True).map(tuple),
    clearance_multiplier=st.floats(0.3, 3.0),
    volume_multiplier=st.floats(0.5, 2.0),
    sensitivity_multiplier=st.floats(0.5, 2.0),
    ke0_multiplier=st.floats(0.3, 3.0),
)


@st.composite
def regimens(draw):
    route = draw(st.sampled_from(ROUTES))
    dose = draw(st.floats(0.05, 1.0))
    infusion = draw(st.floats(5, 240)) if route == "iv_infusion" else None
    every = draw(st.floats(0.25, 14))
    doses = draw(st.integers(1, 12))
    regimen = kettutor.Regimen.repeated(dose_mg_per_kg=dose, route=route, every_days=every, doses=doses, infusion_min=infusion)
    if draw(st.booleans()) and regimen.session_count > 2:
        regimen = regimen.with_missed_doses([draw(st.integers(2, regimen.session_count))])
    return regimen


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(patient=patients, regimen=regimens(), extra_days=st.floats(0.5, 10))
def test_random_simulations_are_finite_nonnegative_and_conserve_mass(patient, regimen, extra_days):
    result = kettutor.simulate(patient, regimen, days=regimen.end_h / 24 + extra_days)
    amounts = result._out.amounts[0]
    scale = max(e.dose_mg(patient.weight_kg) for e in regimen.events)
    assert np.all(np.isfinite(amounts))
    assert amounts.min() >= -1e-9 * scale
    for effect in kettutor.EFFECT_NAMES:
        values = result.effect(effect)
        assert np.all(np.isfinite(values)) and values.min() >= 0
    body = sum(result.amount_mg(s) for s in ("central", "peripheral_fast", "peripheral_slow"))
    absorbed = result.accumulated("absorbed_mg")
    np.testing.assert_allclose(body + result.accumulated("eliminated_mg"), absorbed, rtol=1e-8, atol=1e-8 * scale)
    given_mg = sum(e.dose_mg(patient.weight_kg) for e in regimen.events)
    assert absorbed[-1] <= given_mg * (1 + 1e-9)


# ----- adaptation (issue [2]) ----------------------------------------------------------------------------
FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
doses_per_kg = st.floats(0.1, 1.5)


def infusions(dose, every_days, doses, start_day=0.0):
    return kettutor.Regimen.repeated(dose_mg_per_kg=dose, infusion_min=40, every_days=every_days, doses=doses, start_day=start_day)


@FAST
@given(dose=doses_per_kg, every_days=st.floats(0.5, 10), multiple=st.integers(2, 4), doses=st.integers(2, 8))
def test_more_frequent_dosing_never_gives_less_tolerance(dose, every_days, multiple, doses):
    """Dosing every d days (a superset of the sessions of dosing every m*d days) gives at least as much
    tolerance at every moment."""
    sparse = infusions(dose, every_days * multiple, doses)
    dense = infusions(dose, every_days, (doses - 1) * multiple + 1)
    days = sparse.end_h / 24 + 5
    a, b = (kettutor.simulate(kettutor.Patient(), r, days=days) for r in (dense, sparse))
    common, in_a, in_b = np.intersect1d(a.time_h, b.time_h, return_indices=True)  # exact values, no interpolation
    assert common.size > days * 20
    assert np.all(a.tolerance[in_a] >= b.tolerance[in_b] - 1e-9 * max(1.0, b.tolerance.max()))


@FAST
@given(dose=doses_per_kg, every_days=st.floats(0.5, 4), holiday=st.floats(1, 40), extra=st.floats(1, 30))
def test_a_longer_holiday_never_gives_less_recovery(dose, every_days, holiday, extra):
    """After the same course, the response to the first session after a longer holiday is never smaller."""
    course = infusions(dose, every_days, 10)
    responses = [
        kettutor.simulate(kettutor.Patient(), course.then(infusions(dose, 1, 1), gap_days=gap), days=None).relative_session_peaks("dissociation")[-1]
        for gap in (holiday, holiday + extra)
    ]
    assert responses[1] >= responses[0] - 1e-9


@FAST
@given(dose=doses_per_kg, factor=st.floats(1.05, 3.0), every_days=st.floats(0.5, 10), doses=st.integers(1, 10))
def test_a_higher_dose_never_gives_less_tolerance(dose, factor, every_days, doses):
    low, high = (kettutor.simulate(kettutor.Patient(), infusions(d, every_days, doses), days=doses * every_days + 3) for d in (dose, dose * factor))
    assert np.all(high.tolerance >= low.tolerance - 1e-12)


@FAST
@given(dose=st.floats(0.3, 1.5), every_days=st.floats(1.0, 7.0), doses=st.integers(2, 8))
def test_intermittent_sensitization_is_never_below_continuous_at_the_same_total_dose(dose, every_days, doses):
    """The same total dose given as intermittent sessions never sensitizes less than given continuously
    over the same span."""
    intermittent = infusions(dose, every_days, doses)
    span_h = doses * every_days * 24
    continuous = kettutor.Regimen.continuous_infusion(rate_mg_per_kg_per_h=dose * doses / span_h, hours=span_h)
    days = doses * every_days + 2
    s_int, s_cont = (kettutor.simulate(kettutor.Patient(), r, days=days).slow_state("sensitization")[-1] for r in (intermittent, continuous))
    assert s_int >= s_cont
