"""Notebook files that stay clean in git: the same bytes whether written by our scripts or saved by JupyterLab.

JupyterLab fills in the running kernel's details (its display name, the Python version) when it saves a
notebook, so opening a lesson and saving it would mark the file modified although the learner changed
nothing. :func:`before_save` is a Jupyter server pre-save hook that writes those fields in one fixed form
(this module is a Jupyter server extension, enabled by ``etc/jupyter/jupyter_server_config.d/kettutor.json``
which installs with kettutor), and :func:`normalise` gives committed notebooks the same form.

    python -m kettutor.teach.notebook_files lessons solutions exercises   # normalise committed notebooks
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
LANGUAGE_INFO = {"name": "python", "pygments_lexer": "ipython3"}  # nothing that depends on the machine


def normalise_metadata(metadata: dict) -> dict:
    """``metadata`` with the kernel fields in their fixed form (other entries kept)."""
    return {**metadata, "kernelspec": dict(KERNELSPEC), "language_info": dict(LANGUAGE_INFO)}


def before_save(model: dict, path: str = "", contents_manager=None, **_kwargs) -> None:
    """Jupyter server pre-save hook: fix the kernel fields of kettutor notebooks before they are written."""
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    metadata = model["content"].setdefault("metadata", {})
    if "kettutor" in metadata:  # only our lessons, exercises and solutions; a learner's own notebooks are theirs
        model["content"]["metadata"] = normalise_metadata(metadata)


def _jupyter_server_extension_points() -> list[dict]:
    return [{"module": __name__}]


def _load_jupyter_server_extension(serverapp) -> None:
    """Register :func:`before_save` with the running Jupyter server's contents manager."""
    serverapp.contents_manager.register_pre_save_hook(before_save)


def normalise(path: Path) -> bool:
    """Rewrite ``path`` in the fixed form (no outputs are touched); True if it changed."""
    before = path.read_text(encoding="utf-8")
    notebook = nbformat.reads(before, as_version=4)
    notebook.metadata = nbformat.from_dict(normalise_metadata(dict(notebook.metadata)))
    after = nbformat.writes(notebook) + "\n"
    if after != before:
        path.write_text(after, encoding="utf-8")
    return after != before


def main(argv: list[str] | None = None) -> int:
    folders = sys.argv[1:] if argv is None else argv
    for folder in folders:
        for path in sorted(Path(folder).glob("*.ipynb")):
            if normalise(path):
                print(f"normalised {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
