"""Targets for patients and protocols: phenomena P1-P5 (and issue item 4's mystery patient)."""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache, partial

import numpy as np

import kettutor
from kettutor import Cohort, Patient, Regimen

from . import measures as m
from . import sources as s
from .target import Target

INF = float("inf")
_target = partial(Target, group="Patients and protocols")
COHORT_SEED = 11
COHORT_REGIMEN = Regimen.repeated(dose_mg=35, infusion_min=40, every_days=3.5, doses=6)
SIGNATURE_SEEDS = (1, 2, 3)


@lru_cache(maxsize=1)
def _cohort_result():
    return kettutor.simulate(Cohort.sample(150, seed=COHORT_SEED), COHORT_REGIMEN, days=24)


def _exposure_spread(_: Patient) -> float:
    p5, p95 = np.percentile(_cohort_result().auc_mg_h_per_l, [5, 95])
    return float(p95 / p5)


def _tolerance_spread(_: Patient) -> float:
    last = _cohort_result().relative_session_peaks("dissociation")[:, -1]
    p5, p95 = np.percentile(last, [5, 95])
    return float(p95 - p5)


def _fast_against_slow(patient: Patient) -> float:
    """Days with g >= 0.2 after one oral dose: fast metaboliser / slow metaboliser (both at this weight)."""
    regimen = Regimen.single(dose_mg_per_kg=1.0, route="oral")
    days = [
        m.days_with_antidepressant_above(m.run(replace(archetype, weight_kg=patient.weight_kg), regimen, days=14), 0.2)
        for archetype in (kettutor.FAST_METABOLISER, kettutor.SLOW_METABOLISER)
    ]
    return days[0] / days[1]


def _titration(patient: Patient):
    return kettutor.titrate_to_response(patient, start_dose_mg_per_kg=0.1, step_mg_per_kg=0.15, target_percent=40, sessions=6)


def _titration_session(patient: Patient) -> float:
    outcome = _titration(patient)
    return float(outcome.limit_session) if outcome.reached_limit else INF


def _titration_dissociation(patient: Patient) -> float:
    fixed = m.course(patient, Regimen.repeated(dose_mg_per_kg=0.9, infusion_min=40, every_days=3.5, doses=6))
    return float(_titration(patient).result.session_peaks("dissociation").max() / fixed.session_peaks("dissociation").max())


def _spray(every_days: float, doses: int) -> Regimen:
    return Regimen.esketamine_spray(56, every_days=every_days, doses=doses)


STEPPED = _spray(3.5, 8).then(_spray(7, 4)).then(_spray(14, 4))
CONTINUED = _spray(3.5, 32)
INDUCTION_ONLY = _spray(3.5, 8)
WEEK_H = 7 * 24.0


def _mean_between(result, series: np.ndarray, from_week: float, to_week: float) -> float:
    window = (result.time_h > from_week * WEEK_H) & (result.time_h <= to_week * WEEK_H)
    return float(series[window].mean())


def _maintenance_keeps_benefit(patient: Patient) -> float:
    maintained, stopped = (m.run(patient, regimen, days=112) for regimen in (STEPPED, INDUCTION_ONLY))
    return _mean_between(maintained, maintained.effect("antidepressant"), 8, 16) / _mean_between(
        stopped, stopped.effect("antidepressant"), 8, 16
    )


def _maintenance_tolerance(patient: Patient) -> float:
    stepped, continued = (m.run(patient, regimen, days=112) for regimen in (STEPPED, CONTINUED))
    return _mean_between(stepped, stepped.tolerance, 8, 16) / _mean_between(continued, continued.tolerance, 8, 16)


def _longest_interval_days(patient: Patient) -> float:
    outcome = kettutor.extend_interval_while_benefit_holds(patient, dose_mg_per_kg=0.6, threshold_percent=20.0, course_days=120)
    return float(np.diff(outcome.session_start_h).max() / 24.0)


def _adjunct(quantity: str):
    def measure(patient: Patient) -> float:
        alone, therapy = (
            kettutor.extend_interval_while_benefit_holds(replace(patient, adjunct_therapy=adjunct), dose_mg_per_kg=0.6, course_days=168)
            for adjunct in ("none", "psychotherapy")
        )
        if quantity == "sessions":
            return len(therapy.session_start_h) / len(alone.session_start_h)
        return float(therapy.result.tolerance.mean() / alone.result.tolerance.mean())

    return measure


def _mystery(cause: str, column: str, kind: str, seeds: tuple[int, ...] = SIGNATURE_SEEDS):
    return lambda _: m.mystery_before_after(cause, seeds, column, kind=kind)


MYSTERY_REGIMEN = "mystery_patient case records (oral 1.5 mg/kg twice weekly, 24 visits)"

TARGETS: tuple[Target, ...] = (
    # ----- P1 ---------------------------------------------------------------------------------------------
    _target(
        id="P1-exposure-spread", phenomenon="P1",
        claim="At the same dose, a cohort with published variability spreads widely in exposure.",
        source="Fanta 2015 (CL IIV 13 %); Herd 2007 (38 %); Flint 2017 (40 %); Perez-Ruixo 2021 (volumes)",
        regimen=f"150 sampled adults (seed {COHORT_SEED}), 35 mg IV over 40 min twice weekly x 6",
        quantity="95th / 5th percentile of AUC", unit="ratio", published="clearance CV 13-40 %; volume CV 28-65 %",
        low=2.0, high=6.0, evidence="measured", measure=_exposure_spread, weights_kg=(),
    ),
    _target(
        id="P1-tolerance-spread", phenomenon="P1",
        claim="The same cohort spreads in how fast tolerance builds.",
        source=s.SEEDS, regimen=f"150 sampled adults (seed {COHORT_SEED}), 35 mg IV over 40 min twice weekly x 6",
        quantity="95th - 5th percentile of last-session relative dissociation", unit="fraction of first",
        published="wide spread of tolerance trajectories (direction only)", low=0.05, high=INF, evidence="illustrative",
        measure=_tolerance_spread, weights_kg=(),
    ),
    _target(
        id="P1-fast-metaboliser-loses-effect-sooner", phenomenon="P1",
        claim="A fast metaboliser keeps a useful benefit for fewer days than a slow one.",
        source=f"{s.SEEDS} ('fast metabolizers may need more frequent doses')",
        regimen="1 mg/kg oral, fast vs slow metaboliser archetypes at this weight",
        quantity="days with g >= 0.2, fast / slow", unit="ratio", published="fast metabolisers lose effect sooner",
        low=0.0, high=0.999, evidence="illustrative", measure=_fast_against_slow,
    ),
    # ----- P2 ---------------------------------------------------------------------------------------------
    _target(
        id="P2-titration-reaches-target-early", phenomenon="P2",
        claim="Starting low and stepping up reaches the target response within the first 2-4 sessions.",
        source=s.SEEDS, regimen="titrate_to_response: IV over 40 min from 0.1 mg/kg (Fava 2018 lowest dose), +0.15 per session, twice weekly",
        quantity="session at which the target is reached", unit="session", published="2-4 sessions",
        low=2.0, high=4.0, evidence="illustrative", measure=_titration_session,
    ),
    _target(
        id="P2-titration-less-dissociation", phenomenon="P2",
        claim="Titration reaches response with less dissociation than starting high.",
        source=s.SEEDS, regimen="the titration above vs 0.9 mg/kg IV over 40 min twice weekly x 6",
        quantity="peak dissociation, titrated / fixed high dose", unit="ratio", published="less dissociation (direction only)",
        low=0.0, high=0.8, evidence="illustrative", measure=_titration_dissociation,
    ),
    # ----- P3 ---------------------------------------------------------------------------------------------
    _target(
        id="P3-maintenance-keeps-benefit", phenomenon="P3",
        claim="Stepping down from twice weekly to weekly and fortnightly keeps the benefit that stopping loses.",
        source=s.DALY_2019,
        regimen="esketamine 56 mg: twice weekly x 8, weekly x 4, every 2 weeks x 4; against stopping after the 8",
        quantity="mean g in weeks 8-16, maintained / stopped", unit="ratio",
        published="maintenance halved relapse (26.7 vs 45.3 %; HR 0.30-0.49)", low=2.0, high=INF, evidence="illustrative",
        measure=_maintenance_keeps_benefit,
    ),
    _target(
        id="P3-maintenance-less-tolerance", phenomenon="P3",
        claim="The stepped schedule carries less tolerance than staying on twice weekly.",
        source=s.DALY_2019, regimen="the stepped schedule above vs esketamine 56 mg twice weekly for 16 weeks",
        quantity="mean tolerance in weeks 8-16, stepped / continued", unit="ratio",
        published="less tolerance (direction only)", low=0.0, high=0.7, evidence="illustrative", measure=_maintenance_tolerance,
    ),
    _target(
        id="P3-interval-extension", phenomenon="P3",
        claim="A clinician lengthening the interval while the benefit holds moves beyond twice weekly.",
        source=s.DALY_2019, regimen="extend_interval_while_benefit_holds: 0.6 mg/kg IV over 40 min, threshold 20 %, 120 days",
        quantity="longest interval reached", unit="days", published="weekly to 2-weekly maintenance (label)",
        low=7.0, high=INF, evidence="illustrative", measure=_longest_interval_days,
    ),
    # ----- P4 ---------------------------------------------------------------------------------------------
    _target(
        id="P4-adjunct-fewer-sessions", phenomenon="P4",
        claim="With psychotherapy alongside, the same benefit needs fewer sessions.",
        source=s.WILKINSON_2017, regimen="extend_interval_while_benefit_holds, 0.6 mg/kg, 24 weeks, with vs without psychotherapy",
        quantity="sessions with / without psychotherapy", unit="ratio", published="response prolonged (direction only)",
        low=0.0, high=0.999, evidence="illustrative", measure=_adjunct("sessions"),
    ),
    _target(
        id="P4-adjunct-less-tolerance", phenomenon="P4",
        claim="...and so carries less tolerance.",
        source=s.WILKINSON_2017, regimen="as above", quantity="mean tolerance with / without psychotherapy", unit="ratio",
        published="less tolerance (direction only)", low=0.0, high=0.999, evidence="illustrative", measure=_adjunct("tolerance"),
    ),
    # ----- P5 ---------------------------------------------------------------------------------------------
    _target(
        id="P5-true-tolerance-same-levels", phenomenon="P5",
        claim="True tolerance: blood levels per dose stay the same.",
        source=s.SEEDS, regimen=f"{MYSTERY_REGIMEN}; cause true_tolerance, seeds {SIGNATURE_SEEDS}",
        quantity="peak plasma level after / before the change", unit="ratio", published="unchanged levels (seed 002)",
        low=0.8, high=1.25, evidence="illustrative", measure=_mystery("true_tolerance", "plasma_peak_ng_per_ml", "ratio"),
        weights_kg=(),
    ),
    _target(
        id="P5-true-tolerance-less-dissociation", phenomenon="P5",
        claim="True tolerance: each dose dissociates less.",
        source=s.SEEDS, regimen=f"{MYSTERY_REGIMEN}; cause true_tolerance, seeds {SIGNATURE_SEEDS}",
        quantity="dissociation after / before the change", unit="ratio", published="less effect per dose (seed 002)",
        low=0.0, high=0.8, evidence="illustrative", measure=_mystery("true_tolerance", "dissociation_percent", "ratio"),
        weights_kg=(),
    ),
    _target(
        id="P5-item4-true-tolerance-benefit-fades", phenomenon="P5 / issue item 4",
        claim="True tolerance: the depression score worsens, the benefit fading.",
        source=s.SEEDS, regimen=f"{MYSTERY_REGIMEN}; cause true_tolerance, seeds {SIGNATURE_SEEDS}",
        quantity="depression score after - before the change", unit="points",
        published="a falling response (seed 002)", low=1.0, high=INF, evidence="illustrative",
        measure=_mystery("true_tolerance", "depression_score", "difference"), weights_kg=(),
    ),
    _target(
        id="P5-missed-doses-normal-levels", phenomenon="P5",
        claim="Missed doses: the doses that are taken give normal levels.",
        source=s.SEEDS, regimen=f"{MYSTERY_REGIMEN}; cause missed_doses, seeds {SIGNATURE_SEEDS}",
        quantity="peak plasma level after / before the change", unit="ratio", published="normal levels when taken",
        low=0.8, high=1.25, evidence="illustrative", measure=_mystery("missed_doses", "plasma_peak_ng_per_ml", "ratio"),
        weights_kg=(),
    ),
    _target(
        id="P5-inducer-levels-collapse", phenomenon="P5 / K5",
        claim="A new inducer: blood levels per dose collapse.",
        source=s.PELTONIEMI_2012_RIFAMPICIN, regimen=f"{MYSTERY_REGIMEN}; cause new_inducer, seeds {SIGNATURE_SEEDS}",
        quantity="peak plasma level after / before the change", unit="ratio", published="oral AUC -86 % with rifampicin",
        low=0.0, high=0.3, evidence="measured", measure=_mystery("new_inducer", "plasma_peak_ng_per_ml", "ratio"),
        weights_kg=(),
    ),
    _target(
        id="P5-benzodiazepine-score-steps-up", phenomenon="P5",
        claim="A new benzodiazepine: the depression score steps up while levels stay the same.",
        source=f"{s.ANDRASHKO_2020}; {s.FEENEY_2023}", regimen=f"{MYSTERY_REGIMEN}; cause new_benzodiazepine, seeds {SIGNATURE_SEEDS}",
        quantity="depression score after - before the change", unit="points", published="blunted benefit",
        low=1.0, high=INF, evidence="illustrative", measure=_mystery("new_benzodiazepine", "depression_score", "difference"),
        weights_kg=(),
    ),
    _target(
        id="P5-illness-drifts-up", phenomenon="P5",
        claim="A worsening illness: the score drifts up visit after visit.",
        source=s.SEEDS, regimen=f"{MYSTERY_REGIMEN}; cause worsening_illness, seeds {SIGNATURE_SEEDS}",
        quantity="slope of the depression score after the change", unit="points/day", published="a drift, not a step",
        low=0.1, high=INF, evidence="illustrative",
        measure=lambda _: m.mystery_score_slope_per_day("worsening_illness", SIGNATURE_SEEDS), weights_kg=(),
    ),
)
