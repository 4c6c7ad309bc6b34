"""Dosing regimens as composable values: single and repeated doses, infusions, phases, holidays, adherence.

A :class:`Regimen` is an immutable, time-ordered tuple of :class:`DoseEvent`. Doses given in mg/kg are
resolved to mg with the patient's weight at simulation time. Every constructor validates its input
and names the parameter, unit and valid range in its error.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from ._validate import check_choice, check_count, check_number, check_seed, check_sequence, shown
from .science.routes import ROUTES, SPRAY_DEVICE_GAP_MIN, SPRAY_DEVICE_MG, get_route

HOURS_PER_DAY = 24.0
MAX_DOSE_MG_PER_KG = 50.0  # hard input limit; far above any validated range (routes.py)
MAX_DOSE_MG = 5000.0
# Smallest doses the constructors accept: far below any drug effect, and large enough that every effect of the
# model (the steepest, craving, grows as about the 12th power of the dose) stays a normal floating-point number.
MIN_DOSE_MG_PER_KG = 1e-6
MIN_DOSE_MG = 1e-4
MIN_INFUSION_MIN = 1e-3  # shorter infusions are injections; leave infusion_min out for an IV bolus
MAX_INFUSION_MIN = 1440.0
MAX_RATE_MG_PER_KG_PER_H = 20.0  # continuous infusions
MAX_RATE_MG_PER_H = 1500.0
MAX_INTERVAL_DAYS = 365.0
MAX_COURSE_DAYS = 3650.0
MAX_DOSES = 20000
MAX_EVENTS = 3 * MAX_DOSES  # an esketamine spray session gives up to three devices
MAX_EVENT_DAYS = 36500.0  # a dose event starts within a century of the simulation's start
UNITS = ("mg/kg", "mg")


def check_dose(name: str, value: object, unit: str = "mg/kg") -> float:
    """A dose in ``unit`` ('mg/kg' or 'mg') within the constructors' range."""
    low, high = (MIN_DOSE_MG_PER_KG, MAX_DOSE_MG_PER_KG) if unit == "mg/kg" else (MIN_DOSE_MG, MAX_DOSE_MG)
    return check_number(name, value, unit, low=low, high=high, low_inclusive=True)


@dataclass(frozen=True)
class DoseEvent:
    """One administration: ``amount`` in ``unit`` ('mg' or 'mg/kg') by ``route`` at ``time_h`` (h from the start).

    ``duration_h`` (h) > 0 makes it a zero-order infusion; ``session`` numbers dosing sessions from 0 (the
    devices of one nasal-spray session share a session; in a :class:`Regimen`, sessions that start at the
    same time are one session).

    >>> from kettutor import DoseEvent, Regimen
    >>> bolus = DoseEvent(time_h=24.0, amount=0.5, unit="mg/kg", route="iv_bolus")   # on day 1
    >>> bolus.dose_mg(80.0), bolus.dose_mg_per_kg(80.0)   # mg and mg/kg for an 80 kg patient
    (40.0, 0.5)
    >>> infusion = Regimen.single(dose_mg_per_kg=0.5, infusion_min=40).events[0]
    >>> infusion.route, infusion.duration_h * 60   # min
    ('iv_infusion', 40.0)
    """

    time_h: float
    amount: float
    unit: str
    route: str
    duration_h: float = 0.0
    session: int = 0

    def __post_init__(self) -> None:
        t, a, d, s = self.time_h, self.amount, self.duration_h, self.session
        # the common case, checked fast: every constructor and each policy session builds events
        if (
            type(t) is float and type(a) is float and type(d) is float and type(s) is int
            and type(self.unit) is str and type(self.route) is str
            and 0.0 <= t <= MAX_EVENT_DAYS * HOURS_PER_DAY and s >= 0 and self.route in ROUTES
            and (d == 0.0 or (self.route == "iv_infusion" and MIN_INFUSION_MIN / 60.0 <= d <= MAX_COURSE_DAYS * HOURS_PER_DAY))
            and (self.route != "iv_infusion" or d > 0.0)
            and self.unit in UNITS and _EVENT_MIN_AMOUNT <= a <= _max_amount(self.unit, d)
        ):
            return
        self._check()

    def _check(self) -> None:
        """Validate every field with a message naming it, its unit, its range and what was given."""
        set_field = lambda name, value: object.__setattr__(self, name, value)  # noqa: E731 (frozen)
        set_field("time_h", check_number("time_h", self.time_h, "h", low=0.0, high=MAX_EVENT_DAYS * HOURS_PER_DAY, low_inclusive=True))
        if not isinstance(self.unit, str) or self.unit not in UNITS:
            raise ValueError(f"unit must be 'mg/kg' or 'mg'; got {shown(self.unit)}.")
        route = check_choice("route", self.route, ROUTES)
        if route == "iv_infusion":
            duration = check_number(
                "duration_h", self.duration_h, "h", low=MIN_INFUSION_MIN / 60.0, high=MAX_COURSE_DAYS * HOURS_PER_DAY, low_inclusive=True
            )
        else:
            duration = check_number("duration_h", self.duration_h, "h", low=0.0, high=0.0, low_inclusive=True)
        set_field("duration_h", duration)
        high = _max_amount(self.unit, duration)  # a single dose, or an infusion at the largest continuous rate
        set_field("amount", check_number("amount", self.amount, self.unit, low=_EVENT_MIN_AMOUNT, high=high, low_inclusive=True))
        set_field("session", check_count("session", self.session, low=0))

    def dose_mg(self, weight_kg: float) -> float:
        """Dose in mg for a patient of ``weight_kg``."""
        return self.amount * weight_kg if self.unit == "mg/kg" else self.amount

    def dose_mg_per_kg(self, weight_kg: float) -> float:
        """Dose in mg/kg for a patient of ``weight_kg``."""
        return self.amount if self.unit == "mg/kg" else self.amount / weight_kg


_EVENT_MIN_AMOUNT = 1e-12  # mg or mg/kg: a dose event's smallest amount (the constructors ask for more)


def _max_amount(unit: str, duration_h: float) -> float:
    """Largest amount of one dose event: a single dose, or a continuous infusion at the largest rate."""
    if unit == "mg/kg":
        return MAX_DOSE_MG_PER_KG + MAX_RATE_MG_PER_KG_PER_H * duration_h
    return MAX_DOSE_MG + MAX_RATE_MG_PER_H * duration_h


def _dose(dose_mg_per_kg: float | None, dose_mg: float | None) -> tuple[float, str]:
    if (dose_mg_per_kg is None) == (dose_mg is None):
        raise ValueError(
            "give exactly one of dose_mg_per_kg (mg per kg of body weight) or dose_mg (mg); "
            f"got dose_mg_per_kg={dose_mg_per_kg!r}, dose_mg={dose_mg!r}."
        )
    if dose_mg_per_kg is not None:
        return check_dose("dose_mg_per_kg", dose_mg_per_kg, "mg/kg"), "mg/kg"
    return check_dose("dose_mg", dose_mg, "mg"), "mg"


def _route_and_duration(route: str | None, infusion_min: float | None) -> tuple[str, float]:
    if route is None:
        route = "iv_bolus" if infusion_min is None else "iv_infusion"
    route = get_route(route).name
    if route == "esketamine_nasal_spray":
        raise ValueError(
            "route 'esketamine_nasal_spray' comes in whole 28 mg devices: use Regimen.esketamine_spray(dose_mg=28, 56 or 84, ...) "
            "for the esketamine nasal spray; got route='esketamine_nasal_spray'."
        )
    if infusion_min is None:
        if route == "iv_infusion":
            raise ValueError(
                f"route 'iv_infusion' needs infusion_min (minutes, >= {MIN_INFUSION_MIN:g} and <= {MAX_INFUSION_MIN:g}), "
                "e.g. infusion_min=40; got infusion_min=None."
            )
        return route, 0.0
    minutes = check_number("infusion_min", infusion_min, "min", low=MIN_INFUSION_MIN, high=MAX_INFUSION_MIN, low_inclusive=True)
    if route not in ("iv_infusion", "iv_bolus"):
        raise ValueError(
            f"infusion_min must be left out (None) for route {route!r}: it applies to intravenous doses only; got infusion_min={minutes:g}."
        )
    return "iv_infusion", minutes / 60.0


def _start(start_day: float, name: str = "start_day") -> float:
    return check_number(name, start_day, "days", low=0.0, high=MAX_COURSE_DAYS, low_inclusive=True) * HOURS_PER_DAY


@dataclass(frozen=True)
class Regimen:
    """An immutable dosing schedule. Build one with the class constructors and combine with methods.

    Doses are in mg/kg (or mg with ``dose_mg``), infusion times in min, intervals and days in days;
    ``interval_h`` and session starts are in h.

    >>> from kettutor import Regimen
    >>> weekly = Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=40, every_days=7, doses=4)   # 0.5 mg/kg over 40 min
    >>> weekly.session_count, (weekly.session_start_h / 24).tolist()   # sessions; start days
    (4, [0.0, 7.0, 14.0, 21.0])
    >>> (weekly.with_holiday(start_day=10, length_days=14).session_start_h / 24).tolist()   # a two-week holiday
    [0.0, 7.0, 28.0, 35.0]
    >>> induction = Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=40, every_days=3.5, doses=8)   # twice weekly
    >>> induction.then(weekly).session_count   # 8 induction sessions, then 4 weekly ones
    12
    """

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
        return cls((DoseEvent(_start(at_day, "at_day"), amount, unit, route, duration_h, 0),))

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
        if not isinstance(unit, str) or unit not in UNITS:
            raise ValueError(f"unit must be 'mg/kg' or 'mg'; got {shown(unit)}.")
        interval = _interval(every_days)
        if isinstance(amounts, (int, float)) and not isinstance(amounts, bool):
            raise ValueError(f"amounts must be a list of doses in {unit}, e.g. [0.5, 0.5, 0.75]; got the single number {amounts!r}.")
        amounts = check_sequence("amounts", amounts, f"doses in {unit}", example="[0.5, 0.5, 0.75]", low=1, high=MAX_DOSES)
        _check_course(len(amounts), interval, "amounts")
        route, duration_h = _route_and_duration(route, infusion_min)
        start = _start(start_day)
        events = []
        for i, amount in enumerate(amounts):
            amount = check_dose("each of amounts", amount, unit)
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
        start = check_dose("start_mg_per_kg", start_mg_per_kg)
        step = check_number("step_mg_per_kg", step_mg_per_kg, "mg/kg", low=0.0, high=MAX_DOSE_MG_PER_KG)
        target = check_dose("target_mg_per_kg", target_mg_per_kg)
        if target < start:
            raise ValueError(f"target_mg_per_kg must be >= start_mg_per_kg ({start:g} mg/kg) for a titration; got {target:g} mg/kg.")
        count = check_count("doses", doses, low=1, high=MAX_DOSES)
        _check_course(count, _interval(every_days), "doses")
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
        start = check_dose("start_mg_per_kg", start_mg_per_kg)
        step = check_number("step_mg_per_kg", step_mg_per_kg, "mg/kg", low=0.0, high=start, high_inclusive=True)
        interval = _interval(every_days)
        # count the doses before building them: a tiny step would otherwise build millions
        smallest_step = start / MAX_DOSES
        if step < smallest_step:
            raise ValueError(
                f"step_mg_per_kg must be >= start_mg_per_kg / {MAX_DOSES} ({smallest_step:g} mg/kg) so that the taper has at most "
                f"{MAX_DOSES} doses, and <= start_mg_per_kg ({start:g} mg/kg); got {step:g} mg/kg ({start / step:.6g} doses)."
            )
        count = int(math.floor(start / step + 1e-9))
        amounts = [start - i * step for i in range(count) if start - i * step >= MIN_DOSE_MG_PER_KG]
        if not amounts:
            raise ValueError(f"start_mg_per_kg must be >= {MIN_DOSE_MG_PER_KG:g} mg/kg for a taper; got {start:g} mg/kg.")
        _check_course(len(amounts), interval, "step_mg_per_kg")
        return cls.sequence(amounts, every_days=interval, route=route, infusion_min=infusion_min)

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
            raise ValueError(
                "give exactly one of rate_mg_per_kg_per_h (mg/kg/h) or rate_mg_per_h (mg/h); "
                f"got rate_mg_per_kg_per_h={shown(rate_mg_per_kg_per_h)}, rate_mg_per_h={shown(rate_mg_per_h)}."
            )
        duration = check_number(
            "hours", hours, "h", low=MIN_INFUSION_MIN / 60.0, high=MAX_COURSE_DAYS * HOURS_PER_DAY, low_inclusive=True
        )
        if rate_mg_per_kg_per_h is not None:
            rate = check_number(
                "rate_mg_per_kg_per_h", rate_mg_per_kg_per_h, "mg/kg/h", low=MIN_DOSE_MG_PER_KG, high=MAX_RATE_MG_PER_KG_PER_H, low_inclusive=True
            )
            amount, unit = rate * duration, "mg/kg"
        else:
            rate = check_number("rate_mg_per_h", rate_mg_per_h, "mg/h", low=MIN_DOSE_MG, high=MAX_RATE_MG_PER_H, low_inclusive=True)
            amount, unit = rate * duration, "mg"
        return cls((DoseEvent(_start(start_day), amount, unit, "iv_infusion", duration, 0),))

    @classmethod
    def esketamine_spray(
        cls, dose_mg: float = 56.0, *, every_days: float | None = None, doses: int = 1, start_day: float = 0.0
    ) -> "Regimen":
        """Esketamine nasal spray sessions of 28, 56 or 84 mg (one to three 28 mg devices, 5 min apart)."""
        sizes = {SPRAY_DEVICE_MG * count: count for count in (1, 2, 3)}
        devices = sizes.get(dose_mg) if isinstance(dose_mg, (int, float)) and not isinstance(dose_mg, bool) else None
        if devices is None:
            raise ValueError(f"dose_mg for the esketamine nasal spray must be 28, 56 or 84 mg (1-3 devices); got {shown(dose_mg)}.")
        count = check_count("doses", doses, low=1, high=MAX_DOSES)
        interval = _interval(every_days) if every_days is not None else None
        if count > 1 and interval is None:
            raise ValueError(f"every_days (days between sessions, > 0 and <= 365) is needed for more than one session; got doses={count}, every_days=None.")
        if interval is not None:
            _check_course(count, interval, "doses")
        start = _start(start_day)
        events = tuple(
            DoseEvent(
                start + session * (interval or 0.0) * HOURS_PER_DAY + device * SPRAY_DEVICE_GAP_MIN / 60.0,
                SPRAY_DEVICE_MG, "mg", "esketamine_nasal_spray", 0.0, session,
            )
            for session in range(count)
            for device in range(devices)
        )
        return cls(events, interval * HOURS_PER_DAY if interval else None)

    # ----- composition --------------------------------------------------------------------------
    def then(self, next_phase: "Regimen", *, gap_days: float | None = None) -> "Regimen":
        """Append ``next_phase``, starting one interval of this phase after this phase's last dose.

        ``gap_days`` sets that gap explicitly (needed when this phase is a single dose with no interval).
        """
        if not isinstance(next_phase, Regimen):
            raise ValueError(f"next_phase must be a kettutor.Regimen (the phase that follows); got {shown(next_phase)} of type {type(next_phase).__name__}.")
        if next_phase.drug != self.drug:
            raise ValueError(
                f"next_phase must give this regimen's drug ({self.drug}); got {next_phase.drug}, which mixes two drugs in one "
                "regimen. Simulate them separately."
            )
        if gap_days is not None:
            gap_h = _interval(gap_days, name="gap_days") * HOURS_PER_DAY
        elif self.interval_h is not None:
            gap_h = self.interval_h
        elif next_phase.interval_h is not None:
            gap_h = next_phase.interval_h
        else:
            raise ValueError("then(): neither phase has a dosing interval; pass gap_days (days, > 0 and <= 365); got gap_days=None.")
        shift = self.events[-1].time_h + gap_h - next_phase.events[0].time_h
        _check_combined(self, next_phase, next_phase.events[-1].time_h + shift, "then()")
        sessions = self.session_count
        shifted = tuple(replace(e, time_h=e.time_h + shift, session=e.session + sessions) for e in next_phase.events)
        return Regimen(self.events + shifted, next_phase.interval_h or self.interval_h)

    def with_holiday(self, start_day: float, length_days: float) -> "Regimen":
        """Pause dosing for ``length_days`` from ``start_day``: later doses move back by the holiday."""
        start_h = _start(start_day)
        length = check_number("length_days", length_days, "days", low=0.0, high=MAX_COURSE_DAYS)
        if self.events[-1].time_h + length * HOURS_PER_DAY > MAX_EVENT_DAYS * HOURS_PER_DAY:
            raise ValueError(
                f"length_days must move the last dose no later than day {MAX_EVENT_DAYS:g}; got {length:g} days "
                f"(the last dose starts on day {self.events[-1].time_h / HOURS_PER_DAY:g})."
            )
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
        if not keep:
            raise ValueError(
                f"length_days must leave some sessions in each {cycle:g}-day cycle of every_days; got length_days={length:g}, "
                "which skips every session of the regimen."
            )
        return self._keep_sessions(keep)

    def with_missed_doses(self, sessions: list[int] | tuple[int, ...]) -> "Regimen":
        """Drop the sessions numbered in ``sessions`` (1 = first session)."""
        total = self.session_count
        sessions = check_sequence("sessions", sessions, "session numbers (1 = first)", example="[2, 5]")
        missed = {check_count("each of sessions (a missed session number)", s, low=1, high=total) - 1 for s in sessions}
        if len(missed) == total:
            raise ValueError(f"sessions must leave at least one of the regimen's {total} sessions; got all of them.")
        return self._keep_sessions({s for s in range(total) if s not in missed})

    def with_adherence(self, probability: float, *, seed: int | np.random.Generator) -> "Regimen":
        """Keep each session with ``probability`` (0-1); the first session is always taken."""
        p = check_number("probability", probability, "fraction of sessions taken", low=0.0, high=1.0)
        rng = check_seed("seed", seed)
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
            raise TypeError(
                f"Regimen + other needs another kettutor.Regimen to overlay on this one; got {shown(other)} of type {type(other).__name__}."
            )
        if other.drug != self.drug:
            raise ValueError(
                f"other must give this regimen's drug ({self.drug}); got {other.drug}, which mixes two drugs in one regimen. "
                "Simulate them separately."
            )
        _check_combined(self, other, max(self.events[-1].time_h, other.events[-1].time_h), "+")
        offset = self.session_count
        merged = self.events + tuple(replace(e, session=e.session + offset) for e in other.events)
        return Regimen(tuple(sorted(merged, key=lambda e: e.time_h)), self.interval_h or other.interval_h)._renumbered()

    def _with_events(self, events: tuple[DoseEvent, ...]) -> "Regimen":
        return Regimen(events, self.interval_h)

    def _keep_sessions(self, keep: set[int]) -> "Regimen":
        events = tuple(e for e in self.events if e.session in keep)
        if not events:
            raise ValueError("this change would remove every dose of the regimen; got no session to keep.")
        return Regimen(events, self.interval_h)._renumbered()

    def _renumbered(self) -> "Regimen":
        """Number sessions 0, 1, ... in order of their start; sessions that start together merge."""
        first: dict[int, float] = {}
        for e in self.events:
            first[e.session] = min(first.get(e.session, e.time_h), e.time_h)
        number = {start: i for i, start in enumerate(sorted(set(first.values())))}
        return Regimen(tuple(replace(e, session=number[first[e.session]]) for e in self.events), self.interval_h)

    def __post_init__(self) -> None:
        events = self.events
        if type(events) is not tuple:
            events = check_sequence("events", events, "kettutor.DoseEvent", example="(DoseEvent(0.0, 0.5, 'mg/kg', 'iv_bolus'),)")
            object.__setattr__(self, "events", events)
        if not events:
            raise ValueError("events must hold at least one dose (a kettutor.DoseEvent); got none.")
        if len(events) > MAX_EVENTS:
            raise ValueError(f"events must hold at most {MAX_EVENTS} doses; got {len(events)}.")
        for e in events:
            if type(e) is not DoseEvent and not isinstance(e, DoseEvent):
                raise ValueError(f"events must be kettutor.DoseEvent objects; got {shown(e)} of type {type(e).__name__}.")
        if self.interval_h is not None:
            interval = check_number("interval_h", self.interval_h, "h", low=0.0, high=MAX_INTERVAL_DAYS * HOURS_PER_DAY)
            object.__setattr__(self, "interval_h", interval)
        drugs = {ROUTES[route].drug for route in {e.route for e in events}}
        if len(drugs) > 1:
            raise ValueError(f"a regimen must give one drug; got one that mixes {sorted(drugs)}. Simulate them separately.")
        times = [e.time_h for e in events]
        if any(later < earlier for earlier, later in zip(times, times[1:])):  # given out of order: sort (stably)
            events = tuple(sorted(events, key=lambda e: e.time_h))
            object.__setattr__(self, "events", events)
        # Sessions are numbered 0, 1, ... in order of their start, and sessions that start together are one
        # session (an infusion and the bolus given with it): each session's window then runs from its start to
        # the next session's start. Events given with other numbers are renumbered.
        starts: dict[int, float] = {}
        for e in events:
            if e.session not in starts:
                starts[e.session] = e.time_h  # events are in time order: the first is the session's start
        distinct = sorted(set(starts.values()))
        if len(distinct) < len(starts) or any(starts.get(number) != start for number, start in enumerate(distinct)):
            object.__setattr__(self, "events", self._renumbered().events)


def _interval(every_days: float, name: str = "every_days") -> float:
    return check_number(name, every_days, "days", low=0.0, high=MAX_INTERVAL_DAYS)


def _check_course(doses: int, interval_days: float, name: str) -> None:
    """A course of ``doses`` doses ``interval_days`` apart must start its last dose within MAX_COURSE_DAYS."""
    span = (doses - 1) * interval_days
    if span > MAX_COURSE_DAYS:
        raise ValueError(
            f"{name} and every_days must fit the course into {MAX_COURSE_DAYS:g} days (the longest simulation): "
            f"(doses - 1) x every_days <= {MAX_COURSE_DAYS:g} days; got {doses} doses every {interval_days:g} days ({span:g} days)."
        )


def _check_combined(first: "Regimen", second: "Regimen", last_start_h: float, operation: str) -> None:
    """Bounds of a regimen combined from two: its number of dose events and the start of its last dose."""
    count = len(first.events) + len(second.events)
    if count > MAX_EVENTS:
        raise ValueError(f"{operation}: the combined regimen must hold at most {MAX_EVENTS} doses; got {count}.")
    if last_start_h > MAX_EVENT_DAYS * HOURS_PER_DAY:
        raise ValueError(
            f"{operation}: the combined regimen's doses must start within {MAX_EVENT_DAYS:g} days; got a last dose on day "
            f"{last_start_h / HOURS_PER_DAY:g}."
        )


def _count(interval_days: float, doses: int | None, duration_days: float | None) -> int:
    if (doses is None) == (duration_days is None):
        raise ValueError(
            "give exactly one of doses (a whole number >= 1) or duration_days (days, > 0); "
            f"got doses={shown(doses)}, duration_days={shown(duration_days)}."
        )
    if doses is not None:
        count = check_count("doses", doses, low=1, high=MAX_DOSES)
        _check_course(count, interval_days, "doses")
        return count
    days = check_number("duration_days", duration_days, "days", low=0.0, high=MAX_COURSE_DAYS)
    ratio = days / interval_days
    if not ratio <= MAX_DOSES:  # also catches an infinite ratio (a subnormal every_days)
        raise ValueError(
            f"duration_days / every_days must give at most {MAX_DOSES} doses; got {days:g} days / {interval_days:g} days "
            f"({ratio:g} doses)."
        )
    return int(math.floor(ratio + 1e-9)) or 1
