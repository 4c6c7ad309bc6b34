"""Simulation results: concentrations, effects, session peaks, exposure summaries and tidy export."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..science.effects import EFFECT_NAMES, EFFECT_UNITS, check_effect
from .engine import EngineOutput
from .model import ACCUMULATORS, SLOW_STATES, LinearModel, tolerance_total
from ..patient import Patient
from .peaks import session_cmax, session_cmax_mg_per_l, session_peaks
from ..regimen import Regimen


@dataclass(frozen=True)
class Exposure:
    """Exposure summary of one patient over the simulated time (plasma, racemic or esketamine).

    ``cmax_mg_per_l`` is a plasma value a sample could measure: after an intravenous dose it is taken no
    earlier than one mixing time (:data:`kettutor.solver.peaks.MIXING_TIME_H`, 1 min) after the injection, not the
    instantaneous dose / V1 of the model's well-mixed central compartment. ``tmax_h`` counts from the first dose.

    >>> from kettutor import Patient, Regimen, simulate
    >>> oral = simulate(Patient(), Regimen.single(dose_mg=35, route="oral"), days=1).exposure()
    >>> oral.total_dose_mg, 0.1 < oral.absorbed_mg / oral.total_dose_mg < 0.4   # mg; oral F about 0.23
    (35.0, True)
    >>> 10 < 1000 * oral.cmax_mg_per_l < 100, 0.25 < oral.tmax_h < 2   # ng/mL, h
    (True, True)
    """

    cmax_mg_per_l: float
    tmax_h: float
    auc_mg_h_per_l: float
    norketamine_cmax_mg_per_l: float
    norketamine_auc_mg_h_per_l: float
    total_dose_mg: float
    absorbed_mg: float

    def __post_init__(self) -> None:
        from .._validate import check_number

        for field in ("cmax_mg_per_l", "tmax_h", "auc_mg_h_per_l", "norketamine_cmax_mg_per_l", "norketamine_auc_mg_h_per_l", "total_dose_mg", "absorbed_mg"):
            # rounding in the closed-form sums may leave a zero concentration a hair below zero: shown as 0
            value = max(check_number(field, getattr(self, field), "", low=-1e-9, low_inclusive=True), 0.0)
            object.__setattr__(self, field, value)


class SimulationResult:
    """What :func:`kettutor.simulate` returns for one patient; arrays are numpy, times in hours.

    Concentrations are in mg/L, effects in :data:`kettutor.EFFECT_UNITS` units.

    >>> from kettutor import Patient, Regimen, simulate
    >>> daily = Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=40, every_days=1, doses=7)
    >>> result = simulate(Patient(), daily, days=8)
    >>> result
    SimulationResult(typical adult, 7 sessions, 8.0 days; Cmax ... ng/mL)
    >>> relative = result.relative_session_peaks("dissociation")   # fraction of the first session's peak
    >>> bool(relative[-1] < 0.9)   # tolerance after a week of daily infusions
    True
    """

    def __init__(self, patient: Patient, regimen: Regimen, model: LinearModel, output: EngineOutput, index: int = 0):
        if not (isinstance(patient, Patient) and (regimen is None or isinstance(regimen, Regimen))):
            raise ValueError(
                "SimulationResult is made by kettutor.simulate(patient, regimen): patient must be a kettutor.Patient and regimen a "
                f"kettutor.Regimen; got {type(patient).__name__} and {type(regimen).__name__}."
            )
        if not (isinstance(model, LinearModel) and isinstance(output, EngineOutput)):
            raise ValueError(
                "SimulationResult is made by kettutor.simulate(patient, regimen): model must be the LinearModel and output the "
                f"EngineOutput of a simulation; got {type(model).__name__} and {type(output).__name__}."
            )
        self.patient = patient
        self.regimen = regimen
        self._model = model
        self._out = output
        self._i = index

    # ----- time series ----------------------------------------------------------------------------
    @property
    def time_h(self) -> np.ndarray:
        """Output times (h since the start of the simulation)."""
        return self._out.time_h

    @property
    def time_days(self) -> np.ndarray:
        """Output times (days)."""
        return self._out.time_h / 24.0

    @property
    def plasma_mg_per_l(self) -> np.ndarray:
        """Plasma concentration of the parent drug (mg/L = ug/mL)."""
        return self._out.fast["plasma_mg_per_l"][self._i]

    @property
    def effect_site_mg_per_l(self) -> np.ndarray:
        """Effect-site concentration, racemic-ketamine equivalent (mg/L)."""
        return self._out.fast["ce_mg_per_l"][self._i]

    @property
    def norketamine_mg_per_l(self) -> np.ndarray:
        """Plasma concentration of norketamine (mg/L)."""
        return self._out.fast["norketamine_mg_per_l"][self._i]

    @property
    def norketamine_effect_site_mg_per_l(self) -> np.ndarray:
        """Effect-site concentration of norketamine (mg/L); it drives no effect by default (Simons 2022)."""
        return self._out.fast["norketamine_ce_mg_per_l"][self._i]

    def amount_mg(self, state: str) -> np.ndarray:
        """Amount in one compartment (mg), e.g. 'central', 'gut', 'norketamine'."""
        names = self._model.state_names
        if not isinstance(state, str) or state not in names:
            from .._validate import check_choice

            check_choice("state", state, names)
        return self._out.amounts[self._i, names.index(state)]

    def accumulated(self, name: str) -> np.ndarray:
        """A running total: 'absorbed_mg', 'eliminated_mg', 'first_pass_mg', 'auc_ketamine_mg_h_per_l', ..."""
        if not isinstance(name, str) or name not in ACCUMULATORS:
            from .._validate import check_choice

            check_choice("running total", name, ACCUMULATORS)
        return self._out.accumulators[self._i, ACCUMULATORS.index(name)]

    def effect(self, name: str) -> np.ndarray:
        """Effect ``name`` over time, in :data:`kettutor.EFFECT_UNITS` units."""
        name = check_effect(name)
        i = slice(self._i, self._i + 1)
        return self._model.effect(name, self._out.fast["ce_mg_per_l"][i], self._out.slow[i])[0]

    # ----- per-session summaries ------------------------------------------------------------------
    @property
    def session_start_h(self) -> np.ndarray:
        """Start of each dosing session within the simulated time (h)."""
        starts = self.regimen.session_start_h
        return starts[starts <= self.time_h[-1]]

    def session_peaks(self, name: str) -> np.ndarray:
        """Peak of effect ``name`` in each session, from its start to the next session's start."""
        return session_peaks(self._model, self._out, self.session_start_h, name)[self._i]

    def slow_state(self, name: str) -> np.ndarray:
        """A slow state over time: 'tolerance_fast', 'tolerance_slow', 'sensitization', 'benefit', 'dependence', ..."""
        if not isinstance(name, str) or name not in SLOW_STATES:
            from .._validate import check_choice

            check_choice("slow state", name, SLOW_STATES)
        return self._out.slow[self._i, SLOW_STATES.index(name)]

    @property
    def tolerance(self) -> np.ndarray:
        """Total tolerance T = T_fast + T_slow + T_chronic over time (tolerance units: the stored state; the
        EC50 shift it expresses saturates, see :meth:`ec50_change_percent`)."""
        return tolerance_total(self._out.slow[self._i : self._i + 1])[0]

    def ec50_change_percent(self, effect: str) -> np.ndarray:
        """How far adaptation has moved ``effect``'s EC50 from this patient's own baseline over time (%):
        above 0 is tolerance (more drug needed), below 0 sensitization (less needed)."""
        effect = check_effect(effect)
        shift = self._model.ec50_shift(effect, self._out.slow[self._i : self._i + 1])[0]
        return 100.0 * (shift / self._model.params.ec50_scale[self._i] - 1.0)

    def relative_session_peaks(self, name: str) -> np.ndarray:
        """Session peaks as a fraction of the first session's peak (1.0 = same response as the first)."""
        peaks = self.session_peaks(name)
        if not peaks[0] > 0.0:
            raise ValueError(
                f"relative session peaks of effect {name!r} need a first session with a response (> 0); got a first-session "
                f"peak of {peaks[0]:g}."
            )
        return peaks / peaks[0]

    def session_cmax_mg_per_l(self) -> np.ndarray:
        """Peak plasma concentration in each session (mg/L), from one mixing time (1 min) after an IV
        injection on (see :class:`Exposure`)."""
        return session_cmax_mg_per_l(self._out, self.session_start_h)[self._i]

    def exposure(self) -> Exposure:
        """Cmax, Tmax and AUC over the simulated time for ketamine and norketamine (ketamine's Cmax and Tmax
        are exact maxima of the closed-form solution, from one mixing time after an IV injection on;
        norketamine's are sampled)."""
        out, i = self._out, self._i
        cmax, when = (values[self._i] for values in session_cmax(out, self.session_start_h))  # exact, per session
        peak = int(np.argmax(cmax))
        nk = np.concatenate([out.fast["norketamine_mg_per_l"][i], out.node_output("norketamine_mg_per_l")[i]])
        weight = self.patient.weight_kg
        return Exposure(
            cmax_mg_per_l=float(cmax[peak]),
            tmax_h=float(when[peak] - self.regimen.events[0].time_h),
            auc_mg_h_per_l=float(self.accumulated("auc_ketamine_mg_h_per_l")[-1]),
            norketamine_cmax_mg_per_l=float(nk.max()),
            norketamine_auc_mg_h_per_l=float(self.accumulated("auc_norketamine_mg_h_per_l")[-1]),
            total_dose_mg=float(sum(e.dose_mg(weight) for e in self.regimen.events if e.time_h <= self.time_h[-1])),
            absorbed_mg=float(self.accumulated("absorbed_mg")[-1]),
        )

    # ----- export ---------------------------------------------------------------------------------
    def to_dataframe(self, effects: tuple[str, ...] = EFFECT_NAMES):
        """Tidy long-form table: one row per time and quantity (columns time_h, time_days, quantity, value, unit)."""
        import pandas as pd

        from .._validate import check_sequence

        if isinstance(effects, str):
            raise ValueError(f"effects must be a tuple of effect names, e.g. ({effects!r},); got the string {effects!r}.")
        effects = tuple(check_effect(e) for e in check_sequence("effects", effects, "effect names", example="('dissociation',)"))
        series = {
            "plasma ketamine": (self.plasma_mg_per_l, "mg/L"),
            "effect-site ketamine": (self.effect_site_mg_per_l, "mg/L"),
            "plasma norketamine": (self.norketamine_mg_per_l, "mg/L"),
            "effect-site norketamine": (self.norketamine_effect_site_mg_per_l, "mg/L"),
        }
        for name in effects:
            series[name] = (self.effect(name), EFFECT_UNITS[check_effect(name)])
        frames = [
            pd.DataFrame({"time_h": self.time_h, "time_days": self.time_days, "quantity": q, "value": v, "unit": u})
            for q, (v, u) in series.items()
        ]
        return pd.concat(frames, ignore_index=True)

    def __repr__(self) -> str:
        exposure = self.exposure()
        return (
            f"SimulationResult({self.patient.name}, {self.regimen.session_count} sessions, "
            f"{self.time_h[-1] / 24:.1f} days; Cmax {exposure.cmax_mg_per_l * 1000:.0f} ng/mL)"
        )
