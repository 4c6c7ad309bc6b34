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
from collections import deque
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

import numpy as np
from threadpoolctl import threadpool_limits

from .._validate import check_choice, check_count, check_number, check_seed, check_sequence, shown
from ..science.effects import EFFECT_NAMES, PHARMACODYNAMICS, PharmacodynamicParameters, check_effect
from .engine import COHORT
from .model import ACCUMULATORS, SENSITIZATION, tolerance_total
from ..science.params import CitedParameters, cited
from ..science.comedications import get_comedication
from ..patient import Patient
from ..science.pk import Disposition
from .peaks import session_cmax_mg_per_l, session_peaks
from ..regimen import HOURS_PER_DAY, Regimen
from .simulate import check_days, check_parameter_sets, output_grid, register_population, simulate_patients

MAX_COHORT_SIZE = 100_000
SAMPLED_WEIGHT_KG = (40.0, 150.0)  # sampled body weights are kept within this range
THREADS = min(2, os.cpu_count() or 1)  # the target machine has two cores
CHUNK_SIZE = 50  # patients simulated together: bounds memory (~25 MB a chunk for a one-year course) and, measured, runs fastest
CYP2B6_ASSUMPTIONS = ("single_dose", "chronic")
GENOTYPES = ("*1/*1", "*1/*6", "*6/*6")


@dataclass(frozen=True)
class PopulationParameters(CitedParameters):
    """Between-subject variability and covariate distributions of a virtual adult population.

    Coefficients of variation and shares are fractions (0.3 = 30 %), body weights in kg, ages in years.
    Change a value with ``dataclasses.replace``:

    >>> from dataclasses import replace
    >>> from kettutor import Cohort, PopulationParameters
    >>> mostly_women = replace(PopulationParameters(), female_fraction=0.7)   # fraction of women
    >>> mostly_women.female_fraction, mostly_women.male_weight_median_kg == PopulationParameters().male_weight_median_kg
    (0.7, True)
    >>> cohort = Cohort.sample(200, seed=1, population=mostly_women)
    >>> 0.6 < sum(p.sex == "female" for p in cohort.patients) / len(cohort) < 0.8
    True
    """

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
        for name in ("male_weight_median_kg", "female_weight_median_kg"):  # sampled weights are kept within 40-150 kg
            check_number(name, getattr(self, name), "kg", low=SAMPLED_WEIGHT_KG[0], high=SAMPLED_WEIGHT_KG[1], low_inclusive=True)
        youngest = check_number("age_min_years", self.age_min_years, "years", low=0.0, high=120.0, low_inclusive=True)
        oldest = check_number("age_max_years", self.age_max_years, "years", low=0.0, high=120.0, low_inclusive=True)
        check_number("cyp2b6_6_allele_frequency", self.cyp2b6_6_allele_frequency, "fraction", low=0.0, high=1.0, low_inclusive=True)
        for name in ("chronic_clint_fold_heterozygous", "chronic_clint_fold_homozygous"):
            # 1 / fold becomes a patient's intrinsic_clearance_multiplier (0.01-20 x typical)
            check_number(name, getattr(self, name), "x", low=0.05, high=100.0, low_inclusive=True)
        if oldest < youngest:
            raise ValueError(f"age_max_years must be >= age_min_years ({youngest:g} years); got {oldest:g}.")


POPULATION = PopulationParameters()


def _generator(seed: int | np.random.Generator) -> np.random.Generator:
    return check_seed("seed", seed)


def _lognormal(rng: np.random.Generator, cv: float, size: int) -> np.ndarray:
    """Log-normal multipliers with median 1 and coefficient of variation ``cv``."""
    return rng.lognormal(0.0, math.sqrt(math.log1p(cv * cv)), size) if cv > 0 else np.ones(size)


@dataclass(frozen=True)
class Cohort:
    """A reproducible group of simulated patients (and their CYP2B6 genotypes).

    >>> from kettutor import Cohort
    >>> cohort = Cohort.sample(20, seed=1)   # 20 adults, body weights 40-150 kg
    >>> len(cohort), Cohort.sample(20, seed=1) == cohort   # the same seed gives the same patients
    (20, True)
    >>> set(cohort.genotypes) <= {"*1/*1", "*1/*6", "*6/*6"}
    True
    """

    patients: tuple[Patient, ...]
    genotypes: tuple[str, ...] = field(default=())
    description: str = "cohort"

    def __post_init__(self) -> None:
        patients = self.patients
        if type(patients) is not tuple:
            patients = check_sequence("patients", patients, "kettutor.Patient", example="(Patient(), Patient(weight_kg=60))")
            object.__setattr__(self, "patients", patients)
        if not 1 <= len(patients) <= MAX_COHORT_SIZE:
            raise ValueError(f"patients must hold at least 1 and at most {MAX_COHORT_SIZE} kettutor.Patient; got {len(patients)}.")
        for patient in patients:
            if not isinstance(patient, Patient):
                raise ValueError(f"patients must be kettutor.Patient objects; got {shown(patient)} of type {type(patient).__name__}.")
        genotypes = check_sequence("genotypes", self.genotypes, "CYP2B6 genotypes", example="('*1/*1', '*1/*6')")
        if genotypes and len(genotypes) != len(patients):
            raise ValueError(f"genotypes must be empty or give one genotype per patient ({len(patients)}); got {len(genotypes)}.")
        for genotype in dict.fromkeys(genotypes):
            check_choice("genotype", genotype, GENOTYPES)
        object.__setattr__(self, "genotypes", genotypes)
        if not isinstance(self.description, str):
            raise ValueError(f"description must be a str; got {shown(self.description)}.")

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
        if not isinstance(population, PopulationParameters):
            raise ValueError(
                "population must be a kettutor.PopulationParameters (for example PopulationParameters(female_fraction=0.7)); "
                f"got {shown(population)} of type {type(population).__name__}."
            )
        if isinstance(comedications, str):
            raise ValueError(f"comedications must be a tuple of names, e.g. ({comedications!r},); got the string {comedications!r}.")
        comedications = check_sequence("comedications", comedications, "comedication names", example="('memantine',)")
        for name in comedications:
            get_comedication(name)
        rng = _generator(seed)
        pop = population
        female = rng.random(n) < pop.female_fraction
        median = np.where(female, pop.female_weight_median_kg, pop.male_weight_median_kg)
        weight = np.clip(median * _lognormal(rng, pop.weight_cv, n), *SAMPLED_WEIGHT_KG)
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

    ``session_peaks(effect)`` is (patients, sessions), as :meth:`SimulationResult.session_peaks` is
    (sessions,) for one patient; ``daily[name]`` is (patients, days + 1) sampled at the start of each day, for
    'tolerance', 'sensitization', 'antidepressant' and 'craving'. Peaks are in each effect's unit
    (:data:`kettutor.EFFECT_UNITS`), ``session_cmax_mg_per_l`` in mg/L and ``auc_mg_h_per_l`` in mg h/L.

    >>> from kettutor import Cohort, Regimen, simulate
    >>> weekly = Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=40, every_days=7, doses=4)
    >>> result = simulate(Cohort.sample(20, seed=1), weekly)
    >>> result.session_peaks("dissociation").shape   # (patients, sessions), % of maximal effect
    (20, 4)
    >>> relative = 100 * result.relative_session_peaks("dissociation")   # % of each patient's first session
    >>> p5, p50, p95 = result.percentiles(relative, (5, 50, 95))[:, -1]   # at the 4th session
    >>> bool(p5 <= p50 <= p95), bool(50 < p50 < 100)
    (True, True)
    """

    cohort: Cohort
    regimen: Regimen
    session_start_h: np.ndarray
    peaks_by_effect: dict[str, np.ndarray]
    session_cmax_mg_per_l: np.ndarray
    auc_mg_h_per_l: np.ndarray
    day: np.ndarray
    daily: dict[str, np.ndarray]

    def __post_init__(self) -> None:
        if not isinstance(self.cohort, Cohort) or not isinstance(self.regimen, Regimen):
            raise ValueError(
                "CohortResult is made by kettutor.simulate(cohort, regimen): cohort must be a kettutor.Cohort and regimen a "
                f"kettutor.Regimen; got {type(self.cohort).__name__} and {type(self.regimen).__name__}."
            )
        n = len(self.cohort)
        sessions = np.shape(self.session_start_h)[0] if np.ndim(self.session_start_h) == 1 else -1
        days = np.shape(self.day)[0] if np.ndim(self.day) == 1 else -1
        shapes = {
            **{f"peaks_by_effect[{e!r}]": (self.peaks_by_effect.get(e) if isinstance(self.peaks_by_effect, dict) else None, (n, sessions)) for e in EFFECT_NAMES},
            "session_cmax_mg_per_l": (self.session_cmax_mg_per_l, (n, sessions)),
            "auc_mg_h_per_l": (self.auc_mg_h_per_l, (n,)),
            **{f"daily[{name!r}]": (self.daily.get(name) if isinstance(self.daily, dict) else None, (n, days)) for name in DAILY_SUMMARIES},
        }
        for name, (array, shape) in shapes.items():
            if not isinstance(array, np.ndarray) or array.shape != shape or sessions < 1 or days < 0:
                raise ValueError(
                    f"CohortResult is made by kettutor.simulate(cohort, regimen): {name} must be an array of shape "
                    f"(patients, sessions or days) = {shape}; got {shown(array)}."
                )

    def session_peaks(self, effect: str) -> np.ndarray:
        """Each patient's peak ``effect`` in each session (patients, sessions), in the effect's unit."""
        return self.peaks_by_effect[check_effect(effect)]

    def relative_session_peaks(self, effect: str) -> np.ndarray:
        """Each patient's session peaks relative to their own first session (patients, sessions)."""
        peaks = self.session_peaks(effect)
        first = peaks[:, :1]
        if not np.all(first > 0.0):
            raise ValueError(
                f"relative session peaks of effect {effect!r} need a first session with a response (> 0); got a first-session "
                f"peak of {float(first.min()):g} for {int(np.sum(~(first > 0.0)))} patients."
            )
        return peaks / first

    def percentiles(self, values: np.ndarray, q: Sequence[float] = (5, 25, 50, 75, 95)) -> np.ndarray:
        """Population percentiles (len(q), columns) of a (patients, columns) or (patients,) array of finite values."""
        try:
            array = np.asarray(values, dtype=float)
        except (TypeError, ValueError):
            raise ValueError(f"values must be a (patients, columns) array of numbers; got {shown(values)}.") from None
        if array.ndim not in (1, 2) or array.shape[0] == 0 or array.size == 0:
            raise ValueError(f"values must be a (patients, columns) or (patients,) array with at least one patient; got shape {array.shape}.")
        if not np.all(np.isfinite(array)):
            raise ValueError(f"values must be finite numbers; got {int(np.sum(~np.isfinite(array)))} NaN or infinite entries.")
        if isinstance(q, (int, float, np.integer, np.floating)) and not isinstance(q, bool):
            levels = check_number("q", q, "%", low=0.0, high=100.0, low_inclusive=True)
        else:
            levels = [
                check_number("each of q", level, "%", low=0.0, high=100.0, low_inclusive=True)
                for level in check_sequence("q", q, "percentiles in %", example="(5, 50, 95)", low=1, high=101)
            ]
        return np.percentile(array, levels, axis=0)

    def responder_fraction(self, *, threshold_g: float = 1.0) -> np.ndarray:
        """Share of patients whose antidepressant effect reaches ``threshold_g`` in each session."""
        threshold = check_number("threshold_g", threshold_g, "Hedges g", low=0.0, high=2.0)
        return (self.session_peaks("antidepressant") >= threshold).mean(axis=0)


DAILY_SUMMARIES = ("tolerance", "sensitization", "antidepressant", "craving")


COHORT_OUTPUT = {"dense_step_min": 60.0, "dense_window_h": 0.0, "sparse_step_h": 24.0}  # daily values, peaks exact
# A cohort's summaries (float64): n x (7 values per session + 4 per day + 1). Their total is bounded so that the
# run, whose peak memory stays within about twice its result, fits a teaching machine (1.6 GB of summaries).
MAX_COHORT_RESULT_VALUES = 200_000_000
# Working memory of one chunk grows with its sessions and days; chunks shrink so that each stays within this
# size (the benchmark year keeps CHUNK_SIZE patients: ~75 MB).
CHUNK_BUDGET_BYTES = 100_000_000
CHUNK_BYTES_PER_PATIENT_SESSION = 22_000  # measured (tracemalloc): 15-21 kB for IV, nasal and thrice-daily courses
CHUNK_BYTES_PER_PATIENT_DAY = 600  # measured: ~550 B for a single dose followed for ten years


def cohort_chunk_size(sessions: int, days: float) -> int:
    """Patients simulated together: CHUNK_SIZE, fewer for long courses (their working memory grows with both)."""
    per_patient = CHUNK_BYTES_PER_PATIENT_SESSION * max(sessions, 1) + CHUNK_BYTES_PER_PATIENT_DAY * days
    return int(min(CHUNK_SIZE, max(1, CHUNK_BUDGET_BYTES // per_patient)))


def _summarise_chunk(
    patients: list[Patient], regimen: Regimen, days: float, disposition: Disposition | None = None, pd: PharmacodynamicParameters = PHARMACODYNAMICS
) -> dict[str, object]:
    """Simulate a chunk of patients together (cohort quadrature) and keep only per-patient summaries."""
    model, out = simulate_patients(patients, regimen, days=days, disposition=disposition, pd=pd, quadrature=COHORT, **COHORT_OUTPUT)
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
    disposition: Disposition | None = None,
    pd: PharmacodynamicParameters = PHARMACODYNAMICS,
) -> CohortResult:
    """Simulate every patient of ``cohort`` on ``regimen`` in chunks, keeping per-patient summaries.

    Chunks of CHUNK_SIZE patients (fewer for long courses) bound memory and run on up to two threads (numpy
    releases the GIL in its array loops); each chunk's summaries go straight into the result's arrays, which
    are allocated once, after their size has been checked. A progress bar (tqdm) appears when the run is
    expected to take more than about a second (``progress=None``), always (``True``) or never (``False``).
    """
    if not isinstance(cohort, Cohort):
        raise ValueError(f"cohort must be a kettutor.Cohort (for example Cohort.sample(100, seed=1)); got {type(cohort).__name__}.")
    if not isinstance(regimen, Regimen):
        raise ValueError(f"regimen must be a kettutor.Regimen; got {type(regimen).__name__}. Try kettutor.Regimen.single(...).")
    if progress is not None and not isinstance(progress, bool):
        raise ValueError(f"progress must be True, False or None (shown when the run looks slow); got {shown(progress)}.")
    check_parameter_sets(regimen, disposition, pd)
    days = check_days(regimen, days)
    # every size is known before any simulation: sessions and days from the regimen and the (shared) output times
    grid = output_grid(regimen, days * HOURS_PER_DAY, **COHORT_OUTPUT)
    starts = regimen.session_start_h
    starts = starts[starts <= grid[-1]]
    day = grid[np.isclose(np.mod(grid, HOURS_PER_DAY), 0.0)] / HOURS_PER_DAY
    n, sessions = len(cohort), starts.size
    values = n * ((len(EFFECT_NAMES) + 1) * sessions + len(DAILY_SUMMARIES) * day.size + 1)
    if values > MAX_COHORT_RESULT_VALUES:
        per_patient = values / n
        raise ValueError(
            f"a cohort's summaries must hold at most {MAX_COHORT_RESULT_VALUES:,} values ({MAX_COHORT_RESULT_VALUES * 8 / 1e9:g} GB): "
            f"7 per patient and session and 4 per patient and day; got n = {n:,} patients x {sessions:,} sessions over "
            f"{days:g} days ({values:,.0f} values). Simulate at most {int(MAX_COHORT_RESULT_VALUES // per_patient):,} "
            "patients on this course, or a shorter course (days)."
        )
    result = CohortResult(
        cohort=cohort,
        regimen=regimen,
        session_start_h=starts,
        peaks_by_effect={name: np.empty((n, sessions)) for name in EFFECT_NAMES},
        session_cmax_mg_per_l=np.empty((n, sessions)),
        auc_mg_h_per_l=np.empty(n),
        day=day,
        daily={name: np.empty((n, day.size)) for name in DAILY_SUMMARIES},
    )
    size = cohort_chunk_size(sessions, days)
    chunks = [list(cohort.patients[i : i + size]) for i in range(0, n, size)]
    began = time.perf_counter()
    # one BLAS thread per worker: the engine's matrix products are small and batched, and BLAS threads on
    # top of the workers only contend for the two cores (measured: 1.2 s instead of 0.85 s per 1,000)
    with threadpool_limits(limits=1, user_api="blas"), ThreadPoolExecutor(max_workers=min(THREADS, len(chunks))) as pool:
        summaries = _in_order(pool, lambda c: _summarise_chunk(c, regimen, days, disposition, pd), chunks)
        try:
            _collect(result, chunks, summaries, progress, began)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)  # an error (or Ctrl-C) stops the chunks not yet started
            raise
    return result


def _in_order(pool: ThreadPoolExecutor, work, chunks: list):
    """``work(chunk)`` for each chunk, in order, with at most two chunks per thread submitted ahead: unlike
    ``pool.map``, finished summaries never pile up faster than they are written into the result."""
    pending: deque = deque()
    for chunk in chunks:
        pending.append(pool.submit(work, chunk))
        if len(pending) > 2 * THREADS:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def _collect(result: CohortResult, chunks: list[list[Patient]], summaries, progress: bool | None, began: float) -> None:
    """Write each chunk's summaries into ``result``'s arrays as the chunk finishes (in order)."""
    n, done, bar = len(result.cohort), 0, None
    try:
        for number, (chunk, summary) in enumerate(zip(chunks, summaries)):
            rows = slice(done, done + len(chunk))
            for name in EFFECT_NAMES:
                result.peaks_by_effect[name][rows] = summary["peaks"][name]
            result.session_cmax_mg_per_l[rows] = summary["cmax"]
            result.auc_mg_h_per_l[rows] = summary["auc"]
            for name in DAILY_SUMMARIES:
                result.daily[name][rows] = summary["daily"][name]
            done += len(chunk)
            del summary
            if bar is not None:
                bar.update(len(chunk))
            elif number == 0 < len(chunks) - 1:
                expected = (time.perf_counter() - began) * len(chunks) / THREADS
                if progress or (progress is None and expected > 1.0):
                    from tqdm.auto import tqdm

                    bar = tqdm(total=n, initial=len(chunk), unit="patient", desc="simulating cohort")
    finally:
        if bar is not None:
            bar.close()


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


register_population(Cohort, simulate_cohort)  # simulate(cohort, regimen) runs simulate_cohort
