"""Slider apps for lessons: each function returns a ready widget that runs with no arguments.

A model slider re-simulates when it is released; a view slider only moves an Altair parameter of the
chart (no new simulation). Each app shows a plain-language readout that follows the model, and shows
bad input (for example a value set beyond a slider's range from code) as the API's own error message
instead of a traceback. Charts render offline (JavaScript bundled by vl-convert-python).

Educational model, not medical advice: the apps show how a simulated patient responds, never what
anyone should take.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from . import charts
from ..analysis import challenge_response
from ..solver.cohort import Cohort
from ..patient import Patient
from ..policies import escalating_use
from ..regimen import Regimen
from ..solver.simulate import simulate

from .slider_app import (  # noqa: F401 (the framework, re-exported for apps built elsewhere)
    APP_LAYOUT,
    APP_OUTPUT,
    DISCLAIMER,
    IV_INFUSION_MIN,
    LABEL_STYLE,
    STALE_OPACITY,
    SliderApp,
    float_slider,
    int_slider,
    plain_note,
)


# ----- (a) dose, frequency and holidays ---------------------------------------------------------------
def explorer_regimen(dose_mg_per_kg: float, every_days: float, course_weeks: int, holiday_days: int, holiday_every_weeks: int) -> Regimen:
    """IV infusions of ``dose_mg_per_kg`` every ``every_days`` for ``course_weeks``, skipping the last
    ``holiday_days`` of every ``holiday_every_weeks``-week cycle."""
    regimen = Regimen.repeated(dose_mg_per_kg=dose_mg_per_kg, infusion_min=IV_INFUSION_MIN, every_days=every_days, duration_days=course_weeks * 7)
    if holiday_days > 0:
        regimen = regimen.with_periodic_holidays(every_days=holiday_every_weeks * 7, length_days=holiday_days)
    return regimen


def dose_frequency_holiday_explorer(patient: Patient | None = None, effect: str = "dissociation") -> SliderApp:
    """(a) How dose, dosing interval, drug holidays and course length shape tolerance, session by session.

    Sliders: dose (mg/kg), interval (days), holiday length (days), holiday cycle and course length (weeks);
    ``app.numbers`` gives session peaks in % of the first session's.

    >>> app = dose_frequency_holiday_explorer()   # 0.5 mg/kg every 3.5 days for 12 weeks
    >>> app.numbers["sessions"], 50 < app.numbers["last_relative_percent"] < 100   # % of the first dissociation peak
    (24, True)
    >>> app.controls["holiday_days"].value = 7   # a week off every 4 weeks (re-simulates)
    >>> app.numbers["after_last_holiday_percent"] > app.numbers["before_last_holiday_percent"]   # tolerance faded
    True
    """
    patient = patient or Patient()
    controls = {
        "dose_mg_per_kg": float_slider("Dose (mg/kg)", 0.1, 2.0, 0.05, 0.5),
        "every_days": float_slider("Dose every (days)", 1.0, 14.0, 0.5, 3.5),
        "holiday_days": int_slider("Holiday length (days)", 0, 28, 1, 0),
        "holiday_every_weeks": int_slider("Holiday every (weeks)", 2, 12, 1, 4),
        "course_weeks": int_slider("Course length (weeks)", 2, 52, 1, 12),
    }
    view = {"reference": (float_slider("Reference line (% of first)", 0.0, 150.0, 5.0, 100.0), "reference")}

    def build(v: dict):
        if v["holiday_days"] >= 7 * v["holiday_every_weeks"]:
            raise ValueError(
                f"a holiday of {v['holiday_days']} days does not fit in a cycle of {v['holiday_every_weeks']} weeks "
                f"({7 * v['holiday_every_weeks']} days): make ‘Holiday length’ shorter than {7 * v['holiday_every_weeks']} days "
                "or ‘Holiday every’ longer."
            )
        if v["holiday_days"] and v["holiday_every_weeks"] > v["course_weeks"]:
            raise ValueError(
                f"the first holiday would start after the course ends ({v['course_weeks']} weeks): "
                "make ‘Holiday every’ shorter than ‘Course length’."
            )
        regimen = explorer_regimen(v["dose_mg_per_kg"], v["every_days"], v["course_weeks"], v["holiday_days"], v["holiday_every_weeks"])
        result = simulate(patient, regimen, days=v["course_weeks"] * 7 + 7, **APP_OUTPUT)
        relative = 100.0 * result.relative_session_peaks(effect)
        holidays = charts.holiday_windows(regimen, min_gap_days=v["every_days"] + 0.5)
        after = [int(i) for i, day in enumerate(result.session_start_h / 24.0) if any(abs(day - end) < 1e-6 for _, end in holidays)]
        figure = charts.stacked(charts.session_response_figure({"this course": result}, effect), charts.recovery_figure(result, holidays=holidays))
        numbers = {
            "sessions": int(relative.size),
            "last_relative_percent": float(relative[-1]),
            "lowest_relative_percent": float(relative.min()),
            "after_last_holiday_percent": float(relative[after[-1]]) if after else None,
            "before_last_holiday_percent": float(relative[after[-1] - 1]) if after else None,
        }
        text = (
            f"Session {relative.size}: <b>{relative[-1]:.0f} %</b> of the first session's {effect} peak. "
            f"Lowest: session {int(relative.argmin()) + 1} ({relative.min():.0f} %)."
        )
        if after:
            text += f" Last holiday: {relative[after[-1] - 1]:.0f} % before it, {relative[after[-1]]:.0f} % after it."
        return figure, text, numbers

    return SliderApp("Dose, frequency and drug holidays", controls, build, view)


# ----- (b) intermittent vs continuous ---------------------------------------------------------------
def exposure_schedules(weekly_mg_per_kg: float, exposure_days: int) -> dict[str, Regimen]:
    """The same total amount (``weekly_mg_per_kg`` per 7 days, over ``exposure_days``) three ways: 40-min
    infusions every 2 days (days 0, 2, 4, ...), once a day, or one continuous infusion.

    >>> schedules = exposure_schedules(7.0, 7)
    >>> [round(sum(e.amount for e in r.events), 6) for r in schedules.values()]
    [7.0, 7.0, 7.0]
    """
    daily = weekly_mg_per_kg / 7.0
    spaced_doses = (exposure_days + 1) // 2
    return {
        "every 2 days": Regimen.repeated(
            dose_mg_per_kg=daily * exposure_days / spaced_doses, infusion_min=IV_INFUSION_MIN, every_days=2, doses=spaced_doses
        ),
        "once a day": Regimen.repeated(dose_mg_per_kg=daily, infusion_min=IV_INFUSION_MIN, every_days=1, doses=exposure_days),
        "continuous infusion": Regimen.continuous_infusion(rate_mg_per_kg_per_h=daily / 24.0, hours=exposure_days * 24.0),
    }


NO_CLEAR_CHANGE = 0.05  # within 5 % of a drug-naive response, the verdict is "no clear change"

def intermittent_vs_continuous(patient: Patient | None = None, effect: str = "locomotor") -> SliderApp:
    """(b) The same weekly amount given every two days, once a day or as a continuous infusion: sensitization
    or tolerance of the response to a later challenge dose. Up to 21 mg/kg a week the infusion reaches
    dissociative levels (about 100 ng/mL), where it still tolerates while spaced doses sensitize (S1, S2).

    ``app.numbers`` gives each challenge response in % of a drug-naive patient's.

    >>> app = intermittent_vs_continuous()   # 7 mg/kg in a week, challenge one day later
    >>> sorted(app.numbers)   # challenge response, % of a drug-naive locomotor response
    ['continuous infusion', 'every 2 days', 'once a day']
    >>> app.numbers["every 2 days"] > 100 > app.numbers["continuous infusion"]   # spaced doses sensitize, the infusion tolerates
    True
    """
    patient = patient or Patient()
    controls = {
        "weekly_mg_per_kg": float_slider("Amount per week (mg/kg)", 1.0, 21.0, 0.5, 7.0),
        "exposure_days": int_slider("Exposure (days)", 3, 28, 1, 7),
        "challenge_gap_days": int_slider("Challenge after (days)", 1, 21, 1, 1),
    }
    view = {"reference": (float_slider("Reference line (% of naive)", 50.0, 150.0, 5.0, 100.0), "reference")}

    def build(v: dict):
        days = v["exposure_days"]
        schedules = exposure_schedules(v["weekly_mg_per_kg"], days)
        challenge_day = days + v["challenge_gap_days"]
        responses = {name: challenge_response(patient, r, day=challenge_day, effect=effect) for name, r in schedules.items()}
        numbers = {name: 100.0 * value for name, value in responses.items()}

        def verdict(value: float) -> str:
            if abs(value - 1.0) < NO_CLEAR_CHANGE:
                return "no clear change"
            return "sensitization" if value > 1.0 else "tolerance"

        text = " ".join(
            f"{name.capitalize()}: the challenge gives <b>{100 * value:.0f} %</b> of a drug-naive response ({verdict(value)})."
            for name, value in responses.items()
        )
        return charts.challenge_figure(responses, effect), text, numbers

    return SliderApp("Intermittent or continuous exposure", controls, build, view)


# ----- (c) routes -------------------------------------------------------------------------------------
COMPARED_ROUTES = ("iv_infusion", "im", "intranasal", "sublingual", "oral")
ROUTE_LABELS = {
    "iv_infusion": "intravenous infusion (40 min)",
    "im": "intramuscular injection",
    "intranasal": "intranasal (nasal spray)",
    "sublingual": "sublingual (under the tongue)",
    "oral": "oral (swallowed)",
}


def route_comparison(patient: Patient | None = None) -> SliderApp:
    """(c) The same dose by different routes: bioavailability, first-pass metabolism and time to peak.

    The dose slider is in mg; ``app.numbers`` gives each route's Cmax (mg/L), Tmax (h) and AUC (mg h/L).

    >>> app = route_comparison()   # 35 mg by IV infusion, IM injection and nasal spray
    >>> sorted(app.numbers)
    ['im', 'intranasal', 'iv_infusion']
    >>> app.numbers["intranasal"]["cmax_mg_per_l"] < app.numbers["iv_infusion"]["cmax_mg_per_l"]   # peak plasma, mg/L
    True
    >>> app.numbers["im"]["tmax_h"] < 0.5   # h: an IM injection peaks within minutes
    True
    """
    patient = patient or Patient()
    controls = {
        "dose_mg": float_slider("Dose (mg)", 5.0, 100.0, 5.0, 35.0),
        "routes": widgets.SelectMultiple(
            options=[(ROUTE_LABELS[r], r) for r in COMPARED_ROUTES], value=COMPARED_ROUTES[:3], rows=len(COMPARED_ROUTES),
            description="Routes", style=dict(LABEL_STYLE), layout=APP_LAYOUT,
        ),
    }
    view = {"window": (float_slider("Hours shown (h)", 1.0, 24.0, 1.0, 8.0), "window_h")}
    weight = patient.weight_kg

    def note(warning: Warning) -> str:  # the learner chose mg: say it in mg first
        if getattr(warning, "unit", "") == "mg/kg" and warning.name.endswith(" dose"):
            route = warning.name[: -len(" dose")]
            return (
                f"{ROUTE_LABELS.get(route, route)}: {warning.value * weight:.0f} mg is {warning.value:.2g} mg/kg for this "
                f"{weight:g} kg patient, beyond the {warning.high:g} mg/kg the model was checked against for this route; "
                "the curve is an extrapolation."
            )
        return plain_note(warning)

    def build(v: dict):
        if not v["routes"]:
            raise ValueError("routes: choose at least one route to compare.")
        results = {}
        for route in v["routes"]:
            infusion = IV_INFUSION_MIN if route == "iv_infusion" else None
            regimen = Regimen.single(dose_mg=v["dose_mg"], route=None if infusion else route, infusion_min=infusion)
            results[ROUTE_LABELS[route]] = simulate(patient, regimen, days=1, dense_step_min=2.0)
        exposures = {route: r.exposure() for route, r in results.items()}
        reference = max(e.auc_mg_h_per_l for e in exposures.values())
        codes = {ROUTE_LABELS[r]: r for r in COMPARED_ROUTES}
        numbers = {codes[label]: {"cmax_mg_per_l": e.cmax_mg_per_l, "tmax_h": e.tmax_h, "auc_mg_h_per_l": e.auc_mg_h_per_l} for label, e in exposures.items()}
        text = "<br>".join(
            f"{label.capitalize()}: peak {1000 * e.cmax_mg_per_l:.0f} ng/mL at {60 * e.tmax_h:.0f} min; "
            f"total exposure (AUC) {100 * e.auc_mg_h_per_l / reference:.0f} % of the largest shown"
            for label, e in exposures.items()
        )
        return charts.concentration_figure(results), text, numbers

    return SliderApp(
        "Routes of administration", controls, build, view, note=note,
        help_text="Pick several routes to compare: hold Ctrl (⌘ on a Mac) or Shift while clicking, or use Shift + arrow keys.",
    )


# ----- (d) cohorts ------------------------------------------------------------------------------------
COHORT_PREVIEW_PATIENTS = 25  # patients shown at once when a slider moves; the full cohort follows in the background
def cohort_explorer(seed: int = 2026, effect: str = "dissociation") -> SliderApp:
    """(d) A virtual cohort on one regimen: how widely patients' tolerance and response spread.

    Sliders: patients (number), dose (mg/kg), interval (days) and course length (weeks); ``app.numbers`` gives
    the last session's percentiles in % of each patient's first peak and the responders in % of patients.

    >>> app = cohort_explorer()   # 200 patients, 0.5 mg/kg every 3.5 days for 4 weeks
    >>> n = app.numbers
    >>> n["p5_last_percent"] <= n["median_last_percent"] <= n["p95_last_percent"], 0 <= n["responders_percent"] <= 100
    (True, True)
    >>> print(app.readout.value)
    Session 8: the median patient has <b>... %</b> of their first dissociation peak; ...
    """
    controls = {
        "patients": int_slider("Patients (number)", 50, 1000, 50, 200),
        "dose_mg_per_kg": float_slider("Dose (mg/kg)", 0.1, 1.0, 0.05, 0.5),
        "every_days": float_slider("Dose every (days)", 1.0, 14.0, 0.5, 3.5),
        "course_weeks": int_slider("Course length (weeks)", 1, 26, 1, 4),
    }

    sampled: dict[int, Cohort] = {}  # the same seed gives the same patients: sample each size once

    def cohort_of(size: int) -> Cohort:
        if size not in sampled:
            sampled[size] = Cohort.sample(size, seed=seed)
        return sampled[size]

    def build(v: dict):
        return cohort_view(v, cohort_of(v["patients"]))

    def preview(v: dict):  # the first patients of the same cohort
        return cohort_view(v, cohort_of(min(v["patients"], COHORT_PREVIEW_PATIENTS)), preview=True)

    def cohort_view(v: dict, cohort: Cohort, preview: bool = False):
        regimen = Regimen.repeated(dose_mg_per_kg=v["dose_mg_per_kg"], infusion_min=IV_INFUSION_MIN, every_days=v["every_days"], duration_days=v["course_weeks"] * 7)
        result = simulate(cohort, regimen, days=v["course_weeks"] * 7 + 3)
        relative = 100.0 * result.relative_session_peaks(effect)
        p5, p50, p95 = result.percentiles(relative, (5, 50, 95))[:, -1]
        responders = 100.0 * result.responder_fraction(threshold_g=1.0)[-1]
        numbers = {"median_last_percent": float(p50), "p5_last_percent": float(p5), "p95_last_percent": float(p95), "responders_percent": float(responders)}
        text = (
            f"Session {relative.shape[1]}{f' (first {len(cohort)} patients)' if preview else ''}: the median patient has "
            f"<b>{p50:.0f} %</b> of their first {effect} peak; "
            f"90 % of patients lie between {p5:.0f} % and {p95:.0f} %. Antidepressant responders: <b>{responders:.0f} %</b> "
            "(the model scores each simulated patient's antidepressant benefit on the effect-size scale of the trials, "
            "Hedges' g; it counts g of at least 1, a large effect, as a response: a teaching convention, not a clinical criterion)."
        )
        return charts.cohort_figure(result, effect), text, numbers

    return SliderApp("A virtual cohort", controls, build, preview=preview)


# ----- (e) escalation ---------------------------------------------------------------------------------
ESCALATION_PREVIEW_SESSIONS = 10  # sessions shown at once when a slider moves; the rest follow in the background
ESCALATION_ROUTE = "intranasal"  # the route of non-medical use in the escalation literature (Morgan & Curran 2012)
def escalation_explorer(patient: Patient | None = None) -> SliderApp:
    """(e) A user who raises the dose whenever the effect fades: the dose climbs, the effect does not come
    back, and harms (unconsciousness, bladder damage) accumulate.

    Sliders: first dose, step and largest dose (mg/kg), interval (days) and sessions (number).

    >>> app = escalation_explorer()   # daily nasal use from 1 mg/kg, 90 sessions
    >>> app.numbers["final_dose_mg_per_kg"] > 1.0   # mg/kg: the dose climbed
    True
    >>> len(app.numbers["harms"]) > 0   # harm markers reached
    True
    """
    patient = patient or Patient()
    controls = {
        "start_dose_mg_per_kg": float_slider("First dose (mg/kg)", 0.25, 2.0, 0.25, 1.0),
        "step_mg_per_kg": float_slider("Dose step (mg/kg)", 0.1, 1.0, 0.1, 0.5),
        "cap_mg_per_kg": float_slider("Largest dose (mg/kg)", 1.0, 20.0, 1.0, 20.0),
        "every_days": float_slider("Use every (days)", 0.5, 7.0, 0.5, 1.0),
        "sessions": int_slider("Sessions (number)", 10, 120, 10, 90),
    }

    def build(v: dict):
        return escalation_view(v, v["sessions"])

    def preview(v: dict):
        return escalation_view(v, min(v["sessions"], ESCALATION_PREVIEW_SESSIONS))

    def escalation_view(v: dict, sessions: int):
        outcome = escalating_use(patient, route=ESCALATION_ROUTE, **dict(v, sessions=sessions))
        harms = [name for name, reached in outcome.harms().items() if reached]
        numbers = {"final_dose_mg_per_kg": float(outcome.doses_mg_per_kg[-1]), "reached_limit": outcome.reached_limit, "harms": harms}
        text = html.escape(outcome.message) + (
            "<br><b>Harms reached:</b> " + "; ".join(html.escape(h) for h in harms) if harms else "<br>No harm marker reached in this run. The markers are signposts the model can compute, not safe limits: frequent use harms the bladder, memory and mood below them."
        )
        return charts.escalation_figure(outcome), text, numbers

    return SliderApp(
        "Escalating use and its harms (nasal ketamine)", controls, build, preview=preview,
        help_text=(
            "A simulated user takes nasal ketamine and raises the dose whenever the dissociation fades. The model cannot "
            "tell you what any dose would do to a real person: bladder damage, memory problems, accidents and dependence "
            "vary widely between people and are only marked here, not predicted."
        ),
    )


APPS = {
    "dose_frequency_holiday_explorer": dose_frequency_holiday_explorer,
    "intermittent_vs_continuous": intermittent_vs_continuous,
    "route_comparison": route_comparison,
    "cohort_explorer": cohort_explorer,
    "escalation_explorer": escalation_explorer,
}
from .holiday_app import holiday_explorer  # noqa: E402
from .protocol_app import protocol_explorer  # noqa: E402
from .dose_response_app import concentration_effect_explorer  # noqa: E402
from .frequency_app import frequency_comparison  # noqa: E402
from .mystery_app import mystery_case_explorer  # noqa: E402
from .effects_tolerance_app import effect_tolerance_explorer  # noqa: E402

APPS.update(  # the lessons' own apps, built on the same framework
    {
        "concentration_effect_explorer": concentration_effect_explorer,
        "frequency_comparison": frequency_comparison,
        "holiday_explorer": holiday_explorer,
        "effect_tolerance_explorer": effect_tolerance_explorer,
        "protocol_explorer": protocol_explorer,
        "mystery_case_explorer": mystery_case_explorer,
    }
)
