"""Slow adaptation: tolerance, sensitization and dependence that emerge from the regimen.

All processes are driven by NMDA-receptor blockade, the sigmoid drive ``u = H(C_e)`` of
:mod:`kettutor.effects`, so nothing is drawn by hand: dose, interval and holidays decide everything.

**Tolerance** (receptor counter-regulation, two time scales; counter-regulation/moderator structure of
Gabrielsson & Peletier 2008, ketamine-pkpd.md 5c):

.. math::

    \\dot P = k_{f}^{in}(u + c_{NMDA}) - k_P P, \\quad \\dot T_f = k_P P - k_f T_f, \\quad
    \\dot T_s = k_s^{in} T_f \\frac{(T_f/\\theta)^6}{1 + (T_f/\\theta)^6} - k_s T_s, \\quad T = T_f + T_s

The precursor ``P`` delays tolerance by hours, so one anaesthetic keeps working while repeated days of
exposure build tolerance. The slow component grows only while fast tolerance is sustained above about
``theta`` (a steep smooth gate), which frequent use does and spaced dosing does not.

``c_NMDA`` is the constant blockade from another NMDA antagonist the patient takes (cross-tolerance, T6).
Tolerance shifts each effect's concentration-response curve to the right, by an effect-specific weight
``w_e`` (dissociation adapts faster than the antidepressant effect, T5):

.. math:: EC_{50,e}(t) = EC_{50,e} \\, (1 + w_e T(t))

**Sensitization** needs *onsets* of strong exposure: a habituation site follows the effect site slowly,
``\\dot C_h = k_h (C_e - C_h)``, and only the part of a steep, high-threshold drive ``H_S`` not yet habituated
builds sensitization, which abstinence barely erases (S1-S3):

.. math:: \\dot S = k_S^{in} \\max(H_S(C_e) - H_S(C_h), 0) - k_S S, \\qquad
          EC_{50,loc}(t) = EC_{50,loc} \\frac{1 + w_{loc} T}{1 + S}

Continuous exposure keeps ``C_h`` close to ``C_e``, so it builds tolerance and almost no sensitization.

**Dependence** (craving and low mood between doses; psychological, with no physical withdrawal, E2):
each rewarding session adds to a craving state that fades over weeks,
``\\dot D = k_D^{in} R(t) - k_D D``, with ``R`` the locomotor/reward effect (fraction of maximum);
craving (%) is ``100 D^2 / (D_{50}^2 + D^2)``.

Time constants for ketamine tolerance in humans are not published (ketamine-pkpd.md section 9). Every
number below is either an analogue-based value (labelled with its analogue) or an *illustrative
calibration* naming the phenomenon it was calibrated to.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .params import CitedParameters, cited

LN2 = math.log(2.0)


@dataclass(frozen=True)
class AdaptationParameters(CitedParameters):
    """Rates and weights of tolerance, sensitization and dependence."""

    tolerance_onset_half_life_h: float = cited(
        6.0, "h", "half-life of the precursor through which blockade becomes tolerance (onset lag)",
        "analogue: ~4 h of receptor occupancy needed for acute opioid tolerance (J Pharmacol Exp Ther 1987;242:251); "
        "calibrated so a 3 h anaesthetic infusion keeps working (fact 2)",
    )
    fast_tolerance_half_life_h: float = cited(
        48.0, "h", "decay half-life of fast tolerance T_f",
        "analogue: morphine tolerance t1/2 26 h (Ekblom et al. 1993 J Pharmacol Exp Ther 266:244); slider range 26-52 h",
    )
    fast_tolerance_gain_per_h: float = cited(
        0.25, "1/h", "k_f^in: fast tolerance built per hour of full blockade",
        "illustrative calibration: T1 (daily dosing for two weeks clearly reduces the response)",
    )
    slow_tolerance_half_life_days: float = cited(
        30.0, "days", "decay half-life of slow tolerance T_s",
        "analogue: morphine tolerance persisted 3-4 weeks after repeated doses (J Pharmacol Exp Ther 1977;202:654)",
    )
    slow_tolerance_gain_per_day: float = cited(
        0.12, "1/day", "k_s^in: slow tolerance built per day per unit of gated fast tolerance",
        "illustrative calibration: T4 (therapeutic course resets in 2-6 weeks; months of daily use only partly)",
    )
    slow_tolerance_threshold: float = cited(
        0.5, "tolerance units", "fast tolerance above which slow tolerance grows",
        "illustrative calibration: T3 (weekly or twice-weekly dosing plateaus; daily dosing keeps climbing)",
    )
    habituation_half_life_h: float = cited(
        4.0, "h", "half-life with which the habituation site follows the effect site",
        "illustrative calibration: S2 (continuous exposure or several doses a day builds no sensitization)",
    )
    sensitization_ec50_mg_per_l: float = cited(
        0.2, "mg/L", "effect-site concentration giving half the sensitizing drive",
        "illustrative: sensitization needs a threshold dose (Strong et al. 2017 Physiol Behav: 5 and 10 but not 2.5 mg/kg)",
    )
    sensitization_hill: float = cited(
        4.0, "", "steepness of the sensitizing drive", "illustrative: small divided doses barely sensitize (S2)"
    )
    sensitization_gain_per_h: float = cited(
        0.35, "1/h", "k_S^in: sensitization built per hour of un-habituated drive",
        "illustrative calibration: S1 (intermittent doses raise the locomotor response; Trujillo & Heller 2020)",
    )
    sensitization_half_life_days: float = cited(
        120.0, "days", "decay half-life of sensitization",
        "illustrative calibration: S3 (still increased after a 2-week drug-free period; Rocha et al. 1996)",
    )
    dependence_gain_per_h: float = cited(
        0.15, "1/h", "k_D^in: craving built per hour of full reward effect",
        "illustrative calibration: E2/E3 (daily use builds craving, weekly clinical dosing little)"
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
        0.8, "", "w: EC50 shift of anaesthesia per unit tolerance", "illustrative: anaesthetic tolerance with daily use (T1)"
    )
    tolerance_weight_analgesia: float = cited(0.8, "", "w: EC50 shift of analgesia per unit tolerance", "illustrative")
    tolerance_weight_locomotor: float = cited(
        0.3, "", "w: EC50 shift of the locomotor/reward effect per unit tolerance",
        "illustrative: sensitization outweighs it with intermittent dosing (Trujillo 2008, 2020)",
    )
    tolerance_weight_antidepressant: float = cited(
        0.15, "", "w: EC50 shift of the antidepressant drive per unit tolerance",
        "illustrative: antidepressant benefit maintained while dissociation declines (fact 9, T5)",
    )

    def tolerance_weight(self, effect: str) -> float:
        """Weight ``w_e`` of tolerance on ``effect`` (0 for effects that do not shift)."""
        return getattr(self, f"tolerance_weight_{effect}", 0.0)


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
