"""Lesson 01, one dose by route: the numbers and the chart the lesson shows, computed by the model.

Every function simulates the default 70 kg patient (``kettutor.Patient()``) and returns a short Markdown
sentence or table, so the lesson's prose never types a number that would change with the model.
``tests/test_lesson_01_claims.py`` checks the same claims on the model.
"""

from __future__ import annotations

import math
from functools import cache

import altair as alt
import numpy as np
import pandas as pd
from IPython.display import Markdown

from .. import charts
from ...patient import Patient
from ...regimen import Regimen
from ...solver.result import SimulationResult
from ...solver.simulate import simulate

DOSE_MG = 35.0  # 0.5 mg/kg for the default 70 kg patient: the app's default dose
INFUSION_MIN = 40.0  # the clinic's antidepressant infusion (0.5 mg/kg over 40 min)
ROUTES = {  # route code -> what a learner calls it (the same words as apps.route_comparison)
    "iv_bolus": "intravenous injection (bolus)",
    "iv_infusion": "intravenous (40-min infusion)",
    "im": "intramuscular injection",
    "intranasal": "nasal spray",
    "sublingual": "under the tongue",
    "oral": "swallowed",
}
FOLLOW_DAYS = 2.0  # long enough for ketamine (t1/2 ~3 h) and norketamine (~6 h) to be gone
TERMINAL_FROM_H, TERMINAL_TO_H = 6.0, 12.0  # well after distribution: the elimination phase


def patient() -> Patient:
    return Patient()


def regimen_for(route: str, dose_mg: float = DOSE_MG) -> Regimen:
    """One dose of ``dose_mg`` by ``route`` (``iv_infusion`` runs over 40 min)."""
    if route == "iv_infusion":
        return Regimen.single(dose_mg=dose_mg, infusion_min=INFUSION_MIN)
    return Regimen.single(dose_mg=dose_mg, route=route)


@cache
def by_route(route: str) -> SimulationResult:
    """The default patient after 35 mg by ``route`` (2 days, 2-min output near the dose)."""
    return simulate(patient(), regimen_for(route), days=FOLLOW_DAYS, dense_step_min=2.0)


@cache
def route_numbers() -> dict[str, dict[str, float]]:
    """Per route: share of the dose reaching the circulation, peak (ng/mL), time to peak (min), AUC (mg·h/L),
    mg removed by the liver's first pass, norketamine/ketamine AUC ratio."""
    numbers = {}
    for route in ROUTES:
        result = by_route(route)
        exposure = result.exposure()
        numbers[route] = {
            "fraction_absorbed": exposure.absorbed_mg / exposure.total_dose_mg,
            "absorbed_mg": exposure.absorbed_mg,
            "cmax_ng_per_ml": 1000.0 * exposure.cmax_mg_per_l,
            "tmax_min": 60.0 * exposure.tmax_h,
            "auc_mg_h_per_l": exposure.auc_mg_h_per_l,
            "first_pass_mg": float(result.accumulated("first_pass_mg")[-1]),
            "norketamine_ratio": exposure.norketamine_auc_mg_h_per_l / exposure.auc_mg_h_per_l,
        }
    return numbers


def route_table() -> Markdown:
    """Table: each route's share of the dose reaching the blood, its peak and its time to peak (35 mg, 70 kg)."""
    rows = [
        "| Route | Share of the dose that reaches the blood | Peak plasma level (ng/mL) | Time to the peak (min) |",
        "| --- | --- | --- | --- |",
    ]
    for route, label in ROUTES.items():
        n = route_numbers()[route]
        rows.append(f"| {label} | {100 * n['fraction_absorbed']:.0f} % | {n['cmax_ng_per_ml']:.0f} | {n['tmax_min']:.0f} |")
    return Markdown(
        f"The model's patient (70 kg) after **{DOSE_MG:g} mg** by each route:\n\n" + "\n".join(rows)
        + "\n\nThe intravenous injection's peak is read one minute after the injection, the first moment a blood "
        "sample could measure it."
    )


def first_pass_sentence() -> Markdown:
    """How much of a swallowed dose the liver removes before it reaches the circulation."""
    oral = route_numbers()["oral"]
    removed = oral["first_pass_mg"]
    return Markdown(
        f"Of {DOSE_MG:g} mg swallowed, the liver removes **{removed:.0f} mg ({100 * removed / DOSE_MG:.0f} %)** on the "
        f"first pass and turns it into norketamine; only **{oral['absorbed_mg']:.0f} mg "
        f"({100 * oral['fraction_absorbed']:.0f} %)** reaches the circulation as ketamine."
    )


def peak_versus_exposure_sentence() -> Markdown:
    """IM against the 40-min infusion: a higher peak, yet a little less total exposure."""
    im, infusion = route_numbers()["im"], route_numbers()["iv_infusion"]
    return Markdown(
        f"With {DOSE_MG:g} mg, the intramuscular injection peaks at **{im['cmax_ng_per_ml']:.0f} ng/mL** after "
        f"{im['tmax_min']:.0f} min, above the 40-min infusion's **{infusion['cmax_ng_per_ml']:.0f} ng/mL**, yet its total "
        f"exposure (AUC) is **{100 * im['auc_mg_h_per_l'] / infusion['auc_mg_h_per_l']:.0f} %** of the infusion's."
    )


@cache
def infusion_result() -> SimulationResult:
    """0.5 mg/kg over 40 min (the clinic's antidepressant infusion), 1-min output near the dose."""
    regimen = Regimen.single(dose_mg_per_kg=0.5, infusion_min=INFUSION_MIN)
    return simulate(patient(), regimen, days=FOLLOW_DAYS, dense_step_min=1.0, dense_window_h=13.0)


def level_at(result: SimulationResult, hours: float, series: str = "plasma") -> float:
    """Plasma ketamine ('plasma') or norketamine ('norketamine') at ``hours`` (mg/L), interpolated."""
    values = result.plasma_mg_per_l if series == "plasma" else result.norketamine_mg_per_l
    return float(np.interp(hours, result.time_h, values))


def half_life_h(result: SimulationResult, start_h: float, end_h: float, series: str = "plasma") -> float:
    """Half-life (h) of the fall between ``start_h`` and ``end_h``: (end - start) ln 2 / ln(C_start / C_end)."""
    ratio = level_at(result, start_h, series) / level_at(result, end_h, series)
    return (end_h - start_h) * math.log(2.0) / math.log(ratio)


@cache
def washout_numbers() -> dict[str, float]:
    """After 0.5 mg/kg over 40 min: peak, the level 20 min later, the fall an elimination half-life alone would
    give, the terminal half-lives of ketamine and norketamine (h)."""
    result = infusion_result()
    end = INFUSION_MIN / 60.0
    terminal = half_life_h(result, TERMINAL_FROM_H, TERMINAL_TO_H)
    return {
        "peak_ng_per_ml": 1000.0 * level_at(result, end),
        "after_20_min_ng_per_ml": 1000.0 * level_at(result, end + 1.0 / 3.0),
        "fall_percent": 100.0 * (1.0 - level_at(result, end + 1.0 / 3.0) / level_at(result, end)),
        "fall_by_elimination_percent": 100.0 * (1.0 - 2.0 ** (-(1.0 / 3.0) / terminal)),
        "terminal_half_life_h": terminal,
        "norketamine_half_life_h": half_life_h(result, 12.0, 24.0, "norketamine"),
    }


def washout_sentence() -> Markdown:
    """The two phases of the fall after the clinic's infusion, and the half-lives."""
    n = washout_numbers()
    return Markdown(
        f"After 0.5 mg/kg over 40 min, plasma ketamine peaks at **{n['peak_ng_per_ml']:.0f} ng/mL** when the infusion "
        f"stops and is down to **{n['after_20_min_ng_per_ml']:.0f} ng/mL** twenty minutes later: a fall of "
        f"{n['fall_percent']:.0f} %. Elimination alone would have removed only {n['fall_by_elimination_percent']:.0f} % "
        f"in those 20 minutes; the rest moved into the tissues. From about 6 h on, the level halves every "
        f"**{n['terminal_half_life_h']:.1f} h** (ketamine's elimination half-life) and norketamine's every "
        f"**{n['norketamine_half_life_h']:.1f} h**."
    )


def norketamine_sentence() -> Markdown:
    """Norketamine exposure relative to ketamine's, swallowed against injected."""
    numbers = route_numbers()
    oral, bolus = numbers["oral"]["norketamine_ratio"], numbers["iv_bolus"]["norketamine_ratio"]
    return Markdown(
        f"Over the two days after {DOSE_MG:g} mg, the body sees **{oral:.0f} times** as much norketamine as ketamine "
        f"(ratio of the areas under the curves) when the dose is swallowed, against **{bolus:.0f} times** after an "
        "intravenous injection."
    )


def washout_chart() -> alt.TopLevelMixin:
    """Ketamine and norketamine in plasma over 24 h after 35 mg injected or swallowed, on a log scale."""
    charts.use_offline()
    frames = []
    for route, label in (("iv_bolus", "injected into a vein"), ("oral", "swallowed")):
        result = by_route(route)
        keep = (result.time_h <= 24.0) & (result.time_h >= 1.0 / 60.0)
        for substance, values in (("ketamine", result.plasma_mg_per_l), ("norketamine", result.norketamine_mg_per_l)):
            level = 1000.0 * values[keep]
            shown = level >= 1.0  # a log axis cannot show zero: levels below 1 ng/mL are left out
            frames.append(pd.DataFrame({
                "time_h": result.time_h[keep][shown], "level": level[shown], "substance": substance, "route": f"{DOSE_MG:g} mg {label}",
            }))
    frame = pd.concat(frames, ignore_index=True)
    substances, routes = ["ketamine", "norketamine"], sorted(frame["route"].unique())
    chart = (
        alt.Chart(frame)
        .mark_line()
        .encode(
            x=alt.X("time_h:Q", title="Time since the dose (h)"),
            y=alt.Y("level:Q", title="Plasma level (ng/mL, log scale)", scale=alt.Scale(type="log")),
            color=alt.Color("substance:N", title="Substance", scale=alt.Scale(domain=substances, range=list(charts.PALETTE[:2]))),
            strokeDash=alt.StrokeDash("route:N", title="Dose", scale=alt.Scale(domain=routes, range=[[1, 0], [6, 3]])),
            tooltip=[
                alt.Tooltip("substance:N", title="Substance"), alt.Tooltip("route:N", title="Dose"),
                alt.Tooltip("time_h:Q", title="Time (h)", format=".1f"), alt.Tooltip("level:Q", title="ng/mL", format=".0f"),
            ],
        )
        .properties(
            width=charts.WIDTH, height=charts.HEIGHT,
            title="Ketamine and norketamine after one dose (a straight fall = a constant half-life)",
        )
    )
    n = washout_numbers()
    return chart.properties(
        description=(
            f"Line chart, log scale: plasma ketamine and norketamine over 24 h after {DOSE_MG:g} mg injected or swallowed. "
            f"Ketamine falls steeply at first, then halves every {n['terminal_half_life_h']:.1f} h; norketamine halves every "
            f"{n['norketamine_half_life_h']:.1f} h and, after the swallowed dose, stays far above ketamine."
        )
    )
