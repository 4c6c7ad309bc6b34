"""Mystery patients (P5): a falling response whose cause the learner must find in the data.

Each case is a patient on at-home oral ketamine (1.5 mg/kg twice weekly) whose benefit fades. The hidden
cause is one of:

- ``true_tolerance``: the patient started taking extra doses; the log shows dosing twice a day, blood
  levels per dose stay the same, and dissociation per dose falls steadily.
- ``missed_doses``: sessions are skipped (gaps in the log); taken doses give normal levels and effects.
- ``new_inducer``: a CYP inducer (rifampicin) was started; blood levels collapse from one visit on, and
  with them every effect (first-pass metabolism, K5).
- ``new_benzodiazepine``: a benzodiazepine (above 8 mg diazepam-equivalent a day) was started; levels and
  dissociation are unchanged, but the
  depression score jumps up from one visit on (Andrashko 2020; Feeney 2023).
- ``worsening_illness``: the illness itself worsens; levels, dissociation and the drug's benefit are
  unchanged while the depression score drifts up week after week.

The depression score is a MADRS-like scale: a baseline severity of 32 minus about 10 points per unit of
antidepressant effect size (illustrative), with measurement noise.
This is a teaching device, not a diagnostic tool.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validate import check_choice
from ..solver.cohort import Cohort, _generator
from ..regimen import HOURS_PER_DAY
from ..solver.stepper import SessionStepper

CAUSES = ("true_tolerance", "missed_doses", "new_inducer", "new_benzodiazepine", "worsening_illness")
DOSE_MG_PER_KG = 1.5
SESSIONS = 24
INTERVAL_DAYS = 3.5
BASELINE_SCORE = 32.0  # severe depression on a MADRS-like scale
POINTS_PER_G = 10.0  # illustrative: MADRS SD 6-10 points in depression trials
WORSENING_POINTS_PER_WEEK = 1.5  # illustrative

SIGNATURES = {
    "true_tolerance": "more frequent dosing in the log; same blood level per dose; dissociation per dose falling steadily",
    "missed_doses": "gaps in the dosing log; normal levels and effects whenever a dose is taken",
    "new_inducer": "blood levels per dose fall abruptly at one visit, and every effect with them",
    "new_benzodiazepine": "levels and dissociation unchanged; the depression score steps up at one visit",
    "worsening_illness": "levels, dissociation and dosing unchanged; the depression score drifts up week by week",
}


@dataclass(frozen=True)
class CaseRecord:
    """A clinic record: one row per planned visit. The cause is hidden until :meth:`reveal`."""

    patient_summary: str
    day: np.ndarray
    dose_taken_mg: np.ndarray  # 0 for a missed dose; doses between visits are added to the visit's total
    doses_since_last_visit: np.ndarray
    plasma_peak_ng_per_ml: np.ndarray  # NaN when no dose was taken at the visit
    dissociation_percent: np.ndarray  # NaN when no dose was taken at the visit
    depression_score: np.ndarray  # before the visit's dose
    change_visit: int  # first visit after the change (0-based)
    _cause: str

    def reveal(self) -> str:
        """The hidden cause."""
        return self._cause

    def signature(self) -> str:
        """What distinguishes this cause in the data."""
        return SIGNATURES[self._cause]

    def to_dataframe(self):
        """The record as a table (one row per visit)."""
        import pandas as pd

        return pd.DataFrame(
            {
                "visit": np.arange(1, self.day.size + 1),
                "day": self.day,
                "doses since last visit": self.doses_since_last_visit,
                "dose taken at visit (mg)": self.dose_taken_mg,
                "peak plasma level (ng/mL)": self.plasma_peak_ng_per_ml.round(0),
                "dissociation (%)": self.dissociation_percent.round(0),
                "depression score": self.depression_score.round(0),
            }
        )


def mystery_patient(cause: str | None = None, *, seed: int | np.random.Generator) -> CaseRecord:
    """Generate a reproducible case record; ``cause=None`` draws one of :data:`CAUSES` at random.

    The record has one row per visit (every 3.5 days): doses in mg, peak plasma levels in ng/mL,
    dissociation in % of maximal effect and a MADRS-like depression score (points).

    >>> from kettutor import mystery_patient
    >>> case = mystery_patient("new_inducer", seed=1)
    >>> case.to_dataframe().shape   # 24 visits, 7 columns
    (24, 7)
    >>> before = case.plasma_peak_ng_per_ml[: case.change_visit].mean()   # ng/mL
    >>> after = case.plasma_peak_ng_per_ml[case.change_visit :].mean()
    >>> bool(after < before / 2)   # blood levels per dose collapse from one visit on
    True
    >>> case.reveal()
    'new_inducer'
    """
    rng = _generator(seed)
    cause = CAUSES[int(rng.integers(len(CAUSES)))] if cause is None else check_choice("cause", cause, CAUSES)
    patient = Cohort.sample(1, seed=rng).patients[0]
    change = int(rng.integers(7, 11))
    dose = DOSE_MG_PER_KG
    stepper = SessionStepper(patient, "oral")
    interval_h = INTERVAL_DAYS * HOURS_PER_DAY
    rows = {key: [] for key in ("day", "taken", "extra", "cmax", "dissociation", "g")}
    for visit in range(SESSIONS):
        if visit == change and cause in ("new_inducer", "new_benzodiazepine"):
            stepper = _switch_patient(
                stepper, patient, "rifampicin" if cause == "new_inducer" else "benzodiazepine_high_dose"
            )
        visit_h = visit * interval_h
        g_before = _antidepressant_now(stepper)
        take = not (cause == "missed_doses" and visit >= change and rng.random() < 0.5)
        extra_doses = 6 if (cause == "true_tolerance" and visit >= change - 4) else 0  # twice-daily use between visits
        times = [visit_h + (j + 1) * interval_h / (extra_doses + 1) for j in range(extra_doses)] + [visit_h + interval_h]
        window = stepper.window(dose if take else None, times[0])
        rows["day"].append(visit_h / HOURS_PER_DAY)
        rows["taken"].append(take)
        rows["extra"].append(extra_doses)
        rows["g"].append(g_before)
        rows["cmax"].append(float(window.session_cmax_mg_per_l()[0]) * 1000 if take else np.nan)
        rows["dissociation"].append(float(window.session_peaks("dissociation")[0]) if take else np.nan)
        stepper.commit(window, times[0])
        for stop in times[1:]:  # the extra doses at home, each window ending at the next dose
            stepper.commit(stepper.window(dose, stop), stop)
    weeks_worse = np.maximum(np.array(rows["day"]) - rows["day"][change], 0.0) / 7.0 if cause == "worsening_illness" else 0.0
    severity = BASELINE_SCORE + WORSENING_POINTS_PER_WEEK * weeks_worse
    score = severity - POINTS_PER_G * np.array(rows["g"]) + rng.normal(0.0, 1.5, SESSIONS)
    cmax = np.array(rows["cmax"]) * rng.lognormal(0.0, 0.1, SESSIONS)  # assay and sampling-time noise
    dissociation = np.clip(np.array(rows["dissociation"]) + rng.normal(0.0, 1.0, SESSIONS), 0.0, 100.0)
    taken = np.array(rows["taken"])
    return CaseRecord(
        patient_summary=f"{patient.sex}, {patient.age_years:.0f} years, {patient.weight_kg:.0f} kg; oral ketamine "
        f"{dose:g} mg/kg planned every {INTERVAL_DAYS:g} days",
        day=np.array(rows["day"]),
        dose_taken_mg=np.where(taken, dose * patient.weight_kg, 0.0),
        doses_since_last_visit=np.array(rows["extra"]),
        plasma_peak_ng_per_ml=cmax,
        dissociation_percent=dissociation,
        depression_score=np.clip(score, 0.0, 60.0),
        change_visit=change,
        _cause=cause,
    )


def _antidepressant_now(stepper: SessionStepper) -> float:
    """Antidepressant effect size at the stepper's current time (before the visit's dose)."""
    slow = stepper.slow_state[:, :, None]
    return float(stepper.model.effect("antidepressant", np.zeros((1, 1)), slow)[0, 0])


def _switch_patient(stepper: SessionStepper, patient, comedication: str) -> SessionStepper:
    """A stepper for the same patient now also taking ``comedication``, continuing from the current state."""
    switched = SessionStepper(patient.with_comedication(comedication), stepper.route)
    switched.time_h, switched.fast_state, switched.slow_state = stepper.time_h, stepper.fast_state, stepper.slow_state
    switched.events = list(stepper.events)
    return switched
