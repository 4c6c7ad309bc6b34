"""Lesson 10, clinical protocols: self-checks and graded exercises.

Expected numbers are asked of the model when first needed (``kettutor.teach.lessons.l10``), so they follow the
model if it changes. The design task asks for a schedule that meets a teaching goal on the simulated patient; it
is not a protocol for anyone.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from ...regimen import HOURS_PER_DAY, Regimen
from ...solver.simulate import simulate
from ..answers import regimen_from_payload, regimen_to_payload
from ..lessons import l10
from ..questions import Choice, Number, Option, Task, equals, scaled

WEIGHT_KG = l10.PATIENT.weight_kg


# ----- L10.q1: the titrated dose in mg --------------------------------------------------------------------------
def titrated_dose_mg() -> float:
    return l10.titration_dose_at_target_mg_per_kg() * WEIGHT_KG


def first_titration_dose_mg() -> float:
    return float(l10.titration().doses_mg_per_kg[0]) * WEIGHT_KG


# ----- L10.q3: cross-tolerance with memantine ---------------------------------------------------------------------
def memantine_ratio_percent() -> float:
    return l10.first_dissociation_ratio_percent("memantine")


# ----- L10.q5: a maintenance plan that keeps the benefit with less tolerance than weekly infusions ----------------
PLAN_DAYS = 168.0  # 24 weeks
BENEFIT_FROM_DAY = 21.0  # after three weeks of induction the benefit must hold
BENEFIT_FLOOR_G = 0.4
TOLERANCE_SHARE = 0.8  # at most four fifths of the mean tolerance of weekly infusions
INFUSION_MIN = 40.0
DOSE_RANGE_MG_PER_KG = (0.1, 1.0)  # the range of the clinical dose-finding trial (Fava 2018)
WEEKLY_DOSE_MG_PER_KG = 0.5


def _plan_numbers(regimen: Regimen) -> dict[str, float]:
    """Lowest benefit from day 21 on (g, and the day it happens) and the mean tolerance over the 24 weeks."""
    result = simulate(l10.PATIENT, regimen, days=PLAN_DAYS)
    hours = np.arange(BENEFIT_FROM_DAY * HOURS_PER_DAY, PLAN_DAYS * HOURS_PER_DAY + 0.5, 1.0)
    g = np.interp(hours, result.time_h, result.effect("antidepressant"))
    lowest = int(np.argmin(g))
    below = np.flatnonzero(g < BENEFIT_FLOOR_G)
    return {
        "lowest_g": float(g[lowest]),
        "lowest_day": float(hours[lowest] / HOURS_PER_DAY),
        "first_below_day": float(hours[below[0]] / HOURS_PER_DAY) if below.size else float("nan"),
        "mean_tolerance": l10.time_weighted_mean(result, result.tolerance, 0.0, PLAN_DAYS * HOURS_PER_DAY),
        "sessions": int(np.sum(regimen.session_start_h < PLAN_DAYS * HOURS_PER_DAY)),
    }


@cache
def weekly_tolerance() -> float:
    """Mean tolerance over 24 weeks of 0.5 mg/kg infusions once a week: the yardstick."""
    weekly = Regimen.repeated(dose_mg_per_kg=WEEKLY_DOSE_MG_PER_KG, infusion_min=INFUSION_MIN, every_days=7, duration_days=PLAN_DAYS)
    return _plan_numbers(weekly)["mean_tolerance"]


def tolerance_limit() -> float:
    return TOLERANCE_SHARE * weekly_tolerance()


def judge_plan(payload):
    regimen = regimen_from_payload(payload)
    doses = []
    for event in regimen.events:
        per_kg = event.dose_mg_per_kg(WEIGHT_KG)
        if event.unit == "mg" and per_kg < 0.05:
            return (
                False,
                f"Your doses are {event.amount:g} mg, only {per_kg:.3g} mg/kg for this {WEIGHT_KG:g} kg patient. Give doses "
                "per kg: Regimen.repeated(dose_mg_per_kg=..., ...).",
                "mg-vs-mg-per-kg",
            )
        if event.route != "iv_infusion" or abs(event.duration_h * 60.0 - INFUSION_MIN) > 1e-6:
            return False, "Use IV infusions over 40 minutes throughout (infusion_min=40, no route).", None
        low, high = DOSE_RANGE_MG_PER_KG
        if not low - 1e-9 <= per_kg <= high + 1e-9:
            return (
                False,
                f"Keep every infusion between {low:g} and {high:g} mg/kg, the range of the clinical dose-finding trial "
                f"(Fava 2018); one of yours is {per_kg:.3g} mg/kg.",
                None,
            )
        doses.append(per_kg)
    n = _plan_numbers(regimen)
    limit = tolerance_limit()
    if n["lowest_g"] < BENEFIT_FLOOR_G:
        last_day = float(regimen.session_start_h[-1] / HOURS_PER_DAY)
        if last_day < BENEFIT_FROM_DAY:
            return (
                False,
                f"The benefit falls below g {BENEFIT_FLOOR_G:g} on day {n['first_below_day']:.0f} and keeps fading (g "
                f"{n['lowest_g']:.2f} by day {n['lowest_day']:.0f}): your last infusion is on day {last_day:g}. An induction alone does not carry the benefit through the months after it; a maintenance "
                "phase does (PHENOMENA P3; SUSTAIN-1).",
                "induction-is-enough",
            )
        return (
            False,
            f"The benefit first dips below g {BENEFIT_FLOOR_G:g} on day {n['first_below_day']:.0f} (lowest: g "
            f"{n['lowest_g']:.2f} on day {n['lowest_day']:.0f}); it must stay at or above {BENEFIT_FLOOR_G:g} from day "
            f"{BENEFIT_FROM_DAY:g}. Shorten the gap that ends after that day.",
            None,
        )
    if n["mean_tolerance"] > limit:
        if max(doses) > WEEKLY_DOSE_MG_PER_KG + 1e-9:
            return (
                False,
                f"The benefit holds (lowest g {n['lowest_g']:.2f}), but the mean tolerance is {n['mean_tolerance']:.3f}, "
                f"above the limit of {limit:.3f}. Larger doses let you space infusions out, yet each one blocks more "
                "receptors for longer and builds more tolerance (and more dissociation): a higher dose does not protect.",
                "higher-dose-protects",
            )
        return (
            False,
            f"The benefit holds (lowest g {n['lowest_g']:.2f}), but the mean tolerance is {n['mean_tolerance']:.3f}, above "
            f"the limit of {limit:.3f}. More infusions are not better: once the benefit holds, every extra infusion only "
            "adds tolerance. Lengthen the gaps after induction.",
            "more-is-better",
        )
    return (
        True,
        f"Right: {n['sessions']} infusions; the benefit stays at or above g {n['lowest_g']:.2f} from day "
        f"{BENEFIT_FROM_DAY:g}, and the mean tolerance is {n['mean_tolerance']:.3f}, under the limit of {limit:.3f} "
        f"(weekly infusions: {weekly_tolerance():.3f}).",
        None,
    )


def _iv(dose: float, every_days: float, doses: int | None = None, duration_days: float | None = None) -> Regimen:
    return Regimen.repeated(dose_mg_per_kg=dose, infusion_min=INFUSION_MIN, every_days=every_days, doses=doses, duration_days=duration_days)


def reference_plan() -> Regimen:
    """Six infusions three days apart, two more a week apart, then one every two weeks."""
    return _iv(0.5, 3, 6).then(_iv(0.5, 7, 2)).then(_iv(0.5, 14, duration_days=130))


def induction_only_plan() -> Regimen:
    return _iv(0.5, 3, 6)


def twice_weekly_plan() -> Regimen:
    return _iv(0.5, 3.5, duration_days=PLAN_DAYS)


def higher_dose_plan() -> Regimen:
    return _iv(1.0, 3, 6).then(_iv(1.0, 21, duration_days=150), gap_days=21)


def mg_plan() -> Regimen:
    return Regimen.repeated(dose_mg=0.5, infusion_min=INFUSION_MIN, every_days=7, duration_days=PLAN_DAYS)


SELF_CHECKS = (
    Choice(
        "L10.s1",
        "A clinic starts at 0.1 mg/kg and adds 0.15 mg/kg per session until the antidepressant benefit reaches its "
        "target, then holds the dose. What decides the dose the patient ends on?",
        options=(
            Option("a", "The patient's own response: the dose stops rising once the benefit reaches the target.",
                   "Right: titration lets each patient's response set the dose, so nobody gets more than they need "
                   "(PHENOMENA P2; seed 002)."),
            Option("b", "The clinic's largest allowed dose: titration always ends there.",
                   "Only a patient who never reaches the target climbs to the ceiling. The typical patient in the table "
                   "stops far below it.",
                   "titration-always-maxes"),
            Option("c", "Dissociation: the dose rises until the patient dissociates strongly.",
                   "Dissociation is a side effect, not the target. The titrating clinic watches the antidepressant "
                   "benefit, and its patient dissociates much less than at a fixed high dose.",
                   "dissociation-is-the-benefit"),
        ),
        answer="a",
        hints=("Look at the table: when does the titrated dose stop changing?",),
    ),
    Choice(
        "L10.p1",
        "The app opens on six infusions three days apart (about two weeks), then one every 14 days. Its dashed line "
        "is the same patient stopping after the six. What happens to that patient's benefit after the last induction infusion?",
        options=(
            Option("a", "It is gone within hours, as ketamine leaves the blood.",
                   "The drug is gone within hours, but the benefit outlasts it by days (PHENOMENA K4): it fades over "
                   "about two weeks, not hours.",
                   "hours-vs-days"),
            Option("b", "It fades over the next week or two and falls below the benefit line.",
                   "That is what the model shows: without maintenance the benefit fades within about two weeks of the "
                   "last infusion."),
            Option("c", "It stays: six infusions have treated the depression for good.",
                   "In the model, as in the relapse-prevention trial (SUSTAIN-1), the benefit of an induction fades once "
                   "treatment stops; maintenance keeps it.",
                   "induction-is-enough"),
        ),
        answer="b",
    ),
    Choice(
        "L10.s2",
        "During the spray's twice-weekly induction, each session's dissociation is lower than the last while the "
        "benefit grows. What does that show?",
        options=(
            Option("a", "Tolerance is specific to each effect: dissociation adapts faster than the antidepressant benefit.",
                   "Right: this is what the esketamine trials saw (TRANSFORM-2; PHENOMENA T5), and it is why falling "
                   "dissociation is no sign that treatment is failing."),
            Option("b", "The treatment is failing: less dissociation means less benefit.",
                   "The benefit grows while dissociation falls: dissociation is a side effect that adapts faster, "
                   "not a measure of the benefit.",
                   "dissociation-is-the-benefit"),
            Option("c", "The patient has become sensitized to the spray.",
                   "A falling response to the same dose is tolerance; sensitization would make each session's "
                   "dissociation larger.",
                   "tolerance-vs-sensitization"),
        ),
        answer="a",
    ),
    Choice(
        "L10.s3",
        "A clinic lengthens the gap between maintenance infusions step by step. Which measurement should decide "
        "whether the next gap can be longer?",
        options=(
            Option("a", "How strongly the patient dissociates during each infusion.",
                   "Dissociation adapts faster than the benefit and says little about how long the benefit lasts.",
                   "dissociation-is-the-benefit"),
            Option("b", "The ketamine level in the blood after each infusion.",
                   "The drug leaves the blood within hours while the benefit lasts days: the blood level cannot tell "
                   "whether the benefit will last to the next infusion.",
                   "blood-level-is-the-response"),
            Option("c", "The benefit (for example the depression score) just before the next planned infusion.",
                   "Right: the question is whether the benefit lasts the whole gap, so it is measured at the end of "
                   "the gap, where it is lowest (PHENOMENA P3; seed 002)."),
            Option("d", "The benefit on the day after each infusion.",
                   "The day after an infusion the benefit is near its peak; what matters is whether it lasts to the "
                   "next one, so measure it at the end of the gap.",
                   "peak-vs-trough"),
        ),
        answer="c",
    ),
    Choice(
        "L10.s4",
        "A patient who takes memantine every day dissociates less at the first ketamine infusion. Why, in the model?",
        options=(
            Option("a", "Memantine blocks the same NMDA receptors, so the patient has adapted already: cross-tolerance.",
                   "Right: the constant blockade has built tolerance before the first infusion (PHENOMENA T6; seed "
                   "002). The magnitude is illustrative: no human data exist."),
            Option("b", "Memantine speeds up ketamine's breakdown, so its blood levels are lower.",
                   "The table shows the same blood levels with and without memantine. Cross-tolerance acts on the "
                   "response, not on how much drug reaches the blood.",
                   "interaction-vs-cross-tolerance"),
            Option("c", "Memantine makes the brain more sensitive to ketamine.",
                   "More sensitivity would make the first infusion do more, not less: that would be sensitization.",
                   "tolerance-vs-sensitization"),
        ),
        answer="a",
    ),
)

EXERCISES = (
    Number(
        "L10.q1",
        "Run titrate_to_response(Patient(), start_dose_mg_per_kg=0.1, step_mg_per_kg=0.15, target_percent=40, "
        "every_days=3.5, sessions=6, infusion_min=40). How many mg did the 70 kg patient receive at the session where "
        "the target was first reached?",
        expected=titrated_dose_mg,
        unit="mg",
        rel_tol=0.02,
        misconceptions=(
            scaled(1.0 / WEIGHT_KG, "mg-vs-mg-per-kg", "That is the dose per kg; multiply by the patient's 70 kg for mg."),
            equals(first_titration_dose_mg, "wrong-session",
                   "That is the first session's dose. Take the session in outcome.limit_session (counted from 1)."),
        ),
        hints=("outcome.limit_session is the session (1 = first) at which the target was reached.",
               "outcome.doses_mg lists each session's dose in mg."),
    ),
    Number(
        "L10.q2",
        "Simulate six 0.5 mg/kg infusions over 40 min, three days apart, and nothing after them, for 60 days. How many "
        "days after the last infusion does the antidepressant effect (Hedges g) first fall below 0.5?",
        expected=lambda: l10.days_until_benefit_below_after_induction(0.5),
        unit="days",
        rel_tol=0.06,
        misconceptions=(
            scaled(HOURS_PER_DAY, "hours-vs-days", "That is the time in hours; the question asks for days (divide by 24)."),
            equals(lambda: l10.days_until_benefit_below_after_induction(0.5) + l10.iv_plan().induction_end_day, "wrong-reference-day",
                   "That counts from the first infusion. Count from the last one (result.session_start_h[-1])."),
        ),
        hints=("Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=40, every_days=3, doses=6).",
               "result.effect('antidepressant') is g at each of result.time_h (hours); look after result.session_start_h[-1]."),
    ),
    Number(
        "L10.q3",
        "Give one 0.5 mg/kg infusion over 40 min to Patient() and to Patient(comedications=('memantine',)). What is "
        "the memantine patient's peak dissociation, as % of the other patient's?",
        expected=memantine_ratio_percent,
        unit="%",
        rel_tol=0.02,
        misconceptions=(
            scaled(0.01, "fraction-vs-percent", "That is a fraction; give it in % (multiply by 100)."),
            equals(lambda: 100.0 - memantine_ratio_percent(), "reduction-vs-ratio",
                   "That is how much lower it is. The question asks for the memantine patient's peak as % of the other's."),
        ),
        hints=("result.session_peaks('dissociation')[0] is the first session's peak.",),
    ),
    Choice(
        "L10.q4",
        "A patient on ketamine maintenance starts a benzodiazepine at a usual dose for anxiety. What does the model "
        "predict for the next infusion?",
        options=(
            Option("a", "The ketamine blood level falls, as it would with an enzyme inducer.",
                   "A benzodiazepine does not change how ketamine is cleared in the model: the levels are the same. Its "
                   "effect is on the response.",
                   "interaction-vs-cross-tolerance"),
            Option("b", "The benefit on the day after is blunted, with the same blood levels, and has largely caught up by day 3.",
                   "Right: a pharmacodynamic interaction, modelled on Feeney 2023 (day 1 blunted, day 3 not). Not every "
                   "combination helps the treatment."),
            Option("c", "Dissociation falls, because the benzodiazepine causes cross-tolerance like memantine.",
                   "Cross-tolerance needs a medicine that blocks NMDA receptors too (memantine, dextromethorphan, "
                   "nitrous oxide). In the model the benzodiazepine leaves dissociation unchanged and blunts the benefit.",
                   "benzodiazepine-is-nmda-blocker"),
        ),
        answer="b",
    ),
    Task(
        "L10.q5",
        f"Design a {PLAN_DAYS / 7:.0f}-week plan of IV infusions over {INFUSION_MIN:g} min (each dose between "
        f"{DOSE_RANGE_MG_PER_KG[0]:g} and {DOSE_RANGE_MG_PER_KG[1]:g} mg/kg) for the default patient that keeps the "
        f"antidepressant effect at or above g {BENEFIT_FLOOR_G:g} from day {BENEFIT_FROM_DAY:g} to day {PLAN_DAYS:g}, with "
        f"a mean tolerance at most {100 * TOLERANCE_SHARE:.0f} % of what weekly {WEEKLY_DOSE_MG_PER_KG:g} mg/kg infusions "
        "give over the same weeks. Store it as a Regimen in plan.",
        points=3,
        to_payload=regimen_to_payload,
        judge_payload=judge_plan,
        reference=reference_plan,
        wrong=(
            (induction_only_plan, "induction-is-enough"),
            (twice_weekly_plan, "more-is-better"),
            (higher_dose_plan, "higher-dose-protects"),
            (mg_plan, "mg-vs-mg-per-kg"),
        ),
        hints=("Start with an induction, then a maintenance phase: first.then(second) joins two Regimens.",
               "check() tells you the lowest g, the day it happens and the mean tolerance: lengthen the gaps where the "
               "benefit has room, shorten them where it dips.",
               "A dense start (infusions a few days apart), then weekly, then every two weeks is one way."),
    ),
)
