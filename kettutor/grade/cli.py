"""Command line: ``kettutor-grade SUBMISSIONS --out grades.csv`` (also ``python -m kettutor.grade``)."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from .core import GradingError, Options, grade
from .runner import DaskUnavailable
from .solutions import DEFAULT_SOLUTIONS, SolutionsError
from .submissions import SubmissionsError

EPILOG = """\
statuses: graded, timed out (a cell or the notebook ran past its limit; answers checked still count),
crashed (the notebook stopped Python; answers checked before that count), not a notebook, missing,
too large, grader error (run it again). Exit status: 0 when every notebook could be run, 1 when the
grader needs a look (a grader error: grade again), 2 for bad input.
"""


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="kettutor-grade", description="Grade kettutor exercise notebooks: one row per student and notebook.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("submissions", metavar="SUBMISSIONS", type=Path,
                   help="folder with one folder per student (or nbgrader's course folder holding submitted/)")
    p.add_argument("--out", type=Path, default=Path("grades.csv"), help="the grades CSV to write (default: grades.csv)")
    p.add_argument("--solutions", type=Path, default=None,
                   help=f"folder of solution notebooks with hidden tests (default: {DEFAULT_SOLUTIONS})")
    p.add_argument("--feedback", type=Path, default=None,
                   help="folder for one feedback file per student (default: feedback/ next to the CSV)")
    p.add_argument("--report", type=Path, default=None, help="also write a class report (HTML with charts, works offline)")
    p.add_argument("--notebook", action="append", default=[], metavar="NAME",
                   help="grade only this solution notebook (repeatable; default: every one somebody submitted)")
    p.add_argument("--jobs", type=int, default=None, help="notebooks run at once (default: the number of cores)")
    p.add_argument("--cell-timeout", type=float, default=Options.cell_timeout, metavar="S",
                   help=f"seconds a cell may run before it is interrupted (default: {Options.cell_timeout:g})")
    p.add_argument("--notebook-timeout", type=float, default=Options.notebook_timeout, metavar="S",
                   help=f"seconds a whole notebook may run (default: {Options.notebook_timeout:g})")
    p.add_argument("--memory-limit", type=int, default=Options.memory_mb, metavar="MB",
                   help=f"memory per notebook in MB, 0 for no limit (default: {Options.memory_mb})")
    p.add_argument("--dask-scheduler", metavar="ADDRESS", default=None,
                   help="run the notebooks on an existing Dask cluster (needs the 'cluster' extra)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if threading.current_thread() is not threading.main_thread():
        return _main(args)
    previous = signal.signal(signal.SIGTERM, _interrupt)  # stop the way Ctrl-C does: running notebooks are killed
    try:
        return _main(args)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _main(args: argparse.Namespace) -> int:
    options = Options(
        cell_timeout=args.cell_timeout, notebook_timeout=args.notebook_timeout, memory_mb=args.memory_limit,
        jobs=args.jobs, dask_scheduler=args.dask_scheduler, notebooks=tuple(args.notebook), progress=not args.quiet,
    )
    out = args.out
    if out.exists() and out.is_dir():
        print(f"kettutor-grade: error: --out: {out} is a folder; give the CSV file to write", file=sys.stderr)
        return 2
    try:
        from .output import write_outputs

        result = grade(args.submissions, args.solutions, options)
    except (GradingError, SolutionsError, SubmissionsError) as error:
        print(f"kettutor-grade: error: {error}", file=sys.stderr)
        return 2
    except DaskUnavailable as error:
        print(f"kettutor-grade: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("kettutor-grade: interrupted; nothing was written", file=sys.stderr)
        return 130
    feedback = args.feedback if args.feedback is not None else out.parent / "feedback"
    write_outputs(result, out, feedback)
    if args.report is not None:
        from .report import write_report

        write_report(result, args.report)
    for warning in result.warnings:
        print(f"kettutor-grade: warning: {warning}", file=sys.stderr)
    counts: dict[str, int] = {}
    for row in result.rows:
        counts[row.status] = counts.get(row.status, 0) + 1
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    print(f"wrote {out} ({len(result.rows)} rows: {summary}) and feedback in {feedback}"
          + (f"; report {args.report}" if args.report else ""))
    return 1 if counts.get("grader error", 0) else 0
