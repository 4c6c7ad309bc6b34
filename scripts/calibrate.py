"""Reproduce kettutor's illustrative calibrations (run: python scripts/calibrate.py).

Prints the values written into kettutor/effects.py and kettutor/routes.py / pk.py:
- the antidepressant trigger rate giving peak benefit B = 1 after 0.5 mg/kg IV over 40 min (fact 5);
- each route's absorption rate giving the tabulated Tmax (ketamine-pkpd.md section 2a), and the
  esketamine spray's giving Tmax 30 min after the last device (Spravato label: 20-40 min).
"""

from dataclasses import replace

import numpy as np
from scipy.optimize import brentq

import kettutor
from kettutor import pk, routes
from kettutor.model import SLOW_STATES
from kettutor.simulate import simulate_patients

STANDARD_INFUSION = kettutor.Regimen.single(dose_mg_per_kg=0.5, infusion_min=40)
TMAX_TARGET_H = {"im": 0.25, "intranasal": 20 / 60, "sublingual": 0.75, "rectal": 40 / 60, "oral": 0.96}


def peak_benefit(trigger_per_h: float) -> float:
    pd = replace(kettutor.PHARMACODYNAMICS, antidepressant_trigger_per_h=trigger_per_h)
    _, out = simulate_patients([kettutor.Patient()], STANDARD_INFUSION, days=4, pd=pd)
    return float(out.slow[0, SLOW_STATES.index("benefit")].max())


def tmax_h(route: str, ka: float, gut_ka: float) -> float:
    """Model Tmax (h) of a 25 mg dose by ``route`` with absorption rate ``ka`` and gut rate ``gut_ka`` (1/h)."""
    disposition = replace(pk.RACEMIC_KETAMINE, gut_absorption_rate_per_h=gut_ka)
    if route != "oral":
        routes.ROUTES[route] = replace(routes.ROUTES[route], absorption_rate_per_h=ka)
    regimen = kettutor.Regimen.single(dose_mg=25, route=route)
    result = kettutor.simulate(kettutor.Patient(), regimen, days=1, dense_step_min=0.25, disposition=disposition)
    return float(result.time_h[np.argmax(result.plasma_mg_per_l)])


def spray_tmax_after_last_device_h(ka: float) -> float:
    """Model Tmax (h after the second device) of a 56 mg esketamine spray session."""
    routes.ROUTES["esketamine_nasal_spray"] = replace(routes.ROUTES["esketamine_nasal_spray"], absorption_rate_per_h=ka)
    result = kettutor.simulate(kettutor.Patient(), kettutor.Regimen.esketamine_spray(56), days=1, dense_step_min=0.25)
    return float(result.time_h[np.argmax(result.plasma_mg_per_l)]) - routes.SPRAY_DEVICE_GAP_MIN / 60


if __name__ == "__main__":
    print(f"antidepressant_trigger_per_h = {1.0 / peak_benefit(1.0):.4f}")
    gut_ka = brentq(lambda k: tmax_h("oral", k, k) - TMAX_TARGET_H["oral"], 0.3, 20.0, xtol=1e-4)
    print(f"oral: gut absorption rate {gut_ka:.3f} 1/h -> Tmax {tmax_h('oral', gut_ka, gut_ka) * 60:.1f} min")
    for route in ("im", "intranasal", "sublingual", "rectal"):
        ka = brentq(lambda k, r=route: tmax_h(r, k, gut_ka) - TMAX_TARGET_H[r], 0.3, 20.0, xtol=1e-4)
        print(f"{route}: absorption rate {ka:.3f} 1/h -> Tmax {tmax_h(route, ka, gut_ka) * 60:.1f} min")
    ka = brentq(lambda k: spray_tmax_after_last_device_h(k) - 0.5, 1.0, 20.0, xtol=1e-4)
    print(f"esketamine spray: absorption rate {ka:.3f} 1/h -> Tmax {spray_tmax_after_last_device_h(ka) * 60:.1f} min after last device")
