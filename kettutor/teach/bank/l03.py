"""Lesson 03, tolerance: self-checks and graded exercises.

Expected numbers are asked of the model when first needed (``kettutor.teach.lessons.l03``), so they follow
the model if it changes.
"""

from __future__ import annotations

from functools import cache

from ...science.adaptation import ADAPTATION
from ...patient import Patient
from ...solver.simulate import simulate
from ..lessons import l03
from ..questions import Choice, Number, Option, Task, call_with, equals, scaled

HOURS_PER_DAY = 24.0
EC50_PROBES = tuple((dose,) for dose in l03.COMPARED_DOSES_MG_PER_KG)  # ec50_rise_percent(dose) is called on these
EC50_REL_TOL = 0.05  # a student's EC50 rise may differ from the reference by 5 % (another output grid, interpolation)


def fast_quarter_days() -> float:
    """Days for fast tolerance to fall to a quarter: two half-lives."""
    return 2.0 * ADAPTATION.fast_tolerance_half_life_h / HOURS_PER_DAY


# ----- L03.q3: the EC50 rise as a function of the daily dose --------------------------------------------
@cache
def reference_rises() -> tuple[float, ...]:
    """The reference ``ec50_rise_percent`` on each probe dose (%)."""
    return tuple(l03.ec50_rise_percent(dose) for (dose,) in EC50_PROBES)


@cache
def peak_falls() -> tuple[float, ...]:
    """How far session 14's peak fell below session 1's (%), on each probe dose: the slip of q3."""
    return tuple(100.0 - l03.last_session_percent_of_first(dose) for (dose,) in EC50_PROBES)


def _close_all(given: list[float], target: tuple[float, ...], rel_tol: float) -> bool:
    return len(given) == len(target) and all(abs(g - t) <= rel_tol * abs(t) + 0.5 for g, t in zip(given, target))


def judge_ec50_rise(payload):
    """(passed, message, misconception) for the values of the student's ec50_rise_percent on the probes."""
    if not isinstance(payload, list) or len(payload) != len(EC50_PROBES):
        raise ValueError("expected one number per probe dose")
    given = [float(v) for v in payload]
    target = reference_rises()
    shown = ", ".join(f"{dose:g} mg/kg: {value:.0f} %" for (dose,), value in zip(EC50_PROBES, target))
    if _close_all(given, target, EC50_REL_TOL):
        return True, f"Right: {shown}. The higher the daily dose, the more the EC50 rises.", None
    if _close_all([100.0 * g for g in given], target, EC50_REL_TOL):
        return False, "Your values are fractions (0.97 means 97 %). Return the rise in %.", "percent-vs-fraction"
    if _close_all(given, peak_falls(), EC50_REL_TOL):
        return (
            False,
            "Those are how far session 14's peak fell below session 1's. The question asks how far the EC50 rose: "
            "read result.ec50_change_percent('dissociation') on day 14.",
            "peak-fall-vs-ec50-rise",
        )
    return False, f"Not yet: your function gave {', '.join(f'{g:.3g}' for g in given)} for the doses {', '.join(f'{d:g}' for (d,) in EC50_PROBES)} mg/kg.", None


def reference_ec50_rise():
    def ec50_rise_percent(dose_mg_per_kg: float) -> float:
        result = simulate(Patient(), l03.daily_course(dose_mg_per_kg), days=14)
        return result.ec50_change_percent("dissociation")[-1]

    return ec50_rise_percent


def fraction_ec50_rise():
    reference = reference_ec50_rise()
    return lambda dose_mg_per_kg: reference(dose_mg_per_kg) / 100.0


def peak_fall_instead():
    return lambda dose_mg_per_kg: 100.0 - l03.last_session_percent_of_first(dose_mg_per_kg)


SELF_CHECKS = (
    Choice(
        "L03.p1",
        "A patient receives the same 0.5 mg/kg infusion once a day for two weeks. "
        "Compared with session 1, what is the peak dissociation of session 14?",
        options=(
            Option("a", "About the same: tolerance needs months of use to show.",
                   "The model shows a clearly smaller peak within two weeks of daily sessions: tolerance to "
                   "dissociation builds within days when doses follow each other daily.",
                   "tolerance-needs-months"),
            Option("b", "Clearly smaller.",
                   "Yes: each daily session adds tolerance before the last one has faded, so the same dose does less."),
            Option("c", "Larger: the brain gets used to the drug and reacts more strongly.",
                   "A growing response to the same dose is sensitization, not tolerance. For dissociation, daily "
                   "dosing gives tolerance: a smaller peak.",
                   "tolerance-vs-sensitization"),
        ),
        answer="b",
    ),
    Choice(
        "L03.s1",
        "In kettutor's patients, what makes the same dose do less after two weeks of daily sessions?",
        options=(
            Option("a", "The brain adapts to the repeated blockade of its NMDA receptors, so more drug is needed at the site of action for the same effect.",
                   "Right: tolerance here is an adaptation of the response (the EC50 rises), not a change in how much "
                   "drug reaches the brain."),
            Option("b", "The liver clears the drug faster, so the blood levels of each session are lower.",
                   "Not in this model: session 14's blood levels equal session 1's. Faster clearance by enzyme "
                   "induction (metabolic tolerance) exists but is not modelled; the fall here is in the brain's response.",
                   "tolerance-is-faster-clearance"),
            Option("c", "The brain becomes more sensitive, so each dose has less left to do.",
                   "More sensitivity would make the same dose do more: that is sensitization, the opposite of tolerance.",
                   "tolerance-vs-sensitization"),
        ),
        answer="a",
        hints=("Compare the blood levels of session 1 and session 14: are they different?",),
    ),
    Number(
        "L03.s2",
        f"In the model, fast tolerance halves every {ADAPTATION.fast_tolerance_half_life_h:g} hours once dosing stops. "
        "About how many days does it take to fall to a quarter of its level?",
        expected=fast_quarter_days,
        unit="days",
        rel_tol=0.1,
        misconceptions=(
            scaled(HOURS_PER_DAY, "hours-vs-days", "That is the time in hours; the question asks for days (divide by 24)."),
            scaled(0.5, "one-half-life-to-a-quarter",
                   "That is one half-life, which only halves it. A quarter is half of a half: two half-lives."),
        ),
        hints=("Half, then half again: how many half-lives is that?", "Multiply by the half-life in hours, then divide by 24."),
    ),
    Choice(
        "L03.s3",
        "After two weeks of daily sessions, the EC50 of dissociation has about doubled. What does that mean?",
        options=(
            Option("a", "Half the maximal dissociation now needs about twice the drug concentration at the site of action.",
                   "Right: the EC50 is a concentration. Tolerance moves the whole concentration-effect curve to the right."),
            Option("b", "The patient now dissociates twice as strongly.",
                   "A higher EC50 means more drug for the same effect, so less effect from the same dose: tolerance, "
                   "not sensitization.",
                   "tolerance-vs-sensitization"),
            Option("c", "Every dose now gives exactly half the dissociation it gave at first.",
                   "The EC50 is a concentration, not an effect. How much a peak falls depends on where the dose sits "
                   "on the curve: near the top, a doubled EC50 lowers the peak only a little.",
                   "ec50-is-an-effect"),
        ),
        answer="a",
        hints=("EC50: the effect-site concentration that gives 50 % of the maximal effect.",),
    ),
    Choice(
        "L03.s4",
        "On day 14, a probe shows that about twice the first dose would give the first response again. "
        "If the patient simply doubles the daily dose from now on, what does the model predict?",
        options=(
            Option("a", "The first response comes back and stays: a bigger dose overpowers tolerance.",
                   "It comes back at first, then falls again: the bigger dose builds tolerance faster, so the dose "
                   "needed keeps climbing. A higher dose does not protect against tolerance.",
                   "higher-dose-protects"),
            Option("b", "The response comes back for a while, but the bigger dose builds more tolerance, so the dose needed keeps climbing.",
                   "Right: this is how escalation starts (seed 001; PHENOMENA.md E1), and the harms of escalation grow with the dose."),
            Option("c", "Nothing changes: tolerance depends only on how often a dose is given, not on its size.",
                   "Frequency matters a lot (lesson 04), but so does the dose: a bigger dose blocks more receptors for "
                   "longer and builds more tolerance.",
                   "dose-does-not-matter"),
        ),
        answer="b",
        hints=("Look at the table above: what happens to the EC50 rise when the daily dose is larger?",),
    ),
)

EXERCISES = (
    Number(
        "L03.q1",
        "Simulate 0.5 mg/kg IV over 40 min once a day for 14 days in the default 70 kg patient. "
        "What is session 14's peak dissociation, as % of session 1's?",
        expected=l03.last_session_percent_of_first,
        unit="%",
        rel_tol=0.03,
        misconceptions=(
            scaled(0.01, "percent-vs-fraction", "That is a fraction of the first peak; give it in % (multiply by 100)."),
            equals(lambda: 100.0 - l03.last_session_percent_of_first(), "loss-vs-remaining",
                   "That is how much the peak fell. The question asks what is left of it, as % of session 1's."),
        ),
        hints=("Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=40, every_days=1, doses=14).",
               "result.relative_session_peaks('dissociation') gives every session as a fraction of the first."),
    ),
    Number(
        "L03.q2",
        "For the same daily course, what dose (mg/kg) would a probe session on day 14 need to give the first "
        "session's peak dissociation? Use kettutor.dose_to_match_first_response.",
        expected=l03.dose_to_match_mg_per_kg,
        unit="mg/kg",
        rel_tol=0.03,
        points=2,
        misconceptions=(
            scaled(l03.PATIENT.weight_kg, "mg-vs-mg-per-kg", "That is the dose in mg for the 70 kg patient; the question asks mg/kg."),
            scaled(1.0 / l03.DOSE_MG_PER_KG, "ratio-vs-dose",
                   "That is the dose as a multiple of the first dose. Give the dose itself, in mg/kg."),
            equals(l03.DOSE_MG_PER_KG, "wrong-session",
                   "0.5 mg/kg is what a drug-naive patient needs, on day 0. Ask about day 14, after the course."),
        ),
        hints=("dose_to_match_first_response(patient, regimen, day=14) returns mg/kg.",),
    ),
    Task(
        "L03.q3",
        "Write ec50_rise_percent(dose_mg_per_kg): the rise (%) of dissociation's EC50 on day 14, after 40-min "
        "infusions of that dose once a day on days 0 to 13, in the default patient.",
        points=2,
        to_payload=call_with(EC50_PROBES, round_to=6),
        judge_payload=judge_ec50_rise,
        reference=reference_ec50_rise,
        wrong=((fraction_ec50_rise, "percent-vs-fraction"), (peak_fall_instead, "peak-fall-vs-ec50-rise")),
        hints=("Simulate until days=14, so the last output time is day 14.",
               "result.ec50_change_percent('dissociation') is the rise in % at every output time; take the last one."),
    ),
    Choice(
        "L03.q4",
        "Two patients have daily sessions for two weeks: A at 0.5 mg/kg, B at 1.0 mg/kg. B's session-14 peak is a "
        "larger share of its first peak than A's. Which statement is right?",
        options=(
            Option("a", "B has less tolerance: the higher dose protected it.",
                   "Look at the EC50 or the dose needed: both rose more for B. A higher dose does not protect against "
                   "tolerance; it builds more.",
                   "higher-dose-protects"),
            Option("b", "B has more tolerance (its EC50 rose more); its peaks fall less only because its dose sits near the top of the dose-response curve.",
                   "Right: near the top of the curve a right shift changes the peak little, so peaks hide tolerance "
                   "that the EC50 and the dose needed reveal."),
            Option("c", "B is sensitized, so its response holds up.",
                   "B's peaks still fall below its first: that is tolerance, not sensitization.",
                   "tolerance-vs-sensitization"),
            Option("d", "They have the same tolerance, because both were dosed daily.",
                   "How often matters most, but the dose matters too: B's EC50 rose much more than A's.",
                   "dose-does-not-matter"),
        ),
        answer="b",
        hints=("Compare the EC50 rise and the dose needed on day 14, not only the peaks.",),
    ),
    Choice(
        "L03.q5",
        "A patient has daily sessions for a week and then stops. How does the model's tolerance fade?",
        options=(
            Option("a", "All of it within a day, as the drug leaves the body.",
                   "The drug is gone within a day (a half-life of a few hours), but tolerance outlasts it: it is an "
                   "adaptation of the brain, which takes days to weeks to undo.",
                   "tolerance-leaves-with-the-drug"),
            Option("b", "Most of it within a few days (the fast part), the rest over weeks (the slow part).",
                   "Right: fast tolerance halves in about a day; slow tolerance, built by frequent use, fades over weeks."),
            Option("c", "None of it: tolerance is permanent once it has formed.",
                   "Not after a week of use: in the model, and in the sources, tolerance after a therapeutic course "
                   "largely resets within weeks (seed 002).",
                   "tolerance-is-permanent"),
        ),
        answer="b",
        hints=("Simulate a week of daily sessions, follow the patient for four more weeks and read "
               "result.ec50_change_percent('dissociation') on a few days after the last session.",),
    ),
)
