"""Lesson self-checks: instant, ungraded feedback as a one-line call or a small keyboard-friendly widget.

>>> self_check("L01.s1", "b").outcome
'correct'
>>> self_check("L01.s1", None).outcome
'not attempted'
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets

from . import bank
from .feedback import Feedback
from .hints import next_hint
from .questions import Choice, Question


def self_check(question_id: str, answer: Any) -> Feedback:
    """Check ``answer`` to the lesson self-check ``question_id`` (for example ``"L03.s2"``).

    >>> self_check("L01.s1", "c").misconception   # a wrong option names the idea behind it
    'mg-vs-mg-per-kg'
    """
    return bank.find(question_id, "self-check").check(answer)


class Quiz(widgets.VBox):
    """One self-check as a widget: the question, a way to answer, Check and Hint buttons, and the feedback."""

    def __init__(self, question: Question, *, predict: bool = False) -> None:
        self.question, self.predicting = question, predict
        if isinstance(question, Choice):
            self.answer = widgets.RadioButtons(
                options=[(f"{o.key}) {o.text}", o.key) for o in question.options], value=None,
                layout={"width": "max-content"},
            )
        else:
            unit = getattr(question, "unit", "")
            self.answer = widgets.Text(placeholder=f"a number in {unit}" if unit else "your answer", description="Answer:")
        label = "Lock in my prediction" if predict else "Check"
        check_button = widgets.Button(description=label, tooltip=f"{label}: {question.id}", layout={"width": "auto"})
        hint_button = widgets.Button(description="Hint", tooltip=f"Show a hint for {question.id}")
        self.feedback = widgets.HTML(layout={"min_height": "1.5em"})
        check_button.on_click(lambda _button: self.submit())
        hint_button.on_click(lambda _button: self.show_hint())
        kind = "Predict" if predict else "Self-check"
        prompt = widgets.HTML(f"<b>{kind} {html.escape(question.id)}.</b> {html.escape(question.prompt)}")
        buttons = [check_button] if predict else [check_button, hint_button]
        super().__init__([prompt, self.answer, widgets.HBox(buttons), self.feedback])

    def submit(self) -> Feedback:
        """Check the current answer and show the feedback."""
        answer = self.answer.value
        if isinstance(self.answer, widgets.Text):
            answer = _parse_number(answer)
        result = self.question.check(answer)
        if self.predicting and result.outcome != "not attempted":
            self.answer.disabled = True  # a prediction is locked in; the model's answer follows
            verdict = "Your prediction matches the model." if result.correct else "The model shows something else."
            self.feedback.value = (
                f"<div role='status'><b>{verdict}</b> {html.escape(result.message)} "
                "Now try it with the app and see for yourself.</div>"
            )
        else:
            self.feedback.value = result._repr_html_()
        return result

    def show_hint(self) -> None:
        self.feedback.value = f"<div role='status'>{html.escape(next_hint(self.question))}</div>"


def _parse_number(text: str) -> Any:
    text = text.strip().replace(",", ".")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return text


def quiz(question_id: str) -> Quiz:
    """The self-check ``question_id`` as a widget (works in JupyterLab and in Voilà).

    >>> widget = quiz("L01.s1")
    >>> widget.answer.value = "b"
    >>> widget.submit().outcome
    'correct'
    """
    return Quiz(bank.find(question_id, "self-check"))


def predict(question_id: str) -> Quiz:
    """A "predict, then check" prompt: the learner locks in a choice, then sees what the model does.

    Predictions are self-checks with ids like ``"L03.p1"``; their feedback is the model's answer.

    >>> prompt = predict("L01.s1")
    >>> prompt.answer.value = "a"
    >>> prompt.submit().outcome, prompt.answer.disabled   # locked in, then the model's answer shows
    ('incorrect', True)
    """
    return Quiz(bank.find(question_id, "self-check"), predict=True)
