"""Lesson 04, how often: what the lesson states, computed by the model.

Every course gives the clinic's antidepressant infusion (40 min IV, Berman 2000; Zarate 2006) to the default
70 kg patient on a fixed schedule. Tolerance is read the way a clinician meets it: as the rise of
dissociation's EC50 when a session starts (``kettutor.teach.frequency_app.ec50_rise_at_sessions``), or on
the day the next session would start. Each ``...()`` sentence function returns an ``IPython.display.Markdown``;
the plain-number functions behind them are cached and shared with the questions and the tests.
"""

from __future__ import annotations

from functools import cache

import numpy as np
from IPython.display import Markdown

from ...patient import Patient
from ...regimen import Regimen
from ...solver.result import SimulationResult
from ...solver.simulate import simulate
from ..frequency_app import SCHEDULES, ceiling_percent, chronic_points_at_sessions, ec50_rise_at_sessions, schedule_regimen

PATIENT = Patient()  # the typical 70 kg adult
DOSE_MG_PER_KG = 0.5
EFFECT = "dissociation"
GRID = {"dense_step_min": 30.0, "sparse_step_h": 6.0}  # session peaks are exact at any output density
ORDER_WEEKS = 4  # T2: four weeks at each interval
ORDER_INTERVALS = (1.0, 2.0, 3.5, 7.0, 14.0)
PLATEAU_SCHEDULES = ("once a day", "twice a week", "once a week")
PLATEAU_WEEKS = (4, 12, 26)  # T3: read at these weeks of a six-month course
LONG_WEEKS = max(PLATEAU_WEEKS)
SHORT_WEEKS = 4
BREAK_DAYS = 42  # T4: six weeks off, then the first dose again
HEAVY_DOSE_MG_PER_KG = 1.0  # the top of the antidepressant dose range (Fava 2018: 0.1-1.0 mg/kg)
TABLE_WEEKS = 8
TABLE_DOSES = (0.25, 0.5, 1.0)
TABLE_INTERVALS = (1.0, 3.5, 7.0)
WEEKLY_AMOUNT_MG_PER_KG = 1.0  # the same amount a week, split into sessions of different size


def name_of(every_days: float) -> str:
    """The schedule's name in words ('twice a week')."""
    for name, days in SCHEDULES.items():
        if days == every_days:
            return name
    return f"every {every_days:g} days"


@cache
def course(every_days: float, weeks: float, dose_mg_per_kg: float = DOSE_MG_PER_KG) -> SimulationResult:
    """``weeks`` weeks of infusions every ``every_days`` days, simulated until day 7 x ``weeks``: the day the
    next session would start when the interval divides the course."""
    return simulate(PATIENT, schedule_regimen(dose_mg_per_kg, every_days, weeks), days=7.0 * weeks, **GRID)


@cache
def rise_at_end(every_days: float, weeks: float, dose_mg_per_kg: float = DOSE_MG_PER_KG) -> float:
    """Dissociation's EC50 rise (%) on day 7 x ``weeks``, when the next session would start."""
    return float(course(every_days, weeks, dose_mg_per_kg).ec50_change_percent(EFFECT)[-1])


@cache
def last_percent(every_days: float, weeks: float, dose_mg_per_kg: float = DOSE_MG_PER_KG) -> float:
    """The last session's peak dissociation as % of the first's."""
    return 100.0 * float(course(every_days, weeks, dose_mg_per_kg).relative_session_peaks(EFFECT)[-1])


def _at_week(every_days: float, week: float, weeks: float = LONG_WEEKS, dose_mg_per_kg: float = DOSE_MG_PER_KG,
             series=ec50_rise_at_sessions) -> float:
    """``series`` (a function of a result, one value per session) at the last session starting before ``week``."""
    result = course(every_days, weeks, dose_mg_per_kg)
    index = int(np.searchsorted(result.session_start_h, week * 7.0 * 24.0 - 1e-6)) - 1
    return float(series(result, EFFECT)[max(index, 0)])


@cache
def rise_at_week(every_days: float, week: float, dose_mg_per_kg: float = DOSE_MG_PER_KG) -> float:
    """The EC50 rise (%) met by the last session before ``week`` of a six-month course."""
    return _at_week(every_days, week, dose_mg_per_kg=dose_mg_per_kg)


@cache
def chronic_at_week(every_days: float, week: float, dose_mg_per_kg: float = DOSE_MG_PER_KG) -> float:
    """The chronic component's share (percentage points) of :func:`rise_at_week`."""
    return _at_week(every_days, week, dose_mg_per_kg=dose_mg_per_kg, series=chronic_points_at_sessions)


@cache
def percent_after_break(weeks: float, break_days: float = BREAK_DAYS) -> float:
    """The first dose given again ``break_days`` days after ``weeks`` weeks of daily sessions: its peak
    dissociation as % of the very first session's."""
    regimen = schedule_regimen(DOSE_MG_PER_KG, 1.0, weeks).then(
        Regimen.single(dose_mg_per_kg=DOSE_MG_PER_KG, infusion_min=40), gap_days=break_days
    )
    result = simulate(PATIENT, regimen, days=regimen.end_h / 24.0 + 1.0, **GRID)
    return 100.0 * float(result.relative_session_peaks(EFFECT)[-1])


def weekly_amount_rises() -> dict[float, float]:
    """The same amount a week as one, two or seven sessions: EC50 rise (%) after eight weeks, by interval."""
    return {
        every: rise_at_end(every, TABLE_WEEKS, WEEKLY_AMOUNT_MG_PER_KG * every / 7.0) for every in (7.0, 3.5, 1.0)
    }


def frequency_factors() -> tuple[float, float]:
    """How many times larger the 8-week EC50 rise is daily than weekly: smallest and largest over the table's doses."""
    factors = [rise_at_end(1.0, TABLE_WEEKS, d) / rise_at_end(7.0, TABLE_WEEKS, d) for d in TABLE_DOSES]
    return min(factors), max(factors)


def dose_factors() -> tuple[float, float]:
    """How many times larger the 8-week EC50 rise is at the table's largest dose than at its smallest:
    smallest and largest over the table's schedules."""
    low, high = min(TABLE_DOSES), max(TABLE_DOSES)
    factors = [rise_at_end(e, TABLE_WEEKS, high) / rise_at_end(e, TABLE_WEEKS, low) for e in TABLE_INTERVALS]
    return min(factors), max(factors)


# ----- sentences the lesson shows ------------------------------------------------------------------------
def frequency_order() -> Markdown:
    """T2: four weeks of the same dose at five intervals."""
    rows = "\n".join(
        f"| {name_of(every)} | {last_percent(every, ORDER_WEEKS):.0f} % | {rise_at_end(every, ORDER_WEEKS):.0f} % |"
        for every in ORDER_INTERVALS
    )
    return Markdown(
        f"{DOSE_MG_PER_KG:g} mg/kg over 40 min for {ORDER_WEEKS} weeks; the EC50 is read on day {7 * ORDER_WEEKS}, "
        "when the next session would start.\n\n"
        "| Schedule | Last session's peak (% of the first) | EC50 rise the next session meets |\n|---|---|---|\n" + rows
    )


def plateaus() -> Markdown:
    """T3: the EC50 rise each session meets at weeks 4, 12 and 26 of a six-month course."""
    header = " | ".join(f"week {week}" for week in PLATEAU_WEEKS)
    rows = "\n".join(
        f"| {name} | " + " | ".join(f"{rise_at_week(SCHEDULES[name], week):.0f} %" for week in PLATEAU_WEEKS) + " |"
        for name in PLATEAU_SCHEDULES
    )
    return Markdown(
        f"{DOSE_MG_PER_KG:g} mg/kg over 40 min for {LONG_WEEKS} weeks. EC50 rise that the session starting in each "
        f"week meets:\n\n| Schedule | {header} |\n|---|{'---|' * len(PLATEAU_WEEKS)}\n{rows}"
    )


def ceiling_and_chronic() -> Markdown:
    """The ceiling of fast and slow tolerance, and the chronic component of months of daily use."""
    daily = SCHEDULES["once a day"]
    total = rise_at_week(daily, LONG_WEEKS)
    chronic = chronic_at_week(daily, LONG_WEEKS)
    heavy_total = rise_at_week(daily, LONG_WEEKS, HEAVY_DOSE_MG_PER_KG)
    heavy = heavy_total - chronic_at_week(daily, LONG_WEEKS, HEAVY_DOSE_MG_PER_KG)
    return Markdown(
        f"However often and however long the dosing, fast and slow tolerance together can raise dissociation's EC50 by "
        f"at most **{ceiling_percent(EFFECT):.0f} %** (the ceiling). Daily {HEAVY_DOSE_MG_PER_KG:g} mg/kg brings them "
        f"close to it: {heavy:.0f} % by week {LONG_WEEKS}, while its chronic component carries the whole rise to "
        f"{heavy_total:.0f} %.\n\n"
        f"Under daily {DOSE_MG_PER_KG:g} mg/kg, the chronic component adds **{chronic_at_week(daily, SHORT_WEEKS):.0f} "
        f"percentage points** to the EC50 rise by week {SHORT_WEEKS} and **{chronic:.0f}** by week {LONG_WEEKS}, when the "
        f"whole rise is {total:.0f} %. Twice a week it adds only "
        f"{chronic_at_week(SCHEDULES['twice a week'], LONG_WEEKS):.0f} points by week {LONG_WEEKS}."
    )


def slower_recovery() -> Markdown:
    """T4: six weeks off restore less after months of daily use than after weeks of it."""
    return Markdown(
        f"Six weeks after the last of {SHORT_WEEKS} weeks of daily sessions, the first dose gives "
        f"**{percent_after_break(SHORT_WEEKS):.0f} %** of its first response again. Six weeks after "
        f"{LONG_WEEKS} weeks of daily sessions, it gives only **{percent_after_break(LONG_WEEKS):.0f} %**."
    )


def dose_or_frequency() -> Markdown:
    """Dose against frequency: an 8-week table, the factors across it, and the same weekly amount split up."""
    header = " | ".join(f"{dose:g} mg/kg" for dose in TABLE_DOSES)
    rows = "\n".join(
        f"| {name_of(every)} | " + " | ".join(f"{rise_at_end(every, TABLE_WEEKS, dose):.0f} %" for dose in TABLE_DOSES) + " |"
        for every in TABLE_INTERVALS
    )
    freq_low, freq_high = frequency_factors()
    dose_low, dose_high = dose_factors()
    split = weekly_amount_rises()
    amounts = "; ".join(
        f"{name_of(every)} ({WEEKLY_AMOUNT_MG_PER_KG * every / 7.0:.2g} mg/kg each): {rise:.0f} %" for every, rise in split.items()
    )
    return Markdown(
        f"EC50 rise after {TABLE_WEEKS} weeks, on the day the next session would start:\n\n"
        f"| Schedule | {header} |\n|---|{'---|' * len(TABLE_DOSES)}\n{rows}\n\n"
        f"Going from once a week to once a day multiplies the rise by **{freq_low:.0f} to {freq_high:.0f}** at every dose "
        f"in the table; going from {min(TABLE_DOSES):g} to {max(TABLE_DOSES):g} mg/kg multiplies it by "
        f"**{dose_low:.0f} to {dose_high:.0f}** on every schedule.\n\n"
        f"The same {WEEKLY_AMOUNT_MG_PER_KG:g} mg/kg a week, split differently: {amounts}."
    )
