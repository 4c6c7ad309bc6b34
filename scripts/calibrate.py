"""Reproduce kettutor's calibrated parameters (run: python scripts/calibrate.py).

Each calibration names its target, finds the parameter by root finding on the model itself, and prints the
value written into the package, so a reviewer can check that the code and this script agree:

- oral gut absorption rate: Tmax 31 min (primidi ~30 min; Chong 2006: 0.96 h); a faster rate would raise the
  0.5 mg/kg Cmax towards 45 +/- 10 ng/mL (Zanos 2018 Table 1) but move Tmax below 30 min;
- IM absorption rate: 10 mg/kg IM reaches surgical depth in 3.5 min (Ketalar label: 3-4 min at 9-13 mg/kg);
- intranasal absorption rate: Tmax 20 min (ketamine-pkpd.md section 2a). Sublingual and rectal doses are
  mostly swallowed (their F is barely above the oral F), so their Tmax follows the gut's; the script prints it;
- esketamine spray absorption rate: Tmax 30 min after the first device (Spravato label: 20-40 min);
- antidepressant trigger: g = 1.0 24 h after 0.5 mg/kg IV over 40 min (Kishimoto 2016);
- esketamine's antidepressant scale: g = 0.35 on day 28 of 56 mg twice weekly (TRANSFORM-2; 8 RCTs, SMD 0.41);
- ticlopidine's systemic effect: esketamine spray AUC +29 % (Spravato label), bounded below by no change.

The adaptation rates (kettutor/science/adaptation.py) are illustrative: each names the phenomenon it was chosen
for, and the validation report (python -m kettutor.validation) checks them at other regimens and weights.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from scipy.optimize import brentq

import kettutor
from kettutor import comedications, effects, pk, routes

PATIENT = kettutor.Patient()  # 70 kg, the reference weight of every parameter set
STANDARD_INFUSION = kettutor.Regimen.single(dose_mg_per_kg=0.5, infusion_min=40)
TMAX_TARGET_H = {"intranasal": 20 / 60}


def with_route(route: str, ka: float) -> None:
    """Set ``route``'s absorption rate (1/h) in the route table the model reads."""
    routes.ROUTES[route] = replace(routes.ROUTES[route], absorption_rate_per_h=ka)


def with_gut_rate(gut_ka: float) -> None:
    """Set racemic ketamine's gut absorption rate (1/h) in the disposition table the model reads."""
    pk.DISPOSITIONS["ketamine"] = replace(pk.DISPOSITIONS["ketamine"], gut_absorption_rate_per_h=gut_ka)


def oral_tmax_h(gut_ka: float) -> float:
    with_gut_rate(gut_ka)
    return tmax_h("oral", None)


def oral_cmax_ng_per_ml() -> float:
    """Ketamine Cmax (ng/mL) of 0.5 mg/kg oral at the current gut absorption rate."""
    regimen = kettutor.Regimen.single(dose_mg_per_kg=0.5, route="oral")
    return kettutor.simulate(PATIENT, regimen, days=1).exposure().cmax_mg_per_l * 1000


def surgical_onset_min(ka: float) -> float:
    with_route("im", ka)
    result = kettutor.simulate(PATIENT, kettutor.Regimen.single(dose_mg_per_kg=10.0, route="im"), days=0.2, dense_step_min=0.02)
    above = result.effect_site_mg_per_l >= effects.SURGICAL_ANAESTHESIA_CE_MG_PER_L
    return float(result.time_h[np.argmax(above)] * 60) if above.any() else float("inf")


def tmax_h(route: str, ka: float | None) -> float:
    """Tmax (h) of 25 mg by ``route``, with absorption rate ``ka`` (1/h; ``None`` keeps the route's)."""
    if ka is not None and route != "oral":
        with_route(route, ka)
    result = kettutor.simulate(PATIENT, kettutor.Regimen.single(dose_mg=25, route=route), days=1, dense_step_min=0.25)
    return result.exposure().tmax_h


def spray_tmax_h(ka: float) -> float:
    with_route("esketamine_nasal_spray", ka)
    return kettutor.simulate(PATIENT, kettutor.Regimen.esketamine_spray(56), days=1).exposure().tmax_h


def g_at_24_h(trigger_per_h: float) -> float:
    pd = replace(kettutor.PHARMACODYNAMICS, antidepressant_trigger_per_h=trigger_per_h)
    result = kettutor.simulate(PATIENT, STANDARD_INFUSION, days=2, pd=pd)
    return float(np.interp(24.0, result.time_h, result.effect("antidepressant")))


def esketamine_g_day_28(scale: float) -> float:
    disposition = replace(pk.ESKETAMINE, antidepressant_drive_scale=scale)
    regimen = kettutor.Regimen.esketamine_spray(56, every_days=3.5, doses=8)
    result = kettutor.simulate(PATIENT, regimen, days=29, disposition=disposition)
    return float(np.interp(28 * 24.0, result.time_h, result.effect("antidepressant")))


def ticlopidine_spray_auc_ratio(systemic_auc_ratio: float) -> float:
    comedications.COMEDICATIONS["ticlopidine"] = replace(
        comedications.COMEDICATIONS["ticlopidine"], systemic_auc_ratio=systemic_auc_ratio
    )
    regimen = kettutor.Regimen.esketamine_spray(84)
    alone = kettutor.simulate(PATIENT, regimen, days=3).exposure().auc_mg_h_per_l
    both = kettutor.simulate(PATIENT.with_comedication("ticlopidine"), regimen, days=3).exposure().auc_mg_h_per_l
    return both / alone


def solve(function, target: float, low: float, high: float) -> float:
    return brentq(lambda x: function(x) - target, low, high, xtol=1e-5)


if __name__ == "__main__":
    gut_ka = solve(oral_tmax_h, 31.0 / 60.0, 0.3, 10.0)
    tmax = oral_tmax_h(gut_ka)  # also leaves the calibrated rate in place for the routes below
    print(f"Disposition.gut_absorption_rate_per_h = {gut_ka:.2f} 1/h (Tmax {tmax * 60:.1f} min, 0.5 mg/kg Cmax {oral_cmax_ng_per_ml():.1f} ng/mL)")
    ka = solve(lambda k: min(surgical_onset_min(k), 60.0), 3.5, 3.0, 50.0)
    print(f"ROUTES['im'].absorption_rate_per_h = {ka:.2f} 1/h (surgical depth at {surgical_onset_min(ka):.2f} min)")
    for route, target in TMAX_TARGET_H.items():
        ka = solve(lambda k, r=route: tmax_h(r, k), target, 0.3, 20.0)
        print(f"ROUTES[{route!r}].absorption_rate_per_h = {ka:.2f} 1/h (Tmax {tmax_h(route, ka) * 60:.1f} min)")
    for route in ("sublingual", "rectal"):
        print(f"ROUTES[{route!r}]: Tmax {tmax_h(route, None) * 60:.1f} min at its absorption rate")
    ka = solve(spray_tmax_h, 0.5, 1.0, 20.0)
    print(f"ROUTES['esketamine_nasal_spray'].absorption_rate_per_h = {ka:.2f} 1/h (Tmax {spray_tmax_h(ka) * 60:.1f} min)")
    trigger = solve(g_at_24_h, 1.0, 0.5, 10.0)
    print(f"PharmacodynamicParameters.antidepressant_trigger_per_h = {trigger:.3f} 1/h")
    scale = solve(esketamine_g_day_28, 0.35, 0.01, 1.0)
    print(f"ESKETAMINE.antidepressant_drive_scale = {scale:.3f}")
    ratio = solve(ticlopidine_spray_auc_ratio, 1.29, 0.8, 1.5)
    print(
        f"COMEDICATIONS['ticlopidine'].systemic_auc_ratio = {max(ratio, 1.0):.2f} (solved {ratio:.2f}; an inhibitor "
        f"cannot lower exposure, so no systemic change: spray AUC x{ticlopidine_spray_auc_ratio(max(ratio, 1.0)):.2f})"
    )
