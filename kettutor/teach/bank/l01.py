"""Lesson 01, one dose by route: self-checks and graded exercises.

Expected numbers are asked of the model when first needed, so they follow the model if it changes.
"""

from __future__ import annotations

from functools import cache

from ...patient import Patient
from ...regimen import Regimen
from ...simulate import simulate
from ..questions import Choice, Number, Option, scaled


@cache
def oral_cmax_mg_per_l() -> float:
    """Plasma Cmax (mg/L) after 0.5 mg/kg by mouth in the default 70 kg patient."""
    result = simulate(Patient(weight_kg=70), Regimen.single(dose_mg_per_kg=0.5, route="oral"), days=1)
    return float(result.exposure().cmax_mg_per_l)


SELF_CHECKS = (
    Choice(
        "L01.s1",
        "The same 0.5 mg/kg dose is swallowed or injected into a vein. Why is the peak so much lower by mouth?",
        options=(
            Option("a", "The stomach destroys most of the dose before it can act.",
                   "Not the stomach: ketamine is absorbed well from the gut. It is the liver that removes most of it on its first pass.",
                   "gut-destroys-drug"),
            Option("b", "Most of the swallowed dose is removed by the liver before it reaches the blood (first pass).",
                   "Right: oral bioavailability is low because the liver clears much of the dose on its first pass."),
            Option("c", "A swallowed dose is smaller, because it is given in mg rather than mg/kg.",
                   "Both doses are 0.5 mg/kg. Mixing up mg and mg/kg changes the dose, not the route.",
                   "mg-vs-mg-per-kg"),
        ),
        answer="b",
        hints=("Think about where blood from the gut goes before it reaches the rest of the body.",),
    ),
)

EXERCISES = (
    Number(
        "L01.q1",
        "Simulate 0.5 mg/kg by mouth for the default 70 kg patient. What is the plasma Cmax in mg/L?",
        expected=oral_cmax_mg_per_l,
        unit="mg/L",
        rel_tol=0.05,
        misconceptions=(
            scaled(1000, "mg-vs-ng-per-ml-units", "That is the right size in ng/mL; the question asks for mg/L (1 mg/L = 1000 ng/mL)."),
        ),
        hints=("Use kettutor.simulate with Regimen.single(dose_mg_per_kg=0.5, route='oral').",
               "result.exposure().cmax_mg_per_l is the peak plasma concentration in mg/L."),
    ),
)
