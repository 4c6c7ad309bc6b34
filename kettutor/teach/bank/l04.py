"""Lesson 04, how often: self-checks and graded exercises.

Expected numbers are asked of the model when first needed (``kettutor.teach.lessons.l04``), so they follow
the model if it changes. The design task (L04.q5) accepts any course that meets its goal in the model.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np

from ...patient import Patient
from ...regimen import HOURS_PER_DAY, Regimen
from ...solver.simulate import simulate
from ..answers import regimen_from_payload, regimen_to_payload
from ..frequency_app import ec50_rise_at_sessions
from ..lessons import l04
from ..questions import Choice, Number, Option, Task, call_with, equals, scaled

WEIGHT_KG = l04.PATIENT.weight_kg
Q1_WEEKS = 12
RISE_PROBES = ((1.0, 0.5), (3.5, 0.5), (7.0, 0.5), (7.0, 1.0), (1.0, 0.25))  # (every_days, dose_mg_per_kg)
RISE_REL_TOL = 0.05  # 5 % of the model's value, plus half a percentage point
# L04.q5, the design task: 12 weeks of IV infusions in the model
DESIGN_DAYS = 84.0
BENEFIT_FROM_DAY = 7.0  # the antidepressant effect must hold from day 7 (after an induction) ...
BENEFIT_FLOOR_G = 0.6  # ... at or above this effect size (Hedges' g) every day until day 84
MAX_RISE_PERCENT = 20.0  # no session may meet a dissociation EC50 more than this far above baseline
MAX_SESSION_MG_PER_KG = 1.0  # the top of the antidepressant dose studies (Fava 2018: 0.1-1.0 mg/kg)
MAX_SESSIONS = 2 * int(DESIGN_DAYS)
CLOSE_GAP_DAYS = 3.5  # a course with sessions this close (or closer) that builds too much tolerance: too many sessions
DESIGN_GRID = {"dense_step_min": 30.0, "sparse_step_h": 6.0}


# ----- L04.q2: the EC50 rise after eight weeks, by interval and dose ------------------------------------
@cache
def reference_rises() -> tuple[float, ...]:
    return tuple(l04.rise_at_end(every, l04.TABLE_WEEKS, dose) for every, dose in RISE_PROBES)


@cache
def peak_falls() -> tuple[float, ...]:
    return tuple(100.0 - l04.last_percent(every, l04.TABLE_WEEKS, dose) for every, dose in RISE_PROBES)


def _close_all(given: list[float], target: tuple[float, ...]) -> bool:
    return len(given) == len(target) and all(abs(g - t) <= RISE_REL_TOL * abs(t) + 0.5 for g, t in zip(given, target))


def judge_rise_function(payload):
    if not isinstance(payload, list) or len(payload) != len(RISE_PROBES):
        raise ValueError("expected one number per probe (every_days, dose_mg_per_kg)")
    given = [float(v) for v in payload]
    if not all(math.isfinite(v) for v in given):
        raise ValueError("every answer must be a finite number")
    target = reference_rises()
    shown = "; ".join(f"every {e:g} d at {d:g} mg/kg: {v:.0f} %" for (e, d), v in zip(RISE_PROBES, target))
    if _close_all(given, target):
        return True, f"Right: {shown}. Compare how much the interval and the dose each change the rise."
    if _close_all([100.0 * g for g in given], target):
        return False, "Your values are fractions (0.23 means 23 %). Return the rise in %.", "percent-vs-fraction"
    if _close_all(given, peak_falls()):
        return (
            False,
            "Those are how far the last session's peak fell below the first's. The question asks how far the EC50 has "
            "risen on day 56: read result.ec50_change_percent('dissociation') at the end.",
            "peak-fall-vs-ec50-rise",
        )
    values = ", ".join(f"{g:.3g}" for g in given)
    return False, f"Not yet: your function gave {values} for the probes {RISE_PROBES} (every_days, dose_mg_per_kg).", None


def reference_rise_function():
    def ec50_rise_percent(every_days: float, dose_mg_per_kg: float) -> float:
        course = Regimen.repeated(dose_mg_per_kg=dose_mg_per_kg, infusion_min=40, every_days=every_days, duration_days=56)
        result = simulate(Patient(), course, days=56)
        return result.ec50_change_percent("dissociation")[-1]

    return ec50_rise_percent


def _rise_as_fraction():
    return lambda every_days, dose_mg_per_kg: l04.rise_at_end(every_days, l04.TABLE_WEEKS, dose_mg_per_kg) / 100.0


def _peak_fall_instead():
    return lambda every_days, dose_mg_per_kg: 100.0 - l04.last_percent(every_days, l04.TABLE_WEEKS, dose_mg_per_kg)


# ----- L04.q5: design a 12-week course ----------------------------------------------------------------
def design_outcome(regimen: Regimen) -> dict:
    """What the design task measures on a course: the lowest antidepressant effect from day 7 to day 84 and
    the largest dissociation EC50 rise any session meets."""
    result = simulate(l04.PATIENT, regimen, days=DESIGN_DAYS + 1.0, **DESIGN_GRID)
    g = result.effect("antidepressant")
    days = result.time_days
    window = (days >= BENEFIT_FROM_DAY) & (days <= DESIGN_DAYS)
    starts = regimen.session_start_h / HOURS_PER_DAY
    gaps = np.diff(starts)
    return {
        "lowest_g": float(g[window].min()),
        "largest_rise_percent": float(ec50_rise_at_sessions(result, "dissociation").max()),
        "sessions": int(regimen.session_count),
        "shortest_gap_days": float(gaps.min()) if gaps.size else math.inf,
    }


def judge_design(payload):
    regimen = regimen_from_payload(payload)
    if regimen.session_count > MAX_SESSIONS:
        return False, f"At most {MAX_SESSIONS} sessions (two a day) in this task; yours has {regimen.session_count}.", "breaks-the-rules"
    routes = {event.route for event in regimen.events}
    if routes != {"iv_infusion"}:
        return (False, "Give every session as an IV infusion, e.g. Regimen.repeated(dose_mg_per_kg=..., infusion_min=40, "
                f"every_days=..., duration_days=84); yours uses {', '.join(sorted(routes))}.", "breaks-the-rules")
    starts = regimen.session_start_h / HOURS_PER_DAY
    if abs(starts[0]) > 1e-9 or starts[-1] > DESIGN_DAYS + 1e-9:
        return False, f"Start on day 0 and give the last session no later than day {DESIGN_DAYS:g}.", "breaks-the-rules"
    per_session: dict[int, float] = {}
    for event in regimen.events:
        per_session[event.session] = per_session.get(event.session, 0.0) + event.dose_mg_per_kg(WEIGHT_KG)
    largest = max(per_session.values())
    if largest > MAX_SESSION_MG_PER_KG * (1 + 1e-9):
        return (False, f"A session of {largest:g} mg/kg is above this task's {MAX_SESSION_MG_PER_KG:g} mg/kg, the top of the "
                "antidepressant dose studies. Larger doses are not a way round tolerance.", "breaks-the-rules")
    outcome = design_outcome(regimen)
    g, rise = outcome["lowest_g"], outcome["largest_rise_percent"]
    benefit_ok, tolerance_ok = g >= BENEFIT_FLOOR_G, rise <= MAX_RISE_PERCENT
    measured = (f"{outcome['sessions']} sessions; lowest antidepressant effect from day {BENEFIT_FROM_DAY:g} to "
                f"{DESIGN_DAYS:g}: g = {g:.2f}; largest EC50 rise a session meets: {rise:.0f} %.")
    if benefit_ok and tolerance_ok:
        return True, f"Goal met in the model: {measured} Spacing kept the benefit while tolerance faded between sessions."
    if not tolerance_ok and outcome["shortest_gap_days"] <= CLOSE_GAP_DAYS:
        return (False, f"{measured} Too much tolerance: sessions this close add tolerance before the last session's has "
                "faded, and the benefit outlasts a session by days anyway. Fewer sessions can keep it.",
                "more-sessions-more-benefit")
    if not tolerance_ok:
        return (False, f"{measured} Too much tolerance: a larger dose given less often still builds it, because each big "
                "dose blocks more receptors for longer. Try a smaller dose a little more often.", "higher-dose-protects")
    return (False, f"{measured} The benefit fades below g = {BENEFIT_FLOOR_G:g} between sessions: after one infusion it "
            "fades within about a week (PHENOMENA K4). The longest gap is not always best; shorten it a little.",
            "longest-interval-is-best")


def reference_design() -> Regimen:
    return Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=40, every_days=5, duration_days=DESIGN_DAYS)


def _daily_design() -> Regimen:
    return Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=40, every_days=1, duration_days=DESIGN_DAYS)


def _big_dose_design() -> Regimen:
    return Regimen.repeated(dose_mg_per_kg=1.0, infusion_min=40, every_days=6, duration_days=DESIGN_DAYS)


def _fortnightly_design() -> Regimen:
    return Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=40, every_days=14, duration_days=DESIGN_DAYS)


SELF_CHECKS = (
    Choice(
        "L04.p1",
        "The same 0.5 mg/kg infusion is given twice a week for six months. What does the tolerance each session "
        "meets (its EC50 rise) do over the months?",
        options=(
            Option("a", "It keeps climbing for as long as the sessions go on.",
                   "Not twice a week: the model levels off within about a month. Climbing for months is what daily "
                   "dosing does.", "tolerance-always-climbs"),
            Option("b", "It rises over the first weeks, then levels off.",
                   "Yes: each session adds about as much tolerance as fades before the next one, so it settles on a plateau."),
            Option("c", "It never appears: twice a week is spaced enough to avoid tolerance.",
                   "Some tolerance does build twice a week, mostly in the first weeks; it just stops growing.",
                   "spaced-means-no-tolerance"),
        ),
        answer="b",
    ),
    Choice(
        "L04.s1",
        "Weekly sessions level off at a small EC50 rise. Why do they level off?",
        options=(
            Option("a", "Each session adds about as much tolerance as fades during the week before the next one.",
                   "Right: a plateau is a balance between build-up and fading, like a drug's own steady state."),
            Option("b", "Tolerance has hit its ceiling, the most the brain can express.",
                   "The ceiling is far higher: daily dosing climbs well past the weekly plateau. A plateau is a "
                   "balance, not a limit.", "plateau-is-the-ceiling"),
            Option("c", "The brain has stopped responding to the drug.",
                   "The weekly sessions still give nearly their first response; the plateau is a small, stable "
                   "tolerance, not a loss of effect.", "plateau-means-no-effect"),
        ),
        answer="a",
        hints=("Compare what one session adds with what fades in the seven days before the next.",),
    ),
    Choice(
        "L04.s2",
        "After six months of daily sessions, which part of the model's tolerance is still growing?",
        options=(
            Option("a", "Fast tolerance: it adds up day after day.",
                   "Fast tolerance halves in about a day, so it settles within days at its daily level; it does not "
                   "keep adding up for months.", "fast-tolerance-accumulates"),
            Option("b", "The chronic component, which only months of frequent use build.",
                   "Right: fast and slow tolerance settle within weeks; the chronic component keeps growing and fades "
                   "over months, which is why recovery takes longer after long heavy use."),
            Option("c", "Sensitization, which lowers the response.",
                   "Sensitization makes a response larger, not smaller; the falling response is tolerance.",
                   "tolerance-vs-sensitization"),
        ),
        answer="b",
        hints=("In the app's lower chart, the thin line is fast and slow tolerance; the gap above it is the rest.",),
    ),
    Choice(
        "L04.s3",
        "A patient has 0.5 mg/kg once a week. Which change builds more tolerance over eight weeks in the model: "
        "doubling the dose to 1 mg/kg once a week, or keeping 0.5 mg/kg but giving it every day?",
        options=(
            Option("a", "Doubling the dose: how much matters more than how often.",
                   "Doubling the dose raises the EC50 rise a few times over; daily sessions raise it more than ten "
                   "times. A higher dose is not the bigger lever, and it does not protect either.", "dose-matters-most"),
            Option("b", "Daily sessions of the same dose.",
                   "Right: tolerance then has no time to fade between sessions, and slow tolerance builds on top."),
            Option("c", "Both the same: only the amount taken per week counts.",
                   "Daily 0.5 mg/kg is 3.5 mg/kg a week, 1 mg/kg weekly is 1 mg/kg: the amounts differ, and so do the "
                   "schedules. The table shows daily dosing builds far more.", "only-total-amount-counts"),
        ),
        answer="b",
        hints=("In the table above, compare the 0.5 mg/kg column's weekly and daily rows with the weekly row's 1 mg/kg column.",),
    ),
)

EXERCISES = (
    Number(
        "L04.q1",
        f"Simulate 0.5 mg/kg IV over 40 min twice a week for {Q1_WEEKS} weeks in the default patient. What is the last "
        "session's peak dissociation, as % of the first session's?",
        expected=lambda: l04.last_percent(3.5, Q1_WEEKS),
        unit="%",
        rel_tol=0.02,
        misconceptions=(
            equals(lambda: l04.last_percent(2.0, Q1_WEEKS), "twice-weekly-is-every-2-days",
                   "That is dosing every 2 days, three or four times a week. Twice a week is every 3.5 days."),
            scaled(0.01, "percent-vs-fraction", "That is a fraction of the first peak; give it in % (multiply by 100)."),
        ),
        hints=("Twice a week: every_days=3.5, duration_days=84.",
               "result.relative_session_peaks('dissociation')[-1] is the last session as a fraction of the first."),
    ),
    Task(
        "L04.q2",
        "Write ec50_rise_percent(every_days, dose_mg_per_kg): the rise (%) of dissociation's EC50 on day 56, after "
        "eight weeks (duration_days=56) of 40-min infusions of dose_mg_per_kg every every_days days, in the default patient.",
        points=2,
        to_payload=call_with(RISE_PROBES, round_to=6),
        judge_payload=judge_rise_function,
        reference=reference_rise_function,
        wrong=((_rise_as_fraction, "percent-vs-fraction"), (_peak_fall_instead, "peak-fall-vs-ec50-rise")),
        hints=("Regimen.repeated(dose_mg_per_kg=dose_mg_per_kg, infusion_min=40, every_days=every_days, duration_days=56).",
               "Simulate with days=56, so the last output time is day 56, and take result.ec50_change_percent('dissociation')[-1]."),
    ),
    Choice(
        "L04.q3",
        "Use your ec50_rise_percent. Which statement fits what the model shows about how often and how much?",
        options=(
            Option("a", "Splitting the same weekly amount into small daily doses builds far more tolerance than one weekly dose.",
                   "Not in the model: a seventh of the amount every day builds about as much as all of it once a week "
                   "(the lesson's last table). What builds tolerance fast is more sessions of the same dose.",
                   "splitting-the-amount-builds-tolerance"),
            Option("b", "Across the schedules and doses in use, the interval changes tolerance more than the dose, because it decides whether tolerance fades before the next session.",
                   "Right: going from weekly to daily raises the rise far more than going from 0.25 to 1 mg/kg. The dose "
                   "still matters, so a higher dose is no way round it."),
            Option("c", "A larger dose given less often avoids tolerance.",
                   "Doubling the weekly dose raises the EC50 rise too. Bigger doses do not protect against tolerance.",
                   "higher-dose-protects"),
            Option("d", "The dose makes no difference; only the interval does.",
                   "Compare 0.5 and 1 mg/kg once a week: the rise grows with the dose as well.", "dose-does-not-matter"),
        ),
        answer="b",
        hints=("Compare ec50_rise_percent(7, 0.5) with ec50_rise_percent(1, 0.5) and with ec50_rise_percent(7, 1.0).",),
    ),
    Choice(
        "L04.q4",
        "Two people stop after daily use: one after four weeks, the other after six months. Six weeks later the "
        "second still responds much less to the first dose. Why, in the model?",
        options=(
            Option("a", "Months of daily use built a chronic component, which fades over months rather than weeks.",
                   "Right: fast tolerance is gone within days and slow tolerance within weeks; the chronic part lasts "
                   "(seed 002: heavy users may need longer breaks)."),
            Option("b", "After six months there is more fast tolerance, which takes longer to fade.",
                   "Fast tolerance is at the same daily level after four weeks as after six months, and it is gone a few "
                   "days after the last dose.", "fast-tolerance-accumulates"),
            Option("c", "The drug builds up in the body over months and takes weeks to leave.",
                   "Ketamine leaves within a day of the last dose (its half-life is hours); what lasts is the brain's "
                   "adaptation.", "tolerance-leaves-with-the-drug"),
        ),
        answer="a",
        hints=("Which part of tolerance fades over months rather than days or weeks, and what builds it?",),
    ),
    Task(
        "L04.q5",
        f"Design a {DESIGN_DAYS / 7:g}-week course for the default 70 kg patient as a kettutor.Regimen of IV infusions "
        f"(each session at most {MAX_SESSION_MG_PER_KG:g} mg/kg; first session on day 0, none after day {DESIGN_DAYS:g}). "
        f"Goal, in the model: the antidepressant effect stays at or above g = {BENEFIT_FLOOR_G:g} every day from day "
        f"{BENEFIT_FROM_DAY:g} to day {DESIGN_DAYS:g}, while no session meets a dissociation EC50 more than "
        f"{MAX_RISE_PERCENT:g} % above baseline. Any course that meets the goal is accepted.",
        points=3,
        to_payload=regimen_to_payload,
        judge_payload=judge_design,
        reference=reference_design,
        wrong=(
            (_daily_design, "more-sessions-more-benefit"),
            (_big_dose_design, "higher-dose-protects"),
            (_fortnightly_design, "longest-interval-is-best"),
        ),
        hints=(
            "Start from Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=40, every_days=..., duration_days=84) and try "
            "intervals between twice a week and once a week.",
            "check() reports the lowest g and the largest EC50 rise of your course: too little benefit means the gaps are "
            "too long, too much tolerance means the sessions are too close or too big.",
            "At 0.5 mg/kg, twice a week builds more tolerance than this goal allows, and once a week lets the benefit "
            "fade below it between sessions: try intervals in between.",
        ),
    ),
)
