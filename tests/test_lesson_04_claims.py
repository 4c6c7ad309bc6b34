"""Lesson 04 (how often): every phenomenon the lesson states holds in the model, and its app shows it.

The lesson's numbers come from ``kettutor.teach.lessons.l04``; these tests check the claims its prose makes about
them (T2, T3 and T4 in docs/science/PHENOMENA.md), with thresholds that a different model could fail.
"""

import altair as alt
import numpy as np
import pytest
import vl_convert
from altair.utils._importers import vl_version_for_vl_convert

from kettutor import apps, charts
from kettutor.teach.bank import l04 as bank04
from kettutor.teach.frequency_app import (
    SCHEDULES,
    ceiling_percent,
    chronic_points_at_sessions,
    ec50_rise_at_sessions,
    frequency_comparison,
)
from kettutor.teach.lessons import l04

pytestmark = pytest.mark.filterwarnings("ignore::kettutor.ValidatedRangeWarning")
DAILY, TWICE, WEEKLY = SCHEDULES["once a day"], SCHEDULES["twice a week"], SCHEDULES["once a week"]


def test_the_more_often_the_more_tolerance():
    """T2: after four weeks, daily > every 2 days > twice a week > weekly > every 2 weeks, in the EC50 rise and
    in the last session's peak."""
    rises = [l04.rise_at_end(every, l04.ORDER_WEEKS) for every in l04.ORDER_INTERVALS]
    peaks = [l04.last_percent(every, l04.ORDER_WEEKS) for every in l04.ORDER_INTERVALS]
    assert all(a > b for a, b in zip(rises, rises[1:]))
    assert all(a < b for a, b in zip(peaks, peaks[1:]))


def test_one_extra_day_between_sessions_removes_more_than_half():
    """The lesson: every 2 days instead of every day leaves less than half of the four-week EC50 rise."""
    assert l04.rise_at_end(2.0, l04.ORDER_WEEKS) < 0.5 * l04.rise_at_end(1.0, l04.ORDER_WEEKS)


def test_spaced_schedules_level_off_and_daily_keeps_climbing():
    """T3 and L04.p1: twice weekly and weekly barely move between weeks 12 and 26 after rising in the first weeks;
    daily climbs on, to a much higher level."""
    for every in (TWICE, WEEKLY):
        early, mid, late = (l04.rise_at_week(every, week) for week in l04.PLATEAU_WEEKS)
        assert late - mid < 2.0
        assert early > 0.7 * late > 0.0
    daily = [l04.rise_at_week(DAILY, week) for week in l04.PLATEAU_WEEKS]
    assert daily[2] - daily[1] > 15.0 and daily[1] - daily[0] > 15.0
    assert daily[2] > 4 * l04.rise_at_week(TWICE, l04.LONG_WEEKS)


def test_the_weekly_plateau_is_far_below_the_ceiling():
    """L04.s1: a plateau is a balance, not the ceiling."""
    assert l04.rise_at_week(WEEKLY, l04.LONG_WEEKS) < 0.25 * ceiling_percent()


def test_fast_and_slow_tolerance_never_pass_the_ceiling_and_heavy_use_nears_it():
    """The ceiling: however heavy the daily use, fast and slow tolerance stay below it; at the top of the dose range
    they come close, and the chronic component adds beyond it."""
    result = l04.course(DAILY, l04.LONG_WEEKS, l04.HEAVY_DOSE_MG_PER_KG)
    counter_regulation = ec50_rise_at_sessions(result) - chronic_points_at_sessions(result)
    assert counter_regulation.max() <= ceiling_percent() + 1e-9
    assert counter_regulation[-1] > 0.75 * ceiling_percent()
    assert ec50_rise_at_sessions(result)[-1] > ceiling_percent()


def test_the_chronic_component_needs_months_of_frequent_use():
    """T4 and L04.s2: under daily dosing the chronic part grows several-fold from week 4 to week 26 while fast and
    slow tolerance have settled; twice a week it stays small."""
    assert l04.chronic_at_week(DAILY, l04.LONG_WEEKS) > 4 * l04.chronic_at_week(DAILY, l04.SHORT_WEEKS)
    assert l04.chronic_at_week(TWICE, l04.LONG_WEEKS) < 0.1 * l04.chronic_at_week(DAILY, l04.LONG_WEEKS)
    result = l04.course(DAILY, l04.LONG_WEEKS)
    counter_regulation = ec50_rise_at_sessions(result) - chronic_points_at_sessions(result)
    week = result.session_start_h / (24 * 7)
    settled = counter_regulation[week >= 12]
    assert settled.max() - settled.min() < 2.0, "fast and slow tolerance have levelled off by week 12"


def test_the_chronic_component_builds_faster_at_a_larger_daily_dose():
    """The lesson: the chronic part grows the faster the larger the dose, so daily 1 mg/kg passes the ceiling of fast
    and slow tolerance within the eight weeks of the dose-or-frequency table."""
    heavy, usual = l04.HEAVY_DOSE_MG_PER_KG, l04.DOSE_MG_PER_KG
    assert l04.chronic_at_week(DAILY, l04.SHORT_WEEKS, heavy) > 2 * l04.chronic_at_week(DAILY, l04.SHORT_WEEKS, usual)
    assert l04.rise_at_end(DAILY, l04.TABLE_WEEKS, heavy) > ceiling_percent()


def test_fast_tolerance_is_the_same_after_four_weeks_and_six_months():
    """L04.q4's feedback: fast tolerance sits at its daily level, whatever the length of daily use."""
    def fast_at_end(weeks):
        result = l04.course(DAILY, weeks)
        return result.slow_state("tolerance_fast")[-1]

    assert fast_at_end(l04.LONG_WEEKS) == pytest.approx(fast_at_end(l04.SHORT_WEEKS), rel=0.05)


def test_months_of_daily_use_recover_more_slowly():
    """T4: six weeks off restore most of the response after four weeks of daily use, clearly less after six months."""
    short, long = l04.percent_after_break(l04.SHORT_WEEKS), l04.percent_after_break(l04.LONG_WEEKS)
    assert short > 85.0
    assert long < short - 10.0


def test_over_the_ranges_in_use_how_often_moves_tolerance_more_than_how_much():
    """The lesson and L04.q3: weekly to daily multiplies the 8-week rise more than 0.25 to 1 mg/kg does, at every
    dose and schedule of the table; yet every schedule's rise still grows with the dose."""
    assert l04.frequency_factors()[0] > l04.dose_factors()[1]
    for every in l04.TABLE_INTERVALS:
        rises = [l04.rise_at_end(every, l04.TABLE_WEEKS, d) for d in l04.TABLE_DOSES]
        assert rises[0] < rises[1] < rises[2]


def test_l04_s3_daily_sessions_beat_a_doubled_weekly_dose():
    """L04.s3: from 0.5 mg/kg weekly, daily sessions raise the 8-week rise more than tenfold, doubling the dose only
    a few times over."""
    weekly = l04.rise_at_end(WEEKLY, 8)
    assert l04.rise_at_end(DAILY, 8) > 10 * weekly
    assert 1.5 * weekly < l04.rise_at_end(WEEKLY, 8, 1.0) < 5 * weekly


def test_splitting_the_same_weekly_amount_changes_little():
    """The lesson's caveat and L04.q3 option a: the same weekly amount as one, two or seven sessions builds a similar
    EC50 rise (within a factor of 1.5)."""
    rises = list(l04.weekly_amount_rises().values())
    assert max(rises) < 1.5 * min(rises)


def test_design_task_has_room_and_its_traps_fail():
    """L04.q5: twice weekly is too much tolerance, weekly too little benefit, and a course in between meets the goal."""
    twice = bank04.design_outcome(l04.schedule_regimen(0.5, TWICE, 12))
    weekly = bank04.design_outcome(l04.schedule_regimen(0.5, WEEKLY, 12))
    middle = bank04.design_outcome(bank04.reference_design())
    assert twice["largest_rise_percent"] > bank04.MAX_RISE_PERCENT
    assert weekly["lowest_g"] < bank04.BENEFIT_FLOOR_G
    assert middle["lowest_g"] >= bank04.BENEFIT_FLOOR_G + 0.03
    assert middle["largest_rise_percent"] <= bank04.MAX_RISE_PERCENT - 2.0


def test_lesson_sentences_show_the_model_numbers():
    assert f"{l04.rise_at_end(DAILY, l04.ORDER_WEEKS):.0f} %" in l04.frequency_order().data
    assert f"{l04.rise_at_week(TWICE, l04.LONG_WEEKS):.0f} %" in l04.plateaus().data
    assert f"{ceiling_percent():.0f} %" in l04.ceiling_and_chronic().data
    assert f"{l04.percent_after_break(l04.LONG_WEEKS):.0f} %" in l04.slower_recovery().data
    assert f"{l04.rise_at_end(DAILY, 8, 1.0):.0f} %" in l04.dose_or_frequency().data


# ----- the app ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def app():
    return frequency_comparison()


def _set(app, **values):
    for name, value in values.items():
        app.controls[name].value = value
    app.wait()
    return dict(app.numbers)


def test_app_is_reachable_from_kettutor_apps_and_runs_with_defaults(app):
    assert apps.frequency_comparison is frequency_comparison
    assert isinstance(app.chart, alt.JupyterChart) and app.readout.value and "not medical advice" in app.children[-1].value
    for control in app.controls.values():
        if hasattr(control, "continuous_update"):
            assert control.continuous_update is False and "(" in control.description
    assert charts.row_count(app.chart.spec) <= charts.MAX_ROWS
    assert len(app.chart.spec["description"]) > 40
    vl_convert.vegalite_to_vega(app.chart.spec, vl_version=vl_version_for_vl_convert())


def test_app_defaults_show_plateaus_and_a_daily_climb(app):
    numbers = _set(app, dose_mg_per_kg=0.5, course_weeks=26, schedules=("once a day", "twice a week", "once a week"))
    daily, twice, weekly = numbers["once a day"], numbers["twice a week"], numbers["once a week"]
    assert daily["ec50_rise_percent"] > twice["ec50_rise_percent"] > weekly["ec50_rise_percent"]
    assert daily["recent_rise_points"] >= 1.0 > twice["recent_rise_points"]
    assert "still rising" in app.readout.value and "levelled off" in app.readout.value
    assert f"{daily['last_percent']:.0f} %" in app.readout.value


def test_app_numbers_follow_the_lesson_module(app):
    numbers = _set(app, dose_mg_per_kg=0.5, course_weeks=26, schedules=("twice a week",))
    assert numbers["twice a week"]["ec50_rise_percent"] == pytest.approx(l04.rise_at_week(TWICE, 26), abs=1.0)


def test_app_daily_thin_line_stays_below_the_ceiling_for_a_year(app):
    _set(app, dose_mg_per_kg=1.0, course_weeks=52, schedules=tuple(SCHEDULES))
    table = app.chart.spec["datasets"]["rises"]
    lines = [row.split(",") for row in table.strip().splitlines()[1:]]
    thin = [float(v) for week, series, part, v in lines if part == "fast + slow only"]
    assert max(thin) <= ceiling_percent() + 0.5
    assert charts.row_count(app.chart.spec) <= charts.MAX_ROWS
    assert app.numbers["once a day"]["ec50_rise_percent"] > ceiling_percent()


def test_app_refuses_an_empty_selection_in_the_sliders_terms(app):
    app.controls["schedules"].value = ()
    assert "‘Schedules’" in app.message.value and "choose at least one schedule" in app.message.value
    _set(app, schedules=("once a week",))
    assert app.message.value == ""


def test_app_dose_moves_the_chart_and_the_view_slider_does_not_resimulate(app):
    _set(app, schedules=("once a day", "once a week"), course_weeks=8, dose_mg_per_kg=0.5)
    before = dict(app.chart.spec["datasets"])
    _set(app, dose_mg_per_kg=0.25)
    assert app.chart.spec["datasets"]["rises"] != before["rises"]
    runs = app.simulations
    control, param = app.view["reference"]
    control.value = 60.0
    assert getattr(app.chart.params, param) == 60.0 and app.simulations == runs


def test_ec50_rise_at_sessions_reads_the_start_of_each_session():
    result = l04.course(WEEKLY, 4)
    rises = ec50_rise_at_sessions(result)
    assert rises[0] == pytest.approx(0.0, abs=1e-9)
    assert np.all(np.diff(rises) > 0)
