"""Lesson 05, drug holidays, recovery and tapering: the numbers the lesson quotes, computed by the model.

Every function that the lesson shows returns a short ``IPython.display.Markdown``; the cached functions below
them return plain numbers, which the self-checks, the exercises and ``tests/test_lesson_05_claims.py`` use.

The course throughout is the one the lesson's app starts with: 0.5 mg/kg IV over 40 min once a day for four
weeks (28 sessions), in the default 70 kg patient. A *retest* gives the same dose again after a break.
"""

from __future__ import annotations

from functools import cache

from IPython.display import Markdown

from ...science.adaptation import ADAPTATION
from ...analysis import recovery_days
from ...patient import Patient
from ...regimen import HOURS_PER_DAY, Regimen
from ...solver.simulate import simulate

DOSE_MG_PER_KG = 0.5
INFUSION_MIN = 40.0
COURSE_DAYS = 28
EFFECT = "dissociation"
BREAKS_DAYS = (3, 7, 14, 21, 28, 42)
TAPER_START_MG_PER_KG, TAPER_STEP_MG_PER_KG = 0.4, 0.1
COMPONENTS = {"tolerance_fast": "fast", "tolerance_slow": "slow", "tolerance_chronic": "chronic"}


def patient() -> Patient:
    """The lesson's patient: the default 70 kg adult."""
    return Patient()


def daily_course(days: int = COURSE_DAYS, every_days: float = 1.0) -> Regimen:
    """0.5 mg/kg IV over 40 min every ``every_days`` for ``days`` days."""
    return Regimen.repeated(dose_mg_per_kg=DOSE_MG_PER_KG, infusion_min=INFUSION_MIN, every_days=every_days, duration_days=days)


def tapered_course() -> Regimen:
    """The four-week daily course, then a taper from 0.4 mg/kg down by 0.1 mg/kg a day (Regimen.taper)."""
    taper = Regimen.taper(TAPER_START_MG_PER_KG, step_mg_per_kg=TAPER_STEP_MG_PER_KG, every_days=1, infusion_min=INFUSION_MIN)
    return daily_course().then(taper)


def with_retest(regimen: Regimen, break_days: float, dose_mg_per_kg: float = DOSE_MG_PER_KG, infusion_min: float | None = INFUSION_MIN) -> Regimen:
    """``regimen`` followed, ``break_days`` after its last session starts, by one retest dose (IV over
    ``infusion_min`` minutes; None: an IV injection all at once)."""
    return regimen.then(Regimen.single(dose_mg_per_kg=dose_mg_per_kg, infusion_min=infusion_min), gap_days=break_days)


def retest_fraction_of(
    regimen: Regimen, break_days: float, dose_mg_per_kg: float = DOSE_MG_PER_KG, infusion_min: float | None = INFUSION_MIN
) -> float:
    """The retest's peak dissociation as a fraction of the first session's."""
    plan = with_retest(regimen, break_days, dose_mg_per_kg, infusion_min)
    result = simulate(patient(), plan, days=plan.session_start_h[-1] / HOURS_PER_DAY + 1.0)
    return float(result.relative_session_peaks(EFFECT)[-1])


@cache
def retest_fraction(break_days: float, dose_mg_per_kg: float = DOSE_MG_PER_KG, infusion_min: float | None = INFUSION_MIN) -> float:
    """After the four-week daily course: the retest ``break_days`` later, as a fraction of the first session."""
    return retest_fraction_of(daily_course(), break_days, dose_mg_per_kg, infusion_min)


@cache
def last_course_fraction() -> float:
    """The 28th (last) session's peak dissociation as a fraction of the first session's."""
    result = simulate(patient(), daily_course(), days=COURSE_DAYS + 1)
    return float(result.relative_session_peaks(EFFECT)[-1])


@cache
def course_recovery_days(days: int = COURSE_DAYS, every_days: float = 1.0, fraction: float = 0.9) -> float:
    """``recovery_days`` for the course of ``days`` days at ``every_days``: days from the last dose until the
    first dose again gives ``fraction`` of its first peak."""
    return recovery_days(patient(), daily_course(days, every_days), effect=EFFECT, fraction=fraction)


@cache
def shortest_break_days(target: float = 0.8, resolution_days: float = 0.05) -> float:
    """The shortest break (days after the last course session starts) whose retest gives ``target`` of the
    first session's peak (bisection on the retest; the retest response grows with the break)."""
    low, high = 1.0, 1.0
    while retest_fraction_of(daily_course(), high) < target:
        low, high = high, 2.0 * high
    while high - low > resolution_days:
        middle = 0.5 * (low + high)
        low, high = (low, middle) if retest_fraction_of(daily_course(), middle) >= target else (middle, high)
    return high


@cache
def _course_run(course_days: int, follow_days: float):
    course = daily_course(course_days)
    return simulate(patient(), course, days=course.session_start_h[-1] / HOURS_PER_DAY + follow_days, sparse_step_h=6.0)


def highest_parts(course_days: int) -> dict[str, float]:
    """Each part of tolerance at its highest during a daily course of ``course_days`` days (model units)."""
    result = _course_run(course_days, 43.0)
    return {label: float(result.slow_state(name).max()) for name, label in COMPONENTS.items()}


def parts_left(course_days: int, after_days: float) -> dict[str, float]:
    """Each part of tolerance ``after_days`` (at most 42) after the last dose of a daily course of
    ``course_days`` days, as % of its highest level."""
    result = _course_run(course_days, 43.0)
    last_h = daily_course(course_days).session_start_h[-1]
    at = int(abs(result.time_h - (last_h + after_days * HOURS_PER_DAY)).argmin())
    highest = highest_parts(course_days)
    return {label: 100.0 * float(result.slow_state(name)[at]) / highest[label] for name, label in COMPONENTS.items()}


@cache
def taper_comparison() -> dict:
    """The four-week daily course stopped at once or followed by the taper, measured from the last full dose."""
    abrupt, tapered = daily_course(), tapered_course()
    last_full_day = abrupt.session_start_h[-1] / HOURS_PER_DAY
    taper_days = tapered.session_start_h[-1] / HOURS_PER_DAY - last_full_day
    retests = {}
    for weeks in (2, 4, 6):
        after = 7.0 * weeks
        retests[weeks] = (retest_fraction_of(abrupt, after), retest_fraction_of(tapered, after - taper_days))
    follow_days = last_full_day + 8.0
    runs = {name: simulate(patient(), reg, days=follow_days, sparse_step_h=6.0) for name, reg in (("abrupt", abrupt), ("tapered", tapered))}
    week_h = (last_full_day + 7.0) * HOURS_PER_DAY
    one_week = {
        name: {effect: float(r.effect(effect)[int(abs(r.time_h - week_h).argmin())]) for effect in ("craving", "antidepressant")}
        for name, r in runs.items()
    }
    return {
        "taper_doses": tuple(e.amount for e in tapered.events[COURSE_DAYS:]),
        "taper_days": taper_days,
        "retests": retests,
        "recovery_from_last_full_dose": {
            "abrupt": recovery_days(patient(), abrupt, effect=EFFECT),
            "tapered": taper_days + recovery_days(patient(), tapered, effect=EFFECT),
        },
        "one_week_after": one_week,
    }


# ----- what the lesson shows --------------------------------------------------------------------------------
def response_after_breaks() -> Markdown:
    """How much of the first response a retest gets after breaks of different lengths."""
    rows = "\n".join(f"| {days} days | {100 * retest_fraction(float(days)):.0f} % |" for days in BREAKS_DAYS)
    return Markdown(
        f"After 28 daily infusions of {DOSE_MG_PER_KG} mg/kg (over {INFUSION_MIN:.0f} min), the last session's peak dissociation "
        f"was **{100 * last_course_fraction():.0f} %** of the first session's. The same dose given again after a break:\n\n"
        f"| Break after the last session | Retest response (% of the first session's) |\n|---|---|\n{rows}"
    )


def recovery_by_course() -> Markdown:
    """``recovery_days`` after courses of different length and frequency."""
    rows = [
        ("once a day for 2 weeks", course_recovery_days(14)),
        ("once a day for 4 weeks", course_recovery_days(28)),
        ("once a day for 12 weeks", course_recovery_days(84)),
        ("twice a week for 4 weeks", course_recovery_days(28, 3.5)),
    ]
    table = "\n".join(f"| 0.5 mg/kg {course} | {_days(days)} |" for course, days in rows)
    return Markdown(
        "Days from the last dose until the first dose again gives 90 % of its first peak dissociation "
        f"(`recovery_days`):\n\n| Course | Days to 90 % |\n|---|---|\n{table}"
    )


def parts_of_tolerance() -> Markdown:
    """The three parts of tolerance: half-lives and how much of each is left after a 12-week daily course."""
    half_lives = {
        "fast": f"{ADAPTATION.fast_tolerance_half_life_h:g} hours",
        "slow": f"{ADAPTATION.slow_tolerance_half_life_days:g} days",
        "chronic": f"{ADAPTATION.chronic_tolerance_half_life_days:g} days",
    }
    weeks = (1, 6)
    left = {w: parts_left(84, 7.0 * w) for w in weeks}
    highest = highest_parts(84)
    rows = "\n".join(
        f"| {label} | {half_lives[label]} | {highest[label]:.2f} | " + " | ".join(f"{left[w][label]:.0f} %" for w in weeks) + " |"
        for label in COMPONENTS.values()
    )
    return Markdown(
        "12 weeks of daily 0.5 mg/kg infusions: the highest level each part of tolerance reached (in the model's units), "
        "and how much of it is left after the last dose:\n\n"
        "| Part | Half-life | Highest level | Left 1 week after the last dose | Left 6 weeks after |\n|---|---|---|---|---|\n" + rows
    )


def taper_versus_stop() -> Markdown:
    """Stopping the four-week daily course at once against stepping down with Regimen.taper."""
    c = taper_comparison()
    doses = ", ".join(f"{d:.1f}" for d in c["taper_doses"])
    rows = "\n".join(
        f"| {weeks} weeks | {100 * abrupt:.0f} % | {100 * tapered:.0f} % |" for weeks, (abrupt, tapered) in c["retests"].items()
    )
    rec = c["recovery_from_last_full_dose"]
    week = c["one_week_after"]
    return Markdown(
        f"The four-week daily course, stopped at once or followed by a taper ({doses} mg/kg, one a day). "
        "A retest of 0.5 mg/kg, counted from the **last full dose**:\n\n"
        f"| Retest after the last full dose | Stopped at once | Tapered |\n|---|---|---|\n{rows}\n\n"
        f"Back to 90 % of the first response: {_days(rec['abrupt'])} after the last full dose when stopped at once, "
        f"{_days(rec['tapered'])} with the taper. One week after the last full dose, the model's craving (psychological "
        f"dependence, in % of its maximum) is {week['abrupt']['craving']:.0f} % when stopped at once and "
        f"{week['tapered']['craving']:.0f} % with the taper, and the antidepressant effect (an effect size against placebo, "
        f"Hedges' g: larger is better) is {week['abrupt']['antidepressant']:.2f} and {week['tapered']['antidepressant']:.2f}."
    )


def _days(days: float) -> str:
    return f"{days:.0f} days" if days >= 1.5 else "about a day"
