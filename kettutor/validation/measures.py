"""Measurements on a simulated patient, for the validation targets.

Pure functions of a :class:`kettutor.Patient` and a :class:`kettutor.Regimen` that use kettutor's public
API only, the way a study would measure the quantity. Times are in hours unless a name says otherwise;
concentrations in mg/L (= ug/mL) unless a name says ng/mL.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

import numpy as np

import kettutor
from kettutor import Patient, Regimen, SimulationResult
from kettutor.analysis import challenge_response

MINUTES_PER_HOUR = 60.0
HOURS_PER_DAY = 24.0
NG_PER_MG = 1.0e6 / 1.0e3  # 1 mg/L = 1000 ng/mL


# ----- simulation and time series --------------------------------------------------------------------
def run(patient: Patient, regimen: Regimen, *, days: float, dense_step_min: float = 5.0, **grid: float) -> SimulationResult:
    """``kettutor.simulate`` with an explicit length (days) and dense output step (min)."""
    return kettutor.simulate(patient, regimen, days=days, dense_step_min=dense_step_min, **grid)


def value_at(result: SimulationResult, series: np.ndarray, time_h: float) -> float:
    """A series interpolated linearly at ``time_h``."""
    return float(np.interp(time_h, result.time_h, series))


def rising_crossing_h(time_h: np.ndarray, series: np.ndarray, level: float) -> float:
    """First time (h) ``series`` reaches ``level`` from below (interpolated); NaN if it never does."""
    above = np.flatnonzero(series >= level)
    if above.size == 0:
        return float("nan")
    i = int(above[0])
    if i == 0:
        return float(time_h[0])
    t0, t1, y0, y1 = time_h[i - 1], time_h[i], series[i - 1], series[i]
    return float(t0 + (level - y0) / (y1 - y0) * (t1 - t0))


def final_falling_crossing_h(time_h: np.ndarray, series: np.ndarray, level: float) -> float:
    """Time (h) after which ``series`` stays below ``level`` (interpolated); NaN if it never reaches it
    or is still above it at the end."""
    above = np.flatnonzero(series >= level)
    if above.size == 0 or above[-1] == series.size - 1:
        return float("nan")
    i = int(above[-1])
    t0, t1, y0, y1 = time_h[i], time_h[i + 1], series[i], series[i + 1]
    return float(t0 + (y0 - level) / (y0 - y1) * (t1 - t0))


def first_falling_crossing_after_peak_h(time_h: np.ndarray, series: np.ndarray, level: float) -> float:
    """First time (h) after the series' maximum that it drops below ``level`` (interpolated)."""
    peak = int(np.argmax(series))
    below = np.flatnonzero(series[peak:] < level)
    if below.size == 0:
        return float("nan")
    i = peak + int(below[0])
    t0, t1, y0, y1 = time_h[i - 1], time_h[i], series[i - 1], series[i]
    return float(t0 + (y0 - level) / (y0 - y1) * (t1 - t0))


def terminal_half_life_h(result: SimulationResult, from_h: float, to_h: float) -> float:
    """Half-life (h) of a log-linear fit to plasma concentrations between ``from_h`` and ``to_h``."""
    window = (result.time_h >= from_h) & (result.time_h <= to_h) & (result.plasma_mg_per_l > 0)
    slope = np.polyfit(result.time_h[window], np.log(result.plasma_mg_per_l[window]), 1)[0]
    return float(np.log(2.0) / -slope)


# ----- single sessions ---------------------------------------------------------------------------------
def anaesthesia_onset_min(patient: Patient, regimen: Regimen, *, level_percent: float = 50.0) -> float:
    """Minutes from the first dose until anaesthesia first reaches ``level_percent``."""
    result = run(patient, regimen, days=1, dense_step_min=0.02)
    start_h = regimen.events[0].time_h
    return (rising_crossing_h(result.time_h, result.effect("anesthesia"), level_percent) - start_h) * MINUTES_PER_HOUR


def anaesthesia_duration_min(patient: Patient, regimen: Regimen, *, level_percent: float = 50.0) -> float:
    """Minutes from reaching ``level_percent`` anaesthesia until the patient finally falls below it."""
    result = run(patient, regimen, days=1, dense_step_min=0.05)
    anaesthesia = result.effect("anesthesia")
    onset = rising_crossing_h(result.time_h, anaesthesia, level_percent)
    return (final_falling_crossing_h(result.time_h, anaesthesia, level_percent) - onset) * MINUTES_PER_HOUR


def surgical_depth_onset_and_duration_min(patient: Patient, regimen: Regimen) -> tuple[float, float]:
    """Minutes from the first dose until the effect site first reaches surgical depth
    (:data:`kettutor.science.effects.SURGICAL_ANAESTHESIA_CE_MG_PER_L`), and minutes spent there."""
    from kettutor.science.effects import SURGICAL_ANAESTHESIA_CE_MG_PER_L

    result = run(patient, regimen, days=1, dense_step_min=0.05)
    ce = result.effect_site_mg_per_l
    onset = rising_crossing_h(result.time_h, ce, SURGICAL_ANAESTHESIA_CE_MG_PER_L)
    offset = final_falling_crossing_h(result.time_h, ce, SURGICAL_ANAESTHESIA_CE_MG_PER_L)
    return (onset - regimen.events[0].time_h) * MINUTES_PER_HOUR, (offset - onset) * MINUTES_PER_HOUR


def surgical_depth_onset_min(patient: Patient, regimen: Regimen) -> float:
    """Minutes from the first dose until surgical depth (see :func:`surgical_depth_onset_and_duration_min`)."""
    return surgical_depth_onset_and_duration_min(patient, regimen)[0]


def surgical_depth_duration_min(patient: Patient, regimen: Regimen) -> float:
    """Minutes at surgical depth (see :func:`surgical_depth_onset_and_duration_min`)."""
    return surgical_depth_onset_and_duration_min(patient, regimen)[1]


def largest_effect_fraction_of_peak_at(patient: Patient, regimens: tuple[Regimen, ...], effect: str, minutes: float) -> float:
    """The largest, over ``regimens``, of ``effect`` at ``minutes`` after the first dose as a fraction of its peak."""
    return max(effect_fraction_of_peak_at(patient, regimen, effect, minutes) for regimen in regimens)


def effect_site_offset_min(patient: Patient, regimen: Regimen, level_mg_per_l: float) -> float:
    """Minutes from the first dose until the effect-site concentration, past its peak, falls below the level."""
    result = run(patient, regimen, days=1, dense_step_min=0.05)
    crossing = first_falling_crossing_after_peak_h(result.time_h, result.effect_site_mg_per_l, level_mg_per_l)
    return (crossing - regimen.events[0].time_h) * MINUTES_PER_HOUR


def effect_site_at_awakening_mg_per_l(patient: Patient, regimen: Regimen, *, days: float = 1.0) -> float:
    """Effect-site concentration (mg/L) when anaesthesia finally falls below 50 % (the patient wakes)."""
    result = run(patient, regimen, days=days, dense_step_min=0.1)
    awake_h = final_falling_crossing_h(result.time_h, result.effect("anesthesia"), 50.0)
    return value_at(result, result.effect_site_mg_per_l, awake_h)


def minimum_effect_between(patient: Patient, regimen: Regimen, effect: str, from_h: float, to_h: float) -> float:
    """Lowest value of ``effect`` between ``from_h`` and ``to_h`` (effect units)."""
    result = run(patient, regimen, days=to_h / HOURS_PER_DAY + 0.1, dense_step_min=1.0)
    window = (result.time_h >= from_h) & (result.time_h <= to_h)
    return float(result.effect(effect)[window].min())


def effect_ratio_between_times(patient: Patient, regimen: Regimen, effect: str, later_h: float, earlier_h: float) -> float:
    """``effect`` at ``later_h`` divided by ``effect`` at ``earlier_h``."""
    result = run(patient, regimen, days=later_h / HOURS_PER_DAY + 0.5)
    series = result.effect(effect)
    return value_at(result, series, later_h) / value_at(result, series, earlier_h)


def plasma_ng_per_ml_at(patient: Patient, regimen: Regimen, minutes: float) -> float:
    """Plasma ketamine (ng/mL) ``minutes`` after the first dose."""
    result = run(patient, regimen, days=1, dense_step_min=0.1)
    return value_at(result, result.plasma_mg_per_l, regimen.events[0].time_h + minutes / MINUTES_PER_HOUR) * NG_PER_MG


def plasma_at_end_ng_per_ml(patient: Patient, regimen: Regimen) -> float:
    """Plasma ketamine (ng/mL) at the moment the regimen's last dose ends (a steady state for long infusions)."""
    result = run(patient, regimen, days=regimen.end_h / HOURS_PER_DAY + 0.5)
    return value_at(result, result.plasma_mg_per_l, regimen.end_h) * NG_PER_MG


def cmax_ng_per_ml(patient: Patient, regimen: Regimen, *, days: float = 2.0) -> float:
    """Peak plasma ketamine (ng/mL) as ``SimulationResult.exposure()`` reports it."""
    return run(patient, regimen, days=days).exposure().cmax_mg_per_l * NG_PER_MG


def tmax_min(patient: Patient, regimen: Regimen, *, days: float = 2.0) -> float:
    """Minutes from the first dose to the plasma peak, as ``exposure()`` reports it."""
    return run(patient, regimen, days=days).exposure().tmax_h * MINUTES_PER_HOUR


def tmax_after_last_device_min(patient: Patient, regimen: Regimen) -> float:
    """Minutes from the last device (or dose) of a single session to the plasma peak."""
    last_dose_h = regimen.events[-1].time_h - regimen.events[0].time_h
    return (run(patient, regimen, days=2).exposure().tmax_h - last_dose_h) * MINUTES_PER_HOUR


def bioavailability(patient: Patient, regimen: Regimen) -> float:
    """Fraction of the dose that reaches the circulation (absorbed / given)."""
    exposure = run(patient, regimen, days=3).exposure()
    return exposure.absorbed_mg / exposure.total_dose_mg


def plasma_half_life_h(patient: Patient, regimen: Regimen, from_h: float, to_h: float) -> float:
    """Terminal plasma half-life (h) fitted between ``from_h`` and ``to_h``."""
    return terminal_half_life_h(run(patient, regimen, days=to_h / HOURS_PER_DAY + 0.5), from_h, to_h)


def norketamine_tmax_min(patient: Patient, regimen: Regimen) -> float:
    """Minutes from the first dose to the norketamine plasma peak."""
    result = run(patient, regimen, days=2, dense_step_min=1.0)
    return float(result.time_h[np.argmax(result.norketamine_mg_per_l)] - regimen.events[0].time_h) * MINUTES_PER_HOUR


def norketamine_cmax_ng_per_ml(patient: Patient, regimen: Regimen) -> float:
    """Peak plasma norketamine (ng/mL)."""
    return run(patient, regimen, days=2, dense_step_min=1.0).exposure().norketamine_cmax_mg_per_l * NG_PER_MG


def norketamine_to_ketamine_auc(patient: Patient, regimen: Regimen, *, days: float = 4.0) -> float:
    """Norketamine AUC divided by ketamine AUC over ``days``."""
    exposure = run(patient, regimen, days=days).exposure()
    return exposure.norketamine_auc_mg_h_per_l / exposure.auc_mg_h_per_l


def norketamine_apparent_clearance_l_per_h(patient: Patient, regimen: Regimen, *, days: float = 5.0) -> float:
    """Dose (as norketamine mass) divided by norketamine AUC: the apparent clearance CL/fm (L/h)."""
    molar_mass_ratio = 223.7 / 237.7  # norketamine / ketamine, g/mol
    exposure = run(patient, regimen, days=days).exposure()
    return exposure.total_dose_mg * molar_mass_ratio / exposure.norketamine_auc_mg_h_per_l


def clearance_l_per_h(patient: Patient, dose_mg_per_kg: float = 1.0, *, days: float = 5.0) -> float:
    """Systemic clearance (L/h): an IV bolus dose divided by its AUC."""
    exposure = run(patient, Regimen.single(dose_mg_per_kg=dose_mg_per_kg), days=days).exposure()
    return exposure.total_dose_mg / exposure.auc_mg_h_per_l


def steady_state_clearance_l_per_kg_h(patient: Patient, rate_mg_per_kg_per_h: float, hours: float) -> float:
    """Infusion rate divided by the plasma concentration at its end (L/kg/h)."""
    regimen = Regimen.continuous_infusion(rate_mg_per_kg_per_h=rate_mg_per_kg_per_h, hours=hours)
    return rate_mg_per_kg_per_h / (plasma_at_end_ng_per_ml(patient, regimen) / NG_PER_MG)


def effect_peak_time_min(patient: Patient, regimen: Regimen, effect: str) -> float:
    """Minutes from the first dose to the peak of ``effect``."""
    result = run(patient, regimen, days=1, dense_step_min=0.5)
    return float(result.time_h[np.argmax(result.effect(effect))] - regimen.events[0].time_h) * MINUTES_PER_HOUR


def effect_fraction_of_peak_at(patient: Patient, regimen: Regimen, effect: str, minutes: float) -> float:
    """``effect`` at ``minutes`` after the first dose, as a fraction of its peak."""
    result = run(patient, regimen, days=1, dense_step_min=0.5)
    series = result.effect(effect)
    return value_at(result, series, regimen.events[0].time_h + minutes / MINUTES_PER_HOUR) / float(series.max())


def antidepressant_at_h(patient: Patient, regimen: Regimen, hours: float) -> float:
    """Antidepressant effect size g ``hours`` after the first dose."""
    result = run(patient, regimen, days=hours / HOURS_PER_DAY + 0.5, dense_step_min=1.0)
    return value_at(result, result.effect("antidepressant"), regimen.events[0].time_h + hours)


def antidepressant_peak_time_h(patient: Patient, regimen: Regimen) -> float:
    """Hours from the first dose to the peak of the antidepressant effect."""
    result = run(patient, regimen, days=14)
    return float(result.time_h[np.argmax(result.effect("antidepressant"))] - regimen.events[0].time_h)


def antidepressant_peak(patient: Patient, regimen: Regimen) -> float:
    """Largest antidepressant effect size g after a regimen."""
    return float(run(patient, regimen, days=regimen.end_h / HOURS_PER_DAY + 14).effect("antidepressant").max())


def antidepressant_outlasts_drug(patient: Patient, regimen: Regimen, day: float) -> float:
    """g on ``day`` relative to its peak, or 0 if plasma ketamine is not yet below 1 % of its peak then."""
    result = run(patient, regimen, days=day + 1)
    plasma, g = result.plasma_mg_per_l, result.effect("antidepressant")
    if value_at(result, plasma, day * HOURS_PER_DAY) >= 0.01 * plasma.max():
        return 0.0
    return value_at(result, g, day * HOURS_PER_DAY) / float(g.max())


# ----- repeated sessions ---------------------------------------------------------------------------------
def course(patient: Patient, regimen: Regimen, *, follow_up_days: float = 1.0) -> SimulationResult:
    """The whole regimen plus ``follow_up_days``."""
    return run(patient, regimen, days=regimen.end_h / HOURS_PER_DAY + follow_up_days)


def relative_last_session(patient: Patient, regimen: Regimen, effect: str) -> float:
    """Last session's peak ``effect`` relative to the first session's."""
    return float(course(patient, regimen).relative_session_peaks(effect)[-1])


def relative_session_on_day(patient: Patient, regimen: Regimen, effect: str, day: float) -> float:
    """Peak ``effect`` of the session nearest ``day``, relative to the first session's."""
    result = course(patient, regimen)
    nearest = int(np.argmin(np.abs(result.session_start_h / HOURS_PER_DAY - day)))
    return float(result.relative_session_peaks(effect)[nearest])


def largest_session_peak_relative_to_first(patient: Patient, regimen: Regimen, effect: str) -> float:
    """Largest session peak of ``effect`` divided by the first session's (a single-session peak)."""
    return float(course(patient, regimen, follow_up_days=7).relative_session_peaks(effect).max())


def late_to_early_session_peaks(patient: Patient, regimen: Regimen, effect: str, *, early_session: int, late_sessions: int) -> float:
    """Mean peak of the last ``late_sessions`` sessions divided by the peak of session ``early_session`` (1-based)."""
    peaks = course(patient, regimen).session_peaks(effect)
    return float(peaks[-late_sessions:].mean() / peaks[early_session - 1])


def first_session_peak_ratio(patient: Patient, regimen: Regimen, effect: str, comedications: tuple[str, ...]) -> float:
    """First-session peak ``effect`` of the patient taking ``comedications``, relative to without them."""
    without = run(patient, regimen, days=2).session_peaks(effect)[0]
    with_them = run(replace(patient, comedications=comedications), regimen, days=2).session_peaks(effect)[0]
    return float(with_them / without)


def antidepressant_ratio_with(patient: Patient, regimen: Regimen, comedications: tuple[str, ...], hours: float) -> float:
    """g ``hours`` after the first dose with ``comedications`` relative to without them."""
    treated = replace(patient, comedications=comedications)
    return antidepressant_at_h(treated, regimen, hours) / antidepressant_at_h(patient, regimen, hours)


def exposure_ratio(patient: Patient, regimen: Regimen, comedications: tuple[str, ...], attribute: str, *, days: float = 4.0) -> float:
    """Ratio of an ``Exposure`` attribute with ``comedications`` to without them."""
    base = getattr(run(patient, regimen, days=days).exposure(), attribute)
    other = getattr(run(replace(patient, comedications=comedications), regimen, days=days).exposure(), attribute)
    return float(other / base)


def session_cmax_last_to_first(patient: Patient, regimen: Regimen) -> float:
    """Last session's Cmax divided by the first session's."""
    cmax = course(patient, regimen).session_cmax_mg_per_l()
    return float(cmax[-1] / cmax[0])


def challenge_after_end(patient: Patient, pretreatment: Regimen, *, gap_days: float = 1.0, effect: str = "locomotor") -> float:
    """Response to the default challenge ``gap_days`` after the pretreatment's last dose ends, relative to a
    drug-naive patient's (``kettutor.analysis.challenge_response``)."""
    return challenge_response(patient, pretreatment, day=pretreatment.end_h / HOURS_PER_DAY + gap_days, effect=effect)


def ec50_change_after_last_dose(patient: Patient, regimen: Regimen, effect: str, after_days: float) -> float:
    """Change of ``effect``'s EC50 from baseline (%) ``after_days`` after the last dose ends."""
    time_h = regimen.end_h + after_days * HOURS_PER_DAY
    result = run(patient, regimen, days=time_h / HOURS_PER_DAY + 0.1)
    return value_at(result, result.ec50_change_percent(effect), time_h)


def tolerance_left_after_break(patient: Patient, regimen: Regimen, break_days: float) -> float:
    """Total tolerance ``break_days`` after the last session, relative to its value half a day after it."""
    last_h = regimen.session_start_h[-1]
    result = run(patient, regimen, days=(last_h / HOURS_PER_DAY) + break_days + 0.5)
    return value_at(result, result.tolerance, last_h + break_days * HOURS_PER_DAY) / value_at(
        result, result.tolerance, last_h + 0.5 * HOURS_PER_DAY
    )


def _first_dose_again(patient: Patient, regimen: Regimen) -> Regimen:
    """A single session repeating the regimen's first dose (same route, amount and infusion time)."""
    first = regimen.events[0]
    infusion_min = first.duration_h * MINUTES_PER_HOUR if first.duration_h > 0 else None
    return Regimen.single(dose_mg_per_kg=first.dose_mg_per_kg(patient.weight_kg), route=first.route, infusion_min=infusion_min)


def probe_after_break(patient: Patient, regimen: Regimen, break_days: float, effect: str = "dissociation") -> float:
    """The first dose given again ``break_days`` after the last session: its peak relative to the first session's."""
    probe = regimen.then(_first_dose_again(patient, regimen), gap_days=break_days)
    return relative_last_session(patient, probe, effect)


def probe_recovery_days(
    patient: Patient, regimen: Regimen, *, effect: str = "dissociation", fraction: float = 0.9,
    max_days: float = 730.0, resolution_days: float = 0.1,
) -> float:
    """Days after the last session until the first dose, given again, brings back ``fraction`` of the first
    session's peak (0 if the last session never fell that far; ``inf`` beyond ``max_days``).

    An independent check of :func:`kettutor.recovery_days`: each probe is a fresh simulation of the regimen
    followed by one more session.
    """
    if relative_last_session(patient, regimen, effect) >= fraction:
        return 0.0

    def recovered(days: float) -> bool:
        return probe_after_break(patient, regimen, days, effect) >= fraction

    low, high = 0.0, 0.5
    while not recovered(high):
        low, high = high, 2.0 * high
        if low >= max_days:
            return float("inf")
    while high - low > resolution_days:
        middle = 0.5 * (low + high)
        low, high = (low, middle) if recovered(middle) else (middle, high)
    return high


def recovery_days_disagreement(patient: Patient, regimen: Regimen, effect: str = "dissociation") -> float:
    """How far ``kettutor.recovery_days`` lies from the independent probe, as a fraction of
    max(probe, 1 day / 0.15): at most 0.15 means within 1 day or within 15 %. ``inf`` when
    ``recovery_days`` reports 0 for a patient the probe finds tolerant for more than a day."""
    reported = kettutor.recovery_days(patient, regimen, effect=effect)
    probe = probe_recovery_days(patient, regimen, effect=effect)
    if reported == 0.0 and probe > 1.0:
        return float("inf")
    return abs(reported - probe) / max(probe, 1.0 / 0.15)


def dose_to_match_relative_to_first(patient: Patient, regimen: Regimen, *, day: float, effect: str = "dissociation") -> float:
    """Dose (as a multiple of the first dose) that restores the first session's peak ``effect`` on ``day``;
    ``inf`` if no dose the API allows does."""
    first = regimen.events[0].dose_mg_per_kg(patient.weight_kg)
    return dose_to_match_mg_per_kg(patient, regimen, day=day, effect=effect) / first


def dose_to_match_mg_per_kg(patient: Patient, regimen: Regimen, *, day: float, effect: str = "dissociation") -> float:
    """``kettutor.dose_to_match_first_response`` (mg/kg), ``inf`` if no allowed dose restores the response."""
    try:
        return kettutor.dose_to_match_first_response(patient, regimen, day=day, effect=effect)
    except ValueError:
        return float("inf")


def output_density_disagreement(patient: Patient, regimen: Regimen, quantity: str, *, days: float) -> float:
    """Largest difference between sparse output grids and the default grid, as a fraction of the default
    grid's range of ``quantity`` ('session peaks <effect>', 'tolerance' or 'sensitization')."""
    default = run(patient, regimen, days=days)
    sparse_grids = ({"dense_window_h": 0.5, "sparse_step_h": 24.0}, {"dense_window_h": 0.0})
    worst = 0.0
    for grid in sparse_grids:
        sparse = run(patient, regimen, days=days, **grid)
        if quantity.startswith("session peaks "):
            effect = quantity.removeprefix("session peaks ")
            reference, other = default.session_peaks(effect), sparse.session_peaks(effect)
        else:
            series = (lambda r: r.tolerance) if quantity == "tolerance" else (lambda r: r.slow_state(quantity))
            reference = np.interp(sparse.time_h, default.time_h, series(default))
            other = series(sparse)
        scale = float(np.ptp(reference)) or 1.0
        worst = max(worst, float(np.abs(other - reference).max()) / scale)
    return worst


# ----- policies, cohorts and case records ---------------------------------------------------------------
@lru_cache(maxsize=64)
def mystery_record(cause: str, seed: int):
    """A mystery case record (cached: several targets read the same records)."""
    return kettutor.mystery_patient(cause, seed=seed)


MYSTERY_INDUCTION_VISITS = 3  # dissociation falls over the first twice-weekly sessions (T5), whatever the cause


def mystery_before_after(cause: str, seeds: tuple[int, ...], column: str, *, kind: str) -> float:
    """Mean over ``seeds`` of a case-record column after the change against before it (the first three,
    induction visits and the three visits right after the change skipped): ``kind`` 'ratio' (after / before) or
    'difference' (after - before)."""
    values = []
    for seed in seeds:
        record = mystery_record(cause, seed)
        series, k = getattr(record, column), record.change_visit
        before, after = np.nanmean(series[MYSTERY_INDUCTION_VISITS:k]), np.nanmean(series[k + 3 :])
        values.append(after / before if kind == "ratio" else after - before)
    return float(np.mean(values))


def mystery_score_slope_per_day(cause: str, seeds: tuple[int, ...]) -> float:
    """Mean slope (points/day) of the depression score from the change visit on."""
    slopes = []
    for seed in seeds:
        record = mystery_record(cause, seed)
        k = record.change_visit
        slopes.append(np.polyfit(record.day[k:], record.depression_score[k:], 1)[0])
    return float(np.mean(slopes))


def harm_flagged(outcome: kettutor.PolicyOutcome, words: tuple[str, ...]) -> float:
    """1.0 if a harm marker whose name contains any of ``words`` fired, else 0.0."""
    flags = [fired for name, fired in outcome.harms().items() if any(w in name.lower() for w in words)]
    if not flags:
        raise ValueError(f"no harm marker named with {words}; markers: {list(outcome.harms())}")
    return float(any(flags))


def dependence_state_at_end(outcome: kettutor.PolicyOutcome) -> float:
    """Largest craving state (the dependence slow state) until a day after the last session."""
    result = outcome.result
    until = result.time_h <= outcome.session_start_h[-1] + HOURS_PER_DAY
    return float(result.slow_state("dependence")[until].max())


def effect_after_last_dose(patient: Patient, regimen: Regimen, effect: str, after_days: float) -> float:
    """``effect`` ``after_days`` after the last session starts."""
    time_h = regimen.session_start_h[-1] + after_days * HOURS_PER_DAY
    result = run(patient, regimen, days=time_h / HOURS_PER_DAY + 0.1)
    return value_at(result, result.effect(effect), time_h)


def days_with_antidepressant_above(result: SimulationResult, g: float) -> float:
    """Days on which g is at least ``g`` (from the sampled series)."""
    above = result.effect("antidepressant") >= g
    steps = np.diff(result.time_h, append=result.time_h[-1])
    return float(steps[above].sum() / HOURS_PER_DAY)
