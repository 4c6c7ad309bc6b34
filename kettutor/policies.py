"""Dosing policies that react to the simulated response, session by session.

- :func:`escalating_use`: a user who raises the dose whenever a session's response falls below the first
  session's, up to a cap (E1). It shows how tolerance drives escalation and what exposure follows.
- :func:`titrate_to_response`: a clinician starting low and stepping up until the antidepressant
  response reaches a target (P2).
- :func:`extend_interval_while_benefit_holds`: a clinician lengthening the interval while the
  antidepressant benefit at the next planned session would still be above a threshold (P3, P4).

These are models of behaviour for teaching, not dosing advice.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validate import check_count, check_instance, check_number, shown
from .science.effects import check_effect
from .patient import Patient
from .regimen import HOURS_PER_DAY, MAX_DOSE_MG_PER_KG, MAX_INTERVAL_DAYS, Regimen, check_dose
from .solver.result import SimulationResult
from .solver.simulate import MAX_SIMULATED_DAYS, simulate
from .solver.stepper import SessionStepper

FOLLOW_UP_DAYS = 7.0
# Harm markers shown next to escalation outcomes (educational, not thresholds of safety):
# a session whose anaesthesia effect peaks at >= 50 %, the level at which the model's anaesthesia EC50
# (anaesthesia above ~1 ug/mL: 1972 GC assay paper; Zanos 2018: 1.2-2.4), shifted by the patient's own
# sensitivity and tolerance, is reached: half of patients at that effect-site level would be unconscious.
ANAESTHETIC_PEAK_PERCENT = 50.0
BLADDER_HARM_MG_PER_DAY = 1000.0  # users with bladder symptoms took 3 +/- 2 g/day, mostly daily; symptom-free
# users ~1 g/day at weekends only (Garcia-Larrosa et al. 2012 Actas Urol Esp 36:60). Marker: daily >= 1 g.


@dataclass(frozen=True)
class PolicyOutcome:
    """What a policy did, session by session, and the full simulation of the regimen it produced.

    Session starts are in h, doses in mg/kg (``doses_mg``: mg), responses in the unit of ``effect``.

    >>> from kettutor import escalating_use
    >>> outcome = escalating_use(sessions=7)   # a week of daily nasal use from 0.5 mg/kg
    >>> outcome.policy, outcome.effect, len(outcome.doses_mg_per_kg)
    ('escalating use', 'dissociation', 7)
    >>> float(outcome.doses_mg[0])   # mg: the first 0.5 mg/kg dose of a 70 kg adult
    35.0
    >>> any(outcome.harms().values())   # no harm marker reached in a week
    False
    """

    policy: str
    session_start_h: np.ndarray
    doses_mg_per_kg: np.ndarray
    responses: np.ndarray  # per-session peak of ``effect``
    effect: str
    regimen: Regimen
    result: SimulationResult
    reached_limit: bool
    limit_session: int | None  # 1-based session at which the limit was first reached
    message: str

    def __post_init__(self) -> None:
        if not isinstance(self.result, SimulationResult) or not isinstance(self.regimen, Regimen):
            raise ValueError(
                "PolicyOutcome is made by a policy such as kettutor.escalating_use(): result must be a kettutor.SimulationResult "
                f"and regimen a kettutor.Regimen; got {type(self.result).__name__} and {type(self.regimen).__name__}."
            )
        sessions = len(self.regimen.session_start_h)
        for name in ("session_start_h", "doses_mg_per_kg", "responses"):
            value = getattr(self, name)
            if not isinstance(value, np.ndarray) or value.shape != (sessions,) or not np.all(np.isfinite(value)):
                raise ValueError(f"PolicyOutcome: {name} must be a finite array with one value per session ({sessions}); got {shown(value)}.")
        check_effect(self.effect)

    @property
    def doses_mg(self) -> np.ndarray:
        """Doses in mg for this patient."""
        return self.doses_mg_per_kg * self.result.patient.weight_kg

    def weekly_dose_mg(self) -> float:
        """Drug taken in the last 7 days of the course (mg)."""
        last = self.session_start_h[-1]
        recent = self.session_start_h > last - 7 * HOURS_PER_DAY
        return float(self.doses_mg[recent].sum())

    def harms(self) -> dict[str, bool]:
        """Which harm markers the course reached: an anaesthesia effect peak of at least
        ``ANAESTHETIC_PEAK_PERCENT`` (%) in any session, and a daily intake of at least
        ``BLADDER_HARM_MG_PER_DAY`` (mg/day) over the course or its last week, in a course of a week or more."""
        days = (self.session_start_h[-1] - self.session_start_h[0]) / HOURS_PER_DAY + 1
        daily_mg = self.doses_mg.sum() / max(days, 1.0)
        last_week_daily_mg = self.weekly_dose_mg() / 7.0
        return {
            "anaesthetic-level peak (unintended unconsciousness)": bool(
                self.result.session_peaks("anesthesia").max() >= ANAESTHETIC_PEAK_PERCENT
            ),
            "daily intake in the bladder-damage range (>= 1 g/day)": bool(
                max(daily_mg, last_week_daily_mg) >= BLADDER_HARM_MG_PER_DAY and days >= 7
            ),
        }


MAX_POLICY_SESSIONS = 3650  # sessions one policy gives (each is solved on its own, ~2 ms)


def _check_patient(patient: object) -> Patient:
    """``patient`` (None: a typical adult) as a :class:`Patient`."""
    if patient is None:
        return Patient()
    return check_instance("patient", patient, Patient, "kettutor.Patient(weight_kg=60)")


def _check_route_dose(route: str, infusion_min: float | None) -> None:
    if route == "esketamine_nasal_spray":
        raise ValueError(
            "route must be a racemic ketamine route for a dosing policy, which changes the dose in mg/kg from session to "
            "session; the esketamine nasal spray comes in whole 28 mg devices (simulate Regimen.esketamine_spray instead); "
            "got route='esketamine_nasal_spray'."
        )
    Regimen.single(dose_mg_per_kg=1.0, route=route, infusion_min=infusion_min)  # validates route and infusion


def _check_course(sessions: int, interval_h: float) -> None:
    """A policy's course must fit the longest simulation: sessions x every_days <= MAX_SIMULATED_DAYS."""
    course_days = sessions * interval_h / HOURS_PER_DAY
    if course_days > MAX_SIMULATED_DAYS:
        raise ValueError(
            f"sessions x every_days must be <= {MAX_SIMULATED_DAYS:g} days (the longest course simulated); got {sessions} "
            f"sessions x {interval_h / HOURS_PER_DAY:g} days = {course_days:g} days."
        )


def _check_dose_ladder(start: float, step: float, top: float, top_name: str) -> tuple[float, float, float]:
    """Validate a starting dose, a step and a ceiling (all mg/kg); the ceiling may not lie below the start."""
    start = check_dose("start_dose_mg_per_kg", start)
    step = check_number("step_mg_per_kg", step, "mg/kg", low=0.0, high=MAX_DOSE_MG_PER_KG)
    top = check_dose(top_name, top)
    if top < start:
        raise ValueError(f"{top_name} must be >= start_dose_mg_per_kg ({start:g} mg/kg); got {top:g} mg/kg.")
    return start, step, top


class _SessionLog:
    """Gives sessions through a stepper and records their start, dose and peak response."""

    def __init__(self, stepper: SessionStepper, effect: str) -> None:
        self.stepper, self.effect = stepper, effect
        self.starts: list[float] = []
        self.doses: list[float] = []
        self.responses: list[float] = []

    def give(self, dose: float, until_h: float, extra_h: np.ndarray | None = None) -> SimulationResult:
        """Give ``dose`` now, record its peak; returns the window (solved up to ``until_h``, not committed)."""
        window = self.stepper.window(dose, until_h, extra_h=extra_h)
        self.starts.append(self.stepper.time_h)
        self.doses.append(dose)
        self.responses.append(float(window.session_peaks(self.effect)[0]))
        return window


def _finish(policy: str, log: _SessionLog, reached: bool, limit_session: int | None, message: str) -> PolicyOutcome:
    regimen = log.stepper.regimen()
    days = min(regimen.end_h / HOURS_PER_DAY + FOLLOW_UP_DAYS, MAX_SIMULATED_DAYS)  # follow-up within the longest run
    return PolicyOutcome(
        policy=policy,
        session_start_h=np.array(log.starts),
        doses_mg_per_kg=np.array(log.doses),
        responses=np.array(log.responses),
        effect=log.effect,
        regimen=regimen,
        result=simulate(log.stepper.patient, regimen, days=days),
        reached_limit=reached,
        limit_session=limit_session,
        message=message,
    )


def escalating_use(
    patient: Patient | None = None,
    *,
    start_dose_mg_per_kg: float = 0.5,
    step_mg_per_kg: float = 0.25,
    cap_mg_per_kg: float = 4.0,
    every_days: float = 1.0,
    sessions: int = 60,
    route: str = "intranasal",
    infusion_min: float | None = None,
    effect: str = "dissociation",
    satisfied_fraction: float = 0.95,
) -> PolicyOutcome:
    """A user chasing the first session's effect (E1).

    After each session, if its peak ``effect`` fell below ``satisfied_fraction`` of the first session's,
    the next dose is ``step_mg_per_kg`` higher, never above ``cap_mg_per_kg``. Reaching the cap stops
    the escalation, and the outcome says so. Doses are in mg/kg, ``every_days`` in days.

    >>> from kettutor import escalating_use
    >>> outcome = escalating_use(sessions=14)   # two weeks of daily nasal use from 0.5 mg/kg
    >>> bool(outcome.doses_mg_per_kg[-1] > outcome.doses_mg_per_kg[0])   # the dose (mg/kg) climbed
    True
    >>> print(outcome.message)
    To chase the first session's effect, the intranasal dose climbed from 0.5 to ... mg/kg ...
    """
    patient = _check_patient(patient)
    effect = check_effect(effect)
    start, step, cap = _check_dose_ladder(start_dose_mg_per_kg, step_mg_per_kg, cap_mg_per_kg, "cap_mg_per_kg")
    interval_h = check_number("every_days", every_days, "days", low=0.0, high=MAX_INTERVAL_DAYS) * HOURS_PER_DAY
    count = check_count("sessions", sessions, low=1, high=MAX_POLICY_SESSIONS)
    _check_course(count, interval_h)
    satisfied = check_number("satisfied_fraction", satisfied_fraction, "fraction of the first response", low=0.0, high=1.0)
    _check_route_dose(route, infusion_min)

    log = _SessionLog(SessionStepper(patient, route, infusion_min), effect)
    dose, limit_session = start, None
    for number in range(1, count + 1):
        next_h = log.stepper.time_h + interval_h
        log.stepper.commit(log.give(dose, next_h), next_h)
        if log.responses[-1] < satisfied * log.responses[0]:
            if dose >= cap and limit_session is None:
                limit_session = number
            dose = min(dose + step, cap)
    if limit_session is not None:
        message = (
            f"The dose reached its cap of {cap:g} mg/kg and the response kept falling: escalation stopped at "
            f"session {limit_session}. In life, this is where harms pile up."
        )
    else:
        message = _escalation_summary(start, log, count, route)
    return _finish("escalating use", log, limit_session is not None, limit_session, message)


def _escalation_summary(start: float, log: _SessionLog, count: int, route: str) -> str:
    """What chasing the first effect did, in one or two sentences a learner can read."""
    first, last = log.responses[0], log.responses[-1]
    if log.doses[-1] <= start:
        return (
            f"The {route} dose stayed at {start:g} mg/kg for all {count} sessions: the response never fell below the "
            f"threshold that triggers a step up (last session {last:.0f} % of maximum against {first:.0f} % at first)."
        )
    raised = next(i for i, dose in enumerate(log.doses) if dose > start) + 1
    return (
        f"To chase the first session's effect, the {route} dose climbed from {start:g} to {log.doses[-1]:g} mg/kg "
        f"({log.doses[-1] / start:.1f} times the first dose) over {count} sessions, first raised at session {raised}; "
        f"the response went from {first:.0f} % to {last:.0f} % of maximum."
    )


def titrate_to_response(
    patient: Patient | None = None,
    *,
    start_dose_mg_per_kg: float = 0.2,
    step_mg_per_kg: float = 0.1,
    max_dose_mg_per_kg: float = 1.0,
    target_percent: float = 40.0,
    every_days: float = 3.5,
    sessions: int = 6,
    route: str = "iv_infusion",
    infusion_min: float | None = 40.0,
) -> PolicyOutcome:
    """Start low and raise the dose after each session whose antidepressant response stayed below
    ``target_percent`` of the maximal antidepressant effect (P2); hold it once the target is reached.
    Doses are in mg/kg, ``every_days`` in days.

    >>> from kettutor import titrate_to_response
    >>> outcome = titrate_to_response(target_percent=65, sessions=4)   # from 0.2 mg/kg, +0.1 mg/kg per session
    >>> outcome.reached_limit, bool(outcome.doses_mg_per_kg[-1] > outcome.doses_mg_per_kg[0])
    (True, True)
    >>> print(outcome.message)
    Target reached at session ... with ... mg/kg.
    """
    patient = _check_patient(patient)
    start, step, top = _check_dose_ladder(start_dose_mg_per_kg, step_mg_per_kg, max_dose_mg_per_kg, "max_dose_mg_per_kg")
    target = check_number("target_percent", target_percent, "% of the maximal antidepressant effect", low=0.0, high=100.0)
    interval_h = check_number("every_days", every_days, "days", low=0.0, high=MAX_INTERVAL_DAYS) * HOURS_PER_DAY
    count = check_count("sessions", sessions, low=1, high=MAX_POLICY_SESSIONS)
    _check_course(count, interval_h)
    _check_route_dose(route, infusion_min)

    log = _SessionLog(SessionStepper(patient, route, infusion_min), "antidepressant")
    g_max = log.stepper.model.pd.antidepressant_max_g
    dose, reached_at = start, None
    for number in range(1, count + 1):
        next_h = log.stepper.time_h + interval_h
        log.stepper.commit(log.give(dose, next_h), next_h)
        if 100.0 * log.responses[-1] / g_max >= target:
            reached_at = reached_at or number
        else:
            dose = min(dose + step, top)
    message = (
        f"Target reached at session {reached_at} with {log.doses[reached_at - 1]:g} mg/kg."
        if reached_at
        else f"Target not reached in {count} sessions; the dose went up to {log.doses[-1]:g} mg/kg."
    )
    return _finish("titration to response", log, reached_at is not None, reached_at, message)


def extend_interval_while_benefit_holds(
    patient: Patient | None = None,
    *,
    dose_mg_per_kg: float = 0.5,
    start_every_days: float = 3.5,
    step_days: float = 3.5,
    max_every_days: float = 28.0,
    threshold_percent: float = 30.0,
    course_days: float = 168.0,
    route: str = "iv_infusion",
    infusion_min: float | None = 40.0,
) -> PolicyOutcome:
    """Lengthen the interval by ``step_days`` whenever the antidepressant effect would still be at least
    ``threshold_percent`` of its maximum at the later date (30 %: g ~0.4, about a week after one standard
    infusion); otherwise keep it, or shorten it back towards ``start_every_days`` (P3). An adjunct therapy
    (``Patient(adjunct_therapy=...)``) slows the fading (P4). Intervals and ``course_days`` are in days,
    the dose in mg/kg.

    >>> import numpy as np
    >>> from kettutor import extend_interval_while_benefit_holds
    >>> outcome = extend_interval_while_benefit_holds(course_days=84)   # 0.5 mg/kg over 40 min for 12 weeks
    >>> intervals_days = np.diff(outcome.session_start_h) / 24   # days between sessions
    >>> bool(intervals_days.max() > 3.5)   # the benefit held, so the interval grew
    True
    >>> "the interval grew to" in outcome.message
    True
    """
    patient = _check_patient(patient)
    dose = check_dose("dose_mg_per_kg", dose_mg_per_kg)
    shortest = check_number("start_every_days", start_every_days, "days", low=0.0, high=MAX_INTERVAL_DAYS)
    step = check_number("step_days", step_days, "days", low=0.0, high=MAX_INTERVAL_DAYS)
    longest = check_number("max_every_days", max_every_days, "days", low=0.0, high=MAX_INTERVAL_DAYS)
    if longest < shortest:
        raise ValueError(f"max_every_days must be >= start_every_days ({shortest:g} days); got {longest:g} days.")
    threshold = check_number("threshold_percent", threshold_percent, "% of the maximal antidepressant effect", low=0.0, high=100.0)
    course_h = check_number("course_days", course_days, "days", low=0.0, high=MAX_SIMULATED_DAYS) * HOURS_PER_DAY
    most = course_h / HOURS_PER_DAY / shortest  # sessions if the interval never grew
    if most > MAX_POLICY_SESSIONS:
        raise ValueError(
            f"course_days / start_every_days must be <= {MAX_POLICY_SESSIONS} sessions (the most a policy gives); got "
            f"{course_h / HOURS_PER_DAY:g} days / {shortest:g} days = {most:.6g} sessions. Lengthen start_every_days to at least "
            f"{course_h / HOURS_PER_DAY / MAX_POLICY_SESSIONS:g} days or shorten course_days."
        )
    _check_route_dose(route, infusion_min)

    log = _SessionLog(SessionStepper(patient, route, infusion_min), "antidepressant")
    g_floor = threshold / 100.0 * log.stepper.model.pd.antidepressant_max_g
    interval = shortest
    for _ in range(MAX_POLICY_SESSIONS + 1):  # bounded: each session advances by at least start_every_days
        if log.stepper.time_h >= course_h:
            break
        options = sorted({min(interval + step, longest), interval, max(interval - step, shortest)}, reverse=True)
        candidates = log.stepper.time_h + np.array(options) * HOURS_PER_DAY
        window = log.give(dose, candidates[0], extra_h=candidates)
        g = window.effect("antidepressant")
        held = [days for days, t in zip(options, candidates) if np.interp(t, window.time_h, g) >= g_floor]
        interval = held[0] if held else shortest
        log.stepper.commit(window, log.stepper.time_h + interval * HOURS_PER_DAY)
    intervals = np.diff(log.starts) / HOURS_PER_DAY
    reached = bool(intervals.size and intervals.max() >= longest)
    message = f"{len(log.starts)} sessions in {course_h / HOURS_PER_DAY:g} days; the interval grew to {intervals.max() if intervals.size else shortest:g} days."
    first_max = int(np.argmax(intervals >= longest)) + 2 if reached else None
    return _finish("extend interval while benefit holds", log, reached, first_max, message)


__all__ = [
    "ANAESTHETIC_PEAK_PERCENT",
    "BLADDER_HARM_MG_PER_DAY",
    "PolicyOutcome",
    "escalating_use",
    "extend_interval_while_benefit_holds",
    "titrate_to_response",
]
