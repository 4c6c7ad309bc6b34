"""The slider-app framework every kettutor app is built on: labelled sliders, an offline Altair chart kept in
step with the model, a readout, notes and refusals in the learner's terms, and a preview for slow builds.

The apps themselves are in :mod:`kettutor.apps` (and, for single lessons, in ``kettutor/teach/*_app.py``).

>>> app = SliderApp("Demo", {"dose": float_slider("Dose (mg/kg)", 0.1, 1.0, 0.1, 0.5)},
...                 lambda v: (_demo_figure(v["dose"]), f"dose {v['dose']:g} mg/kg", {"dose": v["dose"]}))
>>> app.controls["dose"].value = 0.7
>>> app.numbers
{'dose': 0.7}
"""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Callable

import altair as alt
import ipywidgets as widgets
import pandas as pd

from . import charts
from .._validate import collecting_range_warnings

DISCLAIMER = "Educational model, not medical advice and not a dosing guide."
APP_LAYOUT = {"width": "640px"}
LABEL_STYLE = {"description_width": "260px"}  # room for every label with its unit: none is cut off (browser test)
IV_INFUSION_MIN = 40.0  # the clinic's antidepressant infusion (Berman 2000; Zarate 2006): 0.5 mg/kg over 40 min
APP_OUTPUT = {"dense_step_min": 30.0, "sparse_step_h": 6.0}  # peaks are exact at any density; charts need no more


def _slider(kind, description: str, low: float, high: float, step: float, value: float) -> widgets.Widget:
    return kind(
        value=value, min=low, max=high, step=step, description=description, continuous_update=False,
        style=dict(LABEL_STYLE), layout=APP_LAYOUT,
    )


def float_slider(description: str, low: float, high: float, step: float, value: float) -> widgets.FloatSlider:
    """A model slider: units in its label, updates the app when released."""
    return _slider(widgets.FloatSlider, description, low, high, step, value)


def int_slider(description: str, low: int, high: int, step: int, value: int) -> widgets.IntSlider:
    """A whole-number model slider."""
    return _slider(widgets.IntSlider, description, low, high, step, value)


class SliderApp(widgets.VBox):
    """Controls, an offline Altair chart, a readout and a message line, kept in step with the model.

    ``build(values)`` returns (figure, readout HTML, numbers) for the model controls' current values;
    ``view`` maps a view slider to the chart parameter it moves. While the figure's layout stays the same,
    a slider move only swaps the chart's tables in its spec (``app.chart.spec``). ``app.numbers`` carries
    the readout's figures for tests and exercises; ``app.simulations`` counts model runs.
    """

    def __init__(
        self,
        title: str,
        controls: dict[str, widgets.Widget],
        build: Callable[[dict], tuple[charts.Figure, str, dict]],
        view: dict[str, tuple[widgets.Widget, str]] | None = None,
        *,
        note: Callable[[Warning], str] | None = None,
        help_text: str = "",
        preview: Callable[[dict], tuple[charts.Figure, str, dict]] | None = None,
    ) -> None:
        charts.use_offline()
        self.controls, self.view, self._build = controls, view or {}, build
        self._note = note or plain_note
        self._preview, self._generation, self._worker = preview, 0, None
        self._showing = threading.Lock()  # a background result and a new slider move never update the page at once
        self.readout = widgets.HTML()
        self.message = widgets.HTML()
        self.numbers: dict = {}
        self.simulations = 0
        figure, readout, numbers, notes = self._run()  # the defaults are valid: an error here is a bug
        self.chart = alt.JupyterChart(figure.chart())
        self._layout_key, self._template = figure.key, self._without_tables(self.chart.spec)
        for control, param in self.view.values():  # the chart opens where its view sliders say
            setattr(self.chart.params, param, control.value)
        self._show(readout, numbers, notes)
        for control in controls.values():
            control.observe(self._on_model_change, names="value")
        for control, param in self.view.values():
            control.observe(lambda change, param=param: setattr(self.chart.params, param, change.new), names="value")
        view_controls = [control for control, _ in self.view.values()]
        super().__init__(
            [
                widgets.HTML(f"<h3>{html.escape(title)}</h3>"),
                *([widgets.HTML(f"<small>{help_text}</small>")] if help_text else []),
                *controls.values(),
                *view_controls,
                self.chart,
                self.readout,
                self.message,
                widgets.HTML(f"<small><i>{DISCLAIMER}</i></small>"),
            ]
        )

    def values(self) -> dict:
        """The model controls' current values by name."""
        return {name: control.value for name, control in self.controls.items()}

    def _on_model_change(self, _change=None) -> None:
        self.refresh()

    def _run(self, build=None, values: dict | None = None) -> tuple[charts.Figure, str, dict, list[str]]:
        """Build for the current values, collecting notes (e.g. doses beyond the validated range)."""
        with collecting_range_warnings() as caught:
            figure, readout, numbers = (build or self._build)(self.values() if values is None else values)
        self.simulations += 1
        return figure, readout, numbers, [self._note(w) for w in caught]

    def refresh(self) -> None:
        """Re-simulate for the current control values; a bad value shows its error and keeps the last chart.

        An app with a ``preview`` answers at once with the preview (say, the first sessions of a long course),
        then builds the full result in a background thread; a newer slider move makes the older result stale.
        """
        with self._showing:
            self._generation += 1
            if self._preview is None:
                self._update(self._run)
                return
            generation, values = self._generation, self.values()
            started = self._update(lambda: self._run(self._preview, values), preview=True)
        if started:
            self._worker = threading.Thread(target=self._finish, args=(generation, values), daemon=True)
            self._worker.start()

    def _finish(self, generation: int, values: dict) -> None:
        try:
            built = self._run(self._build, values)
        except ValueError:
            return  # the preview already showed this error
        with self._showing:
            if generation == self._generation:  # a newer slider move makes this result stale
                self._update(lambda: built)

    def wait(self, timeout_s: float = 60.0) -> None:
        """Block until a background build has finished (for tests and scripts)."""
        if self._worker is not None:
            self._worker.join(timeout_s)

    def _update(self, run: Callable[[], tuple], *, preview: bool = False) -> bool:
        """Show what ``run()`` builds; returns False if it refused the values."""
        try:
            figure, readout, numbers, notes = run()
        except ValueError as error:
            error = self.in_slider_terms(str(error))
            self.chart.layout.opacity = STALE_OPACITY  # the chart no longer matches the sliders: grey it out and say so
            self.message.value = (
                f"<div role='alert'><b style='color:#D55E00'>✘ Not simulated:</b> {html.escape(str(error))} "
                "<i>The greyed-out chart still shows the last settings that worked.</i></div>"
            )
            return False
        self.chart.layout.opacity = "1"
        if figure.key == self._layout_key:
            spec = dict(self._template, datasets=figure.datasets(), description=figure.description)
            values = {param: control.value for control, param in self.view.values()}
            spec["params"] = [dict(p, value=values.get(p["name"], p.get("value"))) for p in self._template.get("params", [])]
            self.chart.spec = spec
        else:
            self.chart.chart = figure.chart()
            self._layout_key, self._template = figure.key, self._without_tables(self.chart.spec)
            for control, param in self.view.values():
                setattr(self.chart.params, param, control.value)
        self._show(readout, numbers, notes)
        if preview:
            self.message.value += "<div role='status'><i>⏳ A quick preview; the full result replaces it in a moment.</i></div>"
        return True

    def in_slider_terms(self, message: str) -> str:
        """``message`` with the model's parameter names replaced by the labels of the sliders that set them."""
        for name in sorted(self.controls, key=len, reverse=True):
            message = re.sub(rf"\b{re.escape(name)}\b", f"‘{self.controls[name].description}’", message)
        return message

    @staticmethod
    def _without_tables(spec: dict) -> dict:
        return {key: value for key, value in spec.items() if key != "datasets"}

    def _show(self, readout: str, numbers: dict, notes: list[str]) -> None:
        self.readout.value = readout
        self.numbers = numbers
        self.message.value = "".join(f"<div role='note' style='color:#8a5a00'>⚠ Note: {html.escape(n)}</div>" for n in dict.fromkeys(notes))


STALE_OPACITY = "0.35"


ROUTE_WORDS = {  # the model's route names as a learner reads them
    "iv_bolus": "intravenous injection",
    "iv_infusion": "intravenous infusion",
    "im": "intramuscular injection",
    "intranasal": "nasal",
    "sublingual": "sublingual",
    "rectal": "rectal",
    "oral": "swallowed (oral)",
    "esketamine_nasal_spray": "esketamine nasal spray",
}


def plain_note(warning: Warning) -> str:
    """A warning as a note under the app in plain words, without the disclaimer the app's footer shows.

    >>> from kettutor._validate import ValidatedRangeWarning
    >>> w = ValidatedRangeWarning("iv_infusion dose = 5.25 mg/kg lies outside ...")
    >>> w.name, w.value, w.unit, w.low, w.high = "iv_infusion dose", 5.25, "mg/kg", 0.0, 4.5
    >>> plain_note(w)
    'An intravenous infusion dose of 5.25 mg/kg lies beyond the 0-4.5 mg/kg the model was checked against: the result is an extrapolation.'
    """
    name = getattr(warning, "name", None)
    if name is None:
        return str(warning).replace(" kettutor is an educational model, not a dosing guide.", "").strip()
    words = " ".join(ROUTE_WORDS.get(part, part) for part in name.split(" "))
    article = "An" if words[0] in "aeiou" else "A"
    return (
        f"{article} {words} of {warning.value:.3g} {warning.unit} lies beyond the {warning.low:g}-{warning.high:g} {warning.unit} "
        "the model was checked against: the result is an extrapolation."
    )


def _demo_figure(dose_mg_per_kg: float) -> charts.Figure:
    """A one-bar chart for the example above."""
    table = pd.DataFrame({"dose": [dose_mg_per_kg]})

    def layout() -> alt.TopLevelMixin:
        return alt.Chart(alt.NamedData(name="demo", format=alt.DataFormat(type="csv"))).mark_bar().encode(y="dose:Q")

    return charts.Figure(("demo",), layout, {"demo": table}, f"One bar at {dose_mg_per_kg:g} mg/kg.")
