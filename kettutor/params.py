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
    """A plain-text table of a parameter set."""
    lines = [f"{type(params).__name__}"]
    for row in parameter_rows(params):
        lines.append(f"  {row['name']} = {row['value']!r} {row['unit']}  ({row['source']})")
    return "\n".join(lines)


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
