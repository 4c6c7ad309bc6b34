"""kettutor: simulated ketamine patients for teaching tolerance and sensitization.

An educational model, not medical advice and not a dosing guide.

>>> import kettutor
>>> result = kettutor.simulate(kettutor.Patient(), kettutor.Regimen.single(dose_mg_per_kg=0.5, infusion_min=40))
>>> bool(0.15 < result.plasma_mg_per_l.max() < 0.30)
True
"""

from ._validate import ValidatedRangeWarning
from .adaptation import ADAPTATION, AdaptationParameters
from .analysis import dose_response, dose_to_match_first_response, recovery_days
from .cohort import ARCHETYPES, FAST_METABOLISER, SLOW_METABOLISER, Cohort, CohortResult, PopulationParameters
from .comedications import COMEDICATIONS, Comedication
from .effects import ACUTE_EFFECTS, EFFECT_NAMES, EFFECT_UNITS, PHARMACODYNAMICS, AcuteEffect, PharmacodynamicParameters
from .params import parameter_table
from .mystery import mystery_patient
from .patient import EXAMPLE_PATIENTS, Patient
from .pk import DISPOSITIONS, Disposition
from .policies import PolicyOutcome, escalating_use, extend_interval_while_benefit_holds, titrate_to_response
from .regimen import DoseEvent, Regimen
from .result import Exposure, SimulationResult
from .routes import ROUTES, Route
from .simulate import simulate

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
