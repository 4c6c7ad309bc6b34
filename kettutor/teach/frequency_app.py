"""A slider app for lesson 04: one dose on several schedules, side by side, for months.

``frequency_comparison()`` gives the same 40-min IV infusion once a day, twice a week, once a week (or on the
schedules the learner picks) for up to a year and shows, session by session, the peak response and the
tolerance each session meets: the rise of the effect's EC50 at the moment the session starts. Spaced
schedules level off within weeks (PHENOMENA T3); daily dosing climbs towards the ceiling of fast and slow
tolerance and then beyond it, through the chronic component that only months of frequent use build (T4).

Educational model, not medical advice: the app shows how a simulated patient responds, never what anyone
should take.
"""

from __future__ import annotations

import html

import altair as alt
import ipywidgets as widgets
import numpy as np
import pandas as pd

from . import charts
from ..science.adaptation import ADAPTATION
from ..science.effects import check_effect
from ..patient import Patient
from ..regimen import Regimen
from ..solver.result import SimulationResult
from ..solver.simulate import simulate
from .slider_app import APP_LAYOUT, IV_INFUSION_MIN, LABEL_STYLE, SliderApp, float_slider, int_slider


SCHEDULES: dict[str, float] = {  # name: days between sessions
    "once a day": 1.0,
    "every 2 days": 2.0,
    "twice a week": 3.5,
    "once a week": 7.0,
    "every 2 weeks": 14.0,
}
DEFAULT_SCHEDULES = ("once a day", "twice a week", "once a week")
RECENT_WEEKS = 4  # "still rising" compares the last session with the one this many weeks earlier
LEVELLED_POINTS = 1.0  # a rise of less than this (percentage points) over RECENT_WEEKS counts as levelled off


def schedule_regimen(dose_mg_per_kg: float, every_days: float, course_weeks: float) -> Regimen:
    """40-min IV infusions of ``dose_mg_per_kg`` every ``every_days`` days for ``course_weeks`` weeks."""
    return Regimen.repeated(
        dose_mg_per_kg=dose_mg_per_kg, infusion_min=IV_INFUSION_MIN, every_days=every_days, duration_days=course_weeks * 7
    )


def ec50_rise_at_sessions(result: SimulationResult, effect: str = "dissociation") -> np.ndarray:
    """The tolerance each session meets: the rise (%) of ``effect``'s EC50 at the start of every session."""
    return np.interp(result.session_start_h, result.time_h, result.ec50_change_percent(effect))


def chronic_points_at_sessions(result: SimulationResult, effect: str = "dissociation") -> np.ndarray:
    """The part of :func:`ec50_rise_at_sessions` (percentage points) that comes from the chronic component."""
    chronic = np.interp(result.session_start_h, result.time_h, result.slow_state("tolerance_chronic"))
    return 100.0 * ADAPTATION.tolerance_weight(check_effect(effect)) * np.maximum(chronic, 0.0)


def ceiling_percent(effect: str = "dissociation") -> float:
    """The largest EC50 rise (%) fast and slow tolerance can give together, however often and long the dosing."""
    return 100.0 * ADAPTATION.tolerance_weight(check_effect(effect)) * ADAPTATION.tolerance_capacity


def rise_over_recent_weeks(result: SimulationResult, effect: str = "dissociation", weeks: float = RECENT_WEEKS) -> float:
    """How much the EC50 rise grew (percentage points) from the session ``weeks`` weeks before the last one to the last."""
    starts_days = result.session_start_h / 24.0
    rises = ec50_rise_at_sessions(result, effect)
    earlier = int(np.searchsorted(starts_days, starts_days[-1] - 7.0 * weeks + 1e-9, side="right")) - 1
    return float(rises[-1] - rises[max(earlier, 0)])


TOTAL, COUNTER_REGULATION = "all tolerance", "fast + slow only"


def frequency_figure(results: dict[str, SimulationResult], effect: str = "dissociation") -> charts.Figure:
    """Two panels against the week of the course, one colour and line style per schedule: each session's peak
    ``effect`` as % of the first session's (parameter ``reference`` moves a reference line), and the EC50 rise
    each session meets, in all (thick) and from fast and slow tolerance only (thin; never above their ceiling,
    the dotted line). The gap between the thick and the thin line is the chronic component."""
    effect = check_effect(effect)
    peaks, rises, parts = [], [], []
    rows_per_line = (charts.MAX_ROWS - len(charts.ONE_ROW) - 1) // (3 * max(len(results), 1))  # three lines per schedule
    for label, result in results.items():
        week = result.session_start_h / (24.0 * 7.0)
        relative = 100.0 * result.relative_session_peaks(effect)
        total = ec50_rise_at_sessions(result, effect)
        chronic = chronic_points_at_sessions(result, effect)
        keep = charts.peak_preserving_indices(np.vstack([relative, total, total - chronic]), rows_per_line)
        peaks.append(pd.DataFrame({"week": week[keep], "series": label, "value": relative[keep]}))
        rises.append(pd.DataFrame({"week": week[keep], "series": label, "part": TOTAL, "value": total[keep]}))
        rises.append(pd.DataFrame({"week": week[keep], "series": label, "part": COUNTER_REGULATION, "value": (total - chronic)[keep]}))
        parts.append(
            f"{label}: {relative.size} sessions, the last at {relative[-1]:.0f} % of the first, meeting an EC50 "
            f"{total[-1]:.0f} % above baseline ({chronic[-1]:.0f} {'point' if round(chronic[-1]) == 1 else 'points'} of it chronic)"
        )
    labels = tuple(results)
    ceiling = pd.DataFrame({"value": [ceiling_percent(effect)], "label": ["ceiling of fast + slow tolerance"]})
    colour = alt.Color("series:N", title="Schedule", scale=alt.Scale(domain=list(labels), range=list(charts.PALETTE[: len(labels)])))
    dash = alt.StrokeDash(
        "series:N", title="Schedule", scale=alt.Scale(domain=list(labels), range=[list(d) for d in charts.DASHES[: len(labels)]])
    )

    def table(name: str) -> alt.NamedData:
        return alt.NamedData(name=name, format=alt.DataFormat(type="csv"))

    def layout() -> alt.TopLevelMixin:
        x = alt.X("week:Q", title="Week of the course (weeks)")
        tooltip = [alt.Tooltip("series:N", title="Schedule"), alt.Tooltip("week:Q", title="Week", format=".1f")]
        reference = alt.param(name="reference", value=100.0)
        top = alt.layer(
            alt.Chart(table("peaks")).mark_line(point=alt.OverlayMarkDef(size=15)).encode(
                x=x, y=alt.Y("value:Q", title=f"Session peak {effect} (% of first session)"), color=colour, strokeDash=dash,
                tooltip=tooltip + [alt.Tooltip("value:Q", title="% of first", format=".0f")],
            ),
            alt.Chart(table("one_row")).mark_rule(strokeDash=[6, 4], color=charts.PALETTE[-1]).encode(
                y=alt.datum(reference, type="quantitative")
            ),
        ).add_params(reference).properties(width=charts.WIDTH, height=charts.HEIGHT)
        bottom = alt.layer(
            alt.Chart(table("rises")).mark_line().encode(
                x=x, y=alt.Y("value:Q", title=f"{effect.capitalize()} EC50 rise each session meets (%)"), color=colour, strokeDash=dash,
                strokeWidth=alt.StrokeWidth(
                    "part:N", title="Tolerance", scale=alt.Scale(domain=[TOTAL, COUNTER_REGULATION], range=[3.0, 1.0])
                ),
                tooltip=tooltip + [alt.Tooltip("part:N", title="Tolerance"), alt.Tooltip("value:Q", title="EC50 rise (%)", format=".0f")],
            ),
            alt.Chart(table("ceiling")).mark_rule(strokeDash=[2, 3], color=charts.PALETTE[3]).encode(y="value:Q"),
            alt.Chart(table("ceiling")).mark_text(align="left", dx=4, dy=-6, color=charts.PALETTE[3]).encode(
                y="value:Q", x=alt.datum(0), text="label:N"
            ),
        ).properties(width=charts.WIDTH, height=charts.HEIGHT)
        return alt.vconcat(top, bottom).resolve_scale(strokeDash="shared", color="shared")

    tables = {
        "peaks": pd.concat(peaks, ignore_index=True),
        "rises": pd.concat(rises, ignore_index=True),
        "ceiling": ceiling,
        "one_row": charts.ONE_ROW,
    }
    description = (
        f"Two line charts against the week of the course, one line per schedule. Above: each session's peak {effect} "
        f"as a percentage of the first session's, with a dashed reference line. Below: how far {effect}'s EC50 has risen "
        "when each session starts, in all (thick line) and from fast and slow tolerance only (thin line), which never "
        f"passes its ceiling of {ceiling_percent(effect):.0f} % (dotted line). " + "; ".join(parts) + "."
    )
    return charts.Figure(("frequency", effect, labels), layout, tables, description)


def _points(value: float) -> str:
    return f"{value:.0f} point" + ("" if f"{value:.0f}" in ("1", "-1") else "s")


def _trend(points: float) -> str:
    state = "levelled off" if points < LEVELLED_POINTS else "still rising"
    return f"{state} ({'+' if points >= 0 else ''}{_points(points)} in the last {RECENT_WEEKS} weeks)"


SESSION_LEVEL_OUTPUT = {"dense_step_min": 60.0, "dense_window_h": 0.0, "sparse_step_h": 24.0}  # the charts read sessions only
PREVIEW_WEEKS = 8


def frequency_comparison(patient: Patient | None = None, effect: str = "dissociation") -> SliderApp:
    """(f) The same dose once a day, twice a week and once a week (or other schedules) for months: how often
    decides whether tolerance levels off or keeps climbing.

    Sliders: dose (mg/kg) and course length (weeks); ``app.numbers`` gives each schedule's last session in % of
    the first session's peak and its EC50 rise in %.

    >>> app = frequency_comparison()   # 0.5 mg/kg once a day, twice a week or once a week for 26 weeks
    >>> last = {name: app.numbers[name]["last_percent"] for name in ("once a day", "twice a week", "once a week")}
    >>> last["once a day"] < last["twice a week"] < last["once a week"]   # % of the first dissociation peak
    True
    """
    patient = patient or Patient()
    effect = check_effect(effect)
    controls = {
        "dose_mg_per_kg": float_slider("Dose (mg/kg)", 0.1, 1.0, 0.05, 0.5),
        "schedules": widgets.SelectMultiple(
            options=tuple(SCHEDULES), value=DEFAULT_SCHEDULES, description="Schedules", rows=len(SCHEDULES),
            style=dict(LABEL_STYLE), layout=APP_LAYOUT,
        ),
        "course_weeks": int_slider("Course length (weeks)", 4, 52, 1, 26),
    }
    view = {"reference": (float_slider("Reference line (% of first)", 0.0, 150.0, 5.0, 100.0), "reference")}

    def build(v: dict):
        if not v["schedules"]:
            raise ValueError("schedules: choose at least one schedule to compare.")
        chosen = sorted(v["schedules"], key=SCHEDULES.get)
        results = {
            name: simulate(patient, schedule_regimen(v["dose_mg_per_kg"], SCHEDULES[name], v["course_weeks"]),
                           days=v["course_weeks"] * 7, **SESSION_LEVEL_OUTPUT)
            for name in chosen
        }
        numbers, lines = {"ceiling_percent": ceiling_percent(effect)}, []
        for name, result in results.items():
            rise = float(ec50_rise_at_sessions(result, effect)[-1])
            entry = {
                "sessions": int(result.session_start_h.size),
                "last_percent": float(100.0 * result.relative_session_peaks(effect)[-1]),
                "ec50_rise_percent": rise,
                "chronic_points": float(chronic_points_at_sessions(result, effect)[-1]),
                "recent_rise_points": rise_over_recent_weeks(result, effect),
            }
            numbers[name] = entry
            lines.append(
                f"<b>{html.escape(name.capitalize())}</b> ({entry['sessions']} sessions): last session <b>{entry['last_percent']:.0f} %</b> "
                f"of the first {effect} peak; it meets an EC50 <b>{rise:.0f} %</b> above baseline "
                f"({_points(entry['chronic_points'])} of it chronic), {_trend(entry['recent_rise_points'])}."
            )
        text = "<br>".join(lines) + (
            f"<br><small>Fast and slow tolerance together (thin lines) can raise the EC50 by at most "
            f"{ceiling_percent(effect):.0f} % (dotted line); only the chronic component adds beyond that.</small>"
        )
        return frequency_figure(results, effect), text, numbers

    def preview(v: dict):  # the first weeks at once; the whole course follows in the background
        return build(dict(v, course_weeks=min(v["course_weeks"], PREVIEW_WEEKS)))

    return SliderApp(
        "How often: one dose on several schedules", controls, build, view, preview=preview,
        help_text="Every schedule gives the same 40-min infusion. Pick several schedules to compare: hold Ctrl "
        "(⌘ on a Mac) or Shift while clicking, or use Shift + arrow keys.",
    )
