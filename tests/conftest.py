"""Shared test set-up."""

from pathlib import Path

import kettutor

ROOT = Path(__file__).resolve().parents[1]

# Tests must exercise this checkout's package, never another installed copy.
assert Path(kettutor.__file__).resolve().parent == ROOT / "kettutor", (
    f"tests import kettutor from {kettutor.__file__}, not from {ROOT}; reinstall with pip install -e ."
)
