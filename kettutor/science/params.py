"""Cited parameters: every default value carries its unit, a description and its source.

A parameter set is a frozen dataclass whose fields are declared with :func:`cited`. An instance whose values
come from another paper than the defaults names them in a ``sources`` field: ``(("field", "source"), ...)``. Change a value with
``dataclasses.replace``; show the set as a table in Jupyter (``_repr_html_``) or as text with
:func:`parameter_table`.
"""

from __future__ import annotations

import dataclasses
import html
from typing import Any

from .._validate import check_number, check_sequence, shown


def cited(value: Any, unit: str, description: str, source: str) -> Any:
    """Declare a dataclass field with its default ``value``, ``unit``, ``description`` and ``source``."""
    return dataclasses.field(
        default=value, metadata={"unit": unit, "description": description, "source": source}
    )


def parameter_rows(params: Any) -> list[dict[str, Any]]:
    """Rows (name, value, unit, description, source) for a parameter dataclass instance."""
    overrides = dict(getattr(params, "sources", ()))
    rows = []
    for field in dataclasses.fields(params):
        meta = field.metadata
        if field.name == "sources":
            continue
        rows.append(
            {
                "name": field.name,
                "value": getattr(params, field.name),
                "unit": meta.get("unit", ""),
                "description": meta.get("description", ""),
                "source": overrides.get(field.name, meta.get("source", "")),
            }
        )
    return rows


def parameter_table(params: Any) -> str:
    """A plain-text table of a parameter set: each field's value, unit and source.

    >>> from kettutor import Patient, parameter_table
    >>> print(parameter_table(Patient(weight_kg=60.0, age_years=30.0)))
    Patient
      weight_kg = 60.0 kg  (...)
      age_years = 30.0 years  (...)
    ...
    """
    if not dataclasses.is_dataclass(params) or isinstance(params, type):
        hint = f" (an instance: {params.__name__}() or a named set)" if isinstance(params, type) and dataclasses.is_dataclass(params) else ""
        raise ValueError(
            "params must be a parameter set: a kettutor dataclass instance such as kettutor.PHARMACODYNAMICS, "
            f"kettutor.DISPOSITIONS['ketamine'] or kettutor.Patient(){hint}; got {shown(params)} of type {type(params).__name__}."
        )
    lines = [f"{type(params).__name__}"]
    for row in parameter_rows(params):
        lines.append(f"  {row['name']} = {row['value']!r} {row['unit']}  ({row['source']})")
    return "\n".join(lines)


def check_fields(params: Any, ranges: dict[str, tuple[float, float]], *, above: tuple[str, ...] = ()) -> None:
    """Check that each numeric field in ``ranges`` lies in [low, high] (``above``: (low, high]), naming the
    field, its unit (from the field's metadata), its range and the value given; then normalise it to float."""
    units = {field.name: field.metadata.get("unit", "") for field in dataclasses.fields(params)}
    for name, (low, high) in ranges.items():
        value = check_number(name, getattr(params, name), units[name], low=low, high=high, low_inclusive=name not in above)
        object.__setattr__(params, name, value)


def check_labels(params: Any, *names: str) -> None:
    """Check text fields and the ``sources`` field: ``(("field", "source"), ...)``."""
    for name in names:
        if not isinstance(getattr(params, name), str):
            raise ValueError(f"{name} must be a str; got {shown(getattr(params, name))}.")
    if hasattr(params, "sources"):
        sources = check_sequence("sources", params.sources, "(field, source) pairs", example="(('k10_per_min', 'Domino 1984'),)")
        for pair in sources:
            if not (isinstance(pair, tuple) and len(pair) == 2 and all(isinstance(text, str) for text in pair)):
                raise ValueError(f"sources must hold (field, source) pairs of str; got {shown(pair)}.")
        object.__setattr__(params, "sources", sources)


class CitedParameters:
    """Mixin for frozen parameter dataclasses: renders as an HTML table in Jupyter."""

    def _repr_html_(self) -> str:
        cells = "".join(
            "<tr>"
            + "".join(
                f"<td style='text-align:left'>{html.escape(str(row[key]))}</td>"
                for key in ("name", "value", "unit", "description", "source")
            )
            + "</tr>"
            for row in parameter_rows(self)
        )
        header = "".join(f"<th style='text-align:left'>{h}</th>" for h in ("parameter", "value", "unit", "meaning", "source"))
        return f"<table><caption>{type(self).__name__}</caption><tr>{header}</tr>{cells}</table>"
