"""Lesson 11, the detective: what the model says about causes of a falling response other than tolerance.

Each ``*_numbers`` function asks the model (cached); the functions without that suffix turn the numbers
into the short Markdown sentence the lesson shows. ``tests/test_lesson_11_claims.py`` checks the same claims.
"""

from __future__ import annotations

from functools import cache

import numpy as np
from IPython.display import Markdown

from ...patient import Patient
from ...regimen import Regimen
from ...solver.simulate import simulate
from ..mystery_app import CASES, CAUSE_LABELS, DAY, DISSOCIATION, EXTRA, LEVEL, ROUTE, SCORE, TAKEN, VISIT, case_file

ORAL_DOSE_MG_PER_KG = 1.0  # a swallowed dose within the model's validated oral range
IV_DOSE_MG_PER_KG, IV_INFUSION_MIN = 0.5, 40.0  # the clinic's antidepressant infusion
ROUTE_CHANGE_DOSE_MG = 70.0  # 1 mg/kg for the default 70 kg patient: within both routes' validated range
LATE_VISITS_FROM = 15  # the score's trend is read over visits 15-24, well after every change


def _oral(dose_mg_per_kg: float = ORAL_DOSE_MG_PER_KG) -> Regimen:
    return Regimen.single(dose_mg_per_kg=dose_mg_per_kg, route="oral")


def _iv() -> Regimen:
    return Regimen.single(dose_mg_per_kg=IV_DOSE_MG_PER_KG, infusion_min=IV_INFUSION_MIN)


@cache
def _single(comedications: tuple[str, ...], route: str) -> dict:
    """Exposure and acute peaks of one dose (``route``: 'oral' or 'iv') in the default 70 kg patient."""
    result = simulate(Patient(comedications=comedications), _oral() if route == "oral" else _iv(), days=2)
    exposure = result.exposure()
    return {
        "auc_mg_h_per_l": exposure.auc_mg_h_per_l,
        "cmax_ng_per_ml": 1000.0 * exposure.cmax_mg_per_l,
        "dissociation_percent": float(result.session_peaks("dissociation")[0]),
    }


def exposure_ratio(comedication: str, route: str) -> float:
    """AUC of one dose with ``comedication`` / AUC without it (route 'oral' or 'iv'), default 70 kg patient."""
    return _single((comedication,), route)["auc_mg_h_per_l"] / _single((), route)["auc_mg_h_per_l"]


def inducer_numbers() -> dict:
    """Rifampicin: the exposure ratios by mouth and by infusion, and the oral dose's dissociation without and with it."""
    return {
        "oral_ratio": exposure_ratio("rifampicin", "oral"),
        "iv_ratio": exposure_ratio("rifampicin", "iv"),
        "oral_dissociation_without": _single((), "oral")["dissociation_percent"],
        "oral_dissociation_with": _single(("rifampicin",), "oral")["dissociation_percent"],
    }


def inducer_by_route() -> Markdown:
    n = inducer_numbers()
    return Markdown(
        f"In the simulated 70 kg patient, rifampicin cuts the exposure (the area under the blood-level curve) of "
        f"{ORAL_DOSE_MG_PER_KG:g} mg/kg swallowed to **{100 * n['oral_ratio']:.0f} %** of what it was, but that of a "
        f"{IV_DOSE_MG_PER_KG:g} mg/kg infusion only to **{100 * n['iv_ratio']:.0f} %** (measured: −86 % by mouth, "
        f"−14 % intravenously; Peltoniemi 2012). The swallowed dose's peak dissociation falls from "
        f"**{n['oral_dissociation_without']:.0f} %** to **{n['oral_dissociation_with']:.1f} %**: the response collapses "
        "although the brain is exactly as sensitive as before."
    )


def stopped_inhibitor_numbers() -> dict:
    """Grapefruit juice and clarithromycin: the oral exposure ratio while taken, and what stopping leaves."""
    return {
        name: {"while_taken": exposure_ratio(name, "oral"), "after_stopping": 1.0 / exposure_ratio(name, "oral")}
        for name in ("grapefruit_juice", "clarithromycin")
    }


def stopped_inhibitor() -> Markdown:
    n = stopped_inhibitor_numbers()
    juice, antibiotic = n["grapefruit_juice"], n["clarithromycin"]
    return Markdown(
        f"Taken with grapefruit juice, the same swallowed dose gives **{juice['while_taken']:.1f} times** the exposure "
        f"(measured ×3.0, Peltoniemi 2012); with clarithromycin **{antibiotic['while_taken']:.1f} times** (measured ×2.6, "
        f"Hagelberg 2010). When the juice or the antibiotic course stops, exposure falls to "
        f"**{100 * juice['after_stopping']:.0f} %** or **{100 * antibiotic['after_stopping']:.0f} %** of what the patient "
        "had become used to: a falling response with no tolerance at all."
    )


def dose_raised_for_an_inducer() -> Markdown:
    factor = 1.0 / inducer_numbers()["oral_ratio"]
    return Markdown(
        "Had the swallowed dose been raised until the old response came back, stopping rifampicin would turn that "
        f"same dose into about **{factor:.0f} times** the exposure the patient was used to, once rifampicin's effect "
        "on the liver has worn off: an overdose created by the fix itself."
    )


@cache
def route_change_numbers() -> dict:
    """The same 70 mg as a nasal spray and swallowed (default 70 kg patient): peak, exposure, dissociation."""
    out = {}
    for route in ("intranasal", "oral"):
        result = simulate(Patient(), Regimen.single(dose_mg=ROUTE_CHANGE_DOSE_MG, route=route), days=2)
        exposure = result.exposure()
        out[route] = {
            "cmax_ng_per_ml": 1000.0 * exposure.cmax_mg_per_l,
            "auc_mg_h_per_l": exposure.auc_mg_h_per_l,
            "dissociation_percent": float(result.session_peaks("dissociation")[0]),
        }
    out["peak_ratio"] = out["oral"]["cmax_ng_per_ml"] / out["intranasal"]["cmax_ng_per_ml"]
    out["auc_ratio"] = out["oral"]["auc_mg_h_per_l"] / out["intranasal"]["auc_mg_h_per_l"]
    return out


def route_change() -> Markdown:
    n = route_change_numbers()
    spray, swallowed = n["intranasal"], n["oral"]
    return Markdown(
        f"The same {ROUTE_CHANGE_DOSE_MG:g} mg (1 mg/kg for a 70 kg patient): as a nasal spray it peaks at "
        f"**{spray['cmax_ng_per_ml']:.0f} ng/mL** with **{spray['dissociation_percent']:.0f} %** dissociation; swallowed, "
        f"at **{swallowed['cmax_ng_per_ml']:.0f} ng/mL** with **{swallowed['dissociation_percent']:.0f} %**. The peak is "
        f"**{100 * n['peak_ratio']:.0f} %** and the total exposure **{100 * n['auc_ratio']:.0f} %** of the spray's "
        "(bioavailability about 45 % for the spray, 23 % swallowed: Yanagihara 2003; Chong 2006)."
    )


@cache
def benzodiazepine_numbers() -> dict:
    """Antidepressant effect 1 and 3 days after the clinic infusion, and its peak level and dissociation, with and
    without a benzodiazepine (usual dose and above 8 mg diazepam-equivalent a day)."""
    out = {}
    for label, comedications in (("none", ()), ("usual", ("benzodiazepine",)), ("high", ("benzodiazepine_high_dose",))):
        result = simulate(Patient(comedications=comedications), _iv(), days=4)
        benefit = result.effect("antidepressant")
        out[label] = {
            "day1_g": float(np.interp(24.0, result.time_h, benefit)),
            "day3_g": float(np.interp(72.0, result.time_h, benefit)),
            "cmax_ng_per_ml": 1000.0 * result.exposure().cmax_mg_per_l,
            "dissociation_percent": float(result.session_peaks("dissociation")[0]),
        }
    for label in ("usual", "high"):
        for day in ("day1_g", "day3_g"):
            out[label][day.replace("_g", "_fraction")] = out[label][day] / out["none"][day]
    return out


def benzodiazepine_benefit() -> Markdown:
    n = benzodiazepine_numbers()
    usual, high = n["usual"], n["high"]
    return Markdown(
        f"After one {IV_DOSE_MG_PER_KG:g} mg/kg infusion, a usual benzodiazepine dose leaves **{100 * usual['day1_fraction']:.0f} %** "
        f"of the day-1 benefit and **{100 * usual['day3_fraction']:.0f} %** of the day-3 benefit; a dose above 8 mg "
        f"diazepam-equivalent leaves **{100 * high['day1_fraction']:.0f} %** and **{100 * high['day3_fraction']:.0f} %**. "
        f"The peak blood level ({n['none']['cmax_ng_per_ml']:.0f} ng/mL) and the dissociation "
        f"({n['none']['dissociation_percent']:.0f} %) are the same with or without it."
    )


def first_changed_visit(table) -> int | None:
    """The first visit the hidden change can show at: after the first logged extra dose, else the change itself."""
    extra = table[EXTRA] > 0
    return int(table[VISIT][extra].min()) + 1 if extra.any() else None


@cache
def answer_key_numbers() -> dict:
    """For each cause, over its four cases in the app: after/before ratios of blood level and dissociation, the
    score's change (after - before medians) and its trend over visits 15-24 (points per week), and the log."""
    key: dict[str, dict[str, list]] = {}
    for number in range(1, CASES + 1):
        case = case_file(number)
        t = case.table
        at = first_changed_visit(t) or case.change_visit
        before, after = t[t[VISIT] < at], t[t[VISIT] >= at]
        late = t[t[VISIT] >= LATE_VISITS_FROM]
        row = key.setdefault(case.cause, {k: [] for k in ("level", "dissociation", "score", "trend", "missed", "extra", "routes")})
        row["level"].append(after[LEVEL].median() / before[LEVEL].median())
        row["dissociation"].append(after[DISSOCIATION].median() / before[DISSOCIATION].median())
        row["score"].append(after[SCORE].median() - before[SCORE].median())
        row["trend"].append(7.0 * np.polyfit(late[DAY], late[SCORE], 1)[0])
        row["missed"].append(int((t[TAKEN] == 0).sum()))
        row["extra"].append(int(t[EXTRA].sum()))
        row["routes"].append(int(t[ROUTE].nunique()))
    return key


def _log(row: dict) -> str:
    if max(row["missed"]) > 0:
        return "gaps (missed doses)"
    if max(row["extra"]) > 0:
        return "extra doses at home"
    if max(row["routes"]) > 1:
        return "route changes"
    return "as planned"


def _number(value: float, fmt: str) -> str:
    text = f"{value:{fmt}}"
    return text.replace("-", "+" if "+" in fmt else "") if float(text) == 0 else text  # no "-0.0"


def _span(values: list, fmt: str) -> str:
    return f"{_number(min(values), fmt)} to {_number(max(values), fmt)}"


def signature_table() -> Markdown:
    key = answer_key_numbers()
    lines = [
        "| cause | dosing log | blood level per dose (after ÷ before) | dissociation per dose (after ÷ before) "
        "| depression score (after − before, points) | score trend, visits 15-24 (points per week) |",
        "|---|---|---|---|---|---|",
    ]
    for cause, label in CAUSE_LABELS.items():
        row = key[cause]
        lines.append(
            f"| {label} | {_log(row)} | {_span(row['level'], '.2f')} | {_span(row['dissociation'], '.2f')} "
            f"| {_span(row['score'], '+.1f')} | {_span(row['trend'], '+.1f')} |"
        )
    return Markdown("\n".join(lines) + "\n\nEach cell gives the range over that cause's four cases (medians of the visits "
                    "before and after the change).")
