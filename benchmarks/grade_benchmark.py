"""Grading benchmark: 30 students hand in exercise 01 filled in from its solution; how long does grading take?

    python benchmarks/grade_benchmark.py [--students 30] [--jobs N] [--record]

Every notebook runs the whole way (kernel start, kettutor's imports, every answer, every export) with the
grader's default time limits, on ``--jobs`` cores (default: all of them). The run fails (exit status 1) if a
notebook is not graded with full marks or the run takes longer than the target. ``--record`` writes the
figures into the "## Grading" section of docs/benchmarks.md (appended if missing; the rest is left as it is).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import tempfile
import time
from datetime import date
from pathlib import Path

import nbformat

from kettutor.grade import Options, grade, write_outputs

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = "01_one_dose.ipynb"
TARGET_S = 180.0  # 30 submissions of one exercise notebook on a 2-core machine
COMMAND = "python benchmarks/grade_benchmark.py --record"


def solved_notebook() -> nbformat.NotebookNode:
    """Solution 01 without its hidden tests: what a student who answers everything hands in."""
    notebook = nbformat.read(ROOT / "solutions" / NOTEBOOK, as_version=4)
    for cell in notebook.cells:
        cell.source = re.sub(r"^[ \t]*### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS[^\n]*\n?", "", cell.source, flags=re.M | re.S)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return notebook


def with_section(text: str, section: str) -> str:
    """``text`` with its "## Grading" section replaced by ``section`` (appended when there is none)."""
    found = re.search(r"^## Grading\n.*?(?=^## |\Z)", text, flags=re.M | re.S)
    if found is None:
        return text.rstrip("\n") + "\n\n" + section
    rest = text[found.end():]
    return text[: found.start()] + section + ("\n" + rest if rest else "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=os.cpu_count())
    parser.add_argument("--record", action="store_true", help="write the result into docs/benchmarks.md")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="kettutor-grade-benchmark-") as tmp:
        submissions = Path(tmp) / "submissions"
        notebook = solved_notebook()
        for n in range(args.students):
            (submissions / f"student{n:03d}").mkdir(parents=True)
            nbformat.write(notebook, submissions / f"student{n:03d}" / NOTEBOOK)
        load_before = os.getloadavg()[0]
        start = time.perf_counter()
        result = grade(submissions, options=Options(jobs=args.jobs, notebooks=(NOTEBOOK,), progress=True))
        write_outputs(result, Path(tmp) / "grades.csv", Path(tmp) / "feedback")
        seconds = time.perf_counter() - start
        load_after = os.getloadavg()[0]
    questions = len(result.solutions[NOTEBOOK].questions)
    full = sum(1 for r in result.rows if r.status == "graded" and r.score == r.max_score)
    ok = full == args.students and seconds <= TARGET_S
    rows = [
        ("submissions / questions in each", f"{args.students} / {questions}"),
        ("graded with full marks", f"{full} of {args.students}"),
        (f"wall time, {args.jobs} jobs", f"{seconds:.0f} s (target <= {TARGET_S:g} s)"),
        ("per notebook (wall time x jobs / notebooks)", f"{seconds * args.jobs / args.students:.1f} s"),
        ("load average before / after", f"{load_before:.1f} / {load_after:.1f}"),
    ]
    table = "| measure | value |\n| --- | --- |\n" + "\n".join(f"| {a} | {b} |" for a, b in rows)
    print(table)
    print("OK" if ok else "TARGET MISSED")
    if args.record:
        machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
        section = (
            "## Grading\n\n"
            f"Measured by `{COMMAND}` on {date.today()} ({machine}). {args.students} students each hand in exercise "
            f"01 filled in from its solution; `kettutor-grade` runs every notebook in a fresh kernel with its default "
            "time limits (60 s per cell, 600 s per notebook), judges every answer and writes the CSV and the feedback "
            "files. Most of each notebook's time is starting the kernel and importing kettutor and its question "
            "bank. Target: 30 submissions in under 3 minutes on 2 cores.\n\n" + table + "\n"
        )
        path = ROOT / "docs" / "benchmarks.md"
        path.write_text(with_section(path.read_text(), section))
        print(f"recorded in {path}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
