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

import threading
from dataclasses import dataclass, replace

import numpy as np

from .model import CENTRAL, LinearModel
from ..regimen import Regimen

GAUSS_RULES = {order: np.polynomial.legendre.leggauss(order) for order in (2, 3, 4, 6)}
# Drive kinks are sought only this long after a boundary: later the sensitizing drive is ~1e-12.
KINK_WINDOW_H = 24.0
# Kinks of non-smooth drives become panel edges for small batches; a large cohort shares one time grid,
# where every patient's kinks would multiply the panels, so it keeps the (slightly less exact) plain grid.
MAX_PATIENTS_WITH_KINK_EDGES = 8


# Kinds of dosing boundary, from the steepest change of the effect site to the smoothest.
IV_BOLUS, DEPOT_DOSE, RATE_CHANGE = range(3)
BOUNDARY_KINDS = ("IV bolus", "dose into an absorption depot", "infusion start or stop")


@dataclass(frozen=True)
class Quadrature:
    """Where the slow states' drive integrals put panel edges, and how many Gauss points each panel gets.

    Edges are the output times, the dosing boundaries, after each boundary the offsets for its kind
    (``offsets_h[kind]``, hours) that fall before the next boundary and, if ``max_spacing_h`` is given, fixed edges that keep panels narrow
    whatever the output grid. A panel's Gauss order follows ``orders[kind]``: (hours since the last
    boundary up to which it applies, order) pairs.
    """

    offsets_h: tuple[tuple[float, ...], tuple[float, ...], tuple[float, ...]]
    orders: tuple[tuple[tuple[float, int], ...], ...]
    kink_edges: bool  # make drive kinks panel edges (small batches only)
    # Fixed edges that do not depend on the output grid: after every boundary, up to the next one, at most
    # ``spacing`` apart, as (hours since the boundary up to which it applies, spacing in h) pairs; the last
    # pair's spacing continues to the next boundary. Empty: no fixed edges.
    max_spacing_h: tuple[tuple[float, float], ...] = ()


# Exact mode (single patients and small batches, reference agreement ~1e-7): 6 points inside the first
# 5 min after a boundary (fast distribution, steep drive onset), 4 points up to 1 h (minutes-scale
# changes), 3 points to 12 h (the fast phases have decayed by e^-14; only the terminal phase and ke0
# remain), and 2 points later, when the effect site decays on its terminal half-life and the drives it feeds
# are both smooth and tiny (their remaining integral is ~1e-4 of a session's, integrated to ~1e-4 relative).
# After a dose, edges double from 0.1 s to ~3.4 min, then 5 min: after an IV bolus the effect site
# crosses the drive's EC50 within about a second, and distribution has a 0.4 min half-life. After an
# infusion starts or stops the effect site changes smoothly (C1): refining from 30 s is enough.
# Beyond 5 min, fixed edges that do not depend on the output grid (so results do not either): every 5 min
# to 6 h (absorption, distribution, the drives' decline), hourly to 48 h (the tolerance precursor, the
# habituation site and the antidepressant cascade move on hours; the slow effects peak 10-25 h after a
# dose), then every 12 h (the slow-tolerance gate follows fast tolerance's 48 h half-life). Measured
# against a run sampled every minute and every 15 min: session peaks and slow states within 5e-4 of their
# range for output steps up to 24 h (tests/test_output_density.py). Output times add edges where they fall.
_STEEP_ORDERS = ((300.0 / 3600.0, 6), (1.0, 4), (12.0, 3), (np.inf, 2))
_AFTER_DOSE_H = tuple(np.append(0.1 * 2.0 ** np.arange(12), 300.0) / 3600.0)
_AFTER_RATE_CHANGE_H = tuple(np.array([30.0, 60.0, 120.0, 210.0, 300.0]) / 3600.0)
_FIXED_SPACING_H = ((6.0, 5.0 / 60.0), (48.0, 1.0), (np.inf, 12.0))
EXACT = Quadrature(
    offsets_h=(_AFTER_DOSE_H, _AFTER_DOSE_H, _AFTER_RATE_CHANGE_H),
    orders=(_STEEP_ORDERS,) * 3,
    kink_edges=True,
    max_spacing_h=_FIXED_SPACING_H,
)
# Cohort mode: outputs are sparse (daily), so edges come from offsets after each boundary that double from
# 10 min to ~4 days (or to the next boundary), plus edges at 1-12 h, around where the slow effects peak. IV boluses keep the exact start; after depot doses and infusion changes the effect site
# rises smoothly, so 3-point panels from the boundary suffice. Validated against exact runs in
# tests/test_cohort.py (acute peaks and slow states agree to ~1e-3 of their range).
_DOUBLING_H = tuple(10.0 / 60.0 * 2.0 ** np.arange(10))
# Slow effects (craving, antidepressant) peak within hours of a dose and are read at panel edges.
_SLOW_PEAK_H = (1.0, 2.0, 4.0, 6.0, 8.0, 12.0)
# After a dose into a depot the effect site peaks within the first hour, while sensitization is still building:
# the peak reads slow states interpolated between nodes, so that hour gets 5-min panels.
_DEPOT_PEAK_H = tuple(np.arange(5.0, 60.0, 5.0) / 60.0)
_SMOOTH_ORDERS = ((12.0, 3), (np.inf, 2))
COHORT = Quadrature(
    offsets_h=(
        _AFTER_DOSE_H + _DOUBLING_H + _SLOW_PEAK_H,
        _DOUBLING_H + _DEPOT_PEAK_H + _SLOW_PEAK_H,
        _DOUBLING_H + _SLOW_PEAK_H,
    ),
    orders=(_STEEP_ORDERS, _SMOOTH_ORDERS, _SMOOTH_ORDERS),
    kink_edges=False,
)
SAME_EDGE_H = 1e-9  # a fixed edge this close before the next boundary (rounding apart) is that boundary
CONVERGED_H = 1e-10  # a local maximum's time is settled when Newton moves it less than this (0.4 us)
MAX_EXPONENT = 600.0  # keeps exp() of a block's span finite in the blocked cumulative sum
# Output evaluation (large batches): points at least LATE_TAU_H after their segment's start drop modes whose exponential
# has fallen below e^-DECAYED_EXPONENT (~2e-22) there.
LATE_TAU_H = 12.0
DECAYED_EXPONENT = 50.0
NEGLIGIBLE_MODE = 1e-16  # a mode whose term is below this share of the largest mode's (rounding) is skipped
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


_DIAGONALISED: dict[tuple, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
DIAGONALISED_KEPT = 64  # decompositions remembered: a policy or an app solves the same patient session after session
DIAGONALISED_MAX_BATCH = 8  # only small batches (single patients) are remembered


def diagonalise(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`decompose`, remembered for the last few matrices (returned arrays are read-only)."""
    matrix = np.ascontiguousarray(matrix, dtype=float)
    if matrix.shape[0] > DIAGONALISED_MAX_BATCH:  # a cohort: decomposed once per run anyway
        return decompose(matrix)
    key = (matrix.shape, matrix.tobytes())
    found = _DIAGONALISED.get(key)
    if found is None:
        found = decompose(matrix)
        for array in found:
            array.setflags(write=False)
        if len(_DIAGONALISED) >= DIAGONALISED_KEPT:
            _DIAGONALISED.pop(next(iter(_DIAGONALISED)))
        _DIAGONALISED[key] = found
    return found


def decompose(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
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


SMALLEST_EXPONENT = -650.0  # e^-650 ~ 5e-283: far below anything the engine resolves, far above subnormals


def decayed_exp(exponent: np.ndarray) -> np.ndarray:
    """e^x for the decay exponents of modes (x <= 0), with x below -650 taken as -650.

    Modes that have long decayed would otherwise underflow to subnormal numbers or zero, which common CPUs
    compute about twenty times slower than normal numbers; e^-650 changes no result by more than rounding.
    """
    clipped = np.maximum(exponent, SMALLEST_EXPONENT)
    return np.exp(clipped, out=clipped)


def _phi1(rate: np.ndarray, tau: np.ndarray) -> np.ndarray:
    """(e^{rate tau} - 1) / rate for negative rates, accurate when rate tau is tiny (a very short infusion,
    a mode that hardly decays): expm1 keeps the digits that e^{rate tau} - 1 would cancel."""
    return np.expm1(rate * tau) / rate


PHI2_SERIES_BELOW = 1e-3  # |x| below which (e^x - 1 - x) / x^2 is summed as its Taylor series


def _phi2(rate: np.ndarray, tau: np.ndarray) -> np.ndarray:
    """(e^{rate tau} - 1 - rate tau) / rate^2 (the integral of (e^{rate s} - 1) / rate from 0 to tau), without
    the cancellation of the direct formula when rate tau is small: tau^2 (e^x - 1 - x) / x^2 with x = rate tau,
    by its Taylor series for |x| < 1e-3 (truncation < 1e-15 relative) and by expm1 otherwise."""
    x = rate * tau
    small = np.abs(x) < PHI2_SERIES_BELOW
    safe = np.where(small, 1.0, x)
    ratio = np.where(small, 0.5 + x * (1.0 / 6.0 + x * (1.0 / 24.0 + x / 120.0)), (np.expm1(safe) - safe) / (safe * safe))
    return tau * tau * ratio


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
        growth = decayed_exp(lam[:, None, :] * steps[None, :, None])  # (P, K-1, n)
        phi = _phi1(lam[:, None, :], steps[None, :, None])
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
            integral = self.z_plus[:, :-1] * self._phi + self.beta[:, :-1] * _phi2(lam[:, None, :], h)
            gained = np.einsum("pam,pkm->pka", self.acc_rates_modal, integral) + self.acc_in[:, :-1] * h
            increments = acc_jump.copy()
            increments[:, 1:] += gained
            self._acc_plus = np.cumsum(increments, axis=1)
        return self._acc_plus

    def _segments(self, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Segment of each time (the latest boundary at or before it) and the hours since its start."""
        times = self.schedule.times_h
        seg = segment_index(times, t)
        if seg.size and seg.min() < 0:
            raise ValueError("evaluation time before the start of the schedule.")
        return seg, t - np.take(times, seg)

    def output(self, rows: np.ndarray, t: np.ndarray) -> np.ndarray:
        """Linear outputs ``rows @ x(t)`` for rows (P, r, n) at times ``t`` (N,): shape (P, r, N).

        Modes that no row sees or no dose excites are skipped. In large batches, points long after their
        segment's start also skip the modes that have decayed below double precision there
        (e^{lambda tau} < e^-50), which is exact to rounding.
        """
        seg, tau = self._segments(t)
        w = np.einsum("prj,pjm->prm", rows, self.vec)  # (P, r, n)
        # z(t) = (z_k + beta_k/lam) e^{lam tau} - beta_k/lam
        shifted = self.beta / self.lam[:, None, :]
        c = self.z_plus + shifted  # (P, K, n)
        b = np.einsum("prm,pkm->pkr", w, shifted)
        # modes never excited, or not seen by these rows: a mode whose share of every output is below
        # rounding (an eigenvector's zero component comes out of the decomposition as ~1e-19) is dropped
        largest = np.abs(w).max(axis=1) * np.abs(c).max(axis=1)  # (P, n): bound on each mode's term
        active = np.any(largest > NEGLIGIBLE_MODE * largest.max(axis=1, keepdims=True), axis=0)
        out = np.empty((rows.shape[0], rows.shape[1], t.size))
        if rows.shape[0] >= BATCH_BY_SEGMENT and np.all(np.diff(seg) >= 0):
            # large batches: segments whose points sit at the same times after their start share one
            # table of exponentials, and each group of segments is one batched matrix product
            decay_rate = np.abs(self.lam).min(axis=0)  # per mode, the slowest over patients
            late_modes = active & (decay_rate * LATE_TAU_H < DECAYED_EXPONENT)
            a = w[:, None] * c[:, :, None]  # (P, K, r, n)
            for segments, span, tau_pattern in segment_patterns(self.schedule.times_h, t):
                split = int(np.searchsorted(tau_pattern, LATE_TAU_H))
                for first, last, modes in ((0, split, active), (split, span, late_modes)):
                    if first == last:
                        continue
                    keep = np.flatnonzero(modes)
                    e = decayed_exp(self.lam[:, keep, None] * tau_pattern[None, None, first:last])  # (P, n_keep, N)
                    count, rows_out = a.shape[0], a.shape[2]
                    stacked = a[:, segments.index][..., keep].reshape(count, -1, keep.size)  # (P, K_g r, n_keep)
                    values = (stacked @ e).reshape(count, segments.index.size, rows_out, -1) - b[:, segments.index][..., None]
                    out[:, :, segments.starts[:, None] + np.arange(first, last)] = values.transpose(0, 2, 1, 3)
            return out
        # small batches: mode by mode along the points (long contiguous runs), one matrix product per patient
        keep = np.flatnonzero(active)
        modal = decayed_exp(self.lam[:, keep, None] * tau[None, None, :])  # (P, n_keep, N)
        modal *= np.take(c[..., keep].transpose(0, 2, 1), seg, axis=2)
        out = np.matmul(w[..., keep], modal, out=out)
        out -= np.take(b.transpose(0, 2, 1), seg, axis=2)
        return out

    def accumulators(self, t: np.ndarray) -> np.ndarray:
        """Accumulator values at times ``t``: shape (P, n_acc, N)."""
        acc_plus = self._accumulators_at_boundaries()
        seg, tau = self._segments(t)
        lam = self.lam[:, None, :]
        p1 = _phi1(lam, tau[None, :, None])
        integral = self.z_plus[:, seg] * p1 + self.beta[:, seg] * _phi2(lam, tau[None, :, None])
        value = acc_plus[:, seg] + np.einsum("pam,pnm->pna", self.acc_rates_modal, integral)
        value = value + self.acc_in[:, seg] * tau[None, :, None]
        return value.transpose(0, 2, 1)


@dataclass(frozen=True)
class _SegmentGroup:
    """Segments (indices into the schedule) whose points lie at identical times after their start."""

    index: np.ndarray
    starts: np.ndarray  # position of each segment's first point in the sorted points


def segment_patterns(boundaries: np.ndarray, t: np.ndarray) -> list[tuple[_SegmentGroup, int, np.ndarray]]:
    """:func:`_segment_patterns` of sorted times ``t``, remembered: the chunks of a cohort share them."""
    key = (boundaries.tobytes(), t.tobytes())
    with _PATTERN_LOCK:  # cohort chunks run on threads
        if key in _PATTERN_CACHE:
            return _PATTERN_CACHE[key]
    seg = np.searchsorted(boundaries, t, side="right") - 1
    patterns = list(_segment_patterns(seg, t - boundaries[seg], boundaries.size))
    with _PATTERN_LOCK:
        if len(_PATTERN_CACHE) >= PATTERN_CACHE_SIZE:
            _PATTERN_CACHE.pop(next(iter(_PATTERN_CACHE)))
        _PATTERN_CACHE[key] = patterns
    return patterns


PATTERN_CACHE_SIZE = 16
_PATTERN_CACHE: dict[tuple[bytes, bytes], list] = {}
_PATTERN_LOCK = threading.Lock()


def _segment_patterns(seg: np.ndarray, tau: np.ndarray, count: int):
    """Group the segments of sorted points by their pattern of times since the segment start.

    Yields (segments, number of points, pattern). Patterns are compared to 1e-9 h; the representative's
    times are used for all, which moves a point by at most the rounding of its time (~1e-12 h).
    """
    cuts = np.searchsorted(seg, np.arange(count + 1))
    present = np.flatnonzero(np.diff(cuts))
    starts, sizes = cuts[present], np.diff(cuts)[present]
    rounded = np.round(tau, 9)
    position = np.arange(tau.size) - np.repeat(starts, sizes)  # index of each point within its segment
    weighted = rounded * np.sqrt(position + 2.0)
    fingerprint = np.stack([sizes, rounded[starts], np.add.reduceat(rounded, starts), np.add.reduceat(weighted, starts)], axis=1)
    _, label = np.unique(fingerprint, axis=0, return_inverse=True)
    leftovers: dict[bytes, list[int]] = {}
    for group in range(label.max(initial=-1) + 1):
        members = np.flatnonzero(label.ravel() == group)
        size = sizes[members[0]]
        block = rounded[starts[members][:, None] + np.arange(size)]
        same = np.all(block == block[0], axis=1)  # a fingerprint could collide: confirm point by point
        chosen = members[same]
        yield _SegmentGroup(present[chosen], starts[chosen]), size, tau[starts[chosen[0]] : starts[chosen[0]] + size]
        for member in members[~same]:
            leftovers.setdefault(rounded[starts[member] : starts[member] + sizes[member]].tobytes(), []).append(member)
    for members in map(np.array, leftovers.values()):
        size = sizes[members[0]]
        yield _SegmentGroup(present[members], starts[members]), size, tau[starts[members[0]] : starts[members[0]] + size]


def segment_index(boundaries: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Index of the latest of the sorted ``boundaries`` at or before each time (-1 before the first), as
    ``np.searchsorted(boundaries, t, side="right") - 1``. Sorted times (output grids, quadrature nodes) are
    merged with the few boundaries instead of searched one by one, about ten times faster."""
    if t.size < 64 or np.any(t[1:] < t[:-1]):
        return np.searchsorted(boundaries, t, side="right") - 1
    first_at_or_after = np.searchsorted(t, boundaries, side="left")  # where each boundary's segment starts
    counts = np.diff(first_at_or_after, prepend=0, append=t.size)
    return np.repeat(np.arange(-1, boundaries.size), counts)


def hours_since_boundary(times: np.ndarray, boundaries: np.ndarray) -> np.ndarray:
    """Time (h) from the latest dosing boundary at or before each of ``times``."""
    return times - boundaries[segment_index(boundaries, times)]


def boundary_kinds(schedule: Schedule) -> np.ndarray:
    """Kind of each dosing boundary (IV_BOLUS, DEPOT_DOSE or RATE_CHANGE), the steepest over patients."""
    doses = np.any(schedule.jumps != 0.0, axis=(0, 2))
    iv_bolus = np.any(schedule.jumps[:, :, CENTRAL] != 0.0, axis=0)
    return np.where(iv_bolus, IV_BOLUS, np.where(doses, DEPOT_DOSE, RATE_CHANGE))


def panel_edges(output_times: np.ndarray, schedule: Schedule, quadrature: Quadrature = EXACT) -> tuple[np.ndarray, np.ndarray]:
    """Quadrature panel edges: output times, boundaries and the ``quadrature``'s offsets after each
    boundary for its kind, up to the next boundary (whose own offsets take over there).

    Returns (edges, position of each output time among them)."""
    start, stop = output_times[0], output_times[-1]
    boundaries = schedule.times_h
    kinds = boundary_kinds(schedule)
    next_boundary = np.append(boundaries[1:], np.inf)
    refined = []
    for kind, offsets in enumerate(quadrature.offsets_h):
        mine = kinds == kind
        candidate = boundaries[mine, None] + np.array(offsets)[None, :]
        refined.append(candidate[candidate < next_boundary[mine, None]])
    if np.all(output_times[1:] > output_times[:-1]):
        edges, outputs_at = output_times, np.arange(output_times.size)
    else:  # repeated output times share an edge
        edges = np.unique(output_times)
        outputs_at = np.searchsorted(edges, output_times)
    extra = np.concatenate([boundaries, *refined])
    edges, outputs_at = insert_edges(edges, extra[(extra >= start) & (extra <= stop)], outputs_at)
    if quadrature.max_spacing_h and edges.size > 1:
        fixed = _fixed_edges(edges, boundaries[(boundaries >= start) & (boundaries < stop)], stop, quadrature.max_spacing_h)
        edges, outputs_at = insert_edges(edges, fixed, outputs_at)
    return edges, outputs_at


def insert_edges(edges: np.ndarray, new: np.ndarray, tracked: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted unique ``edges`` with the ``new`` times that are not already among them, and where the edges
    at positions ``tracked`` (sorted) are afterwards. Cheaper than ``np.union1d`` and a search of every
    tracked time when, as here, few edges are new."""
    new = np.unique(new)
    at = np.searchsorted(edges, new)
    fresh = edges[np.minimum(at, edges.size - 1)] != new
    new, at = new[fresh], at[fresh]
    # np.insert puts each new time before the edge at its position: an edge moves by the count inserted at or before it
    return np.insert(edges, at, new), tracked + segment_index(at, tracked) + 1


def _fixed_edges(edges: np.ndarray, boundaries: np.ndarray, stop: float, spacing: tuple[tuple[float, float], ...]) -> np.ndarray:
    """Edges (sorted) to add to ``edges`` (sorted) so that after every boundary, up to the next one or
    ``stop``, panels are at most about two spacings wide (``Quadrature.max_spacing_h``), whatever the output grid.

    Candidates sit at fixed offsets from their boundary, one spacing apart. Where the existing edges are
    already that dense they are skipped; elsewhere a candidate is skipped only if an existing edge lies within
    half a spacing, which then takes its place.
    """
    segment_end = np.minimum(np.append(boundaries[1:], stop), stop)
    gaps = np.append(np.diff(edges), 0.0)  # gaps[g]: panel g; the sentinel keeps reduceat in range
    added, lower = [], 0.0
    for upper, step in spacing:
        lo = np.minimum(boundaries + lower, segment_end)
        hi = np.minimum(boundaries + upper, segment_end)
        lower = upper
        window = np.flatnonzero(hi - lo > step)
        if window.size == 0:
            continue
        first = np.searchsorted(edges, lo[window], side="right") - 1  # panels overlapping [lo, hi]
        last = np.searchsorted(edges, hi[window], side="left") - 1
        bounds = np.empty(2 * window.size, dtype=int)
        bounds[0::2], bounds[1::2] = first, last + 1
        widest = np.maximum.reduceat(gaps, bounds)[0::2]
        sparse = window[widest > 1.5 * step]
        if sparse.size == 0:
            continue
        count = np.ceil((hi[sparse] - lo[sparse]) / step - 1.0 - SAME_EDGE_H / step).astype(int)
        count = np.maximum(count, 0)
        number = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count) + 1
        candidate = np.repeat(lo[sparse], count) + number * step
        at = np.clip(np.searchsorted(edges, candidate), 1, edges.size - 1)
        nearest = np.minimum(np.abs(candidate - edges[at - 1]), np.abs(edges[at] - candidate))
        added.append(candidate[nearest > 0.5 * step])
    return np.sort(np.concatenate(added)) if added else np.empty(0)


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
    modal = z * decayed_exp(lam * tau[:, None]) - solver.beta[patient, seg] / lam  # (R, n)
    w = np.einsum("rjn,rnm->rjm", rows, solver.vec[patient])
    out = np.einsum("rjm,rm->rj", w, modal)
    return out[:, 0], out[:, 1]


def local_maxima(
    solver: "ModalSolver",
    rows: np.ndarray,
    patient: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    *,
    scan: int = 0,
    iterations: int = 30,
) -> tuple[np.ndarray, np.ndarray]:
    """Exact local maxima of the linear outputs ``rows`` (P, n) bracketed by [lo, hi] for each ``patient``.

    The output's slope must fall from positive to negative within one segment: at ``lo`` and ``hi``, or
    (``scan`` > 0) between two of ``scan`` evenly spaced points, the first such pair. Its root is found by
    Newton steps on the exact modal derivatives, safeguarded by bisection. Returns (time, value); brackets
    without a maximum give NaN.
    """
    times = solver.schedule.times_h
    seg = np.searchsorted(times, lo, side="right") - 1
    seg_hi = np.searchsorted(times, hi, side="left") - 1  # a boundary at hi itself does not split the bracket
    lam = solver.lam[patient]  # (R, n)
    # in modal coordinates x(t) = V (c e^{lam tau} - beta/lam) with c = z_k + beta/lam; A V = V diag(lam)
    weights = np.einsum("rj,rjm->rm", rows[patient], solver.vec[patient])  # row V
    c = (solver.z_plus[patient, seg] + solver.beta[patient, seg] / lam) * weights
    constant = np.einsum("rm,rm->r", weights, solver.beta[patient, seg] / lam)
    start = times[seg]

    def derivatives(t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Value, slope and curvature at times ``t`` (R, k). In modal form z' = lam c e^{lam tau}: the input
        rate cancels from the derivatives."""
        terms = c[:, None] * decayed_exp(lam[:, None] * (t - start[:, None])[..., None])  # (R, k, n)
        return terms.sum(-1) - constant[:, None], (terms * lam[:, None]).sum(-1), (terms * (lam * lam)[:, None]).sum(-1)

    if scan > 0:
        grid = lo[:, None] + (hi - lo)[:, None] * np.linspace(0.0, 1.0, scan)[None, :]  # (R, scan)
        slopes = derivatives(grid)[1]
        falls = (slopes[:, :-1] > 0.0) & (slopes[:, 1:] < 0.0)
        first = np.argmax(falls, axis=1)
        pick = np.arange(first.size)
        found = falls[pick, first]
        lo, hi = grid[pick, first], grid[pick, first + 1]
    else:
        slopes = derivatives(np.stack([lo, hi], axis=1))[1]
        found = (slopes[:, 0] > 0.0) & (slopes[:, 1] < 0.0)
    valid = (seg == seg_hi) & found
    t = 0.5 * (lo + hi)
    for _ in range(iterations):
        _, slope, curvature = (d[:, 0] for d in derivatives(t[:, None]))
        rising = slope > 0.0
        lo, hi = np.where(rising, t, lo), np.where(rising, hi, t)
        newton = t - slope / np.where(curvature == 0.0, -np.inf, curvature)
        step = np.where((newton > lo) & (newton < hi), newton, 0.5 * (lo + hi)) - t
        t = t + step
        if np.all(np.abs(step[valid]) <= CONVERGED_H):
            break
    value = derivatives(t[:, None])[0][:, 0]
    return np.where(valid, t, np.nan), np.where(valid, value, np.nan)


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
        block_out = out[:, :, start + 1 : stop + 1]
        np.multiply(q[:, :, start:stop], grow, out=block_out)  # in place: these arrays are the largest here
        np.cumsum(block_out, axis=-1, out=block_out)
        block_out += y[:, :, None]
        block_out /= grow
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
    """Panels integrated with one Gauss-Legendre order, and what the engine knows at their nodes.

    Nodes are stored node-major: all panels' first nodes, then all their second nodes, and so on (M_g =
    order * J_g), so that every step of the quadrature works on long contiguous runs of panels.
    """

    order: int
    index: np.ndarray  # which panels (positions in the edge list)
    node_t: np.ndarray  # (M_g,), node-major
    fast: dict[str, np.ndarray]  # drive outputs at the nodes, (P, M_g)
    node_to_end_h: np.ndarray  # (M_g,): from each node to its panel's end
    half_width_h: np.ndarray  # (J_g,): half of each panel's width

    @property
    def sorted_node_t(self) -> np.ndarray:
        """The node times in time order (panel by panel), where the fast solution is evaluated."""
        return self.node_t.reshape(self.order, -1).T.ravel()

    def node_major(self, values: np.ndarray) -> np.ndarray:
        """Values (..., M_g) at :attr:`sorted_node_t` reordered node-major, as :attr:`node_t`."""
        panels = values.reshape(values.shape[:-1] + (-1, self.order))
        return np.ascontiguousarray(np.swapaxes(panels, -1, -2)).reshape(values.shape)


def _weighted_forcing(group: _PanelGroup, mu: np.ndarray, forcing: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """decay = e^{mu (t_end - s)} and forcing(s) * decay at every node, both shaped (P, m, order, J_g)."""
    count, modes = forcing.shape[:2]
    shape = (count, modes, group.order, group.half_width_h.size)
    decay = np.exp(mu[:, :, None] * group.node_to_end_h[None, None, :]).reshape(shape)
    scaled = forcing.reshape(shape)
    scaled *= decay  # the forcing is not needed afterwards
    return decay, scaled


def _modal_panel_integrals(group: _PanelGroup, scaled: np.ndarray) -> np.ndarray:
    """q (P, m, J_g): integral over each panel of e^{mu (t_end - s)} forcing(s), by Gauss-Legendre, from
    ``scaled`` = forcing e^{mu (t_end - s)} at the nodes."""
    _, weights_x = GAUSS_RULES[group.order]
    integral = weights_x[0] * scaled[:, :, 0]
    for k in range(1, group.order):
        integral += weights_x[k] * scaled[:, :, k]
    integral *= group.half_width_h
    return integral


def _modal_node_values(
    group: _PanelGroup, mu: np.ndarray, decay: np.ndarray, scaled: np.ndarray, y_start: np.ndarray
) -> np.ndarray:
    """Modal states at the nodes (P, m, M_g) from their values at panel starts ``y_start`` (P, m, J_g).

    y(s_i) = e^{mu (s_i - t_j)} [y_j + (h/2) sum_k Q_ik e^{-mu (s_k - t_j)} f(s_k)], the spectral integral
    of the interpolated integrand (as accurate as the panel's Gauss rule). With ``decay`` = e^{mu (t_end - s)}
    and ``scaled`` = f decay this is [y_j e^{mu h} + (h/2) sum_k Q_ik scaled_k] / decay_i.
    """
    whole = np.exp(mu[:, :, None] * (2.0 * group.half_width_h)[None, None, :])  # e^{mu h} per panel
    values = np.matmul(INTEGRATION_MATRICES[group.order], scaled)  # (P, m, order, J_g)
    values *= group.half_width_h
    values += (y_start * whole)[:, :, None, :]
    values /= decay
    return values.reshape(values.shape[0], values.shape[1], -1)


class FastOutputs(dict):
    """Fast outputs at the output times, name -> (P, T): plasma and effect site at once (every summary reads
    them), the others (norketamine) when first asked for."""

    EAGER = ("plasma_mg_per_l", "ce_mg_per_l")

    def __init__(self, model: LinearModel, solver: ModalSolver, time_h: np.ndarray) -> None:
        super().__init__()
        self._model, self._solver, self._time_h = model, solver, time_h
        rows = np.stack([model.outputs[name] for name in self.EAGER], axis=1)  # (P, r, n)
        values = solver.output(rows, time_h)
        self.update({name: values[:, i] for i, name in enumerate(self.EAGER)})

    def __missing__(self, name: str) -> np.ndarray:
        if name not in self._model.outputs:
            raise KeyError(name)
        self[name] = self._solver.output(self._model.outputs[name][:, None, :], self._time_h)[:, 0]
        return self[name]


class EngineOutput:
    """The solved cascade: fast outputs and slow states at output times; anything else on request."""

    def __init__(
        self,
        model: LinearModel,
        solver: ModalSolver,
        time_h: np.ndarray,
        initial_slow: np.ndarray | None = None,
        quadrature: Quadrature = EXACT,
    ):
        self.model, self.solver, self.time_h, self.quadrature = model, solver, time_h, quadrature
        self.output_names = tuple(model.outputs)
        self.fast = FastOutputs(model, solver, time_h)

        edges, outputs_at = panel_edges(time_h, solver.schedule, quadrature)
        small_batch = model.kink_rows.shape[0] <= MAX_PATIENTS_WITH_KINK_EDGES
        if quadrature.kink_edges and model.kink_rows.shape[1] and small_batch:
            edges, outputs_at = insert_edges(edges, kink_times(solver, model.kink_rows, edges), outputs_at)
        groups = self._panel_groups(edges)
        count = model.fast_matrix.shape[0]
        initial = model.slow_initial if initial_slow is None else initial_slow
        # each stage: exact propagation across panels; all but the last also evaluated at the nodes,
        # where later stages' drives read them
        carried = sum(stage.matrix.shape[1] for stage in model.stages[:-1])  # states later stages read
        node_states = [np.empty((count, carried, g.node_t.size)) for g in groups]
        panel_order = np.argsort(np.concatenate([g.index for g in groups]))  # group order -> time order
        edge_states, offset = [], 0
        for number, stage in enumerate(model.stages):
            size = stage.matrix.shape[1]
            mu, vec, inv = diagonalise(stage.matrix)
            to_modes = inv @ stage.input  # (P, m, d)
            weighted = [
                _weighted_forcing(g, mu, to_modes @ stage.drives(g.fast, states[:, :offset])) for g, states in zip(groups, node_states)
            ]
            by_group = [_modal_panel_integrals(group, scaled) for group, (_, scaled) in zip(groups, weighted)]
            q = np.take(np.concatenate(by_group, axis=2), panel_order, axis=2)  # groups' panels back in time order
            y = propagate_modes(mu, edges, q, np.einsum("pij,pj->pi", inv, initial[:, offset : offset + size]))
            edge_states.append(vec @ y)
            if number + 1 < len(model.stages):
                for g, (decay, scaled), states in zip(groups, weighted, node_states):
                    modal = _modal_node_values(g, mu, decay, scaled, np.take(y, g.index, axis=2))
                    np.matmul(vec, modal, out=states[:, offset : offset + size])
            offset += size

        self.edge_time_h = edges
        self.edge_slow = np.concatenate(edge_states, axis=1)  # (P, ns, J+1)
        self.slow = np.take(self.edge_slow, outputs_at, axis=2)  # (P, ns, T)
        self._groups = [replace(g, fast={}) for g in groups]  # where the nodes are (their values are kept below)
        self.node_time_h = np.concatenate([g.node_t for g in groups])  # group by group, each node-major
        self._group_node_slow = node_states  # per group (P, states of all but the last stage, M_g)
        self._group_offsets = np.cumsum([0] + [g.node_t.size for g in groups])
        self._node_drive_values = {name: np.concatenate([g.fast[name] for g in groups], axis=-1) for name in model.drive_names}
        self._cache: dict[str, np.ndarray] = {}

    def _panel_groups(self, edges: np.ndarray) -> list[_PanelGroup]:
        """Split panels by quadrature order and evaluate the drive outputs at their nodes."""
        lo, hi = edges[:-1], edges[1:]
        boundaries = self.solver.schedule.times_h
        last = segment_index(boundaries, lo)
        since, kind = lo - boundaries[last], boundary_kinds(self.solver.schedule)[last]
        order_of_panel = np.empty(lo.size, dtype=int)
        for number, rule in enumerate(self.quadrature.orders):
            mine = kind == number
            limits = [limit for limit, _ in rule]
            order_of_panel[mine] = np.array([order for _, order in rule])[np.searchsorted(limits, since[mine], side="right")]
        orders = sorted({order for rule in self.quadrature.orders for _, order in rule}, reverse=True)
        drive_rows = np.stack([self.model.outputs[name] for name in self.model.drive_names], axis=1)
        groups = []
        for order in orders:
            index = np.flatnonzero(order_of_panel == order)
            if index.size == 0:
                continue
            nodes_x, _ = GAUSS_RULES[order]
            g_lo, g_hi = lo[index], hi[index]
            half = 0.5 * (g_hi - g_lo)
            node_t = (0.5 * (g_hi + g_lo)[None, :] + half[None, :] * nodes_x[:, None]).ravel()  # node-major
            group = _PanelGroup(order, index, node_t, {}, np.repeat(g_hi[None, :], order, axis=0).ravel() - node_t, half)
            values = group.node_major(self.solver.output(drive_rows, group.sorted_node_t))
            group.fast.update({name: values[:, i] for i, name in enumerate(self.model.drive_names)})
            groups.append(group)
        return groups

    @property
    def node_slow(self) -> np.ndarray:
        """Slow states of all but the last stage at every quadrature node (P, n, M)."""
        return self.cached("node_slow", lambda: np.concatenate(self._group_node_slow, axis=-1))

    def node_slow_at(self, patient: np.ndarray, node: np.ndarray) -> np.ndarray:
        """Slow states (all but the last stage) of ``patient`` at node indices ``node`` (same shape S):
        (S..., n), gathered group by group without assembling every node."""
        group = np.searchsorted(self._group_offsets, node, side="right") - 1
        out = np.empty(node.shape + (self._group_node_slow[0].shape[1],))
        for number, states in enumerate(self._group_node_slow):
            mine = group == number
            out[mine] = np.moveaxis(states, 1, -1)[patient[mine], node[mine] - self._group_offsets[number]]
        return out

    def cached(self, key: str, compute):
        """``compute()``, evaluated once per output (derived summaries shared by several effects)."""
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def node_output(self, name: str) -> np.ndarray:
        """Fast output ``name`` at the quadrature nodes (P, M), for peaks and Cmax."""
        if name in self._node_drive_values:
            return self._node_drive_values[name]
        key = f"node:{name}"
        if key not in self._cache:
            rows = self.model.outputs[name][:, None, :]
            # evaluated in time order (segment by segment), stored in the nodes' order
            self._cache[key] = np.concatenate([g.node_major(self.solver.output(rows, g.sorted_node_t)[:, 0]) for g in self._groups], axis=-1)
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
    quadrature: Quadrature = EXACT,
) -> EngineOutput:
    """Solve the cascade for ``schedule`` and evaluate it at ``output_times`` (h, sorted)."""
    return EngineOutput(model, ModalSolver(model, schedule, initial_state), output_times, initial_slow, quadrature)
