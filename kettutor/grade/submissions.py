"""Reading the students' notebooks into memory before anything runs.

Two folder layouts are accepted:

- one folder per student, holding that student's notebooks (what nbgrader's ``submitted/`` and most
  learning platforms export): ``SUBMISSIONS/<student>/01_one_dose.ipynb``;
- nbgrader's course layout, ``SUBMISSIONS/submitted/<student>/<assignment>/01_one_dose.ipynb`` (any depth
  below the student's folder is searched).

A notebook is matched to a solution by file name; when there is no exact match, a single file whose name
contains the solution's name (``01_one_dose (1).ipynb``, ``smith_01_one_dose.ipynb``) is taken and the
feedback says so. Symbolic links and hidden folders are skipped.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

MAX_NOTEBOOK_BYTES = 64 * 1024 * 1024
_SKIP_PARTS = {".ipynb_checkpoints", "__MACOSX"}


class SubmissionsError(ValueError):
    """The SUBMISSIONS argument cannot be read."""


@dataclass(frozen=True)
class StudentFiles:
    """The notebooks found in one student's folder: relative path -> bytes (None when too large)."""

    student: str
    files: dict[str, bytes | None] = field(default_factory=dict)
    skipped: tuple[str, ...] = ()


@dataclass(frozen=True)
class Match:
    """The file chosen for one (student, solution) pair, or none."""

    path: str | None
    data: bytes | None
    note: str = ""


def students_root(root: Path) -> Path:
    """The folder holding one folder per student (``root`` itself, or nbgrader's ``root/submitted``)."""
    if not root.is_dir():
        raise SubmissionsError(f"SUBMISSIONS: {root} is not a folder (expected one folder per student)")
    nbgrader = root / "submitted"
    return nbgrader if nbgrader.is_dir() and not nbgrader.is_symlink() else root


def _hidden(part: str) -> bool:
    return part.startswith(".") or part in _SKIP_PARTS


def read_student(folder: Path) -> StudentFiles:
    """Every notebook under one student's folder, read into memory now (symbolic links are not followed)."""
    files: dict[str, bytes | None] = {}
    skipped: list[str] = []
    for directory, subfolders, names in os.walk(folder, followlinks=False):
        subfolders[:] = sorted(d for d in subfolders if not _hidden(d))
        for name in sorted(names):
            path = Path(directory) / name
            relative = path.relative_to(folder).as_posix()
            if _hidden(name) or not name.lower().endswith(".ipynb"):
                continue
            if path.is_symlink() or not path.is_file():
                skipped.append(f"{relative} (not a regular file)")
                continue
            size = path.stat().st_size
            files[relative] = None if size > MAX_NOTEBOOK_BYTES else path.read_bytes()
    return StudentFiles(folder.name, dict(sorted(files.items())), tuple(skipped))


def read_submissions(root: Path | str) -> list[StudentFiles]:
    """Every student's notebooks, sorted by student."""
    base = students_root(Path(root))
    students = [p for p in sorted(base.iterdir()) if p.is_dir() and not p.is_symlink() and not _hidden(p.name)]
    if not students:
        raise SubmissionsError(f"SUBMISSIONS: {base} holds no student folders (expected one folder per student)")
    return [read_student(folder) for folder in students]


def _normalise(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def match(student: StudentFiles, solution_name: str, taken: set[str]) -> Match:
    """The student's file for ``solution_name``: exact name first, then one file whose name contains it."""
    by_name = sorted(p for p in student.files if Path(p).name == solution_name)
    if not by_name:
        by_name = sorted(p for p in student.files if Path(p).name.lower() == solution_name.lower())
    if by_name:
        chosen = by_name[0]
        note = f"more than one {solution_name} was found ({', '.join(by_name)}); {chosen} was graded" if len(by_name) > 1 else ""
        return Match(chosen, student.files[chosen], note)
    stem = _normalise(Path(solution_name).stem)
    close = sorted(p for p in student.files if p not in taken and stem in _normalise(Path(p).stem))
    if len(close) == 1:
        return Match(close[0], student.files[close[0]], f"{close[0]} was graded as {solution_name} (rename it next time)")
    if close:
        return Match(None, None, f"more than one file could be {solution_name} ({', '.join(close)}); none was graded")
    return Match(None, None)


def parse_notebook(data: bytes | None):
    """(notebook, None) for a usable notebook, else (None, (status, why))."""
    import nbformat

    if data is None:
        return None, ("too large", f"the file is larger than {MAX_NOTEBOOK_BYTES // (1024 * 1024)} MB")
    if not data.strip():
        return None, ("not a notebook", "the file is empty")
    try:
        raw = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        return None, ("not a notebook", f"the file is not valid JSON ({str(error)[:120]})")
    if not isinstance(raw, dict) or not isinstance(raw.get("cells"), list):
        return None, ("not a notebook", "the file is JSON but not a Jupyter notebook (it has no list of cells)")
    cells = []
    for cell in raw["cells"]:
        if not isinstance(cell, dict) or cell.get("cell_type") not in ("code", "markdown", "raw"):
            continue
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(s, str) for s in source):
            source = "".join(source)
        if not isinstance(source, str):
            continue
        metadata = cell.get("metadata") if isinstance(cell.get("metadata"), dict) else {}
        nbgrader = metadata.get("nbgrader") if isinstance(metadata.get("nbgrader"), dict) else None
        kept = {"nbgrader": {k: v for k, v in nbgrader.items() if k in ("grade_id", "grade", "solution", "locked", "points")}} if nbgrader else {}
        make = {"code": nbformat.v4.new_code_cell, "markdown": nbformat.v4.new_markdown_cell, "raw": nbformat.v4.new_raw_cell}
        cells.append(make[cell["cell_type"]](source=source, metadata=kept))
    notebook = nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    return notebook, None
