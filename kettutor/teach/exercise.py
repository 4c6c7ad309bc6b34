"""Checks for graded exercises: instant feedback in the notebook, staged hints, and nbgrader's assertion.

A student runs ``check("L03.q2", answer)`` after writing an answer; ``hint("L03.q2")`` gives the next hint.
Hidden tests (for instructors who grade with nbgrader) call ``assert_answer``. kettutor's own grader never
trusts either inside the student's kernel: it calls :func:`export_for_grader` there and judges the exported
data in its own process.
"""

from __future__ import annotations

import json
from typing import Any, Callable

from . import bank
from .feedback import CORRECT, Feedback
from .hints import next_hint
from .questions import NotAttempted


class Hint(str):
    """A hint that shows as plain text in Jupyter."""

    def _repr_markdown_(self) -> str:
        return f"💡 {self}"


def check(question_id: str, answer: Any) -> Feedback:
    """Check ``answer`` to the exercise ``question_id``; the result shows as coloured feedback in Jupyter.

    >>> check("L01.q1", ...).outcome   # the stub's answer: not attempted yet
    'not attempted'
    >>> check("L01.q1", "about 40").outcome
    'incorrect'
    """
    question = bank.find(question_id, "exercise")
    feedback = question.check(answer)
    if feedback.outcome != CORRECT and question.hints:
        return Feedback(feedback.question_id, feedback.outcome, f"{feedback.message} (Stuck? Run hint({question_id!r}).)".strip(),
                        feedback.misconception, feedback.score)
    return feedback


def hint(question_id: str) -> Hint:
    """The next hint for exercise ``question_id`` (each call shows the next, then the last again).

    >>> hint("L01.q1").startswith("Hint ")
    True
    """
    return Hint(next_hint(bank.find(question_id, "exercise")))


def assert_answer(question_id: str, answer: Any) -> None:
    """Raise AssertionError with the feedback unless ``answer`` is correct (nbgrader hidden tests).

    >>> assert_answer("L01.q1", -1.0)
    Traceback (most recent call last):
    ...
    AssertionError: [L01.q1] ✘ Not yet. ...
    """
    feedback = bank.find(question_id, "exercise").check(answer)
    assert feedback.outcome == CORRECT, str(feedback)


def export_for_grader(question_id: str, read_answer: Callable[[], Any]) -> str:
    """JSON of ``{"status": ..., "payload": ...}`` for the answer ``read_answer()`` returns (run in the kernel).

    Status is "answered", "not attempted" (a stub or a name never defined) or "error" (the answer raised).
    """
    question = bank.find(question_id, "exercise")
    try:
        payload = question.export(read_answer())
        record = {"status": "answered", "payload": payload}
    except (NotAttempted, NameError):
        record = {"status": "not attempted"}
    except Exception as error:  # the student's code failed: record it, never stop the grading
        record = {"status": "error", "error": f"{type(error).__name__}: {error}"[:500]}
    try:
        return json.dumps(record, allow_nan=False)
    except (TypeError, ValueError) as error:
        return json.dumps({"status": "error", "error": f"answer is not plain data: {error}"[:500]})


def judge_export(question_id: str, exported: dict) -> Feedback:
    """The grader's side: judge one exported record in a trusted process."""
    question = bank.find(question_id, "exercise")
    status = exported.get("status") if isinstance(exported, dict) else None
    if status == "answered":
        feedback = question.judge(exported.get("payload"))
    elif status == "error":
        feedback = Feedback(question_id, "incorrect", f"Your answer raised an error: {exported.get('error')}", "raises-error")
    else:
        feedback = Feedback(question_id, "not attempted", "No answer was found for this question.")
    return feedback
