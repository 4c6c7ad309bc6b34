"""Lesson 11 (the detective): every claim the lesson, its self-checks and its exercises make, checked on the model,
and its case-file app driven through its widgets."""

import json
from pathlib import Path

import numpy as np
import pytest

from kettutor import Patient, Regimen, simulate
from kettutor.teach.bank import l11 as bank
from kettutor.teach.lessons import l11
from kettutor.teach.mystery_app import (
    CASE_CAUSES, CASES, CAUSE_LABELS, DISSOCIATION, EXTRA, LEVEL, ROUTE, SCORE, TAKEN, VISIT, case_file,
    mystery_case_explorer,
)

pytestmark = pytest.mark.filterwarnings("ignore::kettutor.ValidatedRangeWarning")
ROOT = Path(__file__).resolve().parents[1]
SAME = (0.8, 1.25)  # "unchanged": within the noise of a blood level or a rating


def cases_of(cause):
    return [case_file(n) for n in range(1, CASES + 1) if CASE_CAUSES[n - 1] == cause]


def before_after(case, column):
    t = case.table
    at = l11.first_changed_visit(t) or case.change_visit
    return t[t[VISIT] < at][column].median(), t[t[VISIT] >= at][column].median()


def ratio(case, column):
    before, after = before_after(case, column)
    return after / before


# ----- true and apparent tolerance (P5) ------------------------------------------------------------------------
@pytest.mark.parametrize("case", cases_of("true_tolerance"), ids=lambda c: f"case{c.number}")
def test_P5_true_tolerance_same_level_smaller_effect(case):
    """L11.p1 and the lesson: true tolerance leaves the blood level per dose where it was and lowers the effect."""
    assert SAME[0] < ratio(case, LEVEL) < SAME[1]
    assert ratio(case, DISSOCIATION) < 0.6


def test_worked_example_case_1():
    """Case 1: extra doses about twice a day, the same level, dissociation down to a small fraction, and a score
    that improved over the first visits and then drifted back up."""
    case = case_file(1)
    t = case.table
    assert case.cause == "true_tolerance"
    interval_days = float(np.diff(t["day"])[0])
    doses_per_day = (1 + t[EXTRA].max()) / interval_days
    assert 1.5 <= doses_per_day <= 2.5
    assert SAME[0] < ratio(case, LEVEL) < SAME[1]
    early = t[DISSOCIATION].iloc[1:4].median()
    assert t[DISSOCIATION].iloc[-8:].median() < 0.25 * early
    first_score, best_early = t[SCORE].iloc[0], t[SCORE].iloc[1:8].min()
    assert best_early < first_score - 5  # improved over the first visits
    assert t[SCORE].iloc[-8:].median() > best_early + 3  # then drifts back up


# ----- less drug in the blood (K5) ------------------------------------------------------------------------------
def test_K5_inducer_hits_a_swallowed_dose_far_more_than_an_infusion():
    n = l11.inducer_numbers()
    assert n["oral_ratio"] < 0.25 < 0.7 < n["iv_ratio"] < 1.0
    assert n["oral_dissociation_with"] < 0.1 * n["oral_dissociation_without"]  # the response collapses


def test_stopping_an_inhibitor_lowers_exposure_with_no_tolerance():
    for name, n in l11.stopped_inhibitor_numbers().items():
        assert n["while_taken"] > 2.0, name
        assert n["after_stopping"] < 0.5, name


def test_a_dose_raised_for_an_inducer_is_several_times_too_much_once_it_stops():
    factor = 1.0 / l11.inducer_numbers()["oral_ratio"]
    assert factor > 4.0
    usual = l11._single((), "oral")["auc_mg_h_per_l"]
    raised = simulate(Patient(), Regimen.single(dose_mg_per_kg=l11.ORAL_DOSE_MG_PER_KG * factor, route="oral"), days=2)
    assert raised.exposure().auc_mg_h_per_l == pytest.approx(factor * usual, rel=0.02)


def test_a_changed_route_lowers_level_and_effect():
    n = l11.route_change_numbers()
    assert n["peak_ratio"] < 0.5
    assert n["auc_ratio"] == pytest.approx(0.23 / 0.45, rel=0.05)  # the bioavailabilities (Chong 2006; Yanagihara 2003)
    assert n["peak_ratio"] < n["auc_ratio"]  # the peak falls more than the exposure: a slower, liver-first route
    assert n["oral"]["dissociation_percent"] < 0.5 * n["intranasal"]["dissociation_percent"]


def test_the_swallowed_peak_is_the_same_fraction_of_the_spray_s_at_any_dose():
    def peak_ratio(dose_mg):
        peaks = {r: simulate(Patient(), Regimen.single(dose_mg=dose_mg, route=r), days=2).exposure().cmax_mg_per_l
                 for r in ("intranasal", "oral")}
        return peaks["oral"] / peaks["intranasal"]

    assert peak_ratio(35.0) == pytest.approx(peak_ratio(70.0), rel=0.01)


# ----- only the benefit changed ---------------------------------------------------------------------------------
def test_benzodiazepine_blunts_the_benefit_not_the_level_or_dissociation():
    n = l11.benzodiazepine_numbers()
    for dose in ("usual", "high"):
        assert n[dose]["cmax_ng_per_ml"] == pytest.approx(n["none"]["cmax_ng_per_ml"], rel=0.02)
        assert n[dose]["dissociation_percent"] == pytest.approx(n["none"]["dissociation_percent"], rel=0.02)
    assert n["usual"]["day1_fraction"] < 0.85 <= n["usual"]["day3_fraction"]  # day 1 only (Feeney 2023)
    assert n["high"]["day1_fraction"] < n["usual"]["day1_fraction"]  # more strongly (Andrashko 2020)
    assert n["high"]["day3_fraction"] < 0.6  # and for longer


# ----- the answer key --------------------------------------------------------------------------------------------
def test_answer_key_each_cause_leaves_its_own_signature():
    key = l11.answer_key_numbers()
    assert set(key) == set(CAUSE_LABELS)
    log_changed = {c for c, row in key.items() if max(row["missed"]) or max(row["extra"]) or max(row["routes"]) > 1}
    assert log_changed == {"true_tolerance", "missed_doses", "changed_route"}
    lower_level = {c for c, row in key.items() if max(row["level"]) < 0.6}
    assert lower_level == {"new_inducer", "changed_route"}
    same_level = {c for c, row in key.items() if SAME[0] < min(row["level"]) and max(row["level"]) < SAME[1]}
    assert same_level == set(key) - lower_level
    less_effect_at_same_level = {c for c in same_level if max(key[c]["dissociation"]) < 0.6}
    assert less_effect_at_same_level == {"true_tolerance"}
    assert min(key["missed_doses"]["dissociation"]) > 1.0  # each dose taken does a little more
    for cause in ("new_benzodiazepine", "worsening_illness"):
        assert SAME[0] < min(key[cause]["dissociation"]) and max(key[cause]["dissociation"]) < SAME[1]
        assert min(key[cause]["score"]) > 0  # only the benefit got worse
    others = max(max(row["trend"]) for c, row in key.items() if c != "worsening_illness")
    assert min(key["worsening_illness"]["trend"]) > others + 0.3  # only the illness keeps climbing
    assert min(key["true_tolerance"]["score"]) < 0  # in true tolerance the score may even improve at first


def test_a_careful_reading_solves_the_app_s_cases_too():
    """The exercise's reference reading generalises: each cause's signature is visible in records it was not tuned on."""
    right = [bank.reference_diagnose(case.table) == case.cause for case in map(case_file, range(1, CASES + 1))
             if case.cause != "changed_route"]
    assert sum(right) >= len(right) - 1


# ----- exercise L11.q5: missed doses alone ------------------------------------------------------------------------
def test_missed_doses_alone_halve_the_benefit_while_each_taken_dose_works_as_before():
    plan, missed = bank.PLAN, bank.reference_missed_plan()
    full = simulate(Patient(), plan, days=bank.MEASURE_DAY)
    fewer = simulate(Patient(), missed, days=bank.MEASURE_DAY)
    assert fewer.effect("antidepressant")[-1] <= 0.5 * full.effect("antidepressant")[-1]
    taken = len(missed.events)
    np.testing.assert_allclose(fewer.session_cmax_mg_per_l(), full.session_cmax_mg_per_l()[:taken], rtol=1e-6)
    assert np.all(fewer.session_peaks("dissociation") >= full.session_peaks("dissociation")[:taken] - 1e-9)
    # the last sessions matter most: missing as many early sessions leaves most of the benefit
    early = simulate(Patient(), plan.with_missed_doses(list(range(2, 2 + bank.fewest_missed()))), days=bank.MEASURE_DAY)
    assert early.effect("antidepressant")[-1] > 0.8 * full.effect("antidepressant")[-1]


# ----- the case-file app ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def app():
    return mystery_case_explorer()


def _set(app, **values):
    for name, value in values.items():
        app.controls[name].value = value
    return dict(app.numbers)


def test_app_opens_on_the_worked_example_with_units_and_disclaimer(app):
    import vl_convert
    from altair.utils._importers import vl_version_for_vl_convert

    from kettutor import apps, charts

    assert apps.mystery_case_explorer is mystery_case_explorer
    numbers = _set(app, case=1, at_visit=12, verdict="")
    assert numbers["case"] == 1 and numbers["verdict"] is None and numbers["cause"] is None
    assert "ng/mL" in app.readout.value and "not chosen yet" in app.readout.value
    assert "not medical advice" in app.children[-1].value
    for control in app.controls.values():
        if hasattr(control, "continuous_update"):
            assert control.continuous_update is False and "(" in control.description
    assert charts.row_count(app.chart.spec) <= charts.MAX_ROWS
    vl_convert.vegalite_to_vega(app.chart.spec, vl_version=vl_version_for_vl_convert())


def test_app_readout_follows_the_record_and_judges_the_verdict(app):
    numbers = _set(app, case=2, at_visit=case_file(2).change_visit + 1, verdict="")
    assert numbers["after"]["level_ng_per_ml"] < 0.5 * numbers["before"]["level_ng_per_ml"]  # case 2: a new inducer
    assert f"{numbers['after']['level_ng_per_ml']:.0f} ng/mL" in app.readout.value
    wrong = _set(app, verdict="true_tolerance")
    assert wrong["verdict_fits"] is False and "does not fit" in app.readout.value
    right = _set(app, verdict="new_inducer")
    assert right["verdict_fits"] is True and right["cause"] == "new_inducer" and "fits" in app.readout.value


@pytest.mark.parametrize("number", range(1, CASES + 1))
def test_every_case_fits_its_own_cause_and_no_other(number):
    case = case_file(number)
    assert case.table[VISIT].tolist() == list(range(1, 25))
    assert case.table.loc[case.table[TAKEN] == 0, LEVEL].isna().all()  # no dose, no level
    if case.cause == "changed_route":
        assert case.table[ROUTE].nunique() == 2
        assert ratio(case, LEVEL) < 0.6
    else:
        assert case.table[ROUTE].nunique() == 1


def test_moving_the_line_and_the_case_changes_chart_data_not_the_layout(app):
    _set(app, case=3, at_visit=12, verdict="")
    before = dict(app.chart.spec["datasets"])
    _set(app, at_visit=9)
    assert app.chart.spec["datasets"]["mark"] != before["mark"] and app.chart.spec["datasets"]["visits"] == before["visits"]
    _set(app, case=5)
    assert app.chart.spec["datasets"]["visits"] != before["visits"]
    assert "nasal spray" in app.chart.spec["datasets"]["visits"]  # case 5: the route changes


def test_lesson_prose_names_what_the_app_shows():
    """The lesson points at Case 1 as true tolerance and lists the six causes the app hides."""
    cells = json.loads((ROOT / "lessons" / "11_detective.ipynb").read_text())["cells"]
    text = " ".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    assert "Case 1" in text and CASE_CAUSES[0] == "true_tolerance"
    assert set(CASE_CAUSES) == set(CAUSE_LABELS) and len(CASE_CAUSES) == CASES == 24


def test_a_new_case_starts_without_a_verdict(app):
    _set(app, case=4, verdict="worsening_illness")
    assert app.numbers["verdict_fits"] is True
    numbers = _set(app, case=6)
    assert numbers["verdict"] is None and app.controls["verdict"].value == "" and numbers["case"] == 6


# ----- lesson 00 (start here): its description of the first app, checked on the app as drawn -----------------------
@pytest.fixture(scope="module")
def explorer():
    from kettutor import apps

    return apps.dose_frequency_holiday_explorer()


def test_lesson_00_describes_the_explorer_s_defaults(explorer):
    from kettutor.teach.apps import IV_INFUSION_MIN

    v = explorer.values()
    assert (v["dose_mg_per_kg"], v["every_days"], v["course_weeks"], v["holiday_days"]) == (0.5, 3.5, 12, 0)
    assert IV_INFUSION_MIN == 40.0 and Patient().weight_kg == 70.0
    assert explorer.numbers["last_relative_percent"] < 100.0  # the top chart falls: tolerance


def test_lesson_00_describes_the_lower_chart_as_drawn(explorer):
    """The text names the legend's two lines, says what an EC50 change means, and how each line moves."""
    import io

    import pandas as pd

    from kettutor.teach.apps import explorer_regimen

    spec = explorer.chart.spec
    lines = pd.read_csv(io.StringIO(spec["datasets"]["adaptation"]))
    assert set(lines["series"]) == {"dissociation EC50", "locomotor EC50"}
    assert "EC50 change from baseline" in json.dumps(spec["vconcat"][1])
    text = "".join("".join(c["source"]) for c in json.loads((ROOT / "lessons" / "00_start_here.ipynb").read_text())["cells"])
    assert "dissociation EC50" in text and "locomotor EC50" in text and "half of its largest possible size" in text
    result = simulate(Patient(), explorer_regimen(0.5, 3.5, 12, 0, 4), days=91)
    days, dissociation = result.time_days, result.ec50_change_percent("dissociation")
    at = lambda day: float(np.interp(day, days, dissociation))  # noqa: E731
    assert at(4.0) > at(3.4) + 5 and at(6.9) < at(4.0) - 5  # rises after a session, sinks before the next
    assert at(80.6) > at(91.0) + 10  # falls back once dosing stops
    locomotor = result.ec50_change_percent("locomotor")
    assert locomotor[-1] < -20 and locomotor[np.searchsorted(days, 42.0)] > locomotor[-1]  # below zero, and falling
    assert locomotor[-1] - float(np.interp(80.6, days, locomotor)) < 2  # recovers far more slowly than tolerance
    daily = simulate(Patient(), explorer_regimen(0.5, 1.0, 12, 0, 4), days=91).ec50_change_percent("dissociation")
    assert daily.max() > dissociation.max() + 30  # with frequent doses it has no time to sink and keeps climbing
