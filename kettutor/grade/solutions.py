"""The authored solution notebooks, read once: which questions each grades, and how to read each answer.

A graded check cell carries nbgrader metadata (``grade: true``, ``grade_id: "L01.q1"``, ``points``) and a
hidden-test region::

    check("L01.q1", oral_cmax_mg_per_l)
    ### BEGIN HIDDEN TESTS
    assert_answer("L01.q1", oral_cmax_mg_per_l)
    ### END HIDDEN TESTS

The region is parsed with :mod:`ast`, never run: each ``assert_answer("<id>", <expression>)`` call names a
question and the expression that reads the student's answer. Points come from ``kettutor.teach.bank``.
"""

from __future__ import annotations

import ast
import json
import re
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

from ..teach import bank

_HIDDEN = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS[^\n]*\n(.*?)^[ \t]*### END HIDDEN TESTS", re.M | re.S)
ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SOLUTIONS = ROOT / "solutions"


class SolutionsError(ValueError):
    """The solutions cannot be graded with (missing folder, no notebooks, a hidden test the grader cannot read)."""


@dataclass(frozen=True)
class GradedQuestion:
    """One question a solution notebook grades."""

    id: str
    points: float
    expression: str  # Python expression that reads the answer in the student's kernel
    grade_id: str  # nbgrader grade_id of the check cell the answer is exported after


@dataclass(frozen=True)
class Solution:
    """One solution notebook: its file name and the questions its hidden tests grade, in notebook order."""

    name: str
    questions: tuple[GradedQuestion, ...]
    problem: str | None = None  # why the notebook cannot be graded with (it is then graded only if asked for)

    @property
    def max_score(self) -> float:
        return sum(q.points for q in self.questions)

    @property
    def question_ids(self) -> tuple[str, ...]:
        return tuple(q.id for q in self.questions)


def _nbgrader(cell: dict) -> dict:
    metadata = cell.get("metadata") if isinstance(cell, dict) else None
    value = metadata.get("nbgrader") if isinstance(metadata, dict) else None
    return value if isinstance(value, dict) else {}


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _is_assert_answer(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    return (isinstance(func, ast.Name) and func.id == "assert_answer") or (
        isinstance(func, ast.Attribute) and func.attr == "assert_answer"
    )


def hidden_answers(source: str, where: str) -> list[tuple[str, str]]:
    """(question id, answer expression) for every ``assert_answer`` call in the hidden tests of ``source``."""
    found = []
    for region in _HIDDEN.findall(source):
        try:
            tree = ast.parse(textwrap.dedent(region))
        except SyntaxError as error:
            raise SolutionsError(f"{where}: the hidden tests are not valid Python: {error}") from error
        for node in ast.walk(tree):
            if not _is_assert_answer(node):
                continue
            arguments = list(node.args) + [k.value for k in node.keywords if k.arg in ("question_id", "answer")]
            if len(arguments) != 2 or not (isinstance(arguments[0], ast.Constant) and isinstance(arguments[0].value, str)):
                raise SolutionsError(f"{where}: write the hidden test as assert_answer(\"<question id>\", <answer>); got {ast.unparse(node)}")
            found.append((arguments[0].value, ast.unparse(arguments[1])))
    return found


def parse_solution(name: str, text: str) -> Solution:
    """The questions graded by one solution notebook (its JSON text)."""
    try:
        notebook = json.loads(text)
        cells = notebook["cells"]
    except (ValueError, KeyError, TypeError) as error:
        raise SolutionsError(f"solution {name} is not a notebook: {error}") from error
    questions: list[GradedQuestion] = []
    exercises = bank.exercises()
    for index, cell in enumerate(cells):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        meta = _nbgrader(cell)
        where = f"solution {name}, cell {index}" + (f" ({meta['grade_id']})" if meta.get("grade_id") else "")
        for question_id, expression in hidden_answers(_source(cell), where):
            if question_id not in exercises:
                raise SolutionsError(f"{where}: hidden test grades {question_id!r}, which kettutor.teach.bank does not define")
            if any(q.id == question_id for q in questions):
                raise SolutionsError(f"{where}: {question_id} is graded twice")
            points = float(exercises[question_id].points)
            if "points" in meta and meta.get("grade") and _as_float(meta["points"]) != points:
                print(f"warning: {where}: nbgrader points {meta['points']} differ from the bank's {points:g} "
                      f"for {question_id}; the bank's count", file=sys.stderr)
            questions.append(GradedQuestion(question_id, points, expression, str(meta.get("grade_id") or question_id)))
    return Solution(name, tuple(questions))


def _as_float(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def load_solutions(folder: Path | str | None = None) -> dict[str, Solution]:
    """Every solution notebook in ``folder`` (default: the repository's ``solutions/``), by file name.

    A notebook that cannot be read, or whose hidden tests cannot be, comes back with its ``problem`` set;
    :func:`kettutor.grade.grade` refuses it only if it is to be graded.
    """
    folder = Path(folder) if folder is not None else DEFAULT_SOLUTIONS
    if not folder.is_dir():
        raise SolutionsError(f"--solutions: {folder} is not a folder of solution notebooks")
    solutions = {}
    for path in sorted(folder.glob("*.ipynb")):
        try:
            solution = parse_solution(path.name, path.read_text(encoding="utf-8"))
        except (SolutionsError, OSError, UnicodeDecodeError) as error:
            solutions[path.name] = Solution(path.name, (), str(error))
            continue
        if solution.questions:
            solutions[path.name] = solution
    if not solutions:
        raise SolutionsError(f"--solutions: {folder} holds no notebook with hidden tests (assert_answer calls)")
    return solutions
