"""From a worker's events to a grade, in the grader's own process.

Only the nonce line printed by each export cell is read, and only its ``status`` and ``payload`` (or
``error``) are kept; the payload is judged by the question in ``kettutor.teach.bank`` as imported here. A
line the notebook could have forged still only carries an answer, and answers are judged here.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from ..teach.exercise import judge_export
from ..teach.feedback import CORRECT, INCORRECT, NOT_ATTEMPTED, Feedback
from ..teach.questions import MAX_PAYLOAD_ITEMS
from .solutions import Solution

GRADED, TIMED_OUT, CRASHED = "graded", "timed out", "crashed"
NOT_A_NOTEBOOK, MISSING, TOO_LARGE, GRADER_ERROR = "not a notebook", "missing", "too large", "grader error"
STATUSES = (GRADED, TIMED_OUT, CRASHED, NOT_A_NOTEBOOK, MISSING, TOO_LARGE, GRADER_ERROR)
MAX_RECORD_CHARS = 4_000_000


@dataclass
class NotebookGrade:
    """One row of grades.csv, with the feedback behind it."""

    student: str
    notebook: str
    status: str
    max_score: float
    scores: dict[str, float] = field(default_factory=dict)  # question id -> points earned
    feedback: dict[str, Feedback] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what happened to the notebook, for the feedback file
    file: str | None = None

    @property
    def score(self) -> float:
        return sum(self.scores.values())


def _count_items(payload: Any, limit: int) -> int:
    """Items in a JSON payload (every list item and dict value, at any depth), stopping past ``limit``."""
    count, stack = -1, [payload]  # the payload itself is not an item
    while stack and count <= limit:
        item = stack.pop()
        count += 1
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return count


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not plain data")


def read_record(stdout: str, nonce: str) -> tuple[dict | None, str]:
    """The export record in one export cell's output: (record, "") or (None, why it could not be read)."""
    lines = [line[len(nonce):] for line in stdout.splitlines() if line.startswith(nonce)]
    if not lines:
        return None, "missing"
    if len(lines) > 1:
        return None, "repeated"
    text = lines[0]
    if len(text) > MAX_RECORD_CHARS:
        return None, "too large"
    try:
        raw = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        return None, "unreadable"
    if not isinstance(raw, dict) or raw.get("status") not in ("answered", "not attempted", "error"):
        return None, "unreadable"
    record: dict[str, Any] = {"status": raw["status"]}
    if raw["status"] == "answered":
        record["payload"] = raw.get("payload")
        if _count_items(record["payload"], MAX_PAYLOAD_ITEMS) > MAX_PAYLOAD_ITEMS:
            return None, "too large"
    elif raw["status"] == "error":
        record["error"] = str(raw.get("error", ""))[:500]
    return record, ""


def judge(question_id: str, record: dict) -> Feedback:
    """``judge_export`` that never raises: an answer the question cannot read is an incorrect answer."""
    try:
        feedback = judge_export(question_id, record)
    except Exception as error:  # a payload the question's judge did not expect
        return Feedback(question_id, INCORRECT, f"Your answer could not be checked ({type(error).__name__}).", "malformed-answer")
    if feedback.outcome not in (CORRECT, INCORRECT, NOT_ATTEMPTED):
        return Feedback(question_id, INCORRECT, "Your answer could not be checked.", "malformed-answer")
    return feedback


_UNREAD = {
    "missing": "The grader could not read an answer for this question: the export printed nothing it could use "
               "(did the notebook replace print, sys.stdout or kettutor's functions?).",
    "repeated": "The answer to this question was reported more than once in the same check, which only happens "
                "when the notebook's code interferes with the grader; it earns no points.",
    "too large": "The answer to this question is far larger than any answer to it could be; it was not judged.",
    "unreadable": "The answer to this question arrived in a form the grader does not accept "
                  "(did the notebook replace json or kettutor's functions?).",
}


def _int(value) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _code(event: dict) -> str:
    return " ".join(str(event.get("line", "")).replace("`", "'").split())[:80]


def grade_run(student: str, solution: Solution, nonce: str, result: dict[str, Any], cell_timeout: float,
              notebook_timeout: float, file: str | None) -> NotebookGrade:
    """The grade for one executed notebook, from its worker's events."""
    events = result.get("events", [])
    done = next((e for e in events if e.get("event") == "done"), None)
    exports = {}
    for event in events:
        if event.get("event") == "export" and isinstance(event.get("question"), str) and event["question"] not in exports:
            exports[event["question"]] = event
    notes: list[str] = []
    timed_out = any(e.get("event") == "timeout" for e in events)
    if result.get("infrastructure"):
        status = GRADER_ERROR
        notes.append(f"The grader could not run this notebook ({result.get('stderr', '')[:300]}); it should be graded again.")
    elif done is None:
        status = TIMED_OUT if result.get("killed") else CRASHED
        if result.get("killed"):
            notes.append(f"The notebook was stopped: it ran past the grader's hard limit (notebook limit {notebook_timeout:g} s).")
        elif result.get("overflow"):
            notes.append("The notebook was stopped: the process running it reported far more than any notebook could.")
        else:
            notes.append("The notebook stopped the process that was running it; answers checked before that still count.")
    elif done.get("status") == "grader error":
        status = GRADER_ERROR
        notes.append(f"The grader could not run this notebook ({str(done.get('detail', ''))[:300]}); it should be graded again.")
    elif done.get("status") == "crashed":
        status = CRASHED
        notes.append(f"The notebook's kernel stopped: {str(done.get('detail', ''))[:200]} (the code exited, crashed Python or "
                     "broke the kernel); answers checked before that still count.")
    elif done.get("status") == "deadline":
        status = TIMED_OUT
        notes.append(f"The notebook did not finish within {notebook_timeout:g} s; answers checked before that still count.")
    elif done.get("status") == "stuck":
        status = TIMED_OUT
        detail = str(done.get("detail", ""))[:200]
        notes.append(f"{detail[:1].upper()}{detail[1:]}, so the run was stopped there; answers checked before that still count.")
    else:
        status = TIMED_OUT if timed_out else GRADED
        if timed_out:
            notes.append("After each interruption the rest of the notebook still ran; every answer checked counts.")
    interrupted = {e.get("cell") for e in events if e.get("event") == "timeout"}
    for event in events:
        if event.get("event") == "timeout" and isinstance(event.get("question"), str):
            notes.append(f"Checking the answer to {event['question'][:20]} took longer than {cell_timeout:g} s; it was interrupted.")
        elif event.get("event") == "timeout":
            notes.append(f"The cell starting `{_code(event)}` ran longer than {cell_timeout:g} s and was interrupted.")
        elif event.get("event") == "error" and not (event.get("cell") in interrupted and event.get("ename") == "KeyboardInterrupt"):
            notes.append(f"The cell starting `{_code(event)}` raised {str(event.get('ename', ''))[:100]}: "
                         f"{' '.join(str(event.get('evalue', '')).split())[:200]}".rstrip(": "))
        elif event.get("event") == "output_dropped" and not event.get("question"):
            notes.append(f"The cell starting `{_code(event)}` printed {_int(event.get('bytes')) // 1000:,} kB of output; "
                         "the grader does not keep the output of your cells.")
    grade = NotebookGrade(student, solution.name, status, solution.max_score, notes=notes, file=file)
    for question in solution.questions:
        event = exports.get(question.id)
        if event is None:
            stopped = {CRASHED: "crashed", TIMED_OUT: "ran out of time", GRADER_ERROR: "could not be run"}.get(status, "stopped")
            feedback = Feedback(question.id, NOT_ATTEMPTED, f"The notebook {stopped} before this answer was checked.")
        else:
            record, why = read_record(str(event.get("stdout", "")), nonce)
            if record is not None:
                feedback = judge(question.id, record)
            elif event.get("timed_out"):
                feedback = Feedback(question.id, INCORRECT, f"Checking this answer took longer than {cell_timeout:g} s.", "too-slow")
            else:
                feedback = Feedback(question.id, INCORRECT if why != "missing" else NOT_ATTEMPTED, _UNREAD[why])
        fraction = feedback.score if feedback.outcome == CORRECT else 0.0
        fraction = min(1.0, max(0.0, fraction)) if isinstance(fraction, (int, float)) and math.isfinite(fraction) else 0.0
        grade.feedback[question.id] = feedback
        grade.scores[question.id] = question.points * fraction
    return grade


def unrun(student: str, solution: Solution, status: str, why: str, file: str | None) -> NotebookGrade:
    """A row for a notebook that was not run (missing, not a notebook, too large)."""
    grade = NotebookGrade(student, solution.name, status, solution.max_score, notes=[why], file=file)
    for question in solution.questions:
        grade.feedback[question.id] = Feedback(question.id, NOT_ATTEMPTED, why[:1].upper() + why[1:] + ".")
        grade.scores[question.id] = 0.0
    return grade
