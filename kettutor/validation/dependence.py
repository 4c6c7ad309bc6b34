"""Targets for escalation and dependence: phenomena E1-E3 and issue item 5 (craving under the spray)."""

from __future__ import annotations

from functools import lru_cache, partial

from kettutor import Patient, Regimen, escalating_use, simulate

from . import measures as m
from . import sources as s
from .target import Target

INF = float("inf")
_target = partial(Target, group="Escalation and dependence")
ACUTE = ("anesthesia", "dissociation", "analgesia", "locomotor")


@lru_cache(maxsize=8)  # two targets read each escalation
def _escalation(patient: Patient, every_days: float, sessions: int):
    """A user chasing the first session's dissociation: intranasal from 0.5 mg/kg, +0.5 mg/kg, cap 20 mg/kg."""
    return escalating_use(
        patient, every_days=every_days, sessions=sessions, start_dose_mg_per_kg=0.5, step_mg_per_kg=0.5,
        cap_mg_per_kg=20.0, route="intranasal",
    )


def _escalation_fold(every_days: float, sessions: int):
    def measure(patient: Patient) -> float:
        doses = _escalation(patient, every_days, sessions).doses_mg_per_kg
        return float(doses[-1] / doses[0])

    return measure


def _harm_markers(every_days: float, sessions: int):
    return lambda p: float(sum(_escalation(p, every_days, sessions).harms().values()))


ESCALATION = "escalating_use: intranasal from 0.5 mg/kg, +0.5 up to 20 mg/kg"
DAILY_USE = Regimen.repeated(dose_mg_per_kg=1.0, route="im", every_days=1, doses=60)


def _craving_ratio(after_days: float):
    return lambda p: m.effect_after_last_dose(p, DAILY_USE, "craving", after_days) / m.effect_after_last_dose(
        p, DAILY_USE, "craving", 0.0
    )


def _max_craving(regimen: Regimen):
    return lambda p: float(m.course(p, regimen, follow_up_days=14).effect("craving").max())


def _lowest_acute_effect_after_stopping(patient: Patient) -> float:
    regimen = Regimen.repeated(dose_mg_per_kg=1.0, route="im", every_days=1, doses=30)
    result = simulate(patient, regimen, days=45)
    after = result.time_h > result.session_start_h[-1] + 24.0
    return float(min(result.effect(effect)[after].min() for effect in ACUTE))


def _escalating_and_fixed(patient: Patient, every_days: float, sessions: int):
    common = dict(every_days=every_days, sessions=sessions, route="iv_infusion", infusion_min=40)
    escalating = escalating_use(patient, cap_mg_per_kg=20.0, step_mg_per_kg=0.5, **common)
    fixed = escalating_use(patient, cap_mg_per_kg=0.5, **common)
    return escalating, fixed


def _craving_state_escalating_over_fixed(every_days: float, sessions: int):
    def measure(patient: Patient) -> float:
        escalating, fixed = _escalating_and_fixed(patient, every_days, sessions)
        return m.dependence_state_at_end(escalating) / m.dependence_state_at_end(fixed)

    return measure


def _craving_escalating_minus_fixed(every_days: float, sessions: int):
    def measure(patient: Patient) -> float:
        escalating, fixed = _escalating_and_fixed(patient, every_days, sessions)
        return float(escalating.result.effect("craving").max() - fixed.result.effect("craving").max())

    return measure


TARGETS: tuple[Target, ...] = (
    # ----- E1 ---------------------------------------------------------------------------------------------
    _target(
        id="E1-daily-escalates-steeply", phenomenon="E1",
        claim="A daily user chasing the first effect escalates the dose steeply.",
        source=f"{s.SEEDS}; {s.ESCALATION_CASE}", regimen=f"{ESCALATION}, daily x 180",
        quantity="last dose / first dose", unit="ratio", published="larger and larger doses (direction only)",
        low=4.0, high=INF, evidence="illustrative", measure=_escalation_fold(1.0, 180),
    ),
    _target(
        id="E1-weekly-escalates-little", phenomenon="E1",
        claim="A weekly user chasing the first effect barely escalates.",
        source=f"{s.SEEDS}; {s.MUSHLIN_1976}", regimen=f"{ESCALATION}, weekly x 13",
        quantity="last dose / first dose", unit="ratio", published="little escalation with spaced use (direction only)",
        low=1.0, high=1.5, evidence="illustrative", measure=_escalation_fold(7.0, 13),
    ),
    _target(
        id="E1-daily-escalation-reaches-harm", phenomenon="E1",
        claim="Daily escalation carries exposure into a harm range (anaesthetic-level peaks or bladder-damage intake).",
        source=f"{s.GARCIA_LARROSA_2012}; anaesthesia above ~1 ug/mL (Zanos 2018)", regimen=f"{ESCALATION}, daily x 180",
        quantity="harm markers reached", unit="count", published="towards overdose and bladder-toxicity ranges",
        low=1.0, high=INF, evidence="illustrative", measure=_harm_markers(1.0, 180),
        # the bladder marker is an absolute intake (1 g/day): a 50 kg user dosing by mg/kg reaches it later
        weights_kg=(70.0, 110.0),
    ),
    _target(
        id="E1-weekly-use-no-harm", phenomenon="E1",
        claim="Weekly use reaches neither harm marker.",
        source=f"{s.GARCIA_LARROSA_2012}; anaesthesia above ~1 ug/mL (Zanos 2018)", regimen=f"{ESCALATION}, weekly x 13",
        quantity="harm markers reached", unit="count", published="no harm range with spaced use",
        low=0.0, high=0.0, evidence="illustrative", measure=_harm_markers(7.0, 13),
    ),
    # ----- E2 ---------------------------------------------------------------------------------------------
    _target(
        id="E2-daily-use-builds-craving", phenomenon="E2",
        claim="Two months of daily use build strong craving between doses.",
        source=s.SEEDS, regimen="1 mg/kg IM daily x 60", quantity="craving one day after the last dose", unit="%",
        published="craving and low mood between doses (direction only)", low=50.0, high=INF, evidence="illustrative",
        measure=lambda p: m.effect_after_last_dose(p, DAILY_USE, "craving", 1.0),
    ),
    _target(
        id="E2-craving-lingers-a-week", phenomenon="E2",
        claim="Craving is still there a week into abstinence.",
        source=s.SEEDS, regimen="1 mg/kg IM daily x 60, then abstinence", quantity="craving 7 days after / at the last dose",
        unit="ratio", published="fades over weeks", low=0.5, high=INF, evidence="illustrative", measure=_craving_ratio(7.0),
    ),
    _target(
        id="E2-craving-fades-over-weeks", phenomenon="E2",
        claim="Craving has mostly faded after eight weeks of abstinence.",
        source=s.SEEDS, regimen="1 mg/kg IM daily x 60, then abstinence", quantity="craving 56 days after / at the last dose",
        unit="ratio", published="fades over weeks", low=0.0, high=0.2, evidence="illustrative", measure=_craving_ratio(56.0),
    ),
    _target(
        id="E2-weekly-clinic-little-craving", phenomenon="E2",
        claim="Weekly clinic infusions build little craving.",
        source=s.SEEDS, regimen="0.5 mg/kg IV over 40 min weekly x 12", quantity="largest craving", unit="%",
        published="little craving under spaced clinical dosing (direction only)", low=0.0, high=15.0, evidence="illustrative",
        measure=_max_craving(Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=40, every_days=7, doses=12)),
    ),
    _target(
        id="E2-item5-spray-84-little-craving", phenomenon="E2, E3 / issue item 5",
        claim="The labelled twice-weekly 84 mg spray induction builds little craving.",
        source=f"{s.SPRAVATO}; {s.SEEDS} (seed 004: addiction rare under supervision)",
        regimen="esketamine spray 84 mg twice weekly x 8", quantity="largest craving", unit="%",
        published="little craving under supervised spaced dosing (direction only)", low=0.0, high=20.0,
        evidence="illustrative", measure=_max_craving(Regimen.esketamine_spray(84, every_days=3.5, doses=8)),
    ),
    _target(
        id="E2-no-physical-withdrawal", phenomenon="E2",
        claim="Stopping brings no rebound of any drug effect below baseline (no physical withdrawal).",
        source=s.SEEDS, regimen="1 mg/kg IM daily x 30, then 2 weeks off",
        quantity="lowest acute effect from a day after the last dose", unit="%",
        published="no physical withdrawal syndrome (seeds 001, 003)", low=0.0, high=INF, evidence="illustrative",
        measure=_lowest_acute_effect_after_stopping,
    ),
    # ----- E3 ---------------------------------------------------------------------------------------------
    _target(
        id="E3-daily-escalation-deepens-dependence", phenomenon="E3",
        claim="Under daily use, escalating builds more craving than keeping the dose fixed.",
        source=s.SEEDS, regimen="escalating (+0.5 up to 20 mg/kg) vs fixed 0.5 mg/kg, IV over 40 min daily x 42",
        quantity="craving state, escalating / fixed", unit="ratio", published="tolerance and dependence feed each other",
        low=1.1, high=INF, evidence="illustrative", measure=_craving_state_escalating_over_fixed(1.0, 42),
    ),
    _target(
        id="E3-weekly-escalation-alike", phenomenon="E3",
        claim="Under weekly dosing the escalating and fixed courses build the same (little) craving.",
        source=s.SEEDS, regimen="escalating (+0.5 up to 20 mg/kg) vs fixed 0.5 mg/kg, IV over 40 min weekly x 8",
        quantity="largest craving, escalating - fixed", unit="percentage points",
        published="no such cycle under spaced clinical dosing", low=-5.0, high=5.0, evidence="illustrative",
        measure=_craving_escalating_minus_fixed(7.0, 8),
    ),
)
