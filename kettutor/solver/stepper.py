"""Session-by-session simulation that carries the exact state from one window to the next.

Dosing policies decide each dose from the responses so far, so they cannot be simulated in one call.
The stepper solves one window at a time with the same exact engine, starting from the state the
previous window ended in; stitched together, the windows equal one simulation of the realised regimen.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .engine import EngineOutput, Schedule, dosing_schedule, run
from .model import build_model
from ..patient import Patient
from ..regimen import DoseEvent, Regimen
from .result import SimulationResult
from .simulate import output_grid


class SessionStepper:
    """One patient, one route: give sessions (or none) window by window from the current state."""

    def __init__(self, patient: Patient, route: str, infusion_min: float | None = None, *, history: Regimen | None = None) -> None:
        """``history``: a regimen already given (its routes join the model; see :meth:`start_after`)."""
        self.patient = patient
        template = Regimen.single(dose_mg_per_kg=1.0, route=route, infusion_min=infusion_min)
        self.route, self.duration_h = template.events[0].route, template.events[0].duration_h
        if history is not None:  # the model needs the routes of the history: one dose of each route stands in for it
            one_per_route = {e.route: e for e in history.events}
            template = Regimen(tuple(sorted(one_per_route.values(), key=lambda e: e.time_h))) + template
        self.model = build_model([patient], template)
        self.time_h = 0.0
        self.fast_state = np.zeros((1, self.model.size))
        self.slow_state = self.model.slow_initial.copy()
        self.events: list[DoseEvent] = []

    def start_after(self, history: Regimen, at_h: float) -> None:
        """Set the state to where ``history`` (only its sessions before ``at_h``) leaves the patient at ``at_h``."""
        before = tuple(e for e in history.events if e.time_h < at_h)
        if not before:
            self.time_h = at_h
            return
        given = Regimen(before)
        schedule = dosing_schedule(self.model, given)
        grid = output_grid(given, at_h)
        self.commit(SimulationResult(self.patient, given, self.model, run(self.model, schedule, grid)), at_h)

    def window(self, dose_mg_per_kg: float | None, until_h: float, extra_h: np.ndarray | None = None) -> SimulationResult:
        """Solve from now to ``until_h`` with one session now (``None``: no dose), without committing."""
        if dose_mg_per_kg is None:
            regimen = None
            schedule = Schedule(
                np.array([self.time_h]), np.zeros((1, 1, self.model.size)), np.zeros((1, 1, self.model.size)), np.zeros((1, 1))
            )
        else:
            event = DoseEvent(self.time_h, float(dose_mg_per_kg), "mg/kg", self.route, self.duration_h, 0)
            regimen = Regimen((event,))
            schedule = dosing_schedule(self.model, regimen, start_h=self.time_h)
        grid = output_grid(regimen, until_h, start_h=self.time_h, extra_h=extra_h)
        output = run(self.model, schedule, grid, initial_state=self.fast_state, initial_slow=self.slow_state)
        return SimulationResult(self.patient, regimen, self.model, output)

    def commit(self, window: SimulationResult, at_h: float) -> None:
        """Advance the state to ``at_h`` (an output time of ``window``) and record its session."""
        output: EngineOutput = window._out
        index = int(np.searchsorted(output.time_h, at_h))
        if index >= output.time_h.size or not np.isclose(output.time_h[index], at_h):
            raise ValueError(f"commit time {at_h:g} h is not an output time of the window.")
        identity = np.eye(self.model.size)[None]
        self.fast_state = output.solver.output(identity, np.array([at_h]))[:, :, 0]
        self.slow_state = output.slow[:, :, index].copy()
        if window.regimen is not None:  # its sessions (numbered from 0) follow the sessions given so far
            offset = self.events[-1].session + 1 if self.events else 0
            self.events.extend(replace(e, session=e.session + offset) for e in window.regimen.events)
        self.time_h = float(at_h)

    def copy(self) -> "SessionStepper":
        """An independent stepper at the same time and state (the model is shared; it does not change)."""
        twin = object.__new__(SessionStepper)
        twin.__dict__.update(self.__dict__)
        twin.fast_state, twin.slow_state, twin.events = self.fast_state.copy(), self.slow_state.copy(), list(self.events)
        return twin

    def regimen(self) -> Regimen:
        """The sessions given so far, as a regimen."""
        return Regimen(tuple(self.events))
