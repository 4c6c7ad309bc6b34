"""Every claim lesson 09 (chasing the first effect) makes, checked on the model.

The lesson's numbers come from ``kettutor.teach.lessons.l09``; these tests hold the same functions (and the
model under them) to the phenomena the lesson states: E1 (escalation), E2 (craving, no physical withdrawal),
E3 (escalation deepens dependence) and the harm markers.
"""

import numpy as np
import pytest

from kettutor import Patient, Regimen, simulate
from kettutor.policies import ANAESTHETIC_PEAK_PERCENT
from kettutor.teach.bank import l09 as bank
from kettutor.teach.lessons import l09

pytestmark = pytest.mark.filterwarnings("ignore::kettutor.ValidatedRangeWarning")
BLADDER = "daily intake in the bladder-damage range (>= 1 g/day)"


def test_daily_use_escalates_steeply_and_the_response_still_falls():
    """E1: chasing the first effect every day multiplies the dose, yet the last session does far less than the first."""
    assert l09.last_dose_fold(1.0) >= 4.0
    assert l09.last_response_percent_of_first(1.0) < 50.0
    responses = l09.escalation(1.0).responses
    at_cap = l09.cap_session()
    assert at_cap is not None, "the daily user reaches the cap within 13 weeks"
    assert responses[-1] < responses[at_cap - 1], "after the cap the response keeps falling"


def test_spaced_use_barely_escalates():
    """E1: once or twice a week, the same rule raises the dose little and keeps the first response. The lesson
    says the dose went up once, early on, and then stayed."""
    for every in (3.5, 7.0):
        assert l09.last_dose_fold(every) <= 1.5
        assert l09.last_response_percent_of_first(every) >= 90.0
        steps = np.flatnonzero(np.diff(l09.escalation(every).doses_mg_per_kg) > 0)
        assert steps.size <= 1 and (steps.size == 0 or steps[0] < 5)
    assert l09.last_dose_fold(1.0) > 4 * l09.last_dose_fold(7.0)


def test_daily_escalation_reaches_the_bladder_marker_and_spaced_use_none():
    assert BLADDER in l09.harms_reached(1.0)
    assert l09.harms_reached(3.5) == [] and l09.harms_reached(7.0) == []
    first = l09.first_session_over_a_gram()
    assert first is not None and first < l09.sessions_in_period(1.0)


def test_tolerance_hides_a_dose_that_would_anaesthetise_someone_without_it():
    """The harm sentence: the tolerant user's own peaks stay below the anaesthesia marker, the same last dose in a
    drug-naive person reaches it."""
    assert l09.user_anaesthesia_percent() < ANAESTHETIC_PEAK_PERCENT
    assert l09.naive_anaesthesia_percent() >= ANAESTHETIC_PEAK_PERCENT
    first = l09.naive_anaesthesia_percent(l09.FIRST_DOSE_MG_PER_KG)
    assert first < ANAESTHETIC_PEAK_PERCENT, "the first dose itself does not anaesthetise"


def test_tolerance_leaves_the_amount_reaching_the_blood_unchanged():
    """Self-check L09.s4: after two weeks of daily use the same dose gives the same blood level (no metabolic
    tolerance), while its dissociation has fallen."""
    result = simulate(Patient(), l09.daily_use_regimen(14), days=15)
    cmax = result.session_cmax_mg_per_l()
    assert cmax[-1] == pytest.approx(cmax[0], rel=0.01)
    assert result.relative_session_peaks("dissociation")[-1] < 0.9


def test_daily_use_builds_craving_that_lingers_then_fades_over_weeks():
    """E2: strong craving when two months of daily use stop, still there a week later, mostly gone by eight weeks."""
    at_stop = l09.craving_after(0)
    assert at_stop >= 50.0
    assert l09.craving_after(7) >= 0.5 * at_stop
    assert l09.craving_after(56) <= 0.1 * at_stop
    assert 7.0 <= l09.days_until_craving_below(10.0) <= 56.0, "weeks, not hours"
    values = [l09.craving_after(d) for d in l09.ABSTINENCE_DAYS]
    assert all(a >= b for a, b in zip(values, values[1:])), "craving only falls once use stops"


def test_more_days_of_use_build_more_craving():
    assert l09.craving_after(0, 14) < l09.craving_after(0, 30) < l09.craving_after(0, 60)


def test_no_physical_withdrawal_nothing_rebounds_below_baseline():
    """E2: when use stops no acute effect swings below its drug-free baseline of 0 %."""
    assert l09.lowest_acute_effect_after_stopping() >= 0.0


def test_weekly_clinic_infusions_build_almost_no_craving_but_still_some_tolerance():
    assert l09.clinic_max_craving() < 1.0
    assert l09.clinic_result().relative_session_peaks("dissociation")[-1] < 0.99


def test_the_drug_is_gone_within_a_day_while_craving_lasts_weeks():
    result = simulate(Patient(), Regimen.single(dose_mg_per_kg=1.0, route="intranasal"), days=2)
    day = np.interp(24.0, result.time_h, result.plasma_mg_per_l)
    assert day < 0.02 * result.plasma_mg_per_l.max()
    assert l09.craving_after(7) > 0.25 * l09.craving_after(0)


def test_the_model_has_states_for_tolerance_and_dependence_and_none_for_addiction_or_physical_withdrawal():
    from kettutor.solver.model import SLOW_STATES

    assert any("tolerance" in name for name in SLOW_STATES) and "dependence" in SLOW_STATES
    assert not any("addict" in name or "withdrawal" in name for name in SLOW_STATES)


def test_escalation_deepens_dependence_under_daily_use_only():
    """E3: daily, chasing the effect drives craving far above a fixed dose; weekly, neither builds any."""
    assert l09.cycle_max_craving(1.0, True) > l09.cycle_max_craving(1.0, False) + 20.0
    assert max(l09.cycle_max_craving(7.0, True), l09.cycle_max_craving(7.0, False)) < 1.0


def test_tolerance_without_dependence_under_the_spray_induction():
    """Three words: the supervised twice-weekly spray course shows tolerance to dissociation but no craving."""
    assert l09.spray_last_dissociation_percent() < 95.0
    assert l09.spray_max_craving() < 1.0


def test_spacing_not_the_dose_decides_craving_at_the_clinic_dose():
    """Exercise L09.q5: the same 0.5 mg/kg infusion builds craving daily, not every 3.5 days."""
    def worst(every_days):
        regimen = Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=40, every_days=every_days, doses=12)
        return float(simulate(Patient(), regimen, days=regimen.end_h / 24 + 14).effect("craving").max())

    assert worst(1.0) > bank.CRAVING_LIMIT_PERCENT > worst(3.5)


def test_lesson_escalation_is_the_apps_default_setting(monkeypatch):
    """The lesson's table describes the user the app opens on (start, step, cap, daily, nasal). The app's sliders
    are read without running it."""
    from kettutor import apps

    captured = {}

    class Recorder:
        def __init__(self, title, controls, *args, **kwargs):
            captured.update(controls)

    monkeypatch.setattr(apps, "SliderApp", Recorder)
    apps.escalation_explorer()
    values = {name: control.value for name, control in captured.items()}
    assert values["start_dose_mg_per_kg"] == l09.FIRST_DOSE_MG_PER_KG
    assert values["step_mg_per_kg"] == l09.STEP_MG_PER_KG
    assert values["cap_mg_per_kg"] == l09.CAP_MG_PER_KG
    assert values["every_days"] == 1.0
    assert apps.ESCALATION_ROUTE == l09.ROUTE


def test_lesson_sentences_show_the_models_numbers():
    table = l09.escalation_table().data
    assert f"{l09.last_dose_fold(1.0):.1f}" in table and BLADDER in table
    assert f"{l09.days_until_craving_below():.0f} days" in l09.craving_table().data
    assert f"{l09.naive_anaesthesia_percent():.0f} %" in l09.harm_sentence().data
    assert "below 0.1 %" in l09.cycle_sentence().data or "at or below" in l09.cycle_sentence().data
    assert np.isfinite(l09.spray_last_dissociation_percent())
