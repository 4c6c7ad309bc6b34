"""P5: apparent tolerance that is not tolerance. Each cause leaves its own signature in the case record."""

import numpy as np
import pytest

from kettutor.teach.mystery import CAUSES, mystery_patient

SEEDS = (1, 2, 3)


INDUCTION_VISITS = 3  # dissociation falls over the first twice-weekly sessions (T5), whatever the cause


def before_after(record, values):
    k = record.change_visit
    # skip the induction visits and the visits right after the change
    return np.nanmean(values[INDUCTION_VISITS:k]), np.nanmean(values[k + 3 :])


def ratio(record, values):
    before, after = before_after(record, values)
    return after / before


@pytest.mark.parametrize("seed", SEEDS)
def test_P5_true_tolerance_more_doses_same_levels_less_effect_per_dose(seed):
    record = mystery_patient("true_tolerance", seed=seed)
    assert record.doses_since_last_visit[record.change_visit :].min() > 0
    assert 0.8 < ratio(record, record.plasma_peak_ng_per_ml) < 1.25
    assert ratio(record, record.dissociation_percent) < 0.8


@pytest.mark.parametrize("seed", SEEDS)
def test_P5_missed_doses_show_as_gaps_with_normal_levels(seed):
    record = mystery_patient("missed_doses", seed=seed)
    k = record.change_visit
    assert np.all(record.dose_taken_mg[:k] > 0) and np.any(record.dose_taken_mg[k:] == 0)
    assert np.all(np.isnan(record.plasma_peak_ng_per_ml[record.dose_taken_mg == 0]))
    assert 0.8 < ratio(record, record.plasma_peak_ng_per_ml) < 1.25


@pytest.mark.parametrize("seed", SEEDS)
def test_P5_a_new_inducer_collapses_blood_levels(seed):
    """K5 behind P5: an inducer cuts oral exposure several-fold, and every effect with it."""
    record = mystery_patient("new_inducer", seed=seed)
    assert ratio(record, record.plasma_peak_ng_per_ml) < 0.3
    assert ratio(record, record.dissociation_percent) < 0.3


@pytest.mark.parametrize("seed", SEEDS)
def test_P5_a_new_benzodiazepine_blunts_only_the_antidepressant_effect(seed):
    record = mystery_patient("new_benzodiazepine", seed=seed)
    assert 0.8 < ratio(record, record.plasma_peak_ng_per_ml) < 1.25
    assert 0.8 < ratio(record, record.dissociation_percent) < 1.25
    before, after = before_after(record, record.depression_score)
    assert after > before + 1.0


@pytest.mark.parametrize("seed", SEEDS)
def test_P5_worsening_illness_drifts_up_while_the_drug_works_as_before(seed):
    record = mystery_patient("worsening_illness", seed=seed)
    benzodiazepine = mystery_patient("new_benzodiazepine", seed=seed)
    assert 0.8 < ratio(record, record.plasma_peak_ng_per_ml) < 1.25
    assert 0.8 < ratio(record, record.dissociation_percent) < 1.25
    k = record.change_visit
    slope = np.polyfit(record.day[k:], record.depression_score[k:], 1)[0]
    benzo_slope = np.polyfit(benzodiazepine.day[k:], benzodiazepine.depression_score[k:], 1)[0]
    assert slope > 0.1 and slope > 2 * benzo_slope  # a drift, not a step


def test_mystery_patients_are_reproducible_and_hide_their_cause():
    a, b = mystery_patient(seed=11), mystery_patient(seed=11)
    np.testing.assert_array_equal(a.depression_score, b.depression_score)
    assert a.reveal() == b.reveal() and a.reveal() in CAUSES
    table = a.to_dataframe()
    assert "cause" not in " ".join(table.columns).lower()
    assert {mystery_patient(seed=s).reveal() for s in range(30)} == set(CAUSES)


def test_unknown_cause_is_refused_with_a_suggestion():
    with pytest.raises(ValueError, match="Did you mean 'new_inducer'"):
        mystery_patient("new_inductor", seed=1)
