"""``python -m kettutor.validation [--check] [--docs DIR]``: evaluate every target and write (or check) the report.

Writes ``docs/validation.md``, its charts under ``docs/validation/`` and ``docs/parameters.md``. With ``--check``
nothing is written and the exit status is 1 if a committed markdown file differs from what would be generated.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import report
from .targets import TARGETS, evaluate_all

DEFAULT_DOCS = Path(__file__).resolve().parents[2] / "docs"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kettutor.validation", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that the committed files are in sync")
    parser.add_argument("--docs", type=Path, default=DEFAULT_DOCS, help=f"docs folder (default: {DEFAULT_DOCS})")
    args = parser.parse_args(argv)
    if not args.docs.is_dir():
        parser.error(f"--docs must be an existing folder; got {args.docs}.")

    began = time.perf_counter()
    results = evaluate_all(TARGETS)
    print(f"evaluated {len(results)} targets in {time.perf_counter() - began:.1f} s", file=sys.stderr)
    print(report.summary(results).strip("*"), file=sys.stderr)
    for result in results:
        if result.status == "FAIL":
            print(f"  FAIL {report.describe(result)}", file=sys.stderr)

    if args.check:
        stale = report.stale_files(results, args.docs)
        for name in stale:
            print(f"{args.docs / name} is out of date; run python -m kettutor.validation", file=sys.stderr)
        return 1 if stale else 0
    for path in report.write(results, args.docs):
        print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
