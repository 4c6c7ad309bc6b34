"""What the robustness tests (issue [8]) call a good error message and a sane result.

A call either returns something sane or raises ``ValueError``/``TypeError`` whose message names the parameter,
says what is allowed (a range, a choice or a form) and what was given. These are the classes of the robustness
audit (``ROBUSTNESS-2026-11``): a = a good error, b = another exception or a message that does not say what was
wrong, c = NaN, inf, negative or out-of-range values in a result, d = a hang or a memory blow-up.
"""

from __future__ import annotations

import math
import re
import signal
from contextlib import contextmanager

import altair as alt
import numpy as np

import kettutor
from kettutor import Cohort, CohortResult, PolicyOutcome, Regimen, SimulationResult
from kettutor.teach.mystery import CaseRecord

# wording that says what is allowed: a range, a choice, a form or a count
ALLOWED = re.compile(
    r">=|<=|\B>\s|\B<\s|must be|must hold|must give|must fall|must leave|must fit|must move|must start|must reach|"
    r"one of|exactly one|Valid |at least|at most|needs|is needed|Did you mean|e\.g\.|for example"
)
GIVEN = re.compile(r"\bgot\b|\bunknown\b")
TOLERANCE_MG_PER_L = 1e-9  # rounding in the closed-form sums may leave values this far below zero


class Hang(Exception):
    """A call ran past its time guard (class d)."""


@contextmanager
def time_guard(seconds: float):
    """Raise :class:`Hang` if the block runs longer than ``seconds`` (main thread, Unix)."""

    def expire(_signum, _frame):
        raise Hang(f"still running after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0.0)
        signal.signal(signal.SIGALRM, previous)


def spellings(name: str) -> set[str]:
    """Ways a message may name parameter ``name``: as written, with spaces, and in the singular."""
    words = name.lower().replace("_", " ")
    forms = {name.lower(), words}
    forms |= {form[:-1] for form in forms if form.endswith("s")}
    return forms


def message_problem(error: BaseException, names) -> str | None:
    """Why ``error`` is not a good error for a call with parameters ``names`` (None if it is)."""
    if not isinstance(error, (ValueError, TypeError)) or type(error).__module__ not in ("builtins", "kettutor._validate"):
        return f"{type(error).__name__} is not a ValueError/TypeError raised by kettutor"
    text = str(error)
    lower = text.lower()
    if not any(form in lower for name in names for form in spellings(name)):
        return f"the message names none of {sorted(names)}"
    if not ALLOWED.search(text):
        return "the message does not say what is allowed"
    if not GIVEN.search(text):
        return "the message does not say what was given"
    return None


def _check_array(name: str, values, low: float | None = None, high: float | None = None, problems: list | None = None) -> list:
    problems = [] if problems is None else problems
    values = np.asarray(values, dtype=float)
    if values.size == 0:
        return problems
    bad = ~np.isfinite(values)
    if bad.any():
        problems.append(f"{name}: {int(bad.sum())} non-finite values")
        return problems
    if low is not None and values.min() < low:
        problems.append(f"{name}: min {values.min():g} < {low:g}")
    if high is not None and values.max() > high:
        problems.append(f"{name}: max {values.max():g} > {high:g}")
    return problems


def _concentration(name: str, values, problems: list) -> None:
    values = np.asarray(values, dtype=float)
    scale = float(np.max(np.abs(values))) if values.size and np.all(np.isfinite(values)) else 0.0
    _check_array(name, values, -TOLERANCE_MG_PER_L * (1.0 + scale), None, problems)


def effect_scale(name: str, g_max: float) -> float:
    """Largest value of effect ``name``: 100 % for acute effects and craving, g_max for the antidepressant."""
    return g_max if name == "antidepressant" else 100.0


def simulation_problems(result: SimulationResult) -> list[str]:
    problems: list[str] = []
    g_max = result._model.pd.antidepressant_max_g
    _check_array("time_h", result.time_h, 0.0, None, problems)
    for name in ("plasma_mg_per_l", "effect_site_mg_per_l", "norketamine_mg_per_l", "norketamine_effect_site_mg_per_l"):
        _concentration(name, getattr(result, name), problems)
    for effect in kettutor.EFFECT_NAMES:
        top = effect_scale(effect, g_max) * (1.0 + 1e-12)
        _check_array(f"effect({effect})", result.effect(effect), 0.0, top, problems)
        _check_array(f"session_peaks({effect})", result.session_peaks(effect), 0.0, top, problems)
    if result.session_peaks("dissociation")[0] > 0:
        _check_array("relative_session_peaks(dissociation)", result.relative_session_peaks("dissociation"), 0.0, None, problems)
    _check_array("tolerance", result.tolerance, -1e-12, None, problems)
    exposure = result.exposure()  # its Cmax is the largest session Cmax
    for field in ("cmax_mg_per_l", "tmax_h", "auc_mg_h_per_l", "norketamine_cmax_mg_per_l", "norketamine_auc_mg_h_per_l", "total_dose_mg", "absorbed_mg"):
        value = getattr(exposure, field)
        if not math.isfinite(value) or value < -TOLERANCE_MG_PER_L:
            problems.append(f"exposure().{field} = {value:g}")
    if exposure.absorbed_mg > exposure.total_dose_mg * (1.0 + 1e-9) + 1e-12:
        problems.append(f"exposure(): absorbed {exposure.absorbed_mg:g} mg > total dose {exposure.total_dose_mg:g} mg")
    return problems


def regimen_problems(regimen: Regimen, days: float | None = None) -> list[str]:
    problems: list[str] = []
    for e in regimen.events:
        for field in ("time_h", "amount", "duration_h"):
            value = getattr(e, field)
            if not (isinstance(value, float) and math.isfinite(value) and value >= 0.0):
                problems.append(f"event {field} {value!r}")
    if problems:
        return problems
    first_day = regimen.events[0].time_h / 24.0
    days = min(first_day + 1.0, 3650.0) if days is None else days
    return simulation_problems(kettutor.simulate(kettutor.Patient(), regimen, days=days))


def cohort_result_problems(result: CohortResult) -> list[str]:
    problems: list[str] = []
    for effect in kettutor.EFFECT_NAMES:
        top = effect_scale(effect, kettutor.PHARMACODYNAMICS.antidepressant_max_g) * (1.0 + 1e-12)
        _check_array(f"session_peaks({effect})", result.session_peaks(effect), 0.0, top, problems)
    _concentration("session_cmax_mg_per_l", result.session_cmax_mg_per_l, problems)
    _check_array("auc_mg_h_per_l", result.auc_mg_h_per_l, 0.0, None, problems)
    for name, values in result.daily.items():
        _check_array(f"daily[{name}]", values, -1e-12 if name in ("tolerance", "sensitization") else 0.0, None, problems)
    _check_array("responder_fraction", result.responder_fraction(), 0.0, 1.0, problems)
    return problems


def problems_of(value, *, days: float | None = None) -> list[str]:
    """What is wrong with what a call returned (class c); empty if it is sane."""
    if isinstance(value, SimulationResult):
        return simulation_problems(value)
    if isinstance(value, Regimen):
        return regimen_problems(value, days)
    if isinstance(value, kettutor.Patient):
        return simulation_problems(kettutor.simulate(value, Regimen.single(dose_mg_per_kg=0.5, infusion_min=40), days=1))
    if isinstance(value, CohortResult):
        return cohort_result_problems(value)
    if isinstance(value, PolicyOutcome):
        problems = _check_array("doses_mg_per_kg", value.doses_mg_per_kg, 0.0, 50.0)
        g_max = value.result._model.pd.antidepressant_max_g
        _check_array("responses", value.responses, 0.0, effect_scale(value.effect, g_max) * (1.0 + 1e-12), problems)
        value.harms()
        return problems + simulation_problems(value.result)
    if isinstance(value, CaseRecord):
        taken = value.dose_taken_mg > 0
        problems = _check_array("day", value.day, 0.0)
        _check_array("depression_score", value.depression_score, 0.0, 60.0, problems)
        _check_array("plasma_peak_ng_per_ml (doses taken)", value.plasma_peak_ng_per_ml[taken], 0.0, None, problems)
        _check_array("dissociation_percent (doses taken)", value.dissociation_percent[taken], 0.0, 100.0, problems)
        return problems
    if isinstance(value, Cohort):
        return [] if len(value) >= 1 else ["empty cohort"]
    if isinstance(value, alt.TopLevelMixin):
        spec = value.to_dict()
        text = " ".join(str(table) for table in spec.get("datasets", {}).values())
        return [f"chart data holds {word}" for word in ("nan", "inf") if re.search(rf"(?<![a-z]){word}(?![a-z])", text.lower())]
    if isinstance(value, tuple) and len(value) == 2 and all(isinstance(part, np.ndarray) for part in value):
        return _check_array("doses", value[0], 0.0) + _check_array("responses", value[1], 0.0, 100.0)
    if isinstance(value, np.ndarray):
        return _check_array("array", value)
    if isinstance(value, float):
        return [] if math.isfinite(value) or value == math.inf else [f"{value!r}"]
    if isinstance(value, list):
        return [problem for item in value for problem in problems_of(item)]
    if isinstance(value, tuple):
        return [f"{item!r}" for item in value if isinstance(item, float) and not math.isfinite(item)]
    return []
