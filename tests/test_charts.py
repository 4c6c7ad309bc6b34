"""Chart builders: valid Vega-Lite specs, units in axis titles, the row cap, peak-preserving thinning, the
colour-blind-safe palette and the view parameters apps move."""

import json
import re

import numpy as np
import pytest

import kettutor
from kettutor import Regimen, charts

PATIENT = kettutor.Patient()
YEAR = Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=40, every_days=3.5, duration_days=365)


@pytest.fixture(scope="module")
def year():
    """One year, every minute for hours after each dose: ~50,000 rows per series if charted raw."""
    result = kettutor.simulate(PATIENT, YEAR, days=365, dense_step_min=1.0)
    assert result.time_h.size > 40_000
    return result


@pytest.fixture(scope="module")
def specs(year):
    routes = {r: kettutor.simulate(PATIENT, Regimen.single(dose_mg=35, route=r), days=1) for r in ("intranasal", "oral", "im")}
    cohort = kettutor.simulate(kettutor.Cohort.sample(60, seed=3), Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=40, every_days=3.5, doses=6), days=24)
    with pytest.warns(kettutor.ValidatedRangeWarning):
        escalation = kettutor.escalating_use(sessions=20, start_dose_mg_per_kg=1.0)
    doses, responses = kettutor.dose_response(PATIENT, YEAR, day=0)
    built = {
        "concentration": charts.concentration_chart(routes),
        "effects": charts.effects_chart(year, band_percent=(20.0, 60.0)),
        "sessions": charts.session_response_chart({"twice weekly": year}),
        "dose_response": charts.dose_response_chart({"day 0": (doses, responses)}),
        "cohort": charts.cohort_chart(cohort),
        "escalation": charts.escalation_chart(escalation),
        "recovery": charts.recovery_chart(year, holidays=[(30.0, 44.0)]),
        "challenge": charts.challenge_chart({"once a day": 1.2, "continuous infusion": 0.95}),
    }
    return {name: chart.to_dict() for name, chart in built.items()}  # to_dict validates against the schema


def _encodings(node):
    if isinstance(node, dict):
        if "encoding" in node:
            yield node["encoding"]
        for value in node.values():
            yield from _encodings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _encodings(value)


def test_every_builder_gives_a_valid_vega_lite_spec(specs):
    assert set(specs) == {"concentration", "effects", "sessions", "dose_response", "cohort", "escalation", "recovery", "challenge"}
    for name, spec in specs.items():
        assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/"), name
        assert charts.row_count(spec) > 0, name


def test_every_spec_compiles_with_the_bundled_vega_lite(specs):
    """Schema validation misses some errors that only Vega-Lite's compiler finds (for example a datum
    encoding without a type renders as 'Invalid field type'). vl-convert compiles each spec with the
    Vega-Lite version of JupyterChart's offline bundle, as the browser would."""
    vl_convert = pytest.importorskip("vl_convert")
    from altair.utils._importers import vl_version_for_vl_convert

    for name, spec in specs.items():
        vega = vl_convert.vegalite_to_vega(spec, vl_version=vl_version_for_vl_convert())
        assert vega["$schema"].startswith("https://vega.github.io/schema/vega/"), name


def test_quantitative_axes_carry_units_in_their_titles(specs):
    """Every titled x/y axis names its unit in parentheses: (h), (days), (mg/L), (mg/kg), (% ...), ..."""
    checked = 0
    for name, spec in specs.items():
        for encoding in _encodings(spec):
            for channel in ("x", "y"):
                title = encoding.get(channel, {}).get("title")
                if title:
                    assert "(" in title and title.rstrip().endswith(")"), f"{name}: {title!r}"
                    checked += 1
    assert checked >= 14


def test_long_series_respect_the_row_cap_and_keep_their_peaks(year, specs):
    for name in ("effects", "recovery", "concentration"):
        assert charts.row_count(specs[name]) <= charts.MAX_ROWS, name
    keep = charts.peak_preserving_indices(year.effect("dissociation"), 1000)
    assert keep.size <= 1000
    assert year.effect("dissociation")[keep].max() == year.effect("dissociation").max()
    assert year.effect("dissociation")[keep].min() == year.effect("dissociation").min()


def test_thinning_keeps_every_bucket_extreme():
    values = np.sin(np.linspace(0, 60 * np.pi, 50_000)) * np.linspace(1, 2, 50_000)
    keep = charts.peak_preserving_indices(values, 600)
    assert keep.size <= 600 and keep[0] == 0 and keep[-1] == values.size - 1
    assert np.isclose(values[keep].max(), values.max()) and np.isclose(values[keep].min(), values.min())
    short = np.arange(10.0)
    np.testing.assert_array_equal(charts.peak_preserving_indices(short, 600), np.arange(10))


def test_colours_come_from_the_colour_blind_safe_palette(specs):
    """Every colour a chart names is one of the Okabe-Ito palette's (plus black for reference lines)."""
    used = set()
    for spec in specs.values():
        used |= set(re.findall(r"#[0-9A-Fa-f]{6}", json.dumps(spec)))
    assert used and used <= set(charts.PALETTE)


def test_view_parameters_are_declared_for_the_apps(specs):
    def names(spec):
        return {p["name"] for p in spec.get("params", [])}

    assert "threshold" in names(specs["effects"]) and "band" in specs["effects"]["datasets"]
    assert "reference" in names(specs["sessions"]) and "reference" in names(specs["challenge"])
    assert "window_h" in names(specs["concentration"])
    assert "from_day" in names(specs["recovery"])


def test_chart_input_errors_are_clear(year):
    with pytest.raises(ValueError, match="antidepressant effect"):
        charts.effects_chart(year, ("dissociation", "antidepressant"))
    with pytest.raises(ValueError, match="band_percent high must be"):
        charts.effects_chart(year, band_percent=(50.0, 20.0))
    with pytest.raises(ValueError, match="threshold_percent must be"):
        charts.effects_chart(year, threshold_percent=150)
    with pytest.raises(ValueError, match="quantity must be 'plasma' or 'effect site'"):
        charts.concentration_chart({"iv": year}, quantity="urine")
    with pytest.raises(ValueError, match="Did you mean 'dissociation'"):
        charts.session_response_chart({"x": year}, "disociation")


def test_holiday_windows_find_the_breaks():
    regimen = Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=40, every_days=1, duration_days=56).with_periodic_holidays(every_days=28, length_days=7)
    windows = charts.holiday_windows(regimen, min_gap_days=1.5)
    assert len(windows) == 1 and windows[0][1] - windows[0][0] == pytest.approx(8.0)
