"""Lesson 11, the detective (apparent tolerance): self-checks and graded exercises.

Expected numbers are asked of the model when first needed (cached), so they follow the model if it changes.
The two tasks are judged by running the model: ``L11.q4`` runs the learner's ``diagnose`` on ten case records
it has never seen (:func:`kettutor.mystery_patient`), ``L11.q5`` simulates the learner's dosing record.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np

from ..mystery import CAUSES as MYSTERY_CAUSES
from ..mystery import mystery_patient
from ...patient import Patient
from ...regimen import Regimen
from ...solver.simulate import simulate
from ..answers import regimen_from_payload, regimen_to_payload
from ..lessons.l11 import exposure_ratio, route_change_numbers
from ..questions import Choice, Number, Option, Task, equals, scaled

# ----- L11.q4: a diagnose(table) function, run on ten records it has never seen -------------------------------
DIAGNOSIS_CASES = (  # (hidden cause, seed): two of each cause, in a mixed order
    ("new_inducer", 3001), ("worsening_illness", 3002), ("true_tolerance", 3003), ("missed_doses", 3004),
    ("new_benzodiazepine", 3005), ("worsening_illness", 3006), ("true_tolerance", 3007),
    ("new_benzodiazepine", 3008), ("missed_doses", 3009), ("new_inducer", 3010),
)
PASS_MARK = len(DIAGNOSIS_CASES) - 1  # one slip allowed: the records are noisy, as real ones are
LEVEL, DISSOCIATION, SCORE = "peak plasma level (ng/mL)", "dissociation (%)", "depression score"
TAKEN, EXTRA = "dose taken at visit (mg)", "doses since last visit"


@cache
def case_table(cause: str, seed: int):
    """The record of one hidden case as the learner's function sees it (a pandas DataFrame, no cause)."""
    return mystery_patient(cause, seed=seed).to_dataframe()


def diagnoses(function) -> list[str]:
    """``to_payload`` for L11.q4: the learner's answer for each hidden case, as text."""
    if not callable(function):
        raise TypeError(f"expected a function diagnose(table), got {type(function).__name__}")
    return [str(function(case_table(cause, seed).copy()))[:80] for cause, seed in DIAGNOSIS_CASES]


def _pairs(payload) -> list[tuple[str, str]]:
    if not isinstance(payload, list) or len(payload) != len(DIAGNOSIS_CASES) or not all(isinstance(a, str) for a in payload):
        raise ValueError(f"expected one cause name (text) for each of the {len(DIAGNOSIS_CASES)} cases")
    return [(cause, answer) for (cause, _), answer in zip(DIAGNOSIS_CASES, payload)]


def judge_diagnoses(payload) -> tuple[bool, str, str | None]:
    pairs = _pairs(payload)
    unknown = [answer for _, answer in pairs if answer not in MYSTERY_CAUSES]
    if unknown:
        return False, (f"diagnose returned {unknown[0]!r}; it must return one of {', '.join(map(repr, MYSTERY_CAUSES))}."), "not-a-cause"
    right = sum(cause == answer for cause, answer in pairs)
    score = f"{right} of {len(pairs)} hidden cases right."
    if right >= PASS_MARK:
        return True, f"{score} Your function reads the clues in the order a careful clinician would.", None
    if sum(answer == "true_tolerance" for _, answer in pairs) >= len(pairs) - 2:
        return False, (f"{score} Nearly every case is called true tolerance, but only two of them are: a falling "
                       "response has other causes, and each leaves its own clue in the record."), "tolerance-is-the-only-cause"
    if any(cause == "new_inducer" and answer == "true_tolerance" for cause, answer in pairs):
        return False, (f"{score} A case whose blood level per dose collapsed was called true tolerance. Less drug in the "
                       "blood lowers the effect without any change in the brain: compare the blood level first, then the "
                       "dissociation at that level."), "exposure-vs-tolerance"
    if any({cause, answer} == {"new_benzodiazepine", "worsening_illness"} for cause, answer in pairs):
        return False, (f"{score} A benzodiazepine case and a worsening-illness case are swapped. Both leave level and "
                       "dissociation unchanged; a new medicine makes the score step up once, an illness makes it drift up "
                       "visit after visit. Look at the score's trend over the last visits."), "step-vs-drift"
    if any(cause == "missed_doses" and answer != cause for cause, answer in pairs):
        return False, (f"{score} A record with visits where no dose was taken was not called missed doses: check the "
                       "dosing log before anything else."), "missed-doses-ignored"
    wrong = "; ".join(f"case {i + 1}: {answer!r}" for i, (cause, answer) in enumerate(pairs) if cause != answer)
    return False, f"{score} Not yet right: {wrong}. Work through the four questions in order.", None


def reference_diagnose(table) -> str:
    """A careful reading of one record: the dosing log, then the blood level, then the dissociation at that
    level, then the shape of the depression score."""
    early, late = table.iloc[1:4], table.iloc[16:]  # visits 2-4 come before any change, visits 17-24 after it
    if (table[TAKEN] == 0).any():
        return "missed_doses"
    if late[LEVEL].median() < 0.5 * early[LEVEL].median():
        return "new_inducer"
    if (table[EXTRA] > 0).any() and late[DISSOCIATION].median() < 0.8 * early[DISSOCIATION].median():
        return "true_tolerance"
    after = table.iloc[11:]  # visits 12-24: the score's trend in points per week
    trend = 7.0 * np.polyfit(after["day"], after[SCORE], 1)[0]
    return "worsening_illness" if trend > 0.75 else "new_benzodiazepine"


def _always_tolerance(table) -> str:
    return "true_tolerance"


def _ignores_the_level(table) -> str:
    early, late = table.iloc[1:4], table.iloc[16:]
    if (table[TAKEN] == 0).any():
        return "missed_doses"
    if late[DISSOCIATION].median() < 0.8 * early[DISSOCIATION].median():
        return "true_tolerance"  # a falling effect read as tolerance, whatever the level did
    return reference_diagnose(table)


def _swaps_step_and_drift(table) -> str:
    swap = {"new_benzodiazepine": "worsening_illness", "worsening_illness": "new_benzodiazepine"}
    answer = reference_diagnose(table)
    return swap.get(answer, answer)


# ----- L11.q5: missed doses alone, designed by the learner ------------------------------------------------------
PLAN = Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=40, every_days=3.5, doses=12)
MEASURE_DAY = 42.0  # the clinic measures the benefit 3.5 days after the last planned session
TARGET_FRACTION = 0.5


@cache
def benefit_on_measure_day(kept_h: tuple[float, ...]) -> float:
    """Antidepressant effect size (Hedges g) on day 42 with only the planned sessions starting at ``kept_h`` (h)."""
    events = tuple(e for e in PLAN.events if round(e.time_h, 6) in kept_h)
    result = simulate(Patient(), Regimen(events), days=MEASURE_DAY)
    return float(result.effect("antidepressant")[-1])


def _planned_h() -> tuple[float, ...]:
    return tuple(round(e.time_h, 6) for e in PLAN.events)


def fraction_kept(missed_sessions: tuple[int, ...]) -> float:
    """Benefit on day 42 with ``missed_sessions`` (1 = first) missed, as a fraction of the full plan's."""
    kept = tuple(h for i, h in enumerate(_planned_h()) if i + 1 not in missed_sessions)
    return benefit_on_measure_day(kept) / benefit_on_measure_day(_planned_h())


@cache
def fewest_missed() -> int:
    """The fewest missed sessions that halve the day-42 benefit: missing the last ones, which matter most."""
    sessions = len(PLAN.events)
    for count in range(1, sessions):
        if fraction_kept(tuple(range(sessions - count + 1, sessions + 1))) <= TARGET_FRACTION:
            return count
    return sessions  # pragma: no cover - missing every session but the first always halves it


def reference_missed_plan() -> Regimen:
    sessions = len(PLAN.events)
    return PLAN.with_missed_doses(list(range(sessions - fewest_missed() + 1, sessions + 1)))


def judge_missed_plan(payload) -> tuple[bool, str, str | None]:
    regimen = regimen_from_payload(payload)
    planned = {round(e.time_h, 6): e for e in PLAN.events}
    for event in regimen.events:
        match = planned.get(round(event.time_h, 6))
        if match is None:
            return False, (f"Your record has a dose at day {event.time_h / 24:g}, which the plan does not have. Extra "
                           "doses are not missed doses: taken more often, they build true tolerance instead. Start from "
                           "plan and only drop sessions (plan.with_missed_doses([...]))."), "extra-doses-not-missed"
        same = (math.isclose(event.amount, match.amount) and event.unit == match.unit and event.route == match.route
                and math.isclose(event.duration_h, match.duration_h))
        if not same:
            return False, (f"The dose on day {event.time_h / 24:g} differs from the plan ({event.amount:g} {event.unit} "
                           f"by {event.route}). A smaller dose shows as a lower blood level per dose, a different clue "
                           "from missed doses: keep every dose as planned and drop whole sessions."), "changed-dose-not-missed"
    kept = {round(e.time_h, 6) for e in regimen.events}
    missed = tuple(i + 1 for i, h in enumerate(_planned_h()) if h not in kept)
    if not missed:
        return False, "Every planned session is still there: miss some with plan.with_missed_doses([...]).", None
    fraction = fraction_kept(missed)
    fewest, sessions = fewest_missed(), len(PLAN.events)
    shown = f"missing sessions {', '.join(map(str, missed))} leaves {100 * fraction:.0f} % of the full plan's day-42 benefit"
    if fraction > TARGET_FRACTION:
        if max(missed) <= sessions - fewest:
            return False, (f"Not yet: {shown}. Sessions missed weeks before day 42 barely matter by then: each session's "
                           "benefit fades within about ten days, so the sessions just before the measurement count "
                           "most."), "early-misses-fade"
        return False, f"Not yet: {shown}. Miss more of the sessions just before day 42.", None
    if len(missed) > fewest:
        return False, (f"The benefit halves ({shown}), but with {len(missed)} missed sessions; {fewest} are enough if they "
                       "are the right ones. Which sessions does the day-42 benefit depend on most?"), "not-the-fewest"
    return True, (f"Yes: {shown}, with only {len(missed)} missed. Every dose that was taken gave its usual blood level "
                  "and dissociation: the benefit faded from adherence alone, with no tolerance at all."), None


# ----- questions ---------------------------------------------------------------------------------------------
SELF_CHECKS = (
    Choice(
        "L11.p1",
        "Case 1's response falls because of true tolerance. Over the visits where that tolerance builds, what does "
        "the peak blood level per dose do?",
        options=(
            Option("a", "It falls: the patient's body now holds less of each dose.",
                   "The model shows no fall: the level per dose stays where it was. A falling level means less drug got "
                   "in (an inducer, a changed route or product); true tolerance is a change in the brain's response.",
                   "tolerance-means-less-drug"),
            Option("b", "It stays about the same; what falls is the effect each dose has at that level.",
                   "Right: the same level gives less dissociation. That mismatch is the signature of true tolerance."),
            Option("c", "It rises: a tolerant body needs and builds up more drug.",
                   "The model shows no rise: tolerance does not make the same dose give a higher level. The level per "
                   "dose stays where it was, while its effect shrinks.",
                   "levels-rise-with-tolerance"),
        ),
        answer="b",
        hints=("True tolerance happens in the brain, after the drug has reached the blood.",),
    ),
    Choice(
        "L11.s1",
        "Two patients start rifampicin, which speeds up the liver's breakdown of ketamine. One takes ketamine by mouth "
        "at home, the other has infusions into a vein. Whose blood level per dose falls more?",
        options=(
            Option("a", "Both fall by the same share: the same enzymes break down the same drug.",
                   "The enzymes are the same, but only the swallowed dose must pass through the liver before it reaches "
                   "the blood. An interaction can be several times larger by mouth than by vein.",
                   "interaction-same-for-every-route"),
            Option("b", "The one who swallows it: the whole dose passes the sped-up liver before reaching the blood.",
                   "Right: first-pass metabolism makes swallowed ketamine far more sensitive to inducers and inhibitors "
                   "than an infusion (K5; Peltoniemi 2012)."),
            Option("c", "The one on infusions: the drug goes straight into the blood, where the enzymes are.",
                   "Ketamine is broken down mainly in the liver, and an infusion reaches the liver only with the blood "
                   "flow, a share at a time; a swallowed dose passes through it whole first.",
                   "first-pass-reversed"),
            Option("d", "Neither: rifampicin causes tolerance, not a change in blood level.",
                   "Rifampicin changes how much drug reaches the blood, not the brain's sensitivity. Calling its effect "
                   "tolerance is exactly the mistake this lesson is about.",
                   "tolerance-is-the-only-cause"),
        ),
        answer="b",
        hints=("Follow a swallowed dose: gut, then liver, then blood. Where does an infusion go first?",),
    ),
    Choice(
        "L11.s2",
        "A record: dosing log complete, blood level per dose unchanged, dissociation per dose unchanged. The depression "
        "score rose by about 3 points at one visit, a week after a new prescription, and has stayed there since. "
        "Which cause fits best?",
        options=(
            Option("a", "True tolerance.",
                   "True tolerance would show as less dissociation at the same blood level, and here the dissociation "
                   "is unchanged. A falling benefit alone does not make tolerance.",
                   "tolerance-is-the-only-cause"),
            Option("b", "A new inducer speeding up ketamine's breakdown.",
                   "An inducer lowers the blood level per dose, and the effects with it; here the level is unchanged.",
                   "exposure-vs-tolerance"),
            Option("c", "A new medicine that blunts the benefit, such as a benzodiazepine.",
                   "Right: level and dissociation unchanged, the benefit worse from one visit on. Benzodiazepines blunt "
                   "the antidepressant effect (Andrashko 2020; Feeney 2023)."),
            Option("d", "The illness getting worse.",
                   "A worsening illness leaves levels and dissociation alone too, but it drifts up visit after visit "
                   "instead of stepping up once, right after a new prescription.",
                   "step-vs-drift"),
        ),
        answer="c",
        hints=("Which clue changed: the log, the level, the dissociation, or only the score? And did it step or drift?",),
    ),
    Choice(
        "L11.s3",
        "A patient's benefit fades. Their record: no gaps in the log, the same dose, but the blood level per dose and "
        "the dissociation both fell to about a third from one visit on. What is the best next step?",
        options=(
            Option("a", "Raise the dose until the benefit comes back.",
                   "A higher dose treats a number, not the cause. If a medicine or product change lowered the level, the "
                   "raised dose becomes too much the day that change is undone, and with true tolerance it builds more "
                   "tolerance. A higher dose does not protect against any of these.",
                   "higher-dose-protects"),
            Option("b", "Ask what changed: new or stopped medicines and juices, a new product or way of taking it.",
                   "Right: a level that falls at an unchanged dose means less drug reaches the blood. Find that change "
                   "before anyone touches the dose (seed 002)."),
            Option("c", "Conclude true tolerance: the response to the same dose has fallen.",
                   "True tolerance leaves the blood level per dose unchanged. Here the level itself fell, so less drug "
                   "is reaching the brain.",
                   "tolerance-is-the-only-cause"),
            Option("d", "Conclude that the illness is getting worse.",
                   "A worsening illness does not lower the blood level of a drug; here the level fell at the same dose.",
                   "illness-lowers-levels"),
        ),
        answer="b",
        hints=("A blood level that falls at the same dose means less drug got in. What could make that happen?",),
    ),
)

EXERCISES = (
    Number(
        "L11.q1",
        "Simulate the default 70 kg patient taking 1 mg/kg by mouth (route='oral', days=2), without and with rifampicin "
        "(Patient(comedications=('rifampicin',))). Give the ratio of the ketamine exposure (AUC) with rifampicin to the "
        "exposure without it.",
        expected=lambda: exposure_ratio("rifampicin", "oral"),
        unit="(ratio)",
        rel_tol=0.05,
        misconceptions=(
            equals(lambda: exposure_ratio("rifampicin", "iv"), "interaction-same-for-every-route",
                   "That is the ratio for an intravenous infusion. The question is about a swallowed dose, which passes "
                   "through the liver before it reaches the blood, so the inducer removes far more of it."),
            equals(lambda: 1.0 / exposure_ratio("rifampicin", "oral"), "ratio-upside-down",
                   "That is the ratio without / with rifampicin. An inducer lowers exposure, so with / without is below 1."),
            scaled(100.0, "fraction-vs-percent",
                   "That is the ratio as a percentage. Give it as a fraction (for example 0.5 for half)."),
        ),
        hints=("Compare result.exposure().auc_mg_h_per_l of the two simulations.",
               "An inducer lowers the exposure, so the ratio is below 1."),
    ),
    Number(
        "L11.q2",
        "A 70 kg patient used to take 70 mg of ketamine as a nasal spray (route='intranasal') and now swallows the same "
        "70 mg (route='oral'). Simulate one dose of each (days=2) and give the ratio of the peak plasma concentration "
        "swallowed to the peak as a spray.",
        expected=lambda: route_change_numbers()["peak_ratio"],
        unit="(ratio)",
        rel_tol=0.05,
        misconceptions=(
            equals(lambda: route_change_numbers()["auc_ratio"], "auc-vs-peak",
                   "That is the ratio of total exposure (AUC), which follows the bioavailabilities. The question asks for "
                   "the ratio of the peaks (exposure().cmax_mg_per_l)."),
            equals(lambda: 1.0 / route_change_numbers()["peak_ratio"], "ratio-upside-down",
                   "That is spray / swallowed. Swallowing gives the lower peak, so swallowed / spray is below 1."),
            scaled(100.0, "fraction-vs-percent",
                   "That is the ratio as a percentage. Give it as a fraction (for example 0.5 for half)."),
        ),
        hints=("Regimen.single(dose_mg=70, route='intranasal') and Regimen.single(dose_mg=70, route='oral').",
               "Divide the two values of result.exposure().cmax_mg_per_l: swallowed first."),
    ),
    Choice(
        "L11.q3",
        "Which pair of measurements from the same visits tells true tolerance apart from apparent tolerance caused by "
        "less drug reaching the blood?",
        options=(
            Option("a", "The depression scores before and after the change.",
                   "The score worsens with almost every cause, tolerance or not, and in true tolerance it may not change "
                   "at all at first. It cannot tell where the response was lost.",
                   "score-alone-diagnoses"),
            Option("b", "The blood level per dose, and the acute effect (dissociation) at that level.",
                   "Right: less drug in the blood lowers level and effect together; true tolerance lowers the effect at "
                   "an unchanged level."),
            Option("c", "The dose in mg and the patient's weight.",
                   "The dose and weight say what was meant to be taken, not how much reached the blood or what it did "
                   "there: an inducer or a route change lowers exposure at the same mg and mg/kg.",
                   "dose-is-not-exposure"),
        ),
        answer="b",
        points=1,
        hints=("Ask where along the way the response was lost: before the blood, or after it.",),
    ),
    Task(
        "L11.q4",
        "Write diagnose(table) that reads one mystery patient's record (kettutor.mystery_patient(...).to_dataframe(), "
        "one row per visit) and returns its cause: one of 'true_tolerance', 'missed_doses', 'new_inducer', "
        "'new_benzodiazepine', 'worsening_illness'. It is checked on ten records it has never seen (two of each "
        "cause); nine right is a pass.",
        to_payload=diagnoses,
        judge_payload=judge_diagnoses,
        reference=lambda: reference_diagnose,
        wrong=(
            (lambda: _always_tolerance, "tolerance-is-the-only-cause"),
            (lambda: _ignores_the_level, "exposure-vs-tolerance"),
            (lambda: _swaps_step_and_drift, "step-vs-drift"),
        ),
        points=3,
        hints=(
            "Ask the lesson's four questions in order: the dosing log, the blood level, the dissociation at that level, "
            "then the depression score.",
            "Visits 2-4 come before any change and visits 17-24 after it: compare their medians (table.iloc[1:4], "
            "table.iloc[16:]).",
            "To tell a step from a drift, fit a line to the score over visits 12-24: "
            "numpy.polyfit(after['day'], after['depression score'], 1)[0] is its slope in points per day.",
        ),
    ),
    Task(
        "L11.q5",
        "The plan is plan = Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=40, every_days=3.5, doses=12). The "
        "clinic measures the antidepressant effect on day 42, 3.5 days after the last planned session. Build "
        "missed_plan: the plan with some sessions missed (plan.with_missed_doses([...])) so that the day-42 effect is "
        "at most half of the full plan's, with as few missed sessions as possible.",
        to_payload=regimen_to_payload,
        judge_payload=judge_missed_plan,
        reference=reference_missed_plan,
        wrong=(
            (lambda: PLAN.with_missed_doses([5, 6, 7, 8]), "early-misses-fade"),
            (lambda: Regimen.repeated(dose_mg_per_kg=0.25, infusion_min=40, every_days=3.5, doses=12), "changed-dose-not-missed"),
            (lambda: Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=40, every_days=1.75, doses=24), "extra-doses-not-missed"),
            (lambda: PLAN.with_missed_doses(list(range(5, 13))), "not-the-fewest"),
        ),
        points=2,
        hints=(
            "Measure with simulate(Patient(), regimen, days=42).effect('antidepressant')[-1], for the plan and for "
            "your missed_plan.",
            "A session's benefit fades over about ten days: which sessions does the day-42 effect depend on most?",
            "Try missing the last session, then the last two, and so on, until the effect is at most half.",
        ),
    ),
)
