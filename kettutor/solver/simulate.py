"""The front door: ``simulate(patient, regimen, days=...)``, a pure function of its inputs."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from .._validate import check_number, shown, warn_outside
from ..science.effects import PHARMACODYNAMICS, PharmacodynamicParameters
from .engine import EXACT, EngineOutput, Quadrature, dosing_schedule, run
from .model import LinearModel, build_model
from ..patient import Patient
from ..science.pk import Disposition
from ..regimen import HOURS_PER_DAY, Regimen
from .result import SimulationResult
from ..science.routes import get_route

MAX_SIMULATED_DAYS = 3650.0  # ten years
DEFAULT_FOLLOW_UP_DAYS = 14.0
# Output times one simulation may have: every default-grid run fits (ten years of back-to-back dense sampling
# is about 1.05 million); each output time costs about 1.3 kB while the result is built and read.
MAX_OUTPUT_POINTS = 2_000_000


def _dense_counts(starts: np.ndarray, spans: np.ndarray, step_h: float, start_h: float, end_h: float) -> tuple[np.ndarray, np.ndarray]:
    """For each dose, the first and one past the last multiple of ``step_h`` after its start that the dense
    grid needs: up to ``spans`` (the dose and its dense window), within [start_h, end_h]."""
    with np.errstate(over="ignore", invalid="ignore"):
        first = np.maximum(np.ceil((start_h - starts) / step_h), 0.0)
        stop = np.ceil(np.minimum(spans, end_h - starts) / step_h) + 1.0
    stop = np.where(starts > end_h, 0.0, stop)
    return first, np.maximum(stop, first)


def output_size(
    regimen: Regimen | None,
    end_h: float,
    *,
    dense_step_min: float = 5.0,
    dense_window_h: float = 6.0,
    sparse_step_h: float = 1.0,
    start_h: float = 0.0,
) -> float:
    """An upper bound of the number of times :func:`output_grid` returns, computed without building them."""
    events = regimen.events if regimen is not None else ()
    starts = np.array([e.time_h for e in events])
    spans = np.array([e.duration_h for e in events]) + dense_window_h
    first, stop = _dense_counts(starts, spans, dense_step_min / 60.0, start_h, end_h)
    return math.ceil((end_h - start_h) / sparse_step_h) + 1.0 + 2.0 * len(events) + float((stop - first).sum())


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
    spans = stops - starts + dense_window_h
    # each dose's dense times start + k step (k step <= span), only those k that can fall in [start_h, end_h]
    first, stop = (values.astype(np.int64) for values in _dense_counts(starts, spans, step_h, start_h, end_h))
    counts = stop - first
    if counts.size and counts.sum() > 0:
        begins = np.cumsum(counts) - counts
        k = np.arange(counts.sum()) - np.repeat(begins - first, counts)
        offsets = k * step_h
        dense = np.repeat(starts, counts) + offsets
        parts.append(dense[offsets <= np.repeat(spans, counts)])
    grid = np.unique(np.concatenate([np.asarray(p, dtype=float) for p in parts]))
    return grid[(grid >= start_h) & (grid <= end_h)]


def _check_inputs(patient: object, regimen: object) -> None:
    if not isinstance(patient, Patient):
        raise ValueError(f"patient must be a kettutor.Patient; got {type(patient).__name__}. Try kettutor.Patient().")
    if not isinstance(regimen, Regimen):
        raise ValueError(f"regimen must be a kettutor.Regimen; got {type(regimen).__name__}. Try kettutor.Regimen.single(...).")


def check_parameter_sets(regimen: Regimen, disposition: object, pd: object) -> None:
    """The parameter sets passed to a simulation: their types, and a disposition that suits the regimen's routes."""
    if disposition is not None and not isinstance(disposition, Disposition):
        raise ValueError(
            "disposition must be a kettutor.Disposition (for example kettutor.DISPOSITIONS['ketamine']) or None for the "
            f"regimen's own drug; got {shown(disposition)} of type {type(disposition).__name__}."
        )
    if not isinstance(pd, PharmacodynamicParameters):
        raise ValueError(
            "pd must be a kettutor.PharmacodynamicParameters (for example kettutor.PHARMACODYNAMICS); "
            f"got {shown(pd)} of type {type(pd).__name__}."
        )
    if disposition is None:
        return
    for route in sorted({e.route for e in regimen.events}):
        bioavailability = get_route(route).bioavailability
        if get_route(route).kind == "mucosal" and disposition.oral_bioavailability > bioavailability:
            raise ValueError(
                f"oral_bioavailability of the disposition must be <= the {route} route's bioavailability ({bioavailability:g}), "
                f"since part of a {route} dose is swallowed; got {disposition.oral_bioavailability:g}."
            )


def default_days(regimen: Regimen) -> float:
    """The course plus DEFAULT_FOLLOW_UP_DAYS, in whole days, up to MAX_SIMULATED_DAYS."""
    return float(min(math.ceil(regimen.end_h / HOURS_PER_DAY + DEFAULT_FOLLOW_UP_DAYS), MAX_SIMULATED_DAYS))


def check_days(regimen: Regimen, days: object) -> float:
    """``days`` (None: :func:`default_days`), long enough to reach the regimen's first dose."""
    if days is None:
        return default_days(regimen)
    days = check_number("days", days, "days", low=0.0, high=MAX_SIMULATED_DAYS)
    first_day = regimen.events[0].time_h / HOURS_PER_DAY
    if days * HOURS_PER_DAY <= regimen.events[0].time_h:
        raise ValueError(
            f"days must be > {first_day:g} days (the regimen's first dose starts on day {first_day:g}) and <= "
            f"{MAX_SIMULATED_DAYS:g}; got {days:g}."
        )
    return days


def _warn_doses(patients: Sequence[Patient], regimen: Regimen) -> None:
    """Warn about doses (or maintenance infusion rates) beyond each route's validated range."""
    distinct = {(e.amount, e.unit, e.route, e.duration_h): e for e in regimen.events}.values()  # a course repeats a few doses
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
    check_parameter_sets(regimen, disposition, pd)
    days = check_days(regimen, days)
    dense_step_min = check_number("dense_step_min", dense_step_min, "min", low=0.0, high=60.0)
    dense_window_h = check_number("dense_window_h", dense_window_h, "h", low=0.0, high=48.0, low_inclusive=True)
    sparse_step_h = check_number("sparse_step_h", sparse_step_h, "h", low=0.0, high=24.0)
    end_h = days * HOURS_PER_DAY
    size = output_size(regimen, end_h, dense_step_min=dense_step_min, dense_window_h=dense_window_h, sparse_step_h=sparse_step_h)
    if size > MAX_OUTPUT_POINTS:  # counted before any array is built
        raise ValueError(
            f"dense_step_min ({dense_step_min:g} min), dense_window_h ({dense_window_h:g} h) and sparse_step_h ({sparse_step_h:g} h) "
            f"over days ({days:g} days) of this regimen must give at most {MAX_OUTPUT_POINTS:,} output times; got about "
            f"{size:,.0f}. Raise dense_step_min or sparse_step_h, or simulate fewer days."
        )
    _warn_doses(patients, regimen)
    model = build_model(patients, regimen, disposition=disposition, pd=pd)
    schedule = dosing_schedule(model, regimen)
    grid = output_grid(regimen, end_h, dense_step_min=dense_step_min, dense_window_h=dense_window_h, sparse_step_h=sparse_step_h)
    return model, run(model, schedule, grid, quadrature=quadrature)


_POPULATIONS: dict[type, Callable] = {}  # groups of patients simulate() accepts, and what simulates them


def register_population(kind: type, simulate_all: Callable) -> None:
    """Let :func:`simulate` accept a ``kind`` of patient group (a :class:`~kettutor.Cohort`), simulated by
    ``simulate_all(group, regimen, days=, disposition=, pd=)``. Cohorts register themselves, so this module
    never imports the cohort module that builds on it."""
    _POPULATIONS[kind] = simulate_all


def simulate(
    patient: "Patient | Cohort",  # noqa: F821 (a registered population; this module never imports cohorts)
    regimen: Regimen,
    *,
    days: float | None = None,
    dense_step_min: float = 5.0,
    dense_window_h: float = 6.0,
    sparse_step_h: float = 1.0,
    disposition: Disposition | None = None,
    pd: PharmacodynamicParameters = PHARMACODYNAMICS,
) -> SimulationResult:
    """Simulate ``patient`` on ``regimen`` for ``days`` days (default: the course plus 14 days, at most 3650).

    Output is every ``dense_step_min`` minutes from each dose until ``dense_window_h`` hours after it,
    and every ``sparse_step_h`` hours otherwise; session peaks and Cmax use a finer internal grid.
    ``disposition`` swaps the PK parameter set (see :data:`kettutor.DISPOSITIONS`).

    Given a :class:`kettutor.Cohort` instead of a patient, simulates every patient (vectorised, in chunks)
    and returns a :class:`kettutor.solver.cohort.CohortResult` of per-patient summaries and population views (a
    cohort keeps per-session peaks and daily values, so the output-time settings do not apply to it).

    >>> from kettutor import Cohort, Patient, Regimen, simulate
    >>> infusion = Regimen.single(dose_mg_per_kg=0.5, infusion_min=40)   # 0.5 mg/kg over 40 min
    >>> result = simulate(Patient(), infusion, days=1)
    >>> bool(0.15 < result.plasma_mg_per_l.max() < 0.30)   # peak plasma ketamine (mg/L)
    True
    >>> simulate(Cohort.sample(10, seed=1), infusion, days=1).session_cmax_mg_per_l.shape   # (patients, sessions), mg/L
    (10, 1)
    """
    population = next((run_all for kind, run_all in _POPULATIONS.items() if isinstance(patient, kind)), None)
    if population is not None:
        grid = {"dense_step_min": (dense_step_min, 5.0), "dense_window_h": (dense_window_h, 6.0), "sparse_step_h": (sparse_step_h, 1.0)}
        for name, (value, default) in grid.items():
            if not (isinstance(value, (int, float)) and value == default):
                raise ValueError(
                    f"{name} must be left at its default ({default:g}) for a cohort: it sets one patient's output times, while a "
                    f"cohort keeps per-session peaks and daily values; got {shown(value)}."
                )
        return population(patient, regimen, days=days, disposition=disposition, pd=pd)
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
