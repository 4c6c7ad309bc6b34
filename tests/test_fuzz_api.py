"""Property-based fuzzing of the whole public API (issue [8]): every callable and constructor of
``kettutor.__all__``, the methods of the results they return and the chart builders, called with valid values,
wrong types, NaN, infinities, huge and tiny numbers and unknown names.

Each call is classified as the robustness audit did (tests/robustness.py): a = a ValueError/TypeError naming the
parameter, what is allowed and what was given; b = another exception, or a message that does not say what was
wrong (also any exception raised while simulating or inspecting what a call returned); c = NaN, infinite,
negative or out-of-range values in a result; d = a call running past its time guard, or MemoryError. No call may
fall in b, c or d. In 40 % of calls every argument is valid; otherwise each argument is replaced by a wide value
with probability 0.35. Generation is derandomized, so CI sees the same calls every run; simulations are a few
days long, which keeps the whole file to about a minute on two cores.
"""

from __future__ import annotations

import collections
import dataclasses
import math
import resource
import time
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import kettutor
from kettutor import (
    ACUTE_EFFECTS,
    ADAPTATION,
    COMEDICATIONS,
    DISPOSITIONS,
    EFFECT_NAMES,
    PHARMACODYNAMICS,
    ROUTES,
    AcuteEffect,
    Cohort,
    CohortResult,
    Comedication,
    DoseEvent,
    Exposure,
    Patient,
    PolicyOutcome,
    PopulationParameters,
    Regimen,
    Route,
    SimulationResult,
    analysis,
    charts,
    simulate,
)
from kettutor._validate import shown
from robustness import Hang, message_problem, problems_of, time_guard

CALL_GUARD_S = 20.0  # a call still running after this is a hang (class d)
MEMORY_ALLOWANCE = 3 * 2**30  # address space beyond the process's own; more raises MemoryError (class d)
KETAMINE_ROUTES = sorted(name for name, route in ROUTES.items() if route.drug == "ketamine")


class Opaque:
    """A stranger object."""

    def __repr__(self) -> str:
        return "<Opaque>"


# ----- wide values ----------------------------------------------------------------------------------
WIDE_NUMBERS = [
    math.nan, math.inf, -math.inf, -1, -1.0, -0.0, 0, 0.0, 1e9, 1e-12, 5e-324, 1e308, -1e308, 2**70, -(2**70), 10**400,
    True, False, np.float32(0.5), np.float64(np.nan), np.int64(3), np.int64(-3), complex(1, 0), Decimal("0.5"), Fraction(1, 2),
]
WIDE_OBJECTS = [None, "", "abc", "0.5", [0.5], [], (), {}, {"a": 1}, np.array(0.5), np.array([0.5, 1.0]), np.array([]), Opaque(), object, Regimen, Patient]
wide_number = st.one_of(
    st.sampled_from(WIDE_NUMBERS),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(2**80), max_value=2**80),
)
wide = st.one_of(wide_number, st.sampled_from(WIDE_OBJECTS), st.text(max_size=12))


def misspelled(names) -> st.SearchStrategy:
    """Names with a typo, the wrong case or spaces, or arbitrary text."""
    names = sorted(names)
    return st.one_of(
        st.sampled_from(names).map(lambda n: n[:-1]),
        st.sampled_from(names).map(str.upper),
        st.sampled_from(names).map(lambda n: n.replace("_", " ")),
        st.sampled_from(names).map(lambda n: n + "s"),
        st.text(max_size=12),
        wide,
    )


class Args:
    """Draws a call's arguments: all valid in 40 % of calls, otherwise each one wide with probability 0.35."""

    def __init__(self, data) -> None:
        self.data = data
        self.all_valid = data.draw(st.integers(0, 99), label="mode") < 40
        self.names: list[str] = []
        self.drawn: list[str] = []

    def __call__(self, name: str, valid: st.SearchStrategy, bad: st.SearchStrategy = wide):
        self.names.append(name)
        if not self.all_valid and self.data.draw(st.integers(0, 99), label=f"{name} wide?") < 35:
            value = self.data.draw(bad, label=name)
        else:
            value = self.data.draw(valid, label=name)
        self.drawn.append(f"{name}={shown(value, 60)}")
        return value


# ----- valid values ---------------------------------------------------------------------------------
dose_per_kg = st.floats(0.05, 4.0)
dose_mg = st.floats(1.0, 300.0)
interval = st.floats(0.25, 14.0)
few = st.integers(1, 8)
route = st.sampled_from(KETAMINE_ROUTES)
infusion = st.one_of(st.none(), st.floats(1.0, 120.0))
effect = st.sampled_from(EFFECT_NAMES)
fraction = st.floats(0.0, 1.0)

# ----- results the methods and charts are called on (built once) --------------------------------------
_BUILT: dict = {}


def built(key: str, make):
    if key not in _BUILT:
        _BUILT[key] = make()
    return _BUILT[key]


def iv_course() -> Regimen:
    return Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=40, every_days=3.5, doses=4)


def iv_result() -> SimulationResult:
    return built("iv", lambda: simulate(Patient(), iv_course(), days=16))


def oral_result() -> SimulationResult:
    return built("oral", lambda: simulate(Patient(), Regimen.repeated(dose_mg_per_kg=1.0, route="oral", every_days=1, doses=3), days=4))


def cohort_result() -> CohortResult:
    return built("cohort", lambda: simulate(Cohort.sample(12, seed=11), iv_course(), days=16))


def policy_outcome() -> PolicyOutcome:
    return built("policy", lambda: kettutor.escalating_use(sessions=4))


REGIMENS = {
    "iv course": iv_course,
    "single bolus": lambda: Regimen.single(dose_mg_per_kg=2.0),
    "nasal": lambda: Regimen.repeated(dose_mg_per_kg=1.0, route="intranasal", every_days=1, doses=3),
    "spray": lambda: Regimen.esketamine_spray(56, every_days=3.5, doses=2),
    "continuous": lambda: Regimen.continuous_infusion(rate_mg_per_kg_per_h=0.1, hours=30),
    "im then": lambda: Regimen.repeated(dose_mg=25, route="im", every_days=1, doses=2).then(Regimen.single(dose_mg=25, route="im")),
    "taper": lambda: Regimen.taper(1.0, step_mg_per_kg=0.25, every_days=1, route="sublingual"),
}
regimen = st.sampled_from(sorted(REGIMENS)).map(lambda name: built(f"regimen {name}", REGIMENS[name]))
ketamine_regimen = st.sampled_from(sorted(set(REGIMENS) - {"spray"})).map(lambda name: built(f"regimen {name}", REGIMENS[name]))
patient = st.builds(
    Patient,
    weight_kg=st.floats(40.0, 150.0),
    age_years=st.floats(18.0, 90.0),
    sex=st.sampled_from(["female", "male"]),
    comedications=st.lists(st.sampled_from(sorted(COMEDICATIONS)), max_size=2).map(tuple),
    clearance_multiplier=st.floats(0.01, 20.0),
    volume_multiplier=st.floats(0.01, 20.0),
    sensitivity_multiplier=st.floats(0.01, 20.0),
    ke0_multiplier=st.floats(0.01, 20.0),
    intrinsic_clearance_multiplier=st.floats(0.01, 20.0),
    adaptation_multiplier=st.floats(0.01, 20.0),
)
wide_patient = st.one_of(wide, st.just(Cohort), st.just([Patient()]))


def short_days(regimen_value) -> float:
    """A few days beyond a regimen's first dose, for the checks after a call."""
    if isinstance(regimen_value, Regimen):
        return min(regimen_value.events[0].time_h / 24.0 + 2.0, 3650.0)
    return 2.0


# ----- targets: each draws its arguments and returns the call ------------------------------------------
def t_patient(a: Args):
    multipliers = {
        name: a(name, st.floats(0.01, 20.0))
        for name in ("clearance_multiplier", "volume_multiplier", "sensitivity_multiplier", "ke0_multiplier", "intrinsic_clearance_multiplier", "adaptation_multiplier")
    }
    kwargs = dict(
        weight_kg=a("weight_kg", st.floats(3.0, 250.0)),
        age_years=a("age_years", st.floats(0.0, 120.0)),
        sex=a("sex", st.sampled_from(["female", "male"]), misspelled(["female", "male"])),
        comedications=a("comedications", st.lists(st.sampled_from(sorted(COMEDICATIONS)), max_size=3).map(tuple), st.one_of(misspelled(COMEDICATIONS), st.lists(misspelled(COMEDICATIONS), max_size=2))),
        adjunct_therapy=a("adjunct_therapy", st.sampled_from(["none", "psychotherapy", "exercise"]), misspelled(["none", "psychotherapy", "exercise"])),
        name=a("name", st.text(max_size=10)),
        **multipliers,
    )
    return lambda: Patient(**kwargs), {}


def t_dose_event(a: Args):
    kwargs = dict(
        time_h=a("time_h", st.floats(0.0, 100.0)),
        amount=a("amount", st.floats(0.01, 5.0)),
        unit=a("unit", st.sampled_from(["mg", "mg/kg"]), misspelled(["mg", "mg/kg"])),
        route=a("route", st.sampled_from(["iv_bolus", "im", "oral", "intranasal", "sublingual", "rectal"]), misspelled(ROUTES)),
        duration_h=a("duration_h", st.just(0.0)),
        session=a("session", st.integers(0, 5)),
    )
    return lambda: Regimen((DoseEvent(**kwargs),)), {"names": ["events"]}


def t_infusion_event(a: Args):
    kwargs = dict(
        time_h=a("time_h", st.floats(0.0, 100.0)),
        amount=a("amount", st.floats(0.01, 5.0)),
        unit="mg/kg",
        route="iv_infusion",
        duration_h=a("duration_h", st.floats(0.01, 48.0)),
        session=a("session", st.integers(0, 5)),
    )
    return lambda: Regimen((DoseEvent(**kwargs), DoseEvent(**dict(kwargs, time_h=200.0, session=7)))), {"names": ["events"]}


def _dose_kwargs(a: Args) -> dict:
    if a.data.draw(st.booleans(), label="per kg?"):
        return {"dose_mg_per_kg": a("dose_mg_per_kg", dose_per_kg)}
    return {"dose_mg": a("dose_mg", dose_mg)}


def t_single(a: Args):
    kwargs = dict(_dose_kwargs(a), route=a("route", st.sampled_from(["iv_bolus", "im", "oral", "intranasal"]), misspelled(ROUTES)), at_day=a("at_day", st.floats(0.0, 10.0)))
    if (isinstance(kwargs["route"], str) and kwargs["route"] == "iv_bolus") or a.data.draw(st.booleans(), label="infusion?"):
        kwargs["infusion_min"] = a("infusion_min", infusion)
    return lambda: Regimen.single(**kwargs), {}


def t_repeated(a: Args):
    kwargs = dict(_dose_kwargs(a), every_days=a("every_days", interval), start_day=a("start_day", st.floats(0.0, 5.0)))
    if a.data.draw(st.booleans(), label="doses?"):
        kwargs["doses"] = a("doses", few)
    else:
        kwargs["duration_days"] = a("duration_days", st.floats(0.5, 30.0))
    kwargs["route"] = a("route", st.sampled_from(["iv_bolus", "im", "oral", "intranasal", "rectal"]), misspelled(ROUTES))
    if isinstance(kwargs["route"], str) and kwargs["route"] == "iv_bolus":
        kwargs["infusion_min"] = a("infusion_min", infusion)
    return lambda: Regimen.repeated(**kwargs), {}


def t_sequence(a: Args):
    kwargs = dict(
        amounts=a("amounts", st.lists(dose_per_kg, min_size=1, max_size=6), st.one_of(wide, st.lists(wide_number, min_size=1, max_size=3))),
        unit=a("unit", st.just("mg/kg"), misspelled(["mg", "mg/kg"])),
        every_days=a("every_days", interval),
        route=a("route", st.sampled_from(["iv_bolus", "oral", "sublingual"]), misspelled(ROUTES)),
        start_day=a("start_day", st.floats(0.0, 5.0)),
    )
    return lambda: Regimen.sequence(**kwargs), {}


def t_titration(a: Args):
    start = a("start_mg_per_kg", st.floats(0.05, 1.0))
    kwargs = dict(
        step_mg_per_kg=a("step_mg_per_kg", st.floats(0.01, 0.5)),
        target_mg_per_kg=a("target_mg_per_kg", st.floats(1.0, 3.0)),
        every_days=a("every_days", interval),
        doses=a("doses", few),
        route=a("route", st.sampled_from(["iv_bolus", "oral"]), misspelled(ROUTES)),
        infusion_min=a("infusion_min", st.just(None), st.one_of(wide_number, st.floats(1e-6, 2000.0))),
    )
    return lambda: Regimen.titration(start, **kwargs), {}


def t_taper(a: Args):
    start = a("start_mg_per_kg", st.floats(0.1, 2.0))
    kwargs = dict(
        step_mg_per_kg=a("step_mg_per_kg", st.floats(0.1, 2.0).map(lambda x: min(x, 0.1)), st.one_of(wide_number, st.floats(1e-15, 1e-4))),
        every_days=a("every_days", interval),
        route=a("route", st.sampled_from(["iv_bolus", "sublingual", "oral"]), misspelled(ROUTES)),
    )
    return lambda: Regimen.taper(start, **kwargs), {}


def t_continuous(a: Args):
    kwargs = dict(hours=a("hours", st.floats(0.1, 48.0)), start_day=a("start_day", st.floats(0.0, 5.0)))
    if a.data.draw(st.booleans(), label="per kg?"):
        kwargs["rate_mg_per_kg_per_h"] = a("rate_mg_per_kg_per_h", st.floats(0.01, 2.0))
    else:
        kwargs["rate_mg_per_h"] = a("rate_mg_per_h", st.floats(1.0, 100.0))
    return lambda: Regimen.continuous_infusion(**kwargs), {}


def t_spray(a: Args):
    kwargs = dict(
        dose_mg=a("dose_mg", st.sampled_from([28, 56, 84.0])),
        every_days=a("every_days", st.one_of(st.none(), interval)),
        doses=a("doses", st.integers(1, 4)),
        start_day=a("start_day", st.floats(0.0, 5.0)),
    )
    if kwargs["every_days"] is None and isinstance(kwargs["doses"], int) and kwargs["doses"] > 1:
        kwargs["every_days"] = 3.5
    return lambda: Regimen.esketamine_spray(**kwargs), {}


def t_then(a: Args):
    first = a.data.draw(regimen, label="first")
    second = a("next_phase", regimen if first.drug == "ketamine" else st.just(first), st.one_of(wide, regimen))
    gap = a("gap_days", st.one_of(st.none(), interval))
    if gap is None and first.interval_h is None and isinstance(second, Regimen) and second.interval_h is None:
        gap = 2.0
    return lambda: first.then(second, gap_days=gap), {}


def t_add(a: Args):
    first = a.data.draw(ketamine_regimen, label="first")
    second = a("other", ketamine_regimen, st.one_of(wide, regimen))
    return lambda: first + second, {"names": ["regimen", "other", "drug"]}


def t_holiday(a: Args):
    base = a.data.draw(regimen, label="regimen")
    kwargs = dict(start_day=a("start_day", st.floats(0.0, 1.0)), length_days=a("length_days", st.floats(0.1, 1.0)))
    return lambda: base.with_holiday(**kwargs), {}


def t_periodic(a: Args):
    base = built("regimen daily", lambda: Regimen.repeated(dose_mg_per_kg=0.5, every_days=1, doses=10))
    kwargs = dict(every_days=a("every_days", st.floats(3.0, 7.0)), length_days=a("length_days", st.floats(0.5, 2.0)))
    return lambda: base.with_periodic_holidays(**kwargs), {}


def t_missed(a: Args):
    base = a.data.draw(regimen, label="regimen")
    sessions = a("sessions", st.lists(st.integers(2, max(base.session_count, 2)), max_size=2), st.one_of(wide, st.lists(wide_number, max_size=2)))
    return lambda: base.with_missed_doses(sessions), {}


def t_adherence(a: Args):
    base = a.data.draw(regimen, label="regimen")
    kwargs = dict(probability=a("probability", fraction), seed=a("seed", st.integers(0, 2**40), st.one_of(wide, st.integers(-(2**40), -1))))
    return lambda: base.with_adherence(**kwargs), {}


def t_population(a: Args):
    fields = {
        "clearance_cv": st.floats(0.0, 2.0), "volume_cv": st.floats(0.0, 2.0), "female_fraction": fraction,
        "male_weight_median_kg": st.floats(40.0, 150.0), "female_weight_median_kg": st.floats(40.0, 150.0),
        "weight_cv": st.floats(0.0, 2.0), "age_min_years": st.floats(0.0, 40.0), "age_max_years": st.floats(40.0, 120.0),
        "cyp2b6_6_allele_frequency": fraction, "chronic_clint_fold_heterozygous": st.floats(0.05, 100.0),
        "chronic_clint_fold_homozygous": st.floats(0.05, 100.0),
    }
    chosen = a.data.draw(st.lists(st.sampled_from(sorted(fields)), min_size=1, max_size=3, unique=True), label="fields")
    kwargs = {name: a(name, fields[name]) for name in chosen}
    assumption = a.data.draw(st.sampled_from(["single_dose", "chronic"]), label="assumption")
    return lambda: Cohort.sample(8, seed=3, cyp2b6_assumption=assumption, population=PopulationParameters(**kwargs)), {}


def t_sample(a: Args):
    kwargs = dict(
        n=a("n", st.integers(1, 10), st.one_of(wide_number, st.integers(100_001, 10**7))),
        seed=a("seed", st.integers(0, 2**40), st.one_of(wide, st.integers(-(2**40), -1))),
        population=a("population", st.just(PopulationParameters())),
        cyp2b6_assumption=a("cyp2b6_assumption", st.sampled_from(["single_dose", "chronic"]), misspelled(["single_dose", "chronic"])),
        comedications=a("comedications", st.lists(st.sampled_from(sorted(COMEDICATIONS)), max_size=2).map(tuple), misspelled(COMEDICATIONS)),
    )
    return lambda: Cohort.sample(**kwargs), {}


def t_cohort(a: Args):
    patients = a("patients", st.lists(patient, min_size=1, max_size=3).map(tuple), st.one_of(wide, st.just(()), st.lists(wide, min_size=1, max_size=2)))
    genotypes = a("genotypes", st.just(()), st.one_of(wide, st.lists(st.text(max_size=5), max_size=3)))
    return lambda: Cohort(patients, genotypes), {}


def _replaced(a: Args, base, numeric_only=True):
    fields = [f.name for f in dataclasses.fields(base) if isinstance(getattr(base, f.name), float) or not numeric_only]
    name = a.data.draw(st.sampled_from(fields), label="field")
    value = getattr(base, name)
    valid = st.floats(value * 0.8, value * 1.2) if value else st.just(0.0)
    return name, a(name, valid, st.one_of(wide, st.sampled_from([0.0, -1.0, 10.0, 1e9, 1e-12, -1e-12, 1e300])))


def t_disposition(a: Args):
    base = DISPOSITIONS["ketamine"]
    name, value = _replaced(a, base)
    chosen = a.data.draw(regimen, label="regimen")
    return lambda: simulate(Patient(), chosen, days=short_days(chosen), disposition=dataclasses.replace(base, **{name: value})), {}


def t_pd(a: Args):
    name, value = _replaced(a, PHARMACODYNAMICS)
    chosen = a.data.draw(regimen, label="regimen")
    return lambda: simulate(Patient(), chosen, days=short_days(chosen), pd=dataclasses.replace(PHARMACODYNAMICS, **{name: value})), {}


def t_adaptation(a: Args):
    name, value = _replaced(a, ADAPTATION)
    return lambda: dataclasses.replace(ADAPTATION, **{name: value}), {}


def t_parameter_classes(a: Args):
    kind = a.data.draw(st.sampled_from(["effect", "comedication", "route"]), label="class")
    base = {"effect": ACUTE_EFFECTS["dissociation"], "comedication": COMEDICATIONS["clarithromycin"], "route": ROUTES["oral"]}[kind]
    name = a.data.draw(st.sampled_from([f.name for f in dataclasses.fields(base)]), label="field")
    value = getattr(base, name)
    valid = st.just(value) if not isinstance(value, float) else st.floats(value * 0.9, value)
    changed = a(name, valid, st.one_of(wide, misspelled(["ketamine", "mucosal"])))
    cls = type(base)
    return lambda: cls(**{**{f.name: getattr(base, f.name) for f in dataclasses.fields(base)}, name: changed}), {"names": [name]}


def t_parameter_table(a: Args):
    params = a("params", st.sampled_from([PHARMACODYNAMICS, ADAPTATION, DISPOSITIONS["esketamine"], Patient(), ROUTES["im"]]), st.one_of(wide, st.just(Patient)))
    return lambda: kettutor.parameter_table(params), {}


def t_simulate(a: Args):
    chosen = a("regimen", regimen, st.one_of(wide, st.just(0.5)))
    first = chosen.events[0].time_h / 24.0 if isinstance(chosen, Regimen) else 0.0
    kwargs = dict(
        days=a("days", st.floats(first + 0.1, first + 3.0), st.one_of(wide_number, st.floats(-10.0, 5000.0))),
        dense_step_min=a("dense_step_min", st.floats(1.0, 60.0), st.one_of(wide_number, st.floats(1e-9, 1e-3))),
        dense_window_h=a("dense_window_h", st.floats(0.0, 48.0)),
        sparse_step_h=a("sparse_step_h", st.floats(0.1, 24.0), st.one_of(wide_number, st.floats(1e-9, 1e-3))),
        disposition=a("disposition", st.sampled_from([None, DISPOSITIONS["ketamine_kamp2020"]])),
        pd=a("pd", st.just(PHARMACODYNAMICS)),
    )
    who = a("patient", patient, wide_patient)
    return lambda: simulate(who, chosen, **kwargs), {}


def t_simulate_cohort(a: Args):
    cohort = built("small cohort", lambda: Cohort.sample(3, seed=2))
    chosen = a("regimen", regimen, st.one_of(wide, st.just(0.5)))
    first = chosen.events[0].time_h / 24.0 if isinstance(chosen, Regimen) else 0.0
    days = a("days", st.floats(first + 0.1, first + 3.0))
    return lambda: simulate(cohort, chosen, days=days), {}


def t_result_methods(a: Args):
    result = iv_result() if a.data.draw(st.booleans(), label="iv?") else oral_result()
    method = a.data.draw(st.sampled_from(["effect", "session_peaks", "relative_session_peaks", "ec50_change_percent", "slow_state", "amount_mg", "accumulated", "to_dataframe"]), label="method")
    if method == "slow_state":
        argument = a("name", st.sampled_from(["tolerance_fast", "sensitization", "benefit"]), misspelled(["tolerance_fast", "benefit"]))
    elif method == "amount_mg":
        argument = a("state", st.sampled_from(["central", "gut"]), misspelled(["central", "gut"]))
    elif method == "accumulated":
        argument = a("name", st.sampled_from(["absorbed_mg", "auc_ketamine_mg_h_per_l"]), misspelled(["absorbed_mg"]))
    elif method == "to_dataframe":
        argument = a("effects", st.lists(effect, max_size=2).map(tuple), st.one_of(wide, misspelled(EFFECT_NAMES)))
    else:
        argument = a("name" if method not in ("ec50_change_percent",) else "effect", effect, misspelled(EFFECT_NAMES))
    names = {"amount_mg": ["state"], "accumulated": ["running total", "name"], "slow_state": ["slow state", "name"]}.get(method, ["effect", "effects", "name"])
    return lambda: getattr(result, method)(argument), {"names": names, "check": False}


def t_result_constructor(a: Args):
    kwargs = dict(patient=a("patient", st.just(Patient()), wide), regimen=a("regimen", st.just(iv_course()), wide))
    model, output = iv_result()._model, iv_result()._out
    model = a("model", st.just(model), wide)
    return lambda: SimulationResult(kwargs["patient"], kwargs["regimen"], model, output), {}


def t_cohort_methods(a: Args):
    result = cohort_result()
    method = a.data.draw(st.sampled_from(["percentiles", "relative_session_peaks", "responder_fraction", "session_peaks"]), label="method")
    if method == "percentiles":
        values = a("values", st.just(result.relative_session_peaks("dissociation")), st.one_of(wide, st.lists(wide_number, max_size=3)))
        q = a("q", st.lists(st.floats(0.0, 100.0), min_size=1, max_size=3), st.one_of(wide, st.lists(wide, max_size=2)))
        return lambda: result.percentiles(values, q=q), {"check": False}
    if method == "responder_fraction":
        threshold = a("threshold_g", st.floats(0.01, 2.0), wide_number)
        return lambda: result.responder_fraction(threshold_g=threshold), {}
    name = a("effect", effect, misspelled(EFFECT_NAMES))
    return lambda: getattr(result, method)(name), {}


def t_result_containers(a: Args):
    kind = a.data.draw(st.sampled_from(["exposure", "cohort result", "policy outcome"]), label="kind")
    if kind == "exposure":
        values = [a(name, st.floats(0.0, 10.0), wide_number) for name in ("cmax_mg_per_l", "tmax_h", "auc_mg_h_per_l", "norketamine_cmax_mg_per_l", "norketamine_auc_mg_h_per_l", "total_dose_mg", "absorbed_mg")]
        return lambda: Exposure(*values), {}
    if kind == "cohort result":
        real = cohort_result()
        fields = {f.name: getattr(real, f.name) for f in dataclasses.fields(real)}
        name = a.data.draw(st.sampled_from(sorted(fields)), label="field")
        fields[name] = a(name, st.just(fields[name]), wide)
        return lambda: CohortResult(**fields), {"names": [name, "CohortResult"]}
    real = policy_outcome()
    fields = {f.name: getattr(real, f.name) for f in dataclasses.fields(real)}
    name = a.data.draw(st.sampled_from(["session_start_h", "doses_mg_per_kg", "responses", "effect", "regimen", "result"]), label="field")
    fields[name] = a(name, st.just(fields[name]), st.one_of(wide, st.just(np.array([np.nan] * 4))))
    return lambda: PolicyOutcome(**fields), {"names": [name, "PolicyOutcome"]}


PROBE_REGIMENS = st.sampled_from(["iv course", "single bolus", "nasal", "continuous"]).map(lambda name: built(f"regimen {name}", REGIMENS[name]))


def t_dose_response(a: Args):
    who = a("patient", patient, wide_patient)
    chosen = a("regimen", PROBE_REGIMENS, wide)
    kwargs = dict(
        day=a("day", st.floats(0.0, 20.0)),
        effect=a("effect", effect, misspelled(EFFECT_NAMES)),
        doses_mg_per_kg=a("doses_mg_per_kg", st.lists(dose_per_kg, max_size=3), st.one_of(wide, st.lists(wide_number, min_size=1, max_size=2))),
    )
    return lambda: kettutor.dose_response(who, chosen, **kwargs), {}


def t_dose_to_match(a: Args):
    who = a("patient", st.just(Patient()), wide_patient)
    chosen = a("regimen", PROBE_REGIMENS, wide)
    kwargs = dict(day=a("day", st.floats(0.0, 30.0)), effect=a("effect", st.sampled_from(["dissociation", "analgesia"]), misspelled(EFFECT_NAMES)))
    return lambda: kettutor.dose_to_match_first_response(who, chosen, **kwargs), {}


def t_recovery(a: Args):
    who = a("patient", st.just(Patient()), wide_patient)
    chosen = a("regimen", PROBE_REGIMENS, wide)
    kwargs = dict(
        effect=a("effect", st.sampled_from(["dissociation", "anesthesia"]), misspelled(EFFECT_NAMES)),
        fraction=a("fraction", st.floats(0.5, 0.95)),
        max_days=a("max_days", st.floats(5.0, 60.0)),
    )
    return lambda: kettutor.recovery_days(who, chosen, **kwargs), {}


def t_challenge(a: Args):
    who = a("patient", st.just(Patient()), wide_patient)
    chosen = a("pretreatment", regimen, wide)
    kwargs = dict(day=a("day", st.floats(25.0, 40.0)), effect=a("effect", effect, misspelled(EFFECT_NAMES)), challenge=a("challenge", st.just(None), st.one_of(wide, regimen)))
    return lambda: analysis.challenge_response(who, chosen, **kwargs), {}


def t_escalation(a: Args):
    kwargs = dict(
        patient=a("patient", st.one_of(st.none(), patient), wide_patient),
        start_dose_mg_per_kg=a("start_dose_mg_per_kg", st.floats(0.1, 1.0)),
        step_mg_per_kg=a("step_mg_per_kg", st.floats(0.05, 0.5)),
        cap_mg_per_kg=a("cap_mg_per_kg", st.floats(1.0, 4.0)),
        every_days=a("every_days", st.floats(0.5, 7.0), st.one_of(wide_number, st.floats(100.0, 365.0))),
        sessions=a("sessions", st.integers(1, 4), st.one_of(wide_number, st.integers(3651, 10**6))),
        route=a("route", st.sampled_from(["intranasal", "iv_bolus", "oral"]), misspelled(ROUTES)),
        effect=a("effect", effect, misspelled(EFFECT_NAMES)),
        satisfied_fraction=a("satisfied_fraction", fraction),
    )
    return lambda: kettutor.escalating_use(**kwargs), {}


def t_titration_policy(a: Args):
    kwargs = dict(
        patient=a("patient", st.one_of(st.none(), patient), wide_patient),
        start_dose_mg_per_kg=a("start_dose_mg_per_kg", st.floats(0.1, 0.5)),
        step_mg_per_kg=a("step_mg_per_kg", st.floats(0.05, 0.3)),
        max_dose_mg_per_kg=a("max_dose_mg_per_kg", st.floats(0.5, 2.0)),
        target_percent=a("target_percent", st.floats(10.0, 90.0)),
        every_days=a("every_days", st.floats(1.0, 7.0), st.one_of(wide_number, st.floats(30.0, 365.0))),
        sessions=a("sessions", st.integers(1, 4), st.one_of(wide_number, st.integers(1000, 3650))),
        route=a("route", st.just("iv_infusion"), misspelled(ROUTES)),
        infusion_min=a("infusion_min", st.floats(20.0, 60.0)),
    )
    return lambda: kettutor.titrate_to_response(**kwargs), {}


def t_interval_policy(a: Args):
    kwargs = dict(
        patient=a("patient", st.one_of(st.none(), patient), wide_patient),
        dose_mg_per_kg=a("dose_mg_per_kg", st.floats(0.3, 1.0)),
        start_every_days=a("start_every_days", st.floats(2.0, 5.0), st.one_of(wide_number, st.floats(1e-12, 1e-2))),
        step_days=a("step_days", st.floats(1.0, 7.0)),
        max_every_days=a("max_every_days", st.floats(7.0, 28.0)),
        threshold_percent=a("threshold_percent", st.floats(10.0, 60.0)),
        course_days=a("course_days", st.floats(5.0, 20.0), st.one_of(wide_number, st.floats(100.0, 3650.0))),
        route=a("route", st.just("iv_infusion"), misspelled(ROUTES)),
        infusion_min=a("infusion_min", st.floats(20.0, 60.0)),
    )
    return lambda: kettutor.extend_interval_while_benefit_holds(**kwargs), {}


def t_mystery(a: Args):
    kwargs = dict(
        cause=a("cause", st.one_of(st.none(), st.sampled_from(list(kettutor.teach.mystery.CAUSES))), misspelled(kettutor.teach.mystery.CAUSES)),
        seed=a("seed", st.integers(0, 2**40), st.one_of(wide, st.integers(-(2**40), -1))),
    )
    return lambda: kettutor.mystery_patient(**kwargs), {}


def t_charts(a: Args):
    which = a.data.draw(st.sampled_from(["concentration", "effects", "session", "dose_response", "cohort", "escalation", "recovery", "holidays", "challenge"]), label="chart")
    pair = (np.array([0.1, 0.5, 1.0]), np.array([5.0, 40.0, 70.0]))
    if which == "concentration":
        results = a("results", st.just({"IV": iv_result(), "oral": oral_result()}), st.one_of(wide, st.dictionaries(st.text(max_size=3), wide, max_size=2)))
        quantity = a("quantity", st.sampled_from(["plasma", "effect site"]), misspelled(["plasma", "effect site"]))
        return lambda: charts.concentration_chart(results, quantity=quantity), {}
    if which == "effects":
        result = a("result", st.just(iv_result()), wide)
        effects = a("effects", st.lists(st.sampled_from(["dissociation", "anesthesia", "analgesia"]), min_size=1, max_size=2).map(tuple), st.one_of(wide, misspelled(EFFECT_NAMES)))
        threshold = a("threshold_percent", st.floats(0.0, 100.0), wide_number)
        band = a("band_percent", st.one_of(st.none(), st.just((20.0, 60.0))), st.one_of(wide, st.tuples(wide_number, wide_number)))
        return lambda: charts.effects_chart(result, effects, threshold_percent=threshold, band_percent=band), {}
    if which == "session":
        results = a("results", st.just({"IV": iv_result()}), st.one_of(wide, st.just({"a": cohort_result()}), st.dictionaries(st.text(max_size=3), wide, max_size=2)))
        name = a("effect", effect, misspelled(EFFECT_NAMES))
        return lambda: charts.session_response_chart(results, name), {}
    if which == "dose_response":
        curves = a("curves", st.just({"day 0": pair}), st.one_of(wide, st.dictionaries(st.text(max_size=3), st.one_of(wide, st.tuples(st.lists(wide_number, max_size=2), st.lists(wide_number, max_size=2))), max_size=2)))
        name = a("effect", effect, misspelled(EFFECT_NAMES))
        return lambda: charts.dose_response_chart(curves, name), {}
    if which == "cohort":
        result = a("result", st.just(cohort_result()), wide)
        name = a("effect", effect, misspelled(EFFECT_NAMES))
        threshold = a("threshold_g", st.floats(0.1, 2.0), wide_number)
        return lambda: charts.cohort_chart(result, name, threshold_g=threshold), {}
    if which == "escalation":
        outcome = a("outcome", st.just(policy_outcome()), wide)
        return lambda: charts.escalation_chart(outcome), {}
    if which == "recovery":
        result = a("result", st.just(iv_result()), wide)
        holidays = a("holidays", st.lists(st.tuples(st.floats(0.0, 5.0), st.floats(5.0, 10.0)), max_size=2), st.one_of(wide, st.lists(st.tuples(wide_number, wide_number), max_size=2), st.lists(st.tuples(wide_number), min_size=1, max_size=1)))
        return lambda: charts.recovery_chart(result, holidays=holidays), {}
    if which == "holidays":
        chosen = a("regimen", regimen, wide)
        gap = a("min_gap_days", st.floats(0.5, 10.0), wide_number)
        return lambda: charts.holiday_windows(chosen, min_gap_days=gap), {}
    responses = a("responses", st.dictionaries(st.text(min_size=1, max_size=3), st.floats(0.0, 3.0), min_size=1, max_size=3), st.one_of(wide, st.dictionaries(st.text(max_size=3), wide, max_size=2)))
    name = a("effect", effect, misspelled(EFFECT_NAMES))
    return lambda: charts.challenge_chart(responses, name), {}


# target: (draws the call, examples); examples sum to 10,175
TARGETS = {
    "Patient": (t_patient, 500),
    "DoseEvent -> Regimen(events)": (t_dose_event, 600),
    "DoseEvent infusions -> Regimen(events)": (t_infusion_event, 200),
    "Regimen.single": (t_single, 300),
    "Regimen.repeated": (t_repeated, 300),
    "Regimen.sequence": (t_sequence, 250),
    "Regimen.titration": (t_titration, 200),
    "Regimen.taper": (t_taper, 200),
    "Regimen.continuous_infusion": (t_continuous, 200),
    "Regimen.esketamine_spray": (t_spray, 250),
    "Regimen.then": (t_then, 200),
    "Regimen.__add__": (t_add, 150),
    "Regimen.with_holiday": (t_holiday, 200),
    "Regimen.with_periodic_holidays": (t_periodic, 150),
    "Regimen.with_missed_doses": (t_missed, 200),
    "Regimen.with_adherence": (t_adherence, 200),
    "PopulationParameters -> Cohort.sample": (t_population, 300),
    "Cohort.sample": (t_sample, 400),
    "Cohort": (t_cohort, 400),
    "simulate(disposition=Disposition with one field replaced)": (t_disposition, 250),
    "simulate(pd=PharmacodynamicParameters with one field replaced)": (t_pd, 200),
    "AdaptationParameters with one field replaced": (t_adaptation, 500),
    "AcuteEffect, Comedication, Route": (t_parameter_classes, 600),
    "parameter_table": (t_parameter_table, 300),
    "simulate": (t_simulate, 300),
    "simulate(cohort)": (t_simulate_cohort, 40),
    "SimulationResult methods": (t_result_methods, 900),
    "SimulationResult(...)": (t_result_constructor, 200),
    "CohortResult methods": (t_cohort_methods, 700),
    "Exposure, CohortResult, PolicyOutcome constructors": (t_result_containers, 500),
    "dose_response": (t_dose_response, 40),
    "dose_to_match_first_response": (t_dose_to_match, 25),
    "recovery_days": (t_recovery, 25),
    "analysis.challenge_response": (t_challenge, 30),
    "escalating_use": (t_escalation, 40),
    "titrate_to_response": (t_titration_policy, 30),
    "extend_interval_while_benefit_holds": (t_interval_policy, 25),
    "mystery_patient": (t_mystery, 20),
    "charts": (t_charts, 250),
}
CALLS: dict[str, collections.Counter] = {}
BAD: list[str] = []


def classify(make, a: Args) -> tuple[str, str]:
    """Run one call under its time guard; return its class (a, b, c, d or ok) and a note."""
    call, options = make(a)  # draws the arguments only; the call itself runs below
    names = list(a.names) + list(options.get("names", []))
    try:
        with time_guard(CALL_GUARD_S):
            value = call()
    except (Hang, MemoryError) as raised:
        return "d", f"{type(raised).__name__}: {raised}"
    except Exception as raised:  # noqa: BLE001 - classifying every exception is the point
        problem = message_problem(raised, names)
        return ("a", "") if problem is None else ("b", f"{problem}: {type(raised).__name__}: {raised}")
    try:
        with time_guard(CALL_GUARD_S):
            problems = problems_of(value, days=None) if options.get("check", True) else _plain_problems(value)
    except (Hang, MemoryError) as raised:
        return "d", f"after returning: {type(raised).__name__}: {raised}"
    except Exception as raised:  # noqa: BLE001
        return "b", f"after returning, while checking the result: {type(raised).__name__}: {raised}"
    return ("c", "; ".join(problems)) if problems else ("ok", "")


def _plain_problems(value) -> list[str]:
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        return [] if np.all(np.isfinite(value)) else ["non-finite values"]
    return problems_of(value) if not isinstance(value, np.ndarray) else []


@pytest.fixture(scope="module")
def memory_cap():
    """Cap the address space at the process's size plus MEMORY_ALLOWANCE, so a blow-up raises MemoryError."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    with open("/proc/self/status") as status:
        size = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:"))
    cap = size + MEMORY_ALLOWANCE
    try:
        if hard == resource.RLIM_INFINITY or cap <= hard:
            resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_fuzz_public_api(target, memory_cap, recwarn):
    make, examples = TARGETS[target]
    counts = CALLS.setdefault(target, collections.Counter())
    examples_seen: dict[str, str] = {}

    @settings(max_examples=examples, deadline=None, derandomize=True, database=None, phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @given(st.data())
    def fuzz(data):
        a = Args(data)
        outcome, note = classify(make, a)
        counts[outcome] += 1
        if outcome in ("b", "c", "d"):
            examples_seen.setdefault(f"[{outcome}] {note[:200]}", ", ".join(a.drawn))

    began = time.perf_counter()
    fuzz()
    assert not examples_seen, f"{target}: {sum(counts[k] for k in 'bcd')} of {sum(counts.values())} calls in classes b, c or d:\n" + "\n".join(
        f"{key}\n    with {drawn}" for key, drawn in list(examples_seen.items())[:10]
    )
    assert sum(counts.values()) >= 0.9 * examples, counts
    assert time.perf_counter() - began < 60.0


def test_fuzz_ran_over_ten_thousand_calls():
    """The whole API was called at least 10,000 times (when every target above ran)."""
    if len(CALLS) < len(TARGETS):
        pytest.skip("run the whole file to count every target's calls")
    total = sum(sum(counts.values()) for counts in CALLS.values())
    by_class = sum(CALLS.values(), collections.Counter())
    print(f"fuzzed {total} calls: {dict(sorted(by_class.items()))}")
    assert total >= 10_000, by_class
    assert by_class["b"] == by_class["c"] == by_class["d"] == 0, by_class
