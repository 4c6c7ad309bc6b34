"""A validation target: one published (or literature-directed) quantity, how to measure it on a simulated
patient, and the range that counts as agreement.

Evidence labels:

- ``measured``: the number comes from a human (or, where named, animal) measurement or a published
  analysis of measurements.
- ``illustrative``: the literature gives a direction only; the bound states the direction with a margin
  and the magnitude is a calibration choice.
- ``numerical``: no literature value is involved; the reference is an exact or independent computation
  (a software-correctness check, such as agreement across output grids).
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from kettutor import Patient

EVIDENCE = ("measured", "illustrative", "numerical")
GROUPS = (
    "PK and acute effects",
    "Tolerance",
    "Sensitization",
    "Antidepressant effect",
    "Escalation and dependence",
    "Patients and protocols",
    "Audit items",
)
DEFAULT_WEIGHTS_KG = (50.0, 110.0)
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-]*$")


@dataclass(frozen=True)
class Target:
    """A published target and how to measure the model's value for it.

    ``measure`` takes a :class:`kettutor.Patient` and returns the model's value in ``unit``. Each target
    is evaluated for a patient of each weight in ``weights_kg``; an empty tuple means the measure draws its
    own patients (a cohort, a case generator) and is evaluated once. ``low``/``high`` are inclusive bounds
    (``-inf``/``inf`` for one-sided). A ``known_limitation`` (its reason) is reported but does not fail.
    """

    id: str
    group: str
    phenomenon: str
    claim: str
    source: str
    regimen: str
    quantity: str
    unit: str
    published: str
    low: float
    high: float
    evidence: str
    measure: Callable[[Patient], float] = field(repr=False, compare=False)
    weights_kg: tuple[float, ...] = DEFAULT_WEIGHTS_KG
    published_value: float | None = None  # central published number, for the model-against-published charts
    chart: str | None = None  # name of the report chart that shows this target
    known_limitation: str | None = None

    def __post_init__(self) -> None:
        if not _ID.match(self.id):
            raise ValueError(f"target id must be letters, digits, '-' and '.'; got {self.id!r}.")
        if self.group not in GROUPS:
            raise ValueError(f"target {self.id}: group must be one of {GROUPS}; got {self.group!r}.")
        if self.evidence not in EVIDENCE:
            raise ValueError(f"target {self.id}: evidence must be one of {EVIDENCE}; got {self.evidence!r}.")
        if not self.low <= self.high:
            raise ValueError(f"target {self.id}: low ({self.low}) must be <= high ({self.high}).")

    def accepts(self, value: float) -> bool:
        """Whether ``value`` lies within the accepted range (NaN never does)."""
        return not math.isnan(value) and self.low <= value <= self.high


@dataclass(frozen=True)
class TargetResult:
    """The model's values for one target: ``values`` holds (weight in kg or None, value) pairs."""

    target: Target
    values: tuple[tuple[float | None, float], ...]
    error: str | None = None

    @property
    def passed(self) -> bool:
        """Every value lies in the accepted range and the measure raised no error."""
        return self.error is None and all(self.target.accepts(value) for _, value in self.values)

    @property
    def status(self) -> str:
        """'pass', 'known limitation' or 'FAIL'."""
        if self.passed:
            return "pass"
        return "known limitation" if self.target.known_limitation else "FAIL"


@cache
def evaluate(target: Target) -> TargetResult:
    """Measure ``target`` at each of its weights (cached: one evaluation per target and process).

    Warnings are silenced while measuring, so the values do not depend on the caller's warning filters;
    an exception becomes a NaN value and the error text, so one broken measure does not stop a report.
    """
    values: list[tuple[float | None, float]] = []
    error = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for weight in target.weights_kg or (None,):
            patient = Patient() if weight is None else Patient(weight_kg=weight)
            try:
                value = float(target.measure(patient))
            except Exception as exc:  # reported in the table and by the test, never swallowed silently
                value, error = math.nan, error or f"{type(exc).__name__}: {exc}"
            values.append((weight, value))
    return TargetResult(target, tuple(values), error)


def evaluate_all(targets: tuple[Target, ...]) -> tuple[TargetResult, ...]:
    """Evaluate every target, in order."""
    return tuple(evaluate(target) for target in targets)
