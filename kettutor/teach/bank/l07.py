"""Lesson 07, effect-specific tolerance: self-checks and graded exercises.

Expected numbers are asked of the model when first needed (cached), so they follow the model if it changes.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np

from ...patient import Patient
from ...regimen import HOURS_PER_DAY, Regimen
from ...solver.simulate import simulate
from ..answers import regimen_from_payload, regimen_to_payload
from ..questions import Choice, Number, Option, Task, call_with, equals, judge_probe_results, scaled

INFUSION_MIN = 40.0


# ----- L07.q1: dissociation after four weeks of twice-weekly infusions -------------------------------------
def _twice_weekly() -> Regimen:
    return Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=INFUSION_MIN, every_days=3.5, doses=8)


@cache
def _twice_weekly_percent(effect: str) -> float:
    """The 8th twice-weekly session's peak ``effect`` as % of the 1st (28 days simulated)."""
    result = simulate(Patient(), _twice_weekly(), days=28)
    return float(100.0 * result.relative_session_peaks(effect)[-1])


def last_dissociation_percent() -> float:
    return _twice_weekly_percent("dissociation")


# ----- L07.q3: a function of effect and interval -------------------------------------------------------------
RATIO_PROBES = (("dissociation", 1.0), ("dissociation", 7.0), ("analgesia", 1.0), ("locomotor", 3.5), ("antidepressant", 1.0))
RATIO_SESSIONS = 12
RATIO_TOLERANCE = 0.02


def peak_ratio_of(effect: str, every_days: float, *, dose_mg_per_kg: float | None = 0.5, dose_mg: float | None = None) -> float:
    """Reference (and misconception) answer: 12 infusions over 40 min every ``every_days`` days, followed for
    2 days after the last; the 12th session's peak ``effect`` over the 1st's."""
    regimen = Regimen.repeated(
        dose_mg_per_kg=dose_mg_per_kg if dose_mg is None else None, dose_mg=dose_mg,
        infusion_min=INFUSION_MIN, every_days=every_days, doses=RATIO_SESSIONS,
    )
    days = (RATIO_SESSIONS - 1) * every_days + 2.0
    result = simulate(Patient(), regimen, days=days, sparse_step_h=6.0 if every_days < 30 else 24.0)
    peaks = result.session_peaks(effect)
    return float(peaks[-1] / peaks[0])


def reference_peak_ratio(effect: str, every_days: float) -> float:
    """The 12th session's peak ``effect`` divided by the 1st session's (0.5 mg/kg IV over 40 min, 12 sessions)."""
    return peak_ratio_of(effect, every_days)


def _inverted_peak_ratio(effect: str, every_days: float) -> float:
    return 1.0 / peak_ratio_of(effect, every_days)


def _mg_peak_ratio(effect: str, every_days: float) -> float:
    return peak_ratio_of(effect, every_days, dose_mg_per_kg=None, dose_mg=0.5)


def _hours_peak_ratio(effect: str, every_days: float) -> float:
    return peak_ratio_of(effect, every_days * 24.0)


@cache
def _probe_values(kind: str) -> tuple[float, ...]:
    build = {"reference": reference_peak_ratio, "inverted": _inverted_peak_ratio, "mg": _mg_peak_ratio, "hours": _hours_peak_ratio}[kind]
    return tuple(build(effect, every) for effect, every in RATIO_PROBES)


RATIO_MISCONCEPTIONS = (
    ("inverted", "inverted-ratio",
     "Your numbers are the first session's peak divided by the last's: upside down. Divide the last (12th) session's "
     "peak by the first's, so that tolerance gives a number below 1."),
    ("mg", "mg-vs-mg-per-kg",
     "Your patient got 0.5 mg, not 0.5 mg/kg (35 mg for 70 kg): a dose too small to change anything, so every ratio "
     "is about 1. Use dose_mg_per_kg=0.5."),
    ("hours", "hours-vs-days",
     "Your doses are 24 times too far apart: every_days is already in days, so do not convert it to hours."),
)


def _judge_ratios(payload) -> tuple[bool, str, str | None]:
    return judge_probe_results(
        payload, RATIO_PROBES, _probe_values, tolerance=RATIO_TOLERANCE, misconceptions=RATIO_MISCONCEPTIONS,
        correct_message="Your function reproduces the model for every effect and interval tried.",
        describe_miss=lambda probe, value, expected: (
            f"peak_ratio({probe[0]!r}, {probe[1]:g}) returned {value:.3g}; the model gives {expected:.3g}. Check the dose "
            f"(0.5 mg/kg over 40 min), the number of sessions ({RATIO_SESSIONS}) and which effect you read."
        ),
    )


# ----- L07.q4: design a 12-week course ----------------------------------------------------------------------
DESIGN_FROM_DAY, DESIGN_TO_DAY = 7.0, 84.0
DESIGN_MIN_G = 0.6
DESIGN_MIN_DISSOCIATION = 0.8
DESIGN_MAX_DOSE_MG_PER_KG = 1.0
DESIGN_MAX_DOSES = 400
FREQUENT_INTERVAL_DAYS = 2.0


def design_reference() -> Regimen:
    return Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=INFUSION_MIN, every_days=3.5, duration_days=84)


def _daily() -> Regimen:
    return Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=INFUSION_MIN, every_days=1.0, duration_days=84)


def _big_and_rare() -> Regimen:
    return Regimen.repeated(dose_mg_per_kg=1.0, infusion_min=INFUSION_MIN, every_days=10.0, duration_days=84)


def _twelve_days() -> Regimen:
    return Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=INFUSION_MIN, every_days=3.5, duration_days=12)


def _judge_design(payload) -> tuple[bool, str, str | None]:
    regimen = regimen_from_payload(payload)
    patient = Patient()
    if regimen.drug != "ketamine":
        return False, "Use racemic ketamine (IV, IM, nasal or oral doses), not the esketamine spray.", "wrong-drug"
    if len(regimen.events) > DESIGN_MAX_DOSES:
        return False, f"At most {DESIGN_MAX_DOSES} doses in 12 weeks, please; yours has {len(regimen.events)}.", "too-many-doses"
    per_session: dict[int, float] = {}
    for event in regimen.events:
        per_session[event.session] = per_session.get(event.session, 0.0) + event.dose_mg_per_kg(patient.weight_kg)
    largest = max(per_session.values())
    if largest > DESIGN_MAX_DOSE_MG_PER_KG + 1e-9:
        return False, (
            f"One session gives {largest:.2g} mg/kg; the task allows at most {DESIGN_MAX_DOSE_MG_PER_KG:g} mg/kg per session. "
            "Bigger doses bring more dissociation and more tolerance, not a longer benefit."
        ), "dose-above-limit"
    result = simulate(patient, regimen, days=DESIGN_TO_DAY + 1.0, dense_step_min=30.0, sparse_step_h=3.0)
    starts = result.session_start_h / HOURS_PER_DAY
    g, day = result.effect("antidepressant"), result.time_days
    window = (day >= DESIGN_FROM_DAY) & (day <= DESIGN_TO_DAY)
    lowest = float(g[window].min())
    dissociation = result.relative_session_peaks("dissociation")
    last = float(dissociation[-1])
    intervals = np.diff(starts)
    typical_interval = float(np.median(intervals)) if intervals.size else math.inf
    if lowest < DESIGN_MIN_G:
        when = float(day[window][np.argmin(g[window])])
        if starts[-1] < DESIGN_TO_DAY - 14.0:
            return False, (
                f"Your last session is on day {starts[-1]:.1f}, so the benefit has run out (g {lowest:.2f}) by day {when:.0f}. "
                "The course must last 12 weeks: duration_days counts days, so 12 weeks is 84 days."
            ), "weeks-vs-days"
        if largest >= 0.75:
            return False, (
                f"The antidepressant effect falls to g {lowest:.2f} (day {when:.0f}) between your sessions. A bigger dose does "
                "not carry the benefit much further: one infusion's benefit saturates and fades within days to weeks. "
                "Shorten the gaps instead."
            ), "bigger-dose-lasts-longer"
        return False, f"The antidepressant effect falls to g {lowest:.2f} on day {when:.0f}: the gaps between sessions are too long.", "benefit-gap"
    if last < DESIGN_MIN_DISSOCIATION:
        if typical_interval <= FREQUENT_INTERVAL_DAYS:
            return False, (
                f"The benefit holds (lowest g {lowest:.2f}), but the last session's dissociation is only {100 * last:.0f} % "
                "of the first: sessions this close together build tolerance, and more often does not buy more benefit, "
                "which has saturated. Space them out."
            ), "more-often-is-better"
        return False, (
            f"The benefit holds (lowest g {lowest:.2f}), but the last session's dissociation is {100 * last:.0f} % of the "
            "first: too much tolerance. Lower the dose or space the sessions."
        ), "too-much-tolerance"
    return True, (
        f"From day 7 to day 84 the antidepressant effect never falls below g {lowest:.2f}, and the last session's "
        f"dissociation is {100 * last:.0f} % of the first."
    ), None


SELF_CHECKS = (
    Choice(
        "L07.p1",
        "The app opens on 0.5 mg/kg twice a week for 12 weeks. If the same patient got the same dose every day "
        "instead, what would the 12th week look like?",
        options=(
            Option("a", "Dissociation falls much further; the antidepressant effect stays about as high as with twice a week.",
                   "That is what the model shows: dissociation falls to well under half of the first session's peak, while "
                   "the antidepressant effect stays near its ceiling. Set 'Dose every' to 1 day and look."),
            Option("b", "The antidepressant effect falls furthest, because it is the effect the treatment is for.",
                   "The model shows the opposite at this dose: the antidepressant effect holds while dissociation falls.",
                   "one-tolerance-for-all-effects"),
            Option("c", "Every effect falls by the same amount: it is one drug acting on one receptor.",
                   "The effects adapt by different amounts and even in different directions: reward rises while dissociation falls.",
                   "one-tolerance-for-all-effects"),
            Option("d", "Nothing changes: the dose per session is the same.",
                   "The interval matters as much as the dose: daily sessions leave no time for tolerance to fade.",
                   "dose-not-frequency"),
        ),
        answer="a",
    ),
    Choice(
        "L07.s1",
        "Over twice-weekly infusions, a patient's dissociation fades session by session while her depression scores stay "
        "improved. What explains this best?",
        options=(
            Option("a", "Less ketamine reaches her blood with each session.",
                   "Her blood levels per dose stay the same: ketamine does not speed up its own removal in the model. "
                   "What changes is how strongly the brain responds.",
                   "levels-fell"),
            Option("b", "Dissociation adapts faster and further than the antidepressant effect, which persists.",
                   "Right: dissociative tolerance builds from the first sessions, while the antidepressant benefit of spaced "
                   "sessions is kept (T5)."),
            Option("c", "She is sensitized: the treatment works better, so she needs less dissociation.",
                   "Sensitization means the same dose does more. Her dissociation does less: that is tolerance, of one effect.",
                   "tolerance-vs-sensitization"),
            Option("d", "Her benefit must be fading too; the depression scores just have not caught up yet.",
                   "Tolerance is not one switch for every effect. In the model (and in trials of twice-weekly dosing) the "
                   "benefit holds while dissociation fades.",
                   "one-tolerance-for-all-effects"),
        ),
        answer="b",
        hints=("Tolerance moves each effect by its own amount. In the model's numbers above, which effect fell furthest "
               "by the 8th session?",),
    ),
    Choice(
        "L07.s2",
        "In the same twice-weekly course, each session's reward (locomotor) peak is higher than the one before. What is this?",
        options=(
            Option("a", "Tolerance: the body is adapting to the drug.",
                   "Tolerance means the same dose does less. Here the same dose does more.",
                   "tolerance-vs-sensitization"),
            Option("b", "Sensitization: the same dose does more.",
                   "Right: doses a few days apart sensitize the reward effect, even while dissociation shows tolerance (S1)."),
            Option("c", "Dependence: the patient now needs the drug.",
                   "Dependence is about what happens without the drug (craving, low mood). A larger response to the same "
                   "dose is sensitization; it may raise the risk of misuse, but it is not dependence itself.",
                   "sensitization-vs-dependence"),
        ),
        answer="b",
        hints=("Compare each session with the first at the same dose: more or less effect?",),
    ),
    Choice(
        "L07.s3",
        "Three months of daily infusions: would 1.0 mg/kg a day keep the antidepressant effect in week 12 higher than 0.5 mg/kg a day?",
        options=(
            Option("a", "Yes: a higher dose stays ahead of tolerance.",
                   "The model shows the opposite: the higher daily dose builds far more tolerance, which wears the "
                   "antidepressant effect down, so week 12 is worse.",
                   "higher-dose-protects"),
            Option("b", "No: the higher dose builds more tolerance, and the benefit wears down below the lower dose's.",
                   "Right: the benefit saturates, so the extra drug adds little, while the tolerance it builds desensitises "
                   "the antidepressant effect."),
            Option("c", "It makes no difference: the benefit saturates, so the dose does not matter.",
                   "Saturation explains why the extra drug adds little at first. But under heavy daily use the tolerance it "
                   "builds also wears the benefit down, so the dose does matter, the wrong way.",
                   "saturation-vs-desensitisation"),
        ),
        answer="b",
        hints=("Look at the table of three 12-week courses: drug per week against the effect in week 12.",),
    ),
)

EXERCISES = (
    Number(
        "L07.q1",
        "Eight infusions of 0.5 mg/kg over 40 min, twice a week: the 8th session's peak dissociation as % of the 1st.",
        expected=last_dissociation_percent,
        unit="%",
        rel_tol=0.02,
        misconceptions=(
            scaled(0.01, "fraction-vs-percent", "That is the ratio as a fraction; the question asks for a percentage (multiply by 100)."),
            equals(lambda: 100.0 - last_dissociation_percent(), "loss-vs-remaining",
                   "That is how much dissociation was lost; the question asks how much remains, as % of the first session."),
            equals(lambda: _twice_weekly_percent("antidepressant"), "wrong-effect",
                   "That is the antidepressant effect, which holds or grows. Read the session peaks of 'dissociation'."),
        ),
        hints=("Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=40, every_days=3.5, doses=8), simulated for 28 days.",
               "result.relative_session_peaks('dissociation') gives every session's peak divided by the first's; take the last and multiply by 100."),
    ),
    Choice(
        "L07.q2",
        "A patient on twice-weekly infusions says the 'trip' gets weaker every session and asks for a higher dose "
        "'before the treatment stops working'. Her depression scores are stable. Which reading fits the model and the evidence?",
        options=(
            Option("a", "Her antidepressant effect is fading with the dissociation: one receptor, one tolerance.",
                   "The effects do not share one tolerance: under twice-weekly dosing dissociation fades while the benefit "
                   "persists (T5).",
                   "one-tolerance-for-all-effects"),
            Option("b", "Dissociation adapts faster than the benefit; a weaker trip is not a weaker treatment, and a higher "
                        "dose would mostly buy more dissociation and more tolerance.",
                   "Right. Her stable scores are the measure of the benefit; dissociation is not."),
            Option("c", "She is sensitized, so the dose should be lowered.",
                   "Sensitization is a larger response to the same dose; her dissociation is smaller. That is tolerance.",
                   "tolerance-vs-sensitization"),
            Option("d", "A higher dose now would prevent tolerance later.",
                   "Higher doses build more tolerance, not less; and under daily use they wear the benefit down.",
                   "higher-dose-protects"),
        ),
        answer="b",
        points=1.0,
        hints=("Which effect is the treatment for, and which one is fading?",),
    ),
    Task(
        "L07.q3",
        "Write peak_ratio(effect, every_days): the 12th session's peak effect divided by the 1st's, for 12 infusions of "
        "0.5 mg/kg over 40 min every `every_days` days, simulated until 2 days after the 12th starts.",
        to_payload=call_with(RATIO_PROBES),
        judge_payload=_judge_ratios,
        reference=lambda: reference_peak_ratio,
        wrong=((lambda: _inverted_peak_ratio, "inverted-ratio"), (lambda: _mg_peak_ratio, "mg-vs-mg-per-kg"),
               (lambda: _hours_peak_ratio, "hours-vs-days")),
        points=2.0,
        hints=("Build the regimen with Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=40, every_days=every_days, doses=12).",
               "Simulate for 11 * every_days + 2 days; result.session_peaks(effect) gives one peak per session.",
               "Return peaks[-1] / peaks[0]."),
    ),
    Task(
        "L07.q4",
        "Design a 12-week course for the default patient: from day 7 to day 84 the antidepressant effect never below "
        "g 0.6, the last session's dissociation at least 80 % of the first's, at most 1 mg/kg per session.",
        to_payload=regimen_to_payload,
        judge_payload=_judge_design,
        reference=design_reference,
        wrong=((_daily, "more-often-is-better"), (_big_and_rare, "bigger-dose-lasts-longer"), (_twelve_days, "weeks-vs-days")),
        points=3.0,
        hints=("Start from the app: which interval keeps dissociation near the first session's?",
               "The benefit of one 0.5 mg/kg infusion fades within about a week; the gaps must be shorter than that.",
               "Try Regimen.repeated(dose_mg_per_kg=..., infusion_min=40, every_days=..., duration_days=84)."),
    ),
)
