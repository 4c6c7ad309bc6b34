"""Lesson 10, clinical protocols: the numbers the lesson shows, computed by the model.

Every function simulates the default 70 kg patient (``kettutor.Patient()``, with an adjunct therapy or another
medicine where the function says so) and returns a short Markdown sentence or table, so the lesson's prose never
types a number that would change with the model. ``tests/test_lesson_10_claims.py`` checks the same claims.

The protocols are the published shapes of clinical courses (PHENOMENA P2-P4), shown to teach how the response
changes; none of them is a recommendation.
"""

from __future__ import annotations

from functools import cache

import numpy as np
from IPython.display import Markdown

from ...science.effects import PHARMACODYNAMICS
from ...patient import Patient
from ...policies import PolicyOutcome, extend_interval_while_benefit_holds, titrate_to_response
from ...regimen import HOURS_PER_DAY, Regimen
from ...solver.result import SimulationResult
from ...solver.simulate import simulate
from ..protocol_app import patient_for, protocol, time_above_percent

PATIENT = Patient()
INFUSION_MIN = 40.0
G_MAX = PHARMACODYNAMICS.antidepressant_max_g  # the largest antidepressant effect the model allows (Hedges g)
# Titration (P2): from the lowest dose of the dose-finding trial (Fava 2018), 0.15 mg/kg more per session,
# twice a week, until the benefit reaches 40 % of the largest the model allows; against a fixed high dose.
TITRATION = {"start_dose_mg_per_kg": 0.1, "step_mg_per_kg": 0.15, "target_percent": 40.0, "every_days": 3.5, "sessions": 6}
FIXED_HIGH_MG_PER_KG = 0.9
# The IV induction the app opens on: six infusions three days apart (about two weeks), then one every 14 days.
DOSE_MG_PER_KG = 0.5
INDUCTION_SESSIONS, INDUCTION_EVERY_DAYS, MAINTENANCE_EVERY_DAYS, COURSE_WEEKS = 6, 3.0, 14.0, 16
BENEFIT_LINE_G = 0.4  # the app's default benefit line (Hedges g)
# The esketamine spray's label schedule (P3): twice weekly for 4 weeks, weekly for 4, then every 2 weeks.
SPRAY_MG = 56
WEEK_H = 7 * HOURS_PER_DAY
COMPARE_FROM_WEEK, COMPARE_TO_WEEK = 8, 16
# Monitoring (P3, P4): lengthen the interval while the benefit at the next session would still be >= 30 % of
# the largest (the policy's default), for 24 weeks.
MONITORED_DAYS = 168.0
MONITOR_START_EVERY_DAYS, MONITOR_STEP_DAYS, MONITOR_MAX_EVERY_DAYS = 3.5, 3.5, 28.0
MONITOR_THRESHOLD_PERCENT = 30.0  # of the largest benefit the model allows
ADJUNCTS = {"none": "nothing", "exercise": "exercise", "psychotherapy": "psychotherapy"}
NMDA_MEDICINES = {"none": "nothing else", "memantine": "memantine", "dextromethorphan": "dextromethorphan",
                  "nitrous_oxide": "frequent nitrous oxide"}


def time_weighted_mean(result: SimulationResult, series: np.ndarray, from_h: float = 0.0, to_h: float | None = None) -> float:
    """The mean of ``series`` over time between ``from_h`` and ``to_h`` (h), weighting each output interval by its
    length (the output grid is denser near doses)."""
    to_h = result.time_h[-1] if to_h is None else to_h
    hours = np.arange(from_h, to_h, 1.0)
    return float(np.mean(np.interp(hours, result.time_h, series)))


# ----- titration (P2) -----------------------------------------------------------------------------------
@cache
def titration() -> PolicyOutcome:
    """Start at 0.1 mg/kg and step up by 0.15 mg/kg per twice-weekly session until the benefit reaches 40 % of the
    largest (g 0.56); then hold the dose."""
    return titrate_to_response(PATIENT, infusion_min=INFUSION_MIN, **TITRATION)


@cache
def fixed_high() -> SimulationResult:
    """The same six sessions at a fixed 0.9 mg/kg from the start."""
    regimen = Regimen.repeated(
        dose_mg_per_kg=FIXED_HIGH_MG_PER_KG, infusion_min=INFUSION_MIN, every_days=TITRATION["every_days"], doses=TITRATION["sessions"]
    )
    return simulate(PATIENT, regimen, days=TITRATION["every_days"] * TITRATION["sessions"] + 7)


def titration_target_session() -> int | None:
    outcome = titration()
    return outcome.limit_session if outcome.reached_limit else None


def titration_dose_at_target_mg_per_kg() -> float:
    session = titration_target_session()
    return float(titration().doses_mg_per_kg[session - 1]) if session else float("nan")


def titration_max_dissociation() -> float:
    return float(titration().result.session_peaks("dissociation").max())


def fixed_high_max_dissociation() -> float:
    return float(fixed_high().session_peaks("dissociation").max())


def titration_table() -> Markdown:
    """Session by session: the titrated dose, its benefit and its dissociation, next to a fixed high dose."""
    outcome = titration()
    dissociation = outcome.result.session_peaks("dissociation")
    fixed_benefit, fixed_dissociation = fixed_high().session_peaks("antidepressant"), fixed_high().session_peaks("dissociation")
    rows = [
        f"| Session | Titrated dose (mg/kg) | Benefit (g) | Dissociation (% of maximum) | Fixed {FIXED_HIGH_MG_PER_KG:g} mg/kg: benefit (g) | Fixed: dissociation (%) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for i, dose in enumerate(outcome.doses_mg_per_kg):
        rows.append(
            f"| {i + 1} | {dose:.2f} | {outcome.responses[i]:.2f} | {dissociation[i]:.0f} | {fixed_benefit[i]:.2f} | "
            f"{fixed_dissociation[i]:.0f} |"
        )
    session = titration_target_session()
    reached = (
        f"The benefit reached the target (g {TITRATION['target_percent'] / 100 * G_MAX:.2f}) at session **{session}**, with "
        f"**{titration_dose_at_target_mg_per_kg():.2f} mg/kg**, and the dose was held there."
        if session else "The benefit never reached the target in six sessions."
    )
    return Markdown(
        "Two clinics, six 40-min infusions twice a week. \"Benefit\" is each session's peak antidepressant effect (Hedges "
        "g); \"dissociation\" is each session's peak.\n\n" + "\n".join(rows) + f"\n\n{reached} The titrated patient's "
        f"strongest dissociation was **{titration_max_dissociation():.0f} %** of maximum, against "
        f"**{fixed_high_max_dissociation():.0f} %** with the fixed high dose."
    )


# ----- induction, then maintenance (P3) -------------------------------------------------------------------
@cache
def iv_plan():
    """The app's default: six infusions three days apart, then one every 14 days, for 16 weeks."""
    return protocol(DOSE_MG_PER_KG, INDUCTION_SESSIONS, INDUCTION_EVERY_DAYS, MAINTENANCE_EVERY_DAYS, COURSE_WEEKS)


@cache
def iv_results() -> tuple[SimulationResult, SimulationResult]:
    """(maintained, stopped after induction) for the default IV plan."""
    plan = iv_plan()
    return (simulate(PATIENT, plan.regimen, days=plan.course_days), simulate(PATIENT, plan.induction, days=plan.course_days))


@cache
def days_until_benefit_below_after_induction(threshold_g: float = BENEFIT_LINE_G) -> float:
    """Days after the last induction infusion until the benefit of a patient who then stops falls below
    ``threshold_g`` (read hourly)."""
    plan = iv_plan()
    stopped = iv_results()[1]
    hours = np.arange(plan.induction_end_day * HOURS_PER_DAY, plan.course_days * HOURS_PER_DAY, 1.0)
    g = np.interp(hours, stopped.time_h, stopped.effect("antidepressant"))
    below = np.flatnonzero(g < threshold_g)
    return float(hours[below[0]] / HOURS_PER_DAY - plan.induction_end_day) if below.size else float("inf")


def iv_above_line_percent() -> tuple[float, float]:
    """% of the time after induction with g >= the line: (maintained, stopped)."""
    plan = iv_plan()
    return tuple(time_above_percent(r, BENEFIT_LINE_G, plan.induction_end_day, plan.course_days) for r in iv_results())


def stopping_sentence() -> Markdown:
    """What happens to the benefit when treatment stops after the IV induction."""
    kept, stopped = iv_above_line_percent()
    return Markdown(
        f"After {INDUCTION_SESSIONS} infusions {INDUCTION_EVERY_DAYS:g} days apart, a patient who stops falls below "
        f"g = {BENEFIT_LINE_G:g} **{days_until_benefit_below_after_induction():.0f} days** after the last infusion. To the "
        f"end of week {COURSE_WEEKS}, the benefit stays above that line **{kept:.0f} %** of the time with an infusion every "
        f"{MAINTENANCE_EVERY_DAYS:g} days, and **{stopped:.0f} %** of the time without."
    )


def spray(every_days: float, doses: int) -> Regimen:
    return Regimen.esketamine_spray(SPRAY_MG, every_days=every_days, doses=doses)


SPRAY_SCHEDULES = {
    "twice weekly for 4 weeks, then stop": lambda: spray(3.5, 8),
    "twice weekly for 4 weeks, weekly for 4, then every 2 weeks (the label's steps)": lambda: spray(3.5, 8).then(spray(7, 4)).then(spray(14, 4)),
    "twice weekly throughout": lambda: spray(3.5, 32),
}


@cache
def spray_results() -> dict[str, SimulationResult]:
    return {name: simulate(PATIENT, build(), days=7 * COMPARE_TO_WEEK) for name, build in SPRAY_SCHEDULES.items()}


def spray_numbers(name: str) -> dict[str, float]:
    """Sessions by week 16, mean benefit (g) and mean tolerance (model units) over weeks 8-16, last/first dissociation (%)."""
    result = spray_results()[name]
    window = (COMPARE_FROM_WEEK * WEEK_H, COMPARE_TO_WEEK * WEEK_H)
    return {
        "sessions": int(result.session_start_h.size),
        "mean_g": time_weighted_mean(result, result.effect("antidepressant"), *window),
        "mean_tolerance": time_weighted_mean(result, result.tolerance, *window),
        "last_dissociation_percent": float(100.0 * result.relative_session_peaks("dissociation")[-1]),
    }


def spray_table() -> Markdown:
    """The esketamine spray's schedules: what maintenance keeps, and what staying on the induction costs."""
    rows = [
        f"| {SPRAY_MG} mg esketamine spray | Sessions by week {COMPARE_TO_WEEK} | Mean benefit, weeks {COMPARE_FROM_WEEK}-{COMPARE_TO_WEEK} (g) "
        f"| Mean tolerance, weeks {COMPARE_FROM_WEEK}-{COMPARE_TO_WEEK} (model units; 0 = none) |",
        "| --- | --- | --- | --- |",
    ]
    for name in SPRAY_SCHEDULES:
        n = spray_numbers(name)
        rows.append(f"| {name} | {n['sessions']} | {n['mean_g']:.2f} | {n['mean_tolerance']:.3f} |")
    induction = spray_numbers("twice weekly for 4 weeks, then stop")
    return Markdown(
        "\n".join(rows) + f"\n\nDuring the twice-weekly induction, each session's dissociation fell to "
        f"**{induction['last_dissociation_percent']:.0f} %** of the first session's by session 8, while the benefit grew."
    )


# ----- monitoring the response (P3, P4) -------------------------------------------------------------------
@cache
def monitored(adjunct: str = "none", also_takes: str = "none") -> PolicyOutcome:
    """The clinician who lengthens the interval while the benefit holds, for 24 weeks of 0.5 mg/kg infusions."""
    return extend_interval_while_benefit_holds(
        patient_for(adjunct, also_takes, PATIENT), dose_mg_per_kg=DOSE_MG_PER_KG, start_every_days=MONITOR_START_EVERY_DAYS,
        step_days=MONITOR_STEP_DAYS, max_every_days=MONITOR_MAX_EVERY_DAYS, threshold_percent=MONITOR_THRESHOLD_PERCENT,
        course_days=MONITORED_DAYS,
    )


def monitored_numbers(adjunct: str = "none", also_takes: str = "none") -> dict[str, float]:
    outcome = monitored(adjunct, also_takes)
    intervals = np.diff(outcome.session_start_h) / HOURS_PER_DAY
    return {
        "sessions": int(outcome.session_start_h.size),
        "longest_interval_days": float(intervals.max()) if intervals.size else float("nan"),
        "mean_tolerance": time_weighted_mean(outcome.result, outcome.result.tolerance, 0.0, MONITORED_DAYS * HOURS_PER_DAY),
    }


def monitoring_intervals_sentence() -> Markdown:
    """The intervals the monitoring rule chose for the typical patient."""
    outcome = monitored()
    intervals = np.diff(outcome.session_start_h) / HOURS_PER_DAY
    shown = ", ".join(f"{d:g}" for d in intervals)
    floor_g = MONITOR_THRESHOLD_PERCENT / 100.0 * G_MAX
    return Markdown(
        f"The rule starts from a gap of {MONITOR_START_EVERY_DAYS:g} days between {DOSE_MG_PER_KG:g} mg/kg infusions. After "
        f"each infusion it lengthens the gap by {MONITOR_STEP_DAYS:g} days (up to {MONITOR_MAX_EVERY_DAYS:g}) if the benefit "
        f"would still be at least g = {floor_g:.2f} on the later date; otherwise it keeps or shortens the gap. For the "
        f"typical patient it chose these gaps (days): {shown}. That is **{outcome.session_start_h.size} infusions** in "
        f"{MONITORED_DAYS / 7:.0f} weeks, with the longest gap **{intervals.max():g} days**."
    )


def adjunct_table() -> Markdown:
    """The monitoring rule with and without a therapy alongside."""
    rows = [
        f"| Alongside the infusions | Infusions in {MONITORED_DAYS / 7:.0f} weeks | Longest gap (days) | Mean tolerance (model units; 0 = none) |",
        "| --- | --- | --- | --- |",
    ]
    for adjunct, label in ADJUNCTS.items():
        n = monitored_numbers(adjunct)
        rows.append(f"| {label} | {n['sessions']} | {n['longest_interval_days']:g} | {n['mean_tolerance']:.3f} |")
    return Markdown("The same monitoring rule, the same typical patient:\n\n" + "\n".join(rows))


# ----- combination that works against: benzodiazepines ------------------------------------------------------
@cache
def single_infusion(comedication: str | None = None) -> SimulationResult:
    patient = PATIENT if comedication is None else PATIENT.with_comedication(comedication)
    return simulate(patient, Regimen.single(dose_mg_per_kg=DOSE_MG_PER_KG, infusion_min=INFUSION_MIN), days=14)


def benefit_ratio_on_day(comedication: str, day: float) -> float:
    """g on ``day`` with ``comedication`` as a fraction of g without it, after one standard infusion."""
    def g_at(result: SimulationResult) -> float:
        return float(np.interp(day * HOURS_PER_DAY, result.time_h, result.effect("antidepressant")))

    return g_at(single_infusion(comedication)) / g_at(single_infusion())


def benzodiazepine_sentence() -> Markdown:
    return Markdown(
        f"With a benzodiazepine at a usual dose, the model's benefit one day after a standard infusion is "
        f"**{100 * benefit_ratio_on_day('benzodiazepine', 1.0):.0f} %** of the benefit without it, and on day 3 "
        f"**{100 * benefit_ratio_on_day('benzodiazepine', 3.0):.0f} %**. The ketamine levels are the same with and without it."
    )


# ----- cross-tolerance (T6) ----------------------------------------------------------------------------------
def first_dissociation_percent(comedication: str | None = None) -> float:
    """Peak dissociation (% of maximum) of the first 0.5 mg/kg infusion."""
    return float(single_infusion(comedication).session_peaks("dissociation")[0])


def first_dissociation_ratio_percent(comedication: str) -> float:
    """The first infusion's peak dissociation with ``comedication``, as % of the same patient's without it."""
    return 100.0 * first_dissociation_percent(comedication) / first_dissociation_percent()


def cmax_ratio(comedication: str) -> float:
    return single_infusion(comedication).exposure().cmax_mg_per_l / single_infusion().exposure().cmax_mg_per_l


def cross_tolerance_table() -> Markdown:
    """First-infusion dissociation, blood level and benefit with each NMDA-blocking medicine, and the infusions the
    monitoring rule then needs."""
    rows = [
        "| Also takes | First infusion's dissociation (% of maximum) | Same, as % of no other medicine | Peak blood level, as % of no other medicine | Benefit a day later (g) | Infusions the monitoring rule gives in 24 weeks |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for code, label in NMDA_MEDICINES.items():
        name = None if code == "none" else code
        result = single_infusion(name)
        g_day1 = float(np.interp(HOURS_PER_DAY, result.time_h, result.effect("antidepressant")))
        ratio = 100.0 if name is None else first_dissociation_ratio_percent(name)
        level = 100.0 if name is None else 100.0 * cmax_ratio(name)
        rows.append(
            f"| {label} | {first_dissociation_percent(name):.0f} | {ratio:.0f} % | {level:.0f} % | {g_day1:.2f} | "
            f"{monitored_numbers('none', code)['sessions']} |"
        )
    return Markdown(f"One {DOSE_MG_PER_KG:g} mg/kg infusion over {INFUSION_MIN:g} min, typical 70 kg patient:\n\n" + "\n".join(rows))
