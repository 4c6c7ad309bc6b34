"""Generate the students' ``exercises/`` from the authored ``solutions/`` (nbgrader's markers).

    python -m kettutor.teach.make_exercises [SOLUTIONS_DIR] [EXERCISES_DIR]

- ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` in a code cell becomes a stub: a function keeps its
  signature and docstring and raises ``NotImplementedError`` naming the exercise; an assigned answer
  becomes ``name = ...`` (which the checks read as "not attempted"), so later cells keep running.
- In a markdown cell the region becomes "*Your answer here.*"
- ``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN TESTS`` is removed (the grader re-inserts it).
- Outputs and execution counts are cleared. The output is deterministic, so a test can compare it.
"""

from __future__ import annotations

import ast
import re
import sys
import textwrap
from pathlib import Path

import nbformat

from .notebook_files import normalise_metadata

BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
_REGION = re.compile(r"^([ \t]*)### BEGIN SOLUTION[^\n]*\n(.*?)^[ \t]*### END SOLUTION[^\n]*(\n|$)", re.M | re.S)
_HIDDEN = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS.*?^[ \t]*### END HIDDEN TESTS[^\n]*(\n|$)", re.M | re.S)
ROOT = Path(__file__).resolve().parents[2]


def question_of(cell) -> str:
    """The exercise id a cell belongs to (``L03.q2``), from its nbgrader ``grade_id``."""
    grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
    return grade_id.split("-")[0] or "this exercise"


def stub_code(region: str, indent: str, question_id: str) -> str:
    """The stub for one solution region of Python code."""
    body = textwrap.dedent(region)
    try:
        tree = ast.parse(body)
    except SyntaxError as error:
        raise ValueError(f"{question_id}: the solution region is not valid Python: {error}") from error
    lines: list[str] = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            lines.extend(_function_stub(body, node, question_id))
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = ", ".join(ast.unparse(t) for t in targets)
            lines.append(f"{names} = ...  # your answer to {question_id}")
        # other statements are the solution's working: the student writes their own
    if not lines:
        lines.append(f"# your code for {question_id}")
    return "".join(f"{indent}{line}\n" if line else "\n" for line in lines)


def _function_stub(source: str, node: ast.FunctionDef, question_id: str) -> list[str]:
    header_end = node.body[0].lineno - 1
    source_lines = source.splitlines()
    decorators = [f"@{ast.unparse(d)}" for d in node.decorator_list]
    signature = source_lines[node.lineno - 1 : header_end]
    if not signature or not signature[-1].rstrip().endswith(":"):  # one-line def: keep only the header
        signature = [ast.unparse(node).splitlines()[0]] if not signature else signature
    lines = decorators + signature
    body_indent = " " * (node.body[0].col_offset)
    docstring = ast.get_docstring(node, clean=False)
    if docstring is not None:
        first = node.body[0]
        lines.extend(source_lines[first.lineno - 1 : first.end_lineno])
    lines.append(f'{body_indent}raise NotImplementedError("{question_id}: write {node.name}")')
    lines.append("")
    return lines


def exercise_source(cell) -> str:
    """The student's version of one cell's source."""
    source = _HIDDEN.sub("", cell.source)
    question_id = question_of(cell)
    if cell.cell_type == "code":
        source = _REGION.sub(lambda m: stub_code(m.group(2), m.group(1), question_id), source)
    else:
        source = _REGION.sub(lambda m: f"{m.group(1)}*Your answer here.*\n", source)
    if BEGIN_SOLUTION in source or BEGIN_HIDDEN in source:
        raise ValueError(f"{question_id}: unmatched solution or hidden-test marker")
    return source.rstrip("\n")


def exercise_notebook(solution: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The exercise notebook generated from one solution notebook."""
    notebook = nbformat.v4.new_notebook(metadata=normalise_metadata(dict(solution.metadata)))
    for cell in solution.cells:
        new = nbformat.from_dict({key: value for key, value in cell.items() if key not in ("id",)})
        new.source = exercise_source(cell)
        if new.cell_type == "code":
            new.outputs, new.execution_count = [], None
        notebook.cells.append(new)
    for index, cell in enumerate(notebook.cells):
        cell["id"] = f"cell-{index:02d}"
    return notebook


def generate(solutions: Path = ROOT / "solutions", exercises: Path = ROOT / "exercises") -> list[Path]:
    """Write one exercise notebook per solution notebook; returns the paths written."""
    exercises.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted(solutions.glob("*.ipynb")):
        notebook = exercise_notebook(nbformat.read(path, as_version=4))
        target = exercises / path.name
        target.write_text(nbformat.writes(notebook) + "\n", encoding="utf-8")
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    solutions = Path(args[0]) if args else ROOT / "solutions"
    exercises = Path(args[1]) if len(args) > 1 else ROOT / "exercises"
    for path in generate(solutions, exercises):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
