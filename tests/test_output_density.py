"""Results do not depend on the output grid a user asks for (audit defect 9): the slow states' quadrature
panels come from fixed offsets after each dose, not from the output times."""

import numpy as np
import pytest

import kettutor
from kettutor import Patient, Regimen

GRIDS = {
    "default": {},
    "sparse (dense_window_h=0.5, sparse_step_h=24)": {"dense_window_h": 0.5, "sparse_step_h": 24.0},
    "no dense window (dense_window_h=0)": {"dense_window_h": 0.0},
    "hourly only (dense_step_min=60, dense_window_h=0, sparse_step_h=24)": {"dense_step_min": 60.0, "dense_window_h": 0.0, "sparse_step_h": 24.0},
}
REGIMENS = {
    "IM 0.75 mg/kg every 1.5 days x20, 50 kg": (
        Patient(weight_kg=50), Regimen.repeated(dose_mg_per_kg=0.75, route="im", every_days=1.5, doses=20), 40
    ),
    "IV 0.5 mg/kg over 40 min twice weekly x10, 110 kg": (
        Patient(weight_kg=110), Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=40, every_days=3.5, doses=10), 50
    ),
    "IV 0.3 mg/kg/h for 6 h every 2 days x8, 70 kg": (
        Patient(), Regimen.repeated(dose_mg_per_kg=1.8, infusion_min=360, every_days=2, doses=8), 25
    ),
}
SLOW_STATES = ("tolerance_fast", "tolerance_slow", "sensitization", "benefit", "dependence")
AGREEMENT = 1e-3  # of each quantity's range over the run


def summaries(patient, regimen, days, grid):
    """Per-session results and slow states at the start of every day (a time in every grid)."""
    result = kettutor.simulate(patient, regimen, days=days, **grid)
    daily = np.searchsorted(result.time_h, np.arange(days + 1) * 24.0)
    np.testing.assert_allclose(result.time_h[daily], np.arange(days + 1) * 24.0)
    out = {f"relative session peaks {e}": result.relative_session_peaks(e) for e in ("dissociation", "anesthesia", "locomotor")}
    out.update({f"session peaks {e}": result.session_peaks(e) for e in ("antidepressant", "craving")})
    out.update({name: result.slow_state(name)[daily] for name in SLOW_STATES})
    return out


@pytest.mark.parametrize("label", REGIMENS)
def test_session_peaks_and_slow_states_do_not_depend_on_the_output_grid(label):
    """Relative session peaks, the slow effects' session peaks, tolerance, sensitization, benefit and
    dependence agree within 1e-3 of their range on the default grid and on sparse ones (before the fixed
    offsets, a daily grid moved tolerance by a third)."""
    patient, regimen, days = REGIMENS[label]
    reference = summaries(patient, regimen, days, GRIDS["default"])
    for grid_label, grid in GRIDS.items():
        other = summaries(patient, regimen, days, grid)
        for name, values in reference.items():
            scale = max(np.ptp(np.append(values, 1.0 if name.startswith("relative") else 0.0)), 1e-9)
            assert np.abs(other[name] - values).max() <= AGREEMENT * scale, (grid_label, name)


def test_the_default_grid_agrees_with_a_much_finer_one():
    """The fixed offsets make the default grid as good as one sampled every minute and every 15 min."""
    patient, regimen, days = REGIMENS["IM 0.75 mg/kg every 1.5 days x20, 50 kg"]
    default = summaries(patient, regimen, days, {})
    fine = summaries(patient, regimen, days, {"dense_step_min": 1.0, "dense_window_h": 48.0, "sparse_step_h": 0.25})
    for name, values in fine.items():
        scale = max(np.ptp(np.append(values, 1.0 if name.startswith("relative") else 0.0)), 1e-9)
        assert np.abs(default[name] - values).max() <= AGREEMENT * scale, name
