"""The fast engine against analytic pharmacokinetics: one- and three-compartment bolus and infusion,
superposition of repeated doses, and mass balance.

The three-compartment formulas are the textbook sum of exponentials (Gibaldi & Perrier,
Pharmacokinetics, 2nd ed., ch. 3), with rates found as roots of the characteristic cubic by numpy.roots,
independent of the engine's eigen-decomposition.
"""

from dataclasses import replace

import numpy as np
import pytest

import kettutor
from kettutor.science.pk import DISPOSITIONS, RACEMIC_KETAMINE

PATIENT = kettutor.Patient()
ONE_COMPARTMENT = replace(RACEMIC_KETAMINE, k12_per_min=0.0, k13_per_min=0.0)


def micro_constants_per_h(disposition):
    return {k: getattr(disposition, f"{k}_per_min") * 60 for k in ("k10", "k12", "k13", "k21", "k31")}


def three_compartment_unit_bolus(disposition, weight_kg, t_h):
    """Plasma concentration (mg/L) per mg of IV bolus: sum_i A_i exp(-alpha_i t)."""
    k = micro_constants_per_h(disposition)
    v1 = disposition.central_volume_l_per_kg * weight_kg
    # characteristic polynomial of the mammillary system: s^3 + a2 s^2 + a1 s + a0 with s = -alpha
    a0 = k["k10"] * k["k21"] * k["k31"]
    a1 = k["k10"] * k["k31"] + k["k21"] * k["k31"] + k["k21"] * k["k13"] + k["k10"] * k["k21"] + k["k31"] * k["k12"]
    a2 = k["k10"] + k["k12"] + k["k13"] + k["k21"] + k["k31"]
    alphas = -np.roots([1.0, a2, a1, a0]).real
    total = np.zeros_like(t_h)
    for i, alpha in enumerate(alphas):
        others = [a for j, a in enumerate(alphas) if j != i]
        coef = (k["k21"] - alpha) * (k["k31"] - alpha) / ((others[0] - alpha) * (others[1] - alpha)) / v1
        total += coef * np.exp(-alpha * t_h)
    return total, alphas, v1


def test_one_compartment_bolus_is_a_single_exponential():
    """C(t) = D/V exp(-k t) when the peripheral compartments are switched off."""
    result = kettutor.simulate(PATIENT, kettutor.Regimen.single(dose_mg=100), days=1, disposition=ONE_COMPARTMENT)
    v = ONE_COMPARTMENT.central_volume_l_per_kg * 70
    k = ONE_COMPARTMENT.k10_per_min * 60
    np.testing.assert_allclose(result.plasma_mg_per_l, 100 / v * np.exp(-k * result.time_h), rtol=1e-9, atol=1e-15)


def test_one_compartment_infusion_rises_and_falls_analytically():
    """C = R/(kV)(1 - e^{-kt}) during an infusion of rate R, then decays from its end value."""
    duration_h = 2.0
    regimen = kettutor.Regimen.single(dose_mg=60, infusion_min=duration_h * 60)
    result = kettutor.simulate(PATIENT, regimen, days=1, disposition=ONE_COMPARTMENT)
    v, k, rate = ONE_COMPARTMENT.central_volume_l_per_kg * 70, ONE_COMPARTMENT.k10_per_min * 60, 30.0
    t = result.time_h
    during = rate / (k * v) * (1 - np.exp(-k * np.minimum(t, duration_h)))
    expected = np.where(t <= duration_h, during, during * np.exp(-k * (t - duration_h)))
    np.testing.assert_allclose(result.plasma_mg_per_l, expected, rtol=1e-9, atol=1e-15)


def test_three_compartment_bolus_matches_sum_of_exponentials():
    """Domino model, 2 mg/kg bolus: engine equals the analytic three-exponential solution."""
    result = kettutor.simulate(PATIENT, kettutor.Regimen.single(dose_mg_per_kg=2.0), days=2, dense_step_min=0.5)
    unit, _, _ = three_compartment_unit_bolus(RACEMIC_KETAMINE, 70, result.time_h)
    np.testing.assert_allclose(result.plasma_mg_per_l, 140 * unit, rtol=1e-8, atol=1e-14)
    # Domino's disposition half-lives quoted in ketamine-pkpd.md 1b [derived]: 0.40, 4.6 and 115 min
    _, alphas, _ = three_compartment_unit_bolus(DISPOSITIONS["ketamine_domino1984"], 70, result.time_h)
    np.testing.assert_allclose(np.sort(np.log(2) / alphas * 60), [0.40, 4.6, 115], rtol=0.02)


def test_three_compartment_infusion_matches_integrated_exponentials():
    """An infusion of rate R is the integral of boluses: C = R sum_i A_i (1 - e^{-a_i t}) / a_i (then decay)."""
    duration_h = 40 / 60
    result = kettutor.simulate(PATIENT, kettutor.Regimen.single(dose_mg_per_kg=0.5, infusion_min=40), days=1)
    rate = 35.0 / duration_h
    t = result.time_h
    _, alphas, v1 = three_compartment_unit_bolus(RACEMIC_KETAMINE, 70, np.zeros(1))
    k = micro_constants_per_h(RACEMIC_KETAMINE)
    expected = np.zeros_like(t)
    for i, alpha in enumerate(alphas):
        others = [a for j, a in enumerate(alphas) if j != i]
        coef = (k["k21"] - alpha) * (k["k31"] - alpha) / ((others[0] - alpha) * (others[1] - alpha)) / v1
        rise = (1 - np.exp(-alpha * np.minimum(t, duration_h))) / alpha
        expected += rate * coef * rise * np.exp(-alpha * np.maximum(t - duration_h, 0.0))
    np.testing.assert_allclose(result.plasma_mg_per_l, expected, rtol=1e-8, atol=1e-14)


@pytest.mark.parametrize(
    "route, infusion_min",
    [("iv_infusion", 40), ("oral", None), ("intranasal", None), ("im", None)],  # each absorption path
)
def test_repeated_doses_are_the_superposition_of_single_doses(route, infusion_min):
    """Linear PK: four doses every 2 days equal the sum of four shifted single doses."""
    kwargs = {"route": route, "infusion_min": infusion_min}
    repeated = kettutor.simulate(PATIENT, kettutor.Regimen.repeated(dose_mg=30, every_days=2, doses=4, **kwargs), days=10)
    singles = [
        kettutor.simulate(PATIENT, kettutor.Regimen.single(dose_mg=30, at_day=2 * dose, **kwargs), days=10) for dose in range(4)
    ]
    common = repeated.time_h
    for single in singles:  # compare where every run has an output (no interpolation error)
        common = np.intersect1d(common, single.time_h)
    assert common.size > 200
    total = sum(single.plasma_mg_per_l[np.isin(single.time_h, common)] for single in singles)
    np.testing.assert_allclose(repeated.plasma_mg_per_l[np.isin(repeated.time_h, common)], total, rtol=1e-8, atol=1e-12)


@pytest.mark.parametrize(
    "regimen",
    [
        kettutor.Regimen.single(dose_mg_per_kg=2.0),
        kettutor.Regimen.repeated(dose_mg=50, route="oral", every_days=1, doses=5),
        kettutor.Regimen.repeated(dose_mg=40, route="sublingual", every_days=0.5, doses=6),
        kettutor.Regimen.continuous_infusion(rate_mg_per_kg_per_h=0.3, hours=30),
        kettutor.Regimen.esketamine_spray(84, every_days=3.5, doses=3),
    ],
    ids=["iv bolus", "oral daily", "sublingual twice daily", "continuous infusion", "esketamine spray"],
)
def test_mass_balance_body_plus_eliminated_equals_absorbed(regimen):
    """Amount in the body + amount eliminated = amount absorbed, at every time; and once absorption is
    over, absorbed = bioavailable dose (F x dose) and nothing is left in the depots."""
    result = kettutor.simulate(PATIENT, regimen, days=regimen.end_h / 24 + 4)
    body = sum(result.amount_mg(s) for s in ("central", "peripheral_fast", "peripheral_slow"))
    absorbed = result.accumulated("absorbed_mg")
    np.testing.assert_allclose(body + result.accumulated("eliminated_mg"), absorbed, rtol=1e-9, atol=1e-9 * absorbed.max())
    weight = PATIENT.weight_kg
    route = kettutor.ROUTES[regimen.events[0].route]
    bioavailable = sum(e.dose_mg(weight) for e in regimen.events) * route.bioavailability
    assert absorbed[-1] == pytest.approx(bioavailable, rel=1e-4)
