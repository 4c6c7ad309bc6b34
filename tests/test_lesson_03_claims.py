"""Lesson 03 (tolerance): every phenomenon the lesson states holds in the model.

The lesson's numbers come from ``kettutor.teach.lessons.l03``; these tests check the claims its prose makes about
them (T1 in docs/science/PHENOMENA.md), with thresholds that a different model could fail.
"""

import numpy as np
import pytest

from kettutor import Patient, Regimen, dose_response, dose_to_match_first_response, simulate
from kettutor.science.adaptation import ADAPTATION
from kettutor.teach.bank import l03 as bank03
from kettutor.teach.lessons import l03

DOSES = l03.COMPARED_DOSES_MG_PER_KG


def test_daily_dosing_gives_a_clearly_smaller_peak_within_two_weeks():
    """T1 and L03.p1: the same dose daily for two weeks leaves a clearly smaller, but not vanished, response."""
    assert 20.0 < l03.last_session_percent_of_first() < 80.0
    peaks = l03.daily_result().relative_session_peaks("dissociation")
    assert np.all(np.diff(peaks) < 0), "each daily session does less than the one before"


def test_tolerance_is_in_the_response_not_in_the_blood_levels():
    """L03.s1: session 14's plasma peak equals session 1's; the response falls because the EC50 rose."""
    cmax = l03.daily_result().session_cmax_mg_per_l()
    assert cmax[-1] == pytest.approx(cmax[0], rel=0.01)
    assert l03.ec50_rise_percent() > 25.0


def test_the_ec50_rises_and_the_dose_response_curve_shifts_right():
    """T1: on day 14 every probe dose does less than on day 0, and the first response needs a larger dose."""
    course = l03.daily_course()
    doses = np.array([0.1, 0.3, 0.5, 1.0, 2.0])
    _, before = dose_response(l03.PATIENT, course, day=0, doses_mg_per_kg=doses)
    _, after = dose_response(l03.PATIENT, course, day=14, doses_mg_per_kg=doses)
    assert np.all(after < before)
    assert l03.dose_to_match_mg_per_kg() > 1.25 * l03.DOSE_MG_PER_KG


def test_a_shift_costs_little_at_the_top_of_the_curve():
    """The lesson: near the top of the curve a right shift lowers the peak far less than on its steep middle."""
    course = l03.daily_course()
    doses = np.array([0.2, 2.0])
    _, before = dose_response(l03.PATIENT, course, day=0, doses_mg_per_kg=doses)
    _, after = dose_response(l03.PATIENT, course, day=14, doses_mg_per_kg=doses)
    kept = after / before
    assert kept[1] > 0.9 and kept[0] < 0.6


def test_fast_tolerance_fades_within_days_and_slow_tolerance_lasts_weeks():
    """After a week of daily sessions: most of the fast part is gone three days later while the slow part holds;
    the EC50 rise falls by over a quarter in those days, some is left a week later, and little after three weeks."""
    assert l03.share_after_a_week(3, "tolerance_fast") < 0.4
    assert l03.share_after_a_week(3, "tolerance_slow") > 0.8
    day1, day3, day7, day21 = (l03.rise_after_a_week(d) for d in l03.DAYS_OFF)
    assert day3 < 0.75 * day1
    assert day7 > 0.25 * day1
    assert day21 < 0.25 * day1
    assert day1 > day3 > day7 > day21 > 0.0


def test_fast_tolerance_falls_to_a_quarter_in_about_two_days():
    """L03.s2's expected answer follows the model's own half-life, and that half-life is measured in hours."""
    assert bank03.fast_quarter_days() == pytest.approx(2 * ADAPTATION.fast_tolerance_half_life_h / 24)
    assert 1.0 < bank03.fast_quarter_days() < 4.0


def test_a_higher_dose_builds_more_tolerance():
    """The lesson and L03.q4: the EC50 rise and the dose needed (also as a multiple of the dose) grow with the dose."""
    rises = [l03.ec50_rise_percent(d) for d in DOSES]
    ratios = [l03.dose_to_match_mg_per_kg(d) / d for d in DOSES]
    assert rises[0] < rises[1] < rises[2]
    assert ratios[0] < ratios[1] < ratios[2]


def test_peaks_can_hide_tolerance_at_a_high_dose():
    """The lesson's trap: the largest dose keeps a larger share of its first peak than the middle dose, although
    its EC50 rose more, because its first session sits near the maximal effect."""
    middle, high = DOSES[1], DOSES[2]
    assert l03.last_session_percent_of_first(high) > l03.last_session_percent_of_first(middle)
    assert l03.ec50_rise_percent(high) > 1.5 * l03.ec50_rise_percent(middle)
    assert l03.first_peak_percent(high) > 85.0


def test_doubling_the_dose_restores_the_response_only_for_a_while():
    """L03.s4: after two weeks, doubling the daily dose brings the first response back, then it falls again and the
    dose needed climbs past the new dose."""
    first = l03.daily_course()
    doubled = first.then(Regimen.repeated(dose_mg_per_kg=2 * l03.DOSE_MG_PER_KG, infusion_min=40, every_days=1, doses=14))
    peaks = simulate(l03.PATIENT, doubled, days=28, **l03.GRID).session_peaks("dissociation")
    assert peaks[14] > 0.9 * peaks[0]  # back, at first
    assert peaks[-1] < 0.85 * peaks[0]  # falling again
    assert dose_to_match_first_response(l03.PATIENT, doubled, day=28) > 2 * l03.DOSE_MG_PER_KG


def test_tolerance_after_a_week_is_not_permanent():
    """L03.q5: three weeks after a week of daily sessions most of the response is back."""
    regimen = l03.daily_course(sessions=7).then(Regimen.single(dose_mg_per_kg=0.5, infusion_min=40), gap_days=21)
    peaks = simulate(Patient(), regimen, days=29, **l03.GRID).relative_session_peaks("dissociation")
    assert peaks[-1] > 0.9 and peaks[6] < 0.8


def test_lesson_sentences_show_the_model_numbers():
    assert f"{l03.last_session_percent_of_first():.0f} %" in l03.daily_sessions().data
    assert f"{l03.ec50_rise_percent():.0f} %" in l03.ec50_after_daily_sessions().data
    assert f"{l03.dose_to_match_mg_per_kg():.2f} mg/kg" in l03.dose_needed_on_day_14().data
    table = l03.higher_dose_table().data
    assert all(f"{l03.ec50_rise_percent(d):.0f} %" in table for d in DOSES)
    assert "| 21 days |" in l03.fast_then_slow().data
    figure = l03.dose_response_figure()
    curves = figure.tables["dose_response"].groupby("series")["value"].max()
    assert len(curves) == 2 and "probe dose" in figure.description
