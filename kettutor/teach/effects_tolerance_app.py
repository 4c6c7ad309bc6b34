"""A slider app for lesson 07: one course of infusions, every effect at once.

The learner sets the dose (IV over 40 min), the interval and the course length. The top chart shows each
session's peak of four effects as a percentage of the first session's: dissociation, pain relief
(analgesia), the locomotor/reward effect and the antidepressant effect. That is what a patient would notice
at a fixed dose, and it depends on where the dose sits on each effect's concentration-effect curve, so the
readout also gives each effect's EC50 change (how much more drug the effect needs than at the start,
anaesthesia included), a measure of tolerance that does not depend on the dose used to test it. The bottom
chart shows the antidepressant effect size between sessions: the benefit saturates under spaced dosing and
wears down under heavy daily dosing (T5; seed 002).

Educational model, not medical advice: the app shows how a simulated patient responds, never what anyone
should take.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from . import charts
from ..patient import Patient
from ..regimen import HOURS_PER_DAY, Regimen
from ..solver.simulate import simulate
from .slider_app import APP_OUTPUT, SliderApp, float_slider, int_slider

# effect code -> the words the chart and the readout use
EFFECT_LABELS = {
    "dissociation": "dissociation",
    "analgesia": "pain relief (analgesia)",
    "locomotor": "reward (locomotor)",
    "antidepressant": "antidepressant",
}
# the acute effects whose EC50 adaptation moves (anaesthesia too: its session peak at these doses is ~0)
EC50_LABELS = {"dissociation": "dissociation", "analgesia": "pain relief", "anesthesia": "anaesthesia", "locomotor": "reward"}
FOLLOW_UP_DAYS = 2.0  # after the course: the last session's antidepressant peak comes about a day after it
NO_CHANGE_PERCENT = 5.0  # within 5 % of the first session: "about the same"


def course(dose_mg_per_kg: float, every_days: float, course_weeks: int) -> Regimen:
    """IV infusions over 40 min of ``dose_mg_per_kg`` every ``every_days`` for ``course_weeks`` weeks."""
    return Regimen.repeated(dose_mg_per_kg=dose_mg_per_kg, infusion_min=40.0, every_days=every_days, duration_days=course_weeks * 7)


def _direction(effect: str, percent: float) -> str:
    """In words: how the last session compares with the first."""
    if abs(percent - 100.0) < NO_CHANGE_PERCENT:
        return "about the same"
    if effect == "antidepressant":
        return "built up" if percent > 100.0 else "worn down"
    return "sensitized" if percent > 100.0 else "tolerance"


def _table(name: str) -> alt.NamedData:
    return alt.NamedData(name=name, format=alt.DataFormat(type="csv"))


def _figure(result, effects: tuple[str, ...], relative: dict[str, np.ndarray]) -> charts.Figure:
    day = result.session_start_h / HOURS_PER_DAY
    labels = tuple(EFFECT_LABELS[e] for e in effects)
    sessions = pd.concat(
        [pd.DataFrame({"day": day, "series": EFFECT_LABELS[e], "value": relative[e]}) for e in effects], ignore_index=True
    )
    g = result.effect("antidepressant")
    keep = charts.peak_preserving_indices(g, charts.MAX_ROWS // 2)
    benefit = pd.DataFrame({"day": result.time_days[keep], "value": g[keep]})

    def layout() -> alt.TopLevelMixin:
        reference = alt.param(name="reference", value=100.0)
        x = alt.X("day:Q", title="Day of the course (days)")
        domain = alt.Scale(domain=list(labels), range=list(charts.PALETTE[: len(labels)]))
        base = alt.Chart(_table("effect_sessions")).encode(
            x=x,
            y=alt.Y("value:Q", title="Session peak (% of the first session)"),
            tooltip=[
                alt.Tooltip("series:N", title="Effect"),
                alt.Tooltip("day:Q", title="Day", format=".1f"),
                alt.Tooltip("value:Q", title="% of first session", format=".0f"),
            ],
        )
        dashes = alt.Scale(domain=list(labels), range=[[1, 0], [6, 3], [2, 2], [8, 3, 2, 3]][: len(labels)])
        lines = alt.layer(  # colour-blind-safe colours, and a line style of its own for each effect
            base.mark_line().encode(
                color=alt.Color("series:N", title="Effect", scale=domain), strokeDash=alt.StrokeDash("series:N", scale=dashes, legend=None)
            ),
            base.mark_point(filled=True, size=30).encode(color=alt.Color("series:N", title="Effect", scale=domain)),
        )
        rule = alt.Chart(_table("one_row")).mark_rule(strokeDash=[6, 4], color=charts.PALETTE[-1]).encode(
            y=alt.datum(reference, type="quantitative")
        )
        top = alt.layer(lines, rule).add_params(reference).properties(
            width=charts.WIDTH, height=charts.HEIGHT, title="Each session's peak, as % of the first session's"
        )
        bottom = (
            alt.Chart(_table("benefit"))
            .mark_line(color=charts.PALETTE[3])
            .encode(
                x=x,
                y=alt.Y("value:Q", title="Antidepressant effect (Hedges' g)"),
                tooltip=[alt.Tooltip("day:Q", title="Day", format=".1f"), alt.Tooltip("value:Q", title="g", format=".2f")],
            )
            .properties(width=charts.WIDTH, height=charts.HEIGHT // 2 + 30, title="The antidepressant effect day by day, between sessions too")
        )
        return alt.vconcat(top, bottom).resolve_scale(color="independent")

    last = "; ".join(f"{EFFECT_LABELS[e]} {relative[e][-1]:.0f} %" for e in effects)
    description = (
        f"Line chart of each session's peak effect as a percentage of the first session's over {day.size} sessions; "
        f"at the last session: {last}. Below it, the antidepressant effect size (Hedges' g) over the course, "
        f"between {g.min():.2f} and {g.max():.2f}."
    )
    tables = {"effect_sessions": sessions, "benefit": benefit, "one_row": charts.ONE_ROW}
    return charts.Figure(("effect_tolerance", labels), layout, tables, description=description)


def effect_tolerance_explorer(patient: Patient | None = None):
    """How one course changes each effect: dissociation, pain relief, anaesthesia, reward and the
    antidepressant effect adapt by different amounts and even in different directions (T5, S1).

    Sliders: dose (mg/kg), interval (days) and course length (weeks); ``app.numbers`` gives the last session's
    peaks in % of the first session's and EC50 changes in %.

    >>> app = effect_tolerance_explorer()   # 0.5 mg/kg every 3.5 days for 12 weeks
    >>> last = app.numbers["last_percent"]   # last session, % of the first session's peak
    >>> last["dissociation"] < 100 < last["locomotor"]   # dissociation tolerates, reward sensitizes
    True
    """
    patient = patient or Patient()
    controls = {
        "dose_mg_per_kg": float_slider("Dose (mg/kg)", 0.1, 2.0, 0.05, 0.5),
        "every_days": float_slider("Dose every (days)", 1.0, 14.0, 0.5, 3.5),
        "course_weeks": int_slider("Course length (weeks)", 4, 26, 1, 12),
    }
    view = {"reference": (float_slider("Reference line (% of first)", 0.0, 200.0, 5.0, 100.0), "reference")}

    def build(v: dict):
        regimen = course(v["dose_mg_per_kg"], v["every_days"], v["course_weeks"])
        result = simulate(patient, regimen, days=regimen.end_h / HOURS_PER_DAY + FOLLOW_UP_DAYS, **APP_OUTPUT)
        effects = tuple(EFFECT_LABELS)
        relative = {e: 100.0 * result.relative_session_peaks(e) for e in effects}
        starts = result.session_start_h
        g = result.effect("antidepressant")
        before_last = float(np.interp(starts[-1], result.time_h, g))
        first_g = float(result.session_peaks("antidepressant")[0])
        at_last = int(np.searchsorted(result.time_h, starts[-1]))  # the tolerance the last session starts with
        ec50 = {e: float(result.ec50_change_percent(e)[at_last]) for e in EC50_LABELS}
        numbers = {
            "sessions": int(starts.size),
            "last_day": float(starts[-1] / HOURS_PER_DAY),
            "last_percent": {e: float(relative[e][-1]) for e in effects},
            "ec50_change_percent": ec50,
            "first_session_g": first_g,
            "g_before_last_session": before_last,
        }
        listed = ", ".join(
            f"{EFFECT_LABELS[e]} <b>{relative[e][-1]:.0f} %</b> ({_direction(e, relative[e][-1])})" for e in effects
        )
        needed = ", ".join(f"{label} {ec50[e]:+.0f} %" for e, label in EC50_LABELS.items())
        text = (
            f"Session {starts.size} (day {starts[-1] / HOURS_PER_DAY:.0f}), as % of the first session's peak: {listed}."
            f"<br>Antidepressant effect just before the last session: <b>g = {before_last:.2f}</b> "
            f"(the first session's peak: g = {first_g:.2f})."
            f"<br>Drug needed at the site of action for the same effect, compared with day 0 (EC50 change): {needed}."
        )
        return _figure(result, effects, relative), text, numbers

    return SliderApp("One course, several effects", controls, build, view)
