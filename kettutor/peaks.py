"""Session peaks: the largest value of an effect or concentration between one dose and the next.

Acute effects are increasing functions of the effect-site concentration at slowly changing tolerance, so a
session's acute peak is read at the effect-site peak. That peak is found exactly: the largest sample (output
times and quadrature nodes) brackets it, and Newton steps on the closed-form solution refine it. Plasma Cmax is
the larger of the sampled boundaries (infusion ends, IV boluses) and the exact interior maximum between the
last dose and the effect-site peak (absorption routes; the plasma peak precedes the effect-site peak). The slow effects (antidepressant, craving) are read at
the panel edges, which are dense after every dose.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .effects import check_effect
from .engine import EngineOutput, local_maxima
from .model import LinearModel

SLOW_EFFECTS = ("antidepressant", "craving")  # functions of the slow states only
PLASMA_SCAN = 8  # slope checks locating the plasma peak between a dose and the effect-site peak


def session_peaks(model: LinearModel, out: EngineOutput, starts_h: np.ndarray, name: str) -> np.ndarray:
    """Peak of effect ``name`` in each session window for every patient of a batch: shape (P, S)."""
    name = check_effect(name)
    if name in SLOW_EFFECTS:
        times, slow = out.cached("slow samples", lambda: _slow_samples(out))
        values = model.effect(name, np.zeros((slow.shape[0], times.size)), slow)
        return _window_max(times, values, starts_h)[0]
    peak = effect_site_peaks(out, starts_h)
    return model.effect(name, peak.ce_mg_per_l, peak.slow)


def session_cmax_mg_per_l(out: EngineOutput, starts_h: np.ndarray) -> np.ndarray:
    """Peak plasma concentration (mg/L) in each session window for every patient: shape (P, S)."""
    return session_cmax(out, starts_h)[0]


def session_cmax(out: EngineOutput, starts_h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Peak plasma concentration (mg/L) in each session window and its time (h): both (P, S)."""
    plasma = out.fast["plasma_mg_per_l"]
    sampled, index = _window_max(out.time_h, plasma, starts_h)
    peak = effect_site_peaks(out, starts_h)
    boundaries = out.solver.schedule.times_h
    known = np.isfinite(peak.time_h)
    last_dose = boundaries[np.clip(np.searchsorted(boundaries, peak.time_h[known], side="left") - 1, 0, None)]
    patient = np.broadcast_to(np.arange(peak.time_h.shape[0])[:, None], peak.time_h.shape)[known]
    at, interior = np.full(peak.time_h.shape, np.nan), np.full(peak.time_h.shape, np.nan)
    rows = out.model.outputs["plasma_mg_per_l"]
    at[known], interior[known] = local_maxima(out.solver, rows, patient, last_dose, peak.time_h[known], scan=PLASMA_SCAN)
    inside = interior > sampled  # NaN compares False: keep the sampled boundary value
    return np.where(inside, interior, sampled), np.where(inside, at, out.time_h[index])


def _slow_samples(out: EngineOutput) -> tuple[np.ndarray, np.ndarray]:
    """Output times and panel edges, sorted (N,), with every slow state there (P, ns, N)."""
    times = np.concatenate([out.time_h, out.edge_time_h])
    order = np.argsort(times, kind="stable")
    return times[order], np.concatenate([out.slow, out.edge_slow], axis=2)[:, :, order]


@dataclass(frozen=True)
class EffectSitePeaks:
    """The effect-site concentration's largest value in each session, its time and the slow states then."""

    time_h: np.ndarray  # (P, S)
    ce_mg_per_l: np.ndarray  # (P, S)
    slow: np.ndarray  # (P, states of all but the last stage, S)


def effect_site_peaks(out: EngineOutput, starts_h: np.ndarray) -> EffectSitePeaks:
    """Exact effect-site peaks per session (P, S), computed once per simulation and window set."""
    return out.cached(f"effect-site peaks {starts_h.tobytes().hex()}", lambda: _effect_site_peaks(out, starts_h))


def _effect_site_peaks(out: EngineOutput, starts_h: np.ndarray) -> EffectSitePeaks:
    times = np.concatenate([out.time_h, out.node_time_h])
    order = np.argsort(times, kind="stable")
    times = times[order]
    ce = np.concatenate([out.fast["ce_mg_per_l"], out.node_output("ce_mg_per_l")], axis=1)[:, order]
    sampled, index = _window_max(times, ce, starts_h)
    at, best = np.take(times, index), sampled
    inner = (index > 0) & (index < times.size - 1)
    patient = np.broadcast_to(np.arange(index.shape[0])[:, None], index.shape)
    lo, hi = times[np.clip(index - 1, 0, None)], times[np.clip(index + 1, None, times.size - 1)]
    t, value = local_maxima(out.solver, out.model.outputs["ce_mg_per_l"], patient[inner], lo[inner], hi[inner])
    refined = np.isfinite(value) & (value >= best[inner])
    at[inner] = np.where(refined, t, at[inner])
    best[inner] = np.where(refined, value, best[inner])
    return EffectSitePeaks(at, best, _slow_at(out, times, order, at))


def _slow_at(out: EngineOutput, times: np.ndarray, order: np.ndarray, at: np.ndarray) -> np.ndarray:
    """The slow states acute effects read, linearly interpolated between samples at times ``at`` (P, S):
    returns (P, ns, S)."""
    count = out.time_h.size
    known = out.slow.shape[1] - out.model.stages[-1].matrix.shape[1]  # every stage but the last
    right = np.clip(np.searchsorted(times, at, side="right"), 1, times.size - 1)
    left = right - 1
    span = times[right] - times[left]
    weight = np.clip((at - times[left]) / np.where(span > 0, span, 1.0), 0.0, 1.0)[..., None]
    patient = np.broadcast_to(np.arange(at.shape[0])[:, None], at.shape)

    def sample(position: np.ndarray) -> np.ndarray:  # (P, S, ns)
        source = order[position]  # index into [output times, nodes]
        from_outputs = np.moveaxis(out.slow[:, :known], 1, -1)[patient, np.minimum(source, count - 1)]
        from_nodes = out.node_slow_at(patient, np.maximum(source - count, 0))
        return np.where((source < count)[..., None], from_outputs, from_nodes)

    return np.moveaxis((1.0 - weight) * sample(left) + weight * sample(right), -1, 1)


def _window_max(times: np.ndarray, values: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Maximum of ``values`` (P, N) at sorted ``times`` in each window [starts[k], starts[k+1]] (the last to
    the end) and the position of its first largest sample: both (P, S).

    Every quantity is continuous in time, so the supremum over a session (up to the next dose) includes the
    value at the next session's start, which is always sampled.
    """
    index = np.searchsorted(times, starts, side="left")
    peaks = np.maximum.reduceat(values, index, axis=1)
    window = np.searchsorted(index, np.arange(times.size), side="right") - 1
    position = np.where(values == peaks[:, window], np.arange(times.size), times.size)
    first = np.minimum.reduceat(position, index, axis=1)
    at_end = values[:, index[1:]] > peaks[:, :-1]
    peaks[:, :-1] = np.where(at_end, values[:, index[1:]], peaks[:, :-1])
    first[:, :-1] = np.where(at_end, index[1:], first[:, :-1])
    return peaks, first
