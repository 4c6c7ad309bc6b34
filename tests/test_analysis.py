"""Probe-based analyses: recovery_days agrees with an independent probe built from the public API, and
recovery_days, dose_response and dose_to_match_first_response answer for continuous infusions too."""

import numpy as np
import pytest

import kettutor
from kettutor import Patient, Regimen
from kettutor.analysis import PROBE_WASHOUT_DAYS, dose_response, dose_to_match_first_response, recovery_days


def first_dose_again(patient, regimen):
    """One session repeating the regimen's first dose: same amount, route and infusion time."""
    first = regimen.events[0]
    infusion_min = first.duration_h * 60.0 if first.duration_h else None
    return Regimen.single(dose_mg_per_kg=first.dose_mg_per_kg(patient.weight_kg), route=first.route, infusion_min=infusion_min)


def probe_after(patient, regimen, gap_days, effect):
    """The first dose given again ``gap_days`` after the last session starts: its peak relative to the
    first session's, from one plain simulation."""
    course = regimen.then(first_dose_again(patient, regimen), gap_days=gap_days)
    peaks = kettutor.simulate(patient, course, days=course.end_h / 24.0 + 2.0).session_peaks(effect)
    return peaks[-1] / peaks[0]


def independent_recovery_days(patient, regimen, effect, fraction=0.9, coarse=4.0, fine=0.25, max_days=400.0):
    """First gap (days, on a 0.25-day grid from 1 day, located by a 4-day grid) at which the probe gives
    ``fraction`` of the first session's peak."""
    grid = np.arange(1.0, max_days, coarse)
    for i, days in enumerate(grid):
        if probe_after(patient, regimen, days, effect) >= fraction:
            break
    else:
        return np.inf
    if i == 0:
        return grid[0]
    return next(d for d in np.arange(grid[i - 1] + fine, days + fine / 2, fine) if probe_after(patient, regimen, d, effect) >= fraction)


CASES = {
    "intranasal 1 mg/kg daily x14, 50 kg": (
        Patient(weight_kg=50), Regimen.repeated(dose_mg_per_kg=1.0, route="intranasal", every_days=1, doses=14), "dissociation"
    ),
    "oral 1.5 mg/kg daily x28, 50 kg": (
        Patient(weight_kg=50), Regimen.repeated(dose_mg_per_kg=1.5, route="oral", every_days=1, doses=28), "dissociation"
    ),
    "IV bolus 2 mg/kg daily x14, anaesthesia, 78 kg": (
        Patient(weight_kg=78), Regimen.repeated(dose_mg_per_kg=2.0, every_days=1, doses=14), "anesthesia"
    ),
    "IV 0.5 mg/kg over 40 min every 2 days x14, 110 kg": (
        Patient(weight_kg=110), Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=40, every_days=2, doses=14), "dissociation"
    ),
}


@pytest.mark.filterwarnings("ignore::kettutor.ValidatedRangeWarning")  # oral 1.5 mg/kg extrapolates, on purpose
@pytest.mark.parametrize("label", CASES)
def test_recovery_days_agrees_with_an_independent_probe(label):
    """recovery_days (days from the last dose) matches the first gap at which the first dose, given again
    after the course in one plain simulation, brings back 90 % of the first session's peak, to within
    0.5 day. It never reports 0 while a probe a day after the course is still reduced."""
    patient, regimen, effect = CASES[label]
    reported = recovery_days(patient, regimen, effect=effect)
    expected = independent_recovery_days(patient, regimen, effect)
    if probe_after(patient, regimen, PROBE_WASHOUT_DAYS, effect) < 0.9:
        assert reported >= PROBE_WASHOUT_DAYS
        assert reported == pytest.approx(expected, abs=0.5)
    else:
        assert expected == PROBE_WASHOUT_DAYS and reported <= PROBE_WASHOUT_DAYS


def test_recovery_days_is_zero_only_when_nothing_was_lost():
    """Sessions a month apart never lose half the first response: 0 days to recover half of it. A course
    whose last session was reduced reports at least the day a probe needs to tell."""
    spaced = Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=40, every_days=30, doses=3)
    assert probe_after(Patient(), spaced, PROBE_WASHOUT_DAYS, "dissociation") >= 0.5
    assert recovery_days(Patient(), spaced, fraction=0.5) == 0.0
    daily = Regimen.repeated(dose_mg_per_kg=1.0, route="intranasal", every_days=1, doses=14)
    last = kettutor.simulate(Patient(weight_kg=50), daily).relative_session_peaks("dissociation")[-1]
    assert last < 0.9
    assert recovery_days(Patient(weight_kg=50), daily) >= PROBE_WASHOUT_DAYS


LONG_INFUSION = Regimen.continuous_infusion(rate_mg_per_kg_per_h=0.1, hours=72)


def test_probes_of_a_continuous_infusion_use_its_first_day():
    """A 3-day infusion is probed with its first day (the same rate for 24 h): recovery_days, dose_response
    and dose_to_match_first_response answer instead of rejecting an infusion time the caller never gave,
    and the recovery agrees with an independent 24-h probe built from the public API."""
    patient = Patient()
    probe = Regimen.single(dose_mg_per_kg=0.1 * 24.0, infusion_min=24 * 60)
    naive = kettutor.simulate(patient, probe, days=3).session_peaks("dissociation")[0]

    def relative_after(days_after_end):
        course = LONG_INFUSION.then(probe, gap_days=3.0 + days_after_end)  # gaps count from the infusion's start
        return kettutor.simulate(patient, course, days=3.0 + days_after_end + 3.0).session_peaks("dissociation")[-1] / naive

    doses, day0 = dose_response(patient, LONG_INFUSION, day=0, doses_mg_per_kg=[0.5, 2.4, 5.0])
    _, after = dose_response(patient, LONG_INFUSION, day=4, doses_mg_per_kg=doses)
    assert day0[1] == pytest.approx(naive, rel=1e-9)
    assert np.all(after < day0)  # tolerant the day after the infusion
    assert dose_to_match_first_response(patient, LONG_INFUSION, day=4) > 2.4
    reported = recovery_days(patient, LONG_INFUSION)
    assert reported > PROBE_WASHOUT_DAYS
    if np.isfinite(reported):
        assert relative_after(reported - 0.5) < 0.9 <= relative_after(reported + 0.5)


def test_a_probe_during_an_infusion_is_refused_clearly():
    with pytest.raises(ValueError, match="during one of the regimen's infusions"):
        dose_response(Patient(), LONG_INFUSION, day=1)


def test_dose_to_match_while_the_last_dose_still_acts_says_so():
    """A probe minutes after a dose needs no drug to match the first response: a clear error, not SciPy's."""
    course = Regimen.repeated(dose_mg=25, route="im", every_days=7, doses=10).then(Regimen.single(dose_mg=25, route="im"))
    with pytest.raises(ValueError, match="still acting"):
        dose_to_match_first_response(Patient(), course, day=1.192092896e-07)
