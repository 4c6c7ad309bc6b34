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
