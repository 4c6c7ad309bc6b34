"""One dependency source: environment.yml agrees with pyproject.toml; CI runs the README's test command."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def package_name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_lists_the_runtime_and_lab_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {package_name(r) for r in project["dependencies"] + project["optional-dependencies"]["lab"]}
    lines = (ROOT / "environment.yml").read_text().splitlines()
    conda = {package_name(line.strip()[2:]) for line in lines if line.strip().startswith("- ")} - {"conda-forge"}
    assert wanted <= conda, f"missing from environment.yml: {wanted - conda}"
    assert conda - wanted <= {"python", "pip"}, f"only in environment.yml: {conda - wanted - {'python', 'pip'}}"


def test_python_versions_agree():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["requires-python"] == ">=3.11"
    assert "python=3.11" in (ROOT / "environment.yml").read_text()


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    return re.findall(r"```bash\n(.+?)\n```", text)


def test_readme_has_the_two_setup_commands():
    commands = readme_commands()
    assert any("jupyter lab lessons/" in c for c in commands)
    assert any("pytest" in c for c in commands)


def test_ci_runs_the_readme_test_command_verbatim():
    test_command = next(c for c in readme_commands() if "pytest" in c)
    ci = (ROOT / ".ci" / "run").read_text()
    assert "set -euo pipefail" in ci
    assert test_command in ci.splitlines()


def test_binder_postbuild_installs_the_package():
    post_build = (ROOT / "postBuild").read_text()
    assert "set -euo pipefail" in post_build and "pip install" in post_build
