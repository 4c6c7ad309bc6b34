"""The instrumented copy of a student's notebook: an export cell after each graded check.

Each export cell prints one line, a random nonce followed by ``export_for_grader``'s JSON for that
question. Only that line, in that cell's own output, is read; it carries the answer as plain data and the
grader judges it in its own process. Nothing in the kernel (``check``, ``assert_answer``, a replaced
``print``) can say that an answer is correct.
"""

from __future__ import annotations

import re

from .solutions import GradedQuestion, Solution

EXPORT_MARK = "# kettutor-grade: export"


def export_source(question: GradedQuestion, nonce: str) -> str:
    """The export cell for one question: names imported here, so no name in the notebook shadows them."""
    return (
        f"{EXPORT_MARK} {question.id} (added by the grader)\n"
        "import builtins as _kettutor_grade_builtins\n"
        "import kettutor.teach.exercise as _kettutor_grade_exercise\n"
        f"_kettutor_grade_builtins.print({nonce!r} + _kettutor_grade_exercise.export_for_grader("
        f"{question.id!r}, lambda: ({question.expression})))"
    )


def _grade_id(cell) -> str | None:
    value = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
    return value if isinstance(value, str) else None


def _anchor(cells, question: GradedQuestion) -> int | None:
    """Index of the cell the export follows: the check cell by grade_id, else the one calling check("<id>")."""
    for index, cell in enumerate(cells):
        if cell.cell_type == "code" and _grade_id(cell) == question.grade_id:
            return index
    call = re.compile(r"\bcheck\(\s*['\"]" + re.escape(question.id) + r"['\"]")
    for index, cell in enumerate(cells):
        if cell.cell_type == "code" and call.search(cell.source):
            return index
    return None


def instrument(notebook, solution: Solution, nonce: str):
    """(instrumented notebook, {cell index: question id}) for one student's notebook and its solution.

    A question whose check cell the student deleted is exported at the end of the notebook.
    """
    import nbformat

    cells = list(notebook.cells)
    after: dict[int, list[GradedQuestion]] = {}
    at_end: list[GradedQuestion] = []
    for question in solution.questions:
        index = _anchor(cells, question)
        (after.setdefault(index, []) if index is not None else at_end).append(question)
    new_cells, export_cells = [], {}

    def add_export(question: GradedQuestion) -> None:
        export_cells[len(new_cells)] = question.id
        new_cells.append(nbformat.v4.new_code_cell(export_source(question, nonce)))

    for index, cell in enumerate(cells):
        new_cells.append(cell)
        for question in after.get(index, []):
            add_export(question)
    for question in at_end:
        add_export(question)
    result = nbformat.v4.new_notebook(cells=new_cells, metadata=dict(notebook.metadata))
    return result, export_cells
