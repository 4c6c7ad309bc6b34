"""Lesson 08 (every patient is different): every claim the lesson makes, checked on the model."""

import numpy as np
import pytest

from kettutor import COMEDICATIONS, Patient, Regimen, apps, simulate
from kettutor.teach.lessons import l08

pytestmark = pytest.mark.filterwarnings("ignore::kettutor.ValidatedRangeWarning")


# ----- P1: the same dose, a spread of patients --------------------------------------------------------------
def test_a_cohort_on_one_regimen_spreads_in_exposure_and_tolerance():
    n = l08.cohort_numbers()
    assert n["cmax_p95"] > 1.4 * n["cmax_p5"], "the same mg/kg dose gives a wide spread of peak levels"
    assert n["last_p5"] < n["last_median"] < n["last_p95"] <= 100.0
    assert n["last_p95"] - n["last_p5"] > 10.0, "tolerance differs between patients on the same course"
    assert n["last_p95"] > 90.0 and n["last_p5"] < 85.0, "some barely adapt, some clearly more (prediction L08.p1)"
    assert f"{n['last_median']:.0f} %" in l08.cohort_sentence().data


def test_the_cohort_sentence_describes_the_cohort_app_at_its_defaults():
    app = apps.cohort_explorer()
    n = l08.cohort_numbers()
    assert app.numbers["median_last_percent"] == pytest.approx(n["last_median"], abs=0.5)
    assert app.numbers["p5_last_percent"] == pytest.approx(n["last_p5"], abs=0.5)
    assert app.numbers["p95_last_percent"] == pytest.approx(n["last_p95"], abs=0.5)


# ----- body size ----------------------------------------------------------------------------------------------
def test_a_fixed_dose_favours_the_light_patient_and_mg_per_kg_brings_levels_together():
    n = l08.body_size_numbers()
    light, heavy = n[50.0], n[110.0]
    assert light["fixed_cmax"] > 1.5 * heavy["fixed_cmax"], "the same mg gives a light patient a far higher peak"
    assert light["fixed_dissociation"] > heavy["fixed_dissociation"] + 10.0
    assert light["scaled_cmax"] < heavy["scaled_cmax"] < 1.25 * light["scaled_cmax"], "per kg: close, a little higher when heavier"
    assert abs(light["scaled_dissociation"] - heavy["scaled_dissociation"]) < 10.0


# ----- fast and slow metabolisers -------------------------------------------------------------------------------
def test_fast_metabolisers_lose_the_benefit_sooner_most_of_all_by_mouth():
    n = l08.metaboliser_numbers()
    iv, oral = list(l08.ROUTES)
    typical, fast, slow = n["typical adult"], n["fast metaboliser"], n["slow metaboliser"]
    assert 1.0 <= typical[iv]["days"] - fast[iv]["days"] <= 5.0, "a few days sooner after the infusion"
    assert fast[oral]["peak_g"] < 0.25 and fast[oral]["days"] < 1.0, "by mouth almost no benefit"
    assert fast[oral]["auc_ratio"] < fast[iv]["auc_ratio"] < 1.0, "the first pass makes the swallowed dose lose most"
    for route in (iv, oral):
        assert slow[route]["auc_ratio"] > 1.5 and slow[route]["days"] > typical[route]["days"]


# ----- CYP2B6 -------------------------------------------------------------------------------------------------
def test_genotypes_change_nothing_by_default_and_under_the_chronic_assumption_mostly_oral_exposure():
    from kettutor import Cohort

    cohort = Cohort.sample(60, seed=8)
    assert {p.intrinsic_clearance_multiplier for p in cohort.patients} == {1.0}, "single-dose evidence: no genotype effect"
    chronic = Cohort.sample(60, seed=8, cyp2b6_assumption="chronic")
    assert {p.intrinsic_clearance_multiplier for p in chronic.patients} > {1.0}
    n = l08.genotype_numbers()
    assert n["*1/*1"]["oral"] == pytest.approx(1.0) and n["*1/*1"]["iv"] == pytest.approx(1.0)
    for genotype in ("*1/*6", "*6/*6"):
        assert n[genotype]["oral"] > n[genotype]["iv"] > 1.0
    assert sum(l08.genotype_shares().values()) == pytest.approx(1.0)


# ----- interacting medicines ------------------------------------------------------------------------------------
def test_inhibitors_and_inducers_move_swallowed_exposure_by_the_published_fold_and_iv_much_less():
    n = l08.interaction_numbers()
    for name, ratios in n.items():
        assert ratios["oral"] == pytest.approx(COMEDICATIONS[name].intrinsic_clearance_fold, rel=0.02), name
        assert abs(np.log(ratios["oral"])) > 2.0 * abs(np.log(ratios["iv"])), f"{name}: the first pass multiplies the change"
    assert n["ticlopidine"]["iv"] == pytest.approx(1.0, abs=0.01)
    assert n["rifampicin"]["oral"] < 0.2 and n["rifampicin"]["iv"] > 0.7


def test_benzodiazepines_and_lamotrigine_change_the_effect_not_the_level():
    n = l08.effect_interaction_numbers()
    for values in n.values():
        assert values["auc"] == pytest.approx(1.0, abs=0.01)
    usual, high, lamotrigine = n["benzodiazepine"], n["benzodiazepine_high_dose"], n["lamotrigine"]
    assert usual["day1"] < 0.85 < usual["day3"], "blunted on day 1, not on day 3 (Feeney 2023)"
    assert high["day1"] < 0.5 and high["day3"] < 0.5, "non-response above 8 mg diazepam-equivalent (Andrashko 2020)"
    assert lamotrigine["dissociation"] < 0.8 and lamotrigine["day1"] == pytest.approx(1.0, abs=0.02)


def test_a_new_inducer_lowers_levels_while_tolerance_keeps_them():
    """Self-check L08.s3: rifampicin cuts each swallowed dose's level; repeated dosing alone does not."""
    oral = Regimen.repeated(dose_mg_per_kg=1.0, route="oral", every_days=3.5, doses=8)
    alone = simulate(Patient(), oral, days=28).session_cmax_mg_per_l()
    assert np.allclose(alone, alone[0], rtol=0.02), "no metabolic tolerance: the same level per dose"
    induced = simulate(Patient(comedications=("rifampicin",)), oral, days=28).session_cmax_mg_per_l()
    assert induced[0] < 0.3 * alone[0]


def test_lesson_tables_show_the_model_numbers():
    table = l08.interaction_table().data
    for ratios in l08.interaction_numbers().values():
        assert f"× {ratios['oral']:.2f}" in table and f"× {ratios['iv']:.2f}" in table
    assert "%" in l08.metaboliser_table().data and "\\*6/\\*6" in l08.genotype_table().data
    assert "benzodiazepine" in l08.effect_interaction_table().data and "kg" in l08.body_size_table().data
