"""Validation facts 1-8 (shared/science/ketamine-pkpd.md) and phenomena K1-K5 (PHENOMENA.md).

Each test names its ID and source; thresholds come from the literature, not from the model.
"""

import numpy as np
import pytest

import kettutor

PATIENT = kettutor.Patient()
STANDARD_INFUSION = kettutor.Regimen.single(dose_mg_per_kg=0.5, infusion_min=40)  # Berman 2000; Zarate 2006


def at(result, times_h, values):
    return np.interp(times_h, result.time_h, values)


@pytest.fixture(scope="module")
def anaesthetic_bolus():
    return kettutor.simulate(PATIENT, kettutor.Regimen.single(dose_mg_per_kg=2.0), days=1, dense_step_min=0.05)


@pytest.fixture(scope="module")
def domino_bolus():
    """The same bolus with Domino's published rate constants unchanged (the reference sheet's [sim] table)."""
    return kettutor.simulate(
        PATIENT, kettutor.Regimen.single(dose_mg_per_kg=2.0), days=1, dense_step_min=0.05,
        disposition=kettutor.DISPOSITIONS["ketamine_domino1984"],
    )


@pytest.fixture(scope="module")
def standard_infusion():
    return kettutor.simulate(PATIENT, STANDARD_INFUSION, days=14, dense_step_min=1.0)


# ----- fact 1 / K1: anaesthetic bolus --------------------------------------------------------------
def test_fact1_K1_bolus_onset_within_30_s(anaesthetic_bolus):
    """Fact 1 / K1 (Ketalar label; Domino 1965): 2 mg/kg IV gives anaesthesia within ~30 s."""
    anaesthesia = anaesthetic_bolus.effect("anesthesia")
    onset_min = anaesthetic_bolus.time_h[np.argmax(anaesthesia >= 50.0)] * 60
    assert onset_min <= 0.5


def test_fact1_K1_effect_site_below_awakening_level_between_5_and_20_min(anaesthetic_bolus):
    """Fact 1 / K1: Ce falls back below the 0.64 ug/mL awakening level (Idvall 1979) within 5-20 min."""
    t_min = anaesthetic_bolus.time_h * 60
    ce = anaesthetic_bolus.effect_site_mg_per_l
    after_peak = t_min > t_min[np.argmax(ce)]
    offset = t_min[after_peak & (ce < 0.64)][0]
    assert 5.0 <= offset <= 20.0


@pytest.mark.parametrize(
    "minutes, published_ug_per_ml",
    # Domino model, 70 kg, 2 mg/kg bolus [sim] table in ketamine-pkpd.md section 1b
    [(1, 7.1), (5, 1.11), (10, 0.65), (30, 0.24), (60, 0.18), (120, 0.13), (240, 0.06)],
)
def test_domino_bolus_profile_matches_published_simulation(domino_bolus, minutes, published_ug_per_ml):
    """ketamine-pkpd.md 1b [sim]: our Domino implementation reproduces the tabulated plasma profile."""
    value = at(domino_bolus, minutes / 60, domino_bolus.plasma_mg_per_l)
    assert value == pytest.approx(published_ug_per_ml, rel=0.06, abs=0.006)


# ----- fact 2: awakening and anaesthetic concentrations -------------------------------------------
def test_fact2_half_the_patients_awake_at_the_published_awakening_concentration():
    """Fact 2 (Idvall 1979): patients woke at 0.64 +/- 0.21 ug/mL, so about half are anaesthetised at the
    mean, few one SD below it and most one SD above it."""
    effect = kettutor.ACUTE_EFFECTS["anesthesia"].of(np.array([0.64 - 0.21, 0.64, 0.64 + 0.21]))
    assert effect[0] < 15.0 and 40.0 <= effect[1] <= 60.0 and effect[2] > 75.0


def test_fact2_idvall_maintenance_infusion_reaches_anaesthetic_range():
    """Fact 2: 41 ug/kg/min (Idvall 1979) gives a steady state in the 1.2-2.4 ug/mL anaesthetic range
    (Zanos 2018; Langsjo 2005), where most patients are anaesthetised. With Idvall's 2 mg/kg induction the
    operation stays anaesthetic throughout (Kamp 2020 clearance: Css ~1.9 vs Idvall's 2.2 ug/mL)."""
    maintenance = kettutor.ACUTE_EFFECTS["anesthesia"].of(np.array([1.2, 2.4]))
    assert np.all(maintenance >= 70.0)
    infusion = kettutor.Regimen.continuous_infusion(rate_mg_per_kg_per_h=0.041 * 60, hours=24)
    result = kettutor.simulate(PATIENT, infusion, days=1)
    assert 1.2 <= at(result, 23.0, result.plasma_mg_per_l) <= 2.4
    operation = kettutor.Regimen.single(dose_mg_per_kg=2.0) + kettutor.Regimen.continuous_infusion(
        rate_mg_per_kg_per_h=0.041 * 60, hours=2
    )
    result = kettutor.simulate(PATIENT, operation, days=1, dense_step_min=1)
    during = (result.time_h > 0.02) & (result.time_h <= 2.0)
    assert result.effect("anesthesia")[during].min() > 80.0


# ----- fact 3 / K2: antidepressant infusion -------------------------------------------------------
def test_fact3_K2_infusion_peak_at_end_of_infusion_in_band(standard_infusion):
    """Fact 3 / K2 (Zanos 2018 citing Zarate 2006): 0.5 mg/kg over 40 min peaks at the end of the
    infusion at 150-300 ng/mL."""
    peak = np.argmax(standard_infusion.plasma_mg_per_l)
    assert standard_infusion.time_h[peak] * 60 == pytest.approx(40.0, abs=1.0)
    assert 0.150 <= standard_infusion.plasma_mg_per_l[peak] <= 0.300


def test_fact3_K2_below_60_ng_per_ml_by_60_min(standard_infusion):
    """Fact 3 / K2: plasma ketamine is below 60 ng/mL by 60 min."""
    assert at(standard_infusion, 1.0, standard_infusion.plasma_mg_per_l) < 0.060


# ----- fact 4 / K2: dissociation time course ------------------------------------------------------
def test_fact4_K2_dissociation_peaks_near_40_min_and_resolves_by_2_h(standard_infusion):
    """Fact 4 / K2 (J&J CADSS; Diazgranados 2010): dissociation peaks near 40 min and has mostly
    resolved by 1.5-2 h (here: below a quarter of its peak by 90 min, a tenth by 120 min)."""
    dissociation = standard_infusion.effect("dissociation")
    peak_min = standard_infusion.time_h[np.argmax(dissociation)] * 60
    assert 35.0 <= peak_min <= 50.0
    assert at(standard_infusion, 1.5, dissociation) < 0.25 * dissociation.max()
    assert at(standard_infusion, 2.0, dissociation) < 0.10 * dissociation.max()


# ----- fact 5 / K4: antidepressant time course ----------------------------------------------------
def test_fact5_K4_antidepressant_measurable_by_2_h(standard_infusion):
    """Fact 5 / K4 (Kishimoto 2016; Zarate 2006): the benefit is measurable (g >= 0.2) within 2 h."""
    assert at(standard_infusion, 2.0, standard_infusion.effect("antidepressant")) >= 0.2


def test_fact5_K4_antidepressant_peaks_near_24_h_at_g_about_1(standard_infusion):
    """Fact 5 / K4 (Kishimoto 2016): peak on day 1, Hedges g ~ 1.0."""
    g = standard_infusion.effect("antidepressant")
    assert 18.0 <= standard_infusion.time_h[np.argmax(g)] <= 30.0
    assert g.max() == pytest.approx(1.0, abs=0.15)


def test_fact5_K4_antidepressant_significant_at_1_week_lost_by_days_10_to_12(standard_infusion):
    """Fact 5 / K4: still present at 1 week (Zarate 2006), lost (g < 0.2) by days 10-12 (Kishimoto 2016)."""
    g = standard_infusion.effect("antidepressant")
    assert at(standard_infusion, 7 * 24, g) >= 0.2
    assert at(standard_infusion, 12 * 24, g) < 0.2


def test_fact5_K4_benefit_outlasts_the_drug_by_days(standard_infusion):
    """Fact 5 / K4: on day 3 plasma ketamine is below 1 % of its peak while the benefit is > half its peak."""
    plasma, g = standard_infusion.plasma_mg_per_l, standard_infusion.effect("antidepressant")
    assert at(standard_infusion, 72.0, plasma) < 0.01 * plasma.max()
    assert at(standard_infusion, 72.0, g) > 0.5 * g.max()


# ----- fact 6 / K3: esketamine nasal spray --------------------------------------------------------
@pytest.mark.parametrize("dose_mg", [56, 84])
def test_fact6_K3_esketamine_spray_tmax_bioavailability_half_life(dose_mg):
    """Fact 6 / K3 (Spravato label; Perez-Ruixo 2021): Tmax 20-40 min after the last spray,
    F 48-54 %, terminal half-life 7-12 h."""
    regimen = kettutor.Regimen.esketamine_spray(dose_mg)
    result = kettutor.simulate(PATIENT, regimen, days=3, dense_step_min=1.0)
    last_spray_h = regimen.events[-1].time_h
    tmax_after_last_min = (result.time_h[np.argmax(result.plasma_mg_per_l)] - last_spray_h) * 60
    assert 20.0 <= tmax_after_last_min <= 40.0
    assert 0.48 <= result.exposure().absorbed_mg / dose_mg <= 0.54
    late = (result.time_h > 24) & (result.time_h < 60)
    slope = np.polyfit(result.time_h[late], np.log(result.plasma_mg_per_l[late]), 1)[0]
    assert 7.0 <= np.log(2) / -slope <= 12.0


def test_fact6_K3_esketamine_no_accumulation_twice_weekly():
    """Fact 6 / K3 (Spravato label): no accumulation with twice-weekly dosing."""
    result = kettutor.simulate(PATIENT, kettutor.Regimen.esketamine_spray(84, every_days=3.5, doses=8), days=30)
    cmax = result.session_cmax_mg_per_l()
    assert cmax[-1] / cmax[0] < 1.05


# ----- fact 7 / K3: routes --------------------------------------------------------------------------
ROUTE_FACTS = [
    # route, published F, Tmax band (min), source
    ("iv_bolus", 1.00, (0, 2), "reference"),
    ("im", 0.93, (5, 20), "Clements 1982 via secondary; Ketalar"),
    ("intranasal", 0.45, (14, 25), "Yanagihara 2003; Pharmacotherapy 2022"),
    ("sublingual", 0.30, (15, 60), "Rolan 2014 (Tmax 0.25-1.0 h); Chong 2006"),
    ("rectal", 0.30, (20, 60), "Yanagihara 2003; Jantzen 1985"),
    ("oral", 0.23, (25, 90), "Chong 2006 (23 %, Tmax 0.96 h); primidi (~30 min); Yanagihara 2003 (~20 %)"),
]


@pytest.fixture(scope="module")
def route_results():
    return {
        route: kettutor.simulate(PATIENT, kettutor.Regimen.single(dose_mg=25, route=route), days=3, dense_step_min=0.5)
        for route, *_ in ROUTE_FACTS
    }


@pytest.mark.parametrize("route, published_f, tmax_band, source", ROUTE_FACTS)
def test_fact7_K3_bioavailability_and_tmax_by_route(route_results, route, published_f, tmax_band, source):
    """Fact 7 / K3: each route's F and Tmax match the tabulated values (source in the row)."""
    exposure = route_results[route].exposure()
    assert exposure.absorbed_mg / 25 == pytest.approx(published_f, abs=0.01)
    assert tmax_band[0] <= exposure.tmax_h * 60 <= tmax_band[1]


def test_fact7_K3_bioavailability_ranking(route_results):
    """Fact 7 / K3: IV > IM > intranasal > sublingual/rectal > oral by exposure (AUC)."""
    auc = {route: result.exposure().auc_mg_h_per_l for route, result in route_results.items()}
    assert auc["iv_bolus"] > auc["im"] > auc["intranasal"] > max(auc["sublingual"], auc["rectal"])
    assert min(auc["sublingual"], auc["rectal"]) > auc["oral"]


def test_fact7_K3_oral_norketamine_exceeds_ketamine(route_results):
    """Fact 7 / K3 (Yanagihara 2003; Fanta 2015): after oral dosing norketamine exposure exceeds the
    parent's, by several-fold (Fanta: up to 16.5x at steady state), far more than after IV."""
    oral, iv = route_results["oral"].exposure(), route_results["iv_bolus"].exposure()
    oral_ratio = oral.norketamine_auc_mg_h_per_l / oral.auc_mg_h_per_l
    iv_ratio = iv.norketamine_auc_mg_h_per_l / iv.auc_mg_h_per_l
    assert 3.0 < oral_ratio < 16.5
    assert oral_ratio > 2.0 * iv_ratio


# ----- fact 8 / K5: route-dependent interactions --------------------------------------------------
def auc_ratio(comedication: str, route: str) -> float:
    regimen = kettutor.Regimen.single(dose_mg=20, route=route)
    base = kettutor.simulate(PATIENT, regimen, days=4).exposure().auc_mg_h_per_l
    other = kettutor.simulate(kettutor.Patient(comedications=(comedication,)), regimen, days=4).exposure().auc_mg_h_per_l
    return other / base


@pytest.mark.parametrize(
    "comedication, published_oral_ratio, source",
    [
        ("clarithromycin", 2.6, "Hagelberg 2010"),
        ("ticlopidine", 2.4, "Peltoniemi 2011"),
        ("grapefruit_juice", 3.0, "Peltoniemi 2012a"),
    ],
)
def test_fact8_K5_inhibitors_raise_oral_exposure_far_more_than_iv(comedication, published_oral_ratio, source):
    """Fact 8 / K5: an inhibitor raises oral AUC by its published fold, IV AUC only slightly (< 1.5x)."""
    oral, iv = auc_ratio(comedication, "oral"), auc_ratio(comedication, "iv_bolus")
    assert oral == pytest.approx(published_oral_ratio, rel=0.05)
    assert 1.0 <= iv < 1.5  # ticlopidine: no systemic change (the spray's label interaction, +29 %, is first pass)
    assert oral - 1.0 > 2.5 * (iv - 1.0)


def test_fact8_K5_inducer_lowers_oral_exposure_far_more_than_iv():
    """K5 (Peltoniemi 2012, Basic Clin Pharmacol Toxicol 111:325): rifampicin cut oral S-ketamine AUC
    by 86 % and IV by 14 %; the model must cut oral by > 80 % and IV by < 30 %."""
    oral, iv = auc_ratio("rifampicin", "oral"), auc_ratio("rifampicin", "iv_bolus")
    assert oral < 0.20
    assert 0.70 < iv < 1.0


# ----- default clearance choice -------------------------------------------------------------------
def test_kamp2020_clearance_variant_reproduces_its_published_simulation():
    """ketamine-pkpd.md 1b [sim]: with k10 rescaled to Kamp 2020's 79 L/h, the 0.5 mg/kg/40 min
    peak becomes ~286 ng/mL and the terminal half-life ~147 min."""
    disposition = kettutor.DISPOSITIONS["ketamine_kamp2020"]
    assert disposition.clearance_l_per_h == pytest.approx(79.0, rel=0.01)
    result = kettutor.simulate(PATIENT, STANDARD_INFUSION, days=1, dense_step_min=1.0, disposition=disposition)
    assert result.plasma_mg_per_l.max() == pytest.approx(0.286, rel=0.03)
    late = (result.time_h > 8) & (result.time_h < 20)
    slope = np.polyfit(result.time_h[late], np.log(result.plasma_mg_per_l[late]), 1)[0]
    assert np.log(2) / -slope * 60 == pytest.approx(147.0, rel=0.05)
