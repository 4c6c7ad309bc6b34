"""Lesson 01, one dose by route: self-checks and graded exercises.

Expected numbers are asked of the model when first needed, so they follow the model if it changes.
"""

from __future__ import annotations

import math
from functools import cache

from ...patient import Patient
from ...regimen import Regimen
from ...science.routes import ROUTES
from ...solver.simulate import simulate
from ..questions import Choice, Number, Option, Task, call_with, equals, scaled

WEIGHT_KG = 70.0
ROUTE_DOSE_MG = 35.0
TMAX_ROUTES = ("im", "intranasal", "sublingual", "oral")
TMAX_REL_TOL = 0.05


@cache
def oral_cmax_mg_per_l() -> float:
    """Plasma Cmax (mg/L) after 0.5 mg/kg by mouth in the default 70 kg patient."""
    result = simulate(Patient(weight_kg=WEIGHT_KG), Regimen.single(dose_mg_per_kg=0.5, route="oral"), days=1)
    return float(result.exposure().cmax_mg_per_l)


@cache
def _exposure(route: str, dose_mg: float = ROUTE_DOSE_MG):
    regimen = Regimen.single(dose_mg=dose_mg, route=route)
    return simulate(Patient(weight_kg=WEIGHT_KG), regimen, days=2).exposure()


@cache
def intranasal_absorbed_mg() -> float:
    """mg of 0.5 mg/kg intranasal that reach the circulation in a 70 kg patient."""
    regimen = Regimen.single(dose_mg_per_kg=0.5, route="intranasal")
    return float(simulate(Patient(weight_kg=WEIGHT_KG), regimen, days=2).exposure().absorbed_mg)


def tmax_min(route: str) -> float:
    """Minutes from 35 mg by ``route`` to the plasma peak (70 kg)."""
    return 60.0 * _exposure(route).tmax_h


def intranasal_fraction_from_auc() -> float:
    """AUC after 35 mg intranasal / AUC after 35 mg IV bolus: the bioavailability F."""
    return _exposure("intranasal").auc_mg_h_per_l / _exposure("iv_bolus").auc_mg_h_per_l


def intranasal_cmax_ratio() -> float:
    """Cmax after 35 mg intranasal / Cmax after 35 mg IV bolus (the slip of comparing peaks, not AUCs)."""
    return _exposure("intranasal").cmax_mg_per_l / _exposure("iv_bolus").cmax_mg_per_l


@cache
def _infusion():
    regimen = Regimen.single(dose_mg_per_kg=0.5, infusion_min=40)
    return simulate(Patient(weight_kg=WEIGHT_KG), regimen, days=2)


def _half_life_h(start_h: float, end_h: float) -> float:
    result = _infusion()
    ratio = math.log(_level(result, start_h) / _level(result, end_h))
    return (end_h - start_h) * math.log(2.0) / ratio


def _level(result, hours: float) -> float:
    import numpy as np

    return float(np.interp(hours, result.time_h, result.plasma_mg_per_l))


def terminal_half_life_h() -> float:
    """Half-life (h) of plasma ketamine between 6 h and 12 h after 0.5 mg/kg over 40 min (elimination phase)."""
    return _half_life_h(6.0, 12.0)


def early_half_life_h() -> float:
    """Apparent half-life (h) over the 20 min after the infusion ends (40 -> 60 min): distribution, not elimination."""
    return _half_life_h(40.0 / 60.0, 1.0)


# ----- the Tmax task: judged on plain numbers, so the grader can judge in its own process ---------------------
def _tmax_payload(payload):
    if not isinstance(payload, list) or len(payload) != len(TMAX_ROUTES) or not all(isinstance(v, (int, float)) for v in payload):
        raise ValueError(f"expected one number per route {TMAX_ROUTES}")
    values = [float(v) for v in payload]
    if not all(math.isfinite(v) for v in values):
        raise ValueError("every time to peak must be a finite number of minutes")
    return values


def _all_close(values, targets, rel_tol=TMAX_REL_TOL) -> bool:
    return all(math.isclose(v, t, rel_tol=rel_tol) for v, t in zip(values, targets))


def judge_tmax(payload):
    values = _tmax_payload(payload)
    expected = [tmax_min(route) for route in TMAX_ROUTES]
    shown = ", ".join(f"{route} {value:.3g}" for route, value in zip(TMAX_ROUTES, values))
    if _all_close(values, expected):
        return True, f"Times to peak: {shown} min. The slower the absorption, the later (and lower) the peak."
    if _all_close(values, [t / 60.0 for t in expected]):
        return False, "Those are hours: exposure().tmax_h is in hours, and the question asks for minutes (multiply by 60).", "hours-vs-minutes"
    if _all_close(values, [_exposure(route).cmax_mg_per_l for route in TMAX_ROUTES]):
        return False, "Those are the peak concentrations (Cmax, mg/L); the question asks *when* the peak comes (Tmax).", "cmax-vs-tmax"
    wrong = [route for route, v, t in zip(TMAX_ROUTES, values, expected) if not math.isclose(v, t, rel_tol=TMAX_REL_TOL)]
    return False, f"Not yet right for {', '.join(wrong)}: simulate one {ROUTE_DOSE_MG:g} mg dose by that route and read exposure().tmax_h.", None


def reference_tmax():
    def time_to_peak_min(route: str) -> float:
        return 60.0 * simulate(Patient(weight_kg=WEIGHT_KG), Regimen.single(dose_mg=ROUTE_DOSE_MG, route=route), days=1).exposure().tmax_h

    return time_to_peak_min


def _tmax_in_hours():
    return lambda route: tmax_min(route) / 60.0


def _cmax_instead():
    return lambda route: _exposure(route).cmax_mg_per_l


SELF_CHECKS = (
    Choice(
        "L01.s1",
        "The same 0.5 mg/kg dose is swallowed or injected into a vein. Why is the peak so much lower by mouth?",
        options=(
            Option("a", "The stomach destroys most of the dose before it can act.",
                   "Not the stomach: ketamine is absorbed well from the gut. It is the liver that removes most of it on its first pass.",
                   "gut-destroys-drug"),
            Option("b", "Most of the swallowed dose is removed by the liver before it reaches the blood (first pass).",
                   "Right: blood from the gut passes the liver first, and the liver clears most of the dose (turning it into "
                   "norketamine) before it reaches the rest of the body."),
            Option("c", "A swallowed dose is smaller, because it is given in mg rather than mg/kg.",
                   "Both doses are 0.5 mg/kg. Mixing up mg and mg/kg changes the dose, not the route.",
                   "mg-vs-mg-per-kg"),
        ),
        answer="b",
        hints=("Think about where blood from the gut goes before it reaches the rest of the body.",),
    ),
    Choice(
        "L01.p1",
        "The same 35 mg dose goes into a vein over 40 minutes, into a muscle in one injection, or up the nose. "
        "Which gives the highest peak plasma level?",
        options=(
            Option("a", "The 40-minute infusion into a vein, because all of the dose reaches the blood.",
                   "All of it does reach the blood, but slowly: spread over 40 minutes, much of it has already moved into "
                   "the tissues or been cleared before the infusion ends. Total exposure and peak are different things.",
                   "peak-vs-average"),
            Option("b", "The injection into a muscle.",
                   f"The muscle releases nearly all of the dose ({100 * ROUTES['im'].bioavailability:.0f} %) within minutes, "
                   "so it peaks higher than the same dose spread over a 40-minute infusion."),
            Option("c", "The nasal spray, because the nose is closest to the brain.",
                   f"Only about {100 * ROUTES['intranasal'].bioavailability:.0f} % of a nasal dose reaches the blood (much of "
                   "it is swallowed and meets the liver), so its peak is the lowest of the three.",
                   "forgot-bioavailability"),
            Option("d", "All three are the same, because the dose is the same.",
                   "The same dose in mg can give very different peaks: the route decides how much reaches the blood and how fast.",
                   "dose-equals-level"),
        ),
        answer="b",
    ),
    Choice(
        "L01.s2",
        "A 35 mg intramuscular injection peaks higher than a 35 mg infusion into a vein over 40 minutes. "
        "Which gives more total exposure, the area under the concentration curve (AUC)?",
        options=(
            Option("a", "The injection into the muscle, because its peak is higher.",
                   "A higher peak is not more drug: total exposure (AUC) counts all of the dose that reaches the blood, "
                   "and the infusion delivers all of it while the muscle releases slightly less.",
                   "peak-vs-average"),
            Option("b", "The infusion, slightly, because all of an intravenous dose reaches the blood.",
                   "Right: the infusion's AUC is a little larger (bioavailability 100 % against about 93 % for a muscle), "
                   "even though its peak is lower. Peak and total exposure answer different questions."),
            Option("c", "Neither: they give exactly the same AUC because the dose is the same.",
                   "Close, but the muscle does not release all of the dose: its bioavailability is below 100 %.",
                   "forgot-bioavailability"),
        ),
        answer="b",
        hints=("The lines under the app's chart give each route's total exposure as a percentage of the largest.",
               "Total exposure depends on how much of the dose reaches the blood, not on how fast."),
    ),
    Choice(
        "L01.s3",
        "Two adults, one of 50 kg and one of 100 kg, each receive 0.5 mg/kg by the same route. What does that mean?",
        options=(
            Option("a", "They receive the same amount, 0.5 mg each.",
                   "0.5 mg/kg means 0.5 mg for every kilogram of body weight: 25 mg for the lighter and 50 mg for the heavier adult.",
                   "mg-vs-mg-per-kg"),
            Option("b", "The heavier adult receives twice as many mg, and their blood levels are roughly similar.",
                   "Right: dosing by weight gives 25 mg and 50 mg. The heavier body also has about twice the volume to "
                   "spread the drug in, so the levels end up similar (in the model, a little higher in the heavier adult)."),
            Option("c", "The heavier adult receives twice as many mg, so their blood level is twice as high.",
                   "Twice the dose goes into about twice the body volume, so the level is not doubled: that is the point of "
                   "dosing per kg.",
                   "dose-equals-level"),
        ),
        answer="b",
        hints=("Multiply the dose per kg by each body weight, then think about how much body the drug spreads into.",),
    ),
)

EXERCISES = (
    Number(
        "L01.q1",
        "Simulate 0.5 mg/kg by mouth for the default 70 kg patient. What is the plasma Cmax in mg/L?",
        expected=oral_cmax_mg_per_l,
        unit="mg/L",
        rel_tol=0.05,
        misconceptions=(
            scaled(1000, "mg-vs-ng-per-ml-units", "That is the right size in ng/mL; the question asks for mg/L (1 mg/L = 1000 ng/mL)."),
        ),
        hints=("Use kettutor.simulate with Regimen.single(dose_mg_per_kg=0.5, route='oral').",
               "result.exposure().cmax_mg_per_l is the peak plasma concentration in mg/L."),
    ),
    Number(
        "L01.q2",
        "A 70 kg patient receives 0.5 mg/kg as a nasal spray. How many mg of ketamine reach the circulation?",
        expected=intranasal_absorbed_mg,
        unit="mg",
        rel_tol=0.03,
        misconceptions=(
            equals(0.5 * WEIGHT_KG, "forgot-bioavailability",
                   "That is the whole dose in mg. Only part of a nasal dose reaches the blood: multiply by the bioavailability."),
            scaled(1 / WEIGHT_KG, "mg-vs-mg-per-kg",
                   "That is the amount per kg of body weight. Multiply by the patient's 70 kg to get mg."),
        ),
        hints=("First turn the dose into mg: dose per kg times body weight.",
               "Then keep only the share that reaches the blood: kettutor.ROUTES['intranasal'].bioavailability, or "
               "simulate and read result.exposure().absorbed_mg."),
    ),
    Task(
        "L01.q3",
        "Write time_to_peak_min(route) that simulates one 35 mg dose by `route` in a 70 kg patient and returns the time "
        "from the dose to the plasma peak (Tmax) in minutes. It is checked on the routes 'im', 'intranasal', 'sublingual' and 'oral'.",
        points=2,
        to_payload=call_with([(route,) for route in TMAX_ROUTES]),
        judge_payload=judge_tmax,
        reference=reference_tmax,
        wrong=((_tmax_in_hours, "hours-vs-minutes"), (_cmax_instead, "cmax-vs-tmax")),
        hints=("Build the dose with Regimen.single(dose_mg=35, route=route) and simulate it for one day.",
               "result.exposure().tmax_h is the time to the peak in hours.",
               "Return 60 times that value: the question asks for minutes."),
    ),
    Number(
        "L01.q4",
        "Simulate 35 mg as a nasal spray and 35 mg as an intravenous injection (bolus) in a 70 kg patient. Divide the "
        "nasal spray's total exposure (AUC) by the injection's. What fraction do you get (a number between 0 and 1)?",
        expected=intranasal_fraction_from_auc,
        unit="fraction of the dose",
        rel_tol=0.03,
        misconceptions=(
            scaled(100, "percent-vs-fraction", "That is a percentage; the question asks for a fraction between 0 and 1 (divide by 100)."),
            equals(intranasal_cmax_ratio, "peak-vs-average",
                   "That is the ratio of the peaks (Cmax). Bioavailability compares total exposure: use auc_mg_h_per_l."),
        ),
        hints=("result.exposure().auc_mg_h_per_l is the area under the plasma curve (mg·h/L).",
               "With the same dose, the ratio of the AUCs is the share of the nasal dose that reached the blood: its bioavailability."),
    ),
    Number(
        "L01.q5",
        "Simulate 0.5 mg/kg infused over 40 minutes (70 kg, 2 days). Read plasma ketamine at 6 h and at 12 h after the "
        "start, and compute the half-life of that fall, in hours: (12 - 6) × ln 2 / ln(C6 / C12).",
        expected=terminal_half_life_h,
        unit="h",
        rel_tol=0.05,
        misconceptions=(
            scaled(60, "hours-vs-minutes", "That is in minutes; the question asks for hours (divide by 60)."),
            equals(early_half_life_h, "distribution-vs-elimination",
                   "That is the fast fall right after the infusion, when the drug moves into the tissues (distribution). "
                   "Use the levels at 6 h and 12 h, where only elimination is left."),
        ),
        hints=("np.interp(6, result.time_h, result.plasma_mg_per_l) reads the level at 6 h.",
               "math.log is the natural logarithm (ln)."),
    ),
    Choice(
        "L01.q6",
        "After a swallowed dose, norketamine exposure exceeds ketamine exposure by far more than after an injection. Why?",
        options=(
            Option("a", "The liver turns most of a swallowed dose into norketamine before it reaches the circulation.",
                   "Right: first-pass metabolism makes norketamine out of most of the swallowed ketamine, so the blood "
                   "sees little ketamine and a lot of norketamine."),
            Option("b", "The stomach acid turns ketamine into norketamine.",
                   "Not the stomach: the change happens in the liver, on the first pass after absorption from the gut.",
                   "gut-destroys-drug"),
            Option("c", "A swallowed dose is larger, so it makes more of everything.",
                   "The comparison is for the same dose. What changes is where the dose goes first, not how much is given.",
                   "mg-vs-mg-per-kg"),
            Option("d", "Norketamine is the active drug, so the body makes more of it when it is needed.",
                   "The body does not adjust metabolism to need. In the model norketamine has no effect of its own (Simons 2022 "
                   "found none); it is a by-product of the liver's work.",
                   "norketamine-drives-the-effect"),
        ),
        answer="a",
        hints=("Follow a swallowed dose: gut, then which organ, then the rest of the body?",),
    ),
)
