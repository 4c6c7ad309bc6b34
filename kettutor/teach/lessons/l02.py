"""Lesson 02, from concentration to effect: the numbers the lesson shows, computed by the model.

Every function simulates the default 70 kg patient (``kettutor.Patient()``) and returns a short Markdown
sentence or table, so the lesson's prose never types a number that would change with the model.
``tests/test_lesson_02_claims.py`` checks the same claims on the model.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np
from IPython.display import Markdown

from ...science.effects import ACUTE_EFFECTS, PHARMACODYNAMICS
from ...patient import Patient
from ...regimen import Regimen
from ...solver.result import SimulationResult
from ...solver.simulate import simulate

CLINIC = (0.5, 40.0)  # the antidepressant infusion: 0.5 mg/kg over 40 min (Berman 2000; Zarate 2006)
INDUCTION_MG_PER_KG = 2.0  # an anaesthetic induction: 2 mg/kg injected (Ketalar label)
ACUTE = ("analgesia", "dissociation", "anesthesia")
LABELS = {"analgesia": "analgesia (pain relief)", "dissociation": "dissociation", "anesthesia": "anaesthesia"}
DOSES_MG_PER_KG = (0.25, 0.5, 1.0)
GONE_PERCENT = 10.0  # an acute effect below 10 % of its maximum counts as worn off
BENEFIT_THRESHOLD_G = 0.2  # a small effect size: below it the benefit counts as lost (Kishimoto 2016)
AWAKENING_MG_PER_L = ACUTE_EFFECTS["anesthesia"].ec50_mg_per_l  # Idvall 1979: patients wake near 0.64 mg/L


def patient() -> Patient:
    return Patient()


@cache
def infusion(dose_mg_per_kg: float = CLINIC[0], minutes: float = CLINIC[1]) -> SimulationResult:
    """One IV infusion, followed for 14 days (1-min output for the first 6 h)."""
    regimen = Regimen.single(dose_mg_per_kg=dose_mg_per_kg, infusion_min=minutes)
    return simulate(patient(), regimen, days=14, dense_step_min=1.0)


@cache
def injection(dose_mg_per_kg: float = INDUCTION_MG_PER_KG) -> SimulationResult:
    """One IV injection (bolus), followed for a day (3-s output for the first hour)."""
    regimen = Regimen.single(dose_mg_per_kg=dose_mg_per_kg)
    return simulate(patient(), regimen, days=1, dense_step_min=0.05, dense_window_h=1.0)


def first_time_h(result: SimulationResult, mask: np.ndarray) -> float:
    """The first output time (h) where ``mask`` holds (nan if never)."""
    hits = np.flatnonzero(mask)
    return float(result.time_h[hits[0]]) if hits.size else float("nan")


@cache
def injection_numbers() -> dict[str, float]:
    """2 mg/kg injected: plasma and effect-site peaks, anaesthesia onset and awakening."""
    result = injection()
    site = result.effect_site_mg_per_l
    peak = int(np.argmax(site))
    anaesthesia = result.effect("anesthesia")
    after_peak = np.arange(site.size) > peak
    return {
        "plasma_peak_ng_per_ml": 1000.0 * result.exposure().cmax_mg_per_l,
        "plasma_peak_min": 60.0 * result.exposure().tmax_h,
        "site_peak_ng_per_ml": 1000.0 * float(site[peak]),
        "site_peak_min": 60.0 * float(result.time_h[peak]),
        "anaesthetised_after_s": 3600.0 * first_time_h(result, anaesthesia >= 50.0),
        "awake_after_min": 60.0 * first_time_h(result, after_peak & (site < AWAKENING_MG_PER_L)),
    }


def effect_site_half_time_min() -> float:
    """Half-time (min) of the effect site's equilibration with plasma: ln 2 / ke0."""
    return math.log(2.0) / PHARMACODYNAMICS.ke0_per_min


@cache
def lag_after_infusion() -> dict[str, float]:
    """5 min after the clinic's infusion ends: plasma and effect site as % of their peaks, and dissociation."""
    result = infusion()
    end_h = CLINIC[1] / 60.0
    at = end_h + 5.0 / 60.0
    plasma = float(np.interp(at, result.time_h, result.plasma_mg_per_l))
    site = float(np.interp(at, result.time_h, result.effect_site_mg_per_l))
    return {
        "plasma_percent": 100.0 * plasma / result.exposure().cmax_mg_per_l,
        "site_percent": 100.0 * site / float(result.effect_site_mg_per_l.max()),
        "dissociation_percent": float(np.interp(at, result.time_h, result.effect("dissociation"))),
    }


def effect_site_sentence() -> Markdown:
    """The effect site lags plasma: after an injection, and after the clinic's infusion stops."""
    n, lag = injection_numbers(), lag_after_infusion()
    return Markdown(
        f"In the model the effect site follows plasma with a half-time of **{effect_site_half_time_min():.1f} min**. After "
        f"{INDUCTION_MG_PER_KG:g} mg/kg injected into a vein, plasma is highest at once ({n['plasma_peak_ng_per_ml']:.0f} ng/mL at "
        f"{n['plasma_peak_min']:.0f} min), while the effect site peaks later and lower, at **{n['site_peak_ng_per_ml']:.0f} ng/mL "
        f"after {n['site_peak_min']:.1f} min**. The patient is anaesthetised within **{n['anaesthetised_after_s']:.0f} s** and the "
        f"effect site is back below the awakening level ({1000 * AWAKENING_MG_PER_L:.0f} ng/mL) after "
        f"**{n['awake_after_min']:.0f} min**. Five minutes after the {CLINIC[0]:g} mg/kg infusion stops, plasma has fallen to "
        f"{lag['plasma_percent']:.0f} % of its peak but the effect site only to {lag['site_percent']:.0f} %, and dissociation is "
        f"still at {lag['dissociation_percent']:.0f} % of its maximum."
    )


@cache
def peak_effects(dose_mg_per_kg: float, minutes: float | None) -> dict[str, float]:
    """Peak of each acute effect (% of maximum) and the antidepressant effect 24 h after the start (g)."""
    result = injection(dose_mg_per_kg) if minutes is None else infusion(dose_mg_per_kg, minutes)
    peaks = {effect: float(result.session_peaks(effect)[0]) for effect in ACUTE}
    peaks["plasma_peak_ng_per_ml"] = 1000.0 * result.exposure().cmax_mg_per_l
    peaks["antidepressant_24h_g"] = float(np.interp(24.0, result.time_h, result.effect("antidepressant")))
    return peaks


def ec50_table() -> Markdown:
    """Each acute effect's EC50 and steepness, and how much of it the clinic's infusion and an induction give."""
    clinic, induction = peak_effects(*CLINIC), peak_effects(INDUCTION_MG_PER_KG, None)
    rows = [
        "| Effect | EC50: effect-site level for half the maximal effect (ng/mL) | Steepness (Hill) | "
        f"Peak after {CLINIC[0]:g} mg/kg over {CLINIC[1]:g} min (% of maximum) | "
        f"Peak after {INDUCTION_MG_PER_KG:g} mg/kg injected (% of maximum) |",
        "| --- | --- | --- | --- | --- |",
    ]
    for effect in ACUTE:
        p = ACUTE_EFFECTS[effect]
        rows.append(
            f"| {LABELS[effect]} | {1000 * p.ec50_mg_per_l:.0f} | {p.hill:g} | {clinic[effect]:.0f} % | {induction[effect]:.0f} % |"
        )
    return Markdown("\n".join(rows))


@cache
def time_course_numbers() -> dict[str, float]:
    """After the clinic's infusion: when dissociation peaks and wears off, and the antidepressant time course."""
    result = infusion()
    dissociation = result.effect("dissociation")
    g = result.effect("antidepressant")
    top, best = int(np.argmax(dissociation)), int(np.argmax(g))
    later = np.arange(g.size) > best
    return {
        "dissociation_peak_min": 60.0 * float(result.time_h[top]),
        "dissociation_peak_percent": float(result.session_peaks("dissociation")[0]),
        "dissociation_gone_h": first_time_h(result, (np.arange(dissociation.size) > top) & (dissociation < GONE_PERCENT)),
        "plasma_at_2h_ng_per_ml": 1000.0 * float(np.interp(2.0, result.time_h, result.plasma_mg_per_l)),
        "benefit_measurable_h": first_time_h(result, g >= BENEFIT_THRESHOLD_G),
        "benefit_peak_h": float(result.time_h[best]),
        "benefit_peak_g": float(g[best]),
        "benefit_day_7_g": float(np.interp(7 * 24.0, result.time_h, g)),
        "benefit_lost_day": first_time_h(result, later & (g < BENEFIT_THRESHOLD_G)) / 24.0,
    }


def time_course_sentence() -> Markdown:
    """Fast acute effects, a slow antidepressant effect: hours against days."""
    n = time_course_numbers()
    return Markdown(
        f"After {CLINIC[0]:g} mg/kg over {CLINIC[1]:g} min, dissociation peaks at **{n['dissociation_peak_percent']:.0f} %** of its "
        f"maximum at {n['dissociation_peak_min']:.0f} min and is below {GONE_PERCENT:.0f} % by **{n['dissociation_gone_h']:.1f} h**. "
        f"The antidepressant effect is measurable (g ≥ {BENEFIT_THRESHOLD_G:g}) from **{60 * n['benefit_measurable_h']:.0f} min**, "
        f"keeps growing after the drug has gone (plasma is down to {n['plasma_at_2h_ng_per_ml']:.0f} ng/mL at 2 h), peaks at "
        f"**g = {n['benefit_peak_g']:.2f} about {n['benefit_peak_h']:.0f} h** after the start, is still g = "
        f"{n['benefit_day_7_g']:.2f} a week later and falls below g = {BENEFIT_THRESHOLD_G:g} on **day {n['benefit_lost_day']:.1f}**."
    )


def dose_table() -> Markdown:
    """Peak effects after the infusion at three doses: doubling the dose does not double the effect."""
    rows = [
        "| Dose over 40 min (mg/kg) | Plasma peak (ng/mL) | Analgesia | Dissociation | Anaesthesia | Antidepressant at 24 h (g) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for dose in DOSES_MG_PER_KG:
        p = peak_effects(dose, CLINIC[1])
        rows.append(
            f"| {dose:.2f} | {p['plasma_peak_ng_per_ml']:.0f} | {p['analgesia']:.0f} % | {p['dissociation']:.0f} % | "
            f"{p['anesthesia']:.0f} % | {p['antidepressant_24h_g']:.2f} |"
        )
    return Markdown("\n".join(rows) + "\n\nThe effects are peaks, in % of each effect's maximum; g is the antidepressant effect size.")
