"""Bad input gets a clear ValueError naming the parameter, its unit, the valid range and the value given;
inputs beyond the validated range warn."""

import math
import re

import numpy as np
import pytest

import kettutor
from kettutor import Patient, Regimen

BAD_NUMBERS = [-3.0, 0.0, math.nan, math.inf, -math.inf]


@pytest.mark.parametrize("value", BAD_NUMBERS)
@pytest.mark.parametrize(
    "build, parameter, unit",
    [
        (lambda v: Regimen.single(dose_mg_per_kg=v), "dose_mg_per_kg", "mg/kg"),
        (lambda v: Regimen.single(dose_mg=v, route="oral"), "dose_mg", "mg"),
        (lambda v: Regimen.repeated(dose_mg_per_kg=0.5, every_days=v, doses=3), "every_days", "days"),
        (lambda v: Regimen.repeated(dose_mg_per_kg=0.5, every_days=1, duration_days=v), "duration_days", "days"),
        (lambda v: Regimen.single(dose_mg_per_kg=0.5, infusion_min=v), "infusion_min", "min"),
        (lambda v: Regimen.continuous_infusion(rate_mg_per_kg_per_h=v, hours=2), "rate_mg_per_kg_per_h", "mg/kg/h"),
        (lambda v: Regimen.continuous_infusion(rate_mg_per_kg_per_h=1, hours=v), "hours", "h"),
        (lambda v: Patient(weight_kg=v), "weight_kg", "kg"),
        (lambda v: kettutor.simulate(Patient(), Regimen.single(dose_mg_per_kg=1), days=v), "days", "days"),
    ],
    ids=["dose mg/kg", "dose mg", "interval", "duration", "infusion", "infusion rate", "infusion hours", "weight", "days"],
)
def test_bad_numbers_raise_clear_errors(build, parameter, unit, value):
    with pytest.raises(ValueError) as error:
        build(value)
    message = str(error.value)
    assert parameter in message
    assert unit in message
    assert re.search(r"[<>]=? ?\d", message), "the valid range is stated"
    assert "got" in message


def test_negative_value_suggests_the_positive_one():
    with pytest.raises(ValueError, match=r"Did you mean 3\?"):
        Regimen.repeated(dose_mg_per_kg=0.5, every_days=-3, doses=2)


def test_non_numbers_are_rejected_with_their_type():
    with pytest.raises(ValueError, match=r"dose_mg_per_kg must be a number .* got '0.5' of type str"):
        Regimen.single(dose_mg_per_kg="0.5")


@pytest.mark.parametrize(
    "build, suggestion",
    [
        (lambda: Regimen.single(dose_mg_per_kg=1, route="iv_bolos"), "iv_bolus"),
        (lambda: Regimen.single(dose_mg_per_kg=1, route="intra-nasal"), "intranasal"),
        (lambda: Patient(comedications=("clarithromycine",)), "clarithromycin"),
        (lambda: kettutor.simulate(Patient(), Regimen.single(dose_mg_per_kg=1), days=1).effect("disociation"), "dissociation"),
        (lambda: kettutor.simulate(Patient(), Regimen.single(dose_mg_per_kg=1), days=1).session_peaks("antidepresant"), "antidepressant"),
        (lambda: Patient(sex="femal"), "female"),
    ],
    ids=["route", "route hyphen", "comedication", "effect", "session peaks effect", "sex"],
)
def test_unknown_names_suggest_the_closest(build, suggestion):
    with pytest.raises(ValueError, match=f"Did you mean '{suggestion}'"):
        build()


def test_comedications_given_as_a_string_are_explained():
    with pytest.raises(ValueError, match="tuple of names"):
        Patient(comedications="rifampicin")


def test_more_than_ten_years_is_refused():
    with pytest.raises(ValueError, match=r"days must be > 0 and <= 3650 days; got 4000"):
        kettutor.simulate(Patient(), Regimen.single(dose_mg_per_kg=0.5), days=4000)


def test_holiday_longer_than_the_course_is_refused():
    course = Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=40, every_days=7, doses=4)  # 21 days + 40 min
    with pytest.raises(ValueError, match=r"length_days must be <= the course length .* got 60"):
        course.with_holiday(start_day=7, length_days=60)
    with pytest.raises(ValueError, match="length_days"):
        course.with_periodic_holidays(every_days=7, length_days=10)


def test_both_or_neither_dose_unit_is_refused():
    with pytest.raises(ValueError, match="exactly one of dose_mg_per_kg"):
        Regimen.single(dose_mg_per_kg=1, dose_mg=70)
    with pytest.raises(ValueError, match="exactly one of dose_mg_per_kg"):
        Regimen.single()


def test_infusion_needs_a_duration_and_only_iv_infuses():
    with pytest.raises(ValueError, match="infusion_min"):
        Regimen.single(dose_mg_per_kg=0.5, route="iv_infusion")
    with pytest.raises(ValueError, match="intravenous doses only"):
        Regimen.single(dose_mg=50, route="oral", infusion_min=30)


def test_esketamine_spray_doses_are_whole_devices():
    with pytest.raises(ValueError, match="28, 56 or 84 mg"):
        Regimen.esketamine_spray(50)


def test_mixing_drugs_in_one_regimen_is_refused():
    with pytest.raises(ValueError, match="mixes"):
        Regimen.single(dose_mg_per_kg=0.5, infusion_min=40).then(Regimen.esketamine_spray(56), gap_days=3)


def test_passing_the_wrong_object_is_explained():
    with pytest.raises(ValueError, match="patient must be a kettutor.Patient"):
        kettutor.simulate({"weight_kg": 70}, Regimen.single(dose_mg_per_kg=0.5))
    with pytest.raises(ValueError, match="regimen must be a kettutor.Regimen"):
        kettutor.simulate(Patient(), 0.5)


@pytest.mark.parametrize(
    "regimen, warned_about",
    [
        (Regimen.single(dose_mg_per_kg=6.0), "iv_bolus dose = 6 mg/kg"),  # label maximum 4.5 mg/kg
        (Regimen.single(dose_mg=300, route="oral"), "oral dose"),
        (Regimen.continuous_infusion(rate_mg_per_kg_per_h=5.0, hours=12), "infusion rate"),
    ],
    ids=["IV above label", "oral above studied", "infusion rate"],
)
def test_doses_beyond_the_validated_range_warn(regimen, warned_about):
    with pytest.warns(kettutor.ValidatedRangeWarning, match=warned_about) as record:
        result = kettutor.simulate(Patient(), regimen, days=2)
    assert "not a dosing guide" in str(record[0].message)
    assert np.all(np.isfinite(result.plasma_mg_per_l))


def test_clinical_doses_do_not_warn(recwarn):
    kettutor.simulate(Patient(), Regimen.single(dose_mg_per_kg=2.0), days=1)
    kettutor.simulate(Patient(), Regimen.esketamine_spray(84), days=1)
    assert not [w for w in recwarn if issubclass(w.category, kettutor.ValidatedRangeWarning)]


def test_unusual_patients_warn_but_run():
    with pytest.warns(kettutor.ValidatedRangeWarning, match="weight_kg"):
        Patient(weight_kg=20)
    with pytest.warns(kettutor.ValidatedRangeWarning, match="age_years"):
        Patient(age_years=8)
