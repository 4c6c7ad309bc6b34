"""Every question kettutor asks: one module per lesson (``l01`` ... ``l11``), each with two tuples.

``SELF_CHECKS``: the lesson's ungraded self-checks (ids ``"L03.s1"``); ``EXERCISES``: the graded exercise
notebook's questions (ids ``"L03.q1"``). Ids are stable: the grader's CSV columns are named by them.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from ..questions import Question


@cache
def _modules() -> tuple:
    names = sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name.startswith("l"))
    return tuple(importlib.import_module(f"{__name__}.{name}") for name in names)


@cache
def self_checks() -> dict[str, Question]:
    """All lesson self-checks by id."""
    return _index("SELF_CHECKS")


@cache
def exercises() -> dict[str, Question]:
    """All graded exercise questions by id."""
    return _index("EXERCISES")


def _index(attribute: str) -> dict[str, Question]:
    found: dict[str, Question] = {}
    for module in _modules():
        for question in getattr(module, attribute, ()):
            if question.id in found:
                raise ValueError(f"question id {question.id!r} is defined twice")
            found[question.id] = question
    return found


def find(question_id: str, kind: str) -> Question:
    """The question ``question_id`` from ``kind`` ('self-check' or 'exercise'); a clear KeyError otherwise."""
    table = self_checks() if kind == "self-check" else exercises()
    if not isinstance(question_id, str) or question_id not in table:
        close = [q for q in table if isinstance(question_id, str) and q.split(".")[0] == question_id.split(".")[0]]
        hint = f" Questions of that lesson: {', '.join(close)}." if close else ""
        raise KeyError(f"no {kind} with id {question_id!r}.{hint}")
    return table[question_id]
