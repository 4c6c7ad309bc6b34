"""Lesson 06 (sensitization versus tolerance): every claim the lesson makes, checked on the model.

Challenges are the standard 0.5 mg/kg IV over 40 min (``kettutor.analysis.challenge_response``), as a fraction of
a drug-naive patient's response; the lesson's numbers come from ``kettutor.teach.lessons.l06``.
"""

import time

import numpy as np
import pytest

from kettutor import Patient, Regimen, apps, simulate
from kettutor.analysis import challenge_response
from kettutor.teach import bank
from kettutor.teach.lessons import l06

pytestmark = pytest.mark.filterwarnings("ignore::kettutor.ValidatedRangeWarning")
UP, DOWN = 1.0 + l06.NO_CLEAR_CHANGE, 1.0 - l06.NO_CLEAR_CHANGE


# ----- the same sessions, two directions (S1, T2) -----------------------------------------------------------
def test_the_same_sessions_lower_dissociation_and_raise_the_reward_response():
    for every in l06.INTERVALS.values():
        change = l06.two_effects(every)
        assert change["dissociation"] < 1.0, every
        assert change["locomotor"] > 1.1, every


def test_dissociation_falls_more_the_more_often_the_sessions_come():
    daily, twice_weekly, weekly = (l06.two_effects(every)["dissociation"] for every in l06.INTERVALS.values())
    assert daily < twice_weekly < weekly


def test_weekly_sessions_barely_lower_dissociation_but_sensitize():
    """L06.q4: the once-a-week clinic patient."""
    weekly = l06.two_effects(7.0)
    assert 0.9 <= weekly["dissociation"] < 1.0
    assert weekly["locomotor"] > 1.1


def test_only_the_locomotor_reward_effect_can_sensitize():
    result = simulate(Patient(), l06.fortnight_course(), days=20, sparse_step_h=6.0)
    for effect in ("dissociation", "anesthesia", "analgesia"):
        assert result.ec50_change_percent(effect).min() >= -1e-9, effect
    assert result.ec50_change_percent("locomotor").min() < -10.0


# ----- intermittent or continuous (S1, S2) -----------------------------------------------------------------------
def test_app_opening_settings_spaced_doses_sensitize_and_the_infusion_tolerates():
    """L06.p1: the separate doses leave the largest response; the infusion leaves the patient tolerant."""
    challenges = l06.app_challenges()
    assert challenges["every 2 days"] >= UP and challenges["once a day"] >= UP
    assert challenges["continuous infusion"] <= DOWN


def test_lesson_numbers_are_the_apps_numbers():
    app = apps.intermittent_vs_continuous()
    for name, value in l06.app_challenges().items():
        assert app.numbers[name] == pytest.approx(100 * value, abs=0.05), name
    assert set(app.numbers) == set(l06.app_schedules())


def test_a_larger_amount_deepens_tolerance_which_first_hides_the_sensitization():
    """Try this 3: at the app's largest amount, a challenge the day after the week finds the infusion and even the
    once-a-day arm tolerant; a week later both spaced arms are sensitized and the infusion is back to naive."""
    app = apps.intermittent_vs_continuous()
    app.controls["weekly_mg_per_kg"].value = 21.0
    assert app.numbers["every 2 days"] >= 100 * UP
    assert app.numbers["once a day"] < 100.0
    assert app.numbers["continuous infusion"] < l06.app_challenges()["continuous infusion"] * 100 - 10
    app.controls["challenge_gap_days"].value = 7
    assert app.numbers["every 2 days"] >= 100 * UP and app.numbers["once a day"] >= 100 * UP
    assert app.numbers["continuous infusion"] == pytest.approx(100.0, abs=2.0)


def test_splitting_the_same_daily_amount_turns_sensitization_into_tolerance():
    once, twice, thrice, four = (l06.divided_challenge(n) for n in (1, 2, 3, 4))
    assert once >= UP
    assert once > twice > thrice >= four - 0.01
    assert thrice <= DOWN and four <= DOWN
    assert l06.divided_challenge(None) <= DOWN


def test_the_same_small_dose_once_a_day_still_sensitizes():
    assert l06.one_small_dose_a_day_challenge(3) >= UP > DOWN >= l06.divided_challenge(3)


def test_the_schedule_not_the_amount_sets_the_direction():
    """The design task L06.q3: 7 mg/kg in a week, spaced or continuous, gives opposite changes."""
    spaced = Regimen.repeated(dose_mg_per_kg=1.75, infusion_min=40, every_days=2, doses=4)
    infusion = Regimen.continuous_infusion(rate_mg_per_kg_per_h=7 / 168, hours=168)
    assert challenge_response(Patient(), spaced, day=spaced.end_h / 24 + 1) >= UP
    assert challenge_response(Patient(), infusion, day=infusion.end_h / 24 + 1) <= DOWN
    question = bank.exercises()["L06.q3"]
    started = time.perf_counter()
    assert question.check(question.reference_answer()).correct
    assert time.perf_counter() - started < 2.0


# ----- what a break does (S3) ---------------------------------------------------------------------------------------
def test_a_break_removes_tolerance_and_leaves_sensitization():
    """L06.s2: two weeks after daily doses, dissociation has recovered much, the reward response stays raised."""
    assert l06.challenge_after("daily", 14) >= UP
    assert l06.challenge_after("daily", 14) >= l06.challenge_after("daily", 1), "a later challenge shows a little more"
    dissociation_1, dissociation_14 = (l06.challenge_after("daily", d, "dissociation") for d in (1, 14))
    assert dissociation_14 > dissociation_1 + 0.15
    assert dissociation_14 < 0.95, "'much of its loss', not all"


def test_after_an_infusion_the_break_only_brings_the_response_back():
    assert l06.challenge_after("continuous", 1) <= DOWN
    assert l06.challenge_after("continuous", 14) == pytest.approx(1.0, abs=0.02)


def test_sensitization_lasts_months_and_tolerance_weeks():
    course = l06.fortnight_course()
    result = simulate(Patient(), course, days=14 + 60, sparse_step_h=12.0)
    end = np.searchsorted(result.time_h, course.end_h + 24.0)
    later = np.searchsorted(result.time_h, course.end_h + 42 * 24.0)
    assert result.slow_state("sensitization")[later] > 0.7 * result.slow_state("sensitization")[end]
    assert result.tolerance[later] < 0.3 * result.tolerance[end]


# ----- the lesson's Markdown follows the model -------------------------------------------------------------------------
def test_lesson_sentences_show_the_models_numbers():
    assert f"{100 * l06.two_effects(1.0)['locomotor']:.0f} %" in l06.same_dose_two_effects().data
    text = l06.app_opening_numbers().data
    assert all(f"**{100 * v:.0f} %**" in text for v in l06.app_challenges().values())
    assert text.count("7 mg/kg in all") == 3, "each arm of a 7-day exposure gets the same 7 mg/kg"
    assert f"{100 * l06.divided_challenge(4):.0f} %" in l06.doses_per_day().data
    assert f"{100 * l06.challenge_after('daily', 14):.0f} %" in l06.what_a_break_does().data
