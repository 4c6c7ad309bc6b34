"""Targets for the numbered items of issue 9 (defects in AUDIT-2026-11) that no phenomenon group covers:
sustained exposure (2), recovery_days (3), the spray's ticlopidine interaction (5), IM anaesthesia (6),
oral and norketamine kinetics (7), infusion clearance (8), IV bolus exposure (9), output density (10),
interactions between adaptations (11), awakening and weight (12)."""

from __future__ import annotations

import math
from dataclasses import replace
from functools import partial

from kettutor import Patient, Regimen, escalating_use

from . import measures as m
from . import sources as s
from .target import Target

INF = float("inf")
_target = partial(Target, group="Audit items")

IDVALL_RATE_MG_PER_KG_PER_H = 0.041 * 60  # 41 ug/kg/min
IDVALL_3H = Regimen.single(dose_mg_per_kg=2.0) + Regimen.continuous_infusion(rate_mg_per_kg_per_h=IDVALL_RATE_MG_PER_KG_PER_H, hours=3)
IDVALL_24H = Regimen.single(dose_mg_per_kg=2.0) + Regimen.continuous_infusion(rate_mg_per_kg_per_h=IDVALL_RATE_MG_PER_KG_PER_H, hours=24)
DAHAN_INFUSION = Regimen.continuous_infusion(rate_mg_per_kg_per_h=0.15, hours=100)
DAILY_ANAESTHESIA = Regimen.repeated(dose_mg_per_kg=2.0, every_days=1, doses=14)
YEAR_OF_DAILY_IM = Regimen.repeated(dose_mg_per_kg=1.0, route="im", every_days=1, doses=365)
MONTH_OF_DAILY_IM = Regimen.repeated(dose_mg_per_kg=1.0, route="im", every_days=1, doses=28)
IM_ANAESTHETIC = Regimen.single(dose_mg_per_kg=10.0, route="im")
ORAL_HALF = Regimen.single(dose_mg_per_kg=0.5, route="oral")
SPRAY_84 = Regimen.esketamine_spray(84)
DENSITY_REGIMEN = Regimen.repeated(dose_mg_per_kg=0.75, route="im", every_days=1.5, doses=20)

RECOVERY_REGIMENS = (
    ("intranasal", Regimen.repeated(dose_mg_per_kg=1.0, route="intranasal", every_days=1, doses=14),
     "1 mg/kg intranasal daily x 14", "dissociation"),
    ("oral", Regimen.repeated(dose_mg_per_kg=1.5, route="oral", every_days=1, doses=28), "1.5 mg/kg oral daily x 28", "dissociation"),
    ("iv-daily", Regimen.repeated(dose_mg_per_kg=0.75, infusion_min=40, every_days=1, doses=21),
     "0.75 mg/kg IV over 40 min daily x 21", "dissociation"),
)


def _nmda_combination_excess(patient: Patient) -> float:
    """Combined blunting minus the product of each alone (first-session dissociation ratios)."""
    regimen = Regimen.single(dose_mg_per_kg=0.5, route="im")
    ratio = lambda drugs: m.first_session_peak_ratio(patient, regimen, "dissociation", drugs)  # noqa: E731
    return ratio(("memantine", "dextromethorphan")) - ratio(("memantine",)) * ratio(("dextromethorphan",))


def _weight_exponent(patient: Patient) -> float:
    """Clearance weight exponent implied by the spray's exposure at this weight and 30 kg more."""
    heavier = replace(patient, weight_kg=patient.weight_kg + 30.0)
    auc = [m.run(p, Regimen.esketamine_spray(56), days=3).exposure().auc_mg_h_per_l for p in (patient, heavier)]
    return -math.log(auc[1] / auc[0]) / math.log(heavier.weight_kg / patient.weight_kg)


def _subanaesthetic_flag(patient: Patient) -> float:
    outcome = escalating_use(
        patient, start_dose_mg_per_kg=0.1, cap_mg_per_kg=0.1, every_days=7, sessions=3, route="iv_bolus"
    )
    return m.harm_flagged(outcome, ("anaesthetic", "unconscious"))


def _density(quantity: str, claim: str) -> Target:
    name = quantity.replace("session peaks ", "")
    return _target(
        id=f"item10-output-density-{name}", phenomenon="issue item 10", claim=claim,
        source=f"docs/model.md (peaks exact at any output density); {s.AUDIT} defect 9",
        regimen="0.75 mg/kg IM every 1.5 days x 20, 40 days; grids dense_window_h=0.5 + sparse_step_h=24, and dense_window_h=0",
        quantity=f"largest difference in {quantity} from the default grid / its range", unit="fraction",
        published="independent of the output grid", low=0.0, high=1e-3, evidence="numerical",
        measure=partial(m.output_density_disagreement, regimen=DENSITY_REGIMEN, quantity=quantity, days=40.0),
    )


TARGETS: tuple[Target, ...] = (
    # ----- item 2: sustained exposure --------------------------------------------------------------------
    _target(
        id="item2-idvall-3h-maintained", phenomenon="fact 2 / issue item 2",
        claim="Idvall's induction and maintenance rate keep a patient anaesthetised through a 3-h operation.",
        source=s.IDVALL_1979, regimen="2 mg/kg IV bolus, then 41 ug/kg/min (2.46 mg/kg/h) for 3 h",
        quantity="lowest anaesthesia from 15 min to the end of the infusion", unit="%",
        published="maintenance requirement 41 +/- 21 ug/kg/min", low=50.0, high=INF, evidence="measured",
        measure=partial(m.minimum_effect_between, regimen=IDVALL_3H, effect="anesthesia", from_h=0.25, to_h=3.0),
    ),
    _target(
        id="item2-idvall-24h-maintained", phenomenon="fact 2 / issue item 2",
        claim="The same maintenance rate keeps the patient anaesthetised for a day (no runaway tolerance).",
        source=s.IDVALL_1979, regimen="2 mg/kg IV bolus, then 41 ug/kg/min for 24 h",
        quantity="lowest anaesthesia from 15 min to the end of the infusion", unit="%",
        published="maintenance requirement 41 +/- 21 ug/kg/min", low=50.0, high=INF, evidence="measured",
        measure=partial(m.minimum_effect_between, regimen=IDVALL_24H, effect="anesthesia", from_h=0.25, to_h=24.0),
    ),
    _target(
        id="item2-dahan-analgesia-kept", phenomenon="issue item 2",
        claim="Analgesia during a multi-day low-dose infusion does not vanish.",
        source=s.DAHAN_2011, regimen="0.15 mg/kg/h IV for 100 h", quantity="analgesia at 96 h / at 6 h", unit="ratio",
        published="analgesia persisted through and ~50 days beyond the infusion (audit: fell to 0.09)", low=0.5,
        high=INF, evidence="measured",
        measure=partial(m.effect_ratio_between_times, regimen=DAHAN_INFUSION, effect="analgesia", later_h=96.0, earlier_h=6.0),
    ),
    _target(
        id="item2-daily-anaesthesia-within-label", phenomenon="T1 / issue item 2",
        claim="Two weeks of daily inductions do not push the needed dose beyond the label's maximum.",
        source=f"{s.KETALAR} (IV induction 1-4.5 mg/kg); {s.DOMINO_1965} (no tachyphylaxis on repeat doses)",
        regimen="2 mg/kg IV bolus daily x 14; probe on day 14",
        quantity="dose restoring the first anaesthesia", unit="mg/kg", published="label maximum 4.5 mg/kg",
        low=0.0, high=4.5, evidence="measured",
        measure=partial(m.dose_to_match_mg_per_kg, regimen=DAILY_ANAESTHESIA, day=14.0, effect="anesthesia"),
    ),
    _target(
        id="item2-tolerance-ceiling", phenomenon="T1, E1 / issue item 2",
        claim=(
            "A year of daily use leaves clear tolerance with a ceiling: about tenfold (the case report's "
            "per-occasion escalation), not the runaway of days of exposure."
        ),
        source=f"{s.ESCALATION_CASE}; HKU 2005 user survey (secondary)", regimen="1 mg/kg IM daily x 365; probe on day 365",
        quantity="dose restoring the first dissociation / first dose", unit="ratio",
        published="tenfold escalation over 2 years in a case report", low=1.5, high=15.0, evidence="illustrative",
        measure=partial(m.dose_to_match_relative_to_first, regimen=YEAR_OF_DAILY_IM, day=365.0),
    ),
    _target(
        id="item2-slow-tolerance-persistence", phenomenon="T4 / issue item 2",
        claim="Tolerance after a month of daily doses lasts weeks, as its analogue source reports, not months.",
        source=s.MORPHINE_PERSISTENCE, regimen="1 mg/kg IM daily x 28; first dose again after a break",
        quantity="days until the first dose gives 90 % of the first response", unit="days",
        published="tolerance persisted 3-4 weeks (morphine, repeated doses)", low=14.0, high=42.0, evidence="illustrative",
        measure=partial(m.probe_recovery_days, regimen=MONTH_OF_DAILY_IM, resolution_days=0.25),
    ),
    # ----- item 3: recovery_days ---------------------------------------------------------------------------
    *(
        _target(
            id=f"item3-recovery-days-{name}", phenomenon="T4 / issue item 3",
            claim="recovery_days() agrees with an independent probe (the first dose given again after a break).",
            source=f"{s.AUDIT} defect 3", regimen=text,
            quantity="|recovery_days - probe| / max(probe, 6.7 days)", unit="fraction",
            published="probe: first day the repeated first dose gives >= 90 % of the first peak", low=0.0, high=0.15,
            evidence="numerical", measure=partial(m.recovery_days_disagreement, regimen=regimen, effect=effect),
        )
        for name, regimen, text, effect in RECOVERY_REGIMENS
    ),
    # ----- item 5: esketamine spray with ticlopidine --------------------------------------------------------
    _target(
        id="item5-spray-ticlopidine-auc", phenomenon="K5 / issue item 5",
        claim="Ticlopidine raises esketamine exposure from the spray by about a third.",
        source=s.SPRAVATO, regimen="esketamine spray 84 mg, with and without ticlopidine", quantity="AUC ratio",
        unit="ratio", published="+29 %", low=1.1, high=1.5, evidence="measured",
        measure=lambda p: m.exposure_ratio(p, SPRAY_84, ("ticlopidine",), "auc_mg_h_per_l"), published_value=1.29, chart="ratio",
    ),
    _target(
        id="item5-spray-ticlopidine-cmax", phenomenon="K5 / issue item 5",
        claim="...while its peak concentration stays the same.",
        source=s.SPRAVATO, regimen="esketamine spray 84 mg, with and without ticlopidine", quantity="Cmax ratio",
        unit="ratio", published="Cmax unchanged (read as within the 0.80-1.25 bioequivalence limits)", low=0.8,
        high=1.25, evidence="measured",
        measure=lambda p: m.exposure_ratio(p, SPRAY_84, ("ticlopidine",), "cmax_mg_per_l"), published_value=1.0, chart="ratio",
    ),
    # ----- item 6: intramuscular anaesthesia ----------------------------------------------------------------
    _target(
        id="item6-im-anaesthesia-onset", phenomenon="issue item 6",
        claim="An IM anaesthetic dose reaches surgical depth within a few minutes.",
        source=s.KETALAR, regimen="10 mg/kg IM",
        quantity="time to surgical depth (effect site >= 2.2 mg/L, Idvall's maintenance level)", unit="min",
        published="3-4 min (9-13 mg/kg)", low=2.5, high=5.0, evidence="measured",
        measure=partial(m.surgical_depth_onset_min, regimen=IM_ANAESTHETIC),
    ),
    _target(
        id="item6-im-anaesthesia-duration", phenomenon="issue item 6",
        claim="An IM anaesthetic dose keeps surgical depth for tens of minutes, not an hour or more.",
        source=s.KETALAR, regimen="10 mg/kg IM", quantity="time at surgical depth (effect site >= 2.2 mg/L)",
        unit="min", published="12-25 min (9-13 mg/kg)", low=10.0, high=30.0, evidence="measured",
        measure=partial(m.surgical_depth_duration_min, regimen=IM_ANAESTHETIC),
        known_limitation=(
            "31-34 min instead of 12-25: even an IV bolus of 10 mg/kg keeps the effect site above 2.2 mg/L for "
            "~25 min with this disposition, so no absorption rate gives both the 3-4 min onset and the label's "
            "duration; the label's shorter surgical time implies faster redistribution after large doses"
        ),
    ),
    # ----- item 7: oral and norketamine kinetics -------------------------------------------------------------
    _target(
        id="item7-oral-cmax", phenomenon="fact 7 / issue item 7",
        claim="An oral 0.5 mg/kg dose gives the published parent peak.",
        source="Zanos et al. 2018 Pharmacol Rev Table 1", regimen="0.5 mg/kg oral", quantity="plasma Cmax", unit="ng/mL",
        published="45 +/- 10 ng/mL", low=30.0, high=60.0, evidence="measured",
        measure=partial(m.cmax_ng_per_ml, regimen=ORAL_HALF), published_value=45.0, chart="concentration",
    ),
    _target(
        id="item7-intranasal-norketamine-tmax", phenomenon="issue item 7",
        claim="Norketamine peaks about an hour after an intranasal dose.",
        source=s.PHARMACOTHERAPY_2022, regimen="50 mg intranasal", quantity="norketamine Tmax", unit="min",
        published="56-60 min", low=30.0, high=120.0, evidence="measured",
        measure=partial(m.norketamine_tmax_min, regimen=Regimen.single(dose_mg=50, route="intranasal")),
    ),
    _target(
        id="item7-clarithromycin-norketamine", phenomenon="fact 8 / issue item 7",
        claim="Clarithromycin lowers norketamine exposure after oral dosing by about half.",
        source=s.HAGELBERG_2010, regimen="0.5 mg/kg oral, with and without clarithromycin", quantity="norketamine AUC ratio",
        unit="ratio", published="-54 %", low=0.3, high=0.7, evidence="measured",
        measure=lambda p: m.exposure_ratio(p, ORAL_HALF, ("clarithromycin",), "norketamine_auc_mg_h_per_l"),
        published_value=0.46, chart="ratio",
    ),
    _target(
        id="item7-clarithromycin-cmax", phenomenon="fact 8 / issue item 7",
        claim="Clarithromycin raises the oral parent peak more than its AUC.",
        source=s.HAGELBERG_2010, regimen="0.5 mg/kg oral, with and without clarithromycin", quantity="Cmax ratio",
        unit="ratio", published="x3.6", low=2.5, high=4.5, evidence="measured",
        measure=lambda p: m.exposure_ratio(p, ORAL_HALF, ("clarithromycin",), "cmax_mg_per_l"), published_value=3.6, chart="ratio",
        known_limitation=(
            "x2.1: with an unchanged absorption rate, a linear model raises the oral peak by less than the AUC "
            "(x2.6, matched); a peak rising more than the AUC needs a faster or gut-wall absorption change that "
            "the study did not characterise"
        ),
    ),
    _target(
        id="item7-norketamine-apparent-clearance", phenomenon="issue item 7",
        claim="Norketamine exposure matches its cited apparent clearance (the fraction formed counted once).",
        source=f"{s.PEREZ_RUIXO_2021} (noresketamine CL/F 38 L/h, F = fraction formed)", regimen="1 mg/kg IV bolus at 70 kg",
        quantity="dose (as norketamine) / norketamine AUC", unit="L/h", published="38 L/h", low=34.2, high=41.8,
        evidence="measured", measure=partial(m.norketamine_apparent_clearance_l_per_h, regimen=Regimen.single(dose_mg_per_kg=1.0)),
        weights_kg=(70.0,), published_value=38.0, chart="ratio",
    ),
    # ----- item 8: clearance during infusions ----------------------------------------------------------------
    _target(
        id="item8-idvall-steady-state", phenomenon="fact 2 / issue item 8",
        claim="Idvall's maintenance rate reaches the steady state he measured.",
        source=s.IDVALL_1979, regimen="41 ug/kg/min (2.46 mg/kg/h) for 24 h", quantity="plasma at the end", unit="ng/mL",
        published="9.3 +/- 0.8 uM (~2200 ng/mL)", low=1600.0, high=2900.0, evidence="measured",
        measure=partial(m.plasma_at_end_ng_per_ml, regimen=Regimen.continuous_infusion(
            rate_mg_per_kg_per_h=IDVALL_RATE_MG_PER_KG_PER_H, hours=24)),
        published_value=2200.0, chart="concentration",
    ),
    _target(
        id="item8-kamp-clearance", phenomenon="issue item 8",
        claim="Clearance at 70 kg lies within the meta-analytic confidence interval.",
        source=s.KAMP_2020, regimen="1 mg/kg IV bolus at 70 kg; dose / AUC", quantity="clearance", unit="L/h",
        published="79 L/h (95 % CI 69-90)", low=69.0, high=90.0, evidence="measured", measure=m.clearance_l_per_h,
        weights_kg=(70.0,), published_value=79.0, chart="ratio",
    ),
    _target(
        id="item8-sigtermans-steady-state-clearance", phenomenon="issue item 8",
        claim="Other infusion studies: a low-dose steady state implies a clearance within the published adult range.",
        source=(
            f"{s.SIGTERMANS_2009}; Persson et al. 2002 Eur J Clin Pharmacol 57:869 (arterial R 20, S 24 mL/min/kg); "
            "textbook 15 +/- 5 mL/min/kg"
        ),
        regimen="0.3 mg/kg/h IV for 24 h", quantity="infusion rate / plasma at the end", unit="L/kg/h",
        published="0.6-1.45 L/kg/h (textbook 0.6-1.2; Sigtermans ~1.0; Persson arterial 1.2-1.44)", low=0.6, high=1.45,
        evidence="measured",
        measure=partial(m.steady_state_clearance_l_per_kg_h, rate_mg_per_kg_per_h=0.3, hours=24.0),
        published_value=1.0, chart="ratio",
    ),
    # ----- item 9: IV bolus exposure -------------------------------------------------------------------------
    _target(
        id="item9-iv-10mg-cmax", phenomenon="issue item 9",
        claim="The reported Cmax of a small IV bolus is a plasma level someone could measure.",
        source=s.PHARMACOTHERAPY_2022, regimen="10 mg IV bolus", quantity="exposure().cmax", unit="ng/mL",
        published="296 ng/mL at 2 min (accepted: 0.5-3x)", low=148.0, high=888.0, evidence="measured",
        measure=partial(m.cmax_ng_per_ml, regimen=Regimen.single(dose_mg=10)),
    ),
    _target(
        id="item9-iv-10mg-plasma-2min", phenomenon="issue item 9",
        claim="Two minutes after a 10 mg IV bolus plasma ketamine is near the measured level.",
        source=s.PHARMACOTHERAPY_2022, regimen="10 mg IV bolus", quantity="plasma at 2 min", unit="ng/mL",
        published="296 ng/mL", low=148.0, high=592.0, evidence="measured",
        measure=partial(m.plasma_ng_per_ml_at, regimen=Regimen.single(dose_mg=10), minutes=2.0),
        published_value=296.0, chart="concentration",
    ),
    _target(
        id="item9-no-harm-flag-subanaesthetic", phenomenon="E1 / issue item 9",
        claim="Weekly sub-anaesthetic IV boluses raise no anaesthetic-level harm flag.",
        source=f"{s.AUDIT} defect 8; anaesthesia above ~1 ug/mL (Zanos 2018)",
        regimen="escalating_use: 0.1 mg/kg IV bolus weekly x 3 (cap 0.1)", quantity="anaesthetic-level flag fired",
        unit="1 = yes", published="0.1 mg/kg is far below anaesthetic doses", low=0.0, high=0.0, evidence="measured",
        measure=_subanaesthetic_flag,
    ),
    # ----- item 10: output density ---------------------------------------------------------------------------
    _density("session peaks dissociation", "Session peaks do not depend on the output grid a user asks for."),
    _density("tolerance", "Tolerance does not depend on the output grid."),
    _density("sensitization", "Sensitization does not depend on the output grid."),
    # ----- item 11: interactions between adaptations ------------------------------------------------------------
    _target(
        id="item11-nmda-antagonists-not-superadditive", phenomenon="T6 / issue item 11",
        claim="Memantine and dextromethorphan together blunt no more than their effects multiplied.",
        source=f"{s.NICHOLSON_1996}; {s.AUDIT} defect 10", regimen="0.5 mg/kg IM, first session",
        quantity="combined dissociation ratio - product of the single ratios", unit="ratio",
        published="no human data; at most multiplicative", low=-0.02, high=INF, evidence="illustrative",
        measure=_nmda_combination_excess,
    ),
    _target(
        id="item11-benzodiazepine-day-1", phenomenon="P5 / issue item 11",
        claim="A benzodiazepine blunts the day-1 antidepressant benefit.",
        source=f"{s.FEENEY_2023}; {s.ANDRASHKO_2020}", regimen="0.5 mg/kg IV over 40 min, patient on a benzodiazepine",
        quantity="g at 24 h with / without", unit="ratio", published="attenuated on day 1 (both studies)",
        low=0.0, high=0.85, evidence="measured",
        measure=partial(m.antidepressant_ratio_with, regimen=Regimen.single(dose_mg_per_kg=0.5, infusion_min=40),
                        comedications=("benzodiazepine",), hours=24.0),
    ),
    _target(
        id="item11-benzodiazepine-day-3", phenomenon="P5 / issue item 11",
        claim=(
            "Chosen reading: Feeney 2023 (randomised, n = 99): by day 3 the benzodiazepine no longer blunts the benefit; "
            "Andrashko 2020's worse day-3/7 outcomes (n = 47) are not reproduced."
        ),
        source=f"{s.FEENEY_2023}; {s.ANDRASHKO_2020}", regimen="0.5 mg/kg IV over 40 min, patient on a benzodiazepine",
        quantity="g at 72 h with / without", unit="ratio", published="not attenuated on day 3 (Feeney 2023)",
        low=0.85, high=INF, evidence="measured",
        measure=partial(m.antidepressant_ratio_with, regimen=Regimen.single(dose_mg_per_kg=0.5, infusion_min=40),
                        comedications=("benzodiazepine",), hours=72.0),
    ),
    # ----- item 12: awakening and weight ----------------------------------------------------------------------
    _target(
        id="item12-awakening-after-bolus", phenomenon="fact 2 / issue item 12",
        claim="Patients wake (anaesthesia < 50 %) near the published awakening concentration.",
        source=s.IDVALL_1979, regimen="2 mg/kg IV bolus", quantity="effect-site level when anaesthesia falls below 50 %",
        unit="mg/L", published="2.7 +/- 0.9 uM (0.64 +/- 0.21 ug/mL)", low=0.43, high=0.85, evidence="measured",
        measure=partial(m.effect_site_at_awakening_mg_per_l, regimen=Regimen.single(dose_mg_per_kg=2.0)),
        published_value=0.64, chart="ratio",
    ),
    _target(
        id="item12-awakening-after-idvall-infusion", phenomenon="fact 2 / issue item 12",
        claim="The same awakening level holds at the end of Idvall's 3-h maintenance infusion.",
        source=s.IDVALL_1979, regimen="2 mg/kg IV bolus, then 41 ug/kg/min for 3 h",
        quantity="effect-site level when anaesthesia finally falls below 50 %", unit="mg/L",
        published="0.64 +/- 0.21 ug/mL", low=0.43, high=0.85, evidence="measured",
        measure=partial(m.effect_site_at_awakening_mg_per_l, regimen=IDVALL_3H), published_value=0.64, chart="ratio",
    ),
    _target(
        id="item12-adult-weight-scaling", phenomenon="fact 6 / issue item 12",
        claim="Adult weight scaling matches the one adult weight effect measured (the spray's popPK).",
        source=f"{s.KUROSAWA_2023}; {s.KAMP_2020} (no covariates); Herd 2007 (paediatric 0.75)",
        regimen="esketamine spray 56 mg at this weight and 30 kg more", quantity="clearance weight exponent implied by AUC",
        unit="exponent", published="~20 % lower exposure per +30 kg (exponent ~0.63)", low=0.45, high=0.81,
        evidence="measured", measure=_weight_exponent, published_value=0.63, chart="ratio",
    ),
)
