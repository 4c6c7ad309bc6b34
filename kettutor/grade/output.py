"""grades.csv and one feedback file per student, written by the grader's own process once grading is done.

The CSV is deterministic: rows sorted by student then notebook, fixed columns (``student``, ``notebook``,
``score``, ``max_score``, ``status``, then one column per question id in notebook order), numbers written
the same way every time. A question column is empty on the rows of another notebook.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from pathlib import Path

from ..teach import bank
from ..teach.feedback import CORRECT, NOT_ATTEMPTED
from .core import GradingResult
from .judge import GRADED, MISSING, NOT_A_NOTEBOOK, TOO_LARGE, NotebookGrade

COLUMNS = ("student", "notebook", "score", "max_score", "status")
NOT_RUN = (MISSING, NOT_A_NOTEBOOK, TOO_LARGE)
_STATUS_TEXT = {
    "graded": "graded",
    "timed out": "timed out: a time limit stopped part of the notebook",
    "crashed": "crashed: the notebook stopped Python before the end",
    "not a notebook": "not a notebook: the file could not be read as a Jupyter notebook",
    "missing": "missing: no notebook for this exercise was found",
    "too large": "too large: the file was not read",
    "grader error": "grader error: the grader could not run it; it will be graded again",
}


def number(value: float) -> str:
    """A score as text: at most 4 decimals, no trailing zeros (1, 0.5, 2.3333)."""
    text = f"{round(value, 4):.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def csv_text(result: GradingResult) -> str:
    """The whole of grades.csv."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(list(COLUMNS) + result.question_ids)
    for row in result.rows:
        cells = [row.student, row.notebook, number(row.score), number(row.max_score), row.status]
        cells += [number(row.scores[q]) if q in row.scores else "" for q in result.question_ids]
        writer.writerow(cells)
    return buffer.getvalue()


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder, so a reader never sees half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def feedback_file_names(students: list[str]) -> dict[str, str]:
    """A safe, distinct file name (``<student>.md``) for each student."""
    names: dict[str, str] = {}
    used: set[str] = set()
    for student in sorted(students):
        base = re.sub(r"[^A-Za-z0-9._@+-]+", "_", student).strip("._") or "student"
        name, n = f"{base}.md", 1
        while name.lower() in used:
            n += 1
            name = f"{base}-{n}.md"
        used.add(name.lower())
        names[student] = name
    return names


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _points(value: float) -> str:
    return f"{number(value)} point{'' if value == 1 else 's'}"


def feedback_markdown(student: str, rows: list[NotebookGrade], notes: list[str]) -> str:
    """One student's feedback: per notebook the score, what happened to it, and why each point was lost."""
    lines = [f"# Feedback for {student}", ""]
    lines += [f"- {_one_line(note)}" for note in notes] + ([""] if notes else [])
    for row in rows:
        lines += [f"## {row.notebook}: {number(row.score)} / {_points(row.max_score)} ({row.status})", ""]
        if row.status != GRADED:
            lines += [f"Status: {_STATUS_TEXT.get(row.status, row.status)}.", ""]
        lines += [f"- {_one_line(note)}" for note in row.notes] + ([""] if row.notes else [])
        lines += ["| question | points | result |", "| --- | --- | --- |"]
        for qid, feedback in row.feedback.items():
            points = bank.find(qid, "exercise").points
            lines.append(f"| {qid} | {number(row.scores[qid])} / {number(points)} | {feedback.outcome} |")
        lost = [(qid, f) for qid, f in row.feedback.items() if row.scores[qid] < bank.find(qid, "exercise").points]
        if row.status in NOT_RUN:
            lost = []  # the note above says why; the same sentence per question would say nothing more
        if lost:
            lines += ["", "### Where points were lost", ""]
        for qid, feedback in lost:
            question = bank.find(qid, "exercise")
            lines.append(f"**{qid}** ({number(row.scores[qid])} of {_points(question.points)}, {feedback.outcome}): {question.prompt}")
            lines.append("")
            message = _one_line(feedback.message) or ("No answer was given." if feedback.outcome == NOT_ATTEMPTED else "")
            lines.append(f"> {message}")
            if feedback.misconception:
                lines.append(f">\n> Misconception: `{feedback.misconception}`.")
            if feedback.outcome != CORRECT and question.hints:
                lines.append(f">\n> Hint: {question.hints[0]}")
            lines.append("")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def write_outputs(result: GradingResult, out: Path | str, feedback_dir: Path | str) -> list[Path]:
    """Write grades.csv and the feedback files; returns the paths written."""
    out, feedback_dir = Path(out), Path(feedback_dir)
    write_atomic(out, csv_text(result))
    written = [out]
    by_student: dict[str, list[NotebookGrade]] = {}
    for row in result.rows:
        by_student.setdefault(row.student, []).append(row)
    names = feedback_file_names(list(by_student))
    for student, rows in by_student.items():
        path = feedback_dir / names[student]
        write_atomic(path, feedback_markdown(student, rows, result.student_notes.get(student, [])))
        written.append(path)
    return written
