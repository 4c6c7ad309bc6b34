"""Lesson 06, sensitization versus tolerance: self-checks and graded exercises.

Expected numbers are asked of the model when first needed (``kettutor.teach.lessons.l06``), so they follow
the model if it changes. Challenges are the standard 0.5 mg/kg IV over 40 min
(:func:`kettutor.analysis.challenge_response`), compared with a drug-naive patient's response.
"""

from __future__ import annotations

import math
import warnings
from functools import cache

from ..._validate import ValidatedRangeWarning
from ...analysis import challenge_response
from ...regimen import HOURS_PER_DAY, Regimen
from ..answers import regimen_from_payload, regimen_to_payload
from ..lessons import l06
from ..questions import Choice, Number, Option, Task, call_with, equals, scaled

WEIGHT_KG = 70.0
HOURS_PER_WEEK = 7 * HOURS_PER_DAY
RATE_PROBES = ((7.0,), (14.0,), (3.5,))
RATE_REL_TOL = 0.01
DESIGN_TOTAL_MG_PER_KG = 7.0
DESIGN_DAYS = 7.0
DESIGN_MAX_DOSES = 100
INTRAVENOUS = ("iv_infusion", "iv_bolus")
THRESHOLD = l06.NO_CLEAR_CHANGE  # a change of at least 5 % either way counts (the app's verdict)


# ----- L06.q1: the once-a-day arm of the app --------------------------------------------------------------
def once_daily_regimen() -> Regimen:
    return Regimen.repeated(dose_mg_per_kg=1.0, infusion_min=40, every_days=1, doses=7)


@cache
def once_daily_challenge(effect: str = "locomotor") -> float:
    """Challenge on day 8 after seven daily 1 mg/kg infusions, % of a drug-naive response."""
    return 100.0 * challenge_response(l06.patient(), once_daily_regimen(), day=8, effect=effect)


# ----- L06.q2: the rate of a continuous infusion ---------------------------------------------------------
def _rates(payload) -> list[float]:
    if not isinstance(payload, list) or len(payload) != len(RATE_PROBES) or not all(isinstance(v, (int, float)) for v in payload):
        raise ValueError("expected one number per weekly amount")
    values = [float(v) for v in payload]
    if not all(math.isfinite(v) for v in values):
        raise ValueError("every rate must be a finite number of mg/kg/h")
    return values


def _all_close(values, targets) -> bool:
    return all(math.isclose(v, t, rel_tol=RATE_REL_TOL) for v, t in zip(values, targets))


def judge_rate(payload):
    values = _rates(payload)
    weekly = [probe[0] for probe in RATE_PROBES]
    expected = [w / HOURS_PER_WEEK for w in weekly]
    shown = ", ".join(f"{w:g} mg/kg a week: {v:.4g}" for w, v in zip(weekly, values))
    if _all_close(values, expected):
        return True, f"{shown} mg/kg/h. A week has {HOURS_PER_WEEK:.0f} hours."
    if _all_close(values, [w / 7.0 for w in weekly]):
        return False, "Those are mg/kg per day; an infusion rate is per hour (divide by another 24).", "hours-vs-days"
    if _all_close(values, [w * WEIGHT_KG / HOURS_PER_WEEK for w in weekly]):
        return False, ("Those are mg per hour for a 70 kg patient; the question asks for mg per kg per hour "
                       "(do not multiply by the body weight)."), "mg-vs-mg-per-kg"
    if _all_close(values, [w / HOURS_PER_DAY for w in weekly]):
        return False, ("You divided the week's amount by the hours of one day: the amount is spread over 7 days "
                       f"({HOURS_PER_WEEK:.0f} hours)."), "week-vs-day"
    return False, f"Not yet: {shown}. Spread the weekly amount evenly over every hour of the week.", None


def reference_rate():
    def continuous_rate(weekly_mg_per_kg: float) -> float:
        return weekly_mg_per_kg / (7 * 24)

    return continuous_rate


def _rate_per_day():
    return lambda weekly: weekly / 7.0


def _rate_in_mg():
    return lambda weekly: weekly * WEIGHT_KG / HOURS_PER_WEEK


def _rate_over_one_day():
    return lambda weekly: weekly / HOURS_PER_DAY


# ----- L06.q3: the same amount, two opposite outcomes ------------------------------------------------------
KEYS = ("sensitizes", "tolerates")


def design_to_payload(answer) -> dict:
    if not isinstance(answer, dict) or set(answer) != set(KEYS):
        raise TypeError("give a dict with two regimens: {'sensitizes': ..., 'tolerates': ...}")
    return {key: regimen_to_payload(answer[key]) for key in KEYS}


def _total_mg_per_kg(regimen: Regimen) -> float:
    return sum(e.dose_mg_per_kg(WEIGHT_KG) for e in regimen.events)


def _check_week(key: str, regimen: Regimen):
    """None if ``regimen`` gives the agreed amount the agreed way, else a failing verdict."""
    total = _total_mg_per_kg(regimen)
    if math.isclose(total, DESIGN_TOTAL_MG_PER_KG / WEIGHT_KG, rel_tol=0.02):
        return False, (f"Your '{key}' regimen gives {total:.3g} mg/kg in total: it was built in mg. Give "
                       f"{DESIGN_TOTAL_MG_PER_KG:g} mg per kg of body weight (dose_mg_per_kg or rate_mg_per_kg_per_h)."), "mg-vs-mg-per-kg"
    if math.isclose(total, DESIGN_TOTAL_MG_PER_KG * HOURS_PER_DAY, rel_tol=0.02):
        return False, (f"Your '{key}' regimen gives {total:.0f} mg/kg, 24 times too much: a rate in mg/kg/h runs for every "
                       "hour of every day, so a daily amount must be divided by 24."), "hours-vs-days"
    if not math.isclose(total, DESIGN_TOTAL_MG_PER_KG, rel_tol=0.02):
        return False, (f"Your '{key}' regimen gives {total:.3g} mg/kg in total; both must give {DESIGN_TOTAL_MG_PER_KG:g} "
                       "mg/kg, so that only the schedule differs."), "changed-total-dose"
    if len(regimen.events) > DESIGN_MAX_DOSES:
        return False, f"Your '{key}' regimen has {len(regimen.events)} doses; keep it to {DESIGN_MAX_DOSES} or fewer.", None
    if any(e.route not in INTRAVENOUS for e in regimen.events):
        return False, f"Give '{key}' into a vein (an infusion or injection), as the lesson's schedules are.", None
    if regimen.events[0].time_h < 0 or regimen.end_h > DESIGN_DAYS * HOURS_PER_DAY + 1e-6:
        return False, f"Your '{key}' regimen must start on day 0 or later and end within {DESIGN_DAYS:g} days.", None
    return None


def _challenge(regimen: Regimen) -> tuple[float, list[str]]:
    """The challenge one day after ``regimen``'s last dose ends, and the model's range warnings for it."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ValidatedRangeWarning)
        value = challenge_response(l06.patient(), regimen, day=regimen.end_h / HOURS_PER_DAY + 1.0)
    return value, [str(w.message) for w in caught if issubclass(w.category, ValidatedRangeWarning)]


def judge_design(payload):
    if not isinstance(payload, dict) or set(payload) != set(KEYS):
        raise ValueError("expected {'sensitizes': regimen, 'tolerates': regimen}")
    regimens = {key: regimen_from_payload(payload[key]) for key in KEYS}
    for key, regimen in regimens.items():
        problem = _check_week(key, regimen)
        if problem:
            return problem
    (up, up_notes), (down, down_notes) = (_challenge(regimens[key]) for key in KEYS)
    for key, notes in zip(KEYS, (up_notes, down_notes)):
        if notes:
            return False, (f"Your '{key}' regimen goes beyond the doses the model was checked against, where its answer is "
                           f"an extrapolation: {notes[0].split(';')[0]}. Use smaller doses, spread over the week."), "beyond-validated-range"
    shown = f"'sensitizes' gives {100 * up:.0f} % and 'tolerates' {100 * down:.0f} % of a drug-naive response"
    if up >= 1 + THRESHOLD and down <= 1 - THRESHOLD:
        return True, (f"{shown}: the same {DESIGN_TOTAL_MG_PER_KG:g} mg/kg, opposite changes. Spaced doses sensitize; "
                      "sustained or frequent exposure tolerates.")
    if up < 1 and down > 1:
        return False, f"{shown}: the two are the wrong way round. Swap them.", "tolerance-vs-sensitization"
    if up >= 1 + THRESHOLD or down <= 1 - THRESHOLD:
        which = "tolerates" if up >= 1 + THRESHOLD else "sensitizes"
        fix = ("keep the drug present without breaks (a continuous infusion) or split it into several small doses a day"
               if which == "tolerates" else "give it as a few doses a day or more apart")
        return False, (f"{shown}. The amount is the same, so only the schedule can change the outcome: to make '{which}' "
                       f"work, {fix}."), "only-total-dose-matters"
    return False, (f"{shown}: neither changes by {100 * THRESHOLD:.0f} % or more. Compare doses a day or more apart with a "
                   "continuous infusion over the week."), None


def _every_two_days() -> Regimen:
    """7 mg/kg as four doses, every 2 days (days 0, 2, 4 and 6)."""
    return Regimen.repeated(dose_mg_per_kg=DESIGN_TOTAL_MG_PER_KG / 4, infusion_min=40, every_days=2, doses=4)


def _week_long_infusion(total_mg_per_kg: float = DESIGN_TOTAL_MG_PER_KG) -> Regimen:
    return Regimen.continuous_infusion(rate_mg_per_kg_per_h=total_mg_per_kg / HOURS_PER_WEEK, hours=HOURS_PER_WEEK)


def reference_design() -> dict:
    return {"sensitizes": _every_two_days(), "tolerates": _week_long_infusion()}


def _design_same_schedule() -> dict:
    return {"sensitizes": once_daily_regimen(), "tolerates": once_daily_regimen()}


def _design_swapped() -> dict:
    return {"sensitizes": _week_long_infusion(), "tolerates": _every_two_days()}


def _design_in_mg() -> dict:
    return {"sensitizes": _every_two_days(),
            "tolerates": Regimen.continuous_infusion(rate_mg_per_h=DESIGN_TOTAL_MG_PER_KG / HOURS_PER_WEEK, hours=HOURS_PER_WEEK)}


def _design_rate_per_day() -> dict:
    return {"sensitizes": _every_two_days(),
            "tolerates": Regimen.continuous_infusion(rate_mg_per_kg_per_h=DESIGN_TOTAL_MG_PER_KG / 7.0, hours=HOURS_PER_WEEK)}


def _design_one_huge_dose() -> dict:
    return {"sensitizes": _every_two_days(), "tolerates": Regimen.single(dose_mg_per_kg=DESIGN_TOTAL_MG_PER_KG, infusion_min=40)}


def _design_more_drug() -> dict:
    return {"sensitizes": _every_two_days(), "tolerates": _week_long_infusion(3 * DESIGN_TOTAL_MG_PER_KG)}


SELF_CHECKS = (
    Choice(
        "L06.p1",
        "A patient receives the same amount in a week three ways: a dose every 2 days, a dose once a day, or a "
        "continuous infusion. A day after the week, everyone gets the same test dose (a challenge). Which pretreatment "
        "leaves the largest locomotor/reward response?",
        options=(
            Option("a", "The continuous infusion, because the drug is present the whole time.",
                   "Steady exposure is what builds tolerance of this effect in the model: the infusion's challenge comes out "
                   "below a drug-naive response, the spaced doses' above it.",
                   "more-exposure-more-sensitization"),
            Option("b", "The separate doses (every 2 days or once a day): spaced doses sensitize, steady exposure does not.",
                   "That is what the model shows: each separate dose that arrives after a drug-free gap adds sensitization, "
                   "while the continuous infusion leaves the patient slightly tolerant."),
            Option("c", "None: the same total amount gives the same change, whatever the schedule.",
                   "The amount is the same in all three, yet the changes point in opposite directions: the schedule decides.",
                   "only-total-dose-matters"),
        ),
        answer="b",
    ),
    Choice(
        "L06.s1",
        "Under the same daily sessions, the model's dissociation falls while its locomotor/reward response rises. How "
        "can one drug do both at once?",
        options=(
            Option("a", "It cannot: one of the two must be a measurement error.",
                   "Both come from the same simulated patient and the same doses. Opposite changes in different effects are "
                   "expected when two processes act at once (seed 002: which change appears depends on the effect measured).",
                   "drugs-only-tolerate"),
            Option("b", "Tolerance and sensitization are separate processes, and each effect is weighted differently by them.",
                   "Right: tolerance moves every effect, dissociation most; sensitization acts only on the locomotor/reward "
                   "effect and, with doses a day or more apart, outweighs the tolerance of that effect."),
            Option("c", "The rising response is tolerance wearing off between sessions.",
                   "Tolerance wearing off can bring a response back up to where it started, never above it. A rise above the "
                   "first session's response is sensitization.",
                   "tolerance-vs-sensitization"),
        ),
        answer="b",
        hints=("Look at which column of the table rises above 100 % and which falls below.",),
    ),
    Choice(
        "L06.s2",
        "Two weeks after the last of 14 daily doses, the patient is challenged again. What does the model show?",
        options=(
            Option("a", "Both changes have faded: the responses are back where they started.",
                   "Tolerance fades over days to weeks, but sensitization in the model fades over months (in rats it was "
                   "still there after two drug-free weeks: Rocha 1996; docs/science/ketamine-pkpd.md, fact 10).",
                   "sensitization-fades-like-tolerance"),
            Option("b", "Dissociation has recovered much of its loss, while the locomotor/reward response is still raised.",
                   "Right: the tolerance has largely faded during the break, the sensitization has not, so a break can leave "
                   "the reward response larger than it was at the very start (S3)."),
            Option("c", "Nothing has changed: two weeks is too short for either to move.",
                   "Two weeks is long enough for much of the tolerance to fade (lesson 05); only the sensitization stays.",
                   "break-changes-nothing"),
        ),
        answer="b",
        hints=("Compare the 1-day and 14-day columns of the table, for each effect.",),
    ),
    Choice(
        "L06.s3",
        "What is known about ketamine sensitization in people?",
        options=(
            Option("a", "It is well measured in patients, and it means they can safely take less.",
                   "The measurements are in rats and mice (Trujillo & Heller 2020; Rocha 1996). In people its size is "
                   "unknown, and the model's magnitude is an illustrative choice. A sensitized reward response is no "
                   "safety margin either.",
                   "rodent-data-as-human"),
            Option("b", "Locomotor sensitization is shown in rodents; in people it is a hypothesis, and a sensitized reward "
                        "response could add to misuse risk.",
                   "Right: the rodent findings are solid, the human magnitude is unknown, and sensitization of reward "
                   "is a theoretical contributor to misuse (seed 002)."),
            Option("c", "Sensitization is a benefit: it makes the antidepressant effect grow with every session.",
                   "The model's sensitization acts on the locomotor/reward effect, not on the antidepressant effect; a "
                   "growing therapeutic effect from sensitization is speculation (seed 002).",
                   "sensitization-is-a-benefit"),
        ),
        answer="b",
        hints=("Which species were the sensitization studies done in?",),
    ),
)

EXERCISES = (
    Number(
        "L06.q1",
        "The app's once-a-day arm: the 70 kg patient receives 1 mg/kg IV over 40 min once a day for 7 days (doses on days "
        "0 to 6). Use kettutor.analysis.challenge_response to measure the locomotor/reward response to the standard "
        "challenge on day 8. Give it as a percentage of a drug-naive response.",
        expected=once_daily_challenge,
        unit="% of a drug-naive response",
        rel_tol=0.02,
        misconceptions=(
            scaled(0.01, "percent-vs-fraction", "That is a fraction; the question asks for a percentage (multiply by 100)."),
            equals(lambda: once_daily_challenge() - 100.0, "change-vs-level",
                   "That is the change from a drug-naive response; the question asks for the response itself (add 100)."),
            equals(lambda: once_daily_challenge("dissociation"), "tolerance-vs-sensitization",
                   "That is the dissociation response, which shows tolerance. The question asks for the locomotor/reward "
                   "effect (effect='locomotor'), which sensitizes."),
        ),
        hints=("challenge_response(Patient(), regimen, day=8) returns a fraction of the drug-naive response.",
               "Its default effect is 'locomotor'; multiply by 100 for a percentage."),
    ),
    Task(
        "L06.q2",
        "Write continuous_rate(weekly_mg_per_kg) that returns the rate, in mg/kg/h, of a continuous infusion that gives "
        "weekly_mg_per_kg over one week.",
        points=1,
        to_payload=call_with(RATE_PROBES),
        judge_payload=judge_rate,
        reference=reference_rate,
        wrong=((_rate_per_day, "hours-vs-days"), (_rate_in_mg, "mg-vs-mg-per-kg"), (_rate_over_one_day, "week-vs-day")),
        hints=("How many hours does a week have?", "The answer stays per kg: do not multiply by the body weight."),
    ),
    Task(
        "L06.q3",
        f"Same amount, opposite outcomes. Build design, a dict with two regimens for the 70 kg patient, each giving "
        f"{DESIGN_TOTAL_MG_PER_KG:g} mg/kg in total into a vein within {DESIGN_DAYS:g} days, with no dose beyond the range "
        f"the model was checked against (it warns there): design['sensitizes'] must leave "
        f"the locomotor/reward challenge one day after its last dose ends at least {100 * THRESHOLD:.0f} % above a drug-naive "
        f"response, and design['tolerates'] at least {100 * THRESHOLD:.0f} % below it.",
        points=3,
        to_payload=design_to_payload,
        judge_payload=judge_design,
        reference=reference_design,
        wrong=((_design_same_schedule, "only-total-dose-matters"), (_design_swapped, "tolerance-vs-sensitization"),
               (_design_in_mg, "mg-vs-mg-per-kg"), (_design_rate_per_day, "hours-vs-days"),
               (_design_more_drug, "changed-total-dose"), (_design_one_huge_dose, "beyond-validated-range")),
        hints=("The app's three schedules all give the same weekly amount: which of them raised the challenge, and which lowered it?",
               "Regimen.repeated(dose_mg_per_kg=..., infusion_min=40, every_days=2, doses=...) spaces doses; "
               "Regimen.continuous_infusion(rate_mg_per_kg_per_h=..., hours=...) gives the drug without a break.",
               "Your continuous_rate from L06.q2 gives the rate; check each with challenge_response(Patient(), regimen, "
               "day=regimen.end_h / 24 + 1)."),
    ),
    Choice(
        "L06.q4",
        "A clinic gives a patient 0.5 mg/kg once a week. Over the weeks, the patient reports less dissociation but a "
        "stronger 'high'. Which reading fits the model and the evidence?",
        options=(
            Option("a", "Tolerance: the dose should be raised to restore the dissociation.",
                   "Raising the dose answers tolerance with more drug and ignores the second change; dissociation is not the "
                   "goal of treatment, and a larger dose adds to the reward response too.",
                   "higher-dose-protects"),
            Option("b", "The dissociation shows a little tolerance while the reward response sensitizes with spaced "
                        "doses; worth reporting, since the human size of this is unknown.",
                   "Right: in the model weekly doses barely lower dissociation and raise the locomotor/reward response, as "
                   "in the rodent studies; in people the size is unknown, so the change deserves attention, not a new dose."),
            Option("c", "A stronger high means less tolerance overall, so the doses could safely be given more often.",
                   "Sensitization of one effect does not cancel tolerance of others, and more frequent doses build more "
                   "tolerance (and, in the model, craving).",
                   "sensitization-cancels-tolerance"),
            Option("d", "It must be imagined, because drugs only ever lose effect with repeated use.",
                   "Drugs can also gain effect with repeated use: sensitization of ketamine's locomotor effect is well shown "
                   "in rodents (Trujillo & Heller 2020).",
                   "drugs-only-tolerate"),
        ),
        answer="b",
        hints=("Look again at the once-a-week row of the lesson's table of two effects.",),
    ),
)
