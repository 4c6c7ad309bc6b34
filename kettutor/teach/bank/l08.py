"""Lesson 08, every patient is different: self-checks and graded exercises.

Expected numbers are asked of the model when first needed (cached), so they follow the model if it changes.
"""

from __future__ import annotations

from dataclasses import fields
from functools import cache

import numpy as np

from ...science.comedications import get_comedication
from ...patient import Patient
from ...regimen import Regimen
from ...solver.simulate import simulate
from ..questions import Choice, Number, Option, Task, call_with, equals, judge_probe_results, scaled

INFUSION_MIN = 40.0


def _infusion(dose_mg_per_kg: float | None = 0.5, dose_mg: float | None = None) -> Regimen:
    if dose_mg is not None:
        return Regimen.single(dose_mg=dose_mg, infusion_min=INFUSION_MIN)
    return Regimen.single(dose_mg_per_kg=dose_mg_per_kg, infusion_min=INFUSION_MIN)


@cache
def _run(patient: Patient, regimen: Regimen, days: float = 2.0):
    return simulate(patient, regimen, days=days)


# ----- L08.q1: a fixed dose in light and heavy patients ------------------------------------------------------
@cache
def _cmax(weight_kg: float, per_kg: bool = False) -> float:
    """Peak plasma level (mg/L) at ``weight_kg`` after 35 mg (or 0.5 mg/kg) IV over 40 min."""
    regimen = _infusion(0.5) if per_kg else _infusion(None, 35.0)
    return float(_run(Patient(weight_kg=weight_kg), regimen).exposure().cmax_mg_per_l)


def fixed_dose_cmax_ratio() -> float:
    """Peak plasma level of a 50 kg patient over a 110 kg patient's, both given 35 mg IV over 40 min."""
    return _cmax(50.0) / _cmax(110.0)


def per_kg_cmax_ratio() -> float:
    """The same ratio when both get 0.5 mg/kg."""
    return _cmax(50.0, True) / _cmax(110.0, True)


# ----- L08.q2: a benzodiazepine and the day-1 benefit ---------------------------------------------------------
def _g_at(patient: Patient, hours: float) -> float:
    result = _run(patient, _infusion(), 4.0)
    return float(np.interp(hours, result.time_h, result.effect("antidepressant")))


def benzodiazepine_percent(hours: float = 24.0) -> float:
    """Antidepressant effect with a usual-dose benzodiazepine as % of without, ``hours`` after the infusion starts."""
    return 100.0 * _g_at(Patient(comedications=("benzodiazepine",)), hours) / _g_at(Patient(), hours)


# ----- L08.q3: auc_ratio(comedication, route) ----------------------------------------------------------------
AUC_PROBES = (
    ("clarithromycin", "oral"), ("clarithromycin", "im"), ("rifampicin", "oral"), ("rifampicin", "intranasal"),
    ("ticlopidine", "oral"), ("benzodiazepine", "oral"),
)
AUC_TOLERANCE = 0.02


def _exposure(comedication: str | None, route: str, measure: str = "auc"):
    patient = Patient(comedications=(comedication,)) if comedication else Patient()
    exposure = _run(patient, Regimen.single(dose_mg_per_kg=0.5, route=route)).exposure()
    return exposure.auc_mg_h_per_l if measure == "auc" else exposure.cmax_mg_per_l


def reference_auc_ratio(comedication: str, route: str) -> float:
    """Exposure (AUC over 2 days) to 0.5 mg/kg by ``route`` with ``comedication``, over exposure without it."""
    return _exposure(comedication, route) / _exposure(None, route)


def _inverted_auc_ratio(comedication: str, route: str) -> float:
    return _exposure(None, route) / _exposure(comedication, route)


def _cmax_ratio(comedication: str, route: str) -> float:
    return _exposure(comedication, route, "cmax") / _exposure(None, route, "cmax")


def _oral_only_auc_ratio(comedication: str, route: str) -> float:
    return reference_auc_ratio(comedication, "oral")


@cache
def _auc_values(kind: str) -> tuple[float, ...]:
    build = {"reference": reference_auc_ratio, "inverted": _inverted_auc_ratio, "cmax": _cmax_ratio, "oral": _oral_only_auc_ratio}[kind]
    return tuple(build(*probe) for probe in AUC_PROBES)


AUC_MISCONCEPTIONS = (
    ("inverted", "inverted-ratio",
     "Your ratios are upside down: divide the exposure *with* the medicine by the exposure without it, so that an "
     "inhibitor gives a number above 1."),
    ("cmax", "peak-vs-average",
     "These are ratios of the peak levels (Cmax). The question asks for total exposure, the area under the curve "
     "(exposure().auc_mg_h_per_l): an interaction can move the area more than the peak."),
    ("oral", "same-fold-every-route",
     "Your function gives the swallowed dose's ratio for every route. Routes that skip the liver's first pass "
     "(injection, nasal) change much less: simulate the route you were given."),
)


def _judge_auc(payload) -> tuple[bool, str, str | None]:
    return judge_probe_results(
        payload, AUC_PROBES, _auc_values, tolerance=AUC_TOLERANCE, misconceptions=AUC_MISCONCEPTIONS,
        correct_message="Your function reproduces the model for every medicine and route tried.",
        describe_miss=lambda probe, value, expected: (
            f"auc_ratio{probe!r} returned {value:.3g}; the model gives {expected:.3g}. Check the dose (0.5 mg/kg), "
            "the route and that both patients are otherwise the default Patient()."
        ),
    )


# ----- L08.q5: design a patient ------------------------------------------------------------------------------
PATIENT_FIELDS = tuple(f.name for f in fields(Patient))
ORAL_AT_LEAST = 2.0
IV_WITHIN = 1.5


def patient_to_payload(patient) -> dict:
    """A :class:`~kettutor.Patient` as plain data; anything else raises TypeError naming what was given."""
    if not isinstance(patient, Patient):
        raise TypeError(f"expected a kettutor.Patient, got {type(patient).__name__}")
    data = {name: getattr(patient, name) for name in PATIENT_FIELDS}
    data["comedications"] = list(patient.comedications)
    return data


def patient_from_payload(payload) -> Patient:
    """Rebuild (and validate) a patient from :func:`patient_to_payload`'s data; ValueError if malformed."""
    if not isinstance(payload, dict) or set(payload) != set(PATIENT_FIELDS):
        raise ValueError("expected a patient built with kettutor.Patient(...)")
    if not isinstance(payload["comedications"], list) or len(payload["comedications"]) > 10:
        raise ValueError("comedications must be a short list of names")
    return Patient(**{**payload, "comedications": tuple(payload["comedications"])})


def _exposure_ratios(patient: Patient) -> tuple[float, float]:
    """(oral, IV) exposure of ``patient`` to 0.5 mg/kg, each over the default patient's."""
    oral, iv = Regimen.single(dose_mg_per_kg=0.5, route="oral"), _infusion()
    return (
        _run(patient, oral).exposure().auc_mg_h_per_l / _run(Patient(), oral).exposure().auc_mg_h_per_l,
        _run(patient, iv).exposure().auc_mg_h_per_l / _run(Patient(), iv).exposure().auc_mg_h_per_l,
    )


def _judge_patient(payload) -> tuple[bool, str, str | None]:
    patient = patient_from_payload(payload)
    oral, iv = _exposure_ratios(patient)
    summary = f"Swallowed: × {oral:.2f}; IV infusion: × {iv:.2f} (the default patient = × 1)."
    if oral >= ORAL_AT_LEAST and 1.0 / IV_WITHIN <= iv <= IV_WITHIN:
        return True, summary + " The change acts on the liver's first pass, which only a swallowed dose goes through.", None
    inducers = [name for name in patient.comedications if get_comedication(name).intrinsic_clearance_fold < 1.0]
    if oral < 1.0 and inducers:
        return False, summary + (
            f" Exposure fell: {inducers[0]} is an inducer, which makes the liver's enzymes work harder. Look for a "
            "medicine that blocks them instead."
        ), "inhibitor-vs-inducer"
    if not 1.0 / IV_WITHIN <= iv <= IV_WITHIN:
        return False, summary + (
            " Both routes moved together: a lower clearance of the whole body raises every route's exposure. Change "
            "what happens on the swallowed dose's first pass through the liver instead (its enzymes, or a medicine "
            "that blocks them)."
        ), "clearance-vs-first-pass"
    if patient.weight_kg != Patient().weight_kg:
        return False, summary + (
            " The doses are in mg/kg, so a lighter or heavier patient gets a dose scaled to their weight and about the "
            "same exposure. Body size is not the way to double it."
        ), "mg-vs-mg-per-kg"
    if oral < 1.0:
        return False, summary + " Exposure fell instead of rising.", "wrong-direction"
    return False, summary + f" The swallowed dose's exposure must at least double (× {ORAL_AT_LEAST:g}).", "too-small-change"


SELF_CHECKS = (
    Choice(
        "L08.p1",
        "The cohort app gives 200 simulated adults the same 0.5 mg/kg twice a week for 4 weeks. How will their "
        "dissociation at the last session compare with their own first session?",
        options=(
            Option("a", "All alike: the same dose per kg gives everyone the same tolerance.",
                   "The same dose per kg does not make people alike: clearance, volumes, sensitivity and the speed of "
                   "adaptation all differ between them.",
                   "same-dose-same-response"),
            Option("b", "Most lose a little; a few lose much more, a few almost nothing: a spread.",
                   "That is what the model shows: a band of patients around the median, with tails on both sides."),
            Option("c", "The heavier patients lose the most, because they received more milligrams.",
                   "Every patient got 0.5 mg/kg, a dose scaled to their weight: the heavier ones did get more mg, but not "
                   "more per kg, and weight is not what spreads the band.",
                   "mg-vs-mg-per-kg"),
        ),
        answer="b",
    ),
    Choice(
        "L08.s1",
        "A 50 kg and a 110 kg patient both receive a fixed 35 mg infusion over 40 min. How do their peak plasma levels compare?",
        options=(
            Option("a", "The same: it is the same dose.",
                   "The same mg is not the same dose for both: 0.70 mg/kg for one and 0.32 mg/kg for the other, spread "
                   "through bodies of different sizes.",
                   "mg-vs-mg-per-kg"),
            Option("b", "The 50 kg patient's peak is far higher: the same mg spreads through a smaller body.",
                   "Right: the 50 kg patient gets more than twice the dose per kg, and their peak is far higher."),
            Option("c", "The 110 kg patient's peak is higher, because a larger body takes up more drug.",
                   "A larger body has more room to dilute the same amount, so its level is lower, not higher.",
                   "bigger-body-higher-level"),
        ),
        answer="b",
        hints=("Divide 35 mg by each weight.",),
    ),
    Choice(
        "L08.s2",
        "A genetic test shows a patient carries CYP2B6*6 twice (*6/*6). What does the evidence say about the first oral dose?",
        options=(
            Option("a", "Six times the exposure: the enzyme is six times slower in the test tube.",
                   "The six-fold fall was measured in liver cells in the test tube. After a single oral dose in people, "
                   "the genotypes showed no difference (Rao, Kharasch et al. 2016).",
                   "in-vitro-is-in-vivo"),
            Option("b", "No measurable difference after one dose; with repeated dosing, clearance may be lower by an unknown amount.",
                   "Right: a single oral dose showed no genotype effect; chronic dosing suggests lower clearance, size unknown."),
            Option("c", "The genotype decides the patient's tolerance to ketamine.",
                   "CYP2B6 is an enzyme that breaks ketamine down; it changes exposure, if anything, not the brain's "
                   "adaptation. The model has no genetic tolerance.",
                   "genes-are-tolerance"),
        ),
        answer="b",
        hints=("Is the evidence from people or from liver cells, and after one dose or many?",),
    ),
    Choice(
        "L08.s3",
        "A patient on oral ketamine starts rifampicin for an infection, and within days each dose gives her less "
        "dissociation and less relief. What is most likely?",
        options=(
            Option("a", "Tolerance: she has been on ketamine a long time.",
                   "A drop within days of starting a new medicine points to the medicine: tolerance builds over weeks of "
                   "sessions, not at once. Rifampicin makes the liver remove most of a swallowed dose: her blood levels fell.",
                   "tolerance-is-the-only-cause"),
            Option("b", "Her blood levels fell: rifampicin speeds up the liver's first pass.",
                   "Right: a swallowed dose loses most of its exposure with rifampicin. Measuring her levels would tell the "
                   "two apart: levels stay the same with tolerance."),
            Option("c", "The infection made her depression worse.",
                   "Possible in life, but it would not explain a fall in her dissociation too; the medicine's known effect "
                   "on first pass does.",
                   "illness-explains-everything"),
        ),
        answer="b",
        hints=("What does rifampicin do to the liver's enzymes, and which route passes the liver first?",),
    ),
)

EXERCISES = (
    Number(
        "L08.q1",
        "A 50 kg and a 110 kg patient both get 35 mg IV over 40 min: the 50 kg patient's peak plasma level divided "
        "by the 110 kg patient's.",
        expected=fixed_dose_cmax_ratio,
        unit="(ratio)",
        rel_tol=0.03,
        misconceptions=(
            equals(1.0, "mg-vs-mg-per-kg",
                   "The same mg is not the same dose per kg: 35 mg is 0.70 mg/kg at 50 kg and 0.32 mg/kg at 110 kg."),
            equals(110.0 / 50.0, "linear-in-weight",
                   "2.2 is the ratio of the weights. Simulate instead: the peak does not scale exactly with weight, "
                   "because clearance grows more slowly than body size, so a lighter body removes a larger share of its "
                   "drug during the 40 minutes."),
            equals(lambda: 1.0 / fixed_dose_cmax_ratio(), "inverted-ratio",
                   "That is the 110 kg patient's peak divided by the 50 kg patient's: the other way round."),
            equals(per_kg_cmax_ratio, "dosed-per-kg",
                   "That is the ratio when both get 0.5 mg/kg. Here both get the same 35 mg."),
        ),
        hints=("Regimen.single(dose_mg=35, infusion_min=40) for Patient(weight_kg=50) and Patient(weight_kg=110).",
               "result.exposure().cmax_mg_per_l is the peak; divide the 50 kg patient's by the 110 kg patient's."),
    ),
    Number(
        "L08.q2",
        "0.5 mg/kg IV over 40 min to the default patient, with and without a usual-dose benzodiazepine: the "
        "antidepressant effect at 24 h with it, as % of without it.",
        expected=benzodiazepine_percent,
        unit="%",
        rel_tol=0.03,
        misconceptions=(
            scaled(0.01, "fraction-vs-percent", "That is a fraction; the question asks for a percentage (multiply by 100)."),
            equals(100.0, "pd-interactions-ignored",
                   "A benzodiazepine leaves ketamine's blood levels unchanged, but it still blunts the antidepressant "
                   "effect on day 1 (Feeney 2023): an interaction does not need to change levels."),
            equals(lambda: benzodiazepine_percent(72.0), "wrong-day",
                   "That is day 3 (72 h), when the benefit has mostly caught up. The question asks for 24 h."),
        ),
        hints=("Patient(comedications=('benzodiazepine',)) is the patient on a benzodiazepine.",
               "np.interp(24, result.time_h, result.effect('antidepressant')) reads the effect at 24 h."),
    ),
    Task(
        "L08.q3",
        "Write auc_ratio(comedication, route): exposure (AUC over 2 days) to 0.5 mg/kg by `route` for "
        "Patient(comedications=(comedication,)), divided by the default Patient()'s.",
        to_payload=call_with(AUC_PROBES),
        judge_payload=_judge_auc,
        reference=lambda: reference_auc_ratio,
        wrong=((lambda: _inverted_auc_ratio, "inverted-ratio"), (lambda: _cmax_ratio, "peak-vs-average"),
               (lambda: _oral_only_auc_ratio, "same-fold-every-route")),
        points=2.0,
        hints=("Regimen.single(dose_mg_per_kg=0.5, route=route), simulated for 2 days, once per patient.",
               "result.exposure().auc_mg_h_per_l is the exposure; divide with by without."),
    ),
    Choice(
        "L08.q4",
        "Clarithromycin multiplies the exposure to swallowed ketamine by about 2.6 but to an IV infusion by much less. Why?",
        options=(
            Option("a", "A swallowed dose passes through the liver before it reaches the blood; blocking the liver's "
                        "enzymes lets far more of it through. An IV dose skips that first pass.",
                   "Right: the first pass multiplies the interaction for swallowed doses; IV exposure changes only through "
                   "the slower removal from the blood."),
            Option("b", "IV ketamine is not broken down by the liver at all.",
                   "IV ketamine is still removed by the liver, so an inhibitor does raise IV exposure a little. It only "
                   "skips the first pass.",
                   "iv-skips-liver-entirely"),
            Option("c", "Clarithromycin and swallowed ketamine meet in the stomach and bind to each other.",
                   "The interaction is in the liver's enzymes (CYP3A4), not a reaction between the two drugs in the gut.",
                   "gut-binding"),
            Option("d", "The IV dose is smaller, so the change looks smaller.",
                   "Both are 0.5 mg/kg; and a ratio does not depend on the dose in this linear model.",
                   "mg-vs-mg-per-kg"),
        ),
        answer="a",
        hints=("Where does blood from the gut go before it reaches the rest of the body?",),
    ),
    Task(
        "L08.q5",
        "Build a Patient whose exposure to a swallowed 0.5 mg/kg dose is at least twice the default patient's, while "
        "their exposure to 0.5 mg/kg IV over 40 min stays within a factor of 1.5 of it.",
        to_payload=patient_to_payload,
        judge_payload=_judge_patient,
        reference=lambda: Patient(comedications=("clarithromycin",)),
        wrong=(
            (lambda: Patient(clearance_multiplier=0.4), "clearance-vs-first-pass"),
            (lambda: Patient(comedications=("rifampicin",)), "inhibitor-vs-inducer"),
            (lambda: Patient(weight_kg=45.0), "mg-vs-mg-per-kg"),
        ),
        points=3.0,
        hints=("kettutor.COMEDICATIONS lists the medicines the model knows; Patient(...) also takes multipliers.",
               "You need a change that acts on the swallowed dose's first pass through the liver.",
               "An enzyme inhibitor (Patient(comedications=(...,))) or intrinsic_clearance_multiplier below 1."),
    ),
)
