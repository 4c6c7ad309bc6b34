"""Lesson 09, chasing the first effect: self-checks and graded exercises.

Expected numbers are asked of the model when first needed (``kettutor.teach.lessons.l09``), so they follow the
model if it changes. The lesson is about harm: no question asks what anyone should take.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from ...patient import Patient
from ...regimen import HOURS_PER_DAY, Regimen
from ...solver.simulate import simulate
from ..answers import regimen_from_payload, regimen_to_payload
from ..lessons import l09
from ..questions import Choice, Number, Option, Task, call_with, equals, scaled

WEIGHT_KG = l09.PATIENT.weight_kg


# ----- L09.q1: the daily user's intake --------------------------------------------------------------------
def daily_intake_mg() -> float:
    """Mean intake (mg a day) over the last 7 days of the daily escalating user (90 sessions, as the app)."""
    return escalation_90().weekly_dose_mg() / 7.0


@cache
def escalation_90():
    return l09.escalation(1.0, 90)


# ----- L09.q4: craving after daily use, as a function ---------------------------------------------------------
CRAVING_PROBES = ((14, 0.0), (30, 7.0), (60, 7.0), (60, 28.0))  # (days_of_use, days_off)
CRAVING_TOLERANCE_POINTS = 1.0  # percentage points: another output grid or interpolation may differ a little


@cache
def _craving_run(days_of_use: int):
    return simulate(l09.PATIENT, l09.daily_use_regimen(days_of_use), days=days_of_use + 60)


def _craving_at(days_of_use: int, after_h: float) -> float:
    result = _craving_run(days_of_use)
    return float(np.interp(result.session_start_h[-1] + after_h, result.time_h, result.effect("craving")))


@cache
def craving_reference() -> tuple[float, ...]:
    return tuple(_craving_at(use, off * HOURS_PER_DAY) for use, off in CRAVING_PROBES)


@cache
def craving_in_hours() -> tuple[float, ...]:
    """The slip of reading ``days_off`` hours (not days) after the last dose."""
    return tuple(_craving_at(use, off) for use, off in CRAVING_PROBES)


@cache
def craving_maximum() -> tuple[float, ...]:
    """The slip of returning the highest craving of the run instead of the craving at that time."""
    return tuple(float(_craving_run(use).effect("craving").max()) for use, _ in CRAVING_PROBES)


def _close_all(given: list[float], target: tuple[float, ...]) -> bool:
    return len(given) == len(target) and all(abs(g - t) <= CRAVING_TOLERANCE_POINTS + 0.03 * abs(t) for g, t in zip(given, target))


def judge_craving(payload):
    if not isinstance(payload, list) or len(payload) != len(CRAVING_PROBES):
        raise ValueError("expected one number per probe")
    given = [float(v) for v in payload]
    target = craving_reference()
    shown = "; ".join(f"{use} days of use, {off:g} days off: {value:.0f} %" for (use, off), value in zip(CRAVING_PROBES, target))
    if _close_all(given, target):
        return True, f"Right: {shown}. The longer the use, the stronger the craving, and it fades over weeks, not hours.", None
    if _close_all(given, craving_in_hours()):
        return (
            False,
            "Your function reads the craving days_off *hours* after the last dose. Convert days to hours (x 24) "
            "before adding them to the time of the last dose.",
            "hours-vs-days",
        )
    if _close_all(given, craving_maximum()):
        return (
            False,
            "Your function returns the highest craving of the whole run, not the craving days_off days after the last "
            "dose. Read the craving at that one time (np.interp on result.time_h).",
            "peak-vs-value-at-time",
        )
    got = ", ".join(f"{g:.3g}" for g in given)
    return False, f"Not yet: your function gave {got} for the probes {CRAVING_PROBES} (days of use, days off).", None


def reference_craving_after():
    def craving_after(days_of_use: int, days_off: float) -> float:
        regimen = Regimen.repeated(dose_mg_per_kg=1.0, route="intranasal", every_days=1, doses=days_of_use)
        result = simulate(Patient(), regimen, days=days_of_use + days_off + 1)
        when_h = result.session_start_h[-1] + 24 * days_off
        return float(np.interp(when_h, result.time_h, result.effect("craving")))

    return craving_after


def hours_craving_after():
    def craving_after(days_of_use: int, days_off: float) -> float:
        regimen = Regimen.repeated(dose_mg_per_kg=1.0, route="intranasal", every_days=1, doses=days_of_use)
        result = simulate(Patient(), regimen, days=days_of_use + days_off + 1)
        return float(np.interp(result.session_start_h[-1] + days_off, result.time_h, result.effect("craving")))

    return craving_after


def maximum_craving_after():
    def craving_after(days_of_use: int, days_off: float) -> float:
        regimen = Regimen.repeated(dose_mg_per_kg=1.0, route="intranasal", every_days=1, doses=days_of_use)
        return float(simulate(Patient(), regimen, days=days_of_use + 60).effect("craving").max())

    return craving_after


# ----- L09.q5: a clinic course that builds little craving ---------------------------------------------------
CLINIC_DOSE_MG_PER_KG = 0.5
CLINIC_INFUSION_MIN = 40.0
CLINIC_WEEKS = 12
CLINIC_MIN_SESSIONS = 10
CRAVING_LIMIT_PERCENT = 2.0
FOLLOW_UP_DAYS = 14.0


def _course_check(regimen: Regimen) -> tuple[bool, str, str | None] | None:
    """A verdict if the course is not made of 0.5 mg/kg infusions over 40 min within 12 weeks; None if it is."""
    for event in regimen.events:
        if event.unit == "mg" and event.amount < 0.05 * WEIGHT_KG:
            return (
                False,
                f"Your doses are {event.amount:g} mg: for this {WEIGHT_KG:g} kg patient that is "
                f"{event.amount / WEIGHT_KG:.3g} mg/kg, far below the clinic's dose. Give the dose per kg: "
                "Regimen.repeated(dose_mg_per_kg=0.5, ...).",
                "mg-vs-mg-per-kg",
            )
        if event.route != "iv_infusion" or abs(event.duration_h * 60.0 - CLINIC_INFUSION_MIN) > 1e-6:
            return False, "The course is made of IV infusions over 40 minutes: pass infusion_min=40 and no route.", None
        if abs(event.dose_mg_per_kg(WEIGHT_KG) - CLINIC_DOSE_MG_PER_KG) > 0.005:
            return (
                False,
                f"Keep every infusion at the clinic's {CLINIC_DOSE_MG_PER_KG:g} mg/kg: the question is about the schedule, not the dose.",
                None,
            )
    starts = regimen.session_start_h / HOURS_PER_DAY
    within = int(np.sum(starts < 7 * CLINIC_WEEKS))
    if within < CLINIC_MIN_SESSIONS:
        return (
            False,
            f"Only {within} infusions start within the {CLINIC_WEEKS} weeks; the course needs at least {CLINIC_MIN_SESSIONS}.",
            None,
        )
    if starts[-1] >= 7 * CLINIC_WEEKS:
        return False, f"Every infusion must start within the {CLINIC_WEEKS} weeks (before day {7 * CLINIC_WEEKS}).", None
    return None


def judge_clinic_course(payload):
    regimen = regimen_from_payload(payload)
    verdict = _course_check(regimen)
    if verdict is not None:
        return verdict
    result = simulate(l09.PATIENT, regimen, days=regimen.end_h / HOURS_PER_DAY + FOLLOW_UP_DAYS)
    craving = result.effect("craving")
    worst = float(craving.max())
    gaps = np.diff(regimen.session_start_h) / HOURS_PER_DAY
    if worst <= CRAVING_LIMIT_PERCENT:
        return (
            True,
            f"Right: {regimen.session_count} infusions, the shortest gap {gaps.min() if gaps.size else 0:g} days, and craving "
            f"never above {worst:.2f} % (limit {CRAVING_LIMIT_PERCENT:g} %). The dose is the same as in any course: the "
            "spacing keeps the fast tolerance low between sessions, so the reward does not build craving (PHENOMENA E3).",
            None,
        )
    when = float(result.time_h[int(np.argmax(craving))] / HOURS_PER_DAY)
    if gaps.size and gaps.min() <= 1.0 + 1e-9:
        return (
            False,
            f"Craving reaches {worst:.1f} % (limit {CRAVING_LIMIT_PERCENT:g} %) around day {when:.0f}. The dose is the clinic's, "
            "but infusions a day apart keep fast tolerance high, and that is when reward turns into craving: the "
            "spacing, not only the dose, decides dependence.",
            "dose-not-frequency",
        )
    return (
        False,
        f"Craving reaches {worst:.1f} % (limit {CRAVING_LIMIT_PERCENT:g} %) around day {when:.0f}. Space the infusions further apart.",
        None,
    )


def reference_clinic_course():
    return Regimen.repeated(dose_mg_per_kg=CLINIC_DOSE_MG_PER_KG, infusion_min=CLINIC_INFUSION_MIN, every_days=7, doses=12)


def daily_clinic_course():
    return Regimen.repeated(dose_mg_per_kg=CLINIC_DOSE_MG_PER_KG, infusion_min=CLINIC_INFUSION_MIN, every_days=1, doses=12)


def mg_clinic_course():
    return Regimen.repeated(dose_mg=CLINIC_DOSE_MG_PER_KG, infusion_min=CLINIC_INFUSION_MIN, every_days=7, doses=12)


SELF_CHECKS = (
    Choice(
        "L09.s1",
        "Which statement tells dependence and addiction apart?",
        options=(
            Option("a", "They are the same thing; \"dependence\" is the more polite word.",
                   "They are different. Dependence is an adaptation: stopping brings withdrawal (for ketamine, craving "
                   "and low mood). Addiction is a pattern of behaviour: use that has become compulsive and goes on "
                   "despite harm. A person can be dependent without being addicted (seed 004).",
                   "dependence-is-addiction"),
            Option("b", "Dependence means that stopping brings withdrawal (for ketamine: craving, low mood); addiction "
                        "means compulsive use that goes on despite harm.",
                   "Right: dependence is about what stopping does; addiction is about behaviour. Tolerance, the third "
                   "word, is about the same dose doing less (seed 004)."),
            Option("c", "Dependence means needing a larger dose for the same effect.",
                   "That is tolerance: the same dose doing less. Dependence is about what happens when use stops.",
                   "tolerance-is-dependence"),
            Option("d", "Only drugs with a physical withdrawal syndrome, such as opioids, can cause addiction.",
                   "Ketamine has no physical withdrawal syndrome, yet people do become addicted to it; its withdrawal is "
                   "psychological: craving, low mood, anxiety (seeds 001, 003).",
                   "addiction-needs-physical-withdrawal"),
        ),
        answer="b",
        hints=("One word is about the dose, one about stopping, one about behaviour.",),
    ),
    Choice(
        "L09.p1",
        "The simulated user takes nasal ketamine every day and raises the dose by 0.5 mg/kg whenever the dissociation "
        "falls short of the first session's. After three months, how does the last session's dissociation compare "
        "with the first session's?",
        options=(
            Option("a", "About the same: raising the dose brings the first effect back.",
                   "The model shows the opposite: every larger dose also builds more tolerance, so the response keeps "
                   "slipping away while the dose climbs to the cap.",
                   "higher-dose-protects"),
            Option("b", "Much smaller, even though the dose has climbed many times over.",
                   "That is what the model shows: the dose climbs to its cap and the response still falls."),
            Option("c", "Larger: repeated use makes the brain more sensitive.",
                   "For dissociation, daily use builds tolerance, not sensitization: the same dose does less.",
                   "tolerance-vs-sensitization"),
        ),
        answer="b",
    ),
    Choice(
        "L09.s2",
        "Why did raising the dose not bring the first effect back for the daily user?",
        options=(
            Option("a", "Each larger dose also blocked more receptors for longer, which built more tolerance, so the target kept moving.",
                   "Right: tolerance and escalation feed each other (PHENOMENA E1). Chasing the first effect with a "
                   "bigger dose is chasing a target that moves away."),
            Option("b", "The steps were too small; a big enough dose would have protected against tolerance.",
                   "A higher dose does not protect against tolerance: in the model even the cap of 20 mg/kg did not "
                   "bring the response back, and it built the most tolerance of all.",
                   "higher-dose-protects"),
            Option("c", "The liver learned to clear the drug faster, so each dose gave lower blood levels.",
                   "Not in this model: each dose gives the same blood levels as before. Tolerance here is the brain's "
                   "response adapting (metabolic tolerance is not modelled).",
                   "tolerance-is-faster-clearance"),
        ),
        answer="a",
        hints=("Look at the bottom chart of the app: does the response follow the dose up?",),
    ),
    Choice(
        "L09.s3",
        "In the model, what happens to craving when a user stops after two months of daily use?",
        options=(
            Option("a", "It is gone within hours, as the drug leaves the blood.",
                   "Ketamine leaves the blood within hours (a half-life of a few hours), but craving is an adaptation "
                   "that fades over weeks of abstinence, not hours.",
                   "hours-vs-days"),
            Option("b", "It fades slowly, over weeks of abstinence.",
                   "Right: in the model, and in the sources, ketamine's withdrawal is psychological and fades over "
                   "weeks (seeds 001, 003; PHENOMENA E2)."),
            Option("c", "It never fades: dependence is permanent.",
                   "In the model craving fades over weeks of abstinence. Real recovery can take longer and relapse is "
                   "common, which is why support matters, but dependence is not a life sentence.",
                   "dependence-is-permanent"),
            Option("d", "It turns into a physical withdrawal syndrome with shaking and sweating, as with alcohol.",
                   "Ketamine has no physical withdrawal syndrome (seeds 001, 003): the model has no such state, and "
                   "nothing rebounds below baseline when use stops.",
                   "physical-withdrawal"),
        ),
        answer="b",
    ),
    Choice(
        "L09.s4",
        "After months of escalation, the user feels little from a dose that would make a newcomer unconscious. What "
        "does their tolerance do to the harm the dose does to the bladder?",
        options=(
            Option("a", "Nothing: tolerance changes the brain's response, not how much drug the body takes in and "
                        "passes through the urine.",
                   "Right. In the model each dose still reaches the blood in full; bladder damage is linked to the "
                   "amount taken (users with bladder symptoms took grams a day: Garcia-Larrosa 2012; seed 003)."),
            Option("b", "It protects the bladder: a tolerant body is less harmed by the same dose.",
                   "Tolerance is the brain adapting to NMDA blockade; it does not make the drug less toxic to the "
                   "bladder. The escalating user takes far more drug, so the harm grows.",
                   "tolerance-protects-organs"),
            Option("c", "It makes the drug leave the body faster, so the bladder sees less.",
                   "Not in this model (no metabolic tolerance), and faster metabolism would not help the bladder: "
                   "ketamine and its metabolites are what the urine carries.",
                   "tolerance-is-faster-clearance"),
        ),
        answer="a",
    ),
)

EXERCISES = (
    Number(
        "L09.q1",
        "Run the escalating user of the lesson's app: escalating_use(Patient(), start_dose_mg_per_kg=1.0, "
        "step_mg_per_kg=0.5, cap_mg_per_kg=20, every_days=1, sessions=90, route='intranasal'). How many mg a day does "
        "this 70 kg user take, on average, over the last 7 days?",
        expected=daily_intake_mg,
        unit="mg/day",
        rel_tol=0.02,
        misconceptions=(
            scaled(1.0 / WEIGHT_KG, "mg-vs-mg-per-kg",
                   "That is the dose per kg of body weight. Multiply by the user's 70 kg to get mg (outcome.doses_mg does it for you)."),
            scaled(7.0, "week-vs-day", "That is the whole week's intake; the question asks for the mean per day (divide by 7)."),
        ),
        hints=("outcome.weekly_dose_mg() gives the mg taken in the last 7 days of the course.",
               "Compare your answer with the bladder-damage marker of 1 g a day (1000 mg)."),
    ),
    Number(
        "L09.q2",
        "Simulate nasal ketamine, 1 mg/kg once a day for 60 days, then nothing, in the default patient (simulate at "
        "least 40 days past the last dose). How many days after the last dose does craving first fall below 10 % of maximum?",
        expected=lambda: l09.days_until_craving_below(10.0),
        unit="days",
        rel_tol=0.08,
        misconceptions=(
            scaled(HOURS_PER_DAY, "hours-vs-days", "That is the time in hours; the question asks for days (divide by 24)."),
            equals(lambda: l09.days_until_craving_below(10.0) + l09.DAILY_USE_DAYS - 1, "wrong-reference-day",
                   "That counts from the first dose. Count the days from the last dose (result.session_start_h[-1])."),
        ),
        hints=("result.effect('craving') is craving in % of maximum at each of result.time_h (hours).",
               "Keep only the times after result.session_start_h[-1] and find the first one where craving < 10."),
    ),
    Choice(
        "L09.q3",
        "Ana used nasal ketamine every day for two months. She stopped a week ago. Since then she craves it, sleeps "
        "badly and feels low, but she has not used again and has asked her doctor for help. Which word fits her "
        "situation best right now?",
        options=(
            Option("a", "Psychological dependence: stopping has brought craving and low mood.",
                   "Right: her craving and low mood after stopping are the psychological withdrawal of ketamine "
                   "dependence (seeds 001, 003). Nothing says her use is compulsive: she stopped and sought help."),
            Option("b", "Addiction.",
                   "Addiction is compulsive use that goes on despite harm. Ana stopped and asked for help; what she has "
                   "is withdrawal from dependence. The two often go together, but they are not the same.",
                   "dependence-is-addiction"),
            Option("c", "Tolerance.",
                   "Tolerance is the same dose doing less while use goes on. Ana is not using: her craving and low mood "
                   "are what stopping brings, which is dependence.",
                   "tolerance-is-dependence"),
            Option("d", "A physical withdrawal syndrome, as with opioids or alcohol.",
                   "Ketamine does not cause a physical withdrawal syndrome (seeds 001, 003); craving, low mood and poor "
                   "sleep are its psychological withdrawal.",
                   "physical-withdrawal"),
        ),
        answer="a",
    ),
    Task(
        "L09.q4",
        "Write craving_after(days_of_use, days_off): craving (% of maximum) days_off days after the last of "
        "days_of_use daily nasal doses of 1 mg/kg, in the default patient.",
        points=2,
        to_payload=call_with(CRAVING_PROBES, round_to=6),
        judge_payload=judge_craving,
        reference=reference_craving_after,
        wrong=((hours_craving_after, "hours-vs-days"), (maximum_craving_after, "peak-vs-value-at-time")),
        hints=("Regimen.repeated(dose_mg_per_kg=1.0, route='intranasal', every_days=1, doses=days_of_use).",
               "Simulate past the time you read: days=days_of_use + days_off + 1.",
               "np.interp(result.session_start_h[-1] + 24 * days_off, result.time_h, result.effect('craving'))."),
    ),
    Task(
        "L09.q5",
        f"Design a {CLINIC_WEEKS}-week clinic course of {CLINIC_DOSE_MG_PER_KG:g} mg/kg IV infusions over "
        f"{CLINIC_INFUSION_MIN:g} min, with at least {CLINIC_MIN_SESSIONS} infusions starting within the {CLINIC_WEEKS} "
        f"weeks, in which the default patient's craving never rises above {CRAVING_LIMIT_PERCENT:g} % of maximum (from the "
        f"first infusion to {FOLLOW_UP_DAYS:g} days after the last). Store it as a Regimen in clinic_course.",
        points=3,
        to_payload=regimen_to_payload,
        judge_payload=judge_clinic_course,
        reference=reference_clinic_course,
        wrong=((daily_clinic_course, "dose-not-frequency"), (mg_clinic_course, "mg-vs-mg-per-kg")),
        hints=("Start from Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=40, every_days=..., doses=...).",
               "Craving builds when fast tolerance stays high between sessions: what does that depend on?",
               "Try a few intervals between 1 and 7 days and check each one."),
    ),
)
