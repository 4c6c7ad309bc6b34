"""Lesson 08, every patient is different: the numbers the lesson shows, computed by the model.

Every function returns a short Markdown sentence or table, so the lesson's prose never types a number that
would change with the model. ``tests/test_lesson_08_claims.py`` checks the same claims on the model.
"""

from __future__ import annotations

from functools import cache

import numpy as np
from IPython.display import Markdown

from ...solver.cohort import FAST_METABOLISER, POPULATION, SLOW_METABOLISER, Cohort
from ...science.comedications import COMEDICATIONS
from ...patient import Patient
from ...regimen import HOURS_PER_DAY, Regimen
from ...solver.result import SimulationResult
from ...solver.simulate import simulate

INFUSION_MIN = 40.0
DOSE_MG_PER_KG = 0.5
FIXED_DOSE_MG = 35.0  # 0.5 mg/kg for the default 70 kg patient
COHORT_SIZE, COHORT_SEED = 200, 2026  # the cohort app's defaults: the same patients as apps.cohort_explorer()
COHORT_WEEKS, COHORT_EVERY_DAYS = 4, 3.5
WEIGHTS_KG = (50.0, 70.0, 110.0)
BENEFIT_THRESHOLD_G = 0.2  # below this the benefit of one infusion is lost (Kishimoto 2016: by days 10-12)
FOLLOW_DAYS = 21.0
ORAL_DOSE_MG_PER_KG = 1.0  # the metaboliser archetypes' oral dose
PK_INTERACTIONS = ("clarithromycin", "ticlopidine", "grapefruit_juice", "rifampicin")
NAMES = {
    "clarithromycin": "clarithromycin (antibiotic; blocks CYP3A4)",
    "ticlopidine": "ticlopidine (blood thinner; blocks CYP2B6)",
    "grapefruit_juice": "grapefruit juice",
    "rifampicin": "rifampicin (antibiotic; induces liver enzymes)",
    "benzodiazepine": "benzodiazepine, usual dose",
    "benzodiazepine_high_dose": "benzodiazepine, above 8 mg diazepam-equivalent a day",
    "lamotrigine": "lamotrigine (anti-seizure medicine)",
}


def infusion(dose_mg_per_kg: float | None = DOSE_MG_PER_KG, dose_mg: float | None = None) -> Regimen:
    """One IV infusion over 40 min, in mg/kg or in mg."""
    if dose_mg is not None:
        return Regimen.single(dose_mg=dose_mg, infusion_min=INFUSION_MIN)
    return Regimen.single(dose_mg_per_kg=dose_mg_per_kg, infusion_min=INFUSION_MIN)


def swallowed(dose_mg_per_kg: float = DOSE_MG_PER_KG) -> Regimen:
    return Regimen.single(dose_mg_per_kg=dose_mg_per_kg, route="oral")


@cache
def run(patient: Patient, regimen: Regimen, days: float = 2.0) -> SimulationResult:
    return simulate(patient, regimen, days=days)


# ----- a cohort on one regimen (P1) ---------------------------------------------------------------------------
@cache
def cohort_numbers() -> dict[str, float]:
    """The cohort app's default cohort and course: spread of body weight, first-session peak plasma level and
    last-session dissociation relative to each patient's first."""
    cohort = Cohort.sample(COHORT_SIZE, seed=COHORT_SEED)
    regimen = Regimen.repeated(
        dose_mg_per_kg=DOSE_MG_PER_KG, infusion_min=INFUSION_MIN, every_days=COHORT_EVERY_DAYS, duration_days=COHORT_WEEKS * 7
    )
    result = simulate(cohort, regimen, days=COHORT_WEEKS * 7 + 3)
    cmax = 1000.0 * result.session_cmax_mg_per_l[:, 0]
    last = 100.0 * result.relative_session_peaks("dissociation")[:, -1]
    weights = np.array([p.weight_kg for p in cohort.patients])
    return {
        "sessions": float(regimen.session_count),
        "weight_low_kg": float(weights.min()), "weight_high_kg": float(weights.max()),
        "cmax_p5": float(np.percentile(cmax, 5)), "cmax_p95": float(np.percentile(cmax, 95)),
        "last_p5": float(np.percentile(last, 5)), "last_median": float(np.median(last)), "last_p95": float(np.percentile(last, 95)),
    }


def cohort_sentence() -> Markdown:
    n = cohort_numbers()
    return Markdown(
        f"{COHORT_SIZE} simulated adults ({n['weight_low_kg']:.0f} to {n['weight_high_kg']:.0f} kg) all get {DOSE_MG_PER_KG:g} mg/kg "
        f"IV over {INFUSION_MIN:g} min twice a week for {COHORT_WEEKS} weeks ({n['sessions']:.0f} sessions). The first session's "
        f"peak plasma level ranges from **{n['cmax_p5']:.0f} to {n['cmax_p95']:.0f} ng/mL** (5th to 95th percentile: nine "
        f"patients in ten fall in this range). By the last session, the median patient's dissociation is "
        f"**{n['last_median']:.0f} %** of their own first session's, with nine in ten between **{n['last_p5']:.0f} % and "
        f"{n['last_p95']:.0f} %**."
    )


# ----- body size: mg or mg/kg -------------------------------------------------------------------------------
@cache
def body_size_numbers() -> dict[float, dict[str, float]]:
    """Per body weight: peak plasma level (ng/mL) and peak dissociation (%) for a fixed 35 mg and for 0.5 mg/kg."""
    numbers = {}
    for weight in WEIGHTS_KG:
        patient = Patient(weight_kg=weight)
        fixed, scaled = run(patient, infusion(dose_mg=FIXED_DOSE_MG)), run(patient, infusion())
        numbers[weight] = {
            "fixed_mg_per_kg": FIXED_DOSE_MG / weight,
            "fixed_cmax": 1000.0 * fixed.exposure().cmax_mg_per_l,
            "fixed_dissociation": float(fixed.session_peaks("dissociation")[0]),
            "scaled_mg": DOSE_MG_PER_KG * weight,
            "scaled_cmax": 1000.0 * scaled.exposure().cmax_mg_per_l,
            "scaled_dissociation": float(scaled.session_peaks("dissociation")[0]),
        }
    return numbers


def body_size_table() -> Markdown:
    rows = [
        f"| Body weight | {FIXED_DOSE_MG:g} mg for everyone: dose per kg | peak plasma level | peak dissociation "
        f"| {DOSE_MG_PER_KG:g} mg/kg: dose in mg | peak plasma level | peak dissociation |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for weight, n in body_size_numbers().items():
        rows.append(
            f"| {weight:g} kg | {n['fixed_mg_per_kg']:.2f} mg/kg | {n['fixed_cmax']:.0f} ng/mL | {n['fixed_dissociation']:.0f} % "
            f"| {n['scaled_mg']:.0f} mg | {n['scaled_cmax']:.0f} ng/mL | {n['scaled_dissociation']:.0f} % |"
        )
    return Markdown(f"One infusion over {INFUSION_MIN:g} min, given two ways:\n\n" + "\n".join(rows))


# ----- fast and slow metabolisers ---------------------------------------------------------------------------
METABOLISERS = {"typical adult": Patient(), "fast metaboliser": FAST_METABOLISER, "slow metaboliser": SLOW_METABOLISER}
ROUTES = {
    f"IV infusion, {DOSE_MG_PER_KG:g} mg/kg over {INFUSION_MIN:g} min": infusion(),
    f"swallowed, {ORAL_DOSE_MG_PER_KG:g} mg/kg": swallowed(ORAL_DOSE_MG_PER_KG),
}


def days_with_benefit(result: SimulationResult, threshold_g: float = BENEFIT_THRESHOLD_G) -> float:
    """Days after the dose during which the antidepressant effect is at least ``threshold_g`` (0 if never)."""
    above = result.effect("antidepressant") >= threshold_g
    if not above.any():
        return 0.0
    return float((result.time_h[above][-1] - result.time_h[above][0]) / HOURS_PER_DAY)


@cache
def metaboliser_numbers() -> dict[str, dict[str, dict[str, float]]]:
    """Per patient and route: exposure (AUC) relative to the typical adult's, peak g and days with g >= 0.2."""
    numbers: dict[str, dict[str, dict[str, float]]] = {}
    for name, patient in METABOLISERS.items():
        numbers[name] = {}
        for route, regimen in ROUTES.items():
            result = run(patient, regimen, FOLLOW_DAYS)
            typical = run(Patient(), regimen, FOLLOW_DAYS)
            numbers[name][route] = {
                "auc_ratio": result.exposure().auc_mg_h_per_l / typical.exposure().auc_mg_h_per_l,
                "peak_g": float(result.effect("antidepressant").max()),
                "days": days_with_benefit(result),
            }
    return numbers


def metaboliser_table() -> Markdown:
    rows = [
        f"| Patient | Route | Exposure (AUC, typical adult = 100 %) | Peak antidepressant effect (g) | Days with g at least {BENEFIT_THRESHOLD_G:g} |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, routes in metaboliser_numbers().items():
        for route, n in routes.items():
            rows.append(f"| {name} | {route} | {100 * n['auc_ratio']:.0f} % | {n['peak_g']:.2f} | {n['days']:.1f} |")
    fast, slow = FAST_METABOLISER, SLOW_METABOLISER
    return Markdown(
        "\n".join(rows)
        + f"\n\nThe fast metaboliser clears ketamine {fast.clearance_multiplier:g} times as fast as the typical adult and their "
        f"liver's enzymes work {fast.intrinsic_clearance_multiplier:g} times as fast; the slow metaboliser's figures are "
        f"{slow.clearance_multiplier:g} and {slow.intrinsic_clearance_multiplier:g}. These two patients are illustrations, "
        "not measured people."
    )


# ----- CYP2B6 genotypes ------------------------------------------------------------------------------------
def genotype_folds() -> dict[str, float]:
    """Fall in hepatic intrinsic clearance per genotype under the 'chronic' assumption (in-vitro folds)."""
    return {"*1/*1": 1.0, "*1/*6": POPULATION.chronic_clint_fold_heterozygous, "*6/*6": POPULATION.chronic_clint_fold_homozygous}


def genotype_shares() -> dict[str, float]:
    """Share of adults with each genotype (Hardy-Weinberg from the *6 allele frequency)."""
    q = POPULATION.cyp2b6_6_allele_frequency
    return {"*1/*1": (1 - q) ** 2, "*1/*6": 2 * q * (1 - q), "*6/*6": q * q}


@cache
def genotype_numbers() -> dict[str, dict[str, float]]:
    """AUC relative to *1/*1 by genotype, oral and IV, if the in-vitro folds applied (the 'chronic' assumption)."""
    numbers = {}
    for genotype, fold in genotype_folds().items():
        patient = Patient(intrinsic_clearance_multiplier=1.0 / fold)
        numbers[genotype] = {
            route: run(patient, regimen).exposure().auc_mg_h_per_l / run(Patient(), regimen).exposure().auc_mg_h_per_l
            for route, regimen in (("oral", swallowed()), ("iv", infusion()))
        }
    return numbers


def genotype_table() -> Markdown:
    rows = [
        "| CYP2B6 genotype | Share of adults | After one dose (measured) | Swallowed dose, *if* the in-vitro fall applied | IV infusion, *if* it applied |",
        "| --- | --- | --- | --- | --- |",
    ]
    shares = genotype_shares()
    for genotype, n in genotype_numbers().items():
        rows.append(
            f"| {genotype} | {100 * shares[genotype]:.0f} % | no difference | {100 * n['oral']:.0f} % | {100 * n['iv']:.0f} % |"
        )
    return Markdown(
        f"Exposure (AUC) to {DOSE_MG_PER_KG:g} mg/kg as % of a \\*1/\\*1 patient's:\n\n" + "\n".join(rows).replace("*1", "\\*1").replace("*6", "\\*6")
    )


# ----- interacting medicines --------------------------------------------------------------------------------
@cache
def interaction_numbers() -> dict[str, dict[str, float]]:
    """Oral and IV AUC ratios (with / without) for the pharmacokinetic interactions."""
    return {
        name: {
            route: run(Patient(comedications=(name,)), regimen).exposure().auc_mg_h_per_l / run(Patient(), regimen).exposure().auc_mg_h_per_l
            for route, regimen in (("oral", swallowed()), ("iv", infusion()))
        }
        for name in PK_INTERACTIONS
    }


def interaction_table() -> Markdown:
    rows = [
        f"| Taken with ketamine | Swallowed {DOSE_MG_PER_KG:g} mg/kg: exposure (AUC) | IV infusion {DOSE_MG_PER_KG:g} mg/kg: exposure (AUC) |",
        "| --- | --- | --- |",
    ]
    for name, n in interaction_numbers().items():
        rows.append(f"| {NAMES[name]} | × {n['oral']:.2f} | × {n['iv']:.2f} |")
    return Markdown("Exposure with the medicine, as a multiple of exposure without it:\n\n" + "\n".join(rows))


def antidepressant_at(result: SimulationResult, day: float) -> float:
    return float(np.interp(day * HOURS_PER_DAY, result.time_h, result.effect("antidepressant")))


@cache
def effect_interaction_numbers() -> dict[str, dict[str, float]]:
    """Pharmacodynamic interactions after 0.5 mg/kg IV over 40 min: antidepressant effect on days 1 and 3 and
    peak dissociation, each relative to the same patient without the medicine (plasma levels unchanged)."""
    typical = run(Patient(), infusion(), 4.0)
    numbers = {}
    for name in ("benzodiazepine", "benzodiazepine_high_dose", "lamotrigine"):
        result = run(Patient(comedications=(name,)), infusion(), 4.0)
        numbers[name] = {
            "day1": antidepressant_at(result, 1.0) / antidepressant_at(typical, 1.0),
            "day3": antidepressant_at(result, 3.0) / antidepressant_at(typical, 3.0),
            "dissociation": float(result.session_peaks("dissociation")[0] / typical.session_peaks("dissociation")[0]),
            "auc": result.exposure().auc_mg_h_per_l / typical.exposure().auc_mg_h_per_l,
        }
    return numbers


def effect_interaction_table() -> Markdown:
    rows = [
        "| Taken with ketamine | Blood level (AUC) | Antidepressant effect, day 1 | Antidepressant effect, day 3 | Peak dissociation |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, n in effect_interaction_numbers().items():
        rows.append(
            f"| {NAMES[name]} | {100 * n['auc']:.0f} % | {100 * n['day1']:.0f} % | {100 * n['day3']:.0f} % | {100 * n['dissociation']:.0f} % |"
        )
    return Markdown(
        f"After {DOSE_MG_PER_KG:g} mg/kg IV over {INFUSION_MIN:g} min, as % of the same patient without the medicine:\n\n"
        + "\n".join(rows)
    )


def comedication_names() -> Markdown:
    """The interacting medicines the model knows (kettutor.COMEDICATIONS)."""
    return Markdown("The model knows: " + ", ".join(f"`{name}`" for name in COMEDICATIONS) + ".")
