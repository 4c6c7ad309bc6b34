"""Lesson 07, effect-specific tolerance: the numbers the lesson shows, computed by the model.

Every function simulates the default 70 kg patient (``kettutor.Patient()``) and returns a short Markdown
sentence or table, so the lesson's prose never types a number that would change with the model.
``tests/test_lesson_07_claims.py`` checks the same claims on the model.
"""

from __future__ import annotations

from functools import cache

import numpy as np
from IPython.display import Markdown

from ...analysis import dose_to_match_first_response
from ...science.effects import PHARMACODYNAMICS
from ...patient import Patient
from ...regimen import HOURS_PER_DAY, Regimen
from ...solver.result import SimulationResult
from ...solver.simulate import simulate

INFUSION_MIN = 40.0  # the clinic's antidepressant infusion: 0.5 mg/kg over 40 min
DOSE_MG_PER_KG = 0.5
LABELS = {
    "dissociation": "dissociation",
    "analgesia": "pain relief (analgesia)",
    "anesthesia": "anaesthesia",
    "locomotor": "reward (locomotor)",
    "antidepressant": "antidepressant",
}
INDUCTION_MG_PER_KG = 2.0  # an anaesthetic induction dose (Ketalar label: 1-4.5 mg/kg IV)
LABEL_MAX_INDUCTION_MG_PER_KG = 4.5  # Ketalar label: the largest IV induction dose
ANAESTHETISED_PERCENT = 50.0  # anaesthesia effect at which half of patients would be unresponsive
COURSE_DAYS = 84  # twelve weeks
LAST_WEEK_DAYS = 7.0


def patient() -> Patient:
    return Patient()


def infusions(dose_mg_per_kg: float, every_days: float, doses: int) -> Regimen:
    """``doses`` IV infusions over 40 min of ``dose_mg_per_kg``, every ``every_days`` days."""
    return Regimen.repeated(dose_mg_per_kg=dose_mg_per_kg, infusion_min=INFUSION_MIN, every_days=every_days, doses=doses)


@cache
def course_result(dose_mg_per_kg: float, every_days: float, doses: int) -> SimulationResult:
    """The default patient through ``infusions(...)``, followed for 2 days after the last session."""
    regimen = infusions(dose_mg_per_kg, every_days, doses)
    return simulate(patient(), regimen, days=regimen.end_h / HOURS_PER_DAY + 2.0, dense_step_min=30.0, sparse_step_h=6.0)


def last_over_first(result: SimulationResult, effect: str) -> float:
    """The last session's peak ``effect`` as % of the first session's."""
    return float(100.0 * result.relative_session_peaks(effect)[-1])


def ec50_change_at_last_session(result: SimulationResult, effect: str) -> float:
    """EC50 change (%) of ``effect`` at the start of the last session: the tolerance it starts with."""
    at = int(np.searchsorted(result.time_h, result.session_start_h[-1]))
    return float(result.ec50_change_percent(effect)[at])


# ----- twice weekly: dissociation fades, the benefit stays (T5) ---------------------------------------------
TWICE_WEEKLY = (DOSE_MG_PER_KG, 3.5, 8)  # four weeks of the clinic's twice-weekly induction


@cache
def twice_weekly_numbers() -> dict[str, float]:
    """Eight twice-weekly infusions: the 8th session as % of the 1st for each effect, and the peak g."""
    result = course_result(*TWICE_WEEKLY)
    numbers = {effect: last_over_first(result, effect) for effect in ("dissociation", "analgesia", "locomotor", "antidepressant")}
    peaks = result.session_peaks("antidepressant")
    numbers["first_g"], numbers["last_g"] = float(peaks[0]), float(peaks[-1])
    return numbers


def twice_weekly_sentence() -> Markdown:
    """T5 in the model: over eight twice-weekly infusions, dissociation falls while the benefit holds."""
    n = twice_weekly_numbers()
    return Markdown(
        f"The model's patient (70 kg) gets {DOSE_MG_PER_KG:g} mg/kg IV over {INFUSION_MIN:g} min twice a week for four weeks "
        f"(8 sessions). The 8th session's peak **dissociation** is **{n['dissociation']:.0f} %** of the first session's, "
        f"while the peak **antidepressant** effect is **{n['antidepressant']:.0f} %** of the first (effect size g "
        f"{n['first_g']:.2f} after the first session, {n['last_g']:.2f} after the 8th). Pain relief stays at "
        f"{n['analgesia']:.0f} %, and the **reward (locomotor)** effect goes the other way: **{n['locomotor']:.0f} %**."
    )


# ----- one tolerance, different weights ---------------------------------------------------------------------
DAILY_FOUR_WEEKS = (DOSE_MG_PER_KG, 1.0, 28)


@cache
def ec50_numbers() -> dict[str, dict[str, float]]:
    """After four weeks of daily 0.5 mg/kg: each effect's EC50 change and its 28th-session peak (% of the 1st)."""
    result = course_result(*DAILY_FOUR_WEEKS)
    first = {e: float(result.session_peaks(e)[0]) for e in ("dissociation", "analgesia", "anesthesia", "locomotor")}
    return {
        effect: {
            "ec50_change_percent": ec50_change_at_last_session(result, effect),
            "last_percent": last_over_first(result, effect),
            "first_peak_percent": first[effect],
        }
        for effect in first
    }


def ec50_table() -> Markdown:
    """Table: how much more drug each acute effect needs after four weeks of daily doses, and what the
    28th session's peak looks like at the unchanged dose."""
    numbers = ec50_numbers()
    rows = [
        "| Effect | Extra drug needed at the site of action for the same effect (EC50 change) | 28th session's peak at the same dose (% of the 1st) |",
        "| --- | --- | --- |",
    ]
    for effect in ("dissociation", "analgesia", "anesthesia", "locomotor"):
        n = numbers[effect]
        if effect == "anesthesia":
            peak = f"not reached: the first session's anaesthesia peak is only {n['first_peak_percent']:.1f} % of its maximum"
        else:
            peak = f"{n['last_percent']:.0f} %"
        rows.append(f"| {LABELS[effect]} | {n['ec50_change_percent']:+.0f} % | {peak} |")
    return Markdown(
        f"After four weeks of {DOSE_MG_PER_KG:g} mg/kg IV over {INFUSION_MIN:g} min **every day** (28 sessions), at the start "
        "of the 28th session:\n\n" + "\n".join(rows)
        + "\n\nA minus sign means *less* drug is needed than on day 0: the effect has become more sensitive."
    )


# ----- anaesthesia: repeated inductions ----------------------------------------------------------------------
INDUCTION_DAYS = 14  # daily dressing changes under anaesthesia for two weeks (the burn-patient archetype)


@cache
def induction_numbers() -> dict[str, float]:
    """Daily 2 mg/kg IV inductions for two weeks: minutes anaesthetised in the first and the last session,
    and the dose that gives the first session's anaesthesia peak again on day 14 (mg/kg)."""
    regimen = Regimen.repeated(dose_mg_per_kg=INDUCTION_MG_PER_KG, every_days=1.0, doses=INDUCTION_DAYS)
    result = simulate(patient(), regimen, days=INDUCTION_DAYS + 0.5, dense_step_min=0.25, dense_window_h=1.0)
    anaesthesia, time_h = result.effect("anesthesia"), result.time_h

    def minutes(session: int) -> float:
        start = result.session_start_h[session]
        inside = (time_h >= start) & (time_h <= start + 1.0)
        t, above = time_h[inside], anaesthesia[inside] >= ANAESTHETISED_PERCENT
        return float(60.0 * np.sum(np.diff(t) * above[:-1]))

    return {
        "first_minutes": minutes(0),
        "last_minutes": minutes(INDUCTION_DAYS - 1),
        "dose_for_first_response_mg_per_kg": dose_to_match_first_response(
            patient(), regimen, day=INDUCTION_DAYS, effect="anesthesia"
        ),
    }


def induction_sentence() -> Markdown:
    """Anaesthesia adapts, but least: daily inductions shorten and need a higher dose, within the label's range."""
    n = induction_numbers()
    return Markdown(
        f"An anaesthetic induction of {INDUCTION_MG_PER_KG:g} mg/kg IV (an injection over seconds) every day for two weeks, "
        f"as for daily burn dressings: the first induction keeps the patient anaesthetised for about **{n['first_minutes']:.0f} min**, "
        f"the 14th for about **{n['last_minutes']:.0f} min**. On day {INDUCTION_DAYS} it would take **"
        f"{n['dose_for_first_response_mg_per_kg']:.1f} mg/kg** to reach the first induction's depth again, "
        f"still inside the anaesthetic induction range on the drug's label (up to {LABEL_MAX_INDUCTION_MG_PER_KG:g} mg/kg)."
    )


# ----- the antidepressant effect: saturation and desensitisation --------------------------------------------
@cache
def one_infusion_g(dose_mg_per_kg: float) -> float:
    """Peak antidepressant effect size (Hedges g) after one infusion over 40 min."""
    return float(course_result(dose_mg_per_kg, 7.0, 1).session_peaks("antidepressant")[0])


def saturation_sentence() -> Markdown:
    """Doubling one infusion's dose barely raises its benefit (Fava 2018)."""
    low, high = one_infusion_g(0.5), one_infusion_g(1.0)
    return Markdown(
        f"One infusion of 0.5 mg/kg gives a peak antidepressant effect of **g = {low:.2f}** about a day later; twice the dose, "
        f"1.0 mg/kg, gives **g = {high:.2f}**: {100 * (high / low - 1):.0f} % more benefit for 100 % more drug. In the model no "
        f"course can push g above its ceiling of {PHARMACODYNAMICS.antidepressant_max_g:g}."
    )


TWELVE_WEEK_COURSES = {  # label -> (dose mg/kg, every days, sessions in 12 weeks)
    "0.5 mg/kg twice a week": (0.5, 3.5, 24),
    "0.5 mg/kg every day": (0.5, 1.0, COURSE_DAYS),
    "1.0 mg/kg every day": (1.0, 1.0, COURSE_DAYS),
}


@cache
def twelve_week_numbers() -> dict[str, dict[str, float]]:
    """For each 12-week course: the mean antidepressant g over its last week, the lowest g in that week, the
    last session's dissociation as % of the first, and the drug given (mg/kg per week)."""
    numbers = {}
    for label, (dose, every, doses) in TWELVE_WEEK_COURSES.items():
        result = course_result(dose, every, doses)
        g, day = result.effect("antidepressant"), result.time_days
        last_week = (day >= COURSE_DAYS - LAST_WEEK_DAYS) & (day <= COURSE_DAYS)
        numbers[label] = {
            "mean_g_last_week": float(g[last_week].mean()),
            "lowest_g_last_week": float(g[last_week].min()),
            "dissociation_percent": last_over_first(result, "dissociation"),
            "mg_per_kg_per_week": dose * 7.0 / every,
        }
    return numbers


def twelve_week_table() -> Markdown:
    """Table: more drug per week does not buy more antidepressant effect after 12 weeks, and daily high doses
    buy less."""
    rows = [
        "| 12 weeks of IV infusions (40 min) | Drug per week (mg/kg) | Antidepressant effect in week 12 (mean g) | Last session's dissociation (% of the first) |",
        "| --- | --- | --- | --- |",
    ]
    for label, n in twelve_week_numbers().items():
        rows.append(f"| {label} | {n['mg_per_kg_per_week']:.1f} | {n['mean_g_last_week']:.2f} | {n['dissociation_percent']:.0f} % |")
    return Markdown("\n".join(rows))


SPEED_FRACTION = 0.8  # "has clearly faded": a session peak below 80 % of the first session's


def first_day_below(result: SimulationResult, effect: str, fraction: float = SPEED_FRACTION) -> float:
    """Day of the first session whose peak ``effect`` is below ``fraction`` of the first session's (inf if none)."""
    relative = result.relative_session_peaks(effect)
    below = np.flatnonzero(relative < fraction)
    return float(result.session_start_h[below[0]] / HOURS_PER_DAY) if below.size else float("inf")


@cache
def speed_numbers() -> dict[str, float]:
    """Daily 1.0 mg/kg for 12 weeks: the day dissociation and the day the antidepressant peak first fall below 80 %
    of the first session's."""
    result = course_result(1.0, 1.0, COURSE_DAYS)
    return {effect: first_day_below(result, effect) for effect in ("dissociation", "antidepressant")}


def speed_sentence() -> Markdown:
    """The two effects fade at different speeds under the same heavy daily course."""
    n = speed_numbers()
    return Markdown(
        f"Dissociation and the antidepressant effect also fade at different speeds. With 1.0 mg/kg every day, the session "
        f"peak of **dissociation** is below "
        f"{100 * SPEED_FRACTION:.0f} % of the first session's from **day {n['dissociation']:.0f}**; the **antidepressant** "
        f"peak first builds up and falls below {100 * SPEED_FRACTION:.0f} % of the first only from **day "
        f"{n['antidepressant']:.0f}**."
    )
