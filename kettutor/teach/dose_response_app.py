"""A slider app for lesson 02: from concentration to effect.

One intravenous dose (an injection, or an infusion over up to an hour) and three views of what it does:

1. plasma and effect-site ketamine over the first hours, with the EC50 of the chosen effect as a line;
2. the chosen effect against the level: against the effect site it is one S-shaped curve (the
   concentration-effect curve, crossing 50 % at the EC50); against plasma it is a loop (hysteresis),
   because the effect site lags plasma;
3. the chosen acute effect and the antidepressant effect over two weeks: one is gone within hours, the
   other peaks about a day later and lasts days.

Educational model, not medical advice: it shows what the simulated patient does, never what anyone should take.
"""

from __future__ import annotations

import dataclasses

import altair as alt
import ipywidgets as widgets
import numpy as np
import pandas as pd

from . import charts
from ..science.effects import ACUTE_EFFECTS, PHARMACODYNAMICS
from ..patient import Patient
from ..solver.peaks import MIXING_TIME_H
from ..regimen import Regimen
from ..solver.simulate import simulate
from .slider_app import APP_LAYOUT, LABEL_STYLE, SliderApp, float_slider, int_slider

EFFECT_LABELS = {"dissociation": "dissociation", "analgesia": "analgesia (pain relief)", "anesthesia": "anaesthesia"}
EFFECT_SHORT = {"dissociation": "dissociation", "analgesia": "analgesia", "anesthesia": "anaesthesia"}
FOLLOW_DAYS = 14.0  # long enough to see the antidepressant effect come and go (lost by days 10-12, K4)
FINE_STEP_MIN, DENSE_WINDOW_H = 0.25, 6.0  # output step while the acute effects come and go
FINE_SHOWN_MIN = 20.0  # the first 20 min are shown at the fine step (an injection's effect site peaks within 2 min)
SHOWN_STEP_MIN = 1.0  # later minutes are shown every minute
DAYS_ROWS = 600  # rows of the two-week table (thinned, peaks kept)
SHOWN_FLOOR_NG_PER_ML = 1.0  # a log axis cannot show zero: lower levels are left out of the curve view
LAG_CHECK_MIN = 5.0  # the readout compares plasma and effect site this long after dosing ends
GONE_PERCENT = 10.0  # an acute effect below 10 % of its maximum counts as worn off
BENEFIT_THRESHOLD_G = 0.2  # a small effect size: below it the benefit counts as lost (Kishimoto 2016)


def _table(name: str) -> alt.NamedData:
    return alt.NamedData(name=name, format=alt.DataFormat(type="csv"))


def _series(title: str, domain: list[str]) -> dict:
    """Colour and line style by series: colour is never the only cue."""
    dashes = [[1, 0], [6, 3], [2, 2]][: len(domain)]
    return {
        "color": alt.Color("series:N", title=title, scale=alt.Scale(domain=domain, range=list(charts.PALETTE[: len(domain)]))),
        "strokeDash": alt.StrokeDash("series:N", title=title, scale=alt.Scale(domain=domain, range=dashes)),
    }


def dose_regimen(dose_mg_per_kg: float, infusion_min: float) -> Regimen:
    """One intravenous dose: an injection (``infusion_min`` 0) or an infusion over ``infusion_min`` minutes."""
    if infusion_min <= 0:
        return Regimen.single(dose_mg_per_kg=dose_mg_per_kg)
    return Regimen.single(dose_mg_per_kg=dose_mg_per_kg, infusion_min=infusion_min)


def summarise(result, effect: str) -> dict:
    """The readout's numbers for one simulated dose (times from the start of dosing)."""
    time_min = 60.0 * result.time_h
    site = result.effect_site_mg_per_l
    acute = result.effect(effect)
    benefit = result.effect("antidepressant")
    exposure = result.exposure()
    site_peak = int(np.argmax(site))
    effect_peak = float(result.session_peaks(effect)[0])
    top = int(np.argmax(acute))
    below = np.flatnonzero((acute < GONE_PERCENT) & (np.arange(acute.size) > top))
    benefit_peak = int(np.argmax(benefit))
    above = np.flatnonzero(benefit >= BENEFIT_THRESHOLD_G)
    lag_h = result.regimen.end_h + LAG_CHECK_MIN / 60.0
    plasma_then = float(np.interp(lag_h, result.time_h, result.plasma_mg_per_l))
    site_then = float(np.interp(lag_h, result.time_h, site))
    lasts_beyond = above.size and above[-1] == benefit.size - 1
    return {
        "plasma_peak_ng_per_ml": 1000.0 * exposure.cmax_mg_per_l,
        "plasma_peak_min": 60.0 * exposure.tmax_h,
        "effect_site_peak_ng_per_ml": 1000.0 * float(site[site_peak]),
        "effect_site_peak_min": float(time_min[site_peak]),
        "plasma_after_dose_percent_of_peak": 100.0 * plasma_then / exposure.cmax_mg_per_l,
        "effect_site_after_dose_percent_of_peak": 100.0 * site_then / float(site[site_peak]),
        "ec50_ng_per_ml": 1000.0 * ACUTE_EFFECTS[effect].ec50_mg_per_l,
        "effect_peak_percent": effect_peak,
        "effect_below_10_percent_h": float(result.time_h[below[0]]) if effect_peak >= GONE_PERCENT and below.size else None,
        "antidepressant_peak_g": float(benefit[benefit_peak]),
        "antidepressant_peak_h": float(result.time_h[benefit_peak]),
        "antidepressant_above_0_2_until_day": float(result.time_days[above[-1]]) if above.size and not lasts_beyond else None,
        "antidepressant_above_0_2_at_the_end": bool(lasts_beyond),
    }


def _readout(n: dict, effect: str, infusion_min: float) -> str:
    label = EFFECT_SHORT[effect]
    how, ends = ("after the injection", "the injection") if infusion_min <= 0 else ("after the infusion started", "the infusion ends")
    text = (
        f"Plasma peaks at <b>{n['plasma_peak_ng_per_ml']:.0f} ng/mL</b> {n['plasma_peak_min']:.0f} min {how}; the effect site, "
        f"where the drug acts, peaks at <b>{n['effect_site_peak_ng_per_ml']:.0f} ng/mL</b> at {n['effect_site_peak_min']:.1f} min. "
        f"{LAG_CHECK_MIN:.0f} min after {ends}, plasma is down to {n['plasma_after_dose_percent_of_peak']:.0f} % of its peak, the "
        f"effect site only to {n['effect_site_after_dose_percent_of_peak']:.0f} %: the effect site lags."
        f"<br>{label.capitalize()} (EC50 {n['ec50_ng_per_ml']:.0f} ng/mL in the effect site) peaks at "
        f"<b>{n['effect_peak_percent']:.0f} %</b> of its maximum"
    )
    if n["effect_below_10_percent_h"] is not None:
        text += f" and is below {GONE_PERCENT:.0f} % by <b>{n['effect_below_10_percent_h']:.1f} h</b>."
    else:
        text += "."
    text += (
        f"<br>The antidepressant effect is largest <b>{n['antidepressant_peak_h']:.0f} h</b> after the start "
        f"(effect size g = {n['antidepressant_peak_g']:.2f}, Hedges' g against placebo)"
    )
    if n["antidepressant_above_0_2_until_day"] is not None:
        text += f" and stays at g ≥ {BENEFIT_THRESHOLD_G:g} until <b>day {n['antidepressant_above_0_2_until_day']:.1f}</b>."
    elif n["antidepressant_above_0_2_at_the_end"]:
        text += f" and is still at g ≥ {BENEFIT_THRESHOLD_G:g} on day {FOLLOW_DAYS:.0f}, the end of the chart."
    else:
        text += f" and never reaches g = {BENEFIT_THRESHOLD_G:g}."
    return text


def _shown_minutes(time_min: np.ndarray) -> np.ndarray:
    """Indices shown in the first two views: every sample of the first minutes, then one a minute, to 6 h."""
    quarter = np.rint(time_min / FINE_STEP_MIN)
    on_grid = np.isclose(time_min, quarter * FINE_STEP_MIN)
    whole = np.isclose(time_min, np.rint(time_min / SHOWN_STEP_MIN) * SHOWN_STEP_MIN)
    keep = (time_min <= 60.0 * DENSE_WINDOW_H) & on_grid & ((time_min <= FINE_SHOWN_MIN) | whole)
    return np.flatnonzero(keep)


def concentration_effect_figure(result, effect: str) -> charts.Figure:
    """The app's three stacked views (see the module docstring); parameter ``window_min`` trims the first two."""
    n = summarise(result, effect)
    label = EFFECT_SHORT[effect]
    time_min = 60.0 * result.time_h
    shown = _shown_minutes(time_min)
    acute = result.effect(effect)
    names = ["plasma", "effect site"]
    levels = pd.concat(
        [pd.DataFrame({"time_min": time_min[shown], "series": name, "level": 1000.0 * values[shown], "effect": acute[shown]})
         for name, values in zip(names, (result.plasma_mg_per_l, result.effect_site_mg_per_l))],
        ignore_index=True,
    )
    if result.regimen.events[0].duration_h == 0.0:  # an injection: plasma from one mixing time on, as a sample could measure it
        levels = levels[(levels["series"] != "plasma") | (levels["time_min"] >= 60.0 * MIXING_TIME_H)].reset_index(drop=True)
    day_names = [label, "antidepressant"]
    g_max = PHARMACODYNAMICS.antidepressant_max_g
    slow = np.stack([acute, 100.0 * result.effect("antidepressant") / g_max])
    kept = charts.peak_preserving_indices(slow, DAYS_ROWS // 2)
    days = pd.concat(
        [pd.DataFrame({"day": result.time_days[kept], "series": name, "value": slow[i, kept]}) for i, name in enumerate(day_names)],
        ignore_index=True,
    )
    ec50 = pd.DataFrame({"ec50": [n["ec50_ng_per_ml"]], "half": [50.0]})
    height = 170
    rule = {"strokeDash": [2, 3], "color": charts.PALETTE[-1]}

    def layout() -> alt.TopLevelMixin:
        window = alt.param(name="window_min", value=120.0)
        in_window = alt.datum.time_min <= window
        over_time = alt.layer(
            alt.Chart(_table("levels")).mark_line().encode(
                x=alt.X("time_min:Q", title="Time since the dose started (min)"),
                y=alt.Y("level:Q", title="Ketamine (ng/mL)"),
                tooltip=[alt.Tooltip("series:N", title="Ketamine in"), alt.Tooltip("time_min:Q", title="min", format=".2f"),
                         alt.Tooltip("level:Q", title="ng/mL", format=".0f")],
                **_series("Ketamine in", names),
            ).transform_filter(in_window),
            alt.Chart(_table("ec50")).mark_rule(**rule).encode(y="ec50:Q"),
        ).properties(width=charts.WIDTH, height=height, title=f"Ketamine in plasma and at the effect site (dotted: EC50 of {label})")
        curve = alt.layer(
            alt.Chart(_table("levels")).mark_line().encode(
                x=alt.X("level:Q", title="Ketamine level (ng/mL, log scale)", scale=alt.Scale(type="log")),
                y=alt.Y("effect:Q", title=f"{label.capitalize()} (% of max.)", scale=alt.Scale(domain=[0, 100])),
                order="time_min:Q",
                tooltip=[alt.Tooltip("series:N", title="Level in"), alt.Tooltip("time_min:Q", title="min", format=".2f"),
                         alt.Tooltip("level:Q", title="ng/mL", format=".0f"), alt.Tooltip("effect:Q", title="%", format=".0f")],
                **_series("Ketamine in", names),
            ).transform_filter(in_window & (alt.datum.level >= SHOWN_FLOOR_NG_PER_ML)),
            alt.Chart(_table("ec50")).mark_rule(**rule).encode(x="ec50:Q"),
            alt.Chart(_table("ec50")).mark_rule(**rule).encode(y="half:Q"),
        ).properties(width=charts.WIDTH, height=height, title=f"{label.capitalize()} against each level: a loop (plasma) or one curve (effect site)")
        over_days = alt.Chart(_table("days")).mark_line().encode(
            x=alt.X("day:Q", title="Days since the dose"),
            y=alt.Y("value:Q", title="Effect (% of its maximum)", scale=alt.Scale(domain=[0, 100])),
            tooltip=[alt.Tooltip("series:N", title="Effect"), alt.Tooltip("day:Q", title="Day", format=".2f"),
                     alt.Tooltip("value:Q", title="% of maximum", format=".0f")],
            **_series("Effect", day_names),
        ).properties(width=charts.WIDTH, height=height, title=f"Two weeks: {label} and the antidepressant effect")
        return alt.vconcat(over_time, curve, over_days).add_params(window).resolve_scale(color="independent", strokeDash="independent")

    tables = {"levels": levels, "days": days, "ec50": ec50}
    description = (
        f"Three charts. First: plasma and effect-site ketamine over time; plasma peaks at {n['plasma_peak_ng_per_ml']:.0f} ng/mL, the "
        f"effect site at {n['effect_site_peak_ng_per_ml']:.0f} ng/mL and falls more slowly. Second: {label} against each level: one "
        f"S-shaped curve against the effect site, crossing 50 % at the EC50 of {n['ec50_ng_per_ml']:.0f} ng/mL, and a loop against "
        f"plasma. Third: over {FOLLOW_DAYS:.0f} days, {label} peaks at {n['effect_peak_percent']:.0f} % and is gone within hours, "
        f"while the antidepressant effect peaks after {n['antidepressant_peak_h']:.0f} h and fades over days."
    )
    extra = {"description": description} if "description" in {f.name for f in dataclasses.fields(charts.Figure)} else {}
    return charts.Figure(("concentration_effect", effect), layout, tables, **extra)


def concentration_effect_explorer(patient: Patient | None = None) -> SliderApp:
    """From concentration to effect: the effect site lags plasma, each effect has its own EC50, and the
    antidepressant effect comes a day later and lasts days while the acute effects are gone within hours.

    Sliders: dose (mg/kg) and infusion time (min); ``app.numbers`` gives concentrations in ng/mL, times in min
    or h, effects in % of maximum and the antidepressant effect in Hedges g.

    >>> app = concentration_effect_explorer()   # 0.5 mg/kg over 40 min
    >>> n = app.numbers
    >>> n["effect_site_after_dose_percent_of_peak"] > n["plasma_after_dose_percent_of_peak"]   # % of peak 5 min later
    True
    >>> 12 < n["antidepressant_peak_h"] < 48   # h: the antidepressant effect peaks about a day later
    True
    """
    patient = patient or Patient()
    controls = {
        "dose_mg_per_kg": float_slider("Dose (mg/kg)", 0.1, 2.0, 0.05, 0.5),
        "infusion_min": int_slider("Given over (min; 0 = injection)", 0, 60, 5, 40),
        "effect": widgets.Dropdown(
            options=[(label, name) for name, label in EFFECT_LABELS.items()], value="dissociation",
            description="Effect shown", style=dict(LABEL_STYLE), layout=APP_LAYOUT,
        ),
    }
    view = {"window": (float_slider("Minutes shown (min)", 10.0, 360.0, 10.0, 120.0), "window_min")}

    def build(v: dict):
        regimen = dose_regimen(v["dose_mg_per_kg"], v["infusion_min"])
        result = simulate(patient, regimen, days=FOLLOW_DAYS, dense_step_min=FINE_STEP_MIN, dense_window_h=DENSE_WINDOW_H)
        n = summarise(result, v["effect"])
        numbers = dict(n)
        return concentration_effect_figure(result, v["effect"]), _readout(n, v["effect"], v["infusion_min"]), numbers

    return SliderApp("From concentration to effect", controls, build, view)


__all__ = ["concentration_effect_explorer", "concentration_effect_figure", "dose_regimen", "summarise"]
