"""Lesson 07 (different effects, different tolerance): every claim the lesson makes, checked on the model,
and its slider app driven through its widgets."""

import numpy as np
import pytest
import vl_convert
from altair.utils._importers import vl_version_for_vl_convert

from kettutor import PHARMACODYNAMICS, Patient, Regimen, apps, charts, simulate
from kettutor.teach.lessons import l07

pytestmark = pytest.mark.filterwarnings("ignore::kettutor.ValidatedRangeWarning")


# ----- T5: under twice-weekly sessions dissociation fades while the benefit holds -----------------------------
def test_twice_weekly_dissociation_fades_while_the_benefit_holds_and_reward_rises():
    n = l07.twice_weekly_numbers()
    assert n["dissociation"] < 95.0, "dissociation shows tolerance over eight twice-weekly sessions"
    assert n["antidepressant"] > 100.0, "the antidepressant peak grows a little rather than fading"
    assert n["last_g"] <= PHARMACODYNAMICS.antidepressant_max_g
    assert 90.0 < n["analgesia"] <= 100.0, "pain relief stays close to the first session's"
    assert n["locomotor"] > 105.0, "the reward effect goes the other way: sensitization"
    text = l07.twice_weekly_sentence().data
    assert f"{n['dissociation']:.0f} %" in text and f"{n['locomotor']:.0f} %" in text


def test_blood_levels_per_dose_do_not_fall_over_the_course():
    """Self-check L07.s1 says the fading is not less drug reaching the blood (no metabolic tolerance)."""
    cmax = l07.course_result(*l07.TWICE_WEEKLY).session_cmax_mg_per_l()
    assert np.allclose(cmax, cmax[0], rtol=0.02)


# ----- one tolerance, effect-specific weights --------------------------------------------------------------
def test_ec50_changes_rank_dissociation_then_pain_relief_then_anaesthesia_and_reward_sensitizes():
    n = l07.ec50_numbers()
    change = {effect: n[effect]["ec50_change_percent"] for effect in n}
    assert change["dissociation"] > change["analgesia"] > change["anesthesia"] > 10.0
    assert change["locomotor"] < -10.0, "spaced daily doses move the reward curve to the left"
    assert n["dissociation"]["last_percent"] < n["analgesia"]["last_percent"] < 100.0
    assert n["locomotor"]["last_percent"] > 100.0


def test_the_clinic_dose_does_not_anaesthetise():
    assert l07.ec50_numbers()["anesthesia"]["first_peak_percent"] < 5.0


def test_daily_inductions_shorten_anaesthesia_and_need_more_drug_within_the_label():
    n = l07.induction_numbers()
    assert 5.0 < n["first_minutes"] < 20.0, "one 2 mg/kg induction anaesthetises for minutes (K1)"
    assert n["last_minutes"] < 0.85 * n["first_minutes"], "daily inductions build anaesthetic tolerance (T1)"
    assert l07.INDUCTION_MG_PER_KG < n["dose_for_first_response_mg_per_kg"] <= l07.LABEL_MAX_INDUCTION_MG_PER_KG


# ----- the antidepressant effect saturates and wears down under heavy daily use -----------------------------
def test_doubling_one_infusion_adds_little_benefit():
    low, high = l07.one_infusion_g(0.5), l07.one_infusion_g(1.0)
    assert low < high < 1.3 * low, "0.5 and 1.0 mg/kg give similar benefit (Fava 2018)"
    assert f"{high:.2f}" in l07.saturation_sentence().data


def test_daily_sessions_buy_no_more_benefit_and_a_higher_daily_dose_buys_less():
    n = l07.twelve_week_numbers()
    spaced, daily, double = (n[label] for label in l07.TWELVE_WEEK_COURSES)
    assert abs(daily["mean_g_last_week"] / spaced["mean_g_last_week"] - 1.0) < 0.15, "saturated: about the same benefit"
    assert daily["dissociation_percent"] < 50.0 < 80.0 < spaced["dissociation_percent"]
    assert double["mean_g_last_week"] < 0.8 * daily["mean_g_last_week"], "more drug, less benefit (seed 002)"
    assert double["dissociation_percent"] < daily["dissociation_percent"]
    for course in n.values():
        assert course["mean_g_last_week"] < PHARMACODYNAMICS.antidepressant_max_g


def test_the_prediction_daily_instead_of_twice_weekly():
    """L07.p1: every day instead of twice a week, same dose: dissociation falls below half, benefit holds."""
    daily = l07.course_result(0.5, 1.0, 84)
    spaced = l07.course_result(0.5, 3.5, 24)
    assert l07.last_over_first(daily, "dissociation") < 50.0
    assert l07.last_over_first(daily, "antidepressant") > 0.9 * l07.last_over_first(spaced, "antidepressant")


def test_lesson_tables_show_the_model_numbers():
    assert "+" in l07.ec50_table().data and "-" in l07.ec50_table().data
    table = l07.twelve_week_table().data
    for n in l07.twelve_week_numbers().values():
        assert f"{n['mean_g_last_week']:.2f}" in table


# ----- the app ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def app():
    return apps.effect_tolerance_explorer()


def _set(app, **values):
    for name, value in values.items():
        app.controls[name].value = value
    return dict(app.numbers)


def test_app_opens_on_the_twice_weekly_course_showing_t5(app):
    numbers = app.numbers
    assert numbers["last_percent"]["dissociation"] < 95.0 <= numbers["last_percent"]["antidepressant"]
    assert numbers["last_percent"]["locomotor"] > 105.0
    ec50 = numbers["ec50_change_percent"]
    assert ec50["dissociation"] > ec50["analgesia"] > ec50["anesthesia"] > 0.0 > ec50["locomotor"]
    assert f"{numbers['last_percent']['dissociation']:.0f} %" in app.readout.value
    assert "not medical advice" in app.children[-1].value
    for control in app.controls.values():
        assert control.continuous_update is False and "(" in control.description
    assert charts.row_count(app.chart.spec) <= charts.MAX_ROWS
    vl_convert.vegalite_to_vega(app.chart.spec, vl_version=vl_version_for_vl_convert())


def test_app_daily_then_double_dose_wears_the_benefit_down(app):
    daily = _set(app, dose_mg_per_kg=0.5, every_days=1.0, course_weeks=12)
    assert daily["last_percent"]["dissociation"] < 50.0 and daily["last_percent"]["antidepressant"] > 90.0
    double = _set(app, dose_mg_per_kg=1.0)
    assert double["last_percent"]["antidepressant"] < 80.0
    assert double["g_before_last_session"] < 0.8 * daily["g_before_last_session"]
    assert "worn down" in app.readout.value
    weekly = _set(app, dose_mg_per_kg=0.5, every_days=7.0)
    assert weekly["last_percent"]["dissociation"] > daily["last_percent"]["dissociation"] + 30.0
    assert weekly["g_before_last_session"] < daily["g_before_last_session"], "the benefit fades between weekly sessions"


def test_app_chart_data_follow_the_sliders_and_the_view_slider_does_not_resimulate(app):
    _set(app, dose_mg_per_kg=0.5, every_days=3.5, course_weeks=12)
    before = dict(app.chart.spec["datasets"])
    _set(app, every_days=2.0)
    assert app.chart.spec["datasets"]["effect_sessions"] != before["effect_sessions"]
    runs = app.simulations
    control, param = app.view["reference"]
    control.value = 80.0
    assert getattr(app.chart.params, param) == 80.0 and app.simulations == runs


def test_under_heavy_daily_dosing_dissociation_fades_within_days_and_the_benefit_only_after_weeks():
    n = l07.speed_numbers()
    assert n["dissociation"] <= 7.0, "dissociation fades within the first week"
    assert 7.0 < n["antidepressant"] < 84.0, "the benefit wears down only after weeks, within the 12-week course"
    assert f"day {n['antidepressant']:.0f}" in l07.speed_sentence().data
