"""Policies that react to the simulated response: escalation (E1, E3), titration (P2), induction then
maintenance and interval extension (P3), adjunct therapy (P4); and their input checks."""

import numpy as np
import pytest

import kettutor
from kettutor.policies import ANAESTHETIC_PEAK_PERCENT, escalating_use, extend_interval_while_benefit_holds, titrate_to_response

PATIENT = kettutor.Patient()


@pytest.fixture(scope="module")
def daily_escalation():
    with pytest.warns(kettutor.ValidatedRangeWarning, match="outside the model's validated range"):
        return escalating_use(PATIENT, every_days=1, sessions=180, cap_mg_per_kg=20.0, step_mg_per_kg=0.5)


@pytest.fixture(scope="module")
def weekly_escalation():
    return escalating_use(PATIENT, every_days=7, sessions=13, cap_mg_per_kg=20.0, step_mg_per_kg=0.5)


def test_E1_daily_use_escalates_steeply_weekly_use_little(daily_escalation, weekly_escalation):
    """E1 (seeds: 'larger and larger doses'): chasing the first session's effect escalates steeply with
    daily use and little or not at all with weekly use."""
    assert daily_escalation.doses_mg_per_kg[-1] >= 4 * daily_escalation.doses_mg_per_kg[0]
    assert weekly_escalation.doses_mg_per_kg[-1] <= 1.5 * weekly_escalation.doses_mg_per_kg[0]


def test_E1_escalation_moves_exposure_into_harm_ranges(daily_escalation, weekly_escalation):
    """E1: daily escalation reaches the bladder-damage range of daily intake (grams a day, Garcia-Larrosa
    2012); weekly use reaches neither harm marker."""
    assert daily_escalation.harms()["daily intake in the bladder-damage range (>= 1 g/day)"]
    assert not any(weekly_escalation.harms().values())


def test_E1_escalation_stops_at_its_cap_and_says_so():
    """Reaching the cap stops escalation instead of growing without bound, and the outcome says so."""
    outcome = escalating_use(
        PATIENT, every_days=1, sessions=40, cap_mg_per_kg=1.0, step_mg_per_kg=0.25, route="iv_infusion", infusion_min=40
    )
    assert outcome.doses_mg_per_kg.max() == 1.0
    assert outcome.reached_limit and outcome.limit_session is not None
    assert "cap" in outcome.message and "stopped" in outcome.message


def test_policy_steps_match_one_simulation_of_the_realised_regimen(daily_escalation):
    """The session-by-session responses equal a single simulation of the regimen the policy produced."""
    peaks = daily_escalation.result.session_peaks("dissociation")
    np.testing.assert_allclose(daily_escalation.responses, peaks, rtol=1e-6)


def test_E3_tolerance_and_dependence_feed_each_other_under_frequent_use():
    """E3: escalation deepens dependence under daily use (more craving than at a fixed dose), but not
    under spaced clinical dosing, where the escalating and fixed courses stay alike."""
    def craving_at_end(outcome):  # the craving state (the % scale saturates)
        return outcome.result.slow_state("dependence")[outcome.result.time_h <= outcome.session_start_h[-1] + 24].max()

    with pytest.warns(kettutor.ValidatedRangeWarning):  # escalation leaves the validated dose range
        daily_escalating = escalating_use(PATIENT, every_days=1, sessions=42, cap_mg_per_kg=20.0, step_mg_per_kg=0.5, route="iv_infusion", infusion_min=40)
    daily_fixed = escalating_use(PATIENT, every_days=1, sessions=42, cap_mg_per_kg=0.5, route="iv_infusion", infusion_min=40)
    weekly_escalating = escalating_use(PATIENT, every_days=7, sessions=8, cap_mg_per_kg=20.0, step_mg_per_kg=0.5, route="iv_infusion", infusion_min=40)
    weekly_fixed = escalating_use(PATIENT, every_days=7, sessions=8, cap_mg_per_kg=0.5, route="iv_infusion", infusion_min=40)
    assert craving_at_end(daily_escalating) > 1.1 * craving_at_end(daily_fixed)
    assert craving_at_end(weekly_escalating) == pytest.approx(craving_at_end(weekly_fixed), rel=0.05)
    assert daily_escalating.result.tolerance.max() > daily_fixed.result.tolerance.max()


def test_P2_titration_reaches_response_with_less_dissociation_than_starting_high():
    """P2 (seed: titration over the first 2-4 sessions): starting low and stepping up reaches the target
    response within 4 sessions, with lower peak dissociation than starting at a high dose."""
    target_percent = 100 * 0.8 / kettutor.PHARMACODYNAMICS.antidepressant_max_g  # g 0.8, near the 0.5 mg/kg response
    titrated = titrate_to_response(PATIENT, start_dose_mg_per_kg=0.2, step_mg_per_kg=0.1, target_percent=target_percent, sessions=6)
    assert titrated.reached_limit and 2 <= titrated.limit_session <= 4
    high = kettutor.simulate(PATIENT, kettutor.Regimen.repeated(dose_mg_per_kg=1.0, infusion_min=40, every_days=3.5, doses=6), days=25)
    assert high.session_peaks("antidepressant")[0] >= 0.8  # starting high also responds at once ...
    assert titrated.result.session_peaks("dissociation").max() < 0.8 * high.session_peaks("dissociation").max()


def test_P3_induction_then_maintenance_keeps_benefit_with_less_tolerance():
    """P3 (Spravato label schedule): twice weekly for 4 weeks, then weekly for 4, then every 2 weeks keeps
    the antidepressant benefit with less tolerance than continuing twice weekly for the same 16 weeks."""
    def iv(every, doses):
        return kettutor.Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=40, every_days=every, doses=doses)

    stepped = iv(3.5, 8).then(iv(7, 4)).then(iv(14, 4))
    continued = iv(3.5, 32)
    a = kettutor.simulate(PATIENT, stepped, days=112)
    b = kettutor.simulate(PATIENT, continued, days=112)
    late = (a.time_h > 8 * 7 * 24) & (a.time_h <= 112 * 24)
    assert a.effect("antidepressant")[late].mean() >= 0.5
    assert a.tolerance[late].mean() < 0.7 * b.tolerance[(b.time_h > 8 * 7 * 24)].mean()
    assert a.relative_session_peaks("dissociation")[-1] > b.relative_session_peaks("dissociation")[-1]


def test_P3_interval_extension_policy_lengthens_while_benefit_holds():
    """P3: the interval-extension policy moves from twice weekly to longer intervals and keeps the
    antidepressant effect above its threshold at every planned session."""
    outcome = extend_interval_while_benefit_holds(PATIENT, threshold_percent=20.0, course_days=120)
    intervals = np.diff(outcome.session_start_h) / 24
    assert intervals.max() > 3.5
    g = outcome.result.effect("antidepressant")
    at_sessions = np.interp(outcome.session_start_h[1:] - 1e-3, outcome.result.time_h, g)
    assert np.all(at_sessions >= 0.2 * kettutor.PHARMACODYNAMICS.antidepressant_max_g - 1e-6)


def test_P4_adjunct_therapy_lets_the_interval_lengthen_and_reduces_tolerance():
    """P4 (seeds: combination therapy; Wilkinson 2017): slowing the fading of the benefit lets the interval
    lengthen, so fewer sessions are needed and tolerance is lower."""
    alone = extend_interval_while_benefit_holds(PATIENT, course_days=168)
    therapy = extend_interval_while_benefit_holds(kettutor.Patient(adjunct_therapy="psychotherapy"), course_days=168)
    assert len(therapy.session_start_h) < len(alone.session_start_h)
    assert np.diff(therapy.session_start_h).mean() > np.diff(alone.session_start_h).mean()
    assert therapy.result.tolerance.mean() < alone.result.tolerance.mean()


@pytest.mark.parametrize(
    "call, parameter",
    [
        (lambda: escalating_use(step_mg_per_kg=-0.25), "step_mg_per_kg"),
        (lambda: escalating_use(start_dose_mg_per_kg=1.0, cap_mg_per_kg=0.5), "cap_mg_per_kg"),
        (lambda: escalating_use(every_days=0), "every_days"),
        (lambda: escalating_use(sessions=0), "sessions"),
        (lambda: escalating_use(effect="hihg"), "effect"),
        (lambda: titrate_to_response(target_percent=120), "target_percent"),
        (lambda: titrate_to_response(target_percent=-5), "target_percent"),
        (lambda: titrate_to_response(start_dose_mg_per_kg=1.0, max_dose_mg_per_kg=0.5), "max_dose_mg_per_kg"),
        (lambda: extend_interval_while_benefit_holds(threshold_percent=101), "threshold_percent"),
        (lambda: extend_interval_while_benefit_holds(step_days=-1), "step_days"),
        (lambda: extend_interval_while_benefit_holds(start_every_days=14, max_every_days=7), "max_every_days"),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_bad_policy_input_is_refused_clearly(call, parameter):
    with pytest.raises(ValueError, match=parameter):
        call()


def test_anaesthetic_harm_marker_follows_the_anaesthesia_effect():
    """The 'anaesthetic-level peak' marker fires when a session's anaesthesia effect peaks at >= 50 %: not
    for an 11 mg IV bolus (0.1 mg/kg at 110 kg, whose instantaneous dose / V1 once set it off), but for an
    anaesthetic 2 mg/kg IV dose, at any weight."""
    name = "anaesthetic-level peak (unintended unconsciousness)"
    for weight in (50.0, 110.0):
        small = escalating_use(
            kettutor.Patient(weight_kg=weight), start_dose_mg_per_kg=0.1, cap_mg_per_kg=0.1, every_days=7, sessions=3, route="iv_bolus"
        )
        assert small.result.session_peaks("anesthesia").max() < ANAESTHETIC_PEAK_PERCENT
        assert not small.harms()[name]
        anaesthetic = escalating_use(
            kettutor.Patient(weight_kg=weight), start_dose_mg_per_kg=2.0, cap_mg_per_kg=2.0, every_days=7, sessions=3, route="iv_bolus"
        )
        assert anaesthetic.result.session_peaks("anesthesia").max() >= ANAESTHETIC_PEAK_PERCENT
        assert anaesthetic.harms()[name]
