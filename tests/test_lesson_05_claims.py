"""Lesson 05 (drug holidays, recovery and tapering): every claim the lesson makes, checked on the model, and
its slider app driven through its widgets.

The lesson's course is 0.5 mg/kg IV over 40 min once a day for four weeks in the default 70 kg patient
(``kettutor.teach.lessons.l05``). A retest gives the same dose again after a break.
"""

import math
import time

import numpy as np
import pytest
import vl_convert
from altair.utils._importers import vl_version_for_vl_convert

from kettutor import ADAPTATION, Patient, Regimen, apps, charts, recovery_days, simulate
from kettutor.teach import bank
from kettutor.teach.lessons import l05

pytestmark = pytest.mark.filterwarnings("ignore::kettutor.ValidatedRangeWarning")


# ----- a break: how much comes back (T4) ---------------------------------------------------------------------
def test_the_course_clearly_lowers_the_response():
    assert l05.last_course_fraction() < 0.7


def test_the_retest_grows_with_the_break_quickly_then_slowly():
    retests = [l05.retest_fraction(float(days)) for days in (7, 14, 21, 28)]
    assert all(later > earlier for earlier, later in zip(retests, retests[1:]))
    weekly_gains = np.diff([l05.last_course_fraction(), *retests])
    assert weekly_gains[0] == max(weekly_gains), "the first week of a break gives back more than any later week"
    assert all(later < earlier for earlier, later in zip(weekly_gains, weekly_gains[1:]))


def test_after_two_weeks_much_but_not_all_has_come_back():
    """L05.p1: the answer 'much of it, not all yet'; and no rebound above the first response."""
    last, two_weeks = l05.last_course_fraction(), l05.retest_fraction(14.0)
    assert (two_weeks - last) / (1.0 - last) > 0.4
    assert two_weeks < 0.9
    assert l05.retest_fraction(84.0) <= 1.0


def test_six_weeks_restore_most_of_the_first_response():
    assert l05.retest_fraction(42.0) >= 0.9


# ----- recovery_days ------------------------------------------------------------------------------------------
def test_spaced_courses_recover_within_days_and_daily_courses_need_weeks():
    assert l05.course_recovery_days(28, 3.5) <= 7.0
    assert 14.0 <= l05.course_recovery_days(14) < l05.course_recovery_days(28) < l05.course_recovery_days(84)


def test_months_of_daily_use_need_far_more_than_a_proportional_break():
    """L05.s2 and the lesson: three months of daily use need more than three times the break after four weeks."""
    assert l05.course_recovery_days(84) > 3.0 * l05.course_recovery_days(28)
    assert l05.course_recovery_days(84) > 2.0 * l05.course_recovery_days(14)
    assert math.isfinite(l05.course_recovery_days(84)), "recovery after heavy use is slow, not absent"


def test_recovery_days_counts_from_the_last_dose_as_a_retest_sees_it():
    """The Number question L05.q1: recovery_days agrees with an independent retest at that break."""
    days = l05.course_recovery_days()
    last_dose_ends = l05.daily_course().events[-1].duration_h / 24.0
    assert l05.retest_fraction_of(l05.daily_course(), days + last_dose_ends + 0.15) >= 0.9
    assert l05.retest_fraction_of(l05.daily_course(), days + last_dose_ends - 0.3) < 0.9


# ----- fast, slow and chronic parts -----------------------------------------------------------------------------
def test_the_fast_part_is_gone_within_a_week_and_the_slow_part_within_six():
    left_week, left_six_weeks = l05.parts_left(84, 7.0), l05.parts_left(84, 42.0)
    assert left_week["fast"] < 5.0
    assert 30.0 < left_week["slow"] < 80.0
    assert left_six_weeks["slow"] < 10.0
    assert left_six_weeks["chronic"] > 50.0


def test_the_chronic_part_is_the_smallest_but_lingers():
    highest = l05.highest_parts(84)
    assert highest["chronic"] < min(highest["fast"], highest["slow"])
    assert l05.highest_parts(28)["chronic"] < 0.5 * highest["chronic"], "a short course barely builds the chronic part"


def test_a_week_is_more_than_six_fast_half_lives():
    """L05.s1: 'only a percent or two'."""
    left = 0.5 ** (7 * 24 / ADAPTATION.fast_tolerance_half_life_h)
    assert 0.005 < left < 0.03
    assert l05.parts_left(84, 7.0)["fast"] < 3.0


# ----- tapering ---------------------------------------------------------------------------------------------------
def test_taper_regimen_steps_down_one_day_after_the_course():
    tapered = l05.tapered_course()
    doses = [e.amount for e in tapered.events[l05.COURSE_DAYS:]]
    assert np.allclose(doses, [0.4, 0.3, 0.2, 0.1])
    starts = tapered.session_start_h / 24.0
    assert np.allclose(np.diff(starts[l05.COURSE_DAYS - 1 :]), 1.0)


def test_a_taper_does_not_speed_recovery_and_delays_it_a_little():
    """L05.s3 and L05.q5: counted from the last full dose, the tapered patient is slightly behind, never ahead."""
    comparison = l05.taper_comparison()
    for weeks, (abrupt, tapered) in comparison["retests"].items():
        assert tapered <= abrupt + 0.002, weeks
        assert abrupt - tapered < 0.05, weeks
    abrupt, tapered = comparison["retests"][4]
    assert abrupt - tapered <= 0.03, "L05.q5: a percentage point or two at four weeks"
    recovery = comparison["recovery_from_last_full_dose"]
    assert recovery["abrupt"] <= recovery["tapered"] <= recovery["abrupt"] + 7.0


def test_taper_keeps_craving_and_benefit_up_longer():
    week = l05.taper_comparison()["one_week_after"]
    assert week["tapered"]["craving"] > week["abrupt"]["craving"]
    assert week["tapered"]["antidepressant"] > week["abrupt"]["antidepressant"]


def test_stopping_at_once_shows_no_withdrawal_rebound():
    """The model has no physical withdrawal: after an abrupt stop craving only fades, and dissociation only recovers."""
    course = l05.daily_course()
    result = simulate(Patient(), course, days=28 + 42, sparse_step_h=6.0)
    a_day_later = result.time_h >= course.end_h + 24.0  # the last dose's own reward has ended by then
    assert np.all(np.diff(result.effect("craving")[a_day_later]) <= 1e-9)
    assert np.all(np.diff(result.tolerance[a_day_later]) <= 1e-9)


# ----- the design task ------------------------------------------------------------------------------------------------
def test_the_shortest_holiday_is_weeks_and_the_reference_plan_passes_fast():
    shortest = l05.shortest_break_days(0.8)
    assert 7.0 < shortest < 42.0
    question = bank.exercises()["L05.q3"]
    started = time.perf_counter()
    assert question.check(question.reference_answer()).correct
    assert time.perf_counter() - started < 2.0
    a_day_too_long = l05.with_retest(l05.daily_course(), float(math.ceil(shortest)) + 1.0)
    assert question.check(a_day_too_long).correct, "any break up to 2 days longer than the shortest is accepted"


# ----- the lesson's Markdown follows the model ----------------------------------------------------------------------
def test_lesson_sentences_show_the_models_numbers():
    assert f"**{100 * l05.last_course_fraction():.0f} %**" in l05.response_after_breaks().data
    assert f"{100 * l05.retest_fraction(42.0):.0f} %" in l05.response_after_breaks().data
    assert f"{l05.course_recovery_days(84):.0f} days" in l05.recovery_by_course().data
    assert "26 hours" in l05.parts_of_tolerance().data and "90 days" in l05.parts_of_tolerance().data
    assert "0.4, 0.3, 0.2, 0.1 mg/kg" in l05.taper_versus_stop().data


# ----- the slider app ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def app():
    return apps.holiday_explorer()


def _set(app, **values):
    for name, value in values.items():
        app.controls[name].value = value
    app.wait()
    return dict(app.numbers)


def test_app_opens_on_the_lessons_course_and_numbers(app):
    numbers = _set(app)
    assert numbers["last_course_percent"] == pytest.approx(100 * l05.last_course_fraction(), abs=0.5)
    assert numbers["retest_percent"] == pytest.approx(100 * l05.retest_fraction(14.0), abs=0.5)
    assert numbers["recovery_days"] == pytest.approx(l05.course_recovery_days(), abs=0.2)
    assert f"{numbers['retest_percent']:.0f} %" in app.readout.value


def test_app_is_a_well_formed_slider_app(app):
    assert "not medical advice" in app.children[-1].value
    assert "cannot tell" in app.children[1].value
    for control in app.controls.values():
        assert control.continuous_update is False and "(" in control.description
    assert charts.row_count(app.chart.spec) <= charts.MAX_ROWS
    vl_convert.vegalite_to_vega(app.chart.spec, vl_version=vl_version_for_vl_convert())
    assert len(app.chart.spec["description"]) > 40


def test_app_longer_break_brings_more_back(app):
    retests = [_set(app, break_days=days)["retest_percent"] for days in (3, 14, 42)]
    assert retests[0] < retests[1] < retests[2]
    _set(app, break_days=14)


def test_app_taper_is_compared_with_stopping_at_once(app):
    numbers = _set(app, taper_steps=4)
    assert numbers["taper_sessions"] == 4
    assert numbers["stop_at_once_percent"] >= numbers["retest_percent"]
    assert "Stopping at once instead" in app.readout.value
    assert numbers["retest_day"] == pytest.approx(27 + 4 + 14)
    _set(app, taper_steps=0)


def test_app_long_daily_use_leaves_mostly_chronic_tolerance(app):
    numbers = _set(app, course_weeks=26, break_days=42)
    assert numbers["share_of_what_is_left_percent"]["chronic"] > 50.0
    assert numbers["recovery_days"] > 90.0
    short = _set(app, course_weeks=4, break_days=14)
    assert short["share_of_what_is_left_percent"]["slow"] > 50.0


def test_app_twice_weekly_course_has_little_to_recover(app):
    numbers = _set(app, every_days=3.5)
    assert numbers["recovery_days"] <= 7.0 and numbers["retest_percent"] > 90.0
    _set(app, every_days=1.0)


def test_app_view_slider_moves_the_line_without_resimulating(app):
    runs = app.simulations
    control, param = app.view["reference"]
    control.value = 80.0
    assert getattr(app.chart.params, param) == 80.0 and app.simulations == runs
    control.value = 90.0


def test_app_chart_description_follows_the_data(app):
    before = app.chart.spec["description"]
    _set(app, break_days=28)
    assert app.chart.spec["description"] != before
    _set(app, break_days=14)
