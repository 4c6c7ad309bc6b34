"""Lesson 06, sensitization versus tolerance: the numbers the lesson quotes, computed by the model.

Every function that the lesson shows returns a short ``IPython.display.Markdown``; the cached functions below
them return plain numbers, which the self-checks, the exercises and ``tests/test_lesson_06_claims.py`` use.

A *challenge* is the standard test dose of the sensitization studies translated to the clinic's infusion
(0.5 mg/kg IV over 40 min, :func:`kettutor.analysis.challenge_response`); its peak is compared with the peak the
same challenge gives a drug-naive patient (100 %: no change; above: sensitized; below: tolerant).
"""

from __future__ import annotations

from functools import cache

from IPython.display import Markdown

from ...analysis import challenge_response
from ...patient import Patient
from ...regimen import HOURS_PER_DAY, Regimen
from ...solver.simulate import simulate

INFUSION_MIN = 40.0
SESSION_DOSE_MG_PER_KG = 0.5
SESSIONS = 8
INTERVALS = {"once a day": 1.0, "twice a week": 3.5, "once a week": 7.0}
# the settings apps.intermittent_vs_continuous() opens with
APP_WEEKLY_MG_PER_KG, APP_EXPOSURE_DAYS, APP_CHALLENGE_GAP_DAYS = 7.0, 7, 1
NO_CLEAR_CHANGE = 0.05  # within 5 % of the drug-naive response the change is too small to call


def patient() -> Patient:
    """The lesson's patient: the default 70 kg adult."""
    return Patient()


def app_schedules(weekly_mg_per_kg: float = APP_WEEKLY_MG_PER_KG, days: int = APP_EXPOSURE_DAYS) -> dict[str, Regimen]:
    """The same weekly amount three ways, as ``apps.intermittent_vs_continuous`` gives it."""
    from ..apps import exposure_schedules  # the app's own schedules: the lesson and the app cannot drift apart

    return exposure_schedules(weekly_mg_per_kg, days)


@cache
def app_challenges() -> dict[str, float]:
    """Challenge response (fraction of naive) for each schedule at the app's opening settings."""
    day = APP_EXPOSURE_DAYS + APP_CHALLENGE_GAP_DAYS
    return {name: challenge_response(patient(), reg, day=day) for name, reg in app_schedules().items()}


@cache
def two_effects(every_days: float) -> dict[str, float]:
    """Eight sessions of 0.5 mg/kg every ``every_days``: the last session's peak as a fraction of the first's,
    for dissociation and for the locomotor/reward effect."""
    course = Regimen.repeated(dose_mg_per_kg=SESSION_DOSE_MG_PER_KG, infusion_min=INFUSION_MIN, every_days=every_days, doses=SESSIONS)
    result = simulate(patient(), course, days=course.session_start_h[-1] / HOURS_PER_DAY + 1.0)
    return {effect: float(result.relative_session_peaks(effect)[-1]) for effect in ("dissociation", "locomotor")}


def divided_week(doses_per_day: int | None, daily_mg_per_kg: float = 1.0, days: int = 7) -> Regimen:
    """``daily_mg_per_kg`` a day for ``days`` days, as ``doses_per_day`` infusions (None: a continuous infusion)."""
    if doses_per_day is None:
        return Regimen.continuous_infusion(rate_mg_per_kg_per_h=daily_mg_per_kg / 24.0, hours=days * 24.0)
    return Regimen.repeated(
        dose_mg_per_kg=daily_mg_per_kg / doses_per_day, infusion_min=INFUSION_MIN, every_days=1.0 / doses_per_day,
        doses=days * doses_per_day,
    )


@cache
def divided_challenge(doses_per_day: int | None) -> float:
    """Locomotor challenge the day after a week of 1 mg/kg a day split into ``doses_per_day`` (fraction of naive)."""
    return challenge_response(patient(), divided_week(doses_per_day), day=8.0)


@cache
def one_small_dose_a_day_challenge(doses_per_day: int = 3) -> float:
    """The same challenge after a week of only one of those small doses (1/``doses_per_day`` mg/kg) a day."""
    regimen = divided_week(1, daily_mg_per_kg=1.0 / doses_per_day)
    return challenge_response(patient(), regimen, day=8.0)


def fortnight_course() -> Regimen:
    """0.5 mg/kg IV over 40 min once a day for 14 days."""
    return Regimen.repeated(dose_mg_per_kg=SESSION_DOSE_MG_PER_KG, infusion_min=INFUSION_MIN, every_days=1, doses=14)


@cache
def challenge_after(kind: str, after_days: float, effect: str = "locomotor") -> float:
    """Challenge ``after_days`` after the last dose of the daily fortnight (``kind='daily'``) or after a
    week-long continuous infusion of the same 1 mg/kg a day (``kind='continuous'``), fraction of naive."""
    regimen = fortnight_course() if kind == "daily" else divided_week(None)
    last_day = regimen.session_start_h[-1] / HOURS_PER_DAY if kind == "daily" else regimen.end_h / HOURS_PER_DAY
    return challenge_response(patient(), regimen, day=last_day + after_days, effect=effect)


def verdict(fraction: float) -> str:
    """The app's words for a challenge response (fraction of naive)."""
    if abs(fraction - 1.0) < NO_CLEAR_CHANGE:
        return "no clear change"
    return "sensitization" if fraction > 1.0 else "tolerance"


# ----- what the lesson shows --------------------------------------------------------------------------------
def same_dose_two_effects() -> Markdown:
    """Dissociation and the locomotor/reward effect under the same sessions, at three intervals."""
    rows = "\n".join(
        f"| {name} | {100 * two_effects(every)['dissociation']:.0f} % | {100 * two_effects(every)['locomotor']:.0f} % |"
        for name, every in INTERVALS.items()
    )
    return Markdown(
        f"{SESSIONS} sessions of {SESSION_DOSE_MG_PER_KG} mg/kg (IV over {INFUSION_MIN:.0f} min). The last session's peak "
        f"as a percentage of the first session's:\n\n| Sessions given | Dissociation | Locomotor/reward |\n|---|---|---|\n{rows}"
    )


def app_opening_numbers() -> Markdown:
    """The three schedules at the app's opening settings."""
    results = app_challenges()
    daily = APP_WEEKLY_MG_PER_KG / 7.0
    schedules = app_schedules()

    def total(name: str) -> float:
        return sum(e.amount for e in schedules[name].events)

    doses = {
        "every 2 days": f"{schedules['every 2 days'].events[0].amount:.3g} mg/kg every 2 days ({len(schedules['every 2 days'].events)} doses, {total('every 2 days'):g} mg/kg in all)",
        "once a day": f"{daily:g} mg/kg once a day ({len(schedules['once a day'].events)} doses, {total('once a day'):g} mg/kg in all)",
        "continuous infusion": f"{daily / 24:.3f} mg/kg per hour without a break ({total('continuous infusion'):g} mg/kg in all)",
    }
    items = "\n".join(
        f"- {doses[name]}: the challenge gives **{100 * value:.0f} %** of a drug-naive response ({verdict(value)})."
        for name, value in results.items()
    )
    return Markdown(
        f"With the app's opening settings ({APP_WEEKLY_MG_PER_KG:g} mg/kg a week for {APP_EXPOSURE_DAYS} days, challenge "
        f"{APP_CHALLENGE_GAP_DAYS} day after the week):\n\n{items}"
    )


def doses_per_day() -> Markdown:
    """The same daily amount split into more and more doses a day, then given continuously."""
    rows = [("1 dose a day", 1), ("2 doses a day", 2), ("3 doses a day", 3), ("4 doses a day", 4), ("continuous infusion", None)]
    table = "\n".join(
        f"| {label} | {100 * divided_challenge(n):.0f} % | {verdict(divided_challenge(n))} |" for label, n in rows
    )
    small = one_small_dose_a_day_challenge(3)
    return Markdown(
        "1 mg/kg a day for a week, split in different ways; a challenge the day after the week:\n\n"
        f"| 1 mg/kg a day as | Challenge (% of drug-naive) | Verdict |\n|---|---|---|\n{table}\n\n"
        f"For comparison, just one of the three small doses (0.33 mg/kg) once a day gives **{100 * small:.0f} %** "
        f"({verdict(small)})."
    )


def what_a_break_does() -> Markdown:
    """Challenges 1 and 14 days after the daily fortnight and after the week-long infusion."""
    rows = []
    for label, kind in (("14 daily doses of 0.5 mg/kg", "daily"), ("a 7-day infusion of 1 mg/kg a day", "continuous")):
        cells = [f"{100 * challenge_after(kind, after, effect):.0f} %" for effect in ("locomotor", "dissociation") for after in (1, 14)]
        rows.append(f"| {label} | " + " | ".join(cells) + " |")
    return Markdown(
        "Challenges 1 day and 14 days after the last dose, as % of a drug-naive response:\n\n"
        "| Pretreatment | Locomotor/reward, 1 day | Locomotor/reward, 14 days | Dissociation, 1 day | Dissociation, 14 days |\n"
        "|---|---|---|---|---|\n" + "\n".join(rows)
    )
