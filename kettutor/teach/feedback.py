"""What a check says: one of three outcomes, a message for the learner, and the misconception it names."""

from __future__ import annotations

import html
from dataclasses import dataclass

CORRECT, INCORRECT, NOT_ATTEMPTED = "correct", "incorrect", "not attempted"
_STYLE = {  # colour is never the only carrier: each outcome also has its own word and symbol
    CORRECT: ("#009E73", "✔ Correct."),
    INCORRECT: ("#D55E00", "✘ Not yet."),
    NOT_ATTEMPTED: ("#56B4E9", "… Not attempted."),
}


@dataclass(frozen=True)
class Feedback:
    """The result of checking one answer.

    ``score`` is the fraction of the question's points earned (0 to 1); ``misconception`` is the id of the
    recorded misconception the answer matched (for example ``"mg-vs-mg-per-kg"``), or None.

    >>> feedback = Feedback("L01.q1", "incorrect", "That is the dose per kg.", "mg-vs-mg-per-kg")
    >>> feedback.correct, str(feedback)
    (False, '[L01.q1] ✘ Not yet. That is the dose per kg.')
    """

    question_id: str
    outcome: str
    message: str
    misconception: str | None = None
    score: float = 0.0

    @property
    def correct(self) -> bool:
        return self.outcome == CORRECT

    def __str__(self) -> str:
        return f"[{self.question_id}] {_STYLE[self.outcome][1]} {self.message}".rstrip()

    def _repr_html_(self) -> str:
        colour, label = _STYLE[self.outcome]
        return (
            f"<div role='status' style='border-left:4px solid {colour};padding:4px 8px'>"
            f"<b>{html.escape(self.question_id)}: {label}</b> {html.escape(self.message)}</div>"
        )

    def to_dict(self) -> dict:
        """Plain data for the grader's CSV and feedback files."""
        return {
            "question_id": self.question_id, "outcome": self.outcome, "message": self.message,
            "misconception": self.misconception, "score": self.score,
        }


def correct(question_id: str, message: str = "", score: float = 1.0) -> Feedback:
    return Feedback(question_id, CORRECT, message, None, score)


def incorrect(question_id: str, message: str, misconception: str | None = None, score: float = 0.0) -> Feedback:
    return Feedback(question_id, INCORRECT, message, misconception, score)


def not_attempted(question_id: str, message: str = "Write your answer in the cell above, run it, then run this check again.") -> Feedback:
    return Feedback(question_id, NOT_ATTEMPTED, message)
