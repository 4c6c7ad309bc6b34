"""Regimens compose as documented: phases, holidays, titration, taper, missed doses, adherence."""

import numpy as np
import pytest

import kettutor
from kettutor import Regimen


def session_days(regimen):
    return regimen.session_start_h / 24


def test_repeated_by_count_and_by_duration():
    assert session_days(Regimen.repeated(dose_mg_per_kg=0.5, every_days=3.5, doses=8)).tolist() == [3.5 * i for i in range(8)]
    assert Regimen.repeated(dose_mg_per_kg=0.5, every_days=3.5, duration_days=28).session_count == 8


def test_then_starts_one_interval_after_the_last_dose():
    """Induction twice weekly for 4 weeks, then weekly: the first weekly dose falls on day 28."""
    induction = Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=40, every_days=3.5, doses=8)
    maintenance = Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=40, every_days=7, doses=3)
    days = session_days(induction.then(maintenance))
    assert days.tolist() == [0, 3.5, 7, 10.5, 14, 17.5, 21, 24.5, 28, 35, 42]


def test_then_after_a_single_dose_needs_or_borrows_an_interval():
    single = Regimen.single(dose_mg_per_kg=0.5, infusion_min=40)
    assert session_days(single.then(Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=40, every_days=7, doses=2))).tolist() == [0, 7, 14]
    with pytest.raises(ValueError, match="gap_days"):
        single.then(single)
    assert session_days(single.then(single, gap_days=2)).tolist() == [0, 2]


def test_holiday_postpones_the_rest_of_the_course():
    course = Regimen.repeated(dose_mg_per_kg=0.5, every_days=7, doses=4).with_holiday(start_day=10, length_days=14)
    assert session_days(course).tolist() == [0, 7, 28, 35]


def test_periodic_holidays_skip_the_end_of_each_cycle():
    daily = Regimen.repeated(dose_mg_per_kg=0.1, every_days=1, doses=28)
    with_breaks = daily.with_periodic_holidays(every_days=7, length_days=2)  # 5 days on, 2 off
    assert session_days(with_breaks).tolist() == [d for d in range(28) if d % 7 < 5]


def test_titration_and_taper_step_the_dose():
    titration = Regimen.titration(0.25, step_mg_per_kg=0.25, target_mg_per_kg=0.75, every_days=3.5, doses=5, infusion_min=40)
    assert [e.amount for e in titration.events] == [0.25, 0.5, 0.75, 0.75, 0.75]
    taper = Regimen.taper(1.0, step_mg_per_kg=0.25, every_days=7, route="oral")
    assert [e.amount for e in taper.events] == [1.0, 0.75, 0.5, 0.25]


def test_missed_doses_and_adherence():
    course = Regimen.repeated(dose_mg_per_kg=0.5, every_days=7, doses=6)
    assert session_days(course.with_missed_doses([2, 5])).tolist() == [0, 14, 21, 35]
    first = course.with_adherence(0.5, seed=3)
    assert session_days(first).tolist() == session_days(course.with_adherence(0.5, seed=3)).tolist()
    assert 1 <= first.session_count <= 6 and session_days(first)[0] == 0
    assert course.with_adherence(1.0, seed=1).session_count == 6
    with pytest.raises(ValueError, match="missed session number"):
        course.with_missed_doses([9])


def test_esketamine_spray_devices_share_a_session():
    regimen = Regimen.esketamine_spray(84, every_days=3.5, doses=2)
    assert len(regimen.events) == 6 and regimen.session_count == 2
    assert [round(e.time_h * 60) for e in regimen.events[:3]] == [0, 5, 10]
    assert regimen.drug == "esketamine"


def test_overlaying_regimens_keeps_both():
    infusion = Regimen.continuous_infusion(rate_mg_per_kg_per_h=0.2, hours=24)
    rescue = Regimen.single(dose_mg_per_kg=0.25, at_day=0.5)
    combined = infusion + rescue
    assert combined.session_count == 2
    result = kettutor.simulate(kettutor.Patient(), combined, days=2)
    alone = kettutor.simulate(kettutor.Patient(), infusion, days=2)
    assert result.plasma_mg_per_l.max() > alone.plasma_mg_per_l.max()


def test_mg_per_kg_doses_scale_with_weight_and_mg_doses_do_not():
    regimen_per_kg = Regimen.single(dose_mg_per_kg=1.0)
    regimen_mg = Regimen.single(dose_mg=70)
    light, heavy = kettutor.Patient(weight_kg=50), kettutor.Patient(weight_kg=100)
    assert kettutor.simulate(heavy, regimen_per_kg, days=1).exposure().total_dose_mg == 100
    assert kettutor.simulate(light, regimen_mg, days=1).exposure().total_dose_mg == 70
    assert kettutor.simulate(light, regimen_mg, days=1).exposure().auc_mg_h_per_l > kettutor.simulate(heavy, regimen_mg, days=1).exposure().auc_mg_h_per_l


def test_regimens_are_immutable_values():
    regimen = Regimen.single(dose_mg_per_kg=0.5)
    with pytest.raises(AttributeError):
        regimen.events = ()
    assert Regimen.single(dose_mg_per_kg=0.5) == regimen


def test_session_peaks_have_one_value_per_session():
    regimen = Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=40, every_days=3.5, doses=4)
    result = kettutor.simulate(kettutor.Patient(), regimen, days=14)
    for effect in kettutor.EFFECT_NAMES:
        peaks = result.session_peaks(effect)
        assert peaks.shape == (4,) and np.all(peaks > 0)
    # sessions far enough apart for adaptation to wear off give identical acute peaks
    spaced = kettutor.simulate(kettutor.Patient(), Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=40, every_days=90, doses=3), days=200)
    np.testing.assert_allclose(spaced.relative_session_peaks("dissociation"), 1.0, rtol=1e-3)


def test_overlaid_doses_that_start_together_form_one_session():
    """`Regimen + Regimen` whose doses start together (an infusion with a loading bolus, or a course added
    to itself) gives one session per start time, and every per-session result works for a patient and a
    cohort (these raised IndexError when each overlaid dose counted as its own session)."""
    infusion = Regimen.continuous_infusion(rate_mg_per_kg_per_h=0.1, hours=72)
    loading = infusion + Regimen.single(dose_mg_per_kg=0.5)
    course = Regimen.repeated(dose_mg_per_kg=0.5, every_days=1, doses=3)
    assert loading.session_count == 1 and len(loading.events) == 2
    assert (course + course).session_count == 3
    np.testing.assert_array_equal((course + course).session_start_h, course.session_start_h)

    patient = kettutor.Patient()
    result = kettutor.simulate(patient, loading, days=4)
    assert "Cmax" in repr(result)
    assert result.session_peaks("dissociation").shape == (1,) and result.session_cmax_mg_per_l().shape == (1,)
    alone = kettutor.simulate(patient, infusion, days=4)
    assert result.session_peaks("dissociation")[0] > alone.session_peaks("dissociation")[0]  # the bolus adds to it
    assert result.exposure().total_dose_mg == pytest.approx(alone.exposure().total_dose_mg + 0.5 * patient.weight_kg)

    doubled = kettutor.simulate(patient, course + course, days=4)
    same_total = kettutor.simulate(patient, Regimen.repeated(dose_mg_per_kg=1.0, every_days=1, doses=3), days=4)
    for effect in kettutor.EFFECT_NAMES:
        np.testing.assert_allclose(doubled.session_peaks(effect), same_total.session_peaks(effect), rtol=1e-9)
    np.testing.assert_allclose(doubled.relative_session_peaks("dissociation"), same_total.relative_session_peaks("dissociation"))
    np.testing.assert_allclose(doubled.session_cmax_mg_per_l(), same_total.session_cmax_mg_per_l(), rtol=1e-9)

    cohort = kettutor.Cohort.sample(3, seed=1)
    for regimen, sessions in ((loading, 1), (course + course, 3)):
        summary = kettutor.simulate(cohort, regimen, days=4)
        assert summary.session_peaks("dissociation").shape == (3, sessions)
        assert summary.session_cmax_mg_per_l.shape == (3, sessions)
        assert np.all(np.isfinite(summary.relative_session_peaks("dissociation")))


def test_sessions_given_directly_with_one_start_time_merge():
    """A regimen built from events whose sessions start at the same time numbers them as one session."""
    events = (
        kettutor.DoseEvent(0.0, 0.5, "mg/kg", "iv_bolus", 0.0, 0),
        kettutor.DoseEvent(0.0, 0.2, "mg/kg", "iv_infusion", 1.0, 1),
        kettutor.DoseEvent(24.0, 0.5, "mg/kg", "iv_bolus", 0.0, 2),
    )
    regimen = Regimen(events)
    assert [e.session for e in regimen.events] == [0, 0, 1] and regimen.session_count == 2
    assert kettutor.simulate(kettutor.Patient(), regimen, days=3).session_peaks("anesthesia").shape == (2,)
