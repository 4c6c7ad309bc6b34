"""Notebooks are committed clean and say what kettutor is; nbval executes every lesson (see pyproject)."""

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for folder in ("lessons", "exercises", "solutions") for p in (ROOT / folder).glob("*.ipynb"))
LESSONS = [p for p in NOTEBOOKS if p.parent.name == "lessons"]


def test_there_is_a_first_lesson():
    assert (ROOT / "lessons" / "00_start_here.ipynb") in LESSONS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_notebooks_are_committed_without_outputs(path):
    cells = json.loads(path.read_text())["cells"]
    for cell in cells:
        if cell["cell_type"] == "code":
            assert not cell["outputs"] and cell["execution_count"] is None, f"{path.name} has outputs"
            assert "import *" not in "".join(cell["source"])


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_lessons_say_they_are_an_educational_model(path):
    text = "".join("".join(c["source"]) for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "markdown")
    assert "educational model, not medical advice" in text


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_notebooks_carry_kettutor_metadata_in_the_form_jupyterlab_saves(path, tmp_path):
    """Saving an unchanged notebook in JupyterLab must not change its file (see kettutor.teach.notebook_files)."""
    from kettutor.teach.notebook_files import normalise

    scratch = tmp_path / path.name
    scratch.write_bytes(path.read_bytes())
    assert "kettutor" in json.loads(path.read_text())["metadata"], "kettutor metadata marks our notebooks"
    assert not normalise(scratch), f"run: python -m kettutor.teach.notebook_files {path.parent.name}"
