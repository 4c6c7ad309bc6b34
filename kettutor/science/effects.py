"""Pharmacodynamics: effect-site equilibration, acute sigmoid-Emax effects and the slow antidepressant state.

Acute effects follow the effect-site concentration ``Ce`` (racemic-equivalent, mg/L):

.. math::

    \\dot C_e = k_{e0}(C_p - C_e), \\qquad
    E(C_e) = E_{max} \\frac{C_e^{\\gamma}}{EC_{50}^{\\gamma} + C_e^{\\gamma}}

The antidepressant effect is not a concentration effect: each session triggers a slow "plasticity"
cascade (signalling ``S`` then benefit ``B``) that outlasts the drug by days (fact 5, phenomenon K4):

.. math::

    \\dot S = k_{trig} H(C_e) - k_{s} S, \\qquad \\dot B = k_{s} S - k_{b} B, \\qquad
    \\dot C = k_c B - k_{cd} C, \\qquad g = g_{max} \\frac{X}{B_{50} + X}, \\quad X = B + C + w_S S

Repeated sessions consolidate part of the benefit (``C``), which fades over months rather than days:
one infusion barely adds to it, an induction course does. ``H`` is the same sigmoid as dissociation (Luckenbaugh 2014: dissociation at 40 min predicts the
antidepressant response). ``g`` is in effect-size units (Hedges g versus placebo). No published
mechanistic model of the antidepressant time course exists (ketamine-pkpd.md section 8), so the three
rates are an *illustrative calibration* to Kishimoto 2016: measurable by 2 h, peak near 24 h at
g ~ 1.0, lost (g < 0.2) by days 10-12 after one 0.5 mg/kg/40 min infusion.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validate import check_choice
from .params import CitedParameters, check_fields, check_labels, cited


@dataclass(frozen=True)
class AcuteEffect(CitedParameters):
    """A sigmoid Emax concentration-effect relation on the effect-site concentration (mg/L), in % of the
    maximal effect.

    >>> from kettutor import ACUTE_EFFECTS, AcuteEffect
    >>> dissociation = ACUTE_EFFECTS["dissociation"]
    >>> float(dissociation.of(dissociation.ec50_mg_per_l))   # % of maximal effect at the EC50 (mg/L)
    50.0
    >>> custom = AcuteEffect(name="dissociation", ec50_mg_per_l=0.3, hill=2.0)
    >>> float(custom.of(0.15)), float(custom.of(0.3, ec50_scale=2.0))   # %: at half the EC50; tolerance doubling the EC50
    (20.0, 20.0)
    """

    name: str = cited("dissociation", "", "effect name", "")
    ec50_mg_per_l: float = cited(0.15, "mg/L", "effect-site concentration giving half the maximal effect", "")
    hill: float = cited(2.0, "", "steepness (Hill coefficient)", "")
    emax_percent: float = cited(100.0, "%", "maximal effect", "scale: % of the maximal effect")
    sources: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        check_labels(self, "name")
        check_fields(self, {"ec50_mg_per_l": (1e-3, 100.0), "hill": (0.1, 16.0), "emax_percent": (0.0, 100.0)}, above=("emax_percent",))

    def of(self, ce_mg_per_l: np.ndarray, ec50_scale: np.ndarray | float = 1.0) -> np.ndarray:
        """Effect (%) at effect-site concentration ``ce_mg_per_l``; ``ec50_scale`` shifts EC50 (tolerance)."""
        return self.emax_percent * sigmoid(ce_mg_per_l / (self.ec50_mg_per_l * ec50_scale), self.hill)


def sigmoid(ratio: np.ndarray, hill: float) -> np.ndarray:
    """Hill function r^n / (1 + r^n) of a concentration ratio r = C / EC50 (negative r counts as 0)."""
    powered = _power(np.maximum(ratio, 0.0), hill)
    return powered / (1.0 + powered)


def _power(base: np.ndarray, exponent: float) -> np.ndarray:
    """base ** exponent; small whole exponents by repeated squaring (several times faster than pow)."""
    if exponent != int(exponent) or not 1 <= exponent <= 16:
        return base**exponent
    whole, result, square = int(exponent), None, base
    while whole:
        if whole & 1:
            result = square if result is None else result * square
        whole >>= 1
        if whole:
            square = square * square
    return result


def _acute(name: str, ec50: float, ec50_source: str, hill: float, hill_source: str) -> AcuteEffect:
    return AcuteEffect(
        name=name, ec50_mg_per_l=ec50, hill=hill, sources=(("ec50_mg_per_l", ec50_source), ("hill", hill_source))
    )


ACUTE_EFFECTS: dict[str, AcuteEffect] = {
    effect.name: effect
    for effect in (
        _acute(
            "anesthesia", 0.64,
            "awakening at 0.64 +/- 0.21 ug/mL (2.7 +/- 0.9 uM; Idvall et al. 1979 Br J Anaesth 51:1167): half "
            "the patients anaesthetised (unresponsive) there",
            5.0, "illustrative: steep, so that nearly all are anaesthetised at 1.2-2.4 ug/mL (Zanos 2018)",
        ),
        _acute(
            "dissociation", 0.15,
            "midpoint of 50-250 ng/mL (Bowdle et al. 1998 Anesthesiology; Krystal 1994 via Zanos 2018)",
            2.0, "illustrative: near-linear rise over 50-250 ng/mL (Bowdle 1998)",
        ),
        _acute(
            "analgesia", 0.10,
            "analgesia 70-160 ng/mL (Zanos 2018 Table 1); > 0.1 mg/L in adults (Herd 2007)",
            2.0, "illustrative",
        ),
        _acute(
            "locomotor", 0.18,
            "'drug high' EC50 0.3 nmol/mL S-ketamine (Simons et al. 2022) x 2.5 racemic-equivalent potency",
            2.0, "illustrative",
        ),
    )
}


@dataclass(frozen=True)
class PharmacodynamicParameters(CitedParameters):
    """Effect-site link and the slow antidepressant cascade.

    Each field names its unit (rates per min, h or day; the antidepressant effect in Hedges g). Change a
    value with ``dataclasses.replace`` and pass the set to :func:`kettutor.simulate` as ``pd``:

    >>> import math
    >>> from dataclasses import replace
    >>> from kettutor import PHARMACODYNAMICS, Patient, Regimen, simulate
    >>> 2 < math.log(2) / PHARMACODYNAMICS.ke0_per_min < 4   # effect-site equilibration half-life (min)
    True
    >>> halved = replace(PHARMACODYNAMICS, antidepressant_max_g=PHARMACODYNAMICS.antidepressant_max_g / 2)   # Hedges g
    >>> infusion = Regimen.single(dose_mg_per_kg=0.5, infusion_min=40)
    >>> g = simulate(Patient(), infusion, days=3).session_peaks("antidepressant")[0]
    >>> g_halved = simulate(Patient(), infusion, days=3, pd=halved).session_peaks("antidepressant")[0]
    >>> round(float(g_halved / g), 2)   # the antidepressant peak halves with g_max
    0.5
    """

    ke0_per_min: float = cited(
        0.238, "1/min", "effect-site equilibration rate (t1/2 ~2.9 min)",
        "Navarrete-Ibacache et al. 2025 J Clin Monit Comput 39:349 (with Domino PK; seen via ketamine.js)",
    )
    antidepressant_trigger_per_h: float = cited(
        1.738, "1/h", "k_trig: signalling produced per hour at full drive",
        "illustrative calibration (scripts/calibrate.py): g = 1.0 at 24 h after 0.5 mg/kg over 40 min (Kishimoto 2016)",
    )
    signalling_rate_per_day: float = cited(
        2.75, "1/day", "k_s: signalling -> benefit", "illustrative calibration: peak near 24 h (Kishimoto 2016)"
    )
    benefit_decay_per_day: float = cited(
        0.33, "1/day", "k_b: fading of the benefit (t1/2 ~2.1 days)",
        "illustrative calibration: g < 0.2 by days 10-12 (Kishimoto 2016)",
    )
    antidepressant_max_g: float = cited(
        1.4, "Hedges g", "g_max: largest antidepressant effect",
        "illustrative: repeated sessions add little to one session's g ~1.0 (Kishimoto 2016; Fava 2018: 0.5 and "
        "1.0 mg/kg similar)",
    )
    benefit_half_max: float = cited(
        0.4, "benefit units", "B50: benefit giving half of g_max",
        "illustrative: g = 1.0 at B = 1, the peak after one standard infusion (Kishimoto 2016 day-1 g ~1.0)",
    )
    signalling_weight: float = cited(
        0.15, "benefit units per signalling unit", "weight of early signalling in the benefit read-out",
        "illustrative calibration: benefit measurable from 40 min (Kishimoto 2016; Diazgranados 2010)",
    )
    consolidation_rate_per_day: float = cited(
        0.006, "1/day", "k_c: share of the benefit consolidated per day",
        "illustrative calibration: one infusion still fades by days 10-12 (fact 5) while an induction course "
        "keeps benefit through fortnightly maintenance (P3)",
    )
    consolidated_half_life_days: float = cited(
        90.0, "days", "fading of consolidated benefit",
        "illustrative: stable remitters relapsed after a median 273 days on placebo (Daly et al. 2019 JAMA Psychiatry)",
    )

    def __post_init__(self) -> None:
        check_fields(self, PD_RANGES, above=("antidepressant_max_g",))


# Allowed ranges (each field's unit): wide around the calibration, with every rate > 0 where a zero would leave
# the antidepressant cascade without a drug-free steady state.
PD_RANGES = {
    "ke0_per_min": (1e-3, 100.0),
    "antidepressant_trigger_per_h": (0.0, 100.0),
    "signalling_rate_per_day": (0.01, 100.0),
    "benefit_decay_per_day": (1e-3, 100.0),
    "antidepressant_max_g": (0.0, 5.0),
    "benefit_half_max": (1e-3, 100.0),
    "signalling_weight": (0.0, 10.0),
    "consolidation_rate_per_day": (0.0, 10.0),
    "consolidated_half_life_days": (0.1, 36500.0),
}


PHARMACODYNAMICS = PharmacodynamicParameters()

# Units of each effect as returned by ``SimulationResult.effect`` (used for chart axes).
EFFECT_UNITS: dict[str, str] = {
    "anesthesia": "% of maximal effect",
    "dissociation": "% of maximal effect",
    "analgesia": "% of maximal effect",
    "antidepressant": "effect size (Hedges g vs placebo)",
    "locomotor": "% of maximal effect",
    "craving": "% of maximal craving",
}
EFFECT_NAMES: tuple[str, ...] = tuple(EFFECT_UNITS)


def check_effect(name: str) -> str:
    """Validate an effect name, suggesting the closest one on a typo."""
    return check_choice("effect", name, EFFECT_NAMES)


def antidepressant_effect(
    benefit: np.ndarray, pd: PharmacodynamicParameters = PHARMACODYNAMICS, signalling: np.ndarray | float = 0.0
) -> np.ndarray:
    """Antidepressant effect size g (Hedges g) from the benefit B + C and the early signalling S:
    ``g = g_max X / (B50 + X)`` with ``X = B + C + w_S S``."""
    b = np.maximum(benefit + pd.signalling_weight * np.maximum(signalling, 0.0), 0.0)
    return pd.antidepressant_max_g * b / (pd.benefit_half_max + b)


# Effect-site concentration (mg/L, racemic-equivalent, before tolerance) of surgical anaesthesia: racemic
# EEG EC50 2.0 +/- 0.5 ug/mL (Schuttler et al. 1987), anaesthetic S-ketamine level 1.96 ug/mL (Langsjo 2005),
# maintenance steady state 2.2 +/- 0.2 ug/mL (Idvall 1979), the value used. With it 2 mg/kg IV gives 5-7 min (Ketalar label: 5-10 min).
SURGICAL_ANAESTHESIA_CE_MG_PER_L = 2.2
