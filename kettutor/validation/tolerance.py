"""Targets for tolerance: phenomena T1-T6 and fact 9."""

from __future__ import annotations

from functools import partial

import numpy as np

from kettutor import Patient, Regimen

from . import measures as m
from . import sources as s
from .target import Target

INF = float("inf")
_target = partial(Target, group="Tolerance")


def _iv(dose: float, minutes: float, every_days: float, doses: int) -> Regimen:
    return Regimen.repeated(dose_mg_per_kg=dose, infusion_min=minutes, every_days=every_days, doses=doses)


def _im(dose: float, every_days: float, doses: int) -> Regimen:
    return Regimen.repeated(dose_mg_per_kg=dose, route="im", every_days=every_days, doses=doses)


def _intranasal(dose: float, every_days: float, doses: int) -> Regimen:
    return Regimen.repeated(dose_mg_per_kg=dose, route="intranasal", every_days=every_days, doses=doses)


def _anaesthesia_minutes_last_to_first(patient: Patient, regimen: Regimen) -> float:
    """Minutes anaesthetised (>= 50 %) in the last session divided by those in the first."""
    result = m.run(patient, regimen, days=regimen.end_h / 24 + 1, dense_step_min=0.25)
    anaesthetised = result.effect("anesthesia") >= 50.0
    steps = np.diff(result.time_h, append=result.time_h[-1]) * 60.0
    minutes = [
        float(steps[anaesthetised & (result.time_h >= start) & (result.time_h < start + 2.0)].sum())
        for start in result.session_start_h[[0, -1]]
    ]
    return minutes[1] / minutes[0]


FREQUENCY_INTERVALS_DAYS = (1.0, 2.0, 3.5, 7.0, 14.0)


def _frequency_order_margin(patient: Patient) -> float:
    """Smallest step up in the day-28 response from one interval to the next longer one."""
    responses = [
        m.relative_session_on_day(patient, _iv(0.75, 60, every, int(28 / every) + 1), "dissociation", 28.0)
        for every in FREQUENCY_INTERVALS_DAYS
    ]
    return float(np.diff(responses).min())


def _plateau_change(every_days: float):
    regimen = _iv(0.4, 40, every_days, int(84 / every_days) + 1)
    return lambda p: abs(
        m.relative_session_on_day(p, regimen, "dissociation", 84.0) - m.relative_session_on_day(p, regimen, "dissociation", 28.0)
    )


DAILY_4_WEEKS = _iv(0.4, 40, 1.0, 29)
DAILY_12_WEEKS = _iv(0.4, 40, 1.0, 85)
TWICE_WEEKLY_12_WEEKS = _iv(0.4, 40, 3.5, 25)


def _daily_keeps_climbing(patient: Patient) -> float:
    return m.probe_after_break(patient, DAILY_4_WEEKS, 28.0) - m.probe_after_break(patient, DAILY_12_WEEKS, 28.0)


def _daily_against_spaced(patient: Patient) -> float:
    daily = 1.0 - m.relative_last_session(patient, DAILY_12_WEEKS, "dissociation")
    spaced = 1.0 - m.relative_last_session(patient, TWICE_WEEKLY_12_WEEKS, "dissociation")
    return daily / spaced if spaced > 0 else INF


HEAVY_DAILY = _intranasal(1.0, 1.0, 90)
MODERATE_DAILY = _intranasal(1.0, 1.0, 14)
SPRAY_TWICE_WEEKLY = Regimen.esketamine_spray(56, every_days=3.5, doses=8)
IV_TWICE_WEEKLY = _iv(0.75, 60, 3.5, 8)
IM_SINGLE = Regimen.single(dose_mg_per_kg=0.5, route="im")


def _cross_tolerance(comedication: str, phenomenon: str, claim: str, source: str) -> Target:
    return _target(
        id=f"T6-{comedication.replace('_', '-')}", phenomenon=phenomenon, claim=claim, source=source,
        regimen=f"0.5 mg/kg IM, first session, patient on {comedication.replace('_', ' ')}",
        quantity="first-session dissociation peak / same patient without it", unit="ratio",
        published="blunted response (no human magnitude)", low=0.0, high=0.97, evidence="illustrative",
        measure=partial(m.first_session_peak_ratio, regimen=IM_SINGLE, effect="dissociation", comedications=(comedication,)),
    )


def _memantine_against_dextromethorphan(patient: Patient) -> float:
    ratio = lambda drug: m.first_session_peak_ratio(patient, IM_SINGLE, "dissociation", (drug,))  # noqa: E731
    return ratio("memantine") / ratio("dextromethorphan")


TARGETS: tuple[Target, ...] = (
    # ----- T1 ---------------------------------------------------------------------------------------------
    _target(
        id="T1-daily-im-dissociation", phenomenon="T1",
        claim="Two weeks of the same daily IM dose leave a clearly smaller dissociative response.",
        source=s.SEEDS, regimen="0.75 mg/kg IM daily x 14", quantity="last / first session dissociation peak",
        unit="ratio", published="clearly smaller (direction only)", low=0.0, high=0.8, evidence="illustrative",
        measure=partial(m.relative_last_session, regimen=_im(0.75, 1.0, 14), effect="dissociation"),
    ),
    _target(
        id="T1-daily-iv-dissociation", phenomenon="T1",
        claim="Daily low-dose IV sessions also build tolerance within two weeks.",
        source=s.SEEDS, regimen="0.3 mg/kg IV over 60 min daily x 14", quantity="last / first session dissociation peak",
        unit="ratio", published="clearly smaller (direction only)", low=0.0, high=0.8, evidence="illustrative",
        measure=partial(m.relative_last_session, regimen=_iv(0.3, 60, 1.0, 14), effect="dissociation"),
    ),
    _target(
        id="T1-dose-response-right-shift", phenomenon="T1",
        claim="After two weeks of daily use it takes a larger dose to get the first day's response.",
        source=s.SEEDS, regimen="0.5 mg/kg IM daily x 14; probe on day 14",
        quantity="dose restoring the first response / first dose", unit="ratio",
        published="dose-response shifted right (direction only)", low=1.25, high=INF, evidence="illustrative",
        measure=partial(m.dose_to_match_relative_to_first, regimen=_im(0.5, 1.0, 14), day=14.0),
    ),
    _target(
        id="T1-daily-anaesthesia-shortens", phenomenon="T1",
        claim="Daily anaesthetic inductions (burn dressings) give shorter anaesthesia by the second week.",
        source=s.SEEDS, regimen="2 mg/kg IV bolus daily x 14", quantity="minutes anaesthetised, last / first session",
        unit="ratio", published="escalating doses needed (direction only)", low=0.0, high=0.8, evidence="illustrative",
        measure=partial(_anaesthesia_minutes_last_to_first, regimen=Regimen.repeated(dose_mg_per_kg=2.0, every_days=1, doses=14)),
    ),
    # ----- T2 ---------------------------------------------------------------------------------------------
    _target(
        id="T2-frequency-order", phenomenon="T2",
        claim="After four weeks, the more often the dose, the smaller the response.",
        source=f"{s.SEEDS}; {s.MUSHLIN_1976}", regimen="0.75 mg/kg IV over 60 min every 1, 2, 3.5, 7, 14 days; session on day 28",
        quantity="smallest rise in day-28 response from one interval to the next longer", unit="fraction of first",
        published="daily > every 2 d > twice weekly > weekly > every 2 weeks", low=0.001, high=INF,
        evidence="illustrative", measure=_frequency_order_margin,
    ),
    # ----- T3 ---------------------------------------------------------------------------------------------
    _target(
        id="T3-twice-weekly-plateau", phenomenon="T3",
        claim="With twice-weekly dosing tolerance levels off within the first weeks.",
        source=s.SEEDS, regimen="0.4 mg/kg IV over 40 min twice weekly for 12 weeks",
        quantity="|response week 12 - response week 4|", unit="fraction of first",
        published="plateau (direction only)", low=0.0, high=0.02, evidence="illustrative", measure=_plateau_change(3.5),
    ),
    _target(
        id="T3-weekly-plateau", phenomenon="T3",
        claim="With weekly dosing tolerance levels off within the first weeks.",
        source=f"{s.SEEDS}; {s.MUSHLIN_1976}", regimen="0.4 mg/kg IV over 40 min weekly for 12 weeks",
        quantity="|response week 12 - response week 4|", unit="fraction of first",
        published="plateau (direction only)", low=0.0, high=0.02, evidence="illustrative", measure=_plateau_change(7.0),
    ),
    _target(
        id="T3-daily-keeps-climbing", phenomenon="T3",
        claim=(
            "Daily dosing keeps building tolerance after the first month: the response sits near the tolerance "
            "ceiling, so the climb shows as a slower recovery."
        ),
        source=s.SEEDS, regimen="0.4 mg/kg IV over 40 min daily for 4 or 12 weeks; first dose again 28 days later",
        quantity="response after 4 weeks' use - after 12 weeks' use", unit="fraction of first",
        published="keeps climbing (direction only)", low=0.05, high=INF, evidence="illustrative", measure=_daily_keeps_climbing,
    ),
    _target(
        id="T3-daily-much-higher", phenomenon="T3",
        claim="Daily use reaches a much higher level of tolerance than twice-weekly use.",
        source=s.SEEDS, regimen="0.4 mg/kg IV over 40 min daily vs twice weekly, 12 weeks",
        quantity="fall in response, daily / twice weekly", unit="ratio",
        published="much higher (direction only)", low=2.0, high=INF, evidence="illustrative", measure=_daily_against_spaced,
    ),
    # ----- T4 ---------------------------------------------------------------------------------------------
    _target(
        id="T4-course-resets-within-6-weeks", phenomenon="T4",
        claim="After a twice-weekly course, a six-week break restores most of the first response.",
        source=s.SEEDS, regimen="0.75 mg/kg IV over 60 min twice weekly x 12; first dose again 42 days later",
        quantity="probe peak / first session peak", unit="fraction", published="resets after a 2-6 week break (seed claim)",
        low=0.9, high=INF, evidence="illustrative",
        measure=partial(m.probe_after_break, regimen=_iv(0.75, 60, 3.5, 12), break_days=42.0),
    ),
    _target(
        id="T4-im-course-resets-within-6-weeks", phenomenon="T4",
        claim="The same holds for a twice-weekly IM course.",
        source=s.SEEDS, regimen="0.5 mg/kg IM twice weekly x 8; first dose again 42 days later",
        quantity="probe peak / first session peak", unit="fraction", published="resets after a 2-6 week break (seed claim)",
        low=0.9, high=INF, evidence="illustrative",
        measure=partial(m.probe_after_break, regimen=_im(0.5, 3.5, 8), break_days=42.0),
    ),
    _target(
        id="T4-heavy-use-partial-recovery", phenomenon="T4",
        claim="After three months of daily use, six weeks off leave the response still reduced.",
        source=s.SEEDS, regimen="1 mg/kg intranasal daily x 90; first dose again 42 days later",
        quantity="probe peak / first session peak", unit="fraction", published="recovery slower and partial after 6 weeks",
        low=0.0, high=0.9, evidence="illustrative", measure=partial(m.probe_after_break, regimen=HEAVY_DAILY, break_days=42.0),
    ),
    _target(
        id="T4-slow-component-grows", phenomenon="T4",
        claim="Recovery takes longer after months of daily use than after two weeks of it.",
        source=s.SEEDS, regimen="1 mg/kg intranasal daily x 90 vs x 14",
        quantity="days to 90 % recovery, 90 doses / 14 doses", unit="ratio",
        published="slow component grows with cumulative exposure", low=1.5, high=INF, evidence="illustrative",
        measure=lambda p: m.probe_recovery_days(p, HEAVY_DAILY, resolution_days=0.25)
        / m.probe_recovery_days(p, MODERATE_DAILY, resolution_days=0.25),
    ),
    # ----- T5 / fact 9 --------------------------------------------------------------------------------------
    _target(
        id="T5-spray-dissociation-declines", phenomenon="fact 9 / T5",
        claim="Under the twice-weekly spray induction, peak dissociation falls across sessions.",
        source=s.TRANSFORM2_POST_HOC, regimen="esketamine spray 56 mg twice weekly x 8",
        quantity="last / first session dissociation peak", unit="ratio", published="peak CADSS declines over consecutive doses",
        low=0.0, high=0.95, evidence="illustrative",
        measure=partial(m.relative_last_session, regimen=SPRAY_TWICE_WEEKLY, effect="dissociation"),
    ),
    _target(
        id="T5-spray-antidepressant-persists", phenomenon="fact 9 / T5",
        claim="Over the same sessions the antidepressant benefit is kept.",
        source=s.TRANSFORM2_POST_HOC, regimen="esketamine spray 56 mg twice weekly x 8",
        quantity="last / first session antidepressant peak", unit="ratio", published="MADRS benefit persists",
        low=0.9, high=INF, evidence="illustrative",
        measure=partial(m.relative_last_session, regimen=SPRAY_TWICE_WEEKLY, effect="antidepressant"),
    ),
    _target(
        id="T5-iv-dissociation-declines", phenomenon="fact 9 / T5",
        claim="Twice-weekly IV sessions show the same falling dissociation.",
        source=s.TRANSFORM2_POST_HOC, regimen="0.75 mg/kg IV over 60 min twice weekly x 8",
        quantity="last / first session dissociation peak", unit="ratio", published="peak CADSS declines over consecutive doses",
        low=0.0, high=0.95, evidence="illustrative",
        measure=partial(m.relative_last_session, regimen=IV_TWICE_WEEKLY, effect="dissociation"),
    ),
    _target(
        id="T5-iv-antidepressant-persists", phenomenon="fact 9 / T5",
        claim="...while their antidepressant benefit is kept.",
        source=s.TRANSFORM2_POST_HOC, regimen="0.75 mg/kg IV over 60 min twice weekly x 8",
        quantity="last / first session antidepressant peak", unit="ratio", published="MADRS benefit persists",
        low=0.9, high=INF, evidence="illustrative",
        measure=partial(m.relative_last_session, regimen=IV_TWICE_WEEKLY, effect="antidepressant"),
    ),
    # ----- T6 ---------------------------------------------------------------------------------------------
    _cross_tolerance("memantine", "T6", "A patient on memantine responds less to a first ketamine dose.", s.NICHOLSON_1996),
    _cross_tolerance(
        "dextromethorphan", "T6", "A patient on dextromethorphan responds less to a first ketamine dose.", s.NICHOLSON_1996
    ),
    _cross_tolerance(
        "nitrous_oxide", "T6", "A frequent nitrous oxide user responds less to a first ketamine dose.",
        f"{s.SEEDS}; Mennerick et al. 1998 J Neurosci 18:9716",
    ),
    _target(
        id="T6-memantine-blunts-most", phenomenon="T6",
        claim="Memantine blunts the response more than dextromethorphan.",
        source=s.NICHOLSON_1996, regimen="0.5 mg/kg IM, first session",
        quantity="memantine ratio / dextromethorphan ratio", unit="ratio",
        published="memantine substitutes fully, dextromethorphan partly", low=0.0, high=0.999, evidence="illustrative",
        measure=_memantine_against_dextromethorphan,
    ),
)
