"""The fast solver: exact modal solution of the linear PK system and quadrature-exact slow states.

Between dosing boundaries the input is constant, so in modal coordinates ``z = V^{-1} x`` (with
``A = V diag(lambda) V^{-1}``) every state is a closed-form sum of exponentials:

.. math::

    z(t_k + \\tau) = z_k e^{\\lambda \\tau} + \\beta_k \\frac{e^{\\lambda \\tau} - 1}{\\lambda},
    \\qquad \\beta_k = V^{-1} r_k

evaluated for all output times at once. Slow states obey ``s' = S s + G u(t)`` with ``u`` a nonlinear
function of the effect site; each mode ``mu`` is propagated exactly across panels,
``y_{j+1} = e^{mu h_j} y_j + q_j``, where ``q_j`` integrates ``e^{mu(t_{j+1}-s)} u(s)`` with Gauss-Legendre
nodes on panels refined right after every dosing boundary, with fewer points where the drive is smooth. The panel recurrence
is a blocked cumulative sum, so the whole year is vectorised.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .model import LinearModel
from .regimen import Regimen

GAUSS_RULES = {order: np.polynomial.legendre.leggauss(order) for order in (3, 4, 6)}
# Quadrature order by how long after the last boundary a panel starts: 6 points inside the refined zone
# (fast distribution, steep drive onset), 4 points up to LATE_PANEL_H (smooth, minutes-scale changes), and
# 3 points later, when the effect site decays on its terminal half-life and an hourly panel is exact to ~1e-8.
REFINED_ZONE_H = 300.0 / 3600.0
LATE_PANEL_H = 6.0
# Panel edges added after every boundary (h), doubling from 0.1 s to ~3.4 min, then 5 min: after a bolus the
# effect site crosses the drive's EC50 within about a second, and distribution has a 0.4 min half-life.
REFINEMENT_OFFSETS_H = np.append(0.1 * 2.0 ** np.arange(12), 300.0) / 3600.0
MAX_EXPONENT = 600.0  # keeps exp() of a block's span finite in the blocked cumulative sum


@dataclass(frozen=True)
class Schedule:
    """Dosing as boundaries with instantaneous doses and piecewise-constant infusion rates."""

    times_h: np.ndarray  # (K,) sorted boundaries
    jumps: np.ndarray  # (P, K, n) mg added to each state at the boundary
    rates: np.ndarray  # (P, K, n) mg/h entering each state until the next boundary
    dose_mg: np.ndarray  # (P, K) total dose administered at each boundary (all routes), for balance checks


def dosing_schedule(model: LinearModel, regimen: Regimen, start_h: float = 0.0) -> Schedule:
    """Turn ``regimen`` into boundaries for ``model``'s patients (doses in mg/kg use each weight)."""
    weight = model.params.weight_kg
    times = {start_h}
    for e in regimen.events:
        times.add(e.time_h)
        if e.duration_h > 0:
            times.add(e.time_h + e.duration_h)
    boundaries = np.array(sorted(times))
    count, n = weight.shape[0], model.size
    jumps = np.zeros((count, boundaries.size, n))
    rates = np.zeros((count, boundaries.size, n))
    dose = np.zeros((count, boundaries.size))
    for e in regimen.events:
        k = int(np.searchsorted(boundaries, e.time_h))
        mg = e.amount * weight if e.unit == "mg/kg" else np.full(count, e.amount)
        dose[:, k] += mg
        if e.duration_h > 0:
            stop = int(np.searchsorted(boundaries, e.time_h + e.duration_h))
            rates[:, k:stop] += (mg / e.duration_h)[:, None, None] * model.infusion_vector[:, None, :]
        else:
            jumps[:, k] += mg[:, None] * model.dose_vectors[e.route]
    return Schedule(boundaries, jumps, rates, dose)


def diagonalise(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Real eigen-decomposition of a batch of compartmental matrices: (eigenvalues, V, V^-1).

    Compartmental matrices have real negative eigenvalues. If two coincide (a defective matrix, e.g. an
    absorption rate equal to a disposition rate), the diagonal is nudged by a relative 1e-7, which moves
    the solution by about as much.
    """
    for attempt in range(3):
        values, vectors = np.linalg.eig(matrix)
        if np.abs(values.imag).max(initial=0.0) <= 1e-9 * np.abs(values.real).max(initial=1.0):
            values, vectors = values.real, vectors.real
            if np.all(np.linalg.cond(vectors) < 1e8):
                return values, vectors, np.linalg.inv(vectors)
        n = matrix.shape[-1]
        nudge = 1e-7 * (attempt + 1) * np.arange(1, n + 1) / n
        matrix = matrix * (1.0 + np.eye(n) * nudge)
    raise ArithmeticError("the model's rate matrix could not be diagonalised; check for identical rate constants.")


def _phi1(rate: np.ndarray, tau: np.ndarray, exp_rate_tau: np.ndarray) -> np.ndarray:
    """(e^{rate tau} - 1) / rate for negative rates."""
    return (exp_rate_tau - 1.0) / rate


class ModalSolver:
    """Closed-form solution of ``x' = A x + r`` for a schedule, evaluated anywhere."""

    def __init__(self, model: LinearModel, schedule: Schedule, initial_state: np.ndarray | None = None) -> None:
        self.model = model
        self.schedule = schedule
        lam, vec, inv = diagonalise(model.fast_matrix)
        self.lam, self.vec = lam, vec
        count, n = lam.shape
        times = schedule.times_h
        k_total = times.size
        beta = np.einsum("pij,pkj->pki", inv, schedule.rates)  # (P, K, n)
        z_plus = np.empty((count, k_total, n))
        z = np.zeros((count, n)) if initial_state is None else np.einsum("pij,pj->pi", inv, initial_state)
        jumps_modal = np.einsum("pij,pkj->pki", inv, schedule.jumps)
        steps = np.diff(times)
        growth = np.exp(lam[:, None, :] * steps[None, :, None])  # (P, K-1, n)
        phi = _phi1(lam[:, None, :], steps[None, :, None], growth)
        for k in range(k_total):
            z = z + jumps_modal[:, k]
            z_plus[:, k] = z
            if k + 1 < k_total:
                z = z * growth[:, k] + beta[:, k] * phi[:, k]
        self.z_plus, self.beta, self._steps, self._phi = z_plus, beta, steps, phi
        self._acc_plus: np.ndarray | None = None

    def _accumulators_at_boundaries(self) -> np.ndarray:
        """Running totals just after each boundary (P, K, n_acc), by exact integration of each segment."""
        if self._acc_plus is None:
            model, schedule, lam = self.model, self.schedule, self.lam
            self.acc_rates_modal = np.einsum("paj,pjm->pam", model.accumulator_rates, self.vec)  # (P, nacc, n)
            self.acc_in = np.einsum("aj,pkj->pka", model.accumulator_inputs, schedule.rates)  # (P, K, nacc)
            acc_jump = np.einsum("aj,pkj->pka", model.accumulator_inputs, schedule.jumps)
            h = self._steps[None, :, None]
            integral = self.z_plus[:, :-1] * self._phi + self.beta[:, :-1] * (self._phi - h) / lam[:, None, :]
            gained = np.einsum("pam,pkm->pka", self.acc_rates_modal, integral) + self.acc_in[:, :-1] * h
            increments = acc_jump.copy()
            increments[:, 1:] += gained
            self._acc_plus = np.cumsum(increments, axis=1)
        return self._acc_plus

    def _segments(self, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        seg = np.searchsorted(self.schedule.times_h, t, side="right") - 1
        if np.any(seg < 0):
            raise ValueError("evaluation time before the start of the schedule.")
        return seg, t - self.schedule.times_h[seg]

    def output(self, rows: np.ndarray, t: np.ndarray) -> np.ndarray:
        """Linear outputs ``rows @ x(t)`` for rows (P, r, n) at times ``t`` (N,): shape (P, r, N)."""
        seg, tau = self._segments(t)
        w = np.einsum("prj,pjm->prm", rows, self.vec)  # (P, r, n)
        # z(t) = (z_k + beta_k/lam) e^{lam tau} - beta_k/lam
        shifted = self.beta / self.lam[:, None, :]
        a = np.einsum("prm,pkm->pkrm", w, self.z_plus + shifted)
        b = np.einsum("prm,pkm->pkr", w, shifted)
        active = np.flatnonzero(np.any(a != 0.0, axis=(0, 1, 2)))  # modes never excited or never seen
        e = np.exp(self.lam[:, None, active] * tau[None, :, None])  # (P, N, n_active)
        gathered = np.take(a[..., active], seg, axis=1)  # (P, N, r, n_active)
        return np.einsum("pnrm,pnm->prn", gathered, e) - np.take(b, seg, axis=1).transpose(0, 2, 1)

    def accumulators(self, t: np.ndarray) -> np.ndarray:
        """Accumulator values at times ``t``: shape (P, n_acc, N)."""
        acc_plus = self._accumulators_at_boundaries()
        seg, tau = self._segments(t)
        lam = self.lam[:, None, :]
        e = np.exp(lam * tau[None, :, None])
        p1 = _phi1(lam, tau[None, :, None], e)
        integral = self.z_plus[:, seg] * p1 + self.beta[:, seg] * (p1 - tau[None, :, None]) / lam
        value = acc_plus[:, seg] + np.einsum("pam,pnm->pna", self.acc_rates_modal, integral)
        value = value + self.acc_in[:, seg] * tau[None, :, None]
        return value.transpose(0, 2, 1)


def panel_edges(output_times: np.ndarray, boundaries: np.ndarray) -> np.ndarray:
    """Quadrature panel edges: output times, boundaries and a geometric refinement after each boundary."""
    start, stop = output_times[0], output_times[-1]
    refined = (boundaries[:, None] + REFINEMENT_OFFSETS_H[None, :]).ravel()
    edges = np.concatenate([output_times, boundaries, refined])
    edges = np.unique(edges[(edges >= start) & (edges <= stop)])
    return edges


def propagate_modes(mu: np.ndarray, edges: np.ndarray, q: np.ndarray, y0: np.ndarray) -> np.ndarray:
    """Solve ``y_{j+1} = exp(mu h_j) y_j + q_j`` for every edge with a blocked cumulative sum.

    ``mu``: (P, m) negative rates; ``edges``: (J+1,); ``q``: (P, m, J); ``y0``: (P, m). Returns (P, m, J+1).
    """
    span = np.abs(mu).max(initial=0.0)
    out = np.empty(q.shape[:2] + (edges.size,))
    out[:, :, 0] = y0
    block = MAX_EXPONENT / span if span > 0 else np.inf
    start = 0
    y = y0
    while start < edges.size - 1:
        stop = int(np.searchsorted(edges, edges[start] + block, side="right")) - 1
        stop = max(stop, start + 1)
        stop = min(stop, edges.size - 1)
        rel = edges[start + 1 : stop + 1] - edges[start]  # (L,)
        grow = np.exp(-mu[:, :, None] * rel[None, None, :])  # e^{-mu (t_{j+1}-t_a)}, finite by block size
        sums = np.cumsum(q[:, :, start:stop] * grow, axis=-1)
        out[:, :, start + 1 : stop + 1] = (y[:, :, None] + sums) / grow
        y = out[:, :, stop]
        start = stop
    return out


def _panel_forcing(
    lo: np.ndarray, hi: np.ndarray, order: int, solver: ModalSolver, model: LinearModel, rows: np.ndarray,
    mu: np.ndarray, uinv: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Panel integrals q (P, m, J) of each slow mode's forcing with ``order``-point Gauss-Legendre."""
    nodes_x, weights_x = GAUSS_RULES[order]
    half = 0.5 * (hi - lo)
    node_t = ((0.5 * (hi + lo))[:, None] + half[:, None] * nodes_x[None, :]).ravel()
    values = solver.output(rows, node_t)
    u = model.drives({name: values[:, i] for i, name in enumerate(model.drive_names)})  # (P, nd, M)
    forcing = np.einsum("pij,pjd,pdm->pim", uinv, model.slow_input, u)
    decay = np.exp(mu[:, :, None] * (np.repeat(hi, order) - node_t)[None, None, :])
    weights = (half[:, None] * weights_x[None, :]).ravel()
    q = (forcing * decay * weights).reshape(forcing.shape[0], mu.shape[1], lo.size, order).sum(axis=-1)
    return q, node_t, values


class EngineOutput:
    """The solved cascade: fast outputs and slow states at output times; anything else on request."""

    def __init__(self, model: LinearModel, solver: ModalSolver, time_h: np.ndarray, initial_slow: np.ndarray | None):
        self.model, self.solver, self.time_h = model, solver, time_h
        count = model.fast_matrix.shape[0]
        self.output_names = tuple(model.outputs)
        self._rows = np.stack([model.outputs[name] for name in self.output_names], axis=1)  # (P, r, n)
        values = solver.output(self._rows, time_h)
        self.fast = {name: values[:, i] for i, name in enumerate(self.output_names)}

        # slow states: exact modal propagation across Gauss-Legendre panels
        edges = panel_edges(time_h, solver.schedule.times_h)
        lo, hi = edges[:-1], edges[1:]
        since = lo - solver.schedule.times_h[np.searchsorted(solver.schedule.times_h, lo, side="right") - 1]
        order_of_panel = np.select([since < REFINED_ZONE_H, since < LATE_PANEL_H], [6, 4], 3)
        drive_rows = np.stack([model.outputs[name] for name in model.drive_names], axis=1)
        mu, uvec, uinv = diagonalise(model.slow_matrix)
        q = np.zeros((count, mu.shape[1], lo.size))
        node_t, node_values = [], []
        for order in (6, 4, 3):
            mask = order_of_panel == order
            if mask.any():
                q[:, :, mask], t_nodes, v_nodes = _panel_forcing(lo[mask], hi[mask], order, solver, model, drive_rows, mu, uinv)
                node_t.append(t_nodes)
                node_values.append(v_nodes)
        self.node_time_h = np.concatenate(node_t)
        self._node_drive_values = np.concatenate(node_values, axis=-1)
        y0 = np.zeros((count, mu.shape[1])) if initial_slow is None else np.einsum("pij,pj->pi", uinv, initial_slow)
        self.edge_time_h = edges
        self.edge_slow = np.einsum("pij,pjn->pin", uvec, propagate_modes(mu, edges, q, y0))  # (P, ns, J+1)
        self.slow = self.edge_slow[:, :, np.searchsorted(edges, time_h)]  # (P, ns, T)
        self._cache: dict[str, np.ndarray] = {}

    def node_output(self, name: str) -> np.ndarray:
        """Fast output ``name`` at the quadrature nodes (P, M), for peaks and Cmax."""
        if name in self.model.drive_names:
            return self._node_drive_values[:, self.model.drive_names.index(name)]
        key = f"node:{name}"
        if key not in self._cache:
            self._cache[key] = self.solver.output(self.model.outputs[name][:, None, :], self.node_time_h)[:, 0]
        return self._cache[key]

    @property
    def amounts(self) -> np.ndarray:
        """Every state at the output times (P, n, T): amounts in mg, the effect site in mg/L."""
        if "amounts" not in self._cache:
            identity = np.broadcast_to(np.eye(self.model.size), (self.model.fast_matrix.shape[0],) + (self.model.size,) * 2)
            self._cache["amounts"] = self.solver.output(identity, self.time_h)
        return self._cache["amounts"]

    @property
    def accumulators(self) -> np.ndarray:
        """Running totals at the output times (P, n_acc, T)."""
        if "accumulators" not in self._cache:
            self._cache["accumulators"] = self.solver.accumulators(self.time_h)
        return self._cache["accumulators"]


def run(
    model: LinearModel,
    schedule: Schedule,
    output_times: np.ndarray,
    *,
    initial_state: np.ndarray | None = None,
    initial_slow: np.ndarray | None = None,
) -> EngineOutput:
    """Solve the cascade for ``schedule`` and evaluate it at ``output_times`` (h, sorted)."""
    return EngineOutput(model, ModalSolver(model, schedule, initial_state), output_times, initial_slow)
