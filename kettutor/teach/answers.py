"""Plain-data forms of the answers a task can take (regimens), so the grader judges them in its own process.

>>> from kettutor import Regimen
>>> regimen = Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=40, every_days=7, doses=3)
>>> regimen_from_payload(regimen_to_payload(regimen)) == regimen
True
"""

from __future__ import annotations

from typing import Any

from ..regimen import DoseEvent, Regimen

MAX_EVENTS = 5_000  # far more than a year of daily doses; a larger answer is refused before any simulation
_FIELDS = ("time_h", "amount", "unit", "route", "duration_h", "session")


def regimen_to_payload(regimen: Any) -> dict:
    """A :class:`~kettutor.Regimen` as ``{"events": [...]}``; anything else raises TypeError with what was given."""
    if not isinstance(regimen, Regimen):
        raise TypeError(f"expected a kettutor.Regimen, got {type(regimen).__name__}")
    if len(regimen.events) > MAX_EVENTS:
        raise ValueError(f"a regimen may have at most {MAX_EVENTS} doses; got {len(regimen.events)}")
    events = [{name: getattr(event, name) for name in _FIELDS} for event in regimen.events]
    return {"events": events, "interval_h": regimen.interval_h}


def regimen_from_payload(payload: Any) -> Regimen:
    """Rebuild a regimen from :func:`regimen_to_payload`'s data, validating every dose (ValueError if bad)."""
    if not isinstance(payload, dict) or not isinstance(payload.get("events"), list):
        raise ValueError("expected a regimen (a kettutor.Regimen built with Regimen.single, .repeated, ...)")
    events = payload["events"]
    if not events or len(events) > MAX_EVENTS:
        raise ValueError(f"a regimen needs between 1 and {MAX_EVENTS} doses; got {len(events)}")
    built = []
    for event in events:
        if not isinstance(event, dict) or set(event) != set(_FIELDS):
            raise ValueError("each dose needs exactly the fields " + ", ".join(_FIELDS))
        built.append(DoseEvent(**event))
    interval_h = payload.get("interval_h")
    if interval_h is not None and (isinstance(interval_h, bool) or not isinstance(interval_h, (int, float))):
        raise ValueError(f"interval_h must be a number of hours or None; got {interval_h!r}")
    return Regimen(tuple(built), interval_h=interval_h)
