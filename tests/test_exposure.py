"""Plasma Cmax is a value a sample could measure: after an IV injection it is read one mixing time later
(audit defect 8), while the plasma time series keeps the model's values."""

import numpy as np
import pytest

import kettutor
from kettutor import Patient, Regimen
from kettutor.solver.peaks import MIXING_TIME_H


def plasma_at(result, time_h):
    """The model's plasma concentration (mg/L) at ``time_h``, from a run sampled there."""
    index = np.flatnonzero(np.isclose(result.time_h, time_h, rtol=0.0, atol=1e-9))
    assert index.size == 1
    return result.plasma_mg_per_l[index[0]]


@pytest.mark.parametrize("weight_kg", [50.0, 110.0])
def test_iv_bolus_cmax_is_read_one_mixing_time_after_the_injection(weight_kg):
    """A 10 mg IV bolus: the reported Cmax is the plasma value 1 min after the injection (a few hundred
    ng/mL; measured 296 ng/mL at the first, 2-min sample, Pharmacotherapy 2022;42:298), not the dose / V1
    of the well-mixed central compartment at time zero, which stays in the time series."""
    patient = Patient(weight_kg=weight_kg)
    regimen = Regimen.single(dose_mg=10.0)
    result = kettutor.simulate(patient, regimen, days=1, dense_step_min=1.0)
    exposure = result.exposure()
    v1 = result._model.params.v1_l[0]
    assert result.plasma_mg_per_l[0] == pytest.approx(10.0 / v1)  # the time series is unchanged
    assert exposure.tmax_h == pytest.approx(MIXING_TIME_H)
    assert exposure.cmax_mg_per_l == pytest.approx(plasma_at(result, MIXING_TIME_H), rel=1e-12)
    assert exposure.cmax_mg_per_l < 0.5 * 10.0 / v1
    assert 0.1 < exposure.cmax_mg_per_l < 1.0  # mg/L: a few hundred ng/mL
    assert result.session_cmax_mg_per_l()[0] == exposure.cmax_mg_per_l


def test_repeated_boluses_report_each_session_after_mixing_and_do_not_depend_on_sampling():
    """Each session of a bolus course reports its plasma value one minute after its injection, including a
    session given at the last simulated time, whatever the output grid."""
    regimen = Regimen.repeated(dose_mg_per_kg=2.0, every_days=1, doses=3)
    fine = kettutor.simulate(Patient(), regimen, days=2, dense_step_min=1.0)
    coarse = kettutor.simulate(Patient(), regimen, days=2, dense_step_min=30.0, sparse_step_h=6.0)
    expected = [plasma_at(fine, start + MIXING_TIME_H) for start in regimen.session_start_h[:2]]
    cmax = fine.session_cmax_mg_per_l()
    np.testing.assert_allclose(cmax[:2], expected, rtol=1e-12)
    assert cmax[2] == pytest.approx(cmax[1], rel=0.05)  # the dose at the end is read 1 min after it, too
    np.testing.assert_allclose(coarse.session_cmax_mg_per_l(), cmax, rtol=1e-9)


def test_infusions_and_absorbed_doses_keep_their_exact_cmax():
    """A 40-min infusion peaks at its end, an intranasal dose at its exact interior maximum: the mixing
    time changes neither."""
    infusion = kettutor.simulate(Patient(), Regimen.single(dose_mg_per_kg=0.5, infusion_min=40), days=1)
    assert infusion.exposure().tmax_h == pytest.approx(40.0 / 60.0)
    assert infusion.exposure().cmax_mg_per_l == pytest.approx(plasma_at(infusion, 40.0 / 60.0), rel=1e-12)
    nasal = kettutor.simulate(Patient(), Regimen.single(dose_mg_per_kg=0.5, route="intranasal"), days=1, dense_step_min=0.5)
    assert nasal.exposure().cmax_mg_per_l == pytest.approx(nasal.plasma_mg_per_l.max(), rel=1e-4)
    assert nasal.exposure().tmax_h > 5 * MIXING_TIME_H
