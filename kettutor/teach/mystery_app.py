"""The detective's case file (lesson 11): a mystery patient's clinic record as charts, and a verdict to check.

Each case number opens one clinic record of 24 visits, 3.5 days apart. The patient's response fades for a
hidden reason: true tolerance, missed doses, a new inducer, a new benzodiazepine, a worsening illness
(:func:`kettutor.mystery_patient`, phenomenon P5) or a changed route or product (built here: the same mg dose
taken as a nasal spray at first, then swallowed). The learner marks a visit, reads how the typical values
changed from before the mark to after it, and names a cause; the readout says whether the record fits.

Educational model, not medical advice: a teaching device, not a diagnostic tool.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from ..solver.cohort import Cohort
from .mystery import BASELINE_SCORE, INTERVAL_DAYS, POINTS_PER_G, SESSIONS, mystery_patient
from ..regimen import HOURS_PER_DAY, Regimen
from ..solver.simulate import simulate
from .slider_app import APP_LAYOUT, LABEL_STYLE, SliderApp, int_slider

CAUSE_LABELS = {
    "true_tolerance": "true tolerance (the brain responds less to the same level)",
    "missed_doses": "missed doses (not taken as planned)",
    "new_inducer": "a new medicine that speeds ketamine's breakdown (an inducer)",
    "changed_route": "a changed route or product",
    "new_benzodiazepine": "a new sedative medicine (a benzodiazepine)",
    "worsening_illness": "the illness itself getting worse",
}
CAUSES = tuple(CAUSE_LABELS)
SIGNS = {  # what each cause leaves in the record, in plain words
    "true_tolerance": "the same blood level per dose but less dissociation per dose, falling visit after visit "
    "(in these records after more frequent use: extra doses at home appear in the log)",
    "missed_doses": "gaps in the log (visits with no dose and no level); whenever a dose is taken, its blood level and "
    "dissociation are as before, while the depression score creeps up",
    "new_inducer": "the same dose by the same route, but the blood level per dose drops sharply from one visit on, "
    "and the dissociation drops with it",
    "changed_route": "the route in the log changes at one visit, and from then on the blood level per dose and the "
    "dissociation are lower",
    "new_benzodiazepine": "blood level and dissociation unchanged, but the depression score steps up at one visit and "
    "stays up",
    "worsening_illness": "blood level, dissociation and dosing all unchanged, while the depression score drifts up "
    "visit after visit",
}
CASE_CAUSES = (  # case number - 1 -> cause: each cause four times; case 1 is the lesson's worked example
    "true_tolerance", "new_inducer", "missed_doses", "worsening_illness", "changed_route", "new_benzodiazepine",
    "missed_doses", "true_tolerance", "new_benzodiazepine", "new_inducer", "worsening_illness", "changed_route",
    "changed_route", "worsening_illness", "true_tolerance", "missed_doses", "new_benzodiazepine", "new_inducer",
    "worsening_illness", "new_inducer", "missed_doses", "changed_route", "new_benzodiazepine", "true_tolerance",
)
CASES = len(CASE_CAUSES)
# case k is drawn with seed 1100 + k, except that cases 1 and 24 (both true tolerance) swap seeds: case 1, the
# worked example, is then a patient whose benefit also fades once tolerance builds
CASE_SEEDS = (1124,) + tuple(1100 + k for k in range(2, CASES)) + (1101,)
ROUTE_NAMES = ("swallowed", "nasal spray")
ROUTE_CHANGE_DOSE_MG_PER_KG = 1.0  # within the validated range of both routes (kettutor.science.routes)

# columns of a case record (kettutor.teach.mystery.CaseRecord.to_dataframe), plus the route
VISIT, DAY, EXTRA, TAKEN = "visit", "day", "doses since last visit", "dose taken at visit (mg)"
LEVEL, DISSOCIATION, SCORE, ROUTE = "peak plasma level (ng/mL)", "dissociation (%)", "depression score", "route"


@dataclass(frozen=True)
class CaseFile:
    """One case: the patient in a line, the record (one row per visit) and the hidden cause."""

    number: int
    summary: str
    table: pd.DataFrame
    cause: str
    change_visit: int  # first visit (1-based) after the change


def changed_route_record(seed: int) -> tuple[str, pd.DataFrame, int]:
    """A patient who took ketamine as a nasal spray and, from one visit on, swallows the same mg dose.

    Built like :func:`kettutor.mystery_patient` (same patients, visits and noise): returns the summary, the
    record and the first visit (1-based) after the change.
    """
    rng = np.random.default_rng(seed)
    patient = Cohort.sample(1, seed=rng).patients[0]
    change = int(rng.integers(7, 11))  # 0-based, as in kettutor.mystery
    dose = ROUTE_CHANGE_DOSE_MG_PER_KG
    sprayed = Regimen.repeated(dose_mg_per_kg=dose, route="intranasal", every_days=INTERVAL_DAYS, doses=change)
    swallowed = Regimen.repeated(dose_mg_per_kg=dose, route="oral", every_days=INTERVAL_DAYS, doses=SESSIONS - change)
    result = simulate(patient, sprayed.then(swallowed), days=SESSIONS * INTERVAL_DAYS)
    visit_h = result.session_start_h
    benefit = np.interp(visit_h, result.time_h, result.effect("antidepressant"))  # before each visit's dose acts
    score = BASELINE_SCORE - POINTS_PER_G * benefit + rng.normal(0.0, 1.5, SESSIONS)
    level = result.session_cmax_mg_per_l() * 1000.0 * rng.lognormal(0.0, 0.1, SESSIONS)
    dissociation = np.clip(result.session_peaks("dissociation") + rng.normal(0.0, 1.0, SESSIONS), 0.0, 100.0)
    table = pd.DataFrame(
        {
            VISIT: np.arange(1, SESSIONS + 1),
            DAY: visit_h / HOURS_PER_DAY,
            EXTRA: np.zeros(SESSIONS, dtype=int),
            TAKEN: np.full(SESSIONS, round(dose * patient.weight_kg)),
            LEVEL: level.round(0),
            DISSOCIATION: dissociation.round(0),
            SCORE: np.clip(score, 0.0, 60.0).round(0),
            ROUTE: [ROUTE_NAMES[1]] * change + [ROUTE_NAMES[0]] * (SESSIONS - change),
        }
    )
    summary = f"{patient.sex}, {patient.age_years:.0f} years, {patient.weight_kg:.0f} kg; ketamine {dose:g} mg/kg planned every {INTERVAL_DAYS:g} days"
    return summary, table, change + 1


@cache
def case_file(number: int) -> CaseFile:
    """Case ``number`` (1 to 24), the same every time."""
    if isinstance(number, bool) or not isinstance(number, (int, np.integer)) or not 1 <= number <= CASES:
        raise ValueError(f"case number must be a whole number from 1 to {CASES}; got {number!r}.")
    cause, seed = CASE_CAUSES[number - 1], CASE_SEEDS[number - 1]
    if cause == "changed_route":
        summary, table, change = changed_route_record(seed)
    else:
        record = mystery_patient(cause, seed=seed)
        table = record.to_dataframe().assign(**{ROUTE: ROUTE_NAMES[0]})
        table[TAKEN] = table[TAKEN].round(0)
        summary = record.patient_summary.replace("oral ketamine", "ketamine")  # the route is read from the log, as for every case
        change = record.change_visit + 1
    return CaseFile(int(number), summary, table, cause, change)


def compare(table: pd.DataFrame, at_visit: int) -> dict:
    """Typical (median) values of the visits before ``at_visit`` and from it on, and the dosing log's counts."""
    sides = {"before": table[table[VISIT] < at_visit], "after": table[table[VISIT] >= at_visit]}

    def typical(rows: pd.DataFrame, column: str) -> float:
        values = rows[column].dropna()
        return float(values.median()) if len(values) else float("nan")

    return {
        side: {
            "visits": int(len(rows)),
            "level_ng_per_ml": typical(rows, LEVEL),
            "dissociation_percent": typical(rows, DISSOCIATION),
            "score": typical(rows, SCORE),
            "missed": int((rows[TAKEN] == 0).sum()),
            "extra_doses": int(rows[EXTRA].sum()),
            "routes": sorted(set(rows[ROUTE])),
        }
        for side, rows in sides.items()
    }


def case_figure(case: CaseFile, at_visit: int):
    """The record as four panels over the visits (doses, blood level, dissociation, depression score) with
    a dashed line before ``at_visit``: a :class:`kettutor.charts.Figure`."""
    import altair as alt  # charting is loaded only when a chart is drawn: the case records need none of it

    from . import charts

    def _named(name: str, numbers: tuple[str, ...] = ()) -> alt.NamedData:  # explicit parse: an empty cell is null, not 0
        return alt.NamedData(name=name, format=alt.DataFormat(type="csv", parse={n: "number" for n in numbers}))

    t = case.table
    visits = pd.DataFrame(
        {
            "visit": t[VISIT],
            "day": t[DAY],
            "taken": (t[TAKEN] > 0).astype(int),
            "doses": (t[TAKEN] > 0).astype(int) + t[EXTRA],
            "route": t[ROUTE],
            "level": t[LEVEL],
            "dissociation": t[DISSOCIATION],
            "score": t[SCORE],
        }
    )
    mark = pd.DataFrame({"visit": [at_visit - 0.5]})

    def layout() -> alt.TopLevelMixin:
        def x(last: bool) -> alt.X:  # one shared visit axis; its title only under the bottom panel
            return alt.X(
                "visit:Q", title=f"Visit (number; one every {INTERVAL_DAYS:g} days)" if last else None,
                scale=alt.Scale(domain=[0.5, SESSIONS + 0.5], nice=False), axis=alt.Axis(format="d", tickMinStep=1),
            )

        rule = alt.Chart(_named("mark", ("visit",))).mark_rule(strokeDash=[6, 4], color=charts.PALETTE[-1]).encode(x=alt.X("visit:Q"))
        base = alt.Chart(_named("visits", ("visit", "day", "taken", "doses", "level", "dissociation", "score")))
        tip = [alt.Tooltip("visit:Q", title="Visit"), alt.Tooltip("day:Q", title="Day", format=".1f")]
        doses = base.mark_bar(size=12).encode(
            x=x(False),
            y=alt.Y("doses:Q", title=["Doses, this visit", "to the next (number)"], axis=alt.Axis(format="d", tickMinStep=1)),
            color=alt.Color("route:N", title="Route", scale=alt.Scale(domain=list(ROUTE_NAMES), range=list(charts.PALETTE[:2]))),
            tooltip=[*tip, alt.Tooltip("doses:Q", title="Doses"), alt.Tooltip("route:N", title="Route")],
        )

        def points(field: str, title: list[str], colour: str, shape: str, last: bool = False) -> alt.Chart:
            shown = base if field == "score" else base.transform_filter(alt.datum.taken == 1)  # no dose, no reading
            return shown.mark_point(filled=True, size=45, color=colour, shape=shape).encode(
                x=x(last), y=alt.Y(f"{field}:Q", title=title, scale=alt.Scale(zero=field != "score")),
                tooltip=[*tip, alt.Tooltip(f"{field}:Q", title=" ".join(title), format=".0f")],
            )

        panels = (
            doses,
            points("level", ["Peak blood level", "per dose (ng/mL)"], charts.PALETTE[0], "circle"),
            points("dissociation", ["Dissociation", "per dose (%)"], charts.PALETTE[3], "triangle-up"),
            points("score", ["Depression score", "(points; lower = better)"], charts.PALETTE[2], "square", last=True),
        )
        return alt.vconcat(*(alt.layer(p, rule).properties(width=charts.WIDTH, height=85) for p in panels))

    description = (
        f"Case {case.number}: four panels over {SESSIONS} visits: doses taken from each visit to the next, coloured by "
        "route; peak blood level per dose (ng/mL); dissociation per dose (%); depression score (points, lower is "
        f"better). A dashed line marks the comparison before visit {at_visit}."
    )
    return charts.Figure(("mystery_case",), layout, {"visits": visits, "mark": mark}, description)


def _fmt(value: float, unit: str) -> str:
    return "no dose taken" if np.isnan(value) else f"{value:.0f}{unit}"


def readout(case: CaseFile, at_visit: int, verdict: str | None, numbers: dict) -> str:
    """The plain-language readout: the comparison, then what the verdict says."""
    b, a = numbers["before"], numbers["after"]
    text = (
        f"<b>Case {case.number}</b>: {html.escape(case.summary)}; {SESSIONS} visits.<br>"
        f"Typical values, visits 1&ndash;{at_visit - 1} &rarr; visits {at_visit}&ndash;{SESSIONS}: "
        f"peak blood level <b>{_fmt(b['level_ng_per_ml'], ' ng/mL')} &rarr; {_fmt(a['level_ng_per_ml'], ' ng/mL')}</b>; "
        f"dissociation <b>{_fmt(b['dissociation_percent'], ' %')} &rarr; {_fmt(a['dissociation_percent'], ' %')}</b>; "
        f"depression score <b>{_fmt(b['score'], '')} &rarr; {_fmt(a['score'], '')} points</b> (lower is better).<br>"
        f"Dosing log: visit doses missed {b['missed']} &rarr; {a['missed']}; extra doses at home {b['extra_doses']} "
        f"&rarr; {a['extra_doses']}; route {' and '.join(b['routes']) or '-'} &rarr; {' and '.join(a['routes']) or '-'}.<br>"
    )
    if verdict is None:
        return text + "<i>Your verdict: not chosen yet. Move the dashed line to where something changed, then choose.</i>"
    if verdict == case.cause:
        return text + (
            f"&#10004; <b>The record fits {html.escape(CAUSE_LABELS[verdict])}</b>: {html.escape(SIGNS[verdict])}. "
            "In a clinic the cause would still be confirmed by talking with the patient, never by the numbers alone."
        )
    return text + (
        f"&#10008; <b>The record does not fit {html.escape(CAUSE_LABELS[verdict])}.</b> That cause would show "
        f"{html.escape(SIGNS[verdict])}. Compare with what this record shows, then choose again."
    )


def mystery_case_explorer(case: int = 1):
    """(f) The detective's case file: one mystery patient's record as charts; mark a visit, compare before and
    after, and name the cause of the falling response (true tolerance or one of five kinds of apparent tolerance).

    ``app.numbers`` gives typical values before and after the mark: blood levels in ng/mL, dissociation in %
    of maximum, the depression score in points and dose counts.

    >>> app = mystery_case_explorer(case=1)   # the worked example
    >>> before, after = app.numbers["before"], app.numbers["after"]   # before visit 12 and from it on
    >>> after["extra_doses"] > before["extra_doses"], after["dissociation_percent"] < before["dissociation_percent"]
    (True, True)
    >>> app.numbers["cause"] is None   # hidden until a verdict is chosen
    True
    >>> app.controls["verdict"].value = "true_tolerance"
    >>> app.numbers["verdict_fits"]
    True
    """
    import ipywidgets as widgets

    controls = {
        "case": int_slider("Case (number)", 1, CASES, 1, case),
        "at_visit": int_slider("Compare before/after visit (number)", 2, SESSIONS, 1, 12),
        "verdict": widgets.Dropdown(
            options=[("not chosen yet", "")] + [(label, cause) for cause, label in CAUSE_LABELS.items()],
            value="", description="Your verdict", style=dict(LABEL_STYLE), layout=APP_LAYOUT,
        ),
    }

    def new_case(_change) -> None:  # a verdict belongs to one case: a new case starts undecided
        controls["verdict"].value = ""

    controls["case"].observe(new_case, names="value")  # before the app's own observer, so it runs first

    def build(v: dict):
        record = case_file(v["case"])
        verdict = v["verdict"] or None
        numbers = compare(record.table, v["at_visit"])
        numbers.update(
            case=record.number, at_visit=v["at_visit"], verdict=verdict,
            verdict_fits=None if verdict is None else verdict == record.cause,
            cause=record.cause if verdict is not None else None,  # revealed only once the learner has chosen
        )
        return case_figure(record, v["at_visit"]), readout(record, v["at_visit"], verdict, numbers), numbers

    return SliderApp(
        "The detective's case file: why does the response fall?", controls, build,
        help_text=(
            "Pick a case, move the dashed line to where something changed, read how the typical values moved, then "
            "choose your verdict. The records are simulated: a teaching device, not a way to diagnose anyone."
        ),
    )
