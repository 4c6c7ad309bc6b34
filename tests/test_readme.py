"""Every Python example in the README runs, and the output the README shows is what it prints."""

import contextlib
import io
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
BLOCKS = re.findall(r"```(python|text)\n(.*?)```", README, re.S)


def test_the_readme_has_examples():
    assert sum(kind == "python" for kind, _ in BLOCKS) >= 2


def test_every_python_example_runs_and_prints_what_the_readme_shows():
    for index, (kind, code) in enumerate(BLOCKS):
        if kind != "python":
            continue
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(code, f"README example {index}", "exec"), {})
        following = BLOCKS[index + 1] if index + 1 < len(BLOCKS) else None
        if following and following[0] == "text":
            assert printed.getvalue().strip() == following[1].strip(), "update the README's shown output"
