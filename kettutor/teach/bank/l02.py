"""Lesson 02, from concentration to effect: self-checks and graded exercises.

Expected numbers are asked of the model when first needed, so they follow the model if it changes.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np

from ...science.effects import ACUTE_EFFECTS, sigmoid
from ...patient import Patient
from ...regimen import Regimen
from ...solver.simulate import simulate
from ..questions import Choice, Number, Option, Task, call_with, equals, scaled

WEIGHT_KG = 70.0
BENEFIT_THRESHOLD_G = 0.2
# (effect, effect-site concentration in mg/L) pairs the effect_percent task is checked on
EFFECT_PROBES = (
    ("dissociation", 0.05), ("dissociation", 0.15), ("dissociation", 0.4),
    ("analgesia", 0.03), ("analgesia", 0.1), ("analgesia", 0.25),
    ("anesthesia", 0.3), ("anesthesia", 0.64), ("anesthesia", 1.2),
)
EFFECT_ABS_TOL = 0.5  # percentage points


@cache
def clinic_infusion():
    """0.5 mg/kg over 40 min in a 70 kg patient, followed for 14 days (default output grid)."""
    regimen = Regimen.single(dose_mg_per_kg=0.5, infusion_min=40)
    return simulate(Patient(weight_kg=WEIGHT_KG), regimen, days=14)


def peak_dissociation_percent() -> float:
    return float(clinic_infusion().session_peaks("dissociation")[0])


def peak_analgesia_percent() -> float:
    return float(clinic_infusion().session_peaks("analgesia")[0])


def benefit_peak_h() -> float:
    """Hours from the start of the infusion to the largest antidepressant effect."""
    result = clinic_infusion()
    return float(result.time_h[int(np.argmax(result.effect("antidepressant")))])


def plasma_peak_h() -> float:
    return float(clinic_infusion().exposure().tmax_h)


def benefit_last_day() -> float:
    """The last day (from the start) on which the antidepressant effect is still at least g = 0.2."""
    result = clinic_infusion()
    above = np.flatnonzero(result.effect("antidepressant") >= BENEFIT_THRESHOLD_G)
    return float(result.time_days[above[-1]])


def dissociation_ec50_ng_per_ml() -> float:
    return 1000.0 * ACUTE_EFFECTS["dissociation"].ec50_mg_per_l


def anaesthesia_ec50_ng_per_ml() -> float:
    return 1000.0 * ACUTE_EFFECTS["anesthesia"].ec50_mg_per_l


# ----- the effect_percent task: judged on plain numbers ---------------------------------------------------
def model_effect_percent(effect: str, ce_mg_per_l: float) -> float:
    return float(ACUTE_EFFECTS[effect].of(np.asarray(ce_mg_per_l, dtype=float)))


def _expected_effects() -> list[float]:
    return [model_effect_percent(effect, ce) for effect, ce in EFFECT_PROBES]


def _matches(values, targets) -> bool:
    return all(math.isclose(v, t, rel_tol=1e-3, abs_tol=EFFECT_ABS_TOL) for v, t in zip(values, targets))


def judge_effect_percent(payload):
    if not isinstance(payload, list) or len(payload) != len(EFFECT_PROBES) or not all(isinstance(v, (int, float)) for v in payload):
        raise ValueError(f"expected one number per probe, {len(EFFECT_PROBES)} in all")
    values = [float(v) for v in payload]
    if not all(math.isfinite(v) for v in values):
        raise ValueError("every effect must be a finite number (% of the maximal effect)")
    expected = _expected_effects()
    if _matches(values, expected):
        return True, "Your curve matches the model's: at the EC50 every effect is at 50 % of its maximum."
    if _matches(values, [e / 100.0 for e in expected]):
        return False, "Those are fractions of the maximum (0 to 1); the question asks for % of the maximum (0 to 100).", "percent-vs-fraction"
    no_hill = [ACUTE_EFFECTS[e].emax_percent * sigmoid(np.asarray(ce / ACUTE_EFFECTS[e].ec50_mg_per_l), 1.0) for e, ce in EFFECT_PROBES]
    if _matches(values, [float(v) for v in no_hill]):
        return False, ("Right at the EC50, but the curve is too flat elsewhere: raise the ratio C/EC50 to the power of the "
                       "effect's Hill coefficient (its steepness)."), "hill-ignored"
    if all(abs(v) <= EFFECT_ABS_TOL for v in values):
        return False, ("Every effect is about zero: the concentration and the EC50 are probably in different units "
                       "(mg/L against ng/mL). Both must be in mg/L here."), "mg-vs-ng-per-ml-units"
    at_ec50 = [v for (effect, ce), v in zip(EFFECT_PROBES, values) if math.isclose(ce, ACUTE_EFFECTS[effect].ec50_mg_per_l)]
    if at_ec50 and not all(math.isclose(v, 50.0, abs_tol=EFFECT_ABS_TOL) for v in at_ec50):
        return False, "At a concentration equal to the EC50 the effect must be exactly 50 % of its maximum; check your formula there first.", None
    return False, "Not yet: compare your numbers with Emax · r^n / (1 + r^n), where r = C / EC50 and n is the Hill coefficient.", None


def reference_effect_percent():
    def effect_percent(effect: str, ce_mg_per_l: float) -> float:
        params = ACUTE_EFFECTS[effect]
        ratio = ce_mg_per_l / params.ec50_mg_per_l
        return params.emax_percent * ratio**params.hill / (1.0 + ratio**params.hill)

    return effect_percent


def _as_fraction():
    return lambda effect, ce: model_effect_percent(effect, ce) / 100.0


def _without_hill():
    def effect_percent(effect, ce):
        ratio = ce / ACUTE_EFFECTS[effect].ec50_mg_per_l
        return 100.0 * ratio / (1.0 + ratio)

    return effect_percent


def _ec50_in_ng_per_ml():
    def effect_percent(effect, ce):
        ratio = ce / (1000.0 * ACUTE_EFFECTS[effect].ec50_mg_per_l)
        return 100.0 * ratio ** ACUTE_EFFECTS[effect].hill / (1.0 + ratio ** ACUTE_EFFECTS[effect].hill)

    return effect_percent


SELF_CHECKS = (
    Choice(
        "L02.s1",
        "Right after an injection into a vein, plasma ketamine is at its highest, yet the effect has not peaked yet. Why?",
        options=(
            Option("a", "The drug still has to pass from the blood to where it acts (the effect site, in the brain), which takes minutes.",
                   "Right: the effect follows the effect-site concentration, which catches up with plasma over a few minutes. "
                   "The effect lags plasma on the way up and on the way down."),
            Option("b", "It has peaked: the effect always follows plasma instantly, and only the measurement is slow.",
                   "The effect follows the effect site, not plasma. Right after an injection plasma is far above the effect "
                   "site, and the effect is still rising.",
                   "plasma-vs-effect-site"),
            Option("c", "Tolerance builds in the first minutes and holds the effect back.",
                   "Tolerance builds over hours to days of exposure, and it would make a later effect weaker, not make the "
                   "first effect arrive late. The delay is the trip to the effect site.",
                   "lag-is-not-tolerance"),
            Option("d", "The liver first has to turn ketamine into norketamine, the active form.",
                   "Ketamine itself acts. In the model norketamine has no effect of its own (Simons 2022 found none), and an "
                   "injection bypasses the liver's first pass.",
                   "norketamine-drives-the-effect"),
        ),
        answer="a",
        hints=("Where in the body does ketamine act, and is that the same place a blood sample is taken from?",),
    ),
    Number(
        "L02.s2",
        "In the model, which effect-site concentration (in ng/mL) gives half of the maximal dissociation?",
        expected=dissociation_ec50_ng_per_ml,
        unit="ng/mL",
        rel_tol=0.02,
        misconceptions=(
            scaled(1 / 1000, "mg-vs-ng-per-ml-units", "That is the right value in mg/L; the question asks for ng/mL (1 mg/L = 1000 ng/mL)."),
            equals(50.0, "ec50-is-a-percent",
                   "50 is the percentage of the maximal effect. The EC50 is the concentration that produces that 50 %."),
            equals(anaesthesia_ec50_ng_per_ml, "wrong-effect",
                   "That is the EC50 of anaesthesia, which needs a much higher level. Read the dissociation row."),
        ),
        hints=("The table above lists each effect's EC50; further down, the dotted line in the app's first chart marks it.",
               "EC50 means: the concentration giving 50 % of the maximal effect."),
    ),
    Choice(
        "L02.p1",
        "One infusion of 0.5 mg/kg over 40 minutes. Plasma ketamine peaks when it ends and is mostly gone within a few "
        "hours. When is the antidepressant effect largest?",
        options=(
            Option("a", "At 40 minutes, with the plasma peak.",
                   "That is when dissociation peaks. The antidepressant effect is not a direct effect of the level: it builds "
                   "after the drug has gone.",
                   "benefit-follows-the-drug"),
            Option("b", "About 2 hours after the start, once the dissociation has worn off.",
                   "At 2 hours the effect is already clear, but it is still growing: it keeps building for most of a "
                   "day after the drug has gone.",
                   "benefit-follows-the-drug"),
            Option("c", "About a day after the infusion.",
                   "In the model, as in the trials (Kishimoto 2016), the benefit peaks about a day after the infusion, when "
                   "the drug has long gone, and fades over the next week or two."),
            Option("d", "Only after several weeks of treatment, like other antidepressants.",
                   "That is the timescale of the usual antidepressants. Ketamine's effect appears within hours and lasts days: "
                   "do not mix up hours, days and weeks.",
                   "hours-vs-days"),
        ),
        answer="c",
    ),
    Choice(
        "L02.s3",
        "Doubling the infusion from 0.5 to 1.0 mg/kg doubles the peak plasma level. What happens to the peak dissociation?",
        options=(
            Option("a", "It doubles too.",
                   "Effects follow an S-shaped curve, not a straight line: near the top of the curve a doubled level adds "
                   "little effect.",
                   "effect-proportional-to-dose"),
            Option("b", "It rises, but far less than double, and anaesthesia starts to appear.",
                   "Right: 0.5 mg/kg already reaches the upper part of the dissociation curve, so doubling adds less and less, "
                   "while the level climbs towards anaesthesia, whose EC50 is about "
                   f"{ACUTE_EFFECTS['anesthesia'].ec50_mg_per_l / ACUTE_EFFECTS['dissociation'].ec50_mg_per_l:.0f} times higher."),
            Option("c", "It stays the same: once the level is above the EC50 the effect is at its maximum.",
                   "The EC50 is where the effect is half of its maximum, not where it tops out. Above it the effect still rises, "
                   "more and more slowly.",
                   "ec50-is-the-maximum"),
        ),
        answer="b",
        hints=("Where on the S-shaped dissociation curve does 0.5 mg/kg already sit? Set the app's dose to 1.0 mg/kg and compare.",),
    ),
)

EXERCISES = (
    Number(
        "L02.q1",
        "Simulate 0.5 mg/kg infused over 40 minutes in a 70 kg patient. What is the peak dissociation, in % of its maximum?",
        expected=peak_dissociation_percent,
        unit="% of maximum",
        rel_tol=0.03,
        misconceptions=(
            scaled(0.01, "percent-vs-fraction", "That is a fraction of the maximum; the question asks for % (multiply by 100)."),
            equals(peak_analgesia_percent, "wrong-effect", "That is the peak of analgesia, which has a lower EC50. Use the dissociation effect."),
        ),
        hints=("result.session_peaks('dissociation') gives each session's peak in % of the maximal effect.",),
    ),
    Task(
        "L02.q2",
        "Write effect_percent(effect, ce_mg_per_l): the acute effect `effect` ('analgesia', 'dissociation' or 'anesthesia') "
        "in % of its maximum at the effect-site concentration `ce_mg_per_l`, with the sigmoid curve "
        "Emax · r^n / (1 + r^n), r = C / EC50. Take Emax, EC50 (mg/L) and the Hill coefficient n from kettutor.ACUTE_EFFECTS[effect].",
        points=2,
        to_payload=call_with(EFFECT_PROBES),
        judge_payload=judge_effect_percent,
        reference=reference_effect_percent,
        wrong=((_as_fraction, "percent-vs-fraction"), (_without_hill, "hill-ignored"), (_ec50_in_ng_per_ml, "mg-vs-ng-per-ml-units")),
        hints=("kettutor.ACUTE_EFFECTS['dissociation'].ec50_mg_per_l, .hill and .emax_percent hold the curve's three numbers.",
               "Check yourself: at ce_mg_per_l equal to the EC50 the answer must be 50.",
               "ratio = ce_mg_per_l / params.ec50_mg_per_l; return params.emax_percent * ratio**params.hill / (1 + ratio**params.hill)"),
    ),
    Number(
        "L02.q3",
        "In the same simulation (followed for 14 days), how many hours after the start of the infusion is the antidepressant "
        "effect largest?",
        expected=benefit_peak_h,
        unit="h",
        rel_tol=0.08,
        misconceptions=(
            scaled(1 / 24, "hours-vs-days", "That is in days; the question asks for hours (multiply by 24)."),
            equals(plasma_peak_h, "benefit-follows-the-drug",
                   "That is when plasma and dissociation peak. The antidepressant effect keeps building after the drug has gone."),
        ),
        hints=("result.effect('antidepressant') is the effect size over time, at result.time_h.",
               "np.argmax gives the index of the largest value."),
    ),
    Choice(
        "L02.q4",
        "A student plots dissociation against the *plasma* level during and after an infusion and gets a loop: at the same "
        "plasma level, dissociation is stronger while the level falls than while it rises. What explains the loop?",
        options=(
            Option("a", "The effect site lags plasma: on the way up it has not caught up yet, on the way down it is still higher than plasma.",
                   "Right: this is hysteresis. Plotted against the effect-site level instead, the loop closes into one S-shaped curve."),
            Option("b", "Tolerance develops during the infusion.",
                   "Tolerance would make the effect *weaker* on the way down, the opposite of this loop. The loop comes from the lag.",
                   "lag-is-not-tolerance"),
            Option("c", "Sensitization develops during the infusion.",
                   "Sensitization needs repeated sessions days apart, and it would not vanish when you plot against the effect "
                   "site. Do not confuse a lag with a change in sensitivity.",
                   "tolerance-vs-sensitization"),
            Option("d", "Norketamine, formed during the infusion, adds to the effect.",
                   "In the model norketamine has no effect of its own (Simons 2022 found none). The loop is there because "
                   "the effect follows the effect site, not plasma.",
                   "norketamine-drives-the-effect"),
        ),
        answer="a",
        hints=("In the app, compare the two traces in the middle chart: which one is a loop, and which one a single curve?",),
    ),
    Number(
        "L02.q5",
        "In the same simulation, until which day (counted from the start of the infusion) is the antidepressant effect still "
        "at least g = 0.2? Give the last such time, in days.",
        expected=benefit_last_day,
        unit="days",
        rel_tol=0.05,
        misconceptions=(
            scaled(24, "hours-vs-days", "That is in hours; the question asks for days (divide by 24)."),
            equals(lambda: benefit_peak_h() / 24.0, "peak-vs-duration",
                   "That is when the effect peaks. The question asks how long it stays at g = 0.2 or more."),
        ),
        hints=("np.flatnonzero(g >= 0.2) lists the indices where the effect is at least 0.2; take the last one.",
               "result.time_days converts the output times to days."),
    ),
)
