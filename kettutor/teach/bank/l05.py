"""Lesson 05, drug holidays, recovery and tapering: self-checks and graded exercises.

Expected numbers are asked of the model when first needed (``kettutor.teach.lessons.l05``), so they follow
the model if it changes. The course in every question is the lesson's: 0.5 mg/kg IV over 40 min once a day
for four weeks (28 sessions) in the default 70 kg patient.
"""

from __future__ import annotations

import math

from ...science.adaptation import ADAPTATION
from ...regimen import HOURS_PER_DAY, Regimen
from ...solver.simulate import simulate
from ..answers import regimen_from_payload, regimen_to_payload
from ..lessons import l05
from ..questions import Choice, Number, Option, Task, call_with, equals, scaled

WEIGHT_KG = 70.0
PROBE_BREAKS_DAYS = (3.0, 10.0, 30.0)
PERCENT_TOL = 1.0  # percentage points a function's answer may differ from the model's
TARGET = 0.8  # the design task: the retest gives at least 80 % of the first session's peak
SLACK_DAYS = 2.0  # ... with a break at most this much longer than the shortest that works


# ----- L05.q2: a function that measures the retest -----------------------------------------------------
def _expected_retests() -> list[float]:
    return [100.0 * l05.retest_fraction(b) for b in PROBE_BREAKS_DAYS]


def _numbers(payload, count: int) -> list[float]:
    if not isinstance(payload, list) or len(payload) != count or not all(isinstance(v, (int, float)) for v in payload):
        raise ValueError(f"expected {count} numbers, one per break")
    values = [float(v) for v in payload]
    if not all(math.isfinite(v) for v in values):
        raise ValueError("every answer must be a finite number")
    return values


def _near(values, targets, tol=PERCENT_TOL) -> bool:
    return all(abs(v - t) <= tol for v, t in zip(values, targets))


def judge_retest_function(payload):
    values = _numbers(payload, len(PROBE_BREAKS_DAYS))
    expected = _expected_retests()
    shown = ", ".join(f"{b:g} days: {v:.1f} %" for b, v in zip(PROBE_BREAKS_DAYS, values))
    if _near(values, expected):
        return True, f"{shown}. The longer the break, the more comes back, quickly at first and then more slowly."
    if _near([100 * v for v in values], expected):
        return False, "Those are fractions of the first response; the question asks for a percentage (multiply by 100).", "percent-vs-fraction"
    if _near(values, [100.0 - e for e in expected]):
        return False, ("That is how much of the response is still missing; the question asks how much of the first "
                       "response the retest gives (100 minus your numbers)."), "loss-vs-remaining"
    if _near(values, [100.0 * l05.retest_fraction(b / HOURS_PER_DAY) for b in PROBE_BREAKS_DAYS]):
        return False, ("Your breaks were hours, not days: gap_days counts days, so pass break_days as it is "
                       "(not divided by 24)."), "hours-vs-days"
    if _near(values, [100.0 * l05.retest_fraction(b, infusion_min=None) for b in PROBE_BREAKS_DAYS]):
        return False, ("Your retest is an injection all at once (no infusion_min), so it peaks far higher than the "
                       "course's 40-minute infusions and even above the first session. Give the retest like the course: "
                       "Regimen.single(dose_mg_per_kg=0.5, infusion_min=40)."), "bolus-vs-infusion"
    return False, (f"Not yet: your function gives {shown}. Build the 28-session course, add the retest with "
                   ".then(Regimen.single(...), gap_days=break_days), simulate and read the last relative session peak."), None


def reference_retest_function():
    def retest_percent(break_days: float) -> float:
        course = Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=40, every_days=1, doses=28)
        plan = course.then(Regimen.single(dose_mg_per_kg=0.5, infusion_min=40), gap_days=break_days)
        result = simulate(l05.patient(), plan, days=27 + break_days + 1)
        return 100 * result.relative_session_peaks("dissociation")[-1]

    return retest_percent


def _retest_as_fraction():
    return lambda break_days: l05.retest_fraction(break_days)


def _retest_loss():
    return lambda break_days: 100.0 - 100.0 * l05.retest_fraction(break_days)


def _retest_break_in_hours():
    return lambda break_days: 100.0 * l05.retest_fraction(break_days / HOURS_PER_DAY)


def _retest_as_bolus():
    return lambda break_days: 100.0 * l05.retest_fraction(break_days, infusion_min=None)


# ----- L05.q3: design the shortest holiday that restores 80 % ---------------------------------------------
def _dose_per_kg(event) -> float:
    return event.dose_mg_per_kg(WEIGHT_KG)


def _same_event(a, b) -> bool:
    return (
        math.isclose(a.time_h, b.time_h, abs_tol=1e-6)
        and math.isclose(_dose_per_kg(a), _dose_per_kg(b), rel_tol=1e-6)
        and a.route == b.route
        and math.isclose(a.duration_h, b.duration_h, abs_tol=1e-6)
    )


def _course_matches(regimen: Regimen) -> bool:
    course = l05.daily_course()
    return len(regimen.events) >= len(course.events) and all(_same_event(a, b) for a, b in zip(regimen.events, course.events))


COURSE_HINT = ("The first 28 sessions must be the course: Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=40, "
               "every_days=1, doses=28).")


def judge_holiday(payload):
    regimen = regimen_from_payload(payload)
    course = l05.daily_course()
    if regimen.session_count != course.session_count + 1 or len(regimen.events) != len(course.events) + 1:
        return False, ("Give the course followed by exactly one retest: "
                       "course.then(Regimen.single(dose_mg_per_kg=0.5, infusion_min=40), gap_days=...)."), None
    if not _course_matches(regimen):
        return False, COURSE_HINT, None
    last, retest = course.events[-1], regimen.events[-1]
    dose = _dose_per_kg(retest)
    if dose > l05.DOSE_MG_PER_KG * (1 + 1e-6):
        return False, (f"Your retest gives {dose:g} mg/kg instead of the course's {l05.DOSE_MG_PER_KG:g} mg/kg. A bigger dose "
                       "buys the effect back with more drug (escalation); it does not show what the break restored. Keep "
                       "the dose and lengthen the break."), "escalate-instead-of-break"
    if dose < l05.DOSE_MG_PER_KG * (1 - 1e-6):
        return False, f"The retest must repeat the course's dose, {l05.DOSE_MG_PER_KG:g} mg/kg; yours gives {dose:g} mg/kg.", None
    if retest.route != last.route or not math.isclose(retest.duration_h, last.duration_h, abs_tol=1e-6):
        return False, ("Your retest is not given like the course's doses: an injection all at once peaks much higher than "
                       "the same dose over 40 minutes. Use Regimen.single(dose_mg_per_kg=0.5, infusion_min=40)."), "bolus-vs-infusion"
    break_days = (retest.time_h - last.time_h) / HOURS_PER_DAY
    if break_days < 1.0:
        return False, (f"Your break is {break_days * HOURS_PER_DAY:.0f} hours: gap_days counts days, not hours. "
                       "Tolerance needs days to weeks to fade."), "hours-vs-days"
    result = simulate(l05.patient(), regimen, days=regimen.session_start_h[-1] / HOURS_PER_DAY + 1.0)
    fraction = float(result.relative_session_peaks(l05.EFFECT)[-1])
    if fraction < TARGET:
        return False, (f"After a {break_days:.1f}-day break the retest gives {100 * fraction:.0f} % of the first response, "
                       f"below {100 * TARGET:.0f} %: the slow part of tolerance (half-life "
                       f"{ADAPTATION.slow_tolerance_half_life_days:g} days) needs longer to fade."), "break-too-short"
    shortest = l05.shortest_break_days(TARGET)
    if break_days > shortest + SLACK_DAYS:
        return False, (f"A {break_days:.1f}-day break restores {100 * fraction:.0f} %, more than needed: a shorter break "
                       f"already reaches {100 * TARGET:.0f} %. Find the shortest one (to within {SLACK_DAYS:g} days)."), "longer-than-needed"
    return True, (f"A {break_days:.1f}-day break brings the retest back to {100 * fraction:.0f} % of the first response "
                  f"(the shortest that works is about {shortest:.1f} days)."), None


def reference_holiday() -> Regimen:
    return l05.with_retest(l05.daily_course(), float(math.ceil(l05.shortest_break_days(TARGET))))


def _holiday_too_short() -> Regimen:
    return l05.with_retest(l05.daily_course(), 7.0)


def _holiday_in_hours() -> Regimen:
    return l05.with_retest(l05.daily_course(), 19.0 / HOURS_PER_DAY)


def _holiday_too_long() -> Regimen:
    return l05.with_retest(l05.daily_course(), 42.0)


def _holiday_bigger_dose() -> Regimen:
    return l05.with_retest(l05.daily_course(), 3.0, dose_mg_per_kg=1.0)


# ----- L05.q4: build a taper ---------------------------------------------------------------------------
def judge_taper(payload):
    regimen = regimen_from_payload(payload)
    reference = l05.tapered_course()
    if not _course_matches(regimen):
        return False, COURSE_HINT + " Then add the taper with .then(Regimen.taper(...)).", None
    if len(regimen.events) == len(reference.events) and all(_same_event(a, b) for a, b in zip(regimen.events, reference.events)):
        doses = ", ".join(f"{_dose_per_kg(e):.1f}" for e in regimen.events[l05.COURSE_DAYS:])
        return True, f"The course, then {doses} mg/kg, one a day: four lower doses before stopping.", None
    taper = regimen.events[len(l05.daily_course().events):]
    expected = reference.events[len(l05.daily_course().events):]
    doses = [_dose_per_kg(e) for e in taper]
    wanted = [_dose_per_kg(e) for e in expected]
    if len(taper) == len(expected) and all(math.isclose(d, w, rel_tol=1e-6) for d, w in zip(doses, wanted)):
        if all(e.duration_h == 0.0 for e in taper):
            return False, ("Your taper's doses are injections given all at once (no infusion_min), while the course's are "
                           "infused over 40 minutes: pass infusion_min=40 to Regimen.taper."), "bolus-vs-infusion"
    if len(taper) == len(expected) and all(math.isclose(d, w, rel_tol=1e-6) for d, w in zip(doses, reversed(wanted))):
        return False, ("Your doses go up (0.1 to 0.4 mg/kg): that is a titration, which starts low and climbs. A taper "
                       "steps down from the course's dose: Regimen.taper(0.4, step_mg_per_kg=0.1, ...)."), "taper-vs-titration"
    shown = ", ".join(f"{d:.2g}" for d in doses) or "none"
    return False, (f"After the course your regimen gives {shown} mg/kg. The taper should give 0.4, 0.3, 0.2 and 0.1 mg/kg, "
                   "one a day, each over 40 minutes."), None


def _taper_as_boluses() -> Regimen:
    return l05.daily_course().then(Regimen.taper(0.4, step_mg_per_kg=0.1, every_days=1))


def _taper_going_up() -> Regimen:
    return l05.daily_course().then(Regimen.titration(0.1, step_mg_per_kg=0.1, target_mg_per_kg=0.4, every_days=1, doses=4, infusion_min=40))


def _fast_left_after_a_week_percent() -> float:
    return 100.0 * 0.5 ** (7 * 24 / ADAPTATION.fast_tolerance_half_life_h)


SELF_CHECKS = (
    Choice(
        "L05.p1",
        "After four weeks of daily sessions, the same dose gives clearly less dissociation than it did in the first "
        "session. The patient then takes a two-week break and receives the same dose again. What do you expect?",
        options=(
            Option("a", "Nothing comes back: once tolerance has built up, it stays.",
                   "Tolerance is not permanent: its parts fade during a break, fast ones within days and slow ones over weeks.",
                   "tolerance-is-permanent"),
            Option("b", "Much of the lost response comes back, but not all of it yet.",
                   "That is what the model shows: the fast part of tolerance is gone after two weeks, but a slower part is "
                   "still fading, so the retest lands between the last session and the first."),
            Option("c", "All of it comes back and more: after a break the patient is more sensitive than at the start.",
                   "That would be sensitization, a different process (lesson 06). Dissociation in the model shows no "
                   "rebound above the first response after a break.",
                   "tolerance-vs-sensitization"),
            Option("d", "It depends only on the dose: the break itself changes nothing.",
                   "The break is what lets tolerance fade: the longer it lasts, the more of the response returns.",
                   "break-changes-nothing"),
        ),
        answer="b",
    ),
    Choice(
        "L05.s1",
        f"In the model the fast part of tolerance halves every {ADAPTATION.fast_tolerance_half_life_h:g} hours. About how "
        "much of it is left one week after the last dose?",
        options=(
            Option("a", "About three quarters: the half-life is longer than a week.",
                   f"{ADAPTATION.fast_tolerance_half_life_h:g} hours is about a day, not {ADAPTATION.fast_tolerance_half_life_h:g} "
                   "days: a week holds more than six half-lives.",
                   "hours-vs-days"),
            Option("b", "About half: one week is one half-life.",
                   f"That is the slow part, whose half-life is {ADAPTATION.slow_tolerance_half_life_days:g} days. The fast part "
                   "halves about once a day.",
                   "fast-vs-slow-tolerance"),
            Option("c", "Only a percent or two: a week is more than six half-lives.",
                   f"Right: 168 hours / {ADAPTATION.fast_tolerance_half_life_h:g} hours is about 6.5 half-lives, and "
                   f"0.5^6.5 is about {_fast_left_after_a_week_percent() / 100:.2f}. Whatever tolerance is left after a week "
                   "is the slow (and, after heavy use, the chronic) part."),
        ),
        answer="c",
        hints=("Turn one week into hours, then count how many half-lives fit.",),
    ),
    Choice(
        "L05.s2",
        "Two patients had the same daily dose, one for 2 weeks and one for 12 weeks. Who needs the longer break before "
        "the first dose works (almost) as well as it did at the start?",
        options=(
            Option("a", "The same for both: how long recovery takes depends only on the dose.",
                   "Duration matters too: months of daily use build a chronic part of tolerance that a short course barely touches.",
                   "duration-does-not-matter"),
            Option("b", "The 12-week patient: months of use add a chronic part that fades over months.",
                   "Right: in the model the chronic part builds only under long, frequent use and has a half-life of "
                   f"{ADAPTATION.chronic_tolerance_half_life_days:g} days, so recovery takes several times longer "
                   "(seed 002: heavy users need longer breaks)."),
            Option("c", "Neither: after 12 weeks the response never comes back.",
                   "Recovery after heavy use is slower and at first only partial, but it continues over months (seed 002: "
                   "partial recovery is typical after long abstinence).",
                   "tolerance-is-permanent"),
        ),
        answer="b",
        hints=("Look at the table of days to 90 %, and at which part of tolerance is still there six weeks after 12 weeks of use.",),
    ),
    Choice(
        "L05.s3",
        "After the four-week daily course, a taper (four lower doses, one a day) is compared with stopping at once. What "
        "does the model show for a retest counted from the last full dose?",
        options=(
            Option("a", "The taper resets tolerance faster, because lower doses wean the receptors.",
                   "In the model every dose adds tolerance, small ones less; a taper does not remove any. Recovery only "
                   "starts once the doses stop.",
                   "taper-resets-tolerance"),
            Option("b", "About the same, slightly lower after the taper: its doses still add a little tolerance and "
                        "push the start of recovery back by a few days.",
                   "Right: the retests differ by a few percentage points at most. What a taper is meant to prevent in "
                   "medicine (withdrawal, a rebound of the illness) is not something this model can show."),
            Option("c", "Stopping at once causes a physical withdrawal syndrome, which the taper avoids.",
                   "Ketamine does not cause a physical withdrawal syndrome (seeds 001 and 003), and the model has none. Its "
                   "craving is psychological, and in the model it fades only once the rewarding doses stop.",
                   "physical-withdrawal"),
        ),
        answer="b",
        hints=("Compare the two columns of the taper table.",),
    ),
)

EXERCISES = (
    Number(
        "L05.q1",
        "Simulate the course (0.5 mg/kg IV over 40 min, once a day, 28 doses) and use kettutor.recovery_days to find "
        "how many days after the last dose the first dose again gives 90 % of its first peak dissociation.",
        expected=lambda: l05.course_recovery_days(),
        unit="days",
        rel_tol=0.05,
        misconceptions=(
            scaled(HOURS_PER_DAY, "hours-vs-days", "That is in hours; recovery_days returns days, and the question asks for days."),
            scaled(1 / 7, "days-vs-weeks", "That is in weeks; the question asks for days (multiply by 7)."),
            equals(lambda: l05.course_recovery_days() + l05.COURSE_DAYS - 1, "counted-from-first-dose",
                   "That counts from the first dose of the course. recovery_days counts from the end of the last dose."),
        ),
        hints=("recovery_days(Patient(), regimen) takes the course itself, not a retest: it gives the retests for you.",
               "Its default fraction is 0.9 (90 %) and its default effect is dissociation."),
    ),
    Task(
        "L05.q2",
        "Write retest_percent(break_days) that gives the 70 kg patient the course, then the same dose once more "
        "break_days days after the last course dose, and returns that retest's peak dissociation as a percentage of the "
        "first session's. It is checked at breaks of 3, 10 and 30 days.",
        points=2,
        to_payload=call_with([(b,) for b in PROBE_BREAKS_DAYS]),
        judge_payload=judge_retest_function,
        reference=reference_retest_function,
        wrong=((_retest_as_fraction, "percent-vs-fraction"), (_retest_loss, "loss-vs-remaining"),
               (_retest_break_in_hours, "hours-vs-days"), (_retest_as_bolus, "bolus-vs-infusion")),
        hints=("course.then(Regimen.single(dose_mg_per_kg=0.5, infusion_min=40), gap_days=break_days) adds the retest.",
               "Simulate until a day after the retest; result.relative_session_peaks('dissociation')[-1] is the retest "
               "as a fraction of the first session.",
               "Multiply by 100 for a percentage."),
    ),
    Task(
        "L05.q3",
        f"Design a drug holiday. Build holiday_plan: the course followed by one retest of the same dose (0.5 mg/kg over "
        f"40 min), such that the retest gives at least {100 * TARGET:.0f} % of the first session's peak dissociation. "
        f"Make the break as short as you can: any break up to {SLACK_DAYS:g} days longer than the shortest that works is accepted.",
        points=3,
        to_payload=regimen_to_payload,
        judge_payload=judge_holiday,
        reference=reference_holiday,
        wrong=((_holiday_too_short, "break-too-short"), (_holiday_in_hours, "hours-vs-days"),
               (_holiday_too_long, "longer-than-needed"), (_holiday_bigger_dose, "escalate-instead-of-break")),
        hints=("Use your retest_percent from L05.q2 to try breaks of different lengths.",
               "The retest grows steadily with the break: halve the interval between a break that is too short and one "
               "that works until they are a day apart.",
               "Then build course.then(Regimen.single(dose_mg_per_kg=0.5, infusion_min=40), gap_days=your_break)."),
    ),
    Task(
        "L05.q4",
        "Build tapered: the course, then a taper that starts at 0.4 mg/kg and lowers the dose by 0.1 mg/kg a day (each "
        "dose over 40 minutes), starting one day after the last course dose. Use Regimen.taper and .then.",
        points=2,
        to_payload=regimen_to_payload,
        judge_payload=judge_taper,
        reference=l05.tapered_course,
        wrong=((_taper_as_boluses, "bolus-vs-infusion"), (_taper_going_up, "taper-vs-titration")),
        hints=("Regimen.taper(start_mg_per_kg, step_mg_per_kg=..., every_days=..., infusion_min=...) builds the step-down.",
               "course.then(taper) starts it one course interval (one day) after the last course dose."),
    ),
    Choice(
        "L05.q5",
        "Give the patient who stopped at once and the patient who tapered (L05.q4) the same 0.5 mg/kg retest four weeks "
        "after the last full (0.5 mg/kg) dose. What does the model show, and why?",
        options=(
            Option("a", "The tapered patient responds clearly better, because the taper let the receptors readjust gently.",
                   "Tapering does not speed recovery in the model: every dose, even a small one, adds some tolerance, and "
                   "recovery starts only after the last one.",
                   "taper-resets-tolerance"),
            Option("b", "The two respond almost the same; the tapered patient a little less, because the taper's doses "
                        "added some tolerance and ended later.",
                   "Right: the retests differ by a percentage point or two. The model cannot show what a taper is used for "
                   "in medicine, such as watching for a relapse of the illness."),
            Option("c", "The patient who stopped at once responds less, because abrupt stopping causes physical withdrawal.",
                   "Ketamine causes no physical withdrawal syndrome (seeds 001 and 003) and the model has none.",
                   "physical-withdrawal"),
            Option("d", "The tapered patient responds more, because the small doses sensitized the response.",
                   "Sensitization in the model acts on the locomotor/reward effect, not on dissociation, and it is not what "
                   "a retest of dissociation measures.",
                   "tolerance-vs-sensitization"),
        ),
        answer="b",
        hints=("Use retest_percent-style code on both regimens: count the four weeks from the last 0.5 mg/kg dose.",),
    ),
)
