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

GAUSS_RULES = {order: np.polynomial.legendre.leggauss(order) for order in (2, 3, 4, 6)}
# Quadrature order by how long after the last boundary a panel starts: 6 points inside the refined zone
# (fast distribution, steep drive onset), 4 points up to 1 h (minutes-scale changes), 3 points to 12 h (the
# fast phases have decayed by e^-14; only the terminal phase and ke0 remain), and
# 2 points later, when the effect site decays on its terminal half-life and the drives it feeds are both
# smooth and tiny (their remaining integral is ~1e-4 of a session's, integrated to ~1e-4 relative).
ORDER_BY_HOURS_SINCE_BOUNDARY = ((300.0 / 3600.0, 6), (1.0, 4), (12.0, 3), (np.inf, 2))
# Drive kinks are sought only this long after a boundary: later the sensitizing drive is ~1e-12.
KINK_WINDOW_H = 24.0
# Kinks of non-smooth drives become panel edges for small batches; a large cohort shares one time grid,
# where every patient's kinks would multiply the panels, so it keeps the (slightly less exact) plain grid.
MAX_PATIENTS_WITH_KINK_EDGES = 8
# Panel edges added after every bolus (h), doubling from 0.1 s to ~3.4 min, then 5 min: after a bolus the
# effect site crosses the drive's EC50 within about a second, and distribution has a 0.4 min half-life.
REFINEMENT_OFFSETS_H = np.append(0.1 * 2.0 ** np.arange(12), 300.0) / 3600.0
# After an infusion starts or stops the effect site changes smoothly (C1): refining from 30 s is enough.
INFUSION_REFINEMENT_OFFSETS_H = np.array([30.0, 60.0, 120.0, 210.0, 300.0]) / 3600.0
MAX_EXPONENT = 600.0  # keeps exp() of a block's span finite in the blocked cumulative sum
# Output evaluation: points at least LATE_TAU_H after their segment's start drop modes whose exponential
# has fallen below e^-DECAYED_EXPONENT (~2e-22) there.
LATE_TAU_H = 12.0
DECAYED_EXPONENT = 50.0
BATCH_BY_SEGMENT = 16  # from this many patients, outputs are evaluated segment by segment (no gathers)


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
    rate_changes = np.zeros((count, boundaries.size + 1, n))  # infusion rate steps, summed into rates below
    dose = np.zeros((count, boundaries.size))
    events = regimen.events
    start = np.searchsorted(boundaries, [e.time_h for e in events])
    stop = np.searchsorted(boundaries, [e.time_h + e.duration_h for e in events])
    per_kg = np.array([e.unit == "mg/kg" for e in events])
    amounts = np.array([e.amount for e in events])
    mg = np.where(per_kg[None, :], amounts[None, :] * weight[:, None], amounts[None, :])  # (P, E)
    np.add.at(dose, (slice(None), start), mg)
    for route in {e.route for e in events}:
        bolus = np.array([e.route == route and e.duration_h == 0 for e in events])
        if bolus.any():
            np.add.at(jumps, (slice(None), start[bolus]), mg[:, bolus, None] * model.dose_vectors[route][:, None, :])
    infused = np.array([e.duration_h > 0 for e in events])
    if infused.any():
        duration = np.array([e.duration_h for e in events])[infused]
        rate = (mg[:, infused] / duration)[:, :, None] * model.infusion_vector[:, None, :]
        np.add.at(rate_changes, (slice(None), start[infused]), rate)
        np.add.at(rate_changes, (slice(None), stop[infused]), -rate)
    rates = np.cumsum(rate_changes, axis=1)[:, :-1]
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
        """Linear outputs ``rows @ x(t)`` for rows (P, r, n) at times ``t`` (N,): shape (P, r, N).

        Points long after their segment's start skip the modes that have decayed below double precision
        there (e^{lambda tau} < e^-50), which is exact to rounding.
        """
        seg, tau = self._segments(t)
        w = np.einsum("prj,pjm->prm", rows, self.vec)  # (P, r, n)
        # z(t) = (z_k + beta_k/lam) e^{lam tau} - beta_k/lam
        shifted = self.beta / self.lam[:, None, :]
        a = np.einsum("prm,pkm->pkrm", w, self.z_plus + shifted)
        b = np.einsum("prm,pkm->pkr", w, shifted)
        active = np.any(a != 0.0, axis=(0, 1, 2))  # modes never excited or never seen
        out = np.empty((rows.shape[0], rows.shape[1], t.size))
        decay_rate = np.abs(self.lam).min(axis=0)  # per mode, the slowest over patients
        late = tau >= LATE_TAU_H
        late_modes = active & (decay_rate * LATE_TAU_H < DECAYED_EXPONENT)
        if rows.shape[0] >= BATCH_BY_SEGMENT and np.all(np.diff(seg) >= 0):
            # large batches: walk the (sorted) points segment by segment, no gathered copies
            cuts = np.searchsorted(seg, np.arange(self.schedule.times_h.size + 1))
            for k in range(self.schedule.times_h.size):
                lo, hi = cuts[k], cuts[k + 1]
                if lo == hi:
                    continue
                split = lo + int(np.searchsorted(tau[lo:hi], LATE_TAU_H))
                for start, stop, modes in ((lo, split, active), (split, hi, late_modes)):
                    if start == stop:
                        continue
                    keep = np.flatnonzero(modes)
                    e = np.exp(self.lam[:, keep, None] * tau[None, None, start:stop])  # (P, n_keep, N)
                    out[:, :, start:stop] = np.matmul(a[:, k][..., keep], e) - b[:, k][:, :, None]
            return out
        for points, modes in ((~late, active), (late, late_modes)):
            index = np.flatnonzero(points)
            if index.size == 0:
                continue
            keep = np.flatnonzero(modes)
            e = np.exp(self.lam[:, None, keep] * tau[None, index, None])  # (P, N, n_keep)
            gathered = np.take(a[..., keep], seg[index], axis=1)  # (P, N, r, n_keep)
            out[:, :, index] = np.einsum("pnrm,pnm->prn", gathered, e) - np.take(b, seg[index], axis=1).transpose(0, 2, 1)
        return out

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


def hours_since_boundary(times: np.ndarray, boundaries: np.ndarray) -> np.ndarray:
    """Time (h) from the latest dosing boundary at or before each of ``times``."""
    return times - boundaries[np.searchsorted(boundaries, times, side="right") - 1]


def panel_edges(output_times: np.ndarray, schedule: Schedule) -> np.ndarray:
    """Quadrature panel edges: output times, boundaries and a geometric refinement after each boundary
    (finer after boluses than after infusion starts and stops)."""
    start, stop = output_times[0], output_times[-1]
    boundaries = schedule.times_h
    bolus = np.any(schedule.jumps != 0.0, axis=(0, 2))
    refined = [
        (boundaries[bolus, None] + REFINEMENT_OFFSETS_H[None, :]).ravel(),
        (boundaries[~bolus, None] + INFUSION_REFINEMENT_OFFSETS_H[None, :]).ravel(),
    ]
    edges = np.concatenate([output_times, boundaries, *refined])
    edges = np.unique(edges[(edges >= start) & (edges <= stop)])
    return edges


def kink_times(solver: "ModalSolver", rows: np.ndarray, edges: np.ndarray, iterations: int = 8) -> np.ndarray:
    """Times where the linear outputs ``rows`` (P, k, n) cross zero between consecutive ``edges``.

    A drive like max(f(C_e) - f(C_h), 0) has a kink there; making it a panel edge keeps Gauss-Legendre
    exact on both sides. Newton steps use the exact derivative ``rows @ A``, safeguarded by bisection.
    """
    near = np.flatnonzero(hours_since_boundary(edges, solver.schedule.times_h) < KINK_WINDOW_H)  # edges within the window of a boundary
    values = solver.output(rows, edges[near])  # (P, k, E_near)
    change = (np.signbit(values[..., :-1]) != np.signbit(values[..., 1:])) & (np.diff(near) == 1)[None, None, :]
    patient, row, pair = np.nonzero(change)
    panel = near[pair]
    if panel.size == 0:
        return np.empty(0)
    slope_rows = np.einsum("pkn,pnm->pkm", rows, solver.model.fast_matrix)
    lo, hi = edges[panel], edges[panel + 1]
    f_lo, f_hi = values[patient, row, pair], values[patient, row, pair + 1]
    t = lo + (hi - lo) * f_lo / (f_lo - f_hi)
    for _ in range(iterations):
        both = np.stack([rows[patient, row], slope_rows[patient, row]], axis=1)  # (R, 2, n)
        f, slope = _pointwise_outputs(solver, patient, both, t)
        newton = t - f / np.where(slope == 0.0, np.inf, slope)
        same_side = np.signbit(f) == np.signbit(f_lo)
        lo, hi = np.where(same_side, t, lo), np.where(same_side, hi, t)
        t = np.where((newton > lo) & (newton < hi), newton, 0.5 * (lo + hi))  # bisect the updated bracket
    return np.unique(t)


def _pointwise_outputs(solver: "ModalSolver", patient: np.ndarray, rows: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Outputs rows[r] (R, 2, n) of patient[r] at time t[r]: each crossing with its own patient and time."""
    seg, tau = solver._segments(t)
    lam = solver.lam[patient]  # (R, n)
    z = solver.z_plus[patient, seg] + solver.beta[patient, seg] / lam
    modal = z * np.exp(lam * tau[:, None]) - solver.beta[patient, seg] / lam  # (R, n)
    w = np.einsum("rjn,rnm->rjm", rows, solver.vec[patient])
    out = np.einsum("rjm,rm->rj", w, modal)
    return out[:, 0], out[:, 1]


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


def _integration_matrix(order: int) -> np.ndarray:
    """Q with Q[i, k] = integral from -1 to x_i of the k-th Lagrange basis polynomial on the Gauss nodes x.

    ``(h/2) Q f`` integrates the interpolant of nodal values ``f`` from a panel's start to each node.
    """
    nodes, _ = GAUSS_RULES[order]
    basis = np.linalg.inv(np.polynomial.legendre.legvander(nodes, order - 1))  # column k: Legendre coefficients
    q = np.empty((order, order))
    for k in range(order):
        antiderivative = np.polynomial.legendre.legint(basis[:, k], lbnd=-1.0)
        q[:, k] = np.polynomial.legendre.legval(nodes, antiderivative)
    return q


INTEGRATION_MATRICES = {order: _integration_matrix(order) for order in GAUSS_RULES}


@dataclass(frozen=True)
class _PanelGroup:
    """Panels integrated with one Gauss-Legendre order, and what the engine knows at their nodes."""

    order: int
    index: np.ndarray  # which panels (positions in the edge list)
    lo: np.ndarray
    hi: np.ndarray
    node_t: np.ndarray  # (J_g * order,)
    fast: dict[str, np.ndarray]  # drive outputs at the nodes, (P, M_g)


def _decay_to_panel_end(group: _PanelGroup, mu: np.ndarray) -> np.ndarray:
    """e^{mu (t_end - s)} for every mode and node (P, m, M_g)."""
    return np.exp(mu[:, :, None] * (np.repeat(group.hi, group.order) - group.node_t)[None, None, :])


def _modal_panel_integrals(group: _PanelGroup, decay: np.ndarray, forcing: np.ndarray) -> np.ndarray:
    """q (P, m, J_g): integral over each panel of e^{mu (t_end - s)} forcing(s), by Gauss-Legendre."""
    _, weights_x = GAUSS_RULES[group.order]
    weights = (0.5 * (group.hi - group.lo)[:, None] * weights_x[None, :]).ravel()
    count, modes = forcing.shape[:2]
    return ((forcing * decay) * weights).reshape(count, modes, group.lo.size, group.order).sum(axis=-1)


def _modal_node_values(
    group: _PanelGroup, mu: np.ndarray, decay: np.ndarray, forcing: np.ndarray, y_start: np.ndarray
) -> np.ndarray:
    """Modal states at the nodes (P, m, M_g) from their values at panel starts ``y_start`` (P, m, J_g).

    y(s_i) = e^{mu (s_i - t_j)} [y_j + (h/2) sum_k Q_ik e^{-mu (s_k - t_j)} f(s_k)], the spectral integral
    of the interpolated integrand (as accurate as the panel's Gauss rule). Both exponentials come from
    ``decay`` = e^{mu (t_end - s)} and one factor per panel, e^{mu h}.
    """
    count, modes = forcing.shape[:2]
    shape = (count, modes, group.lo.size, group.order)
    whole = np.exp(mu[:, :, None] * (group.hi - group.lo)[None, None, :])[..., None]  # e^{mu h} per panel
    decay = decay.reshape(shape)
    scaled = forcing.reshape(shape) * decay  # f e^{mu (t_end - s)} = f e^{-mu (s - t_j)} e^{mu h}
    half = 0.5 * (group.hi - group.lo)
    flat = scaled.reshape(-1, group.order) @ INTEGRATION_MATRICES[group.order].T  # one GEMM for all panels
    integral = flat.reshape(shape) * half[None, None, :, None] / whole
    return ((y_start[..., None] + integral) * whole / decay).reshape(count, modes, -1)


class EngineOutput:
    """The solved cascade: fast outputs and slow states at output times; anything else on request."""

    def __init__(
        self,
        model: LinearModel,
        solver: ModalSolver,
        time_h: np.ndarray,
        initial_slow: np.ndarray | None = None,
    ):
        self.model, self.solver, self.time_h = model, solver, time_h
        self.output_names = tuple(name for name in model.outputs if name != "habituation_mg_per_l")  # drives only
        rows = np.stack([model.outputs[name] for name in self.output_names], axis=1)  # (P, r, n)
        values = solver.output(rows, time_h)
        self.fast = {name: values[:, i] for i, name in enumerate(self.output_names)}

        edges = panel_edges(time_h, solver.schedule)
        if model.kink_rows.shape[1] and model.kink_rows.shape[0] <= MAX_PATIENTS_WITH_KINK_EDGES:
            edges = np.union1d(edges, kink_times(solver, model.kink_rows, edges))
        groups = self._panel_groups(edges)
        count = model.fast_matrix.shape[0]
        initial = model.slow_initial if initial_slow is None else initial_slow
        # each stage: exact propagation across panels; all but the last also evaluated at the nodes,
        # where later stages' drives read them
        earlier_nodes = [np.zeros((count, 0, g.node_t.size)) for g in groups]
        edge_states, offset = [], 0
        for number, stage in enumerate(model.stages):
            size = stage.matrix.shape[1]
            mu, vec, inv = diagonalise(stage.matrix)
            to_modes = inv @ stage.input  # (P, m, d)
            forcing = [to_modes @ stage.drives(g.fast, earlier) for g, earlier in zip(groups, earlier_nodes)]
            decays = [_decay_to_panel_end(g, mu) for g in groups]
            q = np.zeros((count, size, edges.size - 1))
            for group, decay, f in zip(groups, decays, forcing):
                q[:, :, group.index] = _modal_panel_integrals(group, decay, f)
            y = propagate_modes(mu, edges, q, np.einsum("pij,pj->pi", inv, initial[:, offset : offset + size]))
            edge_states.append(vec @ y)
            if number + 1 < len(model.stages):
                earlier_nodes = [
                    np.concatenate([earlier, vec @ _modal_node_values(g, mu, d, f, y[:, :, g.index])], axis=1)
                    for g, d, f, earlier in zip(groups, decays, forcing, earlier_nodes)
                ]
            offset += size

        self.edge_time_h = edges
        self.edge_slow = np.concatenate(edge_states, axis=1)  # (P, ns, J+1)
        self.slow = self.edge_slow[:, :, np.searchsorted(edges, time_h)]  # (P, ns, T)
        self.node_time_h = np.concatenate([g.node_t for g in groups])
        self.node_slow = np.concatenate(earlier_nodes, axis=-1)  # (P, states of all but the last stage, M)
        self._node_drive_values = {name: np.concatenate([g.fast[name] for g in groups], axis=-1) for name in model.drive_names}
        self._cache: dict[str, np.ndarray] = {}

    def _panel_groups(self, edges: np.ndarray) -> list[_PanelGroup]:
        """Split panels by quadrature order and evaluate the drive outputs at their nodes."""
        lo, hi = edges[:-1], edges[1:]
        since = hours_since_boundary(lo, self.solver.schedule.times_h)
        limits = [limit for limit, _ in ORDER_BY_HOURS_SINCE_BOUNDARY]
        orders = np.array([order for _, order in ORDER_BY_HOURS_SINCE_BOUNDARY])
        order_of_panel = orders[np.searchsorted(limits, since, side="right")]
        drive_rows = np.stack([self.model.outputs[name] for name in self.model.drive_names], axis=1)
        groups = []
        for order in orders:
            index = np.flatnonzero(order_of_panel == order)
            if index.size == 0:
                continue
            nodes_x, _ = GAUSS_RULES[order]
            g_lo, g_hi = lo[index], hi[index]
            node_t = (0.5 * (g_hi + g_lo)[:, None] + 0.5 * (g_hi - g_lo)[:, None] * nodes_x[None, :]).ravel()
            values = self.solver.output(drive_rows, node_t)
            fast = {name: values[:, i] for i, name in enumerate(self.model.drive_names)}
            groups.append(_PanelGroup(order, index, g_lo, g_hi, node_t, fast))
        return groups

    def node_output(self, name: str) -> np.ndarray:
        """Fast output ``name`` at the quadrature nodes (P, M), for peaks and Cmax."""
        if name in self._node_drive_values:
            return self._node_drive_values[name]
        key = f"node:{name}"
        if key not in self._cache:
            self._cache[key] = self.solver.output(self.model.outputs[name][:, None, :], self.node_time_h)[:, 0]
        return self._cache[key]

    @property
    def amounts(self) -> np.ndarray:
        """Every state at the output times (P, n, T): amounts in mg, concentrations in mg/L."""
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
