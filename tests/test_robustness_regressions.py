"""Regression tests for issue [8]: every shortest call of the robustness audit's Appendix A (149 groups of
calls that raised the wrong error, returned NaN, negative or out-of-range values, hung or exhausted memory) and
the cheap probes of its Appendix B, each with the outcome it must have now.

``ok`` cases must return a sane result (finite, non-negative concentrations, effects on their scales, absorbed
<= dosed; see tests/robustness.py); ``error("name")`` cases must raise ValueError/TypeError whose message names
that parameter, says what is allowed and what was given. Numbers in the ids are the audit's: A12 is group 12 of
Appendix A, B19 probe 19 of Appendix B.
"""

from __future__ import annotations

import dataclasses
import math
import time
import tracemalloc
from dataclasses import replace

import numpy as np
import pytest

import kettutor
from kettutor import (
    DISPOSITIONS,
    PHARMACODYNAMICS,
    Cohort,
    DoseEvent,
    Patient,
    PopulationParameters,
    Regimen,
    analysis,
    apps,
    charts,
    dose_response,
    dose_to_match_first_response,
    escalating_use,
    extend_interval_while_benefit_holds,
    mystery_patient,
    parameter_table,
    recovery_days,
    simulate,
    titrate_to_response,
)
from kettutor.solver.cohort import CohortResult
from robustness import message_problem, problems_of, time_guard

nan, inf = math.nan, math.inf
PP = PopulationParameters
KETAMINE = DISPOSITIONS["ketamine"]


class Opaque:
    """A stranger object."""


# the audit's placeholders
def R8():
    return Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=40, every_days=3.5, doses=8)


def R_single_iv():
    return Regimen.single(dose_mg_per_kg=0.5, infusion_min=40)


def R_single_bolus():
    return Regimen.single(dose_mg_per_kg=2.0)


def R_nasal_daily_x30():
    return Regimen.repeated(dose_mg_per_kg=1.0, route="intranasal", every_days=1, doses=30)


def R_spray56_x4():
    return Regimen.esketamine_spray(56, every_days=3.5, doses=4)


def R_cont_72h():
    return Regimen.continuous_infusion(rate_mg_per_kg_per_h=0.1, hours=72)


def R_im_then():
    return Regimen.repeated(dose_mg=25, route="im", every_days=7, doses=10).then(Regimen.single(dose_mg=25, route="im"))


def R_taper_sl():
    return Regimen.taper(1.0, step_mg_per_kg=0.25, every_days=3, route="sublingual")


def R_daily_year():
    return Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=40, every_days=1, doses=365)


def R_oral_x4():
    return Regimen.repeated(dose_mg_per_kg=1.0, route="oral", every_days=3.5, doses=4)


_CACHE: dict[str, object] = {}


def once(key: str, build):
    if key not in _CACHE:
        _CACHE[key] = build()
    return _CACHE[key]


def iv_x8_result():
    return once("iv_x8", lambda: simulate(Patient(), R8()))


def oral_x4_result():
    return once("oral_x4", lambda: simulate(Patient(), R_oral_x4()))


def cohort_result() -> CohortResult:
    return once("cohort", lambda: simulate(Cohort.sample(50, seed=11), R8()))


OK = ("ok", ())


def error(*names: str):
    return ("error", names)


def ok_or_error(*names: str):
    return ("ok or error", names)


CASES = [
    # ----- Appendix A: d (hangs and memory) -----
    ("A1", lambda: Regimen((DoseEvent(time_h=617.8, amount=0.84, unit="", route="oral", duration_h=4.5e16, session=nan),)), error("unit")),
    ("A2", lambda: Regimen((DoseEvent(time_h=1.1, amount=1.1, unit="mg", route="im", duration_h=7081498, session=0),)), error("duration_h")),
    ("A3", lambda: Regimen.taper(start_mg_per_kg=0.001, step_mg_per_kg=2.220446049250313e-16, every_days=0.99999, route={}, infusion_min=423.8), error("step_mg_per_kg")),
    ("A4", lambda: simulate(Patient(), R_taper_sl(), dense_step_min=3.256179328340932e-07), error("dense_step_min")),
    # ----- Appendix A: c (silent NaN, negative or out-of-range results) -----
    ("A5", lambda: cohort_result().percentiles(np.array([], dtype=float), q=[]), error("values")),
    ("A6", lambda: Regimen((DoseEvent(time_h=0.0, amount=-1418234688699872.0, unit="mg", route="intranasal"),)), error("amount")),
    ("A7", lambda: Regimen((DoseEvent(time_h=-7.1e-205, amount=0.0116, unit="mg", route="iv_infusion", duration_h=0.12),)), error("time_h")),
    ("A8", lambda: Regimen((DoseEvent(time_h=0.0, amount=0.35, unit="mg/kg", route="oral", duration_h=-2.46e16),)), error("duration_h")),
    ("A9", lambda: Regimen((DoseEvent(time_h=356.2, amount=0.01, unit="mg/kg", route="im", duration_h=inf),)), error("duration_h")),
    ("A10", lambda: Regimen((DoseEvent(time_h=0.99999, amount=inf, unit="mg/kg", route="intranasal"),)), error("amount")),
    ("A11", lambda: Regimen((DoseEvent(time_h=inf, amount=inf, unit="mg/kg", route="intranasal"),)), error("time_h")),
    ("A12", lambda: Regimen((DoseEvent(time_h=73.75, amount=0.01, unit=" ", route="im", duration_h=-inf),)), error("unit")),
    ("A13", lambda: Regimen((DoseEvent(time_h=nan, amount=0.01, unit="mg/kg", route="intranasal"),)), error("time_h")),
    ("A14", lambda: Regimen((DoseEvent(time_h=3.4e-34, amount=4383784864, unit="mg", route="sublingual"),)), error("amount")),
    ("A15", lambda: Regimen((DoseEvent(time_h=inf, amount=0.01, unit="mg/kg", route="iv_infusion"),)), error("time_h")),
    ("A16", lambda: Regimen((DoseEvent(time_h=-1e9, amount=0.234, unit="mg", route="im", duration_h=nan),)), error("time_h")),
    ("A17", lambda: Regimen((DoseEvent(time_h=-1e9, amount=0.234, unit="mg", route="im", duration_h=-1e9),)), error("time_h")),
    ("A18", lambda: Regimen((DoseEvent(time_h=0.0, amount=nan, unit="mg/kg", route="intranasal"),)), error("amount")),
    ("A19", lambda: Regimen((DoseEvent(time_h=-5.5e-191, amount=-5.5e-191, unit="mg/kg", route="oral", duration_h=0.1, session=0.1),)), error("time_h")),
    ("A20", lambda: Regimen((DoseEvent(time_h=4.1e-52, amount=0.01, unit="mg/kg", route="im", duration_h=nan),)), error("duration_h")),
    ("A21", lambda: Regimen((DoseEvent(time_h=nan, amount=nan, unit="mg", route="sublingual"),)), error("time_h")),
    ("A22", lambda: Regimen((DoseEvent(time_h=-1.3e-158, amount=inf, unit="\x91", route="oral", session=4.9e-59),)), error("time_h")),
    ("A23", lambda: Patient(comedications=(), name="", clearance_multiplier=1e-06, sensitivity_multiplier=1e-06, intrinsic_clearance_multiplier=1e-06), error("clearance_multiplier")),
    ("A24", lambda: Patient(weight_kg=130.8, adjunct_therapy="exercise", name="", clearance_multiplier=1e-06, sensitivity_multiplier=2.22, intrinsic_clearance_multiplier=1e-06, adaptation_multiplier=15.95), error("clearance_multiplier")),
    ("A25", lambda: Regimen.repeated(dose_mg=0.001, every_days=0.001, infusion_min=1e-12, doses=5), error("infusion_min")),
    ("A26", lambda: Regimen.titration(start_mg_per_kg=1.1, step_mg_per_kg=1.1e-163, target_mg_per_kg=1.1, every_days=8.13, doses=13, infusion_min=1.1e-163), error("infusion_min")),
    ("A27", lambda: simulate(Patient(), R8(), disposition=replace(KETAMINE, central_volume_l_per_kg=-1.0)), error("central_volume_l_per_kg")),
    ("A28", lambda: simulate(Patient(), R_oral_x4(), disposition=replace(KETAMINE, central_volume_l_per_kg=-1.0)), error("central_volume_l_per_kg")),
    ("A29", lambda: simulate(Patient(), R_oral_x4(), disposition=replace(KETAMINE, k10_per_min=10.0)), error("k10_per_min")),
    ("A30", lambda: simulate(Patient(), R8(), disposition=replace(KETAMINE, k10_per_min=1e-12)), error("k10_per_min")),
    ("A31", lambda: simulate(Patient(), R8(), disposition=replace(KETAMINE, k10_per_min=-1e-12)), error("k10_per_min")),
    ("A32", lambda: simulate(Patient(), R_oral_x4(), disposition=replace(KETAMINE, hepatic_blood_flow_l_per_h=-1.0)), error("hepatic_blood_flow_l_per_h")),
    ("A33", lambda: simulate(Patient(), R_oral_x4(), disposition=replace(KETAMINE, oral_bioavailability=-1.0)), error("oral_bioavailability")),
    ("A34", lambda: simulate(Patient(), R_oral_x4(), disposition=replace(KETAMINE, oral_bioavailability=1e9)), error("oral_bioavailability")),
    ("A35", lambda: simulate(Patient(), R_oral_x4(), disposition=replace(KETAMINE, oral_bioavailability=1e300)), error("oral_bioavailability")),
    ("A36", lambda: simulate(Patient(), R_oral_x4(), disposition=replace(KETAMINE, oral_bioavailability=10.0)), error("oral_bioavailability")),
    ("A37", lambda: simulate(Patient(), R_oral_x4(), disposition=replace(KETAMINE, gut_absorption_rate_per_h=-1.0)), error("gut_absorption_rate_per_h")),
    ("A38", lambda: simulate(Patient(), R8(), disposition=replace(KETAMINE, relative_potency=-1.0)), error("relative_potency")),
    ("A39", lambda: simulate(Patient(), R8(), pd=replace(PHARMACODYNAMICS, benefit_decay_per_day=1e300)), error("benefit_decay_per_day")),
    ("A40", lambda: simulate(Patient(), R_oral_x4(), pd=replace(PHARMACODYNAMICS, benefit_decay_per_day=1e300)), error("benefit_decay_per_day")),
    ("A41", lambda: simulate(Patient(), R8(), pd=replace(PHARMACODYNAMICS, antidepressant_max_g=-1.0)), error("antidepressant_max_g")),
    ("A42", lambda: simulate(Patient(), R8(), pd=replace(PHARMACODYNAMICS, benefit_half_max=nan)), error("benefit_half_max")),
    ("A43", lambda: simulate(Patient(), R_oral_x4(), pd=replace(PHARMACODYNAMICS, benefit_half_max=nan)), error("benefit_half_max")),
    ("A44", lambda: simulate(Patient(), R8(), pd=replace(PHARMACODYNAMICS, benefit_half_max=0.0)), error("benefit_half_max")),
    ("A45", lambda: simulate(Patient(), R8(), pd=replace(PHARMACODYNAMICS, benefit_half_max=-1.0)), error("benefit_half_max")),
    ("A46", lambda: simulate(Patient(), R_oral_x4(), pd=replace(PHARMACODYNAMICS, benefit_half_max=-1.0)), error("benefit_half_max")),
    ("A47", lambda: simulate(Patient(), R8(), pd=replace(PHARMACODYNAMICS, benefit_half_max=-1e-12)), error("benefit_half_max")),
    # ----- Appendix A: b (wrong exception, or a message that does not say what was wrong) -----
    ("A48", lambda: Cohort.sample(2, seed=0, population=None), error("population")),
    ("A49", lambda: Cohort.sample(34, seed=-16763620, comedications=()), error("seed")),
    ("A50", lambda: Cohort.sample(44, seed=np.int64(7), comedications=None), error("comedications")),
    ("A51", lambda: cohort_result().percentiles("x", q=None), error("values")),
    ("A52", lambda: cohort_result().percentiles("x", q="50"), error("values")),
    ("A53", lambda: cohort_result().percentiles("x", q=[]), error("values")),
    ("A54", lambda: cohort_result().percentiles("x", q=[-5774, [0.5]]), error("values")),
    ("A55", lambda: Regimen((DoseEvent(time_h="abc", amount=0.0146, unit="mg", route="im"),)), error("time_h")),
    ("A56", lambda: Regimen((DoseEvent(time_h=None, amount=nan, unit="mg", route="sublingual"),)), error("time_h")),
    ("A57", lambda: Regimen((DoseEvent(time_h=73.75, amount=217, unit=np.array(0.5), route="rectal", duration_h=0),)), error("unit")),
    ("A58", lambda: Regimen((DoseEvent(time_h={}, amount=0.367, unit="mg/kg", route="iv_infusion", duration_h=0.453),)), error("time_h")),
    ("A59", lambda: Regimen((DoseEvent(time_h=9167975272, amount=1.386, unit="mg", route="im", duration_h=1, session=1),)), error("time_h")),
    ("A60", lambda: Regimen((DoseEvent(time_h=(1 + 0j), amount=0.45, unit="mg/kg", route="im"),)), error("time_h")),
    ("A61", lambda: Regimen((DoseEvent(time_h=4.1e-52, amount=(0.5,), unit="mg/kg", route="rectal", duration_h=(0.5,)),)), error("duration_h", "amount")),
    ("A62", lambda: Patient(weight_kg=241.26, comedications=None, name=None, sensitivity_multiplier=nan), error("comedications")),
    ("A63", lambda: Cohort.sample(20, seed=3, population=PP(male_weight_median_kg=nan)), error("male_weight_median_kg")),
    ("A64", lambda: Cohort.sample(20, seed=3, population=PP(age_min_years=-2602)), error("age_min_years")),
    ("A65", lambda: Cohort.sample(20, seed=3, population=PP(age_min_years=nan)), error("age_min_years")),
    ("A66", lambda: Cohort.sample(20, seed=3, cyp2b6_assumption="chronic", population=PP(age_min_years="1")), error("age_min_years")),
    ("A67", lambda: Cohort.sample(20, seed=3, cyp2b6_assumption="chronic", population=PP(chronic_clint_fold_heterozygous=-1008)), error("chronic_clint_fold_heterozygous")),
    ("A68", lambda: Cohort.sample(20, seed=3, cyp2b6_assumption="chronic", population=PP(female_weight_median_kg="0.5")), error("female_weight_median_kg")),
    ("A69", lambda: Cohort.sample(20, seed=3, cyp2b6_assumption="chronic", population=PP(female_weight_median_kg=5.96e-08, chronic_clint_fold_heterozygous=-2.2e-309)), error("female_weight_median_kg", "chronic_clint_fold_heterozygous")),
    ("A70", lambda: Cohort.sample(20, seed=3, cyp2b6_assumption="chronic", population=PP(chronic_clint_fold_homozygous=0.0, female_weight_median_kg=38.0, clearance_cv=0.0)), error("female_weight_median_kg", "chronic_clint_fold_homozygous")),
    ("A71", lambda: R_im_then() + R_im_then(), OK),
    ("A72", lambda: Regimen.sequence(amounts=[1.01, 1.01, 2.51, 0.99999, 1.65], unit=np.array([0.5, 1.0]), every_days=nan, route="", infusion_min=inf, start_day=nan), error("unit")),
    ("A73", lambda: Regimen.sequence(amounts=None, every_days=364.99999999999994, infusion_min=inf, start_day=nan), error("amounts")),
    ("A74", lambda: Regimen.single(dose_mg=75.0, at_day=21128477), error("at_day")),
    ("A75", lambda: Regimen.single(dose_mg=5.0, at_day=nan), error("at_day")),
    ("A76", lambda: Regimen.single(dose_mg=4759.4, route=None, infusion_min=18.0, at_day=(1 + 0j)), error("at_day")),
    ("A77", lambda: Regimen.taper(start_mg_per_kg=0.1, step_mg_per_kg=1.52e-07, every_days=0.5), error("step_mg_per_kg")),
    ("A78", lambda: R_single_bolus().with_adherence(1e-06, seed=1e-06), error("seed")),
    ("A79", lambda: R_nasal_daily_x30().with_adherence(1.0, seed=nan), error("seed")),
    ("A80", lambda: R_cont_72h().with_adherence(4.2e-222, seed=-736379), error("seed")),
    ("A81", lambda: R_taper_sl().with_adherence(0.95, seed=object()), error("seed")),
    ("A82", lambda: R_im_then().with_adherence(0.84, seed=-inf), error("seed")),
    ("A83", lambda: R_single_iv().with_missed_doses(3), error("sessions")),
    ("A84", lambda: oral_x4_result().accumulated(np.array([0.5, 1.0])), error("running total")),
    ("A85", lambda: iv_x8_result().amount_mg(np.array([0.5, 1.0])), error("state")),
    ("A86", lambda: iv_x8_result().to_dataframe(effects=1), error("effects")),
    ("A87", lambda: analysis.challenge_response(Patient(), R_spray56_x4(), day=74.3, challenge=None), error("challenge")),
    ("A88", lambda: analysis.challenge_response(Patient(), "daily", day=1.0), error("pretreatment")),
    ("A89", lambda: analysis.challenge_response(Patient(weight_kg=20.0, age_years=60.0, sex="female", comedications=("grapefruit_juice", "lamotrigine"), clearance_multiplier=2.23), Regimen, day=453.6, challenge=None), error("pretreatment")),
    ("A90", lambda: apps.cohort_explorer(seed=-1, effect=False), error("seed", "effect")),
    ("A91", lambda: apps.escalation_explorer(patient=70), error("patient")),
    ("A92", lambda: charts.challenge_chart("x", effect="craving"), error("responses")),
    ("A93", lambda: charts.challenge_chart(None, effect="anesthesia"), error("responses")),
    ("A94", lambda: charts.challenge_chart({"a": None}, effect="antidepressant"), error("responses")),
    ("A95", lambda: charts.cohort_chart("x", effect="anesthesia", threshold_g=0.01), error("result")),
    ("A96", lambda: charts.concentration_chart({}, quantity="plasma"), error("results")),
    ("A97", lambda: charts.concentration_chart(None, quantity="effect site"), error("results")),
    ("A98", lambda: charts.dose_response_chart(None, effect="anesthesia"), error("curves")),
    ("A99", lambda: charts.dose_response_chart({}, effect="analgesia"), error("curves")),
    ("A100", lambda: charts.dose_response_chart({"\x11/=": 3, "oBä": ([1, 2], [1])}, effect="antidepressant"), error("curves")),
    ("A101", lambda: charts.dose_response_chart({"îÈ": ([inf], []), "": ([184675121413, -13521617466], [2.4e-83, -634160132])}, effect="dissociation"), error("curves")),
    ("A102", lambda: charts.effects_chart("x", True, threshold_percent=-2.225073858507e-311, band_percent=None), error("result")),
    ("A103", lambda: charts.effects_chart("x", (), threshold_percent=0.0, band_percent=None), error("result")),
    ("A104", lambda: charts.effects_chart(None, ("locomotor", "locomotor"), threshold_percent=0.0, band_percent=None), error("result")),
    ("A105", lambda: charts.effects_chart("x", (), threshold_percent=98.7, band_percent=(1,)), error("result")),
    ("A106", lambda: charts.escalation_chart("x"), error("outcome")),
    ("A107", lambda: charts.holiday_windows(0.5, min_gap_days=609), error("regimen")),
    ("A108", lambda: charts.holiday_windows(Regimen, min_gap_days=0.01), error("regimen")),
    ("A109", lambda: charts.recovery_chart("x", holidays=5), error("result")),
    ("A110", lambda: charts.recovery_chart(iv_x8_result(), holidays=5), error("holidays")),
    ("A111", lambda: charts.recovery_chart(iv_x8_result(), holidays="ab"), error("holidays")),
    ("A112", lambda: charts.recovery_chart(iv_x8_result(), holidays=[(1,)]), error("holidays")),
    ("A113", lambda: charts.recovery_chart(iv_x8_result(), holidays=[((1 + 0j), nan), (nan, nan)]), error("holidays")),
    ("A114", lambda: charts.session_response_chart({}, effect="analgesia"), error("results")),
    ("A115", lambda: charts.session_response_chart(None, effect="analgesia"), error("results")),
    ("A116", lambda: charts.session_response_chart({"a": cohort_result()}, effect="locomotor"), error("results", "SimulationResult")),
    ("A117", lambda: dose_response("patient", None, day=0.0), error("patient")),
    ("A118", lambda: dose_response(Patient(), R_cont_72h(), day=2173.3), OK),
    ("A119", lambda: dose_response(Cohort, R8(), day=0.0), error("patient")),
    ("A120", lambda: dose_response(Patient(), R8(), day=3649.0, effect="craving", doses_mg_per_kg=0.5), error("doses_mg_per_kg")),
    ("A121", lambda: dose_response(Patient(), R_cont_72h(), day=6.1e-05, doses_mg_per_kg=[[], 9.07e-07]), error("doses_mg_per_kg")),
    ("A122", lambda: dose_to_match_first_response(Cohort, R8(), day=15), error("patient")),
    ("A123", lambda: dose_to_match_first_response(Patient(), R_im_then(), day=1.192092896e-07), error("day")),
    ("A124", lambda: dose_to_match_first_response(None, 0.5, day=0), error("patient")),
    ("A125", lambda: dose_to_match_first_response(Patient(weight_kg=38.2, age_years=35.4, comedications=("memantine",), clearance_multiplier=0.8988), R_cont_72h(), day=208.9, effect="anesthesia"), ok_or_error("day")),
    ("A126", lambda: escalating_use(cap_mg_per_kg=9.6, every_days=346.8, route="iv_bolus", effect="anesthesia", satisfied_fraction=0.9999999999999999), error("sessions")),
    ("A127", lambda: escalating_use(patient=[Patient()], cap_mg_per_kg=14.8), error("patient")),
    ("A128", lambda: extend_interval_while_benefit_holds(patient={"weight_kg": 70}, dose_mg_per_kg=1.22, step_days=5.68, max_every_days=26.3, threshold_percent=62.1, infusion_min=40.0), error("patient")),
    ("A129", lambda: extend_interval_while_benefit_holds(dose_mg_per_kg=0.776, start_every_days=5.28, step_days=80.0, threshold_percent=88.1, route="esketamine_nasal_spray", infusion_min=None), error("route")),
    ("A130", lambda: mystery_patient(seed=-1), error("seed")),
    ("A131", lambda: parameter_table(0), error("params")),
    ("A132", lambda: recovery_days(Patient(), R_cont_72h()), OK),
    ("A133", lambda: recovery_days(None, Opaque()), error("patient")),
    ("A134", lambda: recovery_days(Cohort, R_spray56_x4()), error("patient")),
    ("A135", lambda: simulate(Patient(), R_daily_year(), days=None, disposition="ketamine"), error("disposition")),
    ("A136", lambda: simulate(Patient(), R_im_then(), pd=replace(PHARMACODYNAMICS, benefit_decay_per_day=0.0)), error("benefit_decay_per_day")),
    ("A137", lambda: simulate(Patient(), R_single_iv(), days=780.9987457925521, dense_step_min=0.5, sparse_step_h=1e-300), error("sparse_step_h")),
    ("A138", lambda: simulate(Cohort(()), 0.5), error("patients")),
    ("A139", lambda: simulate(Patient(), R8(), disposition=replace(KETAMINE, k10_per_min=0.0)), error("k10_per_min")),
    ("A140", lambda: simulate(Patient(), R8(), disposition=replace(KETAMINE, k12_per_min=-1.0)), error("k12_per_min")),
    ("A141", lambda: simulate(Patient(), R8(), disposition=replace(KETAMINE, k21_per_min=0.0)), error("k21_per_min")),
    # the audited field norketamine_half_life_h is now derived from the norketamine clearance and volumes
    ("A142", lambda: simulate(Patient(), R8(), disposition=replace(KETAMINE, norketamine_apparent_clearance_l_per_h=0.0)), error("norketamine_apparent_clearance_l_per_h")),
    ("A143", lambda: simulate(Patient(), R8(), pd=replace(PHARMACODYNAMICS, ke0_per_min=0.0)), error("ke0_per_min")),
    ("A144", lambda: simulate(Patient(), R8(), pd=replace(PHARMACODYNAMICS, ke0_per_min=nan)), error("ke0_per_min")),
    ("A145", lambda: simulate(Patient(), R8(), pd=replace(PHARMACODYNAMICS, benefit_decay_per_day=0.0)), error("benefit_decay_per_day")),
    ("A146", lambda: simulate(Patient(), R8(), pd=replace(PHARMACODYNAMICS, consolidation_rate_per_day=1e300)), error("consolidation_rate_per_day")),
    ("A147", lambda: simulate(Patient(), R8(), pd=replace(PHARMACODYNAMICS, consolidated_half_life_days=0.0)), error("consolidated_half_life_days")),
    ("A148", lambda: titrate_to_response(patient=Opaque(), max_dose_mg_per_kg=1.0, infusion_min=40.0), error("patient")),
    ("A149", lambda: titrate_to_response(patient=Patient(weight_kg=64.2, age_years=94.9, sex="female", comedications=("dextromethorphan", "memantine"), clearance_multiplier=0.922), start_dose_mg_per_kg=0.65, every_days=30.0, sessions=1097, route="iv_infusion", infusion_min=40.0), error("sessions")),
    # ----- Appendix B: targeted probes (the cheap ones) -----
    ("B1", lambda: R8().with_holiday(start_day=7, length_days=100), error("length_days")),
    ("B2", lambda: simulate(Patient(), R8(), days=0), error("days")),
    ("B3", lambda: simulate(Patient(), R8(), days=3650), OK),
    ("B4", lambda: Cohort.sample(0, seed=1), error("n")),
    ("B5", lambda: Cohort.sample(1e6, seed=1), error("n")),
    ("B6", lambda: Cohort.sample(1000000, seed=1), error("n")),
    ("B8", lambda: Regimen.single(dose_mg_per_kg=0.5, route="intravenous"), error("route")),
    ("B9", lambda: Patient(comedications=("rifampin",)), error("comedication")),
    ("B10", lambda: iv_x8_result().effect("dissociaton"), error("effect")),
    ("B11", lambda: recovery_days(Patient(), R8(), effect="euphoria"), error("effect")),
    ("B12", lambda: Regimen.taper(50, step_mg_per_kg=1e-12, every_days=1), error("step_mg_per_kg")),
    ("B13", lambda: Regimen.taper(50, step_mg_per_kg=1e-6, every_days=1), error("step_mg_per_kg")),
    ("B14", lambda: Regimen.repeated(dose_mg_per_kg=0.5, every_days=5e-324, duration_days=10), error("duration_days")),
    ("B15", lambda: simulate(Patient(), R8(), dense_step_min=1e-6), error("dense_step_min")),
    ("B16", lambda: simulate(Patient(), R8(), dense_step_min=1e-12), error("dense_step_min")),
    ("B17", lambda: simulate(Patient(), R8(), sparse_step_h=1e-9), error("sparse_step_h")),
    ("B18", lambda: simulate(Patient(), R8(), sparse_step_h=1e-4, days=3650), error("sparse_step_h")),
    ("B19", lambda: extend_interval_while_benefit_holds(start_every_days=1e-12, step_days=1e-12, max_every_days=1e-12, course_days=1), error("start_every_days")),
    ("B20", lambda: extend_interval_while_benefit_holds(start_every_days=0.01, step_days=0.01, max_every_days=0.01, course_days=3650), error("start_every_days")),
    ("B21", lambda: escalating_use(every_days=1e-12, sessions=60), OK),
    ("B22", lambda: escalating_use(every_days=1.5, sessions=3650), error("sessions")),
    ("B23", lambda: titrate_to_response(sessions=3650), error("sessions")),
    ("B26", lambda: recovery_days(Patient(), Regimen.repeated(dose_mg_per_kg=2, every_days=1, doses=300), max_days=3650), OK),
    ("B27", lambda: dose_response(Patient(), R8(), day=3650), OK),
    ("B28", lambda: dose_to_match_first_response(Patient(), R8(), day=3650), OK),
    ("B29", lambda: Cohort.sample(3, seed=1, comedications="rifampicin"), error("comedications")),
    ("B30", lambda: Cohort.sample(3, seed=-1), error("seed")),
    ("B31", lambda: Cohort.sample(3, seed=1, population=None), error("population")),
    ("B32", lambda: Cohort.sample(50, seed=1, cyp2b6_assumption="chronic", population=PP(chronic_clint_fold_heterozygous=0)), error("chronic_clint_fold_heterozygous")),
    ("B33", lambda: Patient(comedications=None), error("comedications")),
    ("B34", lambda: Patient(comedications=5), error("comedications")),
    ("B35", lambda: R8().with_missed_doses(None), error("sessions")),
    ("B36", lambda: R8().with_missed_doses(3), error("sessions")),
    ("B37", lambda: R8().with_adherence(0.5, seed=-1), error("seed")),
    ("B38", lambda: R8().with_adherence(0.5, seed="abc"), error("seed")),
    ("B39", lambda: mystery_patient(seed=-1), error("seed")),
    ("B40", lambda: mystery_patient(seed=None), error("seed")),
    ("B41", lambda: simulate(Patient(), R8(), disposition="ketamine"), error("disposition")),
    ("B42", lambda: simulate(Cohort.sample(3, seed=1), R8(), days=0), error("days")),
    ("B43", lambda: simulate(Cohort(()), R8()), error("patients")),
    ("B44", lambda: Regimen.single(dose_mg_per_kg=0.5).then(Regimen.single(dose_mg_per_kg=0.5)), error("gap_days")),
    ("B45", lambda: R8() + Regimen.esketamine_spray(56), error("drug")),
    ("B46", lambda: Regimen.taper(50, step_mg_per_kg=1e-7, every_days=1), error("step_mg_per_kg")),
    # ----- valid input that failed: it must work now -----
    ("late start, default days", lambda: simulate(Patient(), Regimen.single(dose_mg_per_kg=0.5, at_day=3640)), OK),
    ("course of exactly 3650 days", lambda: escalating_use(every_days=3650 / 40, sessions=40), OK),
    ("overlay: infusion plus a bolus", lambda: simulate(Patient(), R_cont_72h() + Regimen.single(dose_mg_per_kg=0.5)), OK),
    ("overlay: a course added to itself", lambda: simulate(Cohort.sample(3, seed=1), R_cont_72h() + Regimen.single(dose_mg_per_kg=0.5)), OK),
    ("shortest infusion", lambda: simulate(Patient(), Regimen.single(dose_mg_per_kg=1.1, infusion_min=1e-3), days=2), OK),
    ("shortest infusions, repeated", lambda: simulate(Patient(), Regimen.repeated(dose_mg=0.001, every_days=0.001, infusion_min=1e-3, doses=5), days=1), OK),
    ("shortest infusions, titrated", lambda: Regimen.titration(1.1, step_mg_per_kg=1e-3, target_mg_per_kg=1.2, every_days=8.13, doses=13, infusion_min=1e-3), OK),
    ("lowest clearance", lambda: Patient(clearance_multiplier=0.01, intrinsic_clearance_multiplier=0.01, ke0_multiplier=0.01, volume_multiplier=20), OK),
    ("short intervals return", lambda: extend_interval_while_benefit_holds(start_every_days=0.1, step_days=0.1, max_every_days=0.1, course_days=5), OK),
    ("challenge long after the pretreatment", lambda: analysis.challenge_response(Patient(), R8(), day=1000), OK),
    ("esketamine challenge after esketamine", lambda: analysis.challenge_response(Patient(), R_spray56_x4(), day=30, challenge=Regimen.esketamine_spray(56)), OK),
    ("events out of order and renumbered", lambda: Regimen((DoseEvent(48.0, 0.5, "mg/kg", "iv_bolus", 0.0, 7), DoseEvent(0.0, 0.5, "mg/kg", "iv_bolus", 0.0, 3))), OK),
    ("one event in session 1", lambda: Regimen((DoseEvent(time_h=1.1, amount=1.386, unit="mg", route="im", duration_h=0.0, session=1),)), OK),
    ("huge int", lambda: Regimen.single(dose_mg_per_kg=10**400), error("dose_mg_per_kg")),
    ("q given as a string", lambda: cohort_result().percentiles(np.ones((3, 2)), q="50"), error("q")),
    ("q empty", lambda: cohort_result().percentiles(np.ones((3, 2)), q=[]), error("q")),
    ("q nested", lambda: cohort_result().percentiles(np.ones((3, 2)), q=[-5774, [0.5]]), error("q")),
    ("NaN values", lambda: cohort_result().percentiles(np.full((3, 2), nan)), error("values")),
    ("effects_chart without effects", lambda: charts.effects_chart(iv_x8_result(), ()), error("effects")),
    ("effects_chart with a bool", lambda: charts.effects_chart(iv_x8_result(), True), error("effects")),
    ("effects_chart with a one-number band", lambda: charts.effects_chart(iv_x8_result(), band_percent=(1,)), error("band_percent")),
    ("cohort with output settings", lambda: simulate(Cohort.sample(3, seed=1), R8(), dense_step_min=1.0), error("dense_step_min")),
    ("days before the first dose", lambda: simulate(Patient(), Regimen.single(dose_mg_per_kg=0.5, at_day=100), days=50), error("days")),
    ("course longer than 3650 days", lambda: Regimen.repeated(dose_mg_per_kg=0.5, every_days=365, doses=20), error("doses")),
    ("mucosal route below oral availability", lambda: simulate(Patient(), Regimen.single(dose_mg_per_kg=1, route="sublingual"), disposition=replace(DISPOSITIONS["ketamine_kamp2020"], oral_bioavailability=0.4)), error("oral_bioavailability")),
]


@pytest.mark.parametrize("call, expected", [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_audited_call(call, expected):
    outcome, names = expected
    try:
        with time_guard(120.0):
            value = call()
    except Exception as raised:  # noqa: BLE001 - the kind of exception is what is tested
        assert outcome != "ok", f"raised {type(raised).__name__}: {raised}"
        problem = message_problem(raised, names)
        assert problem is None, f"{problem}: {type(raised).__name__}: {raised}"
        return
    assert outcome != "error", f"returned {value!r} instead of raising an error naming {names}"
    problems = problems_of(value)
    assert not problems, problems


def test_case_ids_are_unique():
    ids = [case[0] for case in CASES]
    assert len(ids) == len(set(ids))


def test_policies_refuse_combined_arguments_before_any_work():
    """A course longer than the longest simulation is refused at once, naming the caller's own parameters."""
    for call in (
        lambda: escalating_use(every_days=100),
        lambda: escalating_use(sessions=3650, every_days=1.01),
        lambda: titrate_to_response(sessions=3650),
        lambda: titrate_to_response(every_days=30, sessions=1097),
        lambda: extend_interval_while_benefit_holds(start_every_days=0.01, step_days=0.01, max_every_days=0.01, course_days=3650),
    ):
        began = time.perf_counter()
        with pytest.raises(ValueError) as raised:
            call()
        assert time.perf_counter() - began < 1.0
        assert "sessions" in str(raised.value) and "days" in str(raised.value) and "got" in str(raised.value)
        assert "days must be > 0" not in str(raised.value)  # not about a `days` the caller never gave


def test_taper_counts_its_doses_before_building_them():
    began = time.perf_counter()
    with pytest.raises(ValueError, match="step_mg_per_kg"):
        Regimen.taper(50, step_mg_per_kg=1e-12, every_days=1)
    assert time.perf_counter() - began < 0.5
    assert len(Regimen.taper(1.0, step_mg_per_kg=1 / 20000, every_days=0.1).events) == 20000


def test_simulation_size_is_bounded_before_allocating():
    """Output settings that would need millions of output times are refused before any array is built."""
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match="output times"):
            simulate(Patient(), R8(), dense_step_min=1e-12)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20e6


def test_long_dose_event_builds_only_the_simulated_part():
    """A dose whose infusion outlasts the simulation samples only the simulated days."""
    long = Regimen((DoseEvent(time_h=1.1, amount=1000.0, unit="mg", route="iv_infusion", duration_h=80000.0),))
    result = simulate(Patient(), long, days=3)
    assert result.time_h.size < 1000 and not problems_of(result)


def test_short_infusions_and_low_clearance_are_accurate():
    """The shortest infusion equals an injection, and the lowest clearance gives the AUC of the drug's own curve."""
    injection = simulate(Patient(), Regimen.single(dose_mg_per_kg=1.1), days=2).exposure()
    shortest = simulate(Patient(), Regimen.single(dose_mg_per_kg=1.1, infusion_min=1e-3), days=2).exposure()
    assert shortest.auc_mg_h_per_l == pytest.approx(injection.auc_mg_h_per_l, rel=1e-6)
    slow = Patient(clearance_multiplier=0.01, intrinsic_clearance_multiplier=0.01)
    result = simulate(slow, R_single_iv(), days=3)
    auc = result.exposure().auc_mg_h_per_l
    trapezoid = float(np.sum(np.diff(result.time_h) * (result.plasma_mg_per_l[1:] + result.plasma_mg_per_l[:-1]) / 2))
    assert auc > 0 and auc == pytest.approx(trapezoid, rel=1e-3)


def test_cohort_size_is_bounded_before_the_work_starts():
    """A cohort whose summaries would be too large is refused at once, naming n and its allowed range."""
    many = Cohort((Patient(),) * 100_000)
    began = time.perf_counter()
    with pytest.raises(ValueError) as raised:
        simulate(many, R_daily_year(), days=365)
    assert time.perf_counter() - began < 2.0
    assert message_problem(raised.value, ["n"]) is None


def test_cohort_memory_stays_within_twice_its_result(monkeypatch):
    """A chunk's working memory stays within its budget, however long the course (chunks shrink instead of
    growing with patients x sessions), and chunks write straight into the result's arrays, so that the run's
    peak stays within about twice what it returns."""
    import kettutor.solver.cohort as cohort_module
    from kettutor.solver.cohort import CHUNK_BUDGET_BYTES, cohort_chunk_size

    patients = list(Cohort.sample(50, seed=5).patients)
    for regimen, days in ((Regimen.single(dose_mg_per_kg=0.5, infusion_min=40), 3650), (Regimen.repeated(dose_mg_per_kg=0.5, every_days=1 / 3, doses=90), 30)):
        size = cohort_chunk_size(regimen.session_count, days)
        tracemalloc.start()
        try:
            cohort_module._summarise_chunk(patients[:size], regimen, days)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert peak < 1.25 * CHUNK_BUDGET_BYTES, (size, peak)

    # the collection, with chunk summaries shaped like real ones (one patient's, repeated)
    regimen, days = Regimen.single(dose_mg_per_kg=0.5, infusion_min=40), 3650
    template = cohort_module._summarise_chunk(patients[:1], regimen, days)

    def like_real(chunk, *_args):
        rows = len(chunk)
        return {
            "peaks": {name: np.repeat(values, rows, axis=0) for name, values in template["peaks"].items()},
            "cmax": np.repeat(template["cmax"], rows, axis=0),
            "auc": np.repeat(template["auc"], rows),
            "daily": {name: np.repeat(values, rows, axis=0) for name, values in template["daily"].items()},
        }

    monkeypatch.setattr(cohort_module, "_summarise_chunk", like_real)
    tracemalloc.start()
    try:
        result = simulate(Cohort((Patient(),) * 1000), regimen, days=days)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    returned = sum(a.nbytes for a in (*result.peaks_by_effect.values(), *result.daily.values(), result.session_cmax_mg_per_l, result.auc_mg_h_per_l))
    assert returned > 100e6 and peak < 1.6 * returned  # collecting copies (concatenation) would need twice
    np.testing.assert_array_equal(result.daily["tolerance"][-1], template["daily"]["tolerance"][0])


def test_every_public_parameter_set_field_is_range_checked():
    """Every numeric field of the parameter sets passed to simulate refuses NaN, infinities and negatives."""
    for base in (KETAMINE, PHARMACODYNAMICS, kettutor.ADAPTATION):
        for field in dataclasses.fields(base):
            if not isinstance(getattr(base, field.name), float):
                continue
            for bad in (nan, inf, -1.0, 1e300):
                with pytest.raises(ValueError, match=field.name):
                    replace(base, **{field.name: bad})
