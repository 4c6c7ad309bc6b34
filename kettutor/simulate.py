"""The front door: ``simulate(patient, regimen, days=...)``, a pure function of its inputs."""

from __future__ import annotations

import math
from dataclasses import replace
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ._validate import check_number, warn_outside
from .effects import PHARMACODYNAMICS, PharmacodynamicParameters
from .engine import EXACT, EngineOutput, Quadrature, dosing_schedule, run
from .model import LinearModel, build_model
from .patient import Patient
from .pk import Disposition
from .regimen import HOURS_PER_DAY, Regimen
from .result import SimulationResult
from .routes import get_route

if TYPE_CHECKING:
    from .cohort import Cohort

MAX_SIMULATED_DAYS = 3650.0  # ten years
DEFAULT_FOLLOW_UP_DAYS = 14.0


def output_grid(
    regimen: Regimen | None,
    end_h: float,
    *,
    dense_step_min: float = 5.0,
    dense_window_h: float = 6.0,
    sparse_step_h: float = 1.0,
    start_h: float = 0.0,
    extra_h: np.ndarray | None = None,
) -> np.ndarray:
    """Output times (h) from ``start_h`` to ``end_h``: every ``dense_step_min`` from each dose until
    ``dense_window_h`` after it ends, every ``sparse_step_h`` otherwise, plus every dose boundary and any
    ``extra_h``."""
    sparse = start_h + np.arange(0.0, end_h - start_h, sparse_step_h)
    step_h = dense_step_min / 60.0
    parts = [sparse, [end_h], [] if extra_h is None else extra_h]
    events = regimen.events if regimen is not None else ()
    starts = np.array([e.time_h for e in events])
    stops = np.array([e.time_h + e.duration_h for e in events])
    parts += [starts, stops]
    counts = np.ceil((stops - starts + dense_window_h) / step_h).astype(int) + 1
    if counts.size and counts.sum() > 0:
        offsets = np.arange(counts.max()) * step_h
        dense = starts[:, None] + offsets[None, :]
        mask = offsets[None, :] <= (stops - starts + dense_window_h)[:, None]
        parts.append(dense[mask])
    grid = np.unique(np.concatenate([np.asarray(p, dtype=float) for p in parts]))
    return grid[(grid >= start_h) & (grid <= end_h)]


def _check_inputs(patient: object, regimen: object) -> None:
    if not isinstance(patient, Patient):
        raise ValueError(f"patient must be a kettutor.Patient; got {type(patient).__name__}. Try kettutor.Patient().")
    if not isinstance(regimen, Regimen):
        raise ValueError(f"regimen must be a kettutor.Regimen; got {type(regimen).__name__}. Try kettutor.Regimen.single(...).")


def _warn_doses(patients: Sequence[Patient], regimen: Regimen) -> None:
    """Warn about doses (or maintenance infusion rates) beyond each route's validated range."""
    distinct = {replace(e, time_h=0.0, session=0) for e in regimen.events}  # a course repeats a few doses
    for patient in patients:
        worst: dict[str, float] = {}
        for e in distinct:
            per_kg = e.dose_mg_per_kg(patient.weight_kg)
            if e.duration_h > 1.0:  # a maintenance infusion: judge the rate, not the total
                rate = per_kg / e.duration_h
                warn_outside("infusion rate", rate, "mg/kg/h", 0.0, 3.0, "Idvall 1979 maintenance ~2.5 mg/kg/h")
                continue
            worst[e.route] = max(worst.get(e.route, 0.0), per_kg)
        for route, per_kg in worst.items():
            limit = get_route(route).validated_max_dose_mg_per_kg
            warn_outside(f"{route} dose", per_kg, "mg/kg", 0.0, limit, get_route(route).sources[-1][1])


def simulate_patients(
    patients: Sequence[Patient],
    regimen: Regimen,
    *,
    days: float | None = None,
    dense_step_min: float = 5.0,
    dense_window_h: float = 6.0,
    sparse_step_h: float = 1.0,
    disposition: Disposition | None = None,
    pd: PharmacodynamicParameters = PHARMACODYNAMICS,
    quadrature: Quadrature = EXACT,
) -> tuple[LinearModel, EngineOutput]:
    """Simulate several patients on one regimen at once (the batched core of :func:`simulate`)."""
    for patient in patients:
        _check_inputs(patient, regimen)
    if days is None:
        days = math.ceil(regimen.end_h / HOURS_PER_DAY + DEFAULT_FOLLOW_UP_DAYS)
    days = check_number("days", days, "days", low=0.0, high=MAX_SIMULATED_DAYS)
    dense_step_min = check_number("dense_step_min", dense_step_min, "min", low=0.0, high=60.0)
    dense_window_h = check_number("dense_window_h", dense_window_h, "h", low=0.0, high=48.0, low_inclusive=True)
    sparse_step_h = check_number("sparse_step_h", sparse_step_h, "h", low=0.0, high=24.0)
    _warn_doses(patients, regimen)
    end_h = days * HOURS_PER_DAY
    model = build_model(patients, regimen, disposition=disposition, pd=pd)
    schedule = dosing_schedule(model, regimen)
    grid = output_grid(regimen, end_h, dense_step_min=dense_step_min, dense_window_h=dense_window_h, sparse_step_h=sparse_step_h)
    return model, run(model, schedule, grid, quadrature=quadrature)


def simulate(
    patient: "Patient | Cohort",
    regimen: Regimen,
    *,
    days: float | None = None,
    dense_step_min: float = 5.0,
    dense_window_h: float = 6.0,
    sparse_step_h: float = 1.0,
    disposition: Disposition | None = None,
    pd: PharmacodynamicParameters = PHARMACODYNAMICS,
) -> SimulationResult:
    """Simulate ``patient`` on ``regimen`` for ``days`` days (default: the course plus 14 days).

    Output is every ``dense_step_min`` minutes from each dose until ``dense_window_h`` hours after it,
    and every ``sparse_step_h`` hours otherwise; session peaks and Cmax use a finer internal grid.
    ``disposition`` swaps the PK parameter set (see :data:`kettutor.DISPOSITIONS`).

    Given a :class:`kettutor.Cohort` instead of a patient, simulates every patient (vectorised, in chunks)
    and returns a :class:`kettutor.cohort.CohortResult` of per-patient summaries and population views.
    """
    from .cohort import Cohort, simulate_cohort  # cohorts build on this module

    if isinstance(patient, Cohort):
        return simulate_cohort(patient, regimen, days=days)
    model, output = simulate_patients(
        [patient],
        regimen,
        days=days,
        dense_step_min=dense_step_min,
        dense_window_h=dense_window_h,
        sparse_step_h=sparse_step_h,
        disposition=disposition,
        pd=pd,
    )
    return SimulationResult(patient, regimen, model, output)
