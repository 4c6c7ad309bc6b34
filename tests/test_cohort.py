"""Virtual cohorts: sampling statistics, reproducibility, covariates, CYP2B6 assumptions, individual
variability (P1) and input checks."""

import numpy as np
import pytest

import kettutor
from kettutor import Cohort, Regimen
from kettutor.cohort import ARCHETYPES, POPULATION, PopulationParameters, get_archetype

N = 2000


@pytest.fixture(scope="module")
def cohort():
    return Cohort.sample(N, seed=7)


@pytest.mark.parametrize(
    "field, cv",
    [("clearance_multiplier", POPULATION.clearance_cv), ("volume_multiplier", POPULATION.volume_cv),
     ("sensitivity_multiplier", POPULATION.sensitivity_cv), ("adaptation_multiplier", POPULATION.adaptation_cv)],
)
def test_sampled_cv_matches_the_configured_cv_within_sampling_error(cohort, field, cv):
    values = np.array([getattr(p, field) for p in cohort.patients])
    sampled = values.std(ddof=1) / values.mean()
    # the sample CV of N log-normal draws has a standard error of roughly cv * sqrt((1 + 2 cv^2) / (2 N)) and more;
    # allow four standard errors
    assert sampled == pytest.approx(cv, abs=4 * cv * np.sqrt((1 + 2 * cv**2) / (2 * N)) + 0.01)
    assert np.median(values) == pytest.approx(1.0, abs=0.05)


def test_the_same_seed_gives_the_same_cohort_and_different_seeds_differ():
    a, b, c = Cohort.sample(50, seed=3), Cohort.sample(50, seed=3), Cohort.sample(50, seed=4)
    assert a == b
    assert a != c
    generator = np.random.default_rng(3)
    assert Cohort.sample(50, seed=generator) == Cohort.sample(50, seed=np.random.default_rng(3))


def test_sampling_leaves_global_random_state_alone():
    np.random.seed(0)
    before = np.random.random()
    np.random.seed(0)
    Cohort.sample(20, seed=1)
    assert np.random.random() == before


def test_genotype_frequencies_follow_hardy_weinberg(cohort):
    q = POPULATION.cyp2b6_6_allele_frequency
    counts = {g: cohort.genotypes.count(g) / N for g in ("*1/*1", "*1/*6", "*6/*6")}
    for genotype, expected in (("*1/*1", (1 - q) ** 2), ("*1/*6", 2 * q * (1 - q)), ("*6/*6", q * q)):
        assert counts[genotype] == pytest.approx(expected, abs=4 * np.sqrt(expected * (1 - expected) / N))


def test_women_weigh_less_than_men_and_ages_stay_adult(cohort):
    weight = {sex: np.median([p.weight_kg for p in cohort.patients if p.sex == sex]) for sex in ("female", "male")}
    assert weight["female"] < weight["male"]
    ages = [p.age_years for p in cohort.patients]
    assert min(ages) >= POPULATION.age_min_years and max(ages) <= POPULATION.age_max_years


@pytest.fixture(scope="module")
def small_result():
    cohort = Cohort.sample(150, seed=11)
    regimen = Regimen.repeated(dose_mg=35, infusion_min=40, every_days=3.5, doses=6)
    return cohort, kettutor.simulate(cohort, regimen, days=24)


def test_covariates_point_the_documented_way(small_result):
    """Women clear ketamine faster (Sigtermans 2009) and more clearance means less exposure; at a fixed
    mg dose, heavier patients are less exposed."""
    cohort, result = small_result
    auc = result.auc_mg_h_per_l
    clearance = np.array([p.clearance_multiplier * (1.2 if p.sex == "female" else 1.0) for p in cohort.patients])
    weight = np.array([p.weight_kg for p in cohort.patients])
    assert np.corrcoef(np.log(clearance), np.log(auc))[0, 1] < -0.5
    assert np.corrcoef(weight, auc)[0, 1] < 0


def test_cohort_simulation_matches_single_patient_simulation(small_result):
    """The vectorised cohort run gives each patient the same session peaks as simulating them alone (the
    cohort grid is coarser, hence the 1e-3 tolerance)."""
    cohort, result = small_result
    for i in (0, 77):
        alone = kettutor.simulate(cohort.patients[i], result.regimen, days=24)
        np.testing.assert_allclose(result.session_peaks["dissociation"][i], alone.session_peaks("dissociation"), rtol=1e-3)


def test_P1_individual_variability_spreads_exposure_and_tolerance(small_result):
    """P1: at the same dose, a cohort with published variability shows a wide spread of exposure
    (5th-95th percentile AUC ratio > 2) and of tolerance trajectories."""
    _, result = small_result
    p5, p95 = np.percentile(result.auc_mg_h_per_l, [5, 95])
    assert p95 / p5 > 2.0
    last = result.relative_session_peaks("dissociation")[:, -1]
    assert np.percentile(last, 95) - np.percentile(last, 5) > 0.05
    assert result.percentiles(result.daily["tolerance"]).shape == (5, result.day.size)
    assert 0.0 <= result.responder_fraction(threshold_g=1.0)[-1] <= 1.0


def test_P1_fast_metabolisers_lose_effect_sooner():
    """P1 (seed: 'fast metabolizers may need more frequent doses'): the same oral dose gives a fast
    metaboliser less exposure and an antidepressant benefit that falls below a useful level sooner."""
    regimen = Regimen.single(dose_mg_per_kg=1.0, route="oral")
    fast, slow = (kettutor.simulate(p, regimen, days=14) for p in (kettutor.FAST_METABOLISER, kettutor.SLOW_METABOLISER))
    assert fast.exposure().auc_mg_h_per_l < 0.5 * slow.exposure().auc_mg_h_per_l

    def days_above(result, g=0.2):
        return (result.effect("antidepressant") >= g).sum() / (result.time_h.size / result.time_h[-1] * 24)

    assert days_above(fast) < days_above(slow)


def test_cyp2b6_assumption_is_explicit_and_switchable():
    """'single_dose' (Rao/Kharasch 2016) gives genotype no effect; 'chronic' lowers intrinsic clearance
    of *6 carriers (in-vitro folds), raising oral exposure far more than IV exposure."""
    single = Cohort.sample(300, seed=5)
    chronic = Cohort.sample(300, seed=5, cyp2b6_assumption="chronic")
    assert single.genotypes == chronic.genotypes
    assert {p.intrinsic_clearance_multiplier for p in single.patients} == {1.0}
    index = chronic.genotypes.index("*6/*6")
    carrier, typical = chronic.patients[index], single.patients[index]
    ratio = {}
    for route in ("oral", "iv_bolus"):
        regimen = Regimen.single(dose_mg=20, route=route)
        ratio[route] = kettutor.simulate(carrier, regimen, days=3).exposure().auc_mg_h_per_l / kettutor.simulate(typical, regimen, days=3).exposure().auc_mg_h_per_l
    assert ratio["iv_bolus"] > 1.0 and ratio["oral"] > 2.0 * ratio["iv_bolus"]


@pytest.mark.parametrize("name", sorted(ARCHETYPES))
def test_archetypes_run(name):
    archetype = get_archetype(name)
    result = kettutor.simulate(archetype.patient, archetype.regimen)
    assert result.session_peaks("dissociation").size == archetype.regimen.session_count
    assert archetype.description


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: Cohort.sample(0, seed=1), "n must be a whole number >= 1"),
        (lambda: Cohort.sample(200_000, seed=1), "<= 100000"),
        (lambda: Cohort.sample(10, seed="x"), "seed must be an int"),
        (lambda: Cohort.sample(10, seed=1, cyp2b6_assumption="chronc"), "Did you mean 'chronic'"),
        (lambda: get_archetype("burns_patient"), "Did you mean 'burn_patient'"),
        (lambda: PopulationParameters(clearance_cv=2.5), r"clearance_cv must be .*0-200 %.*250 %"),
        (lambda: PopulationParameters(volume_cv=-0.1), "volume_cv"),
    ],
    ids=["n zero", "n too large", "bad seed", "assumption typo", "archetype typo", "CV above 200 %", "negative CV"],
)
def test_bad_cohort_input_is_refused_clearly(call, message):
    with pytest.raises(ValueError, match=message):
        call()
