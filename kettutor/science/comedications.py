"""Interacting medicines a patient may already take.

Pharmacokinetic interactions scale the liver's intrinsic clearance of ketamine by ``1/fold`` (an
inhibitor has ``fold > 1``, an inducer ``fold < 1``). Each fold is the oral AUC ratio its study
measured, which the well-stirred liver of :mod:`kettutor.science.pk` reproduces exactly for oral dosing while
intravenous exposure moves much less (fact 8). Pharmacodynamic interactions scale a drive or an effect.
"""

from __future__ import annotations

from dataclasses import dataclass

from .._validate import check_choice
from .params import CitedParameters, check_fields, check_labels, cited


@dataclass(frozen=True)
class Comedication(CitedParameters):
    """One interacting medicine and how it changes ketamine's disposition or effects.

    Folds and multipliers are ratios (x, 1 = no interaction); a patient takes one by name
    (``Patient(comedications=("rifampicin",))``).

    >>> from kettutor import COMEDICATIONS, Comedication, Patient, Regimen, simulate
    >>> Comedication(name="an inhibitor", intrinsic_clearance_fold=2.0).intrinsic_clearance_fold   # x oral AUC
    2.0
    >>> oral = Regimen.single(dose_mg=35, route="oral")
    >>> alone = simulate(Patient(), oral, days=1).exposure().auc_mg_h_per_l   # mg h/L
    >>> induced = simulate(Patient(comedications=("rifampicin",)), oral, days=1).exposure().auc_mg_h_per_l
    >>> COMEDICATIONS["rifampicin"].intrinsic_clearance_fold < 1, 0.05 < induced / alone < 0.3   # an inducer: oral AUC -86 %
    (True, True)
    """

    name: str = cited("none", "", "medicine", "")
    intrinsic_clearance_fold: float = cited(
        1.0, "x", "oral AUC ratio it causes (divides hepatic intrinsic clearance)", "no interaction"
    )
    antidepressant_drive_multiplier: float = cited(1.0, "x", "scales the antidepressant trigger", "no interaction")
    systemic_auc_ratio: float | None = cited(
        None, "x", "measured change of systemic (non-oral) exposure, where it differs from the well-stirred liver's",
        "none: follows from the fold (kettutor.science.pk)",
    )
    signalling_rate_multiplier: float = cited(
        1.0, "x", "scales how fast early signalling becomes antidepressant benefit (delays the benefit)", "no interaction"
    )
    norketamine_formation_fold: float = cited(
        1.0, "x", "scales the share of ketamine clearance that forms norketamine", "no interaction"
    )
    dissociation_multiplier: float = cited(1.0, "x", "scales the maximal dissociative effect", "no interaction")
    nmda_blockade: float = cited(
        0.0, "drive units", "constant NMDA blockade added to the tolerance drive (cross-tolerance)", "no interaction"
    )
    note: str = cited("", "", "what the study found", "")
    sources: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        check_labels(self, "name", "note")
        ranges = {
            "intrinsic_clearance_fold": (0.01, 100.0),
            "antidepressant_drive_multiplier": (0.0, 10.0),
            "signalling_rate_multiplier": (0.01, 100.0),
            "norketamine_formation_fold": (0.0, 1.25),  # the share of clearance forming norketamine stays <= 1
            "dissociation_multiplier": (0.0, 1.0),  # dissociation stays within 0-100 % of the maximal effect
            "nmda_blockade": (0.0, 1.0),
        }
        if self.systemic_auc_ratio is not None:
            ranges["systemic_auc_ratio"] = (0.01, 100.0)
        check_fields(self, ranges)


COMEDICATIONS: dict[str, Comedication] = {
    c.name: c
    for c in (
        Comedication(
            name="clarithromycin",
            intrinsic_clearance_fold=2.6,
            norketamine_formation_fold=0.46,
            note="CYP3A4 inhibitor: oral S-ketamine AUC x2.6, Cmax x3.6; norketamine AUC -54 %",
            sources=(
                ("intrinsic_clearance_fold", "Hagelberg et al. 2010 Eur J Pain 14:625"),
                ("norketamine_formation_fold", "Hagelberg et al. 2010 Eur J Pain 14:625 (norketamine AUC -54 %)"),
            ),
        ),
        Comedication(
            name="ticlopidine",
            intrinsic_clearance_fold=2.4,
            systemic_auc_ratio=1.0,
            note=(
                "CYP2B6 inhibitor: oral S-ketamine AUC x2.4; with the esketamine spray AUC +29 % and Cmax unchanged, "
                "so the interaction acts mostly on first pass (the well-stirred liver would predict +56 %)"
            ),
            sources=(
                ("intrinsic_clearance_fold", "Peltoniemi et al. 2011 Clin Pharmacol Ther 90:296"),
                ("systemic_auc_ratio", "calibrated: Spravato label, nasal esketamine with ticlopidine AUC +29 %, Cmax unchanged"),
            ),
        ),
        Comedication(
            name="grapefruit_juice",
            intrinsic_clearance_fold=3.0,
            note=(
                "oral S-ketamine AUC x3.0 (2.4-3.6). Grapefruit acts mostly in the gut wall; modelling it in "
                "the liver slightly overstates its (unstudied) effect on IV dosing"
            ),
            sources=(("intrinsic_clearance_fold", "Peltoniemi et al. 2012 Eur J Clin Pharmacol 68:979"),),
        ),
        Comedication(
            name="rifampicin",
            intrinsic_clearance_fold=0.14,
            note="CYP inducer: oral S-ketamine AUC -86 %, IV S-ketamine AUC -14 %",
            sources=(("intrinsic_clearance_fold", "Peltoniemi et al. 2012 Basic Clin Pharmacol Toxicol 111:325"),),
        ),
        # Two benzodiazepine studies, read as dose-dependent: at usual doses the day-1 benefit is blunted but
        # day 3 is not (Feeney 2023, n = 99); above 8 mg diazepam-equivalent a day patients respond worse on
        # days 3 and 7 too (Andrashko 2020, n = 47). Magnitudes are illustrative.
        Comedication(
            name="benzodiazepine",
            antidepressant_drive_multiplier=0.8,
            signalling_rate_multiplier=0.25,
            note=(
                "usual dose: the day-1 antidepressant effect is blunted and delayed, day 3 is not (Feeney 2023)"
            ),
            sources=(
                ("antidepressant_drive_multiplier", "illustrative; Feeney et al. 2023 J Clin Psychiatry 84:22m14491"),
                ("signalling_rate_multiplier",
                 "illustrative calibration: day-1 attenuated, day 3 not (Feeney et al. 2023 J Clin Psychiatry 84:22m14491)"),
            ),
        ),
        Comedication(
            name="benzodiazepine_high_dose",
            antidepressant_drive_multiplier=0.15,
            signalling_rate_multiplier=0.25,
            note=(
                "more than 8 mg diazepam-equivalent a day: non-response, worse outcomes on days 3 and 7 "
                "(Andrashko 2020; sensitivity 80 %, specificity 85 %)"
            ),
            sources=(
                ("antidepressant_drive_multiplier", "illustrative calibration: Andrashko et al. 2020 Front Psychiatry 11:844"),
                ("signalling_rate_multiplier", "as the usual dose (Feeney et al. 2023)"),
            ),
        ),
        Comedication(
            name="lamotrigine",
            dissociation_multiplier=0.5,
            note=(
                "300 mg before ketamine reduced perceptual (CADSS) effects and increased mood elevation; "
                "halving dissociation is an illustrative magnitude"
            ),
            sources=(("dissociation_multiplier", "Anand et al. 2000 Arch Gen Psychiatry 57:270"),),
        ),
        # Cross-tolerance (T6): no human cross-tolerance data exist (ketamine-pkpd.md 7b). Magnitudes are
        # illustrative, ordered by how fully each substitutes for an NMDA channel blocker in rats.
        Comedication(
            name="memantine",
            nmda_blockade=0.012,
            note="NMDA channel blocker; fully substitutes for dizocilpine in rats (ED50 9.7 mg/kg)",
            sources=(("nmda_blockade", "illustrative; Nicholson et al. 1996 Neuropharmacology (full substitution)"),),
        ),
        Comedication(
            name="dextromethorphan",
            nmda_blockade=0.006,
            note="NMDA antagonist; only partially substitutes for dizocilpine in rats",
            sources=(("nmda_blockade", "illustrative; Nicholson et al. 1996 (partial substitution, 46 mg/kg)"),),
        ),
        Comedication(
            name="nitrous_oxide",
            nmda_blockade=0.006,
            note="frequent recreational use; 80 % N2O occludes NMDA receptor currents",
            sources=(("nmda_blockade", "illustrative; Mennerick et al. 1998 J Neurosci 18:9716"),),
        ),
    )
}


def get_comedication(name: str) -> Comedication:
    """Look up a comedication by name, suggesting the closest name on a typo."""
    return COMEDICATIONS[check_choice("comedication", name, COMEDICATIONS)]
