"""Input checks that speak to learners: name the parameter, its unit, the valid range and what was given."""

from __future__ import annotations

import difflib
import math
import warnings
from collections.abc import Iterable
from numbers import Real


class ValidatedRangeWarning(UserWarning):
    """A value is allowed but lies outside the range the model was checked against."""


def _describe_range(low: float | None, high: float | None, low_inclusive: bool, high_inclusive: bool) -> str:
    parts = []
    if low is not None:
        parts.append(f"{'>=' if low_inclusive else '>'} {low:g}")
    if high is not None:
        parts.append(f"{'<=' if high_inclusive else '<'} {high:g}")
    return " and ".join(parts) if parts else "finite"


def check_number(
    name: str,
    value: object,
    unit: str,
    *,
    low: float | None = None,
    high: float | None = None,
    low_inclusive: bool = False,
    high_inclusive: bool = True,
) -> float:
    """Return ``value`` as a float, or raise ``ValueError`` naming parameter, unit, range and value.

    ``low``/``high`` bound the valid range; by default the lower bound is exclusive (``> low``)
    and the upper bound inclusive (``<= high``).
    """
    unit_text = f" {unit}" if unit else ""
    valid = _describe_range(low, high, low_inclusive, high_inclusive)
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError(
            f"{name} must be a number ({valid}{unit_text}); got {value!r} of type {type(value).__name__}."
        )
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be a finite number ({valid}{unit_text}); got {value!r}.")
    too_low = low is not None and (number < low or (number == low and not low_inclusive))
    too_high = high is not None and (number > high or (number == high and not high_inclusive))
    if too_low or too_high:
        hint = ""
        if too_low and number < 0 and (high is None or -number <= high) and (low is None or -number > low):
            hint = f" Did you mean {-number:g}?"
        raise ValueError(f"{name} must be {valid}{unit_text}; got {number:g}.{hint}")
    return number


def check_count(name: str, value: object, *, low: int = 1, high: int | None = None) -> int:
    """Return ``value`` as an int, or raise ``ValueError`` if it is not a whole number in range."""
    valid = f">= {low}" + (f" and <= {high}" if high is not None else "")
    if isinstance(value, bool) or not isinstance(value, Real) or not float(value).is_integer():
        raise ValueError(f"{name} must be a whole number ({valid}); got {value!r}.")
    count = int(value)
    if count < low or (high is not None and count > high):
        raise ValueError(f"{name} must be a whole number {valid}; got {count}.")
    return count


def check_choice(name: str, value: object, choices: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``choices``; otherwise raise suggesting the closest names."""
    options = sorted(choices)
    if isinstance(value, str) and value in options:
        return value
    close = difflib.get_close_matches(str(value), options, n=1, cutoff=0.5)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    raise ValueError(f"unknown {name} {value!r}.{hint} Valid {name}s: {', '.join(options)}.")


def warn_outside(name: str, value: float, unit: str, low: float, high: float, source: str) -> None:
    """Warn (once per call site) that ``value`` lies outside the model's validated range."""
    if low <= value <= high:
        return
    warning = ValidatedRangeWarning(
        f"{name} = {value:g} {unit} lies outside the model's validated range "
        f"({low:g}-{high:g} {unit}, {source}); results are an extrapolation. "
        "kettutor is an educational model, not a dosing guide."
    )
    warning.name, warning.value, warning.unit, warning.low, warning.high = name, value, unit, low, high
    warnings.warn(warning, stacklevel=3)
