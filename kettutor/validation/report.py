"""The validation report (``docs/validation.md`` and its charts) and the parameter table (``docs/parameters.md``),
generated from evaluated targets and from the parameter sets in the code.

Everything here is deterministic: no dates, floats with fixed significant digits, and tables in the order
of the code, so a test can compare the committed files with freshly generated ones.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import kettutor
from kettutor.science.params import parameter_rows

from . import figures
from .target import DEFAULT_WEIGHTS_KG, EVIDENCE, GROUPS, TargetResult

VALIDATION_FILE = "validation.md"
PARAMETERS_FILE = "parameters.md"
CHART_FOLDER = "validation"
REGENERATE = "python -m kettutor.validation"
EVIDENCE_MEANING = {
    "measured": "the accepted range comes from a published measurement (human unless the source says otherwise)",
    "illustrative": "the literature gives a direction only; the bound states that direction with a margin, "
    "and the model's magnitude is a calibration choice",
    "numerical": "no literature value: a software check against an exact or independent computation",
}


# ----- formatting ------------------------------------------------------------------------------------
def format_number(value: float) -> str:
    """A value with three significant digits; tiny values (|v| < 1e-6, numerical noise) as '< 1e-6'."""
    if math.isnan(value):
        return "n/a"
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    if value == 0 or abs(value) < 1e-6:
        return "0" if value == 0 else "< 1e-6"
    if abs(value) >= 1000:
        return f"{value:.0f}"
    if abs(value) < 1e-3:
        return f"{value:.1e}"
    return f"{value:.3g}"


def _bound(value: float) -> str:
    return f"{value:.4g}" if math.isfinite(value) and value != 0 and abs(value) >= 1e-3 else format_number(value)


def accepted_range(low: float, high: float) -> str:
    """'150–300', '≥ 1.1', '≤ 0.8' or '= 0' (bounds with up to four significant digits)."""
    if low == high:
        return f"= {_bound(low)}"
    if math.isinf(low):
        return f"≤ {_bound(high)}"
    if math.isinf(high):
        return f"≥ {_bound(low)}"
    return f"{_bound(low)}–{_bound(high)}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def model_values(result: TargetResult) -> str:
    """Model values by weight; values outside the accepted range in bold."""
    parts = []
    for weight, value in result.values:
        shown = format_number(value)
        shown = shown if result.target.accepts(value) else f"**{shown}**"
        parts.append(shown if weight is None else f"{weight:g} kg: {shown}")
    return "; ".join(parts)


def verdict(result: TargetResult) -> str:
    """'pass', '**FAIL**' (with the error, if any) or 'known limitation: <reason>'."""
    if result.status == "pass":
        return "pass"
    if result.status == "known limitation":
        return f"known limitation: {result.target.known_limitation}"
    if result.error:
        return f"**FAIL** ({result.error.splitlines()[0][:120]})"
    return "**FAIL**"


def describe(result: TargetResult) -> str:
    """One line for a test message: id, model values, accepted range and unit."""
    target = result.target
    text = f"{target.id}: model {model_values(result)} {target.unit}; accepted {accepted_range(target.low, target.high)}"
    return text + (f"; error: {result.error}" if result.error else "")


# ----- docs/validation.md --------------------------------------------------------------------------------
CHARTS = (
    ("bioavailability.svg", "Bioavailability by route: accepted range, published value and model"),
    ("tmax.svg", "Time to peak by route: accepted range and model"),
    ("concentrations.svg", "Concentrations: model against published measurements"),
    ("qualification.svg", "Every target with a central published value: model / published"),
)


def chart_specs(results: Sequence[TargetResult]) -> dict[str, object]:
    """The report's charts by file name (Altair charts)."""
    tagged = lambda tag: [r for r in results if r.target.chart == tag]  # noqa: E731
    return {
        "bioavailability.svg": figures.range_chart(
            tagged("bioavailability"), y_title="bioavailability F (fraction of dose)", title="Bioavailability by route"
        ),
        "tmax.svg": figures.range_chart(tagged("tmax"), y_title="Tmax (min)", title="Time to peak plasma level"),
        "concentrations.svg": figures.concentration_chart(tagged("concentration")),
        "qualification.svg": figures.qualification_chart([r for r in results if r.target.published_value is not None]),
    }


def summary(results: Sequence[TargetResult]) -> str:
    """'N targets: a pass, b known limitations, c fail.'"""
    count = lambda status: sum(r.status == status for r in results)  # noqa: E731
    return (
        f"**{len(results)} targets: {count('pass')} pass, {count('known limitation')} known limitation"
        f"{'' if count('known limitation') == 1 else 's'}, {count('FAIL')} fail.**"
    )


def render_validation(results: Sequence[TargetResult]) -> str:
    """The text of docs/validation.md."""
    lines = [
        "# Validation report",
        "",
        "This file is generated from the code; do not edit it by hand. Regenerate it with",
        f"`{REGENERATE}` (and check that it is in sync with `{REGENERATE} --check`).",
        "",
        "Each row is one target in `kettutor/validation/` (the list `TARGETS`): a published number or a",
        "direction from `shared/science/ketamine-pkpd.md` (facts 1-10), `PHENOMENA.md` (K1-K5, T1-T6, S1-S3,",
        "E1-E3, P1-P5) or the numbered items of issue 9 (defects in `AUDIT-2026-11.md`). The model's value is",
        f"measured with the public API for patients of {' and '.join(f'{w:g}' for w in DEFAULT_WEIGHTS_KG)} kg (70 kg where",
        "the source reports a value for 70 kg; one value where the target draws its own patients), usually at a",
        "dose or interval other than the one a parameter was calibrated on. The tests in",
        "`tests/test_science_targets.py` run the same list, so the report and the tests cannot drift. Values",
        "outside the accepted range are in bold.",
        "",
        "Evidence:",
        "",
        *(f"- **{label}**: {EVIDENCE_MEANING[label]}." for label in EVIDENCE),
        "",
        summary(results),
        "",
    ]
    limitations = [r for r in results if r.target.known_limitation]
    if limitations:
        lines += ["Known limitations:", ""]
        lines += [f"- `{r.target.id}`: {r.target.known_limitation}" for r in limitations]
        lines.append("")
    header = "| id | claim | source | regimen | published | model | accepted | evidence | verdict |"
    for group in GROUPS:
        rows = [r for r in results if r.target.group == group]
        if not rows:
            continue
        lines += [f"## {group}", "", header, "|" + "---|" * 9]
        for r in rows:
            t = r.target
            cells = (
                f"`{t.id}`<br>{t.phenomenon}", t.claim, t.source, t.regimen, t.published,
                f"{model_values(r)} {t.unit}", f"{accepted_range(t.low, t.high)} {t.unit}", t.evidence, verdict(r),
            )
            lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
        lines.append("")
    lines += ["## Charts", ""]
    lines += [f"![{title}]({CHART_FOLDER}/{name})" + "\n" for name, title in CHARTS]
    return "\n".join(lines).rstrip() + "\n"


# ----- docs/parameters.md ----------------------------------------------------------------------------------
PARAMETER_EVIDENCE = (
    ("illustrative", "illustrative"),
    ("calibrat", "calibrated"),
    ("analogue", "analogue (another drug)"),
    ("derived", "derived"),
    ("rescal", "derived"),
)
DEFINITION_SOURCES = ("typical", "no interaction", "reference", "scale", "not absorbed", "adult population", "kettutor.")


def parameter_evidence(source: str, value: object = 0.0) -> str:
    """'measured or illustrative' column, read from a parameter's source text ('label' for text values)."""
    if isinstance(value, str) or (isinstance(value, tuple) and not value):
        return "label"
    text = source.strip().lower()
    for key, label in PARAMETER_EVIDENCE:
        if key in text:
            return label
    if not text or text.startswith(DEFINITION_SOURCES) or text.endswith("label for charts"):
        return "definition"
    return "measured / published"


def _value(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        if isinstance(value, tuple):
            return ", ".join(map(str, value)) or "(none)"
        return str(value)
    return f"{value:.6g}"


def _parameter_table(rows: list[dict]) -> list[str]:
    lines = ["| name | value | unit | meaning | source | measured or illustrative |", "|---|---|---|---|---|---|"]
    for row in rows:
        cells = (
            row["name"], _value(row["value"]), row["unit"], row["description"], row["source"],
            parameter_evidence(row["source"], row["value"]),
        )
        lines.append("| " + " | ".join(_cell(str(c)) for c in cells) + " |")
    return lines


def parameter_sets() -> list[tuple[str, object]]:
    """Every parameter set of the default model, with a heading."""
    from kettutor.science.adaptation import ADAPTATION
    from kettutor.solver.cohort import POPULATION
    from kettutor.science.comedications import COMEDICATIONS
    from kettutor.science.effects import ACUTE_EFFECTS, PHARMACODYNAMICS
    from kettutor.science.pk import DISPOSITIONS
    from kettutor.science.routes import ROUTES

    return [
        *((f"Disposition `{key}` (`kettutor.DISPOSITIONS`)", value) for key, value in DISPOSITIONS.items()),
        *((f"Route `{key}` (`kettutor.ROUTES`)", value) for key, value in ROUTES.items()),
        *((f"Acute effect `{key}` (`kettutor.ACUTE_EFFECTS`)", value) for key, value in ACUTE_EFFECTS.items()),
        ("Pharmacodynamics (`kettutor.PHARMACODYNAMICS`)", PHARMACODYNAMICS),
        ("Adaptation (`kettutor.ADAPTATION`)", ADAPTATION),
        *((f"Comedication `{key}` (`kettutor.COMEDICATIONS`)", value) for key, value in COMEDICATIONS.items()),
        ("Patient defaults (`kettutor.Patient()`)", kettutor.Patient()),
        ("Population variability (`kettutor.solver.cohort.POPULATION`)", POPULATION),
    ]


def _adjunct_rows() -> list[dict]:
    from kettutor.science.adaptation import ADJUNCT_BENEFIT_DECAY_MULTIPLIER

    return [
        {"name": name, "value": multiplier, "unit": "x", "description": "multiplies the fading rate of the antidepressant benefit", "source": source}
        for name, (multiplier, source) in ADJUNCT_BENEFIT_DECAY_MULTIPLIER.items()
    ]


def render_parameters() -> str:
    """The text of docs/parameters.md."""
    lines = [
        "# Parameters of the default model",
        "",
        "Generated from the parameter sets in the code by `python -m kettutor.validation`; do not edit by hand.",
        "The last column is read from each source: *illustrative* or *calibrated* where the source says so,",
        "*analogue* for values measured with another drug, *derived* for values computed from published ones,",
        "*definition* for units of scale, reference values and typical-patient multipliers, *label* for names",
        "and notes, and *measured / published* otherwise.",
        "",
    ]
    for heading, params in parameter_sets():
        lines += [f"## {heading}", "", *_parameter_table(parameter_rows(params)), ""]
    lines += ["## Adjunct therapies (`kettutor.science.adaptation.ADJUNCT_BENEFIT_DECAY_MULTIPLIER`)", "", *_parameter_table(_adjunct_rows()), ""]
    return "\n".join(lines).rstrip() + "\n"


# ----- writing and checking ---------------------------------------------------------------------------------
def generated_documents(results: Sequence[TargetResult]) -> dict[str, str]:
    """The generated markdown files by name."""
    return {VALIDATION_FILE: render_validation(results), PARAMETERS_FILE: render_parameters()}


def stale_files(results: Sequence[TargetResult], docs: Path) -> list[str]:
    """Names of the markdown files in ``docs`` that differ from what would be generated."""
    return [
        name
        for name, text in generated_documents(results).items()
        if not (docs / name).is_file() or (docs / name).read_text(encoding="utf-8") != text
    ]


def write(results: Sequence[TargetResult], docs: Path) -> list[Path]:
    """Write the markdown files and the report's charts (SVG) under ``docs``; returns the paths written."""
    written = []
    for name, text in generated_documents(results).items():
        path = docs / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    charts = docs / CHART_FOLDER
    charts.mkdir(exist_ok=True)
    for name, chart in chart_specs(results).items():
        path = charts / name
        path.write_text(figures.to_svg(chart), encoding="utf-8")
        written.append(path)
    return written

