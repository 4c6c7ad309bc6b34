"""Lesson 03, tolerance: what the lesson states, computed by the model.

Every course here is the antidepressant infusion of the clinic (0.5 mg/kg IV over 40 min, Berman 2000;
Zarate 2006) given to the default 70 kg patient once a day, the pattern that builds tolerance fastest (T1).
Each ``...()`` sentence function returns an ``IPython.display.Markdown``; the plain-number functions
behind them are cached and shared with the lesson's questions (``kettutor.teach.bank.l03``) and its tests.
"""

from __future__ import annotations

from functools import cache

import altair as alt
import numpy as np
from IPython.display import Markdown

from .. import charts
from ...analysis import dose_response, dose_to_match_first_response
from ...science.effects import ACUTE_EFFECTS
from ...patient import Patient
from ...regimen import Regimen
from ...solver.result import SimulationResult
from ...solver.simulate import simulate

PATIENT = Patient()  # the typical 70 kg adult
DOSE_MG_PER_KG = 0.5  # the antidepressant infusion's dose
INFUSION_MIN = 40.0
SESSIONS = 14  # two weeks of daily sessions (T1)
EFFECT = "dissociation"
COMPARED_DOSES_MG_PER_KG = (0.25, 0.5, 1.0)
WEEK_OF_SESSIONS = 7
DAYS_OFF = (1, 3, 7, 21)  # days after a week of daily sessions at which the lesson reads the EC50 rise
GRID = {"dense_step_min": 30.0, "sparse_step_h": 6.0}  # session peaks are exact at any output density


def daily_course(dose_mg_per_kg: float = DOSE_MG_PER_KG, sessions: int = SESSIONS) -> Regimen:
    """``sessions`` 40-min infusions of ``dose_mg_per_kg``, one a day from day 0."""
    return Regimen.repeated(dose_mg_per_kg=dose_mg_per_kg, infusion_min=INFUSION_MIN, every_days=1, doses=sessions)


@cache
def daily_result(dose_mg_per_kg: float = DOSE_MG_PER_KG, sessions: int = SESSIONS, days: float = SESSIONS) -> SimulationResult:
    """The daily course simulated until ``days`` (days)."""
    return simulate(PATIENT, daily_course(dose_mg_per_kg, sessions), days=days, **GRID)


def value_on_day(result: SimulationResult, series: np.ndarray, day: float) -> float:
    """``series`` (one value per output time of ``result``) on ``day`` (days)."""
    return float(np.interp(day * 24.0, result.time_h, series))


@cache
def first_peak_percent(dose_mg_per_kg: float = DOSE_MG_PER_KG) -> float:
    """Peak dissociation of the first session (% of the maximal effect)."""
    return float(daily_result(dose_mg_per_kg).session_peaks(EFFECT)[0])


@cache
def last_peak_percent(dose_mg_per_kg: float = DOSE_MG_PER_KG) -> float:
    """Peak dissociation of session 14 (% of the maximal effect)."""
    return float(daily_result(dose_mg_per_kg).session_peaks(EFFECT)[-1])


@cache
def last_session_percent_of_first(dose_mg_per_kg: float = DOSE_MG_PER_KG) -> float:
    """Session 14's peak dissociation as % of session 1's."""
    return 100.0 * float(daily_result(dose_mg_per_kg).relative_session_peaks(EFFECT)[-1])


@cache
def ec50_rise_percent(dose_mg_per_kg: float = DOSE_MG_PER_KG) -> float:
    """How far dissociation's EC50 has risen (%) on day 14, a day after the 14th daily session started."""
    result = daily_result(dose_mg_per_kg)
    return value_on_day(result, result.ec50_change_percent(EFFECT), SESSIONS)


@cache
def dose_to_match_mg_per_kg(dose_mg_per_kg: float = DOSE_MG_PER_KG) -> float:
    """The dose (mg/kg) a probe session on day 14 needs to give the first session's peak dissociation."""
    return dose_to_match_first_response(PATIENT, daily_course(dose_mg_per_kg), day=SESSIONS, effect=EFFECT)


def baseline_ec50_ng_per_ml() -> float:
    """Dissociation's EC50 in a drug-naive patient (effect-site concentration, ng/mL)."""
    return 1000.0 * ACUTE_EFFECTS[EFFECT].ec50_mg_per_l / PATIENT.sensitivity_multiplier


@cache
def rise_after_a_week(days_off: float) -> float:
    """Dissociation's EC50 rise (%) ``days_off`` days after the last of a week of daily sessions started."""
    result = daily_result(DOSE_MG_PER_KG, WEEK_OF_SESSIONS, WEEK_OF_SESSIONS - 1 + max(DAYS_OFF) + 1)
    return value_on_day(result, result.ec50_change_percent(EFFECT), WEEK_OF_SESSIONS - 1 + days_off)


@cache
def share_after_a_week(days_off: float, part: str) -> float:
    """``part`` ('tolerance_fast' or 'tolerance_slow') ``days_off`` days after a week of daily sessions, as a
    fraction of its level one day after the last session."""
    result = daily_result(DOSE_MG_PER_KG, WEEK_OF_SESSIONS, WEEK_OF_SESSIONS - 1 + max(DAYS_OFF) + 1)
    state = result.slow_state(part)
    return value_on_day(result, state, WEEK_OF_SESSIONS - 1 + days_off) / value_on_day(result, state, WEEK_OF_SESSIONS)


# ----- sentences the lesson shows ------------------------------------------------------------------------
def _mg(mg_per_kg: float) -> str:
    return f"{mg_per_kg * PATIENT.weight_kg:.0f} mg"


def daily_sessions() -> Markdown:
    """Session 14 against session 1 under daily dosing (T1)."""
    return Markdown(
        f"With {DOSE_MG_PER_KG:g} mg/kg over {INFUSION_MIN:g} min once a day, the first session's dissociation peaks at "
        f"**{first_peak_percent():.0f} %** of the maximal effect and session {SESSIONS}'s at **{last_peak_percent():.0f} %**: "
        f"the same dose now gives **{last_session_percent_of_first():.0f} %** of the first response."
    )


def ec50_after_daily_sessions() -> Markdown:
    """The EC50 before and after two weeks of daily sessions."""
    before = baseline_ec50_ng_per_ml()
    rise = ec50_rise_percent()
    return Markdown(
        f"Before the first session, half the maximal dissociation needs an effect-site concentration of "
        f"**{before:.0f} ng/mL** (the EC50). On day {SESSIONS}, after {SESSIONS} daily sessions, it needs "
        f"**{before * (1 + rise / 100):.0f} ng/mL**: the EC50 has risen by **{rise:.0f} %**."
    )


@cache
def _curves() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    course = daily_course()
    doses = np.array([0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 1.5, 2.0])
    return {
        "day 0 (drug-naive)": dose_response(PATIENT, course, day=0, effect=EFFECT, doses_mg_per_kg=doses),
        f"day {SESSIONS} (after {SESSIONS} daily sessions)": dose_response(PATIENT, course, day=SESSIONS, effect=EFFECT, doses_mg_per_kg=doses),
    }


def dose_response_figure() -> charts.Figure:
    """Peak dissociation against the dose of a probe session, before the course and on day 14."""
    return charts.dose_response_figure(_curves(), EFFECT)


def dose_response_before_after() -> alt.JupyterChart:
    """:func:`dose_response_figure` as a chart that draws offline, in JupyterLab and in Voila."""
    charts.use_offline()
    return alt.JupyterChart(dose_response_figure().chart())


def fast_then_slow() -> Markdown:
    """How the EC50 rise of a week of daily sessions fades, and which part fades when."""
    rows = "\n".join(
        f"| {days} {'day' if days == 1 else 'days'} | {rise_after_a_week(days):.0f} % |" for days in DAYS_OFF
    )
    return Markdown(
        f"After {WEEK_OF_SESSIONS} daily sessions of {DOSE_MG_PER_KG:g} mg/kg, the patient stops. Dissociation's EC50 rise:\n\n"
        f"| Time since the last session | EC50 rise |\n|---|---|\n{rows}\n\n"
        f"From the first to the third day after the last session, fast tolerance falls to "
        f"**{100 * share_after_a_week(3, 'tolerance_fast'):.0f} %** of its level, slow tolerance only to "
        f"**{100 * share_after_a_week(3, 'tolerance_slow'):.0f} %** of its own."
    )


def dose_needed_on_day_14() -> Markdown:
    """dose_to_match_first_response after two weeks of daily sessions."""
    needed = dose_to_match_mg_per_kg()
    return Markdown(
        f"On day {SESSIONS}, a probe session needs **{needed:.2f} mg/kg** to give the first session's peak dissociation: "
        f"**{needed / DOSE_MG_PER_KG:.1f} times** the first dose ({_mg(needed)} instead of {_mg(DOSE_MG_PER_KG)} for this "
        f"{PATIENT.weight_kg:g} kg patient)."
    )


def higher_dose_table() -> Markdown:
    """Two weeks of daily sessions at three doses: the peaks can mislead, the EC50 and the dose needed do not."""
    rows = "\n".join(
        f"| {dose:g} mg/kg | {first_peak_percent(dose):.0f} % | {last_session_percent_of_first(dose):.0f} % | "
        f"{ec50_rise_percent(dose):.0f} % | {dose_to_match_mg_per_kg(dose):.2f} mg/kg ({dose_to_match_mg_per_kg(dose) / dose:.1f} × the dose) |"
        for dose in COMPARED_DOSES_MG_PER_KG
    )
    return Markdown(
        f"{SESSIONS} daily sessions at each dose; EC50 and probe on day {SESSIONS}.\n\n"
        f"| Daily dose | Session 1 peak (% of maximal effect) | Session {SESSIONS} peak (% of session 1) | EC50 rise | "
        "Dose that gives the first response again |\n|---|---|---|---|---|\n" + rows
    )
