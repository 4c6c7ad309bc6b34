"""Lesson 09, chasing the first effect: the numbers the lesson shows, computed by the model.

Every function simulates the default 70 kg patient (``kettutor.Patient()``) and returns a short Markdown
sentence or table, so the lesson's prose never types a number that would change with the model.
``tests/test_lesson_09_claims.py`` checks the same claims on the model.

The lesson is about harm: the escalating user is a model of behaviour (PHENOMENA E1), and nothing here says
what anyone should take.
"""

from __future__ import annotations

import functools
import warnings
from functools import cache

import numpy as np
from IPython.display import Markdown

from ..._validate import ValidatedRangeWarning
from ...patient import Patient
from ...policies import ANAESTHETIC_PEAK_PERCENT, BLADDER_HARM_MG_PER_DAY, PolicyOutcome, escalating_use
from ...regimen import HOURS_PER_DAY, Regimen
from ...solver.result import SimulationResult
from ...science.routes import get_route
from ...solver.simulate import simulate

PATIENT = Patient()
ROUTE = "intranasal"  # the route of non-medical use, as in apps.escalation_explorer
# The escalating user of apps.escalation_explorer's default setting (a test checks that they agree).
FIRST_DOSE_MG_PER_KG = 1.0
STEP_MG_PER_KG = 0.5
CAP_MG_PER_KG = 20.0
PERIOD_DAYS = 91  # thirteen weeks of use for every pattern compared
USE_EVERY_DAYS = (1.0, 3.5, 7.0)
USE_WORDS = {1.0: "every day", 3.5: "twice a week", 7.0: "once a week"}
# Daily use at a fixed dose, then abstinence: the craving time course (PHENOMENA E2).
DAILY_USE_DOSE_MG_PER_KG = 1.0
DAILY_USE_DAYS = 60
ABSTINENCE_DAYS = (0, 7, 14, 28, 56)
CYCLE_DAYS = 42  # six weeks of daily use, fixed or escalating (E3)
CLINIC_DOSE_MG_PER_KG = 0.5  # the clinic's antidepressant infusion (0.5 mg/kg over 40 min)
CLINIC_INFUSION_MIN = 40.0
CLINIC_SESSIONS = 12
SPRAY_DOSE_MG, SPRAY_SESSIONS, SPRAY_EVERY_DAYS = 56, 8, 3.5  # the esketamine spray's twice-weekly induction


def quiet(function):
    """Run ``function`` without the note that doses lie beyond the validated range: the lesson says it in words."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ValidatedRangeWarning)
            return function(*args, **kwargs)

    return wrapper


def at_most(value: float) -> str:
    """An upper bound in % as a reader would say it: "below 0.1 %" rather than "at or below 0.0 %"."""
    if value < 0.1:
        return "below 0.1 %"
    return f"at or below {value:.1f} %" if value < 10 else f"at or below {value:.0f} %"


# ----- escalation (E1) ---------------------------------------------------------------------------------
def sessions_in_period(every_days: float) -> int:
    return int(round(PERIOD_DAYS / every_days))


@cache
@quiet
def escalation(every_days: float = 1.0, sessions: int | None = None) -> PolicyOutcome:
    """The escalating user (nasal; first dose 1 mg/kg, +0.5 mg/kg whenever the effect falls short of the first
    session's, at most 20 mg/kg), using every ``every_days`` for ``sessions`` sessions (default: 13 weeks)."""
    return escalating_use(
        PATIENT, start_dose_mg_per_kg=FIRST_DOSE_MG_PER_KG, step_mg_per_kg=STEP_MG_PER_KG, cap_mg_per_kg=CAP_MG_PER_KG,
        every_days=every_days, sessions=sessions or sessions_in_period(every_days), route=ROUTE,
    )


def last_dose_fold(every_days: float) -> float:
    """The last dose as a multiple of the first."""
    doses = escalation(every_days).doses_mg_per_kg
    return float(doses[-1] / doses[0])


def last_response_percent_of_first(every_days: float) -> float:
    """The last session's peak dissociation as % of the first session's."""
    responses = escalation(every_days).responses
    return float(100.0 * responses[-1] / responses[0])


def harms_reached(every_days: float) -> list[str]:
    return [name for name, reached in escalation(every_days).harms().items() if reached]


def escalation_table() -> Markdown:
    """Thirteen weeks of chasing the first effect, used daily, twice a week or weekly."""
    rows = [
        "| Used | Sessions | Last dose (times the first) | Last session's dissociation (% of the first session's) | Harm markers reached |",
        "| --- | --- | --- | --- | --- |",
    ]
    for every in USE_EVERY_DAYS:
        harms = harms_reached(every)
        rows.append(
            f"| {USE_WORDS[every]} | {sessions_in_period(every)} | {last_dose_fold(every):.1f} | "
            f"{last_response_percent_of_first(every):.0f} % | {'; '.join(harms) if harms else 'none'} |"
        )
    validated = get_route(ROUTE).validated_max_dose_mg_per_kg
    return Markdown(
        f"The simulated user (70 kg, nasal ketamine) over {PERIOD_DAYS // 7} weeks, raising the dose by "
        f"{STEP_MG_PER_KG:g} mg/kg whenever the dissociation falls short of the first session's:\n\n" + "\n".join(rows)
        + f"\n\nNasal doses above {validated:g} mg/kg lie beyond the range the model was checked against: there it "
        "extrapolates."
    )


@cache
def cap_session() -> int | None:
    """The session at which the daily user's dose reached the cap and the response still fell."""
    return escalation(1.0).limit_session


def escalation_sentence() -> Markdown:
    """The daily user's climb: where the dose ends and what it buys."""
    reached = cap_session()
    cap_text = (
        f"The dose hit the model's cap of {CAP_MG_PER_KG:g} mg/kg at session {reached}, and the response kept falling."
        if reached else "The dose never reached the model's cap."
    )
    return Markdown(
        f"Used every day, the dose climbed to **{last_dose_fold(1.0):.0f} times** the first, yet the last session's "
        f"dissociation was only **{last_response_percent_of_first(1.0):.0f} %** of the first session's. {cap_text} "
        f"Used once a week for the same {PERIOD_DAYS // 7} weeks, the dose ended at {last_dose_fold(7.0):.1f} times the first."
    )


# ----- harms -------------------------------------------------------------------------------------------
@cache
def first_session_over_a_gram() -> int | None:
    """The first session (1-based) of the daily user whose single dose is at least the bladder marker's 1 g."""
    doses = escalation(1.0).doses_mg
    over = np.flatnonzero(doses >= BLADDER_HARM_MG_PER_DAY)
    return int(over[0]) + 1 if over.size else None


@cache
@quiet
def naive_anaesthesia_percent(dose_mg_per_kg: float | None = None) -> float:
    """Peak anaesthesia (% of maximum) if a drug-naive person took the daily user's last dose once."""
    dose = escalation(1.0).doses_mg_per_kg[-1] if dose_mg_per_kg is None else dose_mg_per_kg
    result = simulate(PATIENT, Regimen.single(dose_mg_per_kg=float(dose), route=ROUTE), days=1)
    return float(result.session_peaks("anesthesia")[0])


def user_anaesthesia_percent() -> float:
    """The highest anaesthesia (% of maximum) any session of the tolerant daily user reached."""
    return float(escalation(1.0).result.session_peaks("anesthesia").max())


def harm_sentence() -> Markdown:
    """How much the daily user takes, and what the same dose would do to someone without tolerance."""
    outcome = escalation(1.0)
    first = first_session_over_a_gram()
    gram_text = (
        f"From session {first} on, a single dose is at least {BLADDER_HARM_MG_PER_DAY / 1000:g} g"
        if first else f"No single dose reaches {BLADDER_HARM_MG_PER_DAY / 1000:g} g"
    )
    return Markdown(
        f"{gram_text}; in the last week the user takes **{outcome.weekly_dose_mg() / 7000:.1f} g a day** on average. "
        f"Tolerance kept every one of this user's own anaesthesia peaks at or below {user_anaesthesia_percent():.0f} % of maximum, but the "
        f"same last dose taken once by a person without tolerance would reach **{naive_anaesthesia_percent():.0f} %** "
        f"of maximal anaesthesia in the model: unconsciousness (the model's marker is {ANAESTHETIC_PEAK_PERCENT:g} %)."
    )


# ----- dependence: craving after daily use (E2) ---------------------------------------------------------
def daily_use_regimen(days: int = DAILY_USE_DAYS, dose_mg_per_kg: float = DAILY_USE_DOSE_MG_PER_KG) -> Regimen:
    """The same nasal dose once a day for ``days`` days (no escalation)."""
    return Regimen.repeated(dose_mg_per_kg=dose_mg_per_kg, route=ROUTE, every_days=1, doses=days)


@cache
@quiet
def daily_use_result(days: int = DAILY_USE_DAYS) -> SimulationResult:
    """Daily use for ``days`` days, then ten weeks without any."""
    return simulate(PATIENT, daily_use_regimen(days), days=days + max(ABSTINENCE_DAYS) + 14)


def craving_after(days_off: float, days_of_use: int = DAILY_USE_DAYS) -> float:
    """Craving (% of maximum) ``days_off`` days after the last of ``days_of_use`` daily doses."""
    result = daily_use_result(days_of_use)
    at_h = result.session_start_h[-1] + days_off * HOURS_PER_DAY
    return float(np.interp(at_h, result.time_h, result.effect("craving")))


@cache
def days_until_craving_below(level_percent: float = 50.0, days_of_use: int = DAILY_USE_DAYS) -> float:
    """Days after the last dose until craving first falls below ``level_percent`` (interpolated)."""
    result = daily_use_result(days_of_use)
    last = result.session_start_h[-1]
    after = result.time_h >= last
    t, c = result.time_h[after], result.effect("craving")[after]
    below = np.flatnonzero(c < level_percent)
    if below.size == 0:
        return float("inf")
    i = int(below[0])
    if i == 0:
        return 0.0
    t0, t1, c0, c1 = t[i - 1], t[i], c[i - 1], c[i]
    return float((t0 + (c0 - level_percent) / (c0 - c1) * (t1 - t0) - last) / HOURS_PER_DAY)


@cache
@quiet
def clinic_result() -> SimulationResult:
    """The clinic's infusion (0.5 mg/kg over 40 min) once a week for twelve weeks, plus two weeks."""
    regimen = Regimen.repeated(
        dose_mg_per_kg=CLINIC_DOSE_MG_PER_KG, infusion_min=CLINIC_INFUSION_MIN, every_days=7, doses=CLINIC_SESSIONS
    )
    return simulate(PATIENT, regimen, days=7 * CLINIC_SESSIONS + 14)


def clinic_max_craving() -> float:
    return float(clinic_result().effect("craving").max())


def craving_table() -> Markdown:
    """Craving after two months of daily nasal use, day by day into abstinence, and under weekly clinic infusions."""
    header = "| Days since the last dose | " + " | ".join(str(d) for d in ABSTINENCE_DAYS) + " |"
    rule = "| --- |" + " --- |" * len(ABSTINENCE_DAYS)
    values = "| Craving (% of maximum) | " + " | ".join(f"{craving_after(d):.0f} %" for d in ABSTINENCE_DAYS) + " |"
    return Markdown(
        f"The same nasal dose ({DAILY_USE_DOSE_MG_PER_KG:g} mg/kg) every day for {DAILY_USE_DAYS} days, then none:\n\n"
        + "\n".join((header, rule, values))
        + f"\n\nCraving first drops below 50 % **{days_until_craving_below():.0f} days** after the last dose. For comparison, "
        f"{CLINIC_SESSIONS} weekly clinic infusions ({CLINIC_DOSE_MG_PER_KG:g} mg/kg over {CLINIC_INFUSION_MIN:g} min) keep "
        f"craving **{at_most(clinic_max_craving())}**."
    )


@cache
def lowest_acute_effect_after_stopping() -> float:
    """The lowest acute effect (% of maximum) from a day after the last daily dose on: below 0 would be a
    rebound (physical withdrawal); the model has none."""
    result = daily_use_result()
    after = result.time_h > result.session_start_h[-1] + HOURS_PER_DAY
    return float(min(result.effect(name)[after].min() for name in ("anesthesia", "dissociation", "analgesia", "locomotor")))


# ----- the cycle: escalation deepens dependence (E3) ------------------------------------------------------
@cache
@quiet
def cycle(every_days: float, escalate: bool) -> PolicyOutcome:
    """Six weeks (daily) or the same number of weeks (weekly) of nasal use, escalating or at a fixed dose."""
    sessions = int(round(CYCLE_DAYS / every_days))
    return escalating_use(
        PATIENT, start_dose_mg_per_kg=FIRST_DOSE_MG_PER_KG, step_mg_per_kg=STEP_MG_PER_KG,
        cap_mg_per_kg=CAP_MG_PER_KG if escalate else FIRST_DOSE_MG_PER_KG, every_days=every_days, sessions=sessions,
        route=ROUTE,
    )


def cycle_max_craving(every_days: float, escalate: bool) -> float:
    return float(cycle(every_days, escalate).result.effect("craving").max())


def cycle_sentence() -> Markdown:
    """Escalating against keeping the dose fixed, used daily and weekly."""
    return Markdown(
        f"Over {CYCLE_DAYS // 7} weeks of daily use, keeping the first dose builds craving up to "
        f"**{cycle_max_craving(1.0, False):.0f} %**; chasing the first effect (the dose ends at "
        f"{cycle(1.0, True).doses_mg_per_kg[-1]:g} mg/kg) drives it to **{cycle_max_craving(1.0, True):.0f} %**. Used once a "
        f"week, both courses keep craving {at_most(max(cycle_max_craving(7.0, False), cycle_max_craving(7.0, True)))}."
    )


# ----- three words: tolerance without dependence ------------------------------------------------------------
@cache
@quiet
def spray_result() -> SimulationResult:
    """The esketamine spray's induction: 56 mg twice a week, eight sessions, plus two weeks."""
    regimen = Regimen.esketamine_spray(SPRAY_DOSE_MG, every_days=SPRAY_EVERY_DAYS, doses=SPRAY_SESSIONS)
    return simulate(PATIENT, regimen, days=SPRAY_EVERY_DAYS * SPRAY_SESSIONS + 14)


def spray_last_dissociation_percent() -> float:
    return float(100.0 * spray_result().relative_session_peaks("dissociation")[-1])


def spray_max_craving() -> float:
    return float(spray_result().effect("craving").max())


def tolerance_without_dependence_sentence() -> Markdown:
    """The supervised spray induction: tolerance to dissociation, almost no craving."""
    return Markdown(
        f"Under the esketamine spray's induction ({SPRAY_DOSE_MG} mg twice a week, {SPRAY_SESSIONS} sessions), the last "
        f"session's dissociation is **{spray_last_dissociation_percent():.0f} %** of the first session's (tolerance), while "
        f"craving stays **{at_most(spray_max_craving())}** of maximum (no dependence to speak of)."
    )
