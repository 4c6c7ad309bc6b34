"""Interacting medicines a patient may already take.

Pharmacokinetic interactions scale the liver's intrinsic clearance of ketamine by ``1/fold`` (an
inhibitor has ``fold > 1``, an inducer ``fold < 1``). Each fold is the oral AUC ratio its study
measured, which the well-stirred liver of :mod:`kettutor.pk` reproduces exactly for oral dosing while
intravenous exposure moves much less (fact 8). Pharmacodynamic interactions scale a drive or an effect.
"""

from __future__ import annotations

from dataclasses import dataclass

from ._validate import check_choice
from .params import CitedParameters, cited


@dataclass(frozen=True)
class Comedication(CitedParameters):
    """One interacting medicine and how it changes ketamine's disposition or effects."""

    name: str = cited("none", "", "medicine", "")
    intrinsic_clearance_fold: float = cited(
        1.0, "x", "oral AUC ratio it causes (divides hepatic intrinsic clearance)", "no interaction"
    )
    antidepressant_drive_multiplier: float = cited(1.0, "x", "scales the antidepressant trigger", "no interaction")
    dissociation_multiplier: float = cited(1.0, "x", "scales the maximal dissociative effect", "no interaction")
    nmda_blockade: float = cited(
        0.0, "drive units", "constant NMDA blockade added to the tolerance drive (cross-tolerance)", "no interaction"
    )
    note: str = cited("", "", "what the study found", "")
    sources: tuple[tuple[str, str], ...] = ()


COMEDICATIONS: dict[str, Comedication] = {
    c.name: c
    for c in (
        Comedication(
            name="clarithromycin",
            intrinsic_clearance_fold=2.6,
            note="CYP3A4 inhibitor: oral S-ketamine AUC x2.6, Cmax x3.6",
            sources=(("intrinsic_clearance_fold", "Hagelberg et al. 2010 Eur J Pain 14:625"),),
        ),
        Comedication(
            name="ticlopidine",
            intrinsic_clearance_fold=2.4,
            note="CYP2B6 inhibitor: oral S-ketamine AUC x2.4",
            sources=(("intrinsic_clearance_fold", "Peltoniemi et al. 2011 Clin Pharmacol Ther 90:296"),),
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
        Comedication(
            name="benzodiazepine",
            antidepressant_drive_multiplier=0.25,
            note=(
                "more than 8 mg diazepam-equivalent separated non-responders from responders; a higher dose "
                "blunted the day-1 antidepressant effect. Cutting the drive to a quarter (non-response) is illustrative"
            ),
            sources=(
                ("antidepressant_drive_multiplier",
                 "Andrashko et al. 2020 Front Psychiatry 11:844; Feeney et al. 2023 J Clin Psychiatry 84:22m14491"),
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
            nmda_blockade=0.02,
            note="NMDA channel blocker; fully substitutes for dizocilpine in rats (ED50 9.7 mg/kg)",
            sources=(("nmda_blockade", "illustrative; Nicholson et al. 1996 Neuropharmacology (full substitution)"),),
        ),
        Comedication(
            name="dextromethorphan",
            nmda_blockade=0.01,
            note="NMDA antagonist; only partially substitutes for dizocilpine in rats",
            sources=(("nmda_blockade", "illustrative; Nicholson et al. 1996 (partial substitution, 46 mg/kg)"),),
        ),
        Comedication(
            name="nitrous_oxide",
            nmda_blockade=0.01,
            note="frequent recreational use; 80 % N2O occludes NMDA receptor currents",
            sources=(("nmda_blockade", "illustrative; Mennerick et al. 1998 J Neurosci 18:9716"),),
        ),
    )
}


def get_comedication(name: str) -> Comedication:
    """Look up a comedication by name, suggesting the closest name on a typo."""
    return COMEDICATIONS[check_choice("comedication", name, COMEDICATIONS)]
