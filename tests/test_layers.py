"""The package's floors (docs/authoring.md, README): imports only point down, so each floor can be read alone.

science (0) < patient, regimen (1) < solver (2) < analysis, policies (3) < teach (4) < validation (4.5) < grade (5).
The validation report checks what the lessons' apps show as well as the model, so it sits above teach.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "kettutor"
FLOORS = {"_validate": -1, "science": 0, "patient": 1, "regimen": 1, "solver": 2, "analysis": 3, "policies": 3,
          "teach": 4, "validation": 4.5, "grade": 5}  # fmt: skip


def floor_of(module: str) -> int | None:
    parts = module.split(".")
    return FLOORS.get(parts[1]) if len(parts) > 1 and parts[0] == "kettutor" else None


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> set[str]:
    """kettutor modules ``path`` imports, at the top of the file or inside functions."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            names = [f"{target}.{a.name}" for a in node.names] if not node.module else [target]
            found.update(n for n in names if n.startswith("kettutor"))
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("kettutor"))
    return found


MODULES = [p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts and p.parent != PACKAGE or p.stem not in ("__init__",) and p.parent == PACKAGE]


@pytest.mark.parametrize("path", [p for p in MODULES if floor_of(module_name(p)) is not None], ids=lambda p: module_name(p))
def test_imports_point_down(path):
    own = floor_of(module_name(path))
    upward = [m for m in imported(path) if (floor_of(m) or -1) > own]
    assert not upward, f"{module_name(path)} (floor {own}) imports from a higher floor: {upward}"


def test_simulate_does_not_import_the_cohorts_built_on_it():
    assert not any("cohort" in m for m in imported(PACKAGE / "solver" / "simulate.py"))
