"""Grading a folder of submissions: read everything, run each notebook in isolation, judge here, write once."""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..teach import bank
from ..teach.feedback import CORRECT
from .instrument import instrument
from .judge import MISSING, NotebookGrade, grade_run, unrun
from .runner import run_dask, run_local
from .solutions import Solution, SolutionsError, load_solutions
from .submissions import StudentFiles, match, parse_notebook, read_submissions

PACKAGE = Path(__file__).resolve().parents[1]


class GradingError(ValueError):
    """Bad input to the grader, named by the option it came from."""


@dataclass(frozen=True)
class Options:
    """How notebooks run: time limits in seconds, memory per notebook in MB (0: no limit), parallelism."""

    cell_timeout: float = 60.0
    notebook_timeout: float = 600.0
    memory_mb: int = 4096
    jobs: int | None = None  # default: os.cpu_count()
    dask_scheduler: str | None = None
    notebooks: tuple[str, ...] = ()  # solution notebooks to grade; default: every one somebody submitted
    progress: bool = True
    kernel_name: str = "python3"
    startup_timeout: float = 60.0

    def check(self) -> None:
        for name in ("cell_timeout", "notebook_timeout", "startup_timeout"):
            if not getattr(self, name) > 0:
                raise GradingError(f"--{name.replace('_', '-')} must be a positive number of seconds; got {getattr(self, name)!r}")
        if self.jobs is not None and self.jobs < 1:
            raise GradingError(f"--jobs must be at least 1; got {self.jobs!r}")
        if self.memory_mb < 0:
            raise GradingError(f"--memory-limit must be a number of MB, or 0 for no limit; got {self.memory_mb!r}")


@dataclass
class GradingResult:
    """Every row (sorted by student, then notebook), the question columns, and warnings for the instructor."""

    rows: list[NotebookGrade]
    solutions: dict[str, Solution]
    question_ids: list[str]
    student_notes: dict[str, list[str]] = field(default_factory=dict)  # files not graded, per student
    warnings: list[str] = field(default_factory=list)


def package_fingerprint() -> dict[str, str]:
    """SHA-256 of every source and bytecode file of the installed kettutor package (to notice a notebook editing it)."""
    prints = {}
    for path in sorted([*PACKAGE.rglob("*.py"), *PACKAGE.rglob("*.pyc")]):
        try:
            prints[path.relative_to(PACKAGE).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            prints[path.relative_to(PACKAGE).as_posix()] = "unreadable"
    return prints


def warm_up_judges(solutions: dict[str, Solution]) -> None:
    """Judge every question's reference answer now, before any student code runs.

    Everything the judges need is then imported and cached in this process, and a bank whose reference
    answer is not judged correct stops the run before anyone is graded against it.
    """
    for solution in solutions.values():
        for graded in solution.questions:
            question = bank.find(graded.id, "exercise")
            payload = json.loads(json.dumps(question.export(question.reference_answer()), allow_nan=False))
            feedback = question.judge(payload)
            if feedback.outcome != CORRECT:
                raise SolutionsError(f"{graded.id}: the bank's reference answer is judged {feedback.outcome} ({feedback.message})")


def _select(solutions: dict[str, Solution], students: list[StudentFiles], wanted: Sequence[str]) -> dict[str, Solution]:
    if wanted:
        unknown = [name for name in wanted if name not in solutions]
        if unknown:
            raise GradingError(f"--notebook: no solution named {', '.join(unknown)}; solutions are {', '.join(solutions)}")
        return {name: solutions[name] for name in sorted(wanted)}
    exact = set(solutions)
    chosen = {}
    for name, solution in solutions.items():
        for student in students:
            taken = {p for p in student.files if Path(p).name in exact}
            if match(student, name, taken).path is not None:
                chosen[name] = solution
                break
    if not chosen:
        raise GradingError(f"SUBMISSIONS: no student notebook matches a solution ({', '.join(solutions)})")
    return chosen


def grade(submissions: Path | str, solutions: Path | str | None = None, options: Options | None = None) -> GradingResult:
    """Grade every student's notebooks in ``submissions`` against ``solutions`` (see :mod:`kettutor.grade`)."""
    options = options or Options()
    options.check()
    all_solutions = load_solutions(solutions)
    students = read_submissions(submissions)  # everything is in memory from here on
    selected = _select(all_solutions, students, options.notebooks)
    for solution in selected.values():
        if solution.problem:
            raise SolutionsError(f"--solutions: {solution.problem}")
    warm_up_judges(selected)
    before = package_fingerprint()

    run_root = None if options.dask_scheduler else tempfile.mkdtemp(prefix="kettutor-grade-run-")
    rows: list[NotebookGrade] = []
    student_notes: dict[str, list[str]] = {}
    jobs, pending = [], []  # pending: (student, solution, nonce, file) per job
    exact = set(all_solutions)
    for student in students:
        taken = {p for p in student.files if Path(p).name in exact}
        used = set()
        for name, solution in selected.items():
            found = match(student, name, taken)
            if found.path is None:
                present = ", ".join(student.files) or "no notebooks"
                why = found.note or f"no notebook named {name} was found (found: {present})"
                rows.append(unrun(student.student, solution, MISSING, why, None))
                continue
            used.add(found.path)
            notebook, problem = parse_notebook(found.data)
            if notebook is None:
                status, why = problem
                rows.append(unrun(student.student, solution, status, f"{found.path}: {why}", found.path))
                continue
            nonce = "KGX" + secrets.token_hex(16) + ":"
            instrumented, export_cells = instrument(notebook, solution, nonce)
            jobs.append({
                "notebook": instrumented, "export_cells": {str(k): v for k, v in export_cells.items()},
                "cell_timeout": options.cell_timeout, "notebook_timeout": options.notebook_timeout,
                "memory_mb": options.memory_mb or None, "kernel_name": options.kernel_name,
                "startup_timeout": options.startup_timeout, "workdir_root": run_root,
            })
            pending.append((student.student, solution, nonce, found.path, found.note))
        unused = [p for p in student.files if p not in used]
        notes = [f"{p} matches no exercise being graded and was not graded." for p in unused]
        notes += [f"{p} was skipped." for p in student.skipped]
        student_notes[student.student] = notes

    warnings: list[str] = []
    results = (run_dask(jobs, options.dask_scheduler, [f"kettutor-grade-{i}-{secrets.token_hex(6)}" for i in range(len(jobs))])
               if options.dask_scheduler else run_local(jobs, options.jobs or os.cpu_count() or 1))
    bar = _progress(len(jobs), options.progress)
    try:
        for index, result in results:
            student, solution, nonce, path, note = pending[index]
            row = grade_run(student, solution, nonce, result, options.cell_timeout, options.notebook_timeout, path)
            if note:
                row.notes.insert(0, note[:1].upper() + note[1:] + ".")
            rows.append(row)
            if row.status in ("crashed", "grader error") and result.get("returncode") not in (0, None) and result.get("stderr"):
                warnings.append(f"{student}/{solution.name}: the worker exited with {result['returncode']}: {result['stderr'][-300:]}")
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
        if run_root:
            shutil.rmtree(run_root, ignore_errors=True)
    after = package_fingerprint()
    # a new .pyc is Python caching a module first imported during the run; anything else is an edit
    changed = sorted({p for p in before if after.get(p) != before[p]} | {p for p in after if p not in before and not p.endswith(".pyc")})
    if changed:
        warnings.append("kettutor's own files changed while notebooks ran (" + ", ".join(changed[:5]) + "): a notebook may "
                        "have edited them, which can change later notebooks' runs. Reinstall kettutor and grade again "
                        "in an isolated environment.")
    rows.sort(key=lambda r: (r.student, r.notebook))
    question_ids = [q for solution in selected.values() for q in solution.question_ids]
    return GradingResult(rows, selected, question_ids, student_notes, warnings)


def _progress(total: int, show: bool):
    if not show or total == 0:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, unit="notebook", desc="grading", file=sys.stderr)
