"""Derived quantities for lessons: dose-response on any day, the dose that restores the first response,
and the time to recover after a course.

Each is measured the way a clinician would: by giving the simulated patient a *probe session* on a chosen day,
after the regimen's earlier sessions, and reading the session's peak. Nothing is computed from the adaptation
states directly.

The probe repeats the form of the regimen's first dose: its route and, for an IV infusion, its infusion time. A
session longer than :data:`MAX_PROBE_INFUSION_H` (a continuous infusion) is probed with its first day: the same
rate for 24 h, the longest infusion one session can give. A probe's peak is read from its start until
:data:`PROBE_READ_H` after its dosing ends. Probe doses are in mg/kg per probe session.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from scipy.optimize import brentq

from ._validate import check_instance, check_number, check_sequence
from .science.effects import check_effect
from .patient import Patient
from .regimen import HOURS_PER_DAY, MAX_DOSE_MG_PER_KG, MAX_RATE_MG_PER_KG_PER_H, MIN_DOSE_MG_PER_KG, Regimen, check_dose
from .solver.stepper import SessionStepper

DEFAULT_PROBE_DOSES_MG_PER_KG = np.array([0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0])
MAX_PROBE_INFUSION_H = 24.0  # longest probe infusion: one day, the longest infusion a single session may give
PROBE_READ_H = 24.0  # a probe's peak is read until this long after its dosing ends
# Recovery probes start this long after the last dose ends, so that they measure adaptation, not leftover
# drug: ketamine's elimination half-life is about 2.5 h (Ketalar label), so a day is about ten half-lives.
PROBE_WASHOUT_DAYS = 1.0
RECOVERY_RESOLUTION_DAYS = 0.1
SMALLEST_PROBE_DOSE_MG_PER_KG = 1e-4  # lower end of the search for the dose that restores the first response
MAX_PROBE_DOSES = 1000  # probe doses in one dose-response curve (each is a simulation)
MAX_PROBE_DOSE_MG_PER_KG = MAX_DOSE_MG_PER_KG + MAX_RATE_MG_PER_KG_PER_H * MAX_PROBE_INFUSION_H  # a day at the largest rate
CHALLENGE_READ_DAYS = 2.0  # a challenge's peak is read within this many days of its start


@dataclass(frozen=True)
class ProbeForm:
    """How probe sessions of a regimen are given: route, infusion time (h, 0 for a bolus or depot dose) and
    the probe's dose per mg/kg of the first session's dose (below 1 when a long infusion is cut to a day)."""

    route: str
    duration_h: float
    dose_scale: float


def _check_inputs(patient: object, regimen: object, name: str = "regimen") -> None:
    check_instance("patient", patient, Patient, "kettutor.Patient()")
    check_instance(name, regimen, Regimen, "kettutor.Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=40, every_days=7, doses=4)")


def probe_form(regimen: Regimen) -> ProbeForm:
    """The form of ``regimen``'s probe sessions (see the module docstring)."""
    first = regimen.events[0]
    if first.route == "esketamine_nasal_spray":
        raise ValueError(
            "regimen must give racemic ketamine by a route whose dose can vary: probe sessions change the dose in mg/kg, "
            "and the esketamine nasal spray comes in whole 28 mg devices; got an esketamine_nasal_spray regimen."
        )
    if first.duration_h > MAX_PROBE_INFUSION_H:
        return ProbeForm(first.route, MAX_PROBE_INFUSION_H, MAX_PROBE_INFUSION_H / first.duration_h)
    return ProbeForm(first.route, first.duration_h, 1.0)


def _probe_stepper(patient: Patient, regimen: Regimen, at_h: float) -> SessionStepper:
    """A stepper holding the state ``regimen``'s doses before ``at_h`` (h) leave the patient in at ``at_h``."""
    form = probe_form(regimen)
    for e in regimen.events:
        if e.time_h < at_h < e.time_h + e.duration_h:
            raise ValueError(
                f"day must not fall during one of the regimen's infusions (day {e.time_h / HOURS_PER_DAY:g} to "
                f"{(e.time_h + e.duration_h) / HOURS_PER_DAY:g}): a probe session is given before it starts or after it "
                f"ends; got day {at_h / HOURS_PER_DAY:g}."
            )
    stepper = SessionStepper(patient, form.route, form.duration_h * 60.0 if form.duration_h else None, history=regimen)
    stepper.start_after(regimen, at_h)
    return stepper


def _check_day(day: float) -> float:
    """``day`` (days) in hours."""
    return check_number("day", day, "days", low=0.0, high=3650.0, low_inclusive=True) * HOURS_PER_DAY


def _probe_response(stepper: SessionStepper, effect: str, dose_mg_per_kg: float) -> float:
    """Peak ``effect`` of a probe session of ``dose_mg_per_kg`` given now (the stepper is not advanced)."""
    window = stepper.window(dose_mg_per_kg, stepper.time_h + stepper.duration_h + PROBE_READ_H)
    return float(window.session_peaks(effect)[0])


def _probe_dose(patient: Patient, regimen: Regimen) -> float:
    """The probe dose that repeats the first session (mg/kg per probe session), within the constructors' range."""
    dose = first_dose_mg_per_kg(patient, regimen) * probe_form(regimen).dose_scale
    if not MIN_DOSE_MG_PER_KG <= dose <= MAX_PROBE_DOSE_MG_PER_KG:
        raise ValueError(
            f"regimen's first session must give between {MIN_DOSE_MG_PER_KG:g} and {MAX_PROBE_DOSE_MG_PER_KG:g} mg/kg per probe "
            f"session to be repeated as a probe; got {dose:g} mg/kg."
        )
    return dose


def first_dose_mg_per_kg(patient: Patient, regimen: Regimen) -> float:
    """The first session's dose in mg/kg (summed over its events)."""
    first = [e for e in regimen.events if e.session == 0]
    return sum(e.dose_mg_per_kg(patient.weight_kg) for e in first)


def dose_response(
    patient: Patient,
    regimen: Regimen,
    *,
    day: float,
    effect: str = "dissociation",
    doses_mg_per_kg: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Peak ``effect`` of probe sessions on ``day`` of ``regimen``, for each dose (mg/kg per probe session).

    Day 0 gives the naive curve; a later day shows the curve shifted right by tolerance (or left by
    sensitization). ``day`` is in days from the start of the regimen. Returns ``(doses_mg_per_kg, responses)``,
    responses in the effect's unit (:data:`kettutor.EFFECT_UNITS`).

    >>> from kettutor import Patient, Regimen, dose_response
    >>> daily = Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=40, every_days=1, doses=7)   # a week of daily infusions
    >>> doses, naive = dose_response(Patient(), daily, day=0, doses_mg_per_kg=[0.25, 0.5, 1.0])   # mg/kg
    >>> doses, after = dose_response(Patient(), daily, day=8, doses_mg_per_kg=[0.25, 0.5, 1.0])
    >>> list(naive) == sorted(naive), all(after < naive)   # % of maximal effect: the curve rises; tolerance shifts it right
    (True, True)
    """
    _check_inputs(patient, regimen)
    effect = check_effect(effect)
    if doses_mg_per_kg is None:
        doses = DEFAULT_PROBE_DOSES_MG_PER_KG.copy()
    else:
        given = check_sequence("doses_mg_per_kg", doses_mg_per_kg, "probe doses in mg/kg", example="[0.1, 0.5, 1.0]", high=MAX_PROBE_DOSES)
        doses = np.array([check_dose("each of doses_mg_per_kg", dose) for dose in given], dtype=float)
    stepper = _probe_stepper(patient, regimen, _check_day(day))
    return doses, np.array([_probe_response(stepper, effect, d) for d in doses])


def dose_to_match_first_response(patient: Patient, regimen: Regimen, *, day: float, effect: str = "dissociation") -> float:
    """Dose (mg/kg per probe session) a probe session on ``day`` needs to give the peak ``effect`` that a
    drug-naive probe of the first session's dose gives. ``day`` is in days from the start of the regimen.

    >>> from kettutor import Patient, Regimen, dose_to_match_first_response
    >>> daily = Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=40, every_days=1, doses=7)   # a week of daily infusions
    >>> dose = dose_to_match_first_response(Patient(), daily, day=8)   # mg/kg per probe session
    >>> 0.5 < dose < 1.5   # more than the first 0.5 mg/kg: tolerance
    True
    """
    _check_inputs(patient, regimen)
    effect = check_effect(effect)
    at_h = _check_day(day)
    day = at_h / HOURS_PER_DAY
    first_dose = _probe_dose(patient, regimen)
    naive = _probe_response(_probe_stepper(patient, regimen, 0.0), effect, first_dose)
    stepper = _probe_stepper(patient, regimen, at_h)
    largest = _probe_response(stepper, effect, MAX_DOSE_MG_PER_KG)
    if largest < naive:
        raise ValueError(
            f"day must be a day when a probe of at most {MAX_DOSE_MG_PER_KG:g} mg/kg restores the first response; on this day "
            f"even {MAX_DOSE_MG_PER_KG:g} mg/kg gives {largest:.3g} against {naive:.3g} at first (ask about a later day); got day={day:g}."
        )
    smallest = _probe_response(stepper, effect, SMALLEST_PROBE_DOSE_MG_PER_KG)
    if smallest >= naive:
        raise ValueError(
            f"day must be a day when the regimen's earlier doses have worn off (about a day after a dose): on this day even "
            f"{SMALLEST_PROBE_DOSE_MG_PER_KG:g} mg/kg gives the first response, since the last dose is still acting; got day={day:g}."
        )
    return float(
        brentq(
            lambda d: _probe_response(stepper, effect, d) - naive, SMALLEST_PROBE_DOSE_MG_PER_KG, MAX_DOSE_MG_PER_KG, xtol=1e-4
        )
    )


def recovery_days(
    patient: Patient,
    regimen: Regimen,
    *,
    effect: str = "dissociation",
    fraction: float = 0.9,
    max_days: float = 730.0,
) -> float:
    """Days from the end of the regimen's last dose until a probe of the first session's dose again gives
    ``fraction`` of the peak ``effect`` it gives a drug-naive patient. Resolution: 0.1 day.

    Probes start :data:`PROBE_WASHOUT_DAYS` (1 day) after the last dose ends, when its drug has gone, so they
    measure adaptation rather than leftover drug. Returns 0.0 when there is nothing to recover (that first
    probe gives ``fraction`` and the last session's peak was at least ``fraction`` of the first session's);
    1.0 when the first probe has recovered although the last session's peak was lower (recovery within the
    day, finer than a probe can tell); ``inf`` if recovery takes longer than ``max_days``.

    >>> from kettutor import Patient, Regimen, recovery_days
    >>> daily = Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=40, every_days=1, doses=14)   # two weeks, daily
    >>> days = recovery_days(Patient(), daily)   # days until a probe gives 90 % of the first dissociation peak
    >>> 10 < days < 60
    True
    """
    _check_inputs(patient, regimen)
    effect = check_effect(effect)
    fraction = check_number("fraction", fraction, "of the first response", low=0.0, high=1.0)
    max_days = check_number("max_days", max_days, "days", low=0.0, high=3650.0)
    dose = _probe_dose(patient, regimen)
    naive = _probe_response(_probe_stepper(patient, regimen, 0.0), effect, dose)
    end_h = regimen.end_h
    after_course = _probe_stepper(patient, regimen, end_h + PROBE_WASHOUT_DAYS * HOURS_PER_DAY)

    def recovered(after_days: float) -> bool:
        stepper = after_course.copy()
        at_h = end_h + after_days * HOURS_PER_DAY
        if at_h > stepper.time_h:
            stepper.commit(stepper.window(None, at_h), at_h)
        return _probe_response(stepper, effect, dose) >= fraction * naive

    lo = PROBE_WASHOUT_DAYS
    if recovered(lo):
        return PROBE_WASHOUT_DAYS if _last_session_reduced(patient, regimen, effect, fraction) else 0.0
    step = 1.0
    while not recovered(lo + step):
        lo, step = lo + step, 2.0 * step
        if lo >= max_days:
            return float("inf")
    hi = lo + step
    while hi - lo > RECOVERY_RESOLUTION_DAYS:
        mid = 0.5 * (lo + hi)
        lo, hi = (lo, mid) if recovered(mid) else (mid, hi)
    return float(hi) if hi <= max_days else float("inf")


def _last_session_reduced(patient: Patient, regimen: Regimen, effect: str, fraction: float) -> bool:
    """Whether the last session's peak ``effect`` fell below ``fraction`` of the first session's."""
    if regimen.session_count < 2:
        return False
    from .solver.simulate import simulate  # analysis sits below simulate in the import order

    peaks = simulate(patient, regimen, days=regimen.end_h / HOURS_PER_DAY + PROBE_WASHOUT_DAYS).session_peaks(effect)
    return bool(peaks[-1] < fraction * peaks[0])


def challenge_response(
    patient: Patient,
    pretreatment: Regimen,
    *,
    day: float,
    effect: str = "locomotor",
    challenge: Regimen | None = None,
) -> float:
    """Peak ``effect`` of a challenge session on ``day`` after ``pretreatment`` started, as a fraction of a
    drug-naive patient's response to the same challenge (> 1: sensitized, < 1: tolerant).

    The challenge defaults to 0.5 mg/kg IV over 40 min, the design of the sensitization studies
    (Trujillo 2008) translated to the clinic's infusion.
    """
    from .solver.simulate import MAX_SIMULATED_DAYS, simulate  # analysis sits below simulate in the import order

    _check_inputs(patient, pretreatment, "pretreatment")
    effect = check_effect(effect)
    if challenge is None:
        if pretreatment.drug != "ketamine":
            raise ValueError(
                f"challenge must be given for a {pretreatment.drug} pretreatment: the default challenge is racemic ketamine "
                "0.5 mg/kg IV over 40 min (for example challenge=Regimen.esketamine_spray(56)); got challenge=None."
            )
        challenge = Regimen.single(dose_mg_per_kg=0.5, infusion_min=40)
    check_instance("challenge", challenge, Regimen, "kettutor.Regimen.single(dose_mg_per_kg=0.5, infusion_min=40)")
    if challenge.drug != pretreatment.drug:
        raise ValueError(f"challenge must give the pretreatment's drug ({pretreatment.drug}); got a {challenge.drug} challenge.")
    longest = MAX_SIMULATED_DAYS - CHALLENGE_READ_DAYS
    day = check_number("day", day, "days", low=0.0, high=longest)
    if day * HOURS_PER_DAY <= pretreatment.end_h:
        raise ValueError(
            f"day must fall after the pretreatment's last dose ends (> {pretreatment.end_h / HOURS_PER_DAY:.2f} days) and be "
            f"<= {longest:g} days; got {day:g}."
        )
    naive = simulate(patient, challenge, days=CHALLENGE_READ_DAYS).session_peaks(effect)[0]
    if not naive > 0.0:
        raise ValueError(f"challenge must give a response to compare with (its {effect} peak is {naive:g} in a drug-naive patient); got no response.")
    # the challenge's first dose moves to ``day``; its sessions follow the pretreatment's
    shift = day * HOURS_PER_DAY - challenge.events[0].time_h
    moved = Regimen(tuple(replace(e, time_h=e.time_h + shift) for e in challenge.events), challenge.interval_h)
    treated = simulate(patient, pretreatment + moved, days=day + CHALLENGE_READ_DAYS)
    return float(treated.session_peaks(effect)[-1] / naive)
