"""kettutor: simulated ketamine patients for teaching tolerance and sensitization.

An educational model, not medical advice and not a dosing guide.

>>> import kettutor
>>> result = kettutor.simulate(kettutor.Patient(), kettutor.Regimen.single(dose_mg_per_kg=0.5, infusion_min=40))
>>> bool(0.15 < result.plasma_mg_per_l.max() < 0.30)
True
"""

# floor 0, the science: cited parameters and physiology
from ._validate import ValidatedRangeWarning
from .science.adaptation import ADAPTATION, AdaptationParameters
from .science.comedications import COMEDICATIONS, Comedication
from .science.effects import ACUTE_EFFECTS, EFFECT_NAMES, EFFECT_UNITS, PHARMACODYNAMICS, AcuteEffect, PharmacodynamicParameters
from .science.params import parameter_table
from .science.pk import DISPOSITIONS, Disposition
from .science.routes import ROUTES, Route

# floor 1, what a learner builds: patients and regimens
from .patient import EXAMPLE_PATIENTS, Patient
from .regimen import DoseEvent, Regimen

# floor 2, the solver: single patients and cohorts
from .solver.cohort import ARCHETYPES, FAST_METABOLISER, SLOW_METABOLISER, Cohort, CohortResult, PopulationParameters
from .solver.result import Exposure, SimulationResult
from .solver.simulate import simulate

# floor 3, questions asked of simulations
from .analysis import dose_response, dose_to_match_first_response, recovery_days
from .policies import PolicyOutcome, escalating_use, extend_interval_while_benefit_holds, titrate_to_response

# floor 4, teaching
from .teach.mystery import mystery_patient

_LAZY = {"apps": "kettutor.teach.apps", "charts": "kettutor.teach.charts"}  # widgets and charts load when first used


def __getattr__(name: str):
    """``kettutor.apps`` and ``kettutor.charts`` (``from kettutor import apps``), imported on first use."""
    if name in _LAZY:
        import importlib

        return importlib.import_module(_LAZY[name])
    raise AttributeError(f"module 'kettutor' has no attribute {name!r}")


__all__ = [
    "ARCHETYPES",
    "Cohort",
    "CohortResult",
    "FAST_METABOLISER",
    "PopulationParameters",
    "SLOW_METABOLISER",
    "ACUTE_EFFECTS",
    "ADAPTATION",
    "AdaptationParameters",
    "PolicyOutcome",
    "dose_response",
    "dose_to_match_first_response",
    "escalating_use",
    "mystery_patient",
    "extend_interval_while_benefit_holds",
    "recovery_days",
    "titrate_to_response",
    "COMEDICATIONS",
    "DISPOSITIONS",
    "EFFECT_NAMES",
    "EFFECT_UNITS",
    "EXAMPLE_PATIENTS",
    "PHARMACODYNAMICS",
    "ROUTES",
    "AcuteEffect",
    "Comedication",
    "Disposition",
    "DoseEvent",
    "Exposure",
    "Patient",
    "PharmacodynamicParameters",
    "Regimen",
    "Route",
    "SimulationResult",
    "ValidatedRangeWarning",
    "parameter_table",
    "simulate",
]
