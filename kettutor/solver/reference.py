"""Reference solution of the same model with ``scipy.integrate.solve_ivp``, for checking the fast engine.

It integrates the full cascade (linear PK, nonlinear drives, slow states and running totals) as one ODE
system segment by segment between dosing boundaries, applying bolus doses as jumps. Slow but
independent of the modal engine's algebra; tests require the two to agree to 1e-6.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.integrate import solve_ivp

from ..science.effects import PHARMACODYNAMICS, PharmacodynamicParameters
from .engine import dosing_schedule
from .model import LinearModel, build_model
from ..patient import Patient
from ..science.pk import Disposition
from ..regimen import HOURS_PER_DAY, Regimen


@dataclass(frozen=True)
class ReferenceOutput:
    """Reference trajectories at the requested times (one patient)."""

    time_h: np.ndarray
    fast: dict[str, np.ndarray]  # name -> (T,)
    amounts: np.ndarray  # (n, T)
    accumulators: np.ndarray  # (n_acc, T)
    slow: np.ndarray  # (ns, T)


def solve_reference(
    model: LinearModel,
    regimen: Regimen,
    output_times: np.ndarray,
    *,
    rtol: float = 1e-10,
    atol: float = 1e-13,
    method: str = "LSODA",
    patient_index: int = 0,
) -> ReferenceOutput:
    """Integrate the model for one patient of ``model`` with ``solve_ivp``."""
    schedule = dosing_schedule(model, regimen)
    i = patient_index
    a = model.fast_matrix[i]
    n = a.shape[0]
    acc_rates, acc_inputs = model.accumulator_rates[i], model.accumulator_inputs
    sizes = [stage.matrix.shape[1] for stage in model.stages]
    ns, nacc = sum(sizes), acc_rates.shape[0]
    drive_rows = np.stack([model.outputs[name][i] for name in model.drive_names])
    count = model.fast_matrix.shape[0]

    def rhs(_t: float, y: np.ndarray, rate: np.ndarray) -> np.ndarray:
        x, slow = y[:n], y[n + nacc :]
        # the batched drive functions see this patient's values in every batch slot
        fast = {name: np.full((count, 1), row @ x) for name, row in zip(model.drive_names, drive_rows)}
        derivatives, offset = [a @ x + rate, acc_rates @ x + acc_inputs @ rate], 0
        for stage, size in zip(model.stages, sizes):
            earlier = np.repeat(slow[None, :offset, None], count, axis=0)
            u = stage.drives(fast, earlier)[i, :, 0]
            derivatives.append(stage.matrix[i] @ slow[offset : offset + size] + stage.input[i] @ u)
            offset += size
        return np.concatenate(derivatives)

    y = np.zeros(n + nacc + ns)
    y[n + nacc :] = model.slow_initial[i]
    boundaries = schedule.times_h
    result = np.empty((n + nacc + ns, output_times.size))
    for k, t0 in enumerate(boundaries):
        y[:n] += schedule.jumps[i, k]
        y[n : n + nacc] += acc_inputs @ schedule.jumps[i, k]
        t1 = boundaries[k + 1] if k + 1 < boundaries.size else max(output_times[-1], t0)
        in_segment = (output_times >= t0) & ((output_times < t1) | (k + 1 == boundaries.size))
        if t1 <= t0:
            result[:, in_segment] = y[:, None]
            continue
        wanted = output_times[in_segment]
        t_eval = np.append(wanted, t1) if wanted.size == 0 or wanted[-1] < t1 else wanted
        sol = solve_ivp(
            rhs, (t0, t1), y, method=method, rtol=rtol, atol=atol, args=(schedule.rates[i, k],),
            t_eval=t_eval, first_step=1e-6,
        )
        if not sol.success:
            raise ArithmeticError(f"reference integration failed: {sol.message}")
        result[:, in_segment] = sol.y[:, : wanted.size]
        y = sol.y[:, -1].copy()
    x = result[:n]
    fast = {name: model.outputs[name][i] @ x for name in model.outputs}
    return ReferenceOutput(output_times, fast, x, result[n : n + nacc], result[n + nacc :])


def simulate_reference(
    patient: Patient,
    regimen: Regimen,
    *,
    days: float,
    output_times_h: np.ndarray | None = None,
    rtol: float = 1e-10,
    atol: float = 1e-13,
    method: str = "LSODA",
    disposition: Disposition | None = None,
    pd: PharmacodynamicParameters = PHARMACODYNAMICS,
) -> ReferenceOutput:
    """Reference simulation of one patient (hourly output unless ``output_times_h`` is given)."""
    model = build_model([patient], regimen, disposition=disposition, pd=pd)
    times = np.arange(0.0, days * HOURS_PER_DAY + 1e-9, 1.0) if output_times_h is None else np.asarray(output_times_h)
    return solve_reference(model, regimen, times, rtol=rtol, atol=atol, method=method)
