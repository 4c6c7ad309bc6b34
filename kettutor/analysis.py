"""Derived quantities for lessons: dose-response on any day, the dose that restores the first response,
and the time to recover after a course.

Each is measured the way a clinician would: by giving the simulated patient a *probe session* (the
regimen's own route and infusion time) on a chosen day, after the regimen's earlier sessions, and reading
the session's peak. Nothing is computed from the adaptation states directly.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import brentq

from ._validate import check_number
from .effects import check_effect
from .patient import Patient
from .regimen import HOURS_PER_DAY, MAX_DOSE_MG_PER_KG, Regimen
from .stepper import SessionStepper

DEFAULT_PROBE_DOSES_MG_PER_KG = np.array([0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0])


def _probe_stepper(patient: Patient, regimen: Regimen, day: float) -> SessionStepper:
    first = regimen.events[0]
    if regimen.events[0].route == "esketamine_nasal_spray":
        raise ValueError("probe sessions use a single dose per session; esketamine spray regimens are not supported here.")
    stepper = SessionStepper(patient, first.route, first.duration_h * 60 if first.duration_h else None, history=regimen)
    stepper.start_after(regimen, check_number("day", day, "days", low=0.0, high=3650.0, low_inclusive=True) * HOURS_PER_DAY)
    return stepper


def _probe_response(stepper: SessionStepper, effect: str, dose_mg_per_kg: float) -> float:
    window = stepper.window(dose_mg_per_kg, stepper.time_h + HOURS_PER_DAY)
    return float(window.session_peaks(effect)[0])


def first_dose_mg_per_kg(patient: Patient, regimen: Regimen) -> float:
    """The first session's dose in mg/kg (summed over its events)."""
    first = [e for e in regimen.events if e.session == 0]
    return sum(e.dose_mg_per_kg(patient.weight_kg) for e in first)


def dose_response(
    patient: Patient,
    regimen: Regimen,
    *,
    day: float,
    effect: str = "dissociation",
    doses_mg_per_kg: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Peak ``effect`` of probe sessions on ``day`` of ``regimen``, for each dose (mg/kg).

    Day 0 gives the naive curve; a later day shows the curve shifted right by tolerance (or left by
    sensitization). Returns ``(doses_mg_per_kg, responses)``.
    """
    effect = check_effect(effect)
    doses = DEFAULT_PROBE_DOSES_MG_PER_KG if doses_mg_per_kg is None else np.asarray(doses_mg_per_kg, dtype=float)
    for dose in doses:
        check_number("probe dose", dose, "mg/kg", low=0.0, high=MAX_DOSE_MG_PER_KG)
    stepper = _probe_stepper(patient, regimen, day)
    return doses, np.array([_probe_response(stepper, effect, d) for d in doses])


def dose_to_match_first_response(patient: Patient, regimen: Regimen, *, day: float, effect: str = "dissociation") -> float:
    """Dose (mg/kg) a probe session on ``day`` needs to give the first session's peak ``effect``."""
    effect = check_effect(effect)
    first_dose = first_dose_mg_per_kg(patient, regimen)
    naive = _probe_response(_probe_stepper(patient, regimen, 0.0), effect, first_dose)
    stepper = _probe_stepper(patient, regimen, day)
    if _probe_response(stepper, effect, MAX_DOSE_MG_PER_KG) < naive:
        raise ValueError(f"no dose up to {MAX_DOSE_MG_PER_KG:g} mg/kg restores the first response on day {day:g}.")
    return float(brentq(lambda d: _probe_response(stepper, effect, d) - naive, 1e-4, MAX_DOSE_MG_PER_KG, xtol=1e-4))


def recovery_days(
    patient: Patient,
    regimen: Regimen,
    *,
    effect: str = "dissociation",
    fraction: float = 0.9,
    max_days: float = 730.0,
) -> float:
    """Days after the regimen's last session until a probe of the first dose again gives ``fraction``
    of the first session's peak ``effect`` (0 if it never fell that far; ``inf`` if not within
    ``max_days``). Resolution: 0.1 day."""
    effect = check_effect(effect)
    fraction = check_number("fraction", fraction, "of the first response", low=0.0, high=1.0)
    max_days = check_number("max_days", max_days, "days", low=0.0, high=3650.0)
    dose = first_dose_mg_per_kg(patient, regimen)
    naive = _probe_response(_probe_stepper(patient, regimen, 0.0), effect, dose)
    last_day = regimen.session_start_h[-1] / HOURS_PER_DAY

    def recovered(after_days: float) -> bool:
        stepper = _probe_stepper(patient, regimen, last_day + after_days + 1e-6)
        return _probe_response(stepper, effect, dose) >= fraction * naive

    if recovered(0.0):
        return 0.0
    lo, hi = 0.0, 1.0
    while not recovered(hi):
        lo, hi = hi, hi * 2
        if lo >= max_days:
            return float("inf")
    while hi - lo > 0.1:
        mid = 0.5 * (lo + hi)
        lo, hi = (lo, mid) if recovered(mid) else (mid, hi)
    return float(hi)


def challenge_response(
    patient: Patient,
    pretreatment: Regimen,
    *,
    day: float,
    effect: str = "locomotor",
    challenge: Regimen | None = None,
) -> float:
    """Peak ``effect`` of a challenge session on ``day`` after ``pretreatment`` started, as a fraction of a
    drug-naive patient's response to the same challenge (> 1: sensitized, < 1: tolerant).

    The challenge defaults to 0.5 mg/kg IV over 40 min, the design of the sensitization studies
    (Trujillo 2008) translated to the clinic's infusion.
    """
    from .simulate import simulate  # analysis sits below simulate in the import order

    effect = check_effect(effect)
    challenge = challenge or Regimen.single(dose_mg_per_kg=0.5, infusion_min=40)
    day = check_number("day", day, "days", low=0.0, high=3650.0)
    gap = day - pretreatment.session_start_h[-1] / HOURS_PER_DAY
    if gap <= pretreatment.end_h / HOURS_PER_DAY - pretreatment.session_start_h[-1] / HOURS_PER_DAY:
        raise ValueError(f"day must fall after the pretreatment's last dose ends (day {pretreatment.end_h / 24:.2f}); got {day:g}.")
    naive = simulate(patient, challenge, days=2).session_peaks(effect)[0]
    treated = simulate(patient, pretreatment.then(challenge, gap_days=gap), days=day + 2)
    return float(treated.session_peaks(effect)[-1] / naive)
