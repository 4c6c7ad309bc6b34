"""Input checks that speak to learners: name the parameter, its unit, the valid range and what was given."""

from __future__ import annotations

import difflib
import math
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from numbers import Integral, Real


class ValidatedRangeWarning(UserWarning):
    """A value is allowed but lies outside the range the model was checked against.

    The warning carries the value and its validated range: ``name``, ``value``, ``unit``, ``low``, ``high``.

    >>> import warnings
    >>> from kettutor import Patient, ValidatedRangeWarning
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     child = Patient(weight_kg=20.0, age_years=6.0)   # allowed, but outside the adult studies
    >>> [w.category is ValidatedRangeWarning for w in caught]
    [True, True]
    >>> warning = caught[0].message
    >>> warning.name, warning.value, warning.unit, warning.low, warning.high   # kg
    ('weight_kg', 20.0, 'kg', 40.0, 150.0)
    """


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
            f"{name} must be a number ({valid}{unit_text}); got {shown(value)} of type {type(value).__name__}."
        )
    try:
        number = float(value)
    except (OverflowError, ValueError):  # an int beyond the float range
        number = math.inf if value > 0 else -math.inf
    if not math.isfinite(number):
        raise ValueError(f"{name} must be a finite number ({valid}{unit_text}); got {shown(value)}.")
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
    if isinstance(value, Integral) and not isinstance(value, bool):
        count = int(value)
    elif isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value) and float(value).is_integer():
        count = int(value)
    else:
        raise ValueError(f"{name} must be a whole number ({valid}); got {shown(value)}.")
    if count < low or (high is not None and count > high):
        raise ValueError(f"{name} must be a whole number {valid}; got {shown(count, 30)}.")
    return count


def check_choice(name: str, value: object, choices: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``choices``; otherwise raise suggesting the closest names."""
    options = sorted(choices)
    if isinstance(value, str) and value in options:
        return value
    text = value if isinstance(value, str) else ""
    normalised = text.strip().lower().replace(" ", "_").replace("-", "_")  # wrong case or spaces: 'IV bolus'
    close = [o for o in options if o == normalised] or (difflib.get_close_matches(text[:100], options, n=1, cutoff=0.5) if text else [])
    hint = f" Did you mean {close[0]!r}?" if close else ""
    kind = "" if isinstance(value, str) else f" of type {type(value).__name__}"
    raise ValueError(f"unknown {name} {shown(value)}{kind}.{hint} Valid {name}s: {', '.join(options)}.")


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
    collected = _COLLECTED.get()
    if collected is not None:  # an app is collecting notes in this thread: no global warning state touched
        collected.append(warning)
        return
    warnings.warn(warning, stacklevel=3)


_COLLECTED: ContextVar[list | None] = ContextVar("kettutor_range_warnings", default=None)


@contextmanager
def collecting_range_warnings() -> Iterator[list]:
    """Collect :class:`ValidatedRangeWarning` s raised in this thread into a list instead of warning.

    Thread-safe, unlike ``warnings.catch_warnings``: apps build previews and full results in two threads.
    """
    token = _COLLECTED.set([])
    try:
        yield _COLLECTED.get()
    finally:
        _COLLECTED.reset(token)


def shown(value: object, limit: int = 80) -> str:
    """``repr(value)`` for an error message, shortened to about ``limit`` characters."""
    try:
        text = repr(value)
    except Exception:  # a value whose repr fails still gets a message
        text = f"<{type(value).__name__} object>"
    return text if len(text) <= limit else text[: limit - 5] + " ...>"


def check_instance(name: str, value: object, kind: type, example: str) -> object:
    """Return ``value`` if it is a ``kind``; otherwise raise ``ValueError`` naming what is needed and what was given."""
    if isinstance(value, kind):
        return value
    raise ValueError(
        f"{name} must be a kettutor.{kind.__name__} (for example {example}); got {shown(value)} of type {type(value).__name__}."
    )


def check_seed(name: str, seed: object):
    """A numpy Generator from ``seed``: a whole number >= 0, or a ``numpy.random.Generator`` (used as it is)."""
    import numpy as np

    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, Integral) and not isinstance(seed, bool):
        if seed >= 0:
            return np.random.default_rng(int(seed))
        raise ValueError(f"{name} must be an int >= 0 or a numpy.random.Generator; got {int(seed)}.")
    raise ValueError(
        f"{name} must be an int >= 0 or a numpy.random.Generator; got {shown(seed)} of type {type(seed).__name__}."
    )


def check_sequence(name: str, value: object, what: str, *, example: str, low: int = 0, high: int | None = None) -> tuple:
    """``value`` (a list, tuple or other iterable of ``what``) as a tuple of low to high items; a single string,
    ``None``, a mapping or a scalar raise ``ValueError`` with an example of the expected form."""
    import numpy as np

    if isinstance(value, (str, bytes, dict)) or value is None or (isinstance(value, np.ndarray) and value.ndim != 1):
        raise ValueError(f"{name} must be a list or tuple of {what}, e.g. {example}; got {shown(value)}.")
    try:
        items = tuple(value)
    except TypeError:
        raise ValueError(f"{name} must be a list or tuple of {what}, e.g. {example}; got {shown(value)} of type {type(value).__name__}.") from None
    if len(items) < low or (high is not None and len(items) > high):
        bounds = f"at least {low}" + (f" and at most {high}" if high is not None else "")
        raise ValueError(f"{name} must hold {bounds} {what}; got {len(items)}.")
    return items
