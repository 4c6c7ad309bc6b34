"""Virtual cohorts: sampling statistics, reproducibility, covariates, CYP2B6 assumptions, individual
variability (P1) and input checks."""

import numpy as np
import pytest

import kettutor
from kettutor import Cohort, Regimen
from kettutor.solver.cohort import ARCHETYPES, POPULATION, PopulationParameters, get_archetype

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


COHORT_CHECK_REGIMENS = {
    "IV infusions, weekly for a year": (
        Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=40, every_days=3.5, doses=8).then(
            Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=40, every_days=7, doses=48)
        ),
        365,
    ),
    "daily intranasal use": (Regimen.repeated(dose_mg_per_kg=1.0, route="intranasal", every_days=1, doses=60), 70),
    "oral twice weekly": (Regimen.repeated(dose_mg_per_kg=1.0, route="oral", every_days=3.5, doses=8), 40),
    "esketamine spray": (Regimen.esketamine_spray(56, every_days=3.5, doses=8), 40),
    "daily IV boluses": (Regimen.repeated(dose_mg_per_kg=2.0, every_days=1, doses=14), 20),
    "intramuscular every other day": (Regimen.repeated(dose_mg_per_kg=0.5, route="im", every_days=2, doses=20), 45),
}


# An effect whose largest session peak stays below this (0.1 % of maximal craving, or g 0.1) is nil on any
# chart; its agreement is judged against this scale instead of against its own near-zero size.
NEGLIGIBLE_EFFECT = 0.1


@pytest.mark.parametrize("label", COHORT_CHECK_REGIMENS)
def test_cohort_quadrature_matches_exact_single_patient_runs(label):
    """A cohort is simulated on a coarser, shared quadrature grid (kink edges off, sparse outputs). Its
    per-patient summaries must match each patient simulated alone on the exact grid: acute session peaks
    and Cmax to 1e-3 of the patient's largest value, daily tolerance and sensitization to 1e-2 of their
    range, the slow effects (sampled at panel edges) to 1e-2. Measured: acute <= 5e-4, Cmax <= 1e-14,
    tolerance <= 4e-4, sensitization <= 4.3e-3, antidepressant and craving <= 5.5e-3."""
    regimen, days = COHORT_CHECK_REGIMENS[label]
    cohort = Cohort.sample(20, seed=11)  # 20 patients: the batched, segment-by-segment evaluation path
    result = kettutor.simulate(cohort, regimen, days=days)
    for i in (0, 7, 13):
        alone = kettutor.simulate(cohort.patients[i], regimen, days=days)
        for effect in kettutor.EFFECT_NAMES:
            reference = alone.session_peaks(effect)
            tolerance = 1e-2 if effect in ("antidepressant", "craving") else 1e-3
            scale = max(reference.max(), NEGLIGIBLE_EFFECT)
            assert np.abs(result.session_peaks(effect)[i] - reference).max() <= tolerance * scale, effect
        cmax = alone.session_cmax_mg_per_l()
        assert np.abs(result.session_cmax_mg_per_l[i] - cmax).max() <= 1e-3 * cmax.max()
        daily = np.searchsorted(alone.time_h, result.day * 24)
        for name, series in (("tolerance", alone.tolerance), ("sensitization", alone.slow_state("sensitization"))):
            assert np.abs(result.daily[name][i] - series[daily]).max() <= 1e-2 * max(np.abs(series).max(), 1e-9), name


@pytest.mark.parametrize("route", ["oral", "intranasal", "iv_bolus", "iv_infusion"])
def test_session_peaks_do_not_depend_on_output_density(route):
    """Peaks are refined to the exact maximum of the closed-form solution, so a run sampled every
    30 min gives the same acute peaks, Cmax and Tmax as one sampled every minute."""
    kwargs = {"infusion_min": 40} if route == "iv_infusion" else {"route": route}
    regimen = Regimen.repeated(dose_mg_per_kg=0.5, every_days=1, doses=3, **kwargs)
    fine = kettutor.simulate(kettutor.Patient(), regimen, days=4, dense_step_min=1.0)
    coarse = kettutor.simulate(kettutor.Patient(), regimen, days=4, dense_step_min=30.0, sparse_step_h=6.0)
    np.testing.assert_allclose(coarse.session_cmax_mg_per_l(), fine.session_cmax_mg_per_l(), rtol=1e-6)
    assert coarse.exposure().cmax_mg_per_l == pytest.approx(fine.exposure().cmax_mg_per_l, rel=1e-6)
    assert coarse.exposure().tmax_h == pytest.approx(fine.exposure().tmax_h, abs=1e-5)  # hours
    for effect in ("anesthesia", "dissociation", "locomotor"):
        np.testing.assert_allclose(coarse.session_peaks(effect), fine.session_peaks(effect), rtol=1e-4)


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


def test_progress_bar_appears_when_asked_or_slow_and_not_otherwise(capsys, monkeypatch):
    """A bar (tqdm) counts patients when the run is expected to take over a second (or when asked);
    quick runs print nothing."""
    import kettutor.solver.cohort as cohort_module

    regimen = Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=40, every_days=7, doses=2)
    cohort = Cohort.sample(2 * cohort_module.CHUNK_SIZE, seed=4)
    kettutor.simulate(cohort, regimen, days=10)
    assert "simulating cohort" not in capsys.readouterr().err
    cohort_module.simulate_cohort(cohort, regimen, days=10, progress=True)
    bar = capsys.readouterr().err
    assert "simulating cohort" in bar and f"{len(cohort)}/{len(cohort)}" in bar
    monkeypatch.setattr(cohort_module, "THREADS", 1)
    ticks = iter(np.arange(0.0, 100.0, 2.0))  # every chunk seems to take 2 s: expected 4 s in all
    monkeypatch.setattr(cohort_module.time, "perf_counter", lambda: next(ticks))
    cohort_module.simulate_cohort(cohort, regimen, days=10)
    assert "simulating cohort" in capsys.readouterr().err


def test_session_peaks_has_one_form_for_a_patient_and_a_cohort():
    """The same name means the same kind of thing: a method taking the effect, for both results."""
    from kettutor import Cohort, Patient, Regimen, simulate

    regimen = Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=40, every_days=7, doses=3)
    one = simulate(Patient(), regimen, days=21).session_peaks("dissociation")
    many = simulate(Cohort.sample(3, seed=1), regimen, days=21).session_peaks("dissociation")
    assert one.shape == (3,) and many.shape == (3, 3)
