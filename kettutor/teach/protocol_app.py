"""A slider app for lesson 10: a clinic's induction course, then maintenance infusions, with or without an
adjunct therapy or another NMDA-blocking medicine.

The learner sets the dose of each 40-min IV infusion, how many induction infusions are given and how far apart,
how far apart the maintenance infusions are, and the course length. Two dropdowns add psychotherapy or exercise
alongside (they slow the fading of the benefit, P4) or a medicine that also blocks NMDA receptors (memantine,
dextromethorphan, frequent nitrous oxide: cross-tolerance, T6). The top chart follows the antidepressant benefit
of this protocol and of the same induction with no maintenance; the bottom chart shows each infusion's peak
dissociation, which falls as tolerance builds. The readout says how much of the time after induction the benefit
stays above the learner's benefit line.

Educational model, not medical advice: the app shows how a simulated patient responds, never what anyone
should take or how often.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import altair as alt
import ipywidgets as widgets
import numpy as np
import pandas as pd

from . import charts
from ..patient import Patient
from ..regimen import HOURS_PER_DAY, Regimen
from ..solver.simulate import simulate
from .slider_app import APP_LAYOUT, IV_INFUSION_MIN, LABEL_STYLE, SliderApp, float_slider, int_slider


ADJUNCTS = (("nothing", "none"), ("psychotherapy", "psychotherapy"), ("exercise", "exercise"))
NMDA_MEDICINES = (
    ("nothing", "none"),
    ("memantine", "memantine"),
    ("dextromethorphan", "dextromethorphan"),
    ("frequent nitrous oxide", "nitrous_oxide"),
)
SERIES = ("this protocol", "induction only, then stop")  # fixed colours: a slider move only swaps the tables
OUTPUT = {"dense_step_min": 30.0, "sparse_step_h": 2.0}  # the benefit changes over days; peaks are exact anyway
READ_STEP_H = 1.0  # the benefit is read hourly when measuring how long it stays above the line



@dataclass(frozen=True)
class Protocol:
    """One setting of the app: the full protocol and the same induction without maintenance."""

    regimen: Regimen
    induction: Regimen
    course_days: float
    induction_end_day: float  # the day of the last induction infusion

    @property
    def maintenance_sessions(self) -> int:
        return self.regimen.session_count - self.induction.session_count


def protocol(
    dose_mg_per_kg: float,
    induction_sessions: int,
    induction_every_days: float,
    maintenance_every_days: float,
    course_weeks: int,
) -> Protocol:
    """IV infusions (40 min) of ``dose_mg_per_kg``: ``induction_sessions`` of them ``induction_every_days``
    apart, then one every ``maintenance_every_days`` until the course (``course_weeks`` weeks) ends."""
    infusion_min = IV_INFUSION_MIN
    course_days = 7.0 * course_weeks
    induction_end = (induction_sessions - 1) * induction_every_days
    if induction_end >= course_days:
        raise ValueError(
            f"{induction_sessions} induction infusions {induction_every_days:g} days apart take {induction_end:g} days, "
            f"which does not fit in a course of {course_weeks} weeks ({course_days:g} days): give fewer induction "
            "infusions, closer together, or make the course longer."
        )
    induction = Regimen.repeated(
        dose_mg_per_kg=dose_mg_per_kg, infusion_min=infusion_min, every_days=induction_every_days, doses=induction_sessions
    )
    later = math.ceil((course_days - induction_end) / maintenance_every_days - 1e-9) - 1  # infusions before the end
    regimen = induction
    if later > 0:
        maintenance = Regimen.repeated(
            dose_mg_per_kg=dose_mg_per_kg, infusion_min=infusion_min, every_days=maintenance_every_days, doses=later
        )
        regimen = induction.then(maintenance, gap_days=maintenance_every_days)
    return Protocol(regimen, induction, course_days, induction_end)


def patient_for(adjunct: str = "none", also_takes: str = "none", base: Patient | None = None) -> Patient:
    """``base`` (default: the typical 70 kg adult) with an adjunct therapy and, unless 'none', an NMDA-blocking medicine."""
    from dataclasses import replace

    base = base or Patient()
    medicines = base.comedications + (() if also_takes == "none" else (also_takes,))
    return replace(base, adjunct_therapy=adjunct, comedications=medicines)


def time_above_percent(result, threshold_g: float, from_day: float, to_day: float) -> float:
    """Share of the time from ``from_day`` to ``to_day`` (read hourly) during which the antidepressant effect is
    at least ``threshold_g`` (Hedges g), in %."""
    hours = np.arange(from_day * HOURS_PER_DAY, to_day * HOURS_PER_DAY, READ_STEP_H)
    if hours.size == 0:
        return float("nan")
    g = np.interp(hours, result.time_h, result.effect("antidepressant"))
    return float(100.0 * np.mean(g >= threshold_g))


def _tolerance_words(last_percent_of_first: float) -> str:
    if last_percent_of_first < 95.0:
        return "tolerance to dissociation"
    if last_percent_of_first > 105.0:
        return "more than the first"
    return "about the same: little tolerance"


def _craving_words(percent: float) -> str:
    return "below 0.1 % of maximum" if percent < 0.1 else f"{percent:.1f} % of maximum"


def _table(name: str) -> alt.NamedData:
    return alt.NamedData(name=name, format=alt.DataFormat(type="csv"))


def _figure(full, stopped, line_g: float, numbers: dict) -> charts.Figure:
    frames = []
    for label, result in zip(SERIES, (full, stopped)):
        g = result.effect("antidepressant")
        keep = charts.peak_preserving_indices(g, charts.MAX_ROWS // (2 * len(SERIES)))
        frames.append(pd.DataFrame({"day": result.time_h[keep] / HOURS_PER_DAY, "series": label, "value": g[keep]}))
    benefit = pd.concat(frames, ignore_index=True)
    sessions = pd.DataFrame({
        "day": full.session_start_h / HOURS_PER_DAY,
        "session": np.arange(1, full.session_start_h.size + 1),
        "value": full.session_peaks("dissociation"),
    })
    line = pd.DataFrame({"value": [float(line_g)]})

    def layout() -> alt.TopLevelMixin:
        x = alt.X("day:Q", title="Day of the course")
        lines = (
            alt.Chart(_table("benefit"))
            .mark_line()
            .encode(
                x=x,
                y=alt.Y("value:Q", title="Antidepressant effect (Hedges g)", scale=alt.Scale(domain=[0.0, 1.5])),
                color=alt.Color("series:N", title="Schedule", scale=alt.Scale(domain=list(SERIES), range=list(charts.PALETTE[:2]))),
                strokeDash=alt.StrokeDash("series:N", title="Schedule", scale=alt.Scale(domain=list(SERIES), range=[[1, 0], [6, 3]])),
                tooltip=[
                    alt.Tooltip("series:N", title="Schedule"),
                    alt.Tooltip("day:Q", title="Day", format=".1f"),
                    alt.Tooltip("value:Q", title="Hedges g", format=".2f"),
                ],
            )
        )
        rule = alt.Chart(_table("line")).mark_rule(strokeDash=[2, 2], color=charts.PALETTE[-1]).encode(y="value:Q")
        top = alt.layer(lines, rule).properties(
            width=charts.WIDTH, height=charts.HEIGHT, title="Antidepressant benefit; dotted: your benefit line"
        )
        bottom = (
            alt.Chart(_table("sessions"))
            .mark_line(color=charts.PALETTE[3], point=alt.OverlayMarkDef(color=charts.PALETTE[3], filled=True))
            .encode(
                x=x,
                y=alt.Y("value:Q", title="Peak dissociation (% of maximum)", scale=alt.Scale(domain=[0, 100])),
                tooltip=[
                    alt.Tooltip("session:Q", title="Infusion"),
                    alt.Tooltip("day:Q", title="Day", format=".1f"),
                    alt.Tooltip("value:Q", title="% of maximum", format=".0f"),
                ],
            )
            .properties(width=charts.WIDTH, height=charts.HEIGHT // 2 + 40, title="Dissociation at each infusion of this protocol")
        )
        return alt.vconcat(top, bottom).resolve_scale(x="shared")

    description = (
        f"Two charts over {full.time_h[-1] / HOURS_PER_DAY:.0f} days. Top: the antidepressant effect (Hedges g) of this "
        f"protocol, above the benefit line of g {line_g:.2f} for {numbers['above_line_percent']:.0f} % of the time after "
        f"induction, and of the same induction with no maintenance ({numbers['induction_only_above_percent']:.0f} %). "
        f"Bottom: peak dissociation at each of {numbers['sessions']} infusions, from {numbers['first_dissociation_percent']:.0f} % "
        f"of maximum at the first to {sessions['value'].iloc[-1]:.0f} % at the last."
    )
    return charts.Figure(("protocol",), layout, {"benefit": benefit, "sessions": sessions, "line": line}, description)


def protocol_explorer(patient: Patient | None = None) -> "SliderApp":
    """Induction then maintenance (P3), with an adjunct therapy (P4) or another NMDA blocker (T6): how long the
    antidepressant benefit stays above a line, how it compares with stopping after induction, and what happens
    to dissociation (tolerance) and craving.

    Sliders: dose (mg/kg), induction sessions (number), intervals (days), course length (weeks) and the line
    (Hedges g); ``app.numbers`` gives shares of time in % and effects in % of maximum.

    >>> app = protocol_explorer()   # 6 induction infusions 3 days apart, then one every 14 days; 16 weeks
    >>> n = app.numbers   # % of the time after induction with the benefit at or above g = 0.4
    >>> n["sessions"], n["above_line_percent"] > n["induction_only_above_percent"]
    (12, True)
    """
    base = patient or Patient()
    dropdown_style = {"style": dict(LABEL_STYLE), "layout": APP_LAYOUT}
    controls = {
        "dose_mg_per_kg": float_slider("Dose per infusion (mg/kg)", 0.1, 1.0, 0.05, 0.5),
        "induction_sessions": int_slider("Induction infusions (number)", 1, 12, 1, 6),
        "induction_every_days": float_slider("Induction: one every (days)", 1.0, 7.0, 0.5, 3.0),
        "maintenance_every_days": float_slider("Maintenance: one every (days)", 3.5, 42.0, 0.5, 14.0),
        "course_weeks": int_slider("Course length (weeks)", 4, 52, 1, 16),
        "adjunct": widgets.Dropdown(options=ADJUNCTS, value="none", description="Therapy alongside (type)", **dropdown_style),
        "also_takes": widgets.Dropdown(options=NMDA_MEDICINES, value="none", description="Also takes (NMDA blocker)", **dropdown_style),
        "line_g": float_slider("Benefit line (Hedges g)", 0.2, 1.2, 0.05, 0.4),
    }

    def build(v: dict):
        plan = protocol(v["dose_mg_per_kg"], v["induction_sessions"], v["induction_every_days"], v["maintenance_every_days"], v["course_weeks"])
        who = patient_for(v["adjunct"], v["also_takes"], base)
        full = simulate(who, plan.regimen, days=plan.course_days, **OUTPUT)
        stopped = simulate(who, plan.induction, days=plan.course_days, **OUTPUT)
        dissociation = full.session_peaks("dissociation")
        last_relative = float(100.0 * dissociation[-1] / dissociation[0])
        numbers = {
            "sessions": int(plan.regimen.session_count),
            "maintenance_sessions": int(plan.maintenance_sessions),
            "above_line_percent": time_above_percent(full, v["line_g"], plan.induction_end_day, plan.course_days),
            "induction_only_above_percent": time_above_percent(stopped, v["line_g"], plan.induction_end_day, plan.course_days),
            "first_dissociation_percent": float(dissociation[0]),
            "last_dissociation_relative_percent": last_relative,
            "max_craving_percent": float(full.effect("craving").max()),
        }
        text = (
            f"<b>{numbers['sessions']} infusions</b> in {v['course_weeks']} weeks ({plan.induction.session_count} induction, "
            f"{numbers['maintenance_sessions']} maintenance). From the last induction infusion (day {plan.induction_end_day:g}) "
            f"to the end, the benefit stays at or above g = {v['line_g']:.2f} for <b>{numbers['above_line_percent']:.0f} %</b> "
            f"of the time; stopping after induction: <b>{numbers['induction_only_above_percent']:.0f} %</b>."
            f"<br>Dissociation: {numbers['first_dissociation_percent']:.0f} % of maximum at the first infusion; the last "
            f"infusion gives <b>{last_relative:.0f} %</b> of the first's ({_tolerance_words(last_relative)}). Highest "
            f"craving: {numbers['max_craving_percent']:.1f} % of maximum."
        )
        return _figure(full, stopped, v["line_g"], numbers), text, numbers

    return SliderApp(
        "Induction, then maintenance (IV infusions over 40 min)", controls, build,
        help_text=(
            "Hedges g measures the benefit against placebo in standard deviations: about 1 on the day after one standard "
            "infusion, 0.2 is small. The model cannot tell you what a real patient needs: clinics choose doses and "
            "intervals from the patient's own response, side effects and blood pressure, not from a chart."
        ),
    )
