"""A slider app for lesson 05: a course, an optional taper, a break, then the course's dose again.

The learner sets the course (dose, interval, length), how many lower doses step the course down (a taper,
built with :meth:`kettutor.Regimen.taper`; 0 stops at once), and how long the break before a *retest* is. The
retest repeats the course's dose in the same form (IV over 40 min), the way a clinician would check what came
back. The top chart shows every session's peak as a percentage of the first session's; the bottom chart shows
the three parts of tolerance (fast, slow, chronic) fading at their own speeds during the break.

Educational model, not medical advice: the app shows how a simulated patient responds, never what anyone
should take or how long anyone should pause.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd

from . import charts
from ..analysis import recovery_days
from ..patient import Patient
from ..regimen import HOURS_PER_DAY, Regimen
from ..solver.simulate import simulate
from .slider_app import APP_OUTPUT, IV_INFUSION_MIN, SliderApp, float_slider, int_slider


COMPONENTS = {"tolerance_fast": "fast", "tolerance_slow": "slow", "tolerance_chronic": "chronic"}
SERIES = ("course", "taper", "retest")  # the top chart's colours, fixed so that a slider move only swaps tables
RECOVERY_FRACTION = 0.9  # "back" means the first dose again gives 90 % of its first peak (recovery_days' default)
RECOVERY_MAX_DAYS = 730.0



@dataclass(frozen=True)
class HolidayPlan:
    """The regimens of one app setting: the course, the course plus taper, and that plus the retest."""

    course: Regimen
    stepped_down: Regimen  # the course followed by the taper (the course itself when there is no taper)
    with_retest: Regimen
    taper_doses_mg_per_kg: tuple[float, ...]
    break_days: float
    retest_day: float


def holiday_plan(dose_mg_per_kg: float, every_days: float, course_weeks: int, taper_steps: int, break_days: float) -> HolidayPlan:
    """IV infusions (40 min) of ``dose_mg_per_kg`` every ``every_days`` for ``course_weeks`` weeks; then
    ``taper_steps`` doses that step down in equal steps towards zero at the same interval; then, ``break_days``
    after the last dose, one retest of the course's dose."""
    infusion_min = IV_INFUSION_MIN
    course = Regimen.repeated(
        dose_mg_per_kg=dose_mg_per_kg, infusion_min=infusion_min, every_days=every_days, duration_days=course_weeks * 7
    )
    stepped_down, taper = course, ()
    if taper_steps > 0:
        step = dose_mg_per_kg / (taper_steps + 1)
        taper_regimen = Regimen.taper(
            dose_mg_per_kg - step, step_mg_per_kg=step, every_days=every_days, infusion_min=infusion_min
        )
        stepped_down = course.then(taper_regimen)
        taper = tuple(e.amount for e in taper_regimen.events)
    retest = Regimen.single(dose_mg_per_kg=dose_mg_per_kg, infusion_min=infusion_min)
    with_retest = stepped_down.then(retest, gap_days=break_days)
    return HolidayPlan(course, stepped_down, with_retest, taper, float(break_days), float(with_retest.session_start_h[-1] / HOURS_PER_DAY))


def retest_percent(patient: Patient, plan: HolidayPlan, effect: str = "dissociation") -> float:
    """The retest's peak ``effect`` as % of the first session's (one simulation)."""
    result = simulate(patient, plan.with_retest, days=plan.retest_day + 1.0, **APP_OUTPUT)
    return float(100.0 * result.relative_session_peaks(effect)[-1])


def _a(number: int) -> str:
    """The article before a number read aloud: 'an' 8-day, 11-day, 18-day, 80-day break; 'a' otherwise."""
    return "an" if str(number).startswith("8") or number in (11, 18) else "a"


def _recovery_text(days: float | None) -> str:
    if days is None:
        return "The time to full recovery follows in a moment."
    if days == 0.0:
        return "The response never fell below 90 % of the first, so there is nothing to recover."
    if days < 1.5:
        return "The first dose gives 90 % of its first effect again within about a day of the last dose (<code>recovery_days</code>)."
    if math.isinf(days):
        return f"The first dose does not give 90 % of its first effect again within {RECOVERY_MAX_DAYS:.0f} days of the last dose."
    return f"The first dose gives 90 % of its first effect again <b>{days:.0f} days</b> after the last dose (<code>recovery_days</code>)."


def _figure(result, plan: HolidayPlan, effect: str) -> charts.Figure:
    relative = 100.0 * result.relative_session_peaks(effect)
    day = result.session_start_h / HOURS_PER_DAY
    course_sessions = plan.course.session_count
    kind = np.array(["course"] * course_sessions + ["taper"] * len(plan.taper_doses_mg_per_kg) + ["retest"])
    sessions = pd.DataFrame({"day": day, "series": kind[: relative.size], "value": relative})
    days = result.time_h / HOURS_PER_DAY
    states = np.stack([result.slow_state(name) for name in COMPONENTS])
    until = int(np.searchsorted(result.time_h, plan.retest_day * HOURS_PER_DAY, side="right"))  # up to the retest
    keep = charts.peak_preserving_indices(states[:, :until], charts.MAX_ROWS // (2 * len(COMPONENTS)))
    parts = tuple(COMPONENTS.values())
    components = pd.concat(
        [pd.DataFrame({"day": days[keep], "series": label, "value": states[i, keep]}) for i, label in enumerate(parts)],
        ignore_index=True,
    )
    pause_start = float(plan.stepped_down.session_start_h[-1] / HOURS_PER_DAY)
    pause = pd.DataFrame({"start": [pause_start], "end": [plan.retest_day]})

    def table(name: str) -> alt.NamedData:
        return alt.NamedData(name=name, format=alt.DataFormat(type="csv"))

    def layout() -> alt.TopLevelMixin:
        reference = alt.param(name="reference", value=90.0)
        x = alt.X("day:Q", title="Day (the first dose is day 0)", axis=alt.Axis(labelOverlap="greedy", tickMinStep=1))
        shaded = alt.Chart(table("pause")).mark_rect(opacity=0.15, color=charts.PALETTE[2]).encode(x="start:Q", x2="end:Q")
        points = (
            alt.Chart(table("sessions"))
            .mark_point(filled=True, size=45)
            .encode(
                x=x,
                y=alt.Y("value:Q", title=f"Session peak {effect} (% of first)"),
                color=alt.Color("series:N", title="Session", scale=alt.Scale(domain=list(SERIES), range=list(charts.PALETTE[:3]))),
                shape=alt.Shape("series:N", title="Session", scale=alt.Scale(domain=list(SERIES), range=["circle", "triangle-down", "diamond"])),
                tooltip=[
                    alt.Tooltip("series:N", title="Session"),
                    alt.Tooltip("day:Q", title="Day", format=".1f"),
                    alt.Tooltip("value:Q", title="% of first", format=".0f"),
                ],
            )
        )
        rule = alt.Chart(table("one_row")).mark_rule(strokeDash=[6, 4], color=charts.PALETTE[-1]).encode(
            y=alt.datum(reference, type="quantitative")
        )
        top = alt.layer(shaded, points, rule).add_params(reference).properties(
            width=charts.WIDTH, height=charts.HEIGHT, title="Each session's response; the break is shaded"
        )
        lines = (
            alt.Chart(table("components"))
            .mark_line()
            .encode(
                x=x,
                y=alt.Y("value:Q", title="Tolerance (model units; 0 = none)"),
                color=alt.Color(
                    "series:N", title="Part of tolerance",
                    scale=alt.Scale(domain=list(parts), range=[charts.PALETTE[3], charts.PALETTE[4], charts.PALETTE[7]]),
                ),
                strokeDash=alt.StrokeDash(
                    "series:N", title="Part of tolerance", scale=alt.Scale(domain=list(parts), range=[list(d) for d in charts.DASHES[: len(parts)]])
                ),
                tooltip=[
                    alt.Tooltip("series:N", title="Part"),
                    alt.Tooltip("day:Q", title="Day", format=".1f"),
                    alt.Tooltip("value:Q", title="Tolerance", format=".3f"),
                ],
            )
        )
        bottom = alt.layer(shaded, lines).properties(
            width=charts.WIDTH, height=charts.HEIGHT, title="Three parts of tolerance, each fading at its own speed"
        )
        return alt.vconcat(top, bottom).resolve_scale(color="independent", shape="independent", strokeDash="independent")

    at_retest = int(np.searchsorted(result.time_h, plan.retest_day * HOURS_PER_DAY))
    description = (
        f"Two charts against days since the first dose, with the break from day {pause_start:.0f} to day {plan.retest_day:.0f} "
        f"shaded. Top: each session's peak {effect} as a percentage of the first session's; {course_sessions} course sessions "
        f"ending at {relative[course_sessions - 1]:.0f} %, {len(plan.taper_doses_mg_per_kg)} taper sessions, and a retest at "
        f"{relative[-1]:.0f} %. Bottom: the fast, slow and chronic parts of tolerance; at the retest they stand at "
        + ", ".join(f"{label} {states[i, at_retest]:.2f}" for i, label in enumerate(parts))
        + " model units, after highs of "
        + ", ".join(f"{states[i, :until].max():.2f}" for i in range(len(parts)))
        + "."
    )
    tables = {"sessions": sessions, "components": components, "pause": pause, "one_row": charts.ONE_ROW}
    return charts.Figure(("holiday", effect), layout, tables, description)


def holiday_explorer(patient: Patient | None = None, effect: str = "dissociation") -> SliderApp:
    """A course, an optional taper, a break, then the course's dose again: how much of the first response
    comes back, how long full recovery takes, and which part of tolerance is still left at the retest.

    Sliders: dose (mg/kg), interval (days), course length (weeks), taper steps (doses) and break (days);
    ``app.numbers`` gives responses in % of the first session's peak and recovery in days.

    >>> app = holiday_explorer()   # 0.5 mg/kg daily for 4 weeks, a 14-day break, then the same dose again
    >>> n = app.numbers
    >>> n["last_course_percent"] < n["retest_percent"] < 100   # % of the first dissociation peak: partly back
    True
    >>> n["recovery_days"] > 14   # days after the last dose until 90 % returns: longer than the break
    True
    """
    patient = patient or Patient()
    controls = {
        "dose_mg_per_kg": float_slider("Dose (mg/kg)", 0.1, 1.0, 0.05, 0.5),
        "every_days": float_slider("Dose every (days)", 1.0, 7.0, 0.5, 1.0),
        "course_weeks": int_slider("Course length (weeks)", 1, 26, 1, 4),
        "taper_steps": int_slider("Taper steps (doses, 0 = stop)", 0, 6, 1, 0),
        "break_days": int_slider("Break before retest (days)", 1, 84, 1, 14),
    }
    view = {"reference": (float_slider("Reference line (% of first)", 0.0, 150.0, 5.0, 90.0), "reference")}

    def build(v: dict, full: bool = True):
        plan = holiday_plan(v["dose_mg_per_kg"], v["every_days"], v["course_weeks"], v["taper_steps"], v["break_days"])
        result = simulate(patient, plan.with_retest, days=plan.retest_day + 1.0, **APP_OUTPUT)
        relative = 100.0 * result.relative_session_peaks(effect)
        course_sessions = plan.course.session_count
        recovered_after = (  # the slow part (a search over probe doses): the preview leaves it to the full build
            recovery_days(patient, plan.stepped_down, effect=effect, fraction=RECOVERY_FRACTION, max_days=RECOVERY_MAX_DAYS)
            if full else None
        )
        retest_h = plan.retest_day * HOURS_PER_DAY
        at_retest = int(np.searchsorted(result.time_h, retest_h))
        total = result.tolerance
        highest = float(total[result.time_h <= retest_h].max())
        left_percent = 100.0 * float(total[at_retest]) / highest if highest > 1e-9 else 0.0
        parts = {label: float(result.slow_state(name)[at_retest]) for name, label in COMPONENTS.items()}
        remaining = sum(parts.values())
        shares = {label: (100.0 * value / remaining if remaining > 1e-9 else 0.0) for label, value in parts.items()}
        numbers = {
            "last_course_percent": float(relative[course_sessions - 1]),
            "retest_percent": float(relative[-1]),
            "recovery_days": None if recovered_after is None else float(recovered_after),
            "taper_sessions": len(plan.taper_doses_mg_per_kg),
            "retest_day": plan.retest_day,
            "tolerance_left_percent": left_percent,
            "share_of_what_is_left_percent": shares,
            "stop_at_once_percent": None,
        }
        text = (
            f"Last course session (day {plan.course.session_start_h[-1] / HOURS_PER_DAY:.0f}): <b>{relative[course_sessions - 1]:.0f} %</b> "
            f"of the first session's {effect} peak. Retest with the same dose after {_a(v['break_days'])} {v['break_days']}-day break "
            f"(day {plan.retest_day:.0f}): <b>{relative[-1]:.0f} %</b>. {_recovery_text(recovered_after)}"
        )
        if plan.taper_doses_mg_per_kg and full:
            same_day = plan.retest_day - plan.course.session_start_h[-1] / HOURS_PER_DAY  # break counted from the last full dose
            abrupt = holiday_plan(v["dose_mg_per_kg"], v["every_days"], v["course_weeks"], 0, same_day)
            numbers["stop_at_once_percent"] = retest_percent(patient, abrupt, effect)
            steps = ", ".join(f"{d:.2f}" for d in plan.taper_doses_mg_per_kg)
            text += (
                f"<br>Taper: {len(plan.taper_doses_mg_per_kg)} lower doses ({steps} mg/kg). Stopping at once instead, "
                f"a retest on the same day would give <b>{numbers['stop_at_once_percent']:.0f} %</b>."
            )
        text += (
            f"<br>Tolerance left at the retest: <b>{left_percent:.0f} %</b> of its highest level. Of what is left, "
            f"fast {shares['fast']:.0f} %, slow {shares['slow']:.0f} %, chronic {shares['chronic']:.0f} %."
        )
        return _figure(result, plan, effect), text, numbers

    return SliderApp(
        "Drug holidays, recovery and tapering", controls, build, view, preview=lambda v: build(v, full=False),
        help_text=(
            "A course of 40-minute infusions, an optional taper, a break, then the course's dose once more (the retest). "
            "The model cannot tell you whether any dose or break is right or safe for a real person: its recovery times "
            "come from animal and morphine data, and it does not model blood pressure, breathing, the bladder or mood."
        ),
    )
