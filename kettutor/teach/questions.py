"""Question kinds with instant feedback: multiple choice, a number with a unit, and model-checked tasks.

Every question turns an answer into plain data (:meth:`Question.export`) and judges that data
(:meth:`Question.judge`). A notebook does both at once (:meth:`Question.check`); the grader exports in the
student's kernel and judges in its own process, so nothing the student's code replaced can judge itself.

Each question carries its reference answer and an example of every misconception its feedback names, so the
tests can check that the reference passes and each misconception gets its own message.

>>> q = Number("X.q1", "Dose for a 70 kg adult at 0.5 mg/kg?", expected=35.0, unit="mg",
...            misconceptions=(scaled(1 / 70, "mg-vs-mg-per-kg", "That is the dose per kg."),))
>>> q.check(35).outcome, q.check(0.5).misconception, q.check(...).outcome
('correct', 'mg-vs-mg-per-kg', 'not attempted')
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .feedback import Feedback, correct, incorrect, not_attempted

NOT_ANSWERED = (None, Ellipsis, NotImplemented)
MAX_PAYLOAD_ITEMS = 10_000  # a grader payload larger than this is refused, not judged


class NotAttempted(Exception):
    """The answer is still the stub (``...``, None, or a function that raises NotImplementedError)."""


def _is_unanswered(answer: Any) -> bool:
    return any(answer is marker for marker in NOT_ANSWERED)


@dataclass(frozen=True)
class Misconception:
    """A recorded wrong idea: ``matches(payload, expected)`` spots it; ``example(expected)`` is an answer that has it."""

    id: str
    message: str
    matches: Callable[[Any, Any], bool]
    example: Callable[[Any], Any]


def _close(given: float, target: float, rel_tol: float) -> bool:
    return math.isclose(given, target, rel_tol=rel_tol, abs_tol=1e-12)


def scaled(factor: float, misconception_id: str, message: str, rel_tol: float = 0.03) -> Misconception:
    """A numeric slip that multiplies the right answer by ``factor`` (mg vs mg/kg: 70; hours vs minutes: 1/60)."""
    return Misconception(
        misconception_id, message,
        matches=lambda given, expected: _close(given, expected * factor, rel_tol),
        example=lambda expected: expected * factor,
    )


def equals(value: float, misconception_id: str, message: str, rel_tol: float = 0.03) -> Misconception:
    """A numeric slip that gives a known wrong value (for example the answer without bioavailability)."""
    value_of = value if callable(value) else (lambda: value)
    return Misconception(
        misconception_id, message,
        matches=lambda given, _expected: _close(given, value_of(), rel_tol),
        example=lambda _expected: value_of(),
    )


@dataclass(frozen=True)
class Question:
    """Base: an id like ``"L03.q2"``, a prompt, points, staged hints."""

    id: str
    prompt: str
    points: float = field(default=1.0, kw_only=True)
    hints: tuple[str, ...] = field(default=(), kw_only=True)

    def export(self, answer: Any) -> Any:
        """The answer as plain JSON data; raises :class:`NotAttempted` for a stub."""
        if _is_unanswered(answer):
            raise NotAttempted
        return answer

    def judge(self, payload: Any) -> Feedback:  # pragma: no cover - every kind overrides it
        raise NotImplementedError

    def check(self, answer: Any) -> Feedback:
        """Export then judge: what a notebook shows the moment the learner runs a check."""
        try:
            payload = self.export(answer)
        except NotAttempted:
            return not_attempted(self.id)
        return self.judge(payload)

    def reference_answer(self) -> Any:  # pragma: no cover - every kind overrides it
        raise NotImplementedError

    def wrong_examples(self) -> list[tuple[Any, str]]:
        """(answer, misconception id) pairs: one answer per recorded misconception."""
        return []


@dataclass(frozen=True)
class Option:
    """One choice: its key (``"a"``), text, and the feedback for picking it (naming the misconception if wrong)."""

    key: str
    text: str
    feedback: str
    misconception: str | None = None


@dataclass(frozen=True)
class Choice(Question):
    """Multiple choice with one right key; every wrong option explains why it is wrong."""

    options: tuple[Option, ...] = ()
    answer: str = ""

    def __post_init__(self) -> None:
        keys = [o.key for o in self.options]
        if self.answer not in keys or len(set(keys)) != len(keys):
            raise ValueError(f"{self.id}: answer {self.answer!r} must be one of the distinct option keys {keys}")
        for option in self.options:
            if option.key != self.answer and not option.misconception:
                raise ValueError(f"{self.id}: wrong option {option.key!r} must name its misconception")

    def export(self, answer: Any) -> Any:
        answer = super().export(answer)
        if isinstance(answer, str):
            text = answer.strip()
            for option in self.options:
                if text.lower() in (option.key.lower(), option.text.lower()):
                    return option.key
            return text[:200]
        return repr(answer)[:200]

    def judge(self, payload: Any) -> Feedback:
        for option in self.options:
            if payload == option.key:
                if option.key == self.answer:
                    return correct(self.id, option.feedback)
                return incorrect(self.id, option.feedback, option.misconception)
        keys = ", ".join(repr(o.key) for o in self.options)
        return incorrect(self.id, f"Answer with the letter of one option ({keys}); got {payload!r}.", "not-an-option")

    def reference_answer(self) -> str:
        return self.answer

    def wrong_examples(self) -> list[tuple[Any, str]]:
        return [(o.key, o.misconception) for o in self.options if o.key != self.answer]


@dataclass(frozen=True)
class Number(Question):
    """A number in ``unit`` within ``rel_tol`` of ``expected`` (a value, or a function that asks the model).

    Answers that match a recorded misconception get its message; others get a nudge up or down.
    """

    expected: float | Callable[[], float] = 0.0
    unit: str = ""
    rel_tol: float = 0.05
    misconceptions: tuple[Misconception, ...] = ()

    @cached_property
    def target(self) -> float:
        value = self.expected() if callable(self.expected) else self.expected
        return float(value)

    def export(self, answer: Any) -> Any:
        answer = super().export(answer)
        if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
            try:
                import numpy as np

                if isinstance(answer, np.ndarray) and answer.size == 1:
                    return float(answer.reshape(()))
            except ImportError:  # pragma: no cover
                pass
            return {"not_a_number": repr(answer)[:200]}
        return float(answer)

    def judge(self, payload: Any) -> Feedback:
        if not isinstance(payload, float) or not math.isfinite(payload):
            return incorrect(self.id, f"Give one finite number in {self.unit}; got {payload!r}.", "not-a-number")
        target = self.target
        if _close(payload, target, self.rel_tol):
            return correct(self.id, f"{payload:.4g} {self.unit}.")
        for misconception in self.misconceptions:
            if misconception.matches(payload, target):
                return incorrect(self.id, misconception.message, misconception.id)
        direction = "high" if payload > target else "low"
        return incorrect(self.id, f"{payload:.4g} {self.unit} is too {direction}. Check your units and which quantity you read.")

    def reference_answer(self) -> float:
        return self.target

    def wrong_examples(self) -> list[tuple[Any, str]]:
        return [(m.example(self.target), m.id) for m in self.misconceptions]


Judgement = tuple[bool, str] | tuple[bool, str, str | None] | Feedback


@dataclass(frozen=True)
class Task(Question):
    """A question checked by running the model: the student's value or function is exported and judged.

    ``to_payload(answer)`` turns the answer into JSON data (a function is called on probe inputs there);
    ``judge_payload(payload)`` returns ``(passed, message, misconception_id)``; ``reference()`` builds the
    reference answer; ``wrong`` lists ``(build_answer, misconception_id)`` pairs for the tests.
    """

    to_payload: Callable[[Any], Any] = lambda answer: answer
    judge_payload: Callable[[Any], Judgement] = lambda payload: (False, "no judge", None)
    reference: Callable[[], Any] = lambda: None
    wrong: tuple[tuple[Callable[[], Any], str], ...] = ()

    def export(self, answer: Any) -> Any:
        answer = super().export(answer)
        try:
            return self.to_payload(answer)
        except NotImplementedError as error:
            raise NotAttempted from error
        except NotAttempted:
            raise
        except Exception as error:  # the student's code failed: explain, do not crash the check
            return {"error": f"{type(error).__name__}: {error}"[:500]}

    def judge(self, payload: Any) -> Feedback:
        if isinstance(payload, dict) and set(payload) == {"error"}:
            return incorrect(self.id, f"Your answer raised an error: {payload['error']}", "raises-error")
        try:
            verdict = self.judge_payload(payload)
        except (TypeError, ValueError, KeyError, IndexError) as error:
            return incorrect(self.id, f"Your answer could not be checked: {error}", "malformed-answer")
        if isinstance(verdict, Feedback):
            return verdict
        passed, message, *rest = verdict
        if passed:
            return correct(self.id, message)
        return incorrect(self.id, message, rest[0] if rest else None)

    def reference_answer(self) -> Any:
        return self.reference()

    def wrong_examples(self) -> list[tuple[Any, str]]:
        return [(build(), misconception) for build, misconception in self.wrong]


def call_with(probes: Sequence[tuple], round_to: int = 12) -> Callable[[Any], Any]:
    """``to_payload`` for a function answer: its results on each probe's arguments, as plain numbers."""

    def to_payload(function: Any) -> Any:
        if not callable(function):
            raise TypeError(f"expected a function, got {type(function).__name__}")
        results = []
        for arguments in probes:
            value = function(*arguments)
            if _is_unanswered(value):
                raise NotAttempted
            results.append(round(float(value), round_to))
        return results

    return to_payload


def judge_probe_results(
    payload: Any,
    probes: Sequence,
    values_of: Callable[[str], Sequence[float]],
    *,
    tolerance: float,
    misconceptions: Sequence[tuple[str, str, str]],
    correct_message: str,
    describe_miss: Callable[[Any, float, float], str],
) -> tuple[bool, str, str | None]:
    """Judge a function answer's results (``call_with(probes)``) against the model's, probe by probe.

    ``values_of("reference")`` gives the right values; ``values_of(kind)`` the values a misconception gives, for
    each ``(kind, misconception_id, message)``; ``describe_miss(probe, given, expected)`` explains the first probe
    that differs when no recorded misconception matches.

    >>> judge_probe_results([2.0], [(1,)], lambda kind: [2.0] if kind == "reference" else [4.0], tolerance=0.01,
    ...                     misconceptions=[("double", "doubled", "You doubled it.")], correct_message="Right.",
    ...                     describe_miss=lambda probe, given, expected: "off")
    (True, 'Right.', None)
    """
    if not isinstance(payload, list) or len(payload) != len(probes):
        raise ValueError(f"expected {len(probes)} numbers, one per probe")
    values = [float(v) for v in payload]
    if not all(math.isfinite(v) for v in values):
        return False, "Your function returned a value that is not a finite number.", "not-a-number"

    def close(kind: str, rel_tol: float) -> bool:
        return all(math.isclose(v, e, rel_tol=rel_tol) for v, e in zip(values, values_of(kind)))

    if close("reference", tolerance):
        return True, correct_message, None
    for kind, misconception, message in misconceptions:
        if close(kind, 0.03):
            return False, message, misconception
    for probe, value, expected in zip(probes, values, values_of("reference")):
        if not math.isclose(value, expected, rel_tol=tolerance):
            return False, describe_miss(probe, value, expected), None
    return False, "Some values differ from the model.", None  # pragma: no cover - one probe above always differs
