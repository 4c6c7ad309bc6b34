"""The students' exercises/ are generated from solutions/, are in sync, and run with only their own stubs failing."""

import json
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from kettutor.teach import bank
from kettutor.teach.make_exercises import generate, stub_code

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))
EXERCISES = sorted((ROOT / "exercises").glob("*.ipynb"))


def test_one_solution_notebook_per_lesson_from_01():
    lessons = sorted(p.name[:2] for p in (ROOT / "lessons").glob("[0-9][0-9]_*.ipynb") if not p.name.startswith("00"))
    assert sorted(p.name[:2] for p in SOLUTIONS) == lessons


def test_exercises_are_generated_from_solutions_and_in_sync(tmp_path):
    generate(ROOT / "solutions", tmp_path)
    generated = sorted(p.name for p in tmp_path.glob("*.ipynb"))
    assert generated == [p.name for p in EXERCISES]
    for name in generated:
        assert (tmp_path / name).read_text() == (ROOT / "exercises" / name).read_text(), f"regenerate: {name}"


def graded_cells(path: Path) -> list[dict]:
    cells = json.loads(path.read_text())["cells"]
    return [c for c in cells if c.get("metadata", {}).get("nbgrader", {}).get("grade")]


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_solution_has_three_to_six_known_questions_with_hidden_tests(path):
    cells = graded_cells(path)
    assert 3 <= len(cells) <= 6
    lesson = path.name[:2]
    for cell in cells:
        question_id = cell["metadata"]["nbgrader"]["grade_id"]
        assert question_id.startswith(f"L{lesson}.q") and question_id in bank.exercises()
        assert cell["metadata"]["nbgrader"]["points"] == bank.exercises()[question_id].points
        source = "".join(cell["source"])
        assert f'check("{question_id}"' in source and f'assert_answer("{question_id}"' in source
        assert "### BEGIN HIDDEN TESTS" in source


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_design_task_from_lesson_04_on(path):
    if int(path.name[:2]) < 4:
        pytest.skip("design tasks start with lesson 04")
    text = json.loads(path.read_text())
    kinds = {type(bank.exercises()[c["metadata"]["nbgrader"]["grade_id"]]).__name__ for c in graded_cells(path)}
    assert "Task" in kinds, "at least one design task (a Task checked by simulation)"


def test_stub_keeps_signature_and_docstring_and_names_the_exercise():
    region = 'def peak(dose_mg_per_kg: float) -> float:\n    """Peak in mg/L."""\n    return dose_mg_per_kg * 2\nanswer = peak(1)\n'
    stub = stub_code(region, "", "L09.q9")
    assert 'def peak(dose_mg_per_kg: float) -> float:\n    """Peak in mg/L."""\n    raise NotImplementedError("L09.q9: write peak")' in stub
    assert "answer = ...  # your answer to L09.q9" in stub and "return" not in stub


@pytest.mark.parametrize("path", EXERCISES, ids=lambda p: p.name)
def test_exercise_runs_top_to_bottom_with_only_its_own_stubs_failing(path):
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=120, allow_errors=True, kernel_name="python3").execute()
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                assert output["ename"] == "NotImplementedError", f"{output['ename']}: {output['evalue']}"
    graded = [c for c in notebook.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade")]
    for cell in graded:
        shown = json.dumps(cell.get("outputs", []))
        assert "Not attempted" in shown, f"{cell['metadata']['nbgrader']['grade_id']} should say not attempted"
