"""Every claim lesson 10 (clinical protocols) makes, checked on the model, and its app driven from Python.

The lesson's numbers come from ``kettutor.teach.lessons.l10``; these tests hold them to the phenomena the lesson
states: P2 (titration), P3 (induction then maintenance, monitoring), P4 (adjunct therapy), T5 (dissociation adapts
faster than the benefit), T6 (cross-tolerance) and the benzodiazepine interaction.
"""

import numpy as np
import pytest

from kettutor import Regimen, apps
from kettutor.teach.bank import l10 as bank
from kettutor.teach.lessons import l10

pytestmark = pytest.mark.filterwarnings("ignore::kettutor.ValidatedRangeWarning")
STOPPED = "twice weekly for 4 weeks, then stop"
STEPPED = "twice weekly for 4 weeks, weekly for 4, then every 2 weeks (the label's steps)"
CONTINUED = "twice weekly throughout"


# ----- titration (P2) ----------------------------------------------------------------------------------------
def test_titration_reaches_the_target_within_two_to_four_sessions():
    session = l10.titration_target_session()
    assert session is not None and 2 <= session <= 4
    outcome = l10.titration()
    assert np.all(outcome.doses_mg_per_kg[session - 1:] == outcome.doses_mg_per_kg[session - 1]), "the dose is held"
    assert l10.titration_dose_at_target_mg_per_kg() < l10.FIXED_HIGH_MG_PER_KG


def test_titration_reaches_response_with_less_dissociation_than_starting_high():
    assert l10.titration_max_dissociation() < 0.8 * l10.fixed_high_max_dissociation()


def test_the_fixed_high_dose_buys_a_larger_benefit():
    """The lesson is honest about the trade: in the model the high dose gives more benefit at every session."""
    assert np.all(l10.fixed_high().session_peaks("antidepressant") > l10.titration().responses)


def test_the_benefit_outlasts_the_drug_by_days():
    """Measuring the benefit: the drug leaves the blood within hours, one infusion's benefit fades over about ten days."""
    result = l10.single_infusion()
    g = result.effect("antidepressant")
    at = lambda day, series: float(np.interp(day * 24.0, result.time_h, series))  # noqa: E731
    assert at(1.0, result.plasma_mg_per_l) < 0.05 * result.plasma_mg_per_l.max()
    assert at(3.0, g) > 0.5 * g.max()
    assert at(14.0, g) < 0.2


# ----- induction, then maintenance (P3, T5) -------------------------------------------------------------------
def test_benefit_fades_within_about_two_weeks_of_stopping_after_induction():
    """Prediction L10.p1: the benefit outlasts the drug by days, and without maintenance it falls below the line
    within a week or two of the last induction infusion."""
    days = l10.days_until_benefit_below_after_induction()
    assert 5.0 <= days <= 21.0
    kept, stopped = l10.iv_above_line_percent()
    assert kept > stopped + 50.0


def test_the_label_steps_keep_benefit_that_stopping_loses_with_less_tolerance_than_staying_twice_weekly():
    stopped, stepped, continued = (l10.spray_numbers(name) for name in (STOPPED, STEPPED, CONTINUED))
    assert stepped["mean_g"] >= 2.0 * stopped["mean_g"]
    assert stepped["mean_tolerance"] <= 0.7 * continued["mean_tolerance"]
    assert stopped["sessions"] < stepped["sessions"] < continued["sessions"]


def test_dissociation_falls_during_the_spray_induction_while_the_benefit_grows():
    """T5: effect-specific tolerance under the twice-weekly induction."""
    result = l10.spray_results()[STOPPED]
    assert result.relative_session_peaks("dissociation")[-1] < 0.95
    benefit = result.session_peaks("antidepressant")
    assert benefit[-1] > benefit[0]


# ----- monitoring and combination therapy (P3, P4) --------------------------------------------------------------
def test_the_monitoring_rule_lengthens_the_interval_beyond_weekly():
    numbers = l10.monitored_numbers()
    assert numbers["longest_interval_days"] >= 14.0
    gaps = np.diff(l10.monitored().session_start_h) / 24.0
    assert gaps[-1] > gaps[0], "the gaps grow over the course"


def test_a_therapy_alongside_means_fewer_infusions_and_less_tolerance():
    none, exercise, therapy = (l10.monitored_numbers(a) for a in ("none", "exercise", "psychotherapy"))
    assert therapy["sessions"] < exercise["sessions"] < none["sessions"]
    assert therapy["mean_tolerance"] < exercise["mean_tolerance"] < none["mean_tolerance"]


def test_a_benzodiazepine_blunts_the_day_one_benefit_not_the_levels():
    assert l10.benefit_ratio_on_day("benzodiazepine", 1.0) < 0.9
    assert l10.benefit_ratio_on_day("benzodiazepine", 3.0) > 0.85
    assert l10.cmax_ratio("benzodiazepine") == pytest.approx(1.0, rel=1e-6)


# ----- cross-tolerance (T6) ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("medicine", ["memantine", "dextromethorphan", "nitrous_oxide"])
def test_another_nmda_blocker_blunts_the_first_response_without_changing_the_levels(medicine):
    assert l10.first_dissociation_ratio_percent(medicine) < 97.0
    assert l10.cmax_ratio(medicine) == pytest.approx(1.0, rel=1e-6)
    assert l10.benefit_ratio_on_day(medicine, 1.0) > 0.9, "the benefit a day later barely changes"
    assert l10.first_dissociation_ratio_percent(medicine) / 100.0 < l10.benefit_ratio_on_day(medicine, 1.0)
    assert l10.monitored_numbers("none", medicine)["sessions"] > l10.monitored_numbers()["sessions"]


def test_memantine_blunts_more_than_dextromethorphan():
    assert l10.first_dissociation_ratio_percent("memantine") < l10.first_dissociation_ratio_percent("dextromethorphan")


# ----- the design task's yardstick ---------------------------------------------------------------------------------
def test_the_design_task_can_be_met_and_its_traps_are_real():
    """L10.q5: a stepped plan meets the goal; weekly infusions keep the benefit but not the tolerance limit; an
    induction alone loses the benefit."""
    from kettutor.teach.answers import regimen_to_payload

    assert bank.judge_plan(regimen_to_payload(bank.reference_plan()))[0]
    weekly = Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=40, every_days=7, duration_days=bank.PLAN_DAYS)
    numbers = bank._plan_numbers(weekly)
    assert numbers["lowest_g"] >= bank.BENEFIT_FLOOR_G and numbers["mean_tolerance"] > bank.tolerance_limit()
    assert bank._plan_numbers(bank.induction_only_plan())["lowest_g"] < bank.BENEFIT_FLOOR_G


# ----- the app -------------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def app():
    return apps.protocol_explorer()


def _set(app, **values):
    for name, value in values.items():
        app.controls[name].value = value
    return dict(app.numbers)


def test_app_opens_on_the_lessons_protocol_and_maintenance_beats_stopping(app):
    values = app.values()
    assert (values["dose_mg_per_kg"], values["induction_sessions"], values["induction_every_days"]) == (
        l10.DOSE_MG_PER_KG, l10.INDUCTION_SESSIONS, l10.INDUCTION_EVERY_DAYS)
    assert (values["maintenance_every_days"], values["course_weeks"], values["line_g"]) == (
        l10.MAINTENANCE_EVERY_DAYS, l10.COURSE_WEEKS, l10.BENEFIT_LINE_G)
    numbers = app.numbers
    kept, stopped = l10.iv_above_line_percent()
    assert numbers["above_line_percent"] == pytest.approx(kept, abs=2.0)
    assert numbers["induction_only_above_percent"] == pytest.approx(stopped, abs=2.0)
    assert f"{numbers['above_line_percent']:.0f} %" in app.readout.value
    for control in app.controls.values():
        assert "(" in control.description, f"{control.description!r} names no unit or kind"


def test_app_longer_maintenance_gaps_keep_the_benefit_less_and_shorter_ones_build_tolerance(app):
    fortnightly = _set(app, maintenance_every_days=14.0)
    monthly = _set(app, maintenance_every_days=28.0)
    twice_weekly = _set(app, maintenance_every_days=3.5)
    assert monthly["above_line_percent"] < fortnightly["above_line_percent"] - 20.0
    assert twice_weekly["last_dissociation_relative_percent"] < fortnightly["last_dissociation_relative_percent"]
    assert twice_weekly["sessions"] > fortnightly["sessions"] > monthly["sessions"]
    _set(app, maintenance_every_days=14.0)


def test_app_therapy_alongside_and_nmda_blockers(app):
    plain = _set(app, maintenance_every_days=21.0, adjunct="none", also_takes="none")
    therapy = _set(app, adjunct="psychotherapy")
    assert therapy["above_line_percent"] > plain["above_line_percent"] + 10.0
    memantine = _set(app, adjunct="none", also_takes="memantine")
    assert memantine["first_dissociation_percent"] < plain["first_dissociation_percent"] - 5.0
    assert memantine["above_line_percent"] <= plain["above_line_percent"]
    _set(app, also_takes="none", maintenance_every_days=14.0)


def test_app_higher_dose_dissociates_more_and_a_course_too_short_is_refused(app):
    usual = _set(app, dose_mg_per_kg=0.5)
    high = _set(app, dose_mg_per_kg=1.0)
    assert high["first_dissociation_percent"] > usual["first_dissociation_percent"] + 10.0
    spec = app.chart.spec
    _set(app, dose_mg_per_kg=0.5, course_weeks=4, induction_sessions=12, induction_every_days=7.0)
    assert "does not fit" in app.message.value
    _set(app, induction_every_days=3.0, induction_sessions=6, course_weeks=16)
    assert app.message.value == "" and app.chart.spec is not spec
    assert app.numbers["sessions"] == usual["sessions"]
