"""Staged hints: each request for a question's hint shows the next one, then repeats the last."""

from __future__ import annotations

from collections import Counter

from .questions import Question

_shown: Counter = Counter()


def next_hint(question: Question) -> str:
    """The next hint for ``question`` (numbered "Hint 2 of 3: ..."), or a note that it has none."""
    if not question.hints:
        return f"{question.id} has no hints: reread the lesson section it names."
    stage = min(_shown[question.id], len(question.hints) - 1)
    _shown[question.id] += 1
    return f"Hint {stage + 1} of {len(question.hints)}: {question.hints[stage]}"


def reset() -> None:
    """Start every question's hints again from the first."""
    _shown.clear()
