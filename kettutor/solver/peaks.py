"""Session peaks: the largest value of an effect or concentration between one dose and the next.

Acute effects are increasing functions of the effect-site concentration at slowly changing tolerance, so a
session's acute peak is read at the effect-site peak. That peak is found exactly: the largest sample (output
times and quadrature nodes) brackets it, and Newton steps on the closed-form solution refine it. Plasma Cmax is
the larger of the sampled values (infusion ends, one mixing time after IV injections) and the exact interior
maximum between the last dose and the effect-site peak (absorption routes; the plasma peak precedes the
effect-site peak). The slow effects (antidepressant, craving) are read at the panel edges, which are dense
after every dose, and refined by the parabola through the largest sample and its neighbours.

The model's central compartment mixes an IV bolus instantly, so its plasma value at the injection is the dose
divided by V1 (about 32 mg/L after 2 mg/kg), which no sample could measure. The reported Cmax is therefore
taken no earlier than :data:`MIXING_TIME_H` after an intravenous dose enters (a bolus, or an infusion
starting or speeding up); the plasma time series itself keeps the model's values.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..science.effects import check_effect
from .engine import EngineOutput, Schedule, local_maxima
from .model import CENTRAL, LinearModel

SLOW_EFFECTS = ("antidepressant", "craving")  # functions of the slow states only
PLASMA_SCAN = 8  # slope checks locating the plasma peak between a dose and the effect-site peak
# One circulation (mixing) time, 1 min: the Ketalar label gives the IV injection over 60 s; the first
# measurable plasma sample after 10 mg IV (2 min) held 296 ng/mL (Pharmacotherapy 2022;42:298, PMC9118341,
# Table 6), not dose/V1. Plasma Cmax is taken no earlier than this after an intravenous dose enters.
MIXING_TIME_H = 1.0 / 60.0


def session_peaks(model: LinearModel, out: EngineOutput, starts_h: np.ndarray, name: str) -> np.ndarray:
    """Peak of effect ``name`` in each session window for every patient of a batch: shape (P, S)."""
    name = check_effect(name)
    if name in SLOW_EFFECTS:
        times, slow = out.edge_time_h, out.edge_slow  # the output times are panel edges too
        values = model.effect(name, np.zeros((slow.shape[0], times.size)), slow)
        return _vertex_refined(times, values, starts_h, *_window_max(times, values, starts_h))
    peak = effect_site_peaks(out, starts_h)
    return model.effect(name, peak.ce_mg_per_l, peak.slow)


def session_cmax_mg_per_l(out: EngineOutput, starts_h: np.ndarray) -> np.ndarray:
    """Peak plasma concentration (mg/L) in each session window for every patient: shape (P, S)."""
    return session_cmax(out, starts_h)[0]


def session_cmax(out: EngineOutput, starts_h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Peak plasma concentration (mg/L) in each session window and its time (h): both (P, S).

    Times less than :data:`MIXING_TIME_H` after an intravenous dose enters are skipped, and the value one
    mixing time after it is sampled instead (unless the window holds nothing else).
    """
    schedule = out.solver.schedule
    rows = out.model.outputs["plasma_mg_per_l"]
    times, plasma = out.time_h, out.fast["plasma_mg_per_l"]
    injected = intravenous_entries_h(schedule)
    injected = injected[(injected >= times[0]) & (injected <= times[-1])]
    mixed = injected + MIXING_TIME_H  # may lie up to one mixing time after the last output (a dose at the end)
    if injected.size:
        times = np.concatenate([times, mixed])
        plasma = np.concatenate([plasma, out.solver.output(rows[:, None, :], mixed)[:, 0]], axis=1)
        order = np.argsort(times, kind="stable")
        times, plasma = times[order], plasma[:, order]
        latest = np.searchsorted(injected, times, side="right") - 1
        mixing = (latest >= 0) & (times - injected[np.maximum(latest, 0)] < MIXING_TIME_H * (1.0 - 1e-9))
        unmixed, plasma = plasma, np.where(mixing[None, :], -np.inf, plasma)
    sampled, index = _window_max(times, plasma, starts_h)
    if injected.size and np.isneginf(sampled).any():  # a window shorter than the mixing time
        fallback, fallback_index = _window_max(times, unmixed, starts_h)
        sampled, index = np.where(np.isneginf(sampled), fallback, sampled), np.where(np.isneginf(sampled), fallback_index, index)

    # the exact interior maximum between the last dose (or, after an injection, its mixing) and the Ce peak
    peak = effect_site_peaks(out, starts_h)
    boundaries = schedule.times_h
    patient, session = np.nonzero(np.isfinite(peak.time_h))
    hi = peak.time_h[patient, session]
    lo = boundaries[np.clip(np.searchsorted(boundaries, hi, side="left") - 1, 0, None)]
    lo = np.where(np.isin(lo, injected), lo + MIXING_TIME_H, lo)
    bracket = lo < hi
    patient, session = patient[bracket], session[bracket]
    at, interior = np.full(peak.time_h.shape, np.nan), np.full(peak.time_h.shape, np.nan)
    if patient.size:
        at[patient, session], interior[patient, session] = local_maxima(
            out.solver, rows, patient, lo[bracket], hi[bracket], scan=PLASMA_SCAN
        )
    inside = interior > sampled  # NaN compares False: keep the sampled value
    return np.where(inside, interior, sampled), np.where(inside, at, times[index])


def intravenous_entries_h(schedule: Schedule) -> np.ndarray:
    """Boundaries (h) where an intravenous dose starts to enter the blood, for any patient: an IV bolus, or
    an infusion starting or speeding up."""
    central_rate = schedule.rates[:, :, CENTRAL]
    speeding_up = np.diff(central_rate, axis=1, prepend=0.0) > 0.0
    entering = np.any(schedule.jumps[:, :, CENTRAL] > 0.0, axis=0) | np.any(speeding_up, axis=0)
    return schedule.times_h[entering]


def _vertex_refined(times: np.ndarray, values: np.ndarray, starts: np.ndarray, peaks: np.ndarray, index: np.ndarray) -> np.ndarray:
    """Session maxima of a smooth quantity sampled at sorted ``times``: where the largest sample has a
    smaller neighbour on each side within its window, the vertex of the parabola through the three samples
    (error of order spacing^3 instead of spacing^2). ``peaks`` and ``index`` (P, S) come from :func:`_window_max`."""
    first = np.searchsorted(times, starts, side="left")  # each window's first sample
    last = np.append(first[1:], times.size - 1)  # and its last (the next window's first, or the end)
    inner = (index > first[None, :]) & (index < last[None, :])
    left, right = np.clip(index - 1, 0, None), np.clip(index + 1, None, times.size - 1)
    patient = np.broadcast_to(np.arange(values.shape[0])[:, None], index.shape)
    x0, x1, x2 = times[left], times[index], times[right]
    y0, y1, y2 = values[patient, left], values[patient, index], values[patient, right]
    inner &= (y0 < y1) & (y2 < y1) & (x0 < x1) & (x1 < x2)
    with np.errstate(divide="ignore", invalid="ignore"):
        d1, d2 = (y1 - y0) / (x1 - x0), (y2 - y1) / (x2 - x1)
        curvature = (d2 - d1) / (x2 - x0)
        slope = d1 + curvature * (x1 - x0)  # of the parabola at x1
        vertex = y1 - slope * slope / (4.0 * curvature)
        shift = -slope / (2.0 * curvature)
    inner &= (curvature < 0.0) & (x1 + shift > x0) & (x1 + shift < x2)
    return np.where(inner, np.maximum(vertex, peaks), peaks)


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
