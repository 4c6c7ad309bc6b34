"""Dosing regimens as composable values: single and repeated doses, infusions, phases, holidays, adherence.

A :class:`Regimen` is an immutable, time-ordered tuple of :class:`DoseEvent`. Doses given in mg/kg are
resolved to mg with the patient's weight at simulation time. Every constructor validates its input
and names the parameter, unit and valid range in its error.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from ._validate import check_count, check_number
from .routes import SPRAY_DEVICE_GAP_MIN, SPRAY_DEVICE_MG, get_route

HOURS_PER_DAY = 24.0
MAX_DOSE_MG_PER_KG = 50.0  # hard input limit; far above any validated range (routes.py)
MAX_DOSE_MG = 5000.0
MAX_INTERVAL_DAYS = 365.0
MAX_COURSE_DAYS = 3650.0
MAX_DOSES = 20000


@dataclass(frozen=True)
class DoseEvent:
    """One administration: ``amount`` in ``unit`` ('mg' or 'mg/kg') by ``route`` at ``time_h``.

    ``duration_h`` > 0 makes it a zero-order infusion; ``session`` numbers dosing sessions from 0 (the
    devices of one nasal-spray session share a session; in a :class:`Regimen`, sessions that start at the
    same time are one session).
    """

    time_h: float
    amount: float
    unit: str
    route: str
    duration_h: float = 0.0
    session: int = 0

    def dose_mg(self, weight_kg: float) -> float:
        """Dose in mg for a patient of ``weight_kg``."""
        return self.amount * weight_kg if self.unit == "mg/kg" else self.amount

    def dose_mg_per_kg(self, weight_kg: float) -> float:
        """Dose in mg/kg for a patient of ``weight_kg``."""
        return self.amount if self.unit == "mg/kg" else self.amount / weight_kg


def _dose(dose_mg_per_kg: float | None, dose_mg: float | None) -> tuple[float, str]:
    if (dose_mg_per_kg is None) == (dose_mg is None):
        raise ValueError(
            "give exactly one of dose_mg_per_kg (mg per kg of body weight) or dose_mg (mg); "
            f"got dose_mg_per_kg={dose_mg_per_kg!r}, dose_mg={dose_mg!r}."
        )
    if dose_mg_per_kg is not None:
        return check_number("dose_mg_per_kg", dose_mg_per_kg, "mg/kg", low=0.0, high=MAX_DOSE_MG_PER_KG), "mg/kg"
    return check_number("dose_mg", dose_mg, "mg", low=0.0, high=MAX_DOSE_MG), "mg"


def _route_and_duration(route: str | None, infusion_min: float | None) -> tuple[str, float]:
    if route is None:
        route = "iv_bolus" if infusion_min is None else "iv_infusion"
    route = get_route(route).name
    if route == "esketamine_nasal_spray":
        raise ValueError("use Regimen.esketamine_spray(dose_mg=28, 56 or 84, ...) for the esketamine nasal spray.")
    if infusion_min is None:
        if route == "iv_infusion":
            raise ValueError("route 'iv_infusion' needs infusion_min (minutes, > 0 and <= 1440), e.g. infusion_min=40.")
        return route, 0.0
    minutes = check_number("infusion_min", infusion_min, "min", low=0.0, high=1440.0)
    if route not in ("iv_infusion", "iv_bolus"):
        raise ValueError(f"infusion_min applies to intravenous doses only; route {route!r} was given with infusion_min={minutes:g}.")
    return "iv_infusion", minutes / 60.0


def _start(start_day: float) -> float:
    return check_number("start_day", start_day, "days", low=0.0, high=MAX_COURSE_DAYS, low_inclusive=True) * HOURS_PER_DAY


@dataclass(frozen=True)
class Regimen:
    """An immutable dosing schedule. Build one with the class constructors and combine with methods."""

    events: tuple[DoseEvent, ...]
    interval_h: float | None = None

    # ----- constructors -------------------------------------------------------------------------
    @classmethod
    def single(
        cls,
        dose_mg_per_kg: float | None = None,
        *,
        dose_mg: float | None = None,
        route: str | None = None,
        infusion_min: float | None = None,
        at_day: float = 0.0,
    ) -> "Regimen":
        """One dose; ``infusion_min`` makes it an IV infusion over that many minutes."""
        amount, unit = _dose(dose_mg_per_kg, dose_mg)
        route, duration_h = _route_and_duration(route, infusion_min)
        return cls((DoseEvent(_start(at_day), amount, unit, route, duration_h, 0),))

    @classmethod
    def repeated(
        cls,
        dose_mg_per_kg: float | None = None,
        *,
        dose_mg: float | None = None,
        route: str | None = None,
        every_days: float,
        doses: int | None = None,
        duration_days: float | None = None,
        infusion_min: float | None = None,
        start_day: float = 0.0,
    ) -> "Regimen":
        """The same dose every ``every_days``, for ``doses`` doses or for ``duration_days`` days."""
        interval = _interval(every_days)
        count = _count(interval, doses, duration_days)
        amount, unit = _dose(dose_mg_per_kg, dose_mg)
        return cls.sequence([amount] * count, unit=unit, route=route, every_days=interval, infusion_min=infusion_min, start_day=start_day)

    @classmethod
    def sequence(
        cls,
        amounts: list[float] | tuple[float, ...],
        *,
        unit: str = "mg/kg",
        route: str | None = None,
        every_days: float,
        infusion_min: float | None = None,
        start_day: float = 0.0,
    ) -> "Regimen":
        """Doses ``amounts`` (in ``unit``: 'mg/kg' or 'mg') given every ``every_days`` days."""
        if unit not in ("mg/kg", "mg"):
            raise ValueError(f"unit must be 'mg/kg' or 'mg'; got {unit!r}.")
        interval = _interval(every_days)
        amounts = list(amounts)
        check_count("number of doses", len(amounts), low=1, high=MAX_DOSES)
        route, duration_h = _route_and_duration(route, infusion_min)
        start = _start(start_day)
        events = []
        for i, amount in enumerate(amounts):
            amount, _ = _dose(amount, None) if unit == "mg/kg" else _dose(None, amount)
            events.append(DoseEvent(start + i * interval * HOURS_PER_DAY, amount, unit, route, duration_h, i))
        return cls(tuple(events), interval * HOURS_PER_DAY)

    @classmethod
    def titration(
        cls,
        start_mg_per_kg: float,
        *,
        step_mg_per_kg: float,
        target_mg_per_kg: float,
        every_days: float,
        doses: int,
        route: str | None = None,
        infusion_min: float | None = None,
    ) -> "Regimen":
        """Start low and raise the dose by ``step_mg_per_kg`` each session up to ``target_mg_per_kg``."""
        start = check_number("start_mg_per_kg", start_mg_per_kg, "mg/kg", low=0.0, high=MAX_DOSE_MG_PER_KG)
        step = check_number("step_mg_per_kg", step_mg_per_kg, "mg/kg", low=0.0, high=MAX_DOSE_MG_PER_KG)
        target = check_number("target_mg_per_kg", target_mg_per_kg, "mg/kg", low=0.0, high=MAX_DOSE_MG_PER_KG)
        if target < start:
            raise ValueError(f"target_mg_per_kg ({target:g} mg/kg) must be >= start_mg_per_kg ({start:g} mg/kg) for a titration.")
        count = check_count("doses", doses, low=1, high=MAX_DOSES)
        amounts = [min(start + i * step, target) for i in range(count)]
        return cls.sequence(amounts, every_days=every_days, route=route, infusion_min=infusion_min)

    @classmethod
    def taper(
        cls,
        start_mg_per_kg: float,
        *,
        step_mg_per_kg: float,
        every_days: float,
        route: str | None = None,
        infusion_min: float | None = None,
    ) -> "Regimen":
        """Lower the dose by ``step_mg_per_kg`` each session until the next dose would be zero or less."""
        start = check_number("start_mg_per_kg", start_mg_per_kg, "mg/kg", low=0.0, high=MAX_DOSE_MG_PER_KG)
        step = check_number("step_mg_per_kg", step_mg_per_kg, "mg/kg", low=0.0, high=start, high_inclusive=True)
        count = int(math.floor(start / step + 1e-9))
        amounts = [start - i * step for i in range(count) if start - i * step > 1e-12]
        return cls.sequence(amounts, every_days=every_days, route=route, infusion_min=infusion_min)

    @classmethod
    def continuous_infusion(
        cls,
        rate_mg_per_kg_per_h: float | None = None,
        *,
        hours: float,
        rate_mg_per_h: float | None = None,
        start_day: float = 0.0,
    ) -> "Regimen":
        """A constant-rate IV infusion for ``hours`` hours."""
        if (rate_mg_per_kg_per_h is None) == (rate_mg_per_h is None):
            raise ValueError("give exactly one of rate_mg_per_kg_per_h (mg/kg/h) or rate_mg_per_h (mg/h).")
        duration = check_number("hours", hours, "h", low=0.0, high=MAX_COURSE_DAYS * HOURS_PER_DAY)
        if rate_mg_per_kg_per_h is not None:
            rate = check_number("rate_mg_per_kg_per_h", rate_mg_per_kg_per_h, "mg/kg/h", low=0.0, high=20.0)
            amount, unit = rate * duration, "mg/kg"
        else:
            rate = check_number("rate_mg_per_h", rate_mg_per_h, "mg/h", low=0.0, high=1500.0)
            amount, unit = rate * duration, "mg"
        return cls((DoseEvent(_start(start_day), amount, unit, "iv_infusion", duration, 0),))

    @classmethod
    def esketamine_spray(
        cls, dose_mg: float = 56.0, *, every_days: float | None = None, doses: int = 1, start_day: float = 0.0
    ) -> "Regimen":
        """Esketamine nasal spray sessions of 28, 56 or 84 mg (one to three 28 mg devices, 5 min apart)."""
        devices = dose_mg / SPRAY_DEVICE_MG if isinstance(dose_mg, (int, float)) and not isinstance(dose_mg, bool) else None
        if devices not in (1.0, 2.0, 3.0):
            raise ValueError(f"dose_mg for the esketamine nasal spray must be 28, 56 or 84 mg (1-3 devices); got {dose_mg!r}.")
        count = check_count("doses", doses, low=1, high=MAX_DOSES)
        interval = _interval(every_days) if every_days is not None else None
        if count > 1 and interval is None:
            raise ValueError("every_days (days between sessions, > 0 and <= 365) is needed for more than one session.")
        start = _start(start_day)
        events = tuple(
            DoseEvent(
                start + session * (interval or 0.0) * HOURS_PER_DAY + device * SPRAY_DEVICE_GAP_MIN / 60.0,
                SPRAY_DEVICE_MG, "mg", "esketamine_nasal_spray", 0.0, session,
            )
            for session in range(count)
            for device in range(int(devices))
        )
        return cls(events, interval * HOURS_PER_DAY if interval else None)

    # ----- composition --------------------------------------------------------------------------
    def then(self, next_phase: "Regimen", *, gap_days: float | None = None) -> "Regimen":
        """Append ``next_phase``, starting one interval of this phase after this phase's last dose.

        ``gap_days`` sets that gap explicitly (needed when this phase is a single dose with no interval).
        """
        if not isinstance(next_phase, Regimen):
            raise ValueError(f"then() takes a Regimen; got {type(next_phase).__name__}.")
        if gap_days is not None:
            gap_h = _interval(gap_days, name="gap_days") * HOURS_PER_DAY
        elif self.interval_h is not None:
            gap_h = self.interval_h
        elif next_phase.interval_h is not None:
            gap_h = next_phase.interval_h
        else:
            raise ValueError("then(): neither phase has a dosing interval; pass gap_days (days, > 0).")
        shift = self.events[-1].time_h + gap_h - next_phase.events[0].time_h
        sessions = self.session_count
        shifted = tuple(replace(e, time_h=e.time_h + shift, session=e.session + sessions) for e in next_phase.events)
        return Regimen(self.events + shifted, next_phase.interval_h or self.interval_h)

    def with_holiday(self, start_day: float, length_days: float) -> "Regimen":
        """Pause dosing for ``length_days`` from ``start_day``: later doses move back by the holiday."""
        start_h = _start(start_day)
        length = check_number("length_days", length_days, "days", low=0.0, high=MAX_COURSE_DAYS)
        course_days = self.course_days
        if length > course_days:
            raise ValueError(
                f"length_days must be <= the course length ({course_days:g} days) for a holiday within it; got {length:g}."
            )
        if start_h > self.events[-1].time_h:
            raise ValueError(
                f"start_day must fall within the course (<= {self.events[-1].time_h / HOURS_PER_DAY:g} days); got {start_h / HOURS_PER_DAY:g}."
            )
        shift = length * HOURS_PER_DAY
        return self._with_events(tuple(replace(e, time_h=e.time_h + shift) if e.time_h >= start_h else e for e in self.events))

    def with_periodic_holidays(self, every_days: float, length_days: float) -> "Regimen":
        """Skip all doses in the last ``length_days`` of every ``every_days``-day cycle (a regular break)."""
        cycle = _interval(every_days, name="every_days")
        length = check_number("length_days", length_days, "days", low=0.0, high=cycle, high_inclusive=False)
        if length > self.course_days:
            raise ValueError(f"length_days must be <= the course length ({self.course_days:g} days); got {length:g}.")
        t0 = self.events[0].time_h
        on_h = (cycle - length) * HOURS_PER_DAY
        keep = {e.session for e in self.events if ((e.time_h - t0) % (cycle * HOURS_PER_DAY)) < on_h - 1e-9}
        return self._keep_sessions(keep)

    def with_missed_doses(self, sessions: list[int] | tuple[int, ...]) -> "Regimen":
        """Drop the sessions numbered in ``sessions`` (1 = first session)."""
        total = self.session_count
        missed = {check_count("missed session number", s, low=1, high=total) - 1 for s in sessions}
        return self._keep_sessions({s for s in range(total) if s not in missed})

    def with_adherence(self, probability: float, *, seed: int | np.random.Generator) -> "Regimen":
        """Keep each session with ``probability`` (0-1); the first session is always taken."""
        p = check_number("probability", probability, "fraction of sessions taken", low=0.0, high=1.0)
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        taken = rng.random(self.session_count) < p
        taken[0] = True
        return self._keep_sessions({int(s) for s in np.flatnonzero(taken)})

    # ----- views --------------------------------------------------------------------------------
    @property
    def session_count(self) -> int:
        """Number of dosing sessions (a multi-device spray session counts once)."""
        return self.events[-1].session + 1

    @property
    def session_start_h(self) -> np.ndarray:
        """Start time of each session (h)."""
        starts = {}
        for e in self.events:
            starts.setdefault(e.session, e.time_h)
        return np.array([starts[s] for s in sorted(starts)])

    @property
    def end_h(self) -> float:
        """Time the last dose ends (h)."""
        return max(e.time_h + e.duration_h for e in self.events)

    @property
    def course_days(self) -> float:
        """Days from the first dose's start to the last dose's end."""
        return (self.end_h - self.events[0].time_h) / HOURS_PER_DAY

    @property
    def drug(self) -> str:
        """The parent drug of this regimen ('ketamine' or 'esketamine')."""
        return get_route(self.events[0].route).drug

    def __add__(self, other: "Regimen") -> "Regimen":
        """Overlay two regimens on one timeline (for example an infusion plus rescue boluses).

        Doses of the two that start at the same time form one session.
        """
        if not isinstance(other, Regimen):
            return NotImplemented
        offset = self.session_count
        merged = self.events + tuple(replace(e, session=e.session + offset) for e in other.events)
        return Regimen(tuple(sorted(merged, key=lambda e: e.time_h)), self.interval_h or other.interval_h)._renumbered()

    def _with_events(self, events: tuple[DoseEvent, ...]) -> "Regimen":
        return Regimen(events, self.interval_h)

    def _keep_sessions(self, keep: set[int]) -> "Regimen":
        events = tuple(e for e in self.events if e.session in keep)
        if not events:
            raise ValueError("this change would remove every dose of the regimen.")
        return Regimen(events, self.interval_h)._renumbered()

    def _renumbered(self) -> "Regimen":
        """Number sessions 0, 1, ... in order of their start; sessions that start together merge."""
        first: dict[int, float] = {}
        for e in self.events:
            first[e.session] = min(first.get(e.session, e.time_h), e.time_h)
        number = {start: i for i, start in enumerate(sorted(set(first.values())))}
        return Regimen(tuple(replace(e, session=number[first[e.session]]) for e in self.events), self.interval_h)

    def __post_init__(self) -> None:
        if not self.events:
            raise ValueError("a regimen needs at least one dose.")
        drugs = {get_route(e.route).drug for e in self.events}
        if len(drugs) > 1:
            raise ValueError(f"a regimen gives one drug; this one mixes {sorted(drugs)}. Simulate them separately.")
        # sessions that start together are one session (an infusion and the bolus given with it): each
        # session's window then runs from its start to the next session's start. Malformed times or session
        # numbers are left for the checks where they are used.
        if all(_is_real(e.time_h) and _is_real(e.session) for e in self.events):
            starts: dict[int, float] = {}
            for e in self.events:
                starts[e.session] = min(starts.get(e.session, e.time_h), e.time_h)
            if len(set(starts.values())) < len(starts):
                object.__setattr__(self, "events", self._renumbered().events)


def _is_real(value: object) -> bool:
    """Whether ``value`` is a real number (not a bool)."""
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)


def _interval(every_days: float, name: str = "every_days") -> float:
    return check_number(name, every_days, "days", low=0.0, high=MAX_INTERVAL_DAYS)


def _count(interval_days: float, doses: int | None, duration_days: float | None) -> int:
    if (doses is None) == (duration_days is None):
        raise ValueError("give exactly one of doses (a whole number >= 1) or duration_days (days, > 0).")
    if doses is not None:
        return check_count("doses", doses, low=1, high=MAX_DOSES)
    days = check_number("duration_days", duration_days, "days", low=0.0, high=MAX_COURSE_DAYS)
    return check_count("doses", int(math.floor(days / interval_days + 1e-9)) or 1, low=1, high=MAX_DOSES)
