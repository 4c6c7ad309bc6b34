"""The fast modal engine agrees with the independent solve_ivp reference to 1e-6 relative."""

import numpy as np
import pytest

import kettutor
from kettutor.solver.model import ACCUMULATORS, SLOW_STATES
from kettutor.solver.reference import simulate_reference

CASES = {
    "antidepressant course, IV twice weekly": (
        kettutor.Patient(),
        kettutor.Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=40, every_days=3.5, doses=4),
    ),
    "anaesthetic boluses, older woman": (
        kettutor.EXAMPLE_PATIENTS["older_woman"],
        kettutor.Regimen.repeated(dose_mg_per_kg=2.0, every_days=1, doses=3),
    ),
    "oral daily on clarithromycin": (
        kettutor.EXAMPLE_PATIENTS["on_clarithromycin"],
        kettutor.Regimen.repeated(dose_mg=50, route="oral", every_days=1, doses=5),
    ),
    "intranasal then sublingual, large man": (
        kettutor.EXAMPLE_PATIENTS["large_man"],
        kettutor.Regimen.repeated(dose_mg=40, route="intranasal", every_days=2, doses=2).then(
            kettutor.Regimen.repeated(dose_mg=30, route="sublingual", every_days=1, doses=2)
        ),
    ),
    "continuous infusion, benzodiazepine": (
        kettutor.EXAMPLE_PATIENTS["on_benzodiazepine"],
        kettutor.Regimen.continuous_infusion(rate_mg_per_kg_per_h=0.3, hours=36),
    ),
    "esketamine spray": (kettutor.Patient(sex="female"), kettutor.Regimen.esketamine_spray(84, every_days=3.5, doses=3)),
    "daily use: slow tolerance, sensitization, craving": (
        kettutor.Patient(),
        kettutor.Regimen.repeated(dose_mg_per_kg=1.0, route="intranasal", every_days=1, doses=21),
    ),
    "memantine cross-tolerance, psychotherapy": (
        kettutor.Patient(comedications=("memantine",), adjunct_therapy="psychotherapy"),
        kettutor.Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=40, every_days=7, doses=3),
    ),
}


def max_relative_error(fast: np.ndarray, reference: np.ndarray) -> float:
    """Largest deviation relative to the signal's own scale (pointwise relative error is undefined at 0)."""
    return float(np.max(np.abs(fast - reference)) / np.max(np.abs(reference)))


@pytest.mark.parametrize("patient, regimen", CASES.values(), ids=CASES.keys())
def test_fast_engine_matches_solve_ivp_reference(patient, regimen):
    days = regimen.end_h / 24 + 3
    fast = kettutor.simulate(patient, regimen, days=days)
    reference = simulate_reference(patient, regimen, days=days, output_times_h=fast.time_h)
    for name, series in (
        ("plasma", (fast.plasma_mg_per_l, reference.fast["plasma_mg_per_l"])),
        ("effect site", (fast.effect_site_mg_per_l, reference.fast["ce_mg_per_l"])),
        ("norketamine", (fast.norketamine_mg_per_l, reference.fast["norketamine_mg_per_l"])),
        ("norketamine effect site", (fast.norketamine_effect_site_mg_per_l, reference.fast["norketamine_ce_mg_per_l"])),
    ):
        assert max_relative_error(*series) < 1e-6, name
    for j, name in enumerate(SLOW_STATES):
        if np.any(reference.slow[j]):  # states the regimen never drives stay exactly 0 in both
            assert max_relative_error(fast._out.slow[0, j], reference.slow[j]) < 1e-6, name
    for j, name in enumerate(ACCUMULATORS):
        if np.any(reference.accumulators[j]):
            assert max_relative_error(fast.accumulated(name), reference.accumulators[j]) < 1e-6, name


def test_reference_is_independent_evidence():
    """The comparison can fail: a perturbed model differs from the reference by far more than 1e-6."""
    patient, regimen = CASES["antidepressant course, IV twice weekly"]
    fast = kettutor.simulate(patient, regimen, days=10)
    shifted = simulate_reference(kettutor.Patient(clearance_multiplier=1.001), regimen, days=10, output_times_h=fast.time_h)
    assert max_relative_error(fast.plasma_mg_per_l, shifted.fast["plasma_mg_per_l"]) > 1e-5
