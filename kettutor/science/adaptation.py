"""Slow adaptation: tolerance, sensitization and dependence that emerge from the regimen.

All processes are driven by NMDA-receptor blockade, the sigmoid drive ``u = H(C_e)`` of
:mod:`kettutor.science.effects`, so nothing is drawn by hand: dose, interval and holidays decide everything.

**Tolerance** (receptor counter-regulation on three time scales; counter-regulation/moderator structure of
Gabrielsson & Peletier 2008, ketamine-pkpd.md 5c):

.. math::

    \\dot P = k_{f}^{in}(u + c_{NMDA}) - k_P P, \\quad \\dot T_f = k_P P - k_f T_f, \\quad
    \\dot T_s = k_s^{in} T_f (a + G(T_f)) - k_s T_s, \\quad \\dot T_c = k_c^{in} T_s u - k_c T_c

The precursor ``P`` delays tolerance by hours, so one anaesthetic keeps working while days of exposure build
tolerance. Fast tolerance decays with Ekblom's 26 h; slow tolerance (7 days, so that tolerance after
repeated doses is gone within 3-4 weeks) grows a little with any use (``a``) and much more while fast
tolerance stays above a threshold, ``G(T_f) = (T_f/\\theta)^6 / (1 + (T_f/\\theta)^6)``, as frequent use keeps
it. The chronic component grows only while the drug acts on a patient who already carries slow tolerance:
months of heavy use, which abstinence reverses over months (seed 002: heavy users need longer breaks).

Counter-regulation has a finite capacity: what shifts an effect's EC50 is
``\\tau = T_{max} (T_f + T_s) / (T_{max} + T_f + T_s) + T_c``, so hours or days of sustained exposure (an
anaesthetic or analgesic infusion) cannot drive tolerance past the ceiling ``T_max``:

.. math:: EC_{50,e}(t) = EC_{50,e} \\, (1 + w_e \\tau(t))

with an effect-specific weight ``w_e`` (dissociation adapts faster than anaesthesia, T5; Domino 1965). The
antidepressant drive desensitises instead with the total ``T``: ``u (1 - T^2/(T_{50}^2 + T^2))``, so spaced
dosing keeps its benefit while chronic daily dosing loses it (seed 002).

``c_NMDA`` is the constant blockade from another NMDA antagonist the patient takes (cross-tolerance, T6).

**Sensitization** needs *onsets* of strong exposure after a drug-free interval: a steep, high-threshold drive
``H_S(C_e)`` builds it while the tolerance precursor is still low, and the gate closes within minutes of
exposure and stays closed while doses follow each other within hours:

.. math:: \\dot S = k_S^{in} H_S(C_e) \\, (1 - P^n/(P_{50}^n + P^n)) - k_S S, \\qquad
          EC_{50,loc}(t) = EC_{50,loc} \\frac{1 + w_{loc} \\tau_{loc}}{1 + S}

The locomotor/reward effect adapts only through fast tolerance sustained above its threshold
(``\\tau_{loc}``, from ``T_f G(T_f)`` with a small share ``a`` of ``T_f``): continuous exposure and several doses a
day therefore tolerate (S2), doses a day or more apart sensitize (S1), and the sensitization outlasts a
two-week break while tolerance decays (S3; Rocha 1996).

**Dependence** (craving and low mood between doses; psychological, with no physical withdrawal, E2):
rewarding sessions add to a craving state that fades over weeks, but only while fast tolerance shows
frequent use (E3), ``\\dot D = k_D^{in} R(t) F(T_f) - k_D D``, with ``R`` the locomotor/reward effect (fraction of
maximum) and ``F(T_f) = T_f^2/(T_{D}^2 + T_f^2)``; craving (%) is ``100 D^2 / (D_{50}^2 + D^2)``.

Time constants for ketamine tolerance in humans are not published (ketamine-pkpd.md section 9). Every
number below is either an analogue-based value (labelled with its analogue) or an *illustrative
calibration* naming the phenomenon it was calibrated to; ``python -m kettutor.validation`` checks them all
at other regimens and body weights.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .params import CitedParameters, check_fields, cited

LN2 = math.log(2.0)


@dataclass(frozen=True)
class AdaptationParameters(CitedParameters):
    """Rates and weights of tolerance, sensitization and dependence.

    Each field names its unit (half-lives in h or days, gains per h or per day, tolerance in tolerance
    units). Change a value with ``dataclasses.replace``:

    >>> from dataclasses import replace
    >>> from kettutor import ADAPTATION
    >>> slower = replace(ADAPTATION, slow_tolerance_half_life_days=14.0)   # days
    >>> slower.slow_tolerance_half_life_days, slower.fast_tolerance_half_life_h == ADAPTATION.fast_tolerance_half_life_h
    (14.0, True)
    >>> float(ADAPTATION.expressed_tolerance(100.0)) < ADAPTATION.tolerance_capacity   # tolerance units: never past the ceiling
    True
    """

    tolerance_onset_half_life_h: float = cited(
        6.0, "h", "half-life of the precursor through which blockade becomes tolerance (onset lag)",
        "analogue: ~4 h of receptor occupancy needed for acute opioid tolerance (J Pharmacol Exp Ther 1987;242:251); "
        "calibrated so a 3 h anaesthetic infusion keeps working (fact 2)",
    )
    fast_tolerance_half_life_h: float = cited(
        26.0, "h", "decay half-life of fast tolerance T_f",
        "analogue: morphine tolerance compartment t1/2 26 +/- 6 h (Ekblom et al. 1993 J Pharmacol Exp Ther 266:244)",
    )
    fast_tolerance_gain_per_h: float = cited(
        0.3, "1/h", "k_f^in: fast tolerance built per hour of full blockade",
        "illustrative calibration: T1 (daily dosing for two weeks clearly reduces the response)",
    )
    tolerance_capacity: float = cited(
        0.9, "tolerance units", "T_max: the most tolerance counter-regulation can express (ceiling)",
        "illustrative calibration: patients stay anaesthetised through a maintenance infusion (Idvall 1979), "
        "analgesia persists through a 100-h infusion (Dahan et al. 2011 Eur J Pain 15:258), and daily "
        "inductions stay within the label's 4.5 mg/kg (Ketalar label)",
    )
    slow_tolerance_half_life_days: float = cited(
        7.0, "days", "decay half-life of slow tolerance T_s",
        "analogue: morphine tolerance after repeated doses persisted 3-4 weeks (J Pharmacol Exp Ther 1977;202:654): "
        "7 days leaves < 10 % after 3.3 weeks",
    )
    slow_tolerance_gain_per_day: float = cited(
        0.5, "1/day", "k_s^in: slow tolerance built per day per unit of gated fast tolerance",
        "illustrative calibration: T4 (therapeutic course resets in 2-6 weeks; months of daily use only partly)",
    )
    slow_tolerance_threshold: float = cited(
        0.4, "tolerance units", "fast tolerance above which slow tolerance grows",
        "illustrative calibration: T3 (weekly or twice-weekly dosing plateaus; daily dosing keeps climbing)",
    )
    slow_tolerance_spaced_fraction: float = cited(
        0.2, "", "share of the slow-tolerance gain that acts below the threshold (spaced dosing)",
        "illustrative calibration: dissociation declines across twice-weekly sessions (TRANSFORM-2 post hoc, fact 9)",
    )
    chronic_tolerance_gain_per_h: float = cited(
        0.006, "1/h", "chronic tolerance built per hour of full blockade per unit of slow tolerance (heavy use)",
        "illustrative calibration: T4 (heavy chronic users need longer abstinence, seed 002) and E1 (daily users "
        "escalate to several times their first dose within months; a case report of tenfold escalation over 2 years)",
    )
    chronic_tolerance_half_life_days: float = cited(
        90, "days", "decay half-life of chronic tolerance T_c",
        "illustrative: months of daily use recover only partly within 6 weeks (T4); heavy users need longer abstinence "
        "(seed 002); no human time course is published",
    )
    sensitization_ec50_mg_per_l: float = cited(
        0.2, "mg/L", "effect-site concentration giving half the sensitizing drive",
        "illustrative: sensitization needs a threshold dose (Strong et al. 2017 Physiol Behav: 5 and 10 but not 2.5 mg/kg)",
    )
    sensitization_hill: float = cited(
        6.0, "", "steepness of the sensitizing drive", "illustrative: small doses barely sensitize (Strong 2017)"
    )
    sensitization_gate_precursor: float = cited(
        0.06, "tolerance units", "tolerance precursor P at which the sensitizing drive is halved",
        "illustrative calibration: S2 (continuous exposure or several doses a day tolerate; Ekblom 1993: infusion "
        "gives tolerance where bolus dosing gives less)",
    )
    sensitization_gate_hill: float = cited(
        6, "", "steepness of the gate closing sensitization under sustained exposure", "illustrative (S2)"
    )
    sensitization_gain_per_h: float = cited(
        1.2, "1/h", "k_S^in: sensitization built per hour of sensitizing drive",
        "illustrative calibration: S1 (intermittent doses raise the locomotor response; Trujillo & Heller 2020)",
    )
    sensitization_half_life_days: float = cited(
        120.0, "days", "decay half-life of sensitization",
        "illustrative calibration: S3 (still increased after a 2-week drug-free period; Rocha et al. 1996)",
    )
    dependence_gain_per_h: float = cited(
        0.15, "1/h", "k_D^in: craving built per hour of full reward effect during frequent use",
        "illustrative calibration: E2/E3 (daily use builds craving, weekly clinical dosing little)"
    )
    dependence_tolerance_threshold: float = cited(
        0.4, "tolerance units", "fast tolerance at which reward builds craving at half rate (frequent use)",
        "illustrative calibration: E3 (tolerance and dependence feed each other under frequent use, not under "
        "spaced clinical dosing; esketamine twice weekly builds little craving, seed 004)",
    )
    dependence_half_life_days: float = cited(
        10.0, "days", "decay half-life of craving in abstinence", "illustrative calibration: E2 (fades over weeks)"
    )
    dependence_half_max: float = cited(1.0, "craving units", "D50: craving state giving 50 % craving", "scale of D")
    tolerance_weight_dissociation: float = cited(
        2.0, "", "w: EC50 shift of dissociation per unit tolerance",
        "illustrative: dissociation declines across twice-weekly doses (TRANSFORM-2 post hoc, fact 9)",
    )
    tolerance_weight_anesthesia: float = cited(
        0.6, "", "w: EC50 shift of anaesthesia per unit tolerance",
        "illustrative: anaesthetic tolerance with daily use (T1), weaker than dissociative tolerance (Domino 1965: "
        "no tachyphylaxis on repeat doses)",
    )
    tolerance_weight_analgesia: float = cited(
        0.8, "", "w: EC50 shift of analgesia per unit tolerance",
        "illustrative: analgesia persists through a 100-h infusion (Dahan et al. 2011)",
    )
    tolerance_weight_locomotor: float = cited(
        0.8, "", "w: EC50 shift of the locomotor/reward effect per unit tolerance",
        "illustrative: sustained exposure tolerates (S2) while sensitization outweighs it with intermittent dosing "
        "(Trujillo 2008, 2020). Only fast tolerance acts on this effect, so two weeks after a week of dosing every "
        "8 h the response is sensitized (Rocha et al. 1996)",
    )
    antidepressant_tolerance_half_max: float = cited(
        1.0, "tolerance units", "total tolerance T that halves the antidepressant trigger",
        "illustrative: twice-weekly dosing keeps the benefit while dissociation declines (fact 9, T5); chronic "
        "daily dosing diminishes it and a subset lose response (seed 002)",
    )

    def __post_init__(self) -> None:
        check_fields(self, ADAPTATION_RANGES)

    def frequent_use(self, fast_tolerance: np.ndarray) -> np.ndarray:
        """Steep smooth gate (0-1): fast tolerance sustained above its threshold, as frequent use keeps it."""
        ratio = np.maximum(fast_tolerance, 0.0) / self.slow_tolerance_threshold
        powered = ratio * ratio * ratio
        powered *= powered
        return powered / (1.0 + powered)

    def reward_tolerance(self, fast_tolerance: np.ndarray) -> np.ndarray:
        """Tolerance that shifts the locomotor/reward EC50: fast tolerance only, mostly while it is sustained
        (continuous or several-times-a-day exposure), up to the ceiling (tolerance units)."""
        t = np.maximum(fast_tolerance, 0.0)
        return self.expressed_tolerance(t * (self.slow_tolerance_spaced_fraction + self.frequent_use(t)))

    def expressed_tolerance(self, tolerance: np.ndarray) -> np.ndarray:
        """Counter-regulation that shifts EC50s, ``T T_max / (T_max + T)``: equal to T while small, never
        above the capacity ``T_max`` however long the exposure (tolerance units)."""
        t = np.maximum(tolerance, 0.0)
        return t * self.tolerance_capacity / (self.tolerance_capacity + t)

    def tolerance_weight(self, effect: str) -> float:
        """Weight ``w_e`` of tolerance on ``effect`` (0 for effects that do not shift)."""
        return getattr(self, f"tolerance_weight_{effect}", 0.0)


# Allowed ranges (each field's unit): half-lives from minutes to a century, gains >= 0, and every threshold or
# capacity that divides > 0.
ADAPTATION_RANGES = {
    "tolerance_onset_half_life_h": (0.01, 1000.0),
    "fast_tolerance_half_life_h": (0.1, 10000.0),
    "fast_tolerance_gain_per_h": (0.0, 100.0),
    "tolerance_capacity": (1e-3, 100.0),
    "slow_tolerance_half_life_days": (0.01, 36500.0),
    "slow_tolerance_gain_per_day": (0.0, 100.0),
    "slow_tolerance_threshold": (1e-3, 100.0),
    "slow_tolerance_spaced_fraction": (0.0, 1.0),
    "chronic_tolerance_gain_per_h": (0.0, 10.0),
    "chronic_tolerance_half_life_days": (0.01, 36500.0),
    "sensitization_ec50_mg_per_l": (1e-3, 100.0),
    "sensitization_hill": (0.1, 16.0),
    "sensitization_gate_precursor": (1e-3, 100.0),
    "sensitization_gate_hill": (0.1, 16.0),
    "sensitization_gain_per_h": (0.0, 100.0),
    "sensitization_half_life_days": (0.01, 36500.0),
    "dependence_gain_per_h": (0.0, 100.0),
    "dependence_tolerance_threshold": (1e-3, 100.0),
    "dependence_half_life_days": (0.01, 36500.0),
    "dependence_half_max": (1e-3, 100.0),
    "tolerance_weight_dissociation": (0.0, 100.0),
    "tolerance_weight_anesthesia": (0.0, 100.0),
    "tolerance_weight_analgesia": (0.0, 100.0),
    "tolerance_weight_locomotor": (0.0, 100.0),
    "antidepressant_tolerance_half_max": (1e-3, 100.0),
}

ADAPTATION = AdaptationParameters()

# Adjunct therapies slow the fading of the antidepressant benefit (P4). Illustrative magnitudes.
ADJUNCT_BENEFIT_DECAY_MULTIPLIER: dict[str, tuple[float, str]] = {
    "none": (1.0, "no adjunct therapy"),
    "psychotherapy": (
        0.6,
        "illustrative: CBT after ketamine prolonged the response (Wilkinson et al. 2017 Psychother Psychosom 86:162)",
    ),
    "exercise": (0.8, "illustrative: combination therapy (seed articles); no ketamine-specific trial found"),
}
