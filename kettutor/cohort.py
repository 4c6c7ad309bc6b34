"""Virtual cohorts: individual variability, CYP2B6 genotypes and population views.

Each sampled patient gets log-normal multipliers on clearance, volumes, sensitivity, effect-site speed
and adaptation speed (median 1, coefficient of variation as configured), realistic covariates (sex,
weight, age) and a CYP2B6 genotype drawn at population frequencies under Hardy-Weinberg equilibrium.

**CYP2B6, honestly.** A single oral dose shows no in-vivo effect of CYP2B6*6 on ketamine metabolism
(Rao, Kharasch et al. 2016); in vitro *6 carriers have >= 2-fold (*1/*6) and >= 6-fold (*6/*6) lower
intrinsic clearance (Li et al.), and chronic dosing suggests lower clearance of unknown size (Li 2015).
``cyp2b6_assumption="single_dose"`` (the default) gives genotypes no effect; ``"chronic"`` applies the
in-vitro folds to hepatic intrinsic clearance, which, the liver being flow-limited, changes oral exposure
far more than IV exposure.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

import numpy as np
from threadpoolctl import threadpool_limits

from ._validate import check_choice, check_count, check_number
from .effects import EFFECT_NAMES, check_effect
from .engine import COHORT
from .model import ACCUMULATORS, SENSITIZATION, tolerance_total
from .params import CitedParameters, cited
from .patient import Patient
from .peaks import session_cmax_mg_per_l, session_peaks
from .regimen import HOURS_PER_DAY, Regimen
from .simulate import simulate_patients

MAX_COHORT_SIZE = 100_000
THREADS = min(2, os.cpu_count() or 1)  # the target machine has two cores
CHUNK_SIZE = 50  # patients simulated together: bounds memory (~25 MB a chunk for a one-year course) and, measured, runs fastest
CYP2B6_ASSUMPTIONS = ("single_dose", "chronic")
GENOTYPES = ("*1/*1", "*1/*6", "*6/*6")


@dataclass(frozen=True)
class PopulationParameters(CitedParameters):
    """Between-subject variability and covariate distributions of a virtual adult population."""

    clearance_cv: float = cited(
        0.30, "fraction", "CV of clearance", "between adults 13 % (Fanta 2015) and children 38-40 % (Herd 2007; Flint 2017)"
    )
    volume_cv: float = cited(
        0.40, "fraction", "CV of distribution volumes", "Vc 27.5 %, Vp1 49 % (Perez-Ruixo 2021); V2 52 % (Herd 2007)"
    )
    sensitivity_cv: float = cited(0.30, "fraction", "CV of sensitivity (EC50s)", "illustrative")
    ke0_cv: float = cited(
        0.30, "fraction", "CV of effect-site speed", "illustrative; t1/2ke0 0-11.8 min across endpoints (Noppers 2011)"
    )
    adaptation_cv: float = cited(0.40, "fraction", "CV of tolerance and sensitization speed", "illustrative")
    female_fraction: float = cited(0.5, "fraction", "share of women", "illustrative adult population")
    male_weight_median_kg: float = cited(80.0, "kg", "median body weight of men", "illustrative adult population")
    female_weight_median_kg: float = cited(67.0, "kg", "median body weight of women", "illustrative adult population")
    weight_cv: float = cited(0.18, "fraction", "CV of body weight within each sex", "illustrative adult population")
    age_min_years: float = cited(18.0, "years", "youngest age", "adult population")
    age_max_years: float = cited(75.0, "years", "oldest age", "adult population")
    cyp2b6_6_allele_frequency: float = cited(
        0.256, "fraction", "CYP2B6*6 allele frequency",
        "White populations 25.6 % (Tanner et al. 2020 Nicotine Tob Res 22:910, Table 1; African American 32.8 %, Japanese 18.0 %)",
    )
    chronic_clint_fold_heterozygous: float = cited(
        2.0, "x", "fall in intrinsic clearance, *1/*6, under the 'chronic' assumption", "in vitro >= 2-fold (Li et al.)"
    )
    chronic_clint_fold_homozygous: float = cited(
        6.0, "x", "fall in intrinsic clearance, *6/*6, under the 'chronic' assumption", "in vitro >= 6-fold (Li et al.)"
    )

    def __post_init__(self) -> None:
        for name in ("clearance_cv", "volume_cv", "sensitivity_cv", "ke0_cv", "adaptation_cv", "weight_cv"):
            value = getattr(self, name)
            if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and not 0.0 <= value <= 2.0:
                raise ValueError(f"{name} must be a coefficient of variation from 0 to 2 (0-200 %); got {value:g} ({value * 100:g} %).")
            check_number(name, value, "fraction (0-2 = 0-200 %)", low=0.0, high=2.0, low_inclusive=True)
        check_number("female_fraction", self.female_fraction, "fraction", low=0.0, high=1.0, low_inclusive=True)
        check_number("cyp2b6_6_allele_frequency", self.cyp2b6_6_allele_frequency, "fraction", low=0.0, high=1.0, low_inclusive=True)
        if self.age_max_years < self.age_min_years:
            raise ValueError(f"age_max_years must be >= age_min_years ({self.age_min_years:g} years); got {self.age_max_years:g}.")


POPULATION = PopulationParameters()


def _generator(seed: int | np.random.Generator) -> np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ValueError(f"seed must be an int or a numpy.random.Generator; got {seed!r}.")
    return np.random.default_rng(int(seed))


def _lognormal(rng: np.random.Generator, cv: float, size: int) -> np.ndarray:
    """Log-normal multipliers with median 1 and coefficient of variation ``cv``."""
    return rng.lognormal(0.0, math.sqrt(math.log1p(cv * cv)), size) if cv > 0 else np.ones(size)


@dataclass(frozen=True)
class Cohort:
    """A reproducible group of simulated patients (and their CYP2B6 genotypes)."""

    patients: tuple[Patient, ...]
    genotypes: tuple[str, ...] = field(default=())
    description: str = "cohort"

    @classmethod
    def sample(
        cls,
        n: int,
        *,
        seed: int | np.random.Generator,
        population: PopulationParameters = POPULATION,
        cyp2b6_assumption: str = "single_dose",
        comedications: tuple[str, ...] = (),
    ) -> "Cohort":
        """Draw ``n`` patients (1-100,000) reproducibly from ``seed`` (an int or a numpy Generator)."""
        n = check_count("n", n, low=1, high=MAX_COHORT_SIZE)
        assumption = check_choice("CYP2B6 assumption", cyp2b6_assumption, CYP2B6_ASSUMPTIONS)
        rng = _generator(seed)
        pop = population
        female = rng.random(n) < pop.female_fraction
        median = np.where(female, pop.female_weight_median_kg, pop.male_weight_median_kg)
        weight = np.clip(median * _lognormal(rng, pop.weight_cv, n), 40.0, 150.0)
        age = rng.uniform(pop.age_min_years, pop.age_max_years, n)
        alleles = (rng.random((n, 2)) < pop.cyp2b6_6_allele_frequency).sum(axis=1)  # Hardy-Weinberg
        clint = np.ones(n)
        if assumption == "chronic":
            clint = np.select([alleles == 1, alleles == 2], [1 / pop.chronic_clint_fold_heterozygous, 1 / pop.chronic_clint_fold_homozygous], 1.0)
        multipliers = {
            "clearance_multiplier": _lognormal(rng, pop.clearance_cv, n),
            "volume_multiplier": _lognormal(rng, pop.volume_cv, n),
            "sensitivity_multiplier": _lognormal(rng, pop.sensitivity_cv, n),
            "ke0_multiplier": _lognormal(rng, pop.ke0_cv, n),
            "adaptation_multiplier": _lognormal(rng, pop.adaptation_cv, n),
        }
        patients = tuple(
            Patient(
                weight_kg=float(weight[i]),
                age_years=float(age[i]),
                sex="female" if female[i] else "male",
                comedications=tuple(comedications),
                intrinsic_clearance_multiplier=float(clint[i]),
                name=f"patient {i + 1}",
                **{key: float(np.clip(value[i], 0.05, 20.0)) for key, value in multipliers.items()},
            )
            for i in range(n)
        )
        return cls(patients, tuple(GENOTYPES[a] for a in alleles), f"{n} sampled adults ({assumption} CYP2B6 assumption)")

    def __len__(self) -> int:
        return len(self.patients)


@dataclass(frozen=True)
class CohortResult:
    """Per-patient summaries of a cohort simulation and population views of them.

    ``session_peaks[effect]`` is (patients, sessions); ``daily[name]`` is (patients, days + 1) sampled at
    the start of each day, for 'tolerance', 'sensitization', 'antidepressant' and 'craving'.
    """

    cohort: Cohort
    regimen: Regimen
    session_start_h: np.ndarray
    session_peaks: dict[str, np.ndarray]
    session_cmax_mg_per_l: np.ndarray
    auc_mg_h_per_l: np.ndarray
    day: np.ndarray
    daily: dict[str, np.ndarray]

    def relative_session_peaks(self, effect: str) -> np.ndarray:
        """Each patient's session peaks relative to their own first session (patients, sessions)."""
        peaks = self.session_peaks[check_effect(effect)]
        with np.errstate(invalid="ignore", divide="ignore"):
            return peaks / peaks[:, :1]

    def percentiles(self, values: np.ndarray, q: Sequence[float] = (5, 25, 50, 75, 95)) -> np.ndarray:
        """Population percentiles (len(q), columns) of a (patients, columns) array."""
        return np.nanpercentile(values, q, axis=0)

    def responder_fraction(self, *, threshold_g: float = 1.0) -> np.ndarray:
        """Share of patients whose antidepressant effect reaches ``threshold_g`` in each session."""
        threshold = check_number("threshold_g", threshold_g, "Hedges g", low=0.0, high=2.0)
        return (self.session_peaks["antidepressant"] >= threshold).mean(axis=0)


DAILY_SUMMARIES = ("tolerance", "sensitization", "antidepressant", "craving")


def _summarise_chunk(patients: list[Patient], regimen: Regimen, days: float | None) -> dict[str, object]:
    """Simulate a chunk of patients together (cohort quadrature) and keep only per-patient summaries."""
    model, out = simulate_patients(
        patients, regimen, days=days, dense_step_min=60.0, dense_window_h=0.0, sparse_step_h=24.0, quadrature=COHORT
    )
    starts = regimen.session_start_h
    starts = starts[starts <= out.time_h[-1]]
    daily_index = np.flatnonzero(np.isclose(np.mod(out.time_h, HOURS_PER_DAY), 0.0))
    slow = out.slow[:, :, daily_index]
    no_drug = np.zeros((slow.shape[0], daily_index.size))
    return {
        "starts": starts,
        "peaks": {name: session_peaks(model, out, starts, name) for name in EFFECT_NAMES},
        "cmax": session_cmax_mg_per_l(out, starts),
        "auc": out.solver.accumulators(out.time_h[-1:])[:, ACCUMULATORS.index("auc_ketamine_mg_h_per_l"), 0],
        "day": out.time_h[daily_index] / HOURS_PER_DAY,
        "daily": {
            "tolerance": tolerance_total(slow),
            "sensitization": slow[:, SENSITIZATION],
            "antidepressant": model.effect("antidepressant", no_drug, slow),
            "craving": model.effect("craving", no_drug, slow),
        },
    }


def simulate_cohort(
    cohort: Cohort,
    regimen: Regimen,
    *,
    days: float | None = None,
    progress: bool | None = None,
) -> CohortResult:
    """Simulate every patient of ``cohort`` on ``regimen`` in chunks, keeping per-patient summaries.

    Chunks of CHUNK_SIZE patients bound memory and run on up to two threads (numpy releases the GIL in
    its array loops). A progress bar (tqdm) appears when the run is expected to take more than about a
    second (``progress=None``), always (``True``) or never (``False``).
    """
    if not isinstance(cohort, Cohort):
        raise ValueError(f"cohort must be a kettutor.Cohort; got {type(cohort).__name__}.")
    chunks = [list(cohort.patients[i : i + CHUNK_SIZE]) for i in range(0, len(cohort), CHUNK_SIZE)]
    began, summaries, bar = time.perf_counter(), [], None
    # one BLAS thread per worker: the engine's matrix products are small and batched, and BLAS threads on
    # top of the workers only contend for the two cores (measured: 1.2 s instead of 0.85 s per 1,000)
    with threadpool_limits(limits=1, user_api="blas"), ThreadPoolExecutor(max_workers=min(THREADS, len(chunks))) as pool:
        for chunk, summary in zip(chunks, pool.map(lambda c: _summarise_chunk(c, regimen, days), chunks)):
            summaries.append(summary)
            if bar is not None:
                bar.update(len(chunk))
            elif len(summaries) == 1 < len(chunks):
                expected = (time.perf_counter() - began) * len(chunks) / THREADS
                if progress or (progress is None and expected > 1.0):
                    from tqdm.auto import tqdm

                    bar = tqdm(total=len(cohort), initial=len(chunk), unit="patient", desc="simulating cohort")
    if bar is not None:
        bar.close()
    first = summaries[0]
    return CohortResult(
        cohort=cohort,
        regimen=regimen,
        session_start_h=first["starts"],
        session_peaks={name: np.concatenate([s["peaks"][name] for s in summaries]) for name in EFFECT_NAMES},
        session_cmax_mg_per_l=np.concatenate([s["cmax"] for s in summaries]),
        auc_mg_h_per_l=np.concatenate([s["auc"] for s in summaries]),
        day=first["day"],
        daily={name: np.concatenate([s["daily"][name] for s in summaries]) for name in DAILY_SUMMARIES},
    )


@dataclass(frozen=True)
class Archetype:
    """A named patient on a typical regimen, for lessons and exercises."""

    name: str
    description: str
    patient: Patient
    regimen: Regimen


def _archetypes() -> dict[str, Archetype]:
    iv = lambda every, doses: Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=40, every_days=every, doses=doses)  # noqa: E731
    return {
        a.name: a
        for a in (
            Archetype(
                "clinic_trd_patient",
                "Adult with treatment-resistant depression: IV infusions twice weekly for 4 weeks, then weekly.",
                Patient(age_years=45, sex="female", weight_kg=68, name="clinic patient with TRD"),
                iv(3.5, 8).then(iv(7, 8)),
            ),
            Archetype(
                "chronic_daily_user",
                "Recreational user taking intranasal ketamine every day for three months.",
                Patient(age_years=24, weight_kg=72, name="chronic daily user"),
                Regimen.repeated(dose_mg_per_kg=1.0, route="intranasal", every_days=1, doses=90),
            ),
            Archetype(
                "burn_patient",
                "Burn patient anaesthetised with 2 mg/kg IV for daily dressing changes over two weeks.",
                Patient(age_years=35, weight_kg=78, name="burn patient"),
                Regimen.repeated(dose_mg_per_kg=2.0, every_days=1, doses=14),
            ),
            Archetype(
                "on_memantine",
                "Patient already taking memantine (cross-tolerance) starting IV infusions twice weekly.",
                Patient(age_years=60, comedications=("memantine",), name="patient on memantine"),
                iv(3.5, 8),
            ),
            Archetype(
                "fast_metaboliser",
                "Patient who clears ketamine 60 % faster than typical, on oral ketamine twice weekly.",
                Patient(clearance_multiplier=1.6, intrinsic_clearance_multiplier=2.5, name="fast metaboliser"),
                Regimen.repeated(dose_mg_per_kg=1.0, route="oral", every_days=3.5, doses=8),
            ),
            Archetype(
                "elderly_patient",
                "Older woman (78 y) starting esketamine at the label's elderly dose, 28 mg twice weekly.",
                Patient(age_years=78, sex="female", weight_kg=60, name="elderly patient"),
                Regimen.esketamine_spray(28, every_days=3.5, doses=8),
            ),
        )
    }


ARCHETYPES: dict[str, Archetype] = _archetypes()

# Named examples for P1 (seed: "fast metabolizers may need more frequent doses").
FAST_METABOLISER = replace(ARCHETYPES["fast_metaboliser"].patient)
SLOW_METABOLISER = Patient(clearance_multiplier=0.6, intrinsic_clearance_multiplier=0.4, name="slow metaboliser")


def get_archetype(name: str) -> Archetype:
    """Look up an archetype by name, suggesting the closest name on a typo."""
    return ARCHETYPES[check_choice("archetype", name, ARCHETYPES)]
