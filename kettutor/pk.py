"""Disposition parameters: three-compartment parent drug, hepatic extraction and norketamine.

The parent drug follows a mammillary three-compartment model (central, fast and slow peripheral) with
first-order elimination from the central compartment:

.. math::

    \\dot A_1 = -(k_{10}+k_{12}+k_{13})A_1 + k_{21}A_2 + k_{31}A_3 + \\text{input}, \\quad
    \\dot A_2 = k_{12}A_1 - k_{21}A_2, \\quad \\dot A_3 = k_{13}A_1 - k_{31}A_3

Body weight ``W`` scales volumes linearly and clearances allometrically (Herd 2007; Elkomy 2015):
``V = V_70 (W/70)``, ``CL = CL_70 (W/70)^0.75``; so every rate constant scales as ``(W/70)^-0.25``.

Clearance is taken to be hepatic and flow-limited, with extraction ratio ``E_H = CL / Q_H``. An oral dose
reaches the circulation only through the liver, so its availability is ``f_abs (1 - E_H)``; an enzyme
inhibitor or inducer that scales intrinsic clearance by ``1/fold`` changes ``E_H`` to
``E_H / (E_H + fold (1 - E_H))`` (well-stirred liver), which moves oral exposure by the full ``fold``
but intravenous exposure only a little (fact 8 in ``shared/science/ketamine-pkpd.md``).

**Default clearance.** The Domino rate constants give CL = 116 L/h at 70 kg, about 45 % above the
Kamp 2020 meta-analytic 79 L/h. kettutor keeps Domino by default because its distribution kinetics are
what reproduce the acute facts the lessons rest on (bolus offset at 5-20 min, the 0.5 mg/kg/40 min peak
and its fall below 60 ng/mL by 60 min); ``DISPOSITIONS['ketamine_kamp2020']`` rescales k10 to the
meta-analytic clearance for lessons about long infusions, where Domino comes out low.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .params import CitedParameters, cited

MINUTES_PER_HOUR = 60.0
REFERENCE_WEIGHT_KG = 70.0
ALLOMETRIC_CLEARANCE_EXPONENT = 0.75  # Herd et al. 2007 Paediatr Anaesth 17:622; Elkomy 2015
NORKETAMINE_TO_KETAMINE_MASS_RATIO = 223.7 / 237.7  # molar masses, g/mol (norketamine / ketamine)


@dataclass(frozen=True)
class Disposition(CitedParameters):
    """Three-compartment disposition of one parent drug at 70 kg, with its hepatic and metabolite terms."""

    name: str = cited("ketamine", "", "parent drug", "")
    central_volume_l_per_kg: float = cited(
        0.063, "L/kg", "central volume V1", "Domino et al. 1984 Clin Pharmacol Ther 36:645 (via STANPUMP)"
    )
    k10_per_min: float = cited(0.4381, "1/min", "elimination rate constant", "Domino 1984 (via STANPUMP)")
    k12_per_min: float = cited(0.5921, "1/min", "central -> fast peripheral", "Domino 1984 (via STANPUMP)")
    k13_per_min: float = cited(0.5900, "1/min", "central -> slow peripheral", "Domino 1984 (via STANPUMP)")
    k21_per_min: float = cited(0.2470, "1/min", "fast peripheral -> central", "Domino 1984 (via STANPUMP)")
    k31_per_min: float = cited(0.0146, "1/min", "slow peripheral -> central", "Domino 1984 (via STANPUMP)")
    hepatic_blood_flow_l_per_h: float = cited(
        151.0, "L/h", "hepatic blood flow Q_H at 70 kg", "Perez-Ruixo et al. 2021 Clin Pharmacokinet 60:501 (nlmixr2lib)"
    )
    norketamine_fraction_formed: float = cited(
        0.80, "fraction", "share of parent clearance forming norketamine", "Simons et al. 2022 Front Pain Res"
    )
    norketamine_clearance_l_per_h: float = cited(
        38.0, "L/h", "norketamine clearance at 70 kg (apparent, CL/fm)", "Perez-Ruixo 2021 (noresketamine CL/F)"
    )
    norketamine_half_life_h: float = cited(
        6.0, "h", "norketamine elimination half-life", "Hartvig et al., quoted by Medscape (6.0 +/- 1.8 h)"
    )
    oral_bioavailability: float = cited(
        0.20, "fraction", "oral bioavailability F (sets the gut absorption that survives first-pass)",
        "Yanagihara et al. 2003 Biopharm Drug Dispos 24:37; Chong et al. 2006 Pain Med (23 %)",
    )
    gut_absorption_rate_per_h: float = cited(
        1.06, "1/h", "first-order absorption from the gut (swallowed share)",
        "calibrated (scripts/calibrate.py): oral Tmax 0.96 h (Chong et al. 2006 Pain Med)",
    )
    relative_potency: float = cited(
        1.0, "x racemate", "NMDA potency relative to racemic ketamine (scales concentrations seen by effects)",
        "reference drug",
    )
    sources: tuple[tuple[str, str], ...] = ()

    @property
    def clearance_l_per_h(self) -> float:
        """Systemic clearance at 70 kg (L/h)."""
        return self.k10_per_min * self.central_volume_l_per_kg * REFERENCE_WEIGHT_KG * MINUTES_PER_HOUR

    @property
    def hepatic_extraction_ratio(self) -> float:
        """E_H = CL / Q_H (dimensionless), clearance taken as hepatic and flow-limited."""
        return self.clearance_l_per_h / self.hepatic_blood_flow_l_per_h

    @property
    def norketamine_volume_l(self) -> float:
        """Norketamine volume at 70 kg (L), derived from its clearance and half-life."""
        return self.norketamine_clearance_l_per_h * self.norketamine_half_life_h / math.log(2.0)


def _micro_constants_per_min(v1_l: float, v2_l: float, v3_l: float, cl: float, q2: float, q3: float) -> dict:
    """Convert volumes (L) and clearances (L/h) to Disposition micro-constants (1/min, L/kg)."""
    per_min = 1.0 / MINUTES_PER_HOUR
    return {
        "central_volume_l_per_kg": v1_l / REFERENCE_WEIGHT_KG,
        "k10_per_min": cl / v1_l * per_min,
        "k12_per_min": q2 / v1_l * per_min,
        "k13_per_min": q3 / v1_l * per_min,
        "k21_per_min": q2 / v2_l * per_min,
        "k31_per_min": q3 / v3_l * per_min,
    }


RACEMIC_KETAMINE = Disposition()

# Kamp et al. 2020 Anesthesiology 133:1192: meta-analytic CL 79 L/h/70 kg. k10 rescaled to it
# (0.2986 1/min, ketamine-pkpd.md section 8); a rescaling of Domino, not a published model.
RACEMIC_KETAMINE_KAMP2020 = Disposition(
    name="ketamine (Kamp 2020 clearance)",
    k10_per_min=0.2986,
    sources=(("k10_per_min", "Domino k10 rescaled to CL 79 L/h, Kamp et al. 2020 Anesthesiology 133:1192"),),
)

# Esketamine (Spravato) disposition: Perez-Ruixo et al. 2021 Clin Pharmacokinet 60:501 as implemented in
# nlmixr2lib: Vc 192 L, Q1 84.3 L/h, Vp1 143 L, Q2 37.6 L/h, Vp2 417 L; CL 114 L/h (popPK).
# Noresketamine half-life 8 h (Spravato label). Potency 2.5x racemate: Schuttler et al. 1987
# J Pharmacokinet Biopharm (EEG EC50 racemic 2.0 vs S-ketamine 0.8 ug/mL).
ESKETAMINE = Disposition(
    name="esketamine",
    norketamine_half_life_h=8.0,
    oral_bioavailability=0.186,
    relative_potency=2.0 / 0.8,
    sources=tuple(
        (name, "derived from Perez-Ruixo et al. 2021 Clin Pharmacokinet 60:501 (nlmixr2lib)")
        for name in ("central_volume_l_per_kg", "k10_per_min", "k12_per_min", "k13_per_min", "k21_per_min", "k31_per_min")
    )
    + (
        ("norketamine_half_life_h", "Spravato label (noresketamine ~8 h)"),
        ("oral_bioavailability", "Perez-Ruixo et al. 2021: swallowed fraction F 18.6 %"),
        ("relative_potency", "Schuttler et al. 1987 J Pharmacokinet Biopharm: EEG EC50 2.0 (racemic) / 0.8 (S) ug/mL"),
    ),
    **_micro_constants_per_min(192.0, 143.0, 417.0, 114.0, 84.3, 37.6),
)

DISPOSITIONS: dict[str, Disposition] = {
    "ketamine": RACEMIC_KETAMINE,
    "ketamine_kamp2020": RACEMIC_KETAMINE_KAMP2020,
    "esketamine": ESKETAMINE,
}
