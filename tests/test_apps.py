"""Slider apps, headless: build each with no arguments, move sliders from Python and check that the chart
data and the readout change the way the model says; view sliders move chart parameters without
re-simulating; bad values show the API's error in the app; the widget's JavaScript needs no network."""

import re
from urllib.parse import urlparse

import altair as alt
import pytest
import vl_convert
from altair.utils._importers import vl_version_for_vl_convert

from kettutor import apps, charts

pytestmark = pytest.mark.filterwarnings("ignore::kettutor.ValidatedRangeWarning")


@pytest.fixture(scope="module")
def explorer():
    return apps.dose_frequency_holiday_explorer()


def _set(app, **values):
    """Move model sliders one by one, as a learner would, and return the app's numbers."""
    for name, value in values.items():
        app.controls[name].value = value
    app.wait()  # apps with a preview finish the full result in the background
    return dict(app.numbers)


@pytest.mark.parametrize("name", list(apps.APPS))
def test_every_app_runs_with_no_arguments(name):
    app = apps.APPS[name]()
    assert isinstance(app.chart, alt.JupyterChart) and app.chart.spec["$schema"].startswith("https://vega.github.io/schema/")
    assert app.readout.value and app.numbers
    assert "not medical advice" in app.children[-1].value
    for control in app.controls.values():
        if hasattr(control, "continuous_update"):
            assert control.continuous_update is False, "model sliders update on release"
            assert "(" in control.description, f"{control.description!r} names no unit"
    assert charts.row_count(app.chart.spec) <= charts.MAX_ROWS
    vl_convert.vegalite_to_vega(app.chart.spec, vl_version=vl_version_for_vl_convert())  # compiles as the browser would


def test_shorter_interval_gives_lower_late_session_response(explorer):
    weekly = _set(explorer, holiday_days=0, course_weeks=12, every_days=7.0)
    daily = _set(explorer, every_days=1.0)
    assert daily["last_relative_percent"] < weekly["last_relative_percent"] - 20
    assert f"{daily['last_relative_percent']:.0f} %" in explorer.readout.value


def test_longer_holiday_gives_more_recovery(explorer):
    _set(explorer, every_days=1.0, course_weeks=12, holiday_every_weeks=4)
    recovery = {}
    for days in (3, 7, 14):
        numbers = _set(explorer, holiday_days=days)
        recovery[days] = numbers["after_last_holiday_percent"] - numbers["before_last_holiday_percent"]
    assert 0 < recovery[3] < recovery[7] < recovery[14]


def test_chart_data_follow_the_model(explorer):
    _set(explorer, every_days=3.5, holiday_days=0, dose_mg_per_kg=0.5)
    before = dict(explorer.chart.spec["datasets"])
    _set(explorer, dose_mg_per_kg=1.0)
    after = explorer.chart.spec["datasets"]
    assert after["sessions"] != before["sessions"] and after["adaptation"] != before["adaptation"]


def test_view_sliders_move_parameters_without_resimulating(explorer):
    runs, tables = explorer.simulations, dict(explorer.chart.spec["datasets"])
    control, param = explorer.view["reference"]
    control.value = 60.0
    assert getattr(explorer.chart.params, param) == 60.0
    assert explorer.simulations == runs and explorer.chart.spec["datasets"] == tables
    _set(explorer, dose_mg_per_kg=0.6)  # a model change keeps the learner's view setting
    assert getattr(explorer.chart.params, param) == 60.0
    assert [p["value"] for p in explorer.chart.spec["params"] if p["name"] == param] == [60.0]


def test_intermittent_vs_continuous_flips_the_sign_of_the_change():
    app = apps.intermittent_vs_continuous()
    assert app.numbers["once a day"] > 100.0 > app.numbers["continuous infusion"]
    assert "sensitization" in app.readout.value and "tolerance" in app.readout.value


def test_route_comparison_shows_first_pass_and_absorption():
    app = apps.route_comparison()
    _set(app, routes=("iv_infusion", "oral"))
    oral, iv = app.numbers["oral"], app.numbers["iv_infusion"]
    assert oral["auc_mg_h_per_l"] < 0.5 * iv["auc_mg_h_per_l"]
    assert "Oral (swallowed)" in app.readout.value and "window_h" in {p["name"] for p in app.chart.spec["params"]}


def test_cohort_explorer_spread_and_responders():
    app = apps.cohort_explorer()
    numbers = _set(app, patients=100, every_days=1.0, course_weeks=4)
    assert numbers["p5_last_percent"] < numbers["median_last_percent"] < numbers["p95_last_percent"]
    assert 0.0 <= numbers["responders_percent"] <= 100.0


def test_escalation_explorer_teaches_harms():
    app = apps.escalation_explorer()
    daily = _set(app, every_days=1.0)
    assert daily["reached_limit"] and daily["harms"] and "Harms reached" in app.readout.value
    weekly = _set(app, every_days=7.0, sessions=20)
    assert not weekly["harms"]


def test_escalation_notes_extrapolation_in_the_app():
    """Doses beyond the validated range run, and the app says they are an extrapolation."""
    app = apps.escalation_explorer()
    assert "checked against" in app.message.value and "extrapolation" in app.message.value
    assert "nasal dose of" in app.message.value and "intranasal dose" not in app.message.value  # in words, not code names


def test_out_of_range_values_show_the_api_error_in_the_app(explorer):
    """A value forced beyond a slider's range from code reaches the model, whose clear error (parameter,
    range, unit, value) appears in the app; the last good chart stays and nothing raises."""
    _set(explorer, every_days=3.5, holiday_days=0)
    spec, runs = explorer.chart.spec, explorer.simulations
    dose = explorer.controls["dose_mg_per_kg"]
    dose.max = 100.0
    dose.value = 60.0
    assert "‘Dose (mg/kg)’" in explorer.message.value and "mg/kg" in explorer.message.value and "60" in explorer.message.value
    assert "dose_mg_per_kg" not in explorer.message.value  # the slider's label, not the model's parameter name
    assert explorer.chart.spec is spec and explorer.simulations == runs
    assert explorer.chart.layout.opacity == apps.STALE_OPACITY and "greyed-out" in explorer.message.value
    dose.value, dose.max = 0.5, 2.0
    assert explorer.message.value == "" and explorer.chart.layout.opacity == "1"
    _set(explorer, holiday_every_weeks=2, holiday_days=14)  # a holiday as long as its cycle
    message = explorer.message.value
    assert "14 days" in message and "2 weeks" in message and "Holiday length" in message and "length_days" not in message


def test_empty_route_selection_is_a_clear_message():
    app = apps.route_comparison()
    app.controls["routes"].value = ()
    assert "choose at least one route" in app.message.value


def test_widget_javascript_is_offline():
    """After an app is built, JupyterChart's JavaScript is the bundle from vl-convert-python: it imports
    nothing from a CDN. The only addresses left in it are XML namespaces and documentation links."""
    apps.dose_frequency_holiday_explorer()
    source = alt.JupyterChart._esm
    assert len(source) > 100_000
    for cdn in ("esm.sh", "jsdelivr", "unpkg", "cdnjs", "skypack"):
        assert cdn not in source
    assert not re.search(r"""(import|from)\s*\(?\s*["']https?://""", source)
    hosts = {urlparse(url).hostname for url in re.findall(r"https?://[A-Za-z0-9./_-]+", source)}
    assert hosts <= {"www.w3.org", "github.com", "vega.github.io"}


def test_route_app_opens_on_the_hours_its_slider_shows_and_names_routes_in_words():
    app = apps.route_comparison()
    assert app.chart.params.window_h == app.view["window"][0].value
    labels = [label for label, _ in app.controls["routes"].options]
    assert all("_" not in label for label in labels) and "intramuscular injection" in labels
    assert "Ctrl" in app.children[1].value  # how to pick several


def test_route_app_says_an_extrapolated_dose_in_the_learners_unit_without_repeating_the_disclaimer():
    app = apps.route_comparison()
    _set(app, dose_mg=100.0)
    assert "100 mg is" in app.message.value and "not a dosing guide" not in app.message.value


def test_every_app_chart_carries_a_text_description_that_follows_the_data():
    for build in apps.APPS.values():
        app = build()
        first = app.chart.spec["description"]
        assert len(first) > 40, first
    explorer = apps.dose_frequency_holiday_explorer()
    before = explorer.chart.spec["description"]
    _set(explorer, every_days=1.0)
    assert explorer.chart.spec["description"] != before and "84 sessions" in explorer.chart.spec["description"]


def test_escalation_readout_names_the_route_and_shows_the_anaesthesia_it_reaches():
    app = apps.escalation_explorer()
    assert "nasal" in app.children[0].value.lower()
    table = app.chart.spec["datasets"]["effects"]
    assert "anaesthesia" in table and "dissociation" in table
    _set(app, start_dose_mg_per_kg=0.25, sessions=10, every_days=7.0)
    assert "0.25 to 0.25" not in app.readout.value


def test_slow_apps_answer_with_a_preview_then_the_full_result():
    """The escalation app shows its first sessions at once, says a full result is coming, then replaces it."""
    app = apps.escalation_explorer()
    app.controls["sessions"].value = 60
    preview_sessions = len(app.chart.spec["datasets"]["doses"].strip().splitlines()) - 1
    assert preview_sessions == apps.ESCALATION_PREVIEW_SESSIONS and "preview" in app.message.value
    app.wait()
    assert len(app.chart.spec["datasets"]["doses"].strip().splitlines()) - 1 == 60
    assert "preview" not in app.message.value


def test_a_newer_slider_move_wins_over_an_older_background_result():
    app = apps.cohort_explorer()
    app.controls["course_weeks"].value = 8
    app.controls["course_weeks"].value = 2
    app.wait()
    assert app.readout.value.startswith("Session 4:")  # 2 weeks of doses every 3.5 days, not 8 weeks


def test_explorer_opens_on_a_visible_fall_not_a_flat_line():
    """At its defaults the explorer's top chart does not start at zero: its axis spans at least 80-110 % of
    the first session, so the default course's fall takes a visible share of the chart's height."""
    app = apps.dose_frequency_holiday_explorer()
    top = app.chart.spec["vconcat"][0]
    lines = next(layer for layer in top["layer"] if layer["mark"].get("type") == "line" or layer["mark"] == "line")
    assert lines["encoding"]["y"]["scale"]["zero"] is False
    last = app.numbers["last_relative_percent"]
    low, high = min(80.0, last), 110.0
    assert (100.0 - last) / (high - low) > 0.25, "the fall should fill a quarter of the axis or more"
