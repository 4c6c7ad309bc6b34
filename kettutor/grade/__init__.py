"""Grade students' exercise notebooks: ``kettutor-grade SUBMISSIONS --out grades.csv``.

Every notebook runs in a fresh kernel, in its own worker process and temporary folder, with a time limit
per cell and per notebook and a cap on what it may print. After each graded check the grader adds an
export cell derived from the solution's hidden test (``assert_answer("<id>", <answer>)``); that cell prints
the answer as plain data behind a random nonce, and the grader judges the data in its own process with the
question bank. Nothing a notebook replaces in its kernel (``check``, ``assert_answer``, ``print``) can mark
an answer correct, and every submission, however broken, gets a row with a score and a status.

>>> from kettutor.grade import Options, grade, write_outputs, write_report   # doctest: +SKIP
>>> result = grade("submissions/", options=Options(jobs=2))                   # doctest: +SKIP
>>> write_outputs(result, "grades.csv", "feedback")                           # doctest: +SKIP
>>> write_report(result, "report.html")                                       # doctest: +SKIP

See docs/instructors.md for the folder layout, the options and the trust model.
"""

from .core import GradingError, GradingResult, Options, grade
from .judge import STATUSES, NotebookGrade
from .output import csv_text, write_outputs
from .report import report_html, write_report
from .solutions import Solution, SolutionsError, load_solutions

__all__ = [
    "STATUSES",
    "GradingError",
    "GradingResult",
    "NotebookGrade",
    "Options",
    "Solution",
    "SolutionsError",
    "csv_text",
    "grade",
    "load_solutions",
    "report_html",
    "write_outputs",
    "write_report",
]
