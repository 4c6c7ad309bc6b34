"""Every default parameter names its unit and source; parameter sets render as tables; the public API is stable."""

import dataclasses

import pytest

import kettutor

PARAMETER_SETS = (
    [("disposition", name, d) for name, d in kettutor.DISPOSITIONS.items()]
    + [("route", name, r) for name, r in kettutor.ROUTES.items()]
    + [("acute effect", name, e) for name, e in kettutor.ACUTE_EFFECTS.items()]
    + [("comedication", name, c) for name, c in kettutor.COMEDICATIONS.items()]
    + [("pharmacodynamics", "default", kettutor.PHARMACODYNAMICS), ("patient", "default", kettutor.Patient())]
    + [("adaptation", "default", kettutor.ADAPTATION)]
)
LABEL_FIELDS = {"name", "drug", "kind", "note", "sources", "comedications", "adjunct_therapy"}


@pytest.mark.parametrize("kind, name, params", PARAMETER_SETS, ids=[f"{k}:{n}" for k, n, _ in PARAMETER_SETS])
def test_every_numeric_parameter_has_unit_description_and_source(kind, name, params):
    rows = {row["name"]: row for row in kettutor.science.params.parameter_rows(params)}
    for field in dataclasses.fields(params):
        if field.name in LABEL_FIELDS:
            continue
        row = rows[field.name]
        assert row["description"], f"{kind} {name}: {field.name} lacks a description"
        assert row["source"], f"{kind} {name}: {field.name} lacks a source"
        assert "unit" in field.metadata, f"{kind} {name}: {field.name} lacks a unit"


def test_instance_sources_override_the_default_citation():
    rows = {row["name"]: row for row in kettutor.science.params.parameter_rows(kettutor.DISPOSITIONS["esketamine"])}
    assert "Perez-Ruixo" in rows["k10_per_min"]["source"]
    assert "Domino" not in rows["k10_per_min"]["source"]


def test_parameter_sets_render_as_html_tables():
    html = kettutor.DISPOSITIONS["ketamine"]._repr_html_()
    assert html.startswith("<table>") and "k10_per_min" in html and "Domino" in html and "1/min" in html
    assert "Yanagihara" in kettutor.parameter_table(kettutor.ROUTES["oral"])


def test_parameter_sets_are_frozen_and_replaceable():
    route = kettutor.ROUTES["oral"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        route.bioavailability = 0.5
    assert dataclasses.replace(route, bioavailability=0.5).bioavailability == 0.5


def test_public_api_matches_the_documented_names():
    """Lessons, exercises and outside checks rely on these names (issue [1] public API)."""
    documented = {
        "Patient", "Regimen", "simulate", "EFFECT_NAMES", "ROUTES", "COMEDICATIONS", "DISPOSITIONS",
        "EXAMPLE_PATIENTS", "PHARMACODYNAMICS", "ACUTE_EFFECTS", "EFFECT_UNITS", "ValidatedRangeWarning",
        "ADAPTATION", "escalating_use", "titrate_to_response", "extend_interval_while_benefit_holds",
        "dose_response", "dose_to_match_first_response", "recovery_days",
    }
    assert documented <= set(kettutor.__all__)
    assert {"anesthesia", "dissociation", "analgesia", "antidepressant"} <= set(kettutor.EFFECT_NAMES)
    result = kettutor.simulate(
        kettutor.Patient(weight_kg=70.0, comedications=()),
        kettutor.Regimen.repeated(dose_mg_per_kg=0.5, route="iv_infusion", every_days=7, doses=2, infusion_min=40).then(
            kettutor.Regimen.single(dose_mg=35, route="iv_bolus")
        ),
        days=20,
    )
    for attribute in ("time_h", "plasma_mg_per_l", "effect_site_mg_per_l", "norketamine_mg_per_l", "norketamine_effect_site_mg_per_l"):
        assert getattr(result, attribute).shape == result.time_h.shape
    assert result.effect("dissociation").shape == result.time_h.shape
    assert result.session_peaks("dissociation").shape == (3,)
    assert kettutor.Regimen.continuous_infusion(rate_mg_per_kg_per_h=0.5, hours=4).session_count == 1


def test_tidy_export_is_long_form_with_units():
    result = kettutor.simulate(kettutor.Patient(), kettutor.Regimen.single(dose_mg_per_kg=0.5, infusion_min=40), days=2)
    frame = result.to_dataframe()
    assert list(frame.columns) == ["time_h", "time_days", "quantity", "value", "unit"]
    assert len(frame) == result.time_h.size * (4 + len(kettutor.EFFECT_NAMES))
    assert set(frame.loc[frame.quantity == "plasma ketamine", "unit"]) == {"mg/L"}
