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

**Default clearance and volume.** Domino's rate constants give CL = 116 L/h at 70 kg, about 45 % above the
Kamp 2020 meta-analytic 79 L/h (95 % CI 69-90), so infusion steady states came out ~30 % low (Idvall's
maintenance rate gave 1.5 instead of 2.2 ug/mL). The default keeps Domino's central volume and distribution
clearances (they reproduce the bolus onset and offset), takes Kamp's volume of distribution (252 L) and the
upper bound of Kamp's clearance interval (90 L/h): with 79 L/h the 0.5 mg/kg/40 min infusion stays above
60 ng/mL at 60 min (K2) unless the volume is pushed past Kamp's interval, which lengthens the terminal
half-life well beyond the 2.3-2.5 h of the label and textbooks (the default gives 2.9 h).
``DISPOSITIONS['ketamine_domino1984']`` is Domino unchanged.

**Body weight in adults.** Kamp 2020 found no covariates, but a meta-analysis of study means cannot see a
within-study weight effect. The allometric exponent 0.75 is the paediatric one (Herd 2007); the adult
esketamine population analysis of Kurosawa et al. 2023 (+30 kg -> ~20 % lower exposure, an exponent of
about 0.63) supports a less-than-proportional scaling of clearance in adults too, and 0.75 gives 24 %.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .params import CitedParameters, check_fields, check_labels, cited

MINUTES_PER_HOUR = 60.0
REFERENCE_WEIGHT_KG = 70.0
ALLOMETRIC_CLEARANCE_EXPONENT = 0.75  # Herd et al. 2007 Paediatr Anaesth 17:622; Elkomy 2015
NORKETAMINE_TO_KETAMINE_MASS_RATIO = 223.7 / 237.7  # molar masses, g/mol (norketamine / ketamine)


@dataclass(frozen=True)
class Disposition(CitedParameters):
    """Three-compartment disposition of one parent drug at 70 kg, with its hepatic and metabolite terms.

    Rate constants are in 1/min, volumes in L/kg or L, clearances and flows in L/h. Change a value with
    ``dataclasses.replace`` and pass the set to :func:`kettutor.simulate` as ``disposition``:

    >>> from dataclasses import replace
    >>> from kettutor import DISPOSITIONS
    >>> ketamine = DISPOSITIONS["ketamine"]
    >>> 60 < ketamine.clearance_l_per_h < 130   # L/h at 70 kg
    True
    >>> slower = replace(ketamine, k10_per_min=ketamine.k10_per_min / 2)   # 1/min
    >>> round(slower.clearance_l_per_h / ketamine.clearance_l_per_h, 3)
    0.5
    """

    name: str = cited("ketamine", "", "parent drug", "")
    central_volume_l_per_kg: float = cited(
        0.063, "L/kg", "central volume V1", "Domino et al. 1984 Clin Pharmacol Ther 36:645 (via STANPUMP)"
    )
    k10_per_min: float = cited(
        0.3401, "1/min", "elimination rate constant (CL = k10 V1; 90 L/h at 70 kg by default)",
        "calibrated within Kamp et al. 2020 Anesthesiology 133:1192 (meta-analytic CL 79 L/h, 95 % CI 69-90): the "
        "upper bound, so that the 0.5 mg/kg/40 min infusion falls below 60 ng/mL by 60 min (K2). Domino's k10 "
        "0.4381 gives 116 L/h and infusion steady states ~30 % low (Idvall 1979)",
    )
    k12_per_min: float = cited(0.5921, "1/min", "central -> fast peripheral", "Domino 1984 (via STANPUMP)")
    k13_per_min: float = cited(0.5900, "1/min", "central -> slow peripheral", "Domino 1984 (via STANPUMP)")
    k21_per_min: float = cited(0.2470, "1/min", "fast peripheral -> central", "Domino 1984 (via STANPUMP)")
    k31_per_min: float = cited(
        0.010977, "1/min", "slow peripheral -> central (by default Domino's Q3 with Vss = 252 L at 70 kg)",
        "Kamp et al. 2020 Anesthesiology 133:1192 (Vd 252 L per 70 kg); Domino's 0.0146 gives Vss 193 L",
    )
    hepatic_blood_flow_l_per_h: float = cited(
        117.0, "L/h", "hepatic blood flow Q_H at 70 kg (sets the extraction ratio E_H = CL / Q_H = 0.77)",
        "derived: oral absorption taken as complete, so E_H = 1 - F_oral (F 0.23, Chong et al. 2006); then "
        "rifampicin lowers IV exposure by 20 % (Peltoniemi 2012: 14 %) and oral by 86 %",
    )
    norketamine_fraction_formed: float = cited(
        0.80, "fraction", "share of parent clearance forming norketamine", "Simons et al. 2022 Front Pain Res"
    )
    norketamine_apparent_clearance_l_per_h: float = cited(
        38.0, "L/h", "norketamine clearance at 70 kg divided by the fraction formed (CL/fm)",
        "Perez-Ruixo 2021 (noresketamine CL/F, nlmixr2lib)",
    )
    norketamine_apparent_central_volume_l: float = cited(
        70.0, "L", "norketamine central volume at 70 kg divided by the fraction formed (Vc/fm)",
        "Perez-Ruixo 2021 (noresketamine Vc/F, nlmixr2lib)",
    )
    norketamine_apparent_peripheral_volume_l: float = cited(
        115.0, "L", "norketamine peripheral volume at 70 kg divided by the fraction formed (Vp/fm)",
        "Perez-Ruixo 2021 (noresketamine Vp, nlmixr2lib)",
    )
    norketamine_apparent_distribution_clearance_l_per_h: float = cited(
        26.1, "L/h", "norketamine intercompartmental clearance at 70 kg divided by the fraction formed (Q/fm)",
        "Perez-Ruixo 2021 (noresketamine Q3, nlmixr2lib)",
    )
    oral_bioavailability: float = cited(
        0.23, "fraction", "oral bioavailability F (sets the gut absorption that survives first-pass)",
        "Chong et al. 2006 Pain Med (23 +/- 9 %); Yanagihara et al. 2003 Biopharm Drug Dispos 24:37 (~20 %)",
    )
    gut_absorption_rate_per_h: float = cited(
        1.88, "1/h", "first-order absorption from the gut (swallowed share)",
        "calibrated (scripts/calibrate.py): oral Tmax 31 min (primidi ~30 min; Chong et al. 2006 0.96 h), which keeps "
        "the 0.5 mg/kg peak within 45 +/- 10 ng/mL x 1.5 (Zanos et al. 2018 Pharmacol Rev Table 1) at 50-110 kg; "
        "with Domino's fast distribution the two cannot both sit at their centres",
    )
    relative_potency: float = cited(
        1.0, "x racemate", "NMDA potency relative to racemic ketamine (scales concentrations seen by effects)",
        "reference drug",
    )
    antidepressant_drive_scale: float = cited(
        1.0, "x racemate", "scales the antidepressant trigger of this product (trial effect size relative to IV racemate)",
        "reference drug",
    )
    sources: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        check_labels(self, "name")
        check_fields(self, DISPOSITION_RANGES)
        extraction = self.hepatic_extraction_ratio
        if extraction >= 1.0:
            raise ValueError(
                f"k10_per_min must give a clearance below hepatic_blood_flow_l_per_h ({self.hepatic_blood_flow_l_per_h:g} L/h): "
                "clearance is hepatic and flow-limited (clearance = k10_per_min x central_volume_l_per_kg x 70 kg x 60 min/h "
                f"< {self.hepatic_blood_flow_l_per_h:g} L/h); got k10_per_min = {self.k10_per_min:g} 1/min, a clearance of "
                f"{self.clearance_l_per_h:g} L/h."
            )
        if self.oral_bioavailability > 1.0 - extraction:
            raise ValueError(
                f"oral_bioavailability must be <= 1 - E_H = {1.0 - extraction:.4g}, the share of an absorbed oral dose that survives "
                f"the liver: E_H = clearance / hepatic_blood_flow_l_per_h = {extraction:.4g}, with clearance = k10_per_min x "
                f"central_volume_l_per_kg x 70 kg x 60 min/h = {self.clearance_l_per_h:.4g} L/h; got oral_bioavailability = "
                f"{self.oral_bioavailability:g}. Lower the clearance or oral_bioavailability, or raise hepatic_blood_flow_l_per_h."
            )

    @property
    def clearance_l_per_h(self) -> float:
        """Systemic clearance at 70 kg (L/h)."""
        return self.k10_per_min * self.central_volume_l_per_kg * REFERENCE_WEIGHT_KG * MINUTES_PER_HOUR

    @property
    def hepatic_extraction_ratio(self) -> float:
        """E_H = CL / Q_H (dimensionless), clearance taken as hepatic and flow-limited."""
        return self.clearance_l_per_h / self.hepatic_blood_flow_l_per_h

    def norketamine_true(self, apparent: float) -> float:
        """A norketamine clearance or volume at 70 kg from its apparent (per fraction formed) value:
        ``apparent x fm``, so that formation and clearance share one ``fm`` (no double counting)."""
        return apparent * self.norketamine_fraction_formed

    @property
    def norketamine_half_life_h(self) -> float:
        """Terminal half-life of norketamine at 70 kg (h), derived from its two-compartment parameters
        (5.8 h by default; Hartvig: 6.0 +/- 1.8 h)."""
        cl = self.norketamine_apparent_clearance_l_per_h
        q = self.norketamine_apparent_distribution_clearance_l_per_h
        vc, vp = self.norketamine_apparent_central_volume_l, self.norketamine_apparent_peripheral_volume_l
        k10, k12, k21 = cl / vc, q / vc, q / vp
        total = k10 + k12 + k21
        slowest = 0.5 * (total - math.sqrt(total * total - 4.0 * k10 * k21))
        return math.log(2.0) / slowest


# Allowed ranges (each field's unit): wide around every published set, narrow enough for the closed-form solution.
DISPOSITION_RANGES = {
    "central_volume_l_per_kg": (0.01, 10.0),
    **{f"k{pair}_per_min": (1e-4, 10.0) for pair in ("10", "21", "31")},
    **{f"k{pair}_per_min": (0.0, 10.0) for pair in ("12", "13")},  # 0: without that peripheral compartment
    "hepatic_blood_flow_l_per_h": (10.0, 1000.0),
    "norketamine_fraction_formed": (0.01, 1.0),  # scales the norketamine volumes (apparent x fraction)
    "norketamine_apparent_clearance_l_per_h": (0.1, 1000.0),
    "norketamine_apparent_central_volume_l": (1.0, 10000.0),
    "norketamine_apparent_peripheral_volume_l": (1.0, 10000.0),
    "norketamine_apparent_distribution_clearance_l_per_h": (0.1, 1000.0),
    "oral_bioavailability": (0.0, 1.0),
    "gut_absorption_rate_per_h": (0.01, 100.0),
    "relative_potency": (0.01, 100.0),
    "antidepressant_drive_scale": (0.0, 10.0),
}


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

PEREZ_RUIXO_HEPATIC_FLOW_L_PER_H = 151.0
PEREZ_RUIXO_HEPATIC_FLOW_SOURCE = "Perez-Ruixo et al. 2021 Clin Pharmacokinet 60:501 (hepatic flow Qh, nlmixr2lib)"

# Domino's published rate constants unchanged (CL 116 L/h, Vss 193 L at 70 kg): the classic TCI model,
# kept for comparison with its published simulations (ketamine-pkpd.md 1b).
RACEMIC_KETAMINE_DOMINO = Disposition(
    name="ketamine (Domino 1984)",
    k10_per_min=0.4381,
    k31_per_min=0.0146,
    hepatic_blood_flow_l_per_h=PEREZ_RUIXO_HEPATIC_FLOW_L_PER_H,
    sources=(
        ("k10_per_min", "Domino 1984 (via STANPUMP)"),
        ("k31_per_min", "Domino 1984 (via STANPUMP)"),
        ("hepatic_blood_flow_l_per_h", PEREZ_RUIXO_HEPATIC_FLOW_SOURCE),
    ),
)

# Domino with only k10 rescaled to CL 79 L/h (0.2986 1/min, ketamine-pkpd.md section 8), Vss 193 L:
# a rescaling, not a published model, kept because the reference sheet tabulates its simulation.
RACEMIC_KETAMINE_KAMP2020 = Disposition(
    name="ketamine (Domino, k10 rescaled to Kamp 2020)",
    k10_per_min=0.2986,
    k31_per_min=0.0146,
    hepatic_blood_flow_l_per_h=PEREZ_RUIXO_HEPATIC_FLOW_L_PER_H,
    sources=(
        ("hepatic_blood_flow_l_per_h", PEREZ_RUIXO_HEPATIC_FLOW_SOURCE),
        ("k10_per_min", "Domino k10 rescaled to CL 79 L/h, Kamp et al. 2020 Anesthesiology 133:1192"),
        ("k31_per_min", "Domino 1984 (via STANPUMP)"),
    ),
)

# Esketamine (Spravato) disposition: Perez-Ruixo et al. 2021 Clin Pharmacokinet 60:501 as implemented in
# nlmixr2lib: Vc 192 L, Q1 84.3 L/h, Vp1 143 L, Q2 37.6 L/h, Vp2 417 L; CL 114 L/h (popPK).
# Noresketamine half-life 8 h (Spravato label). Potency 2.5x racemate: Schuttler et al. 1987
# J Pharmacokinet Biopharm (EEG EC50 racemic 2.0 vs S-ketamine 0.8 ug/mL).
# S-ketamine's potency relative to the racemate from NMDA receptor affinity (Ebert 1997: Ki 0.3 vs 1.4 uM):
# as a ratio of affinities, (1 / 0.3) / (0.5 / 0.3 + 0.5 / 1.4) = 1.65.
ESKETAMINE_RELATIVE_POTENCY = (1.0 / 0.3) / (0.5 / 0.3 + 0.5 / 1.4)

ESKETAMINE = Disposition(
    name="esketamine",
    oral_bioavailability=0.186,
    hepatic_blood_flow_l_per_h=PEREZ_RUIXO_HEPATIC_FLOW_L_PER_H,
    antidepressant_drive_scale=0.161,
    relative_potency=ESKETAMINE_RELATIVE_POTENCY,
    sources=tuple(
        (name, "derived from Perez-Ruixo et al. 2021 Clin Pharmacokinet 60:501 (nlmixr2lib)")
        for name in ("central_volume_l_per_kg", "k10_per_min", "k12_per_min", "k13_per_min", "k21_per_min", "k31_per_min")
    )
    + (
        ("oral_bioavailability", "Perez-Ruixo et al. 2021: swallowed fraction F 18.6 %"),
        ("hepatic_blood_flow_l_per_h", PEREZ_RUIXO_HEPATIC_FLOW_SOURCE),
        ("antidepressant_drive_scale",
         "illustrative calibration (scripts/calibrate.py): 56 mg twice weekly gives g 0.35 on day 28 at 70 kg "
         "(TRANSFORM-2, Popova et al. 2019 Am J Psychiatry 176:428: MADRS -4.0 vs an active comparator; 8 RCTs: "
         "SMD 0.41); IV racemic ketamine outperforms the spray (Bahji et al. 2021 J Affect Disord 278:542)"),
        ("relative_potency",
         "NMDA affinity: Ki S 0.3, R 1.4 uM (Ebert et al. 1997, via secondary), so S ~1.65x the racemate; "
         "Schuttler et al. 1987 EEG EC50s give 2.5x, but the spray's dissociation, comparable to IV 0.5 mg/kg and "
         "mostly resolved by 1.5 h (J&J CADSS), fits the lower value"),
    ),
    **_micro_constants_per_min(192.0, 143.0, 417.0, 114.0, 84.3, 37.6),
)

DISPOSITIONS: dict[str, Disposition] = {
    "ketamine": RACEMIC_KETAMINE,
    "ketamine_domino1984": RACEMIC_KETAMINE_DOMINO,
    "ketamine_kamp2020": RACEMIC_KETAMINE_KAMP2020,
    "esketamine": ESKETAMINE,
}
