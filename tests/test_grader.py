"""The grader: every submission, however broken or hostile, gets a row with a score and a status.

The submissions in tests/fixtures/grading/submissions/ (built by make_submissions.py there from exercise and
solution 01) answer only question L01.q1, so the expected scores below come from the bank's points for the
questions of solution 01, whatever their number. Time limits are small (10 s per cell, 60 s per notebook)
so that the infinite loops cost little.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat
import pytest

from kettutor.grade import cli
from kettutor.grade.instrument import EXPORT_MARK, instrument
from kettutor.grade.judge import read_record
from kettutor.grade.solutions import parse_solution
from kettutor.grade.submissions import parse_notebook
from kettutor.teach import bank
from kettutor.teach.questions import MAX_PAYLOAD_ITEMS

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "grading" / "submissions"
NOTEBOOK = "01_one_dose.ipynb"
SOLUTION = ROOT / "solutions" / NOTEBOOK
Q1 = "L01.q1"
LIMITS = ["--cell-timeout", "10", "--notebook-timeout", "60", "--jobs", "2", "--quiet"]

# What each submission must get: (status, outcome of L01.q1). Every other question is unanswered.
EXPECTED = {
    "ada": ("graded", "correct"),  # right answer
    "ben": ("graded", "incorrect"),  # the ng/mL slip
    "cai": ("graded", "not attempted"),  # handed in untouched
    "eve": ("timed out", "correct"),  # infinite loop before the answer: interrupted, the rest still runs
    "fay": ("crashed", "correct"),  # os._exit after the answer: what was checked before still counts
    "hal": ("crashed", "correct"),  # sys.exit (caught by IPython) before the answer, exit() after it
    "jon": ("graded", "correct"),  # about 20 MB of output
    "kim": ("not a notebook", "not attempted"),  # not valid JSON
    "lee": ("not a notebook", "not attempted"),  # JSON, not a notebook
    "max": ("not a notebook", "not attempted"),  # empty file
    "ned": ("missing", "not attempted"),  # a name that matches no exercise
    "oli": ("graded", "correct"),  # "01_one_dose (1).ipynb"
    "pam": ("missing", "not attempted"),  # empty folder
    "quinn": ("graded", "correct"),  # nbgrader's student/assignment/notebook depth (and a checkpoint to skip)
    "rex": ("graded", "correct"),  # deletes and edits the files around it, then answers
    "sam": ("graded", "incorrect"),  # replaces check, assert_answer, export_for_grader, judge_export
    "uma": ("crashed", "not attempted"),  # replaces print and json.dumps, which breaks the kernel's own messages
    "vic": ("graded", "correct"),  # shadows print and json in its own namespace
    "wes": ("graded", "incorrect"),  # forges a record with the grader's nonce
    "xia": ("crashed", "correct"),  # kills the process running it, after the answer
    "yan": ("graded", "correct"),  # deleted the check cell: the answer is read at the end
    "zoe": ("timed out", "correct"),  # an infinite loop that ignores interrupts, after the answer
}
TAMPERING = ("sam", "uma", "wes")
JUDGED_WRONG = ("sam", "wes")  # their tampering left the kernel working: the grader read and judged their answer


def solution_questions() -> list[str]:
    """Question ids graded by solution 01, read from its nbgrader metadata (not from the grader)."""
    notebook = nbformat.read(SOLUTION, as_version=4)
    return [c.metadata["nbgrader"]["grade_id"] for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade")]


def points(question_id: str) -> float:
    return float(bank.find(question_id, "exercise").points)


def expected_row(student: str) -> dict[str, str]:
    status, outcome = EXPECTED[student]
    questions = solution_questions()
    earned = {q: (points(q) if q == Q1 and outcome == "correct" else 0.0) for q in questions}
    row = {"student": student, "notebook": NOTEBOOK, "score": sum(earned.values()),
           "max_score": sum(points(q) for q in questions), "status": status}
    return {key: _text(value) for key, value in {**row, **earned}.items()}


def _text(value) -> str:
    return value if isinstance(value, str) else f"{value:g}"


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text())))


def sandbox_with(tmp: Path, students: dict[str, Path]) -> Path:
    """A folder marked as a sandbox (the only place the hostile fixtures touch) with submissions and solution 01."""
    sandbox = tmp / "sandbox"
    (sandbox / "solutions").mkdir(parents=True)
    (sandbox / "KETTUTOR_GRADE_TEST_SANDBOX").write_text("")
    shutil.copy(SOLUTION, sandbox / "solutions" / NOTEBOOK)
    for student, source in students.items():
        shutil.copytree(source, sandbox / "submissions" / student)
    return sandbox


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    """Every fixture submission graded once, by the command line in its own process (paths on its command line)."""
    sandbox = sandbox_with(tmp_path_factory.mktemp("hostile"), {p.name: p for p in sorted(FIXTURES.iterdir())})
    out = sandbox / "out"
    command = [sys.executable, "-m", "kettutor.grade", str(sandbox / "submissions"), "--solutions", str(sandbox / "solutions"),
               "--out", str(out / "grades.csv"), "--report", str(out / "report.html"), *LIMITS]
    done = subprocess.run(command, cwd=sandbox, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return sandbox, out, done


def test_the_fixtures_cover_every_submission():
    assert sorted(p.name for p in FIXTURES.iterdir()) == sorted(EXPECTED)


def test_every_submission_gets_a_row_with_a_score_and_a_status(hostile_run):
    _, out, _ = hostile_run
    rows = read_csv(out / "grades.csv")
    assert list(rows[0]) == ["student", "notebook", "score", "max_score", "status", *solution_questions()]
    assert [r["student"] for r in rows] == sorted(EXPECTED)
    for row in rows:
        assert row == expected_row(row["student"]), row["student"]


def test_tampering_earns_nothing_and_is_judged_by_the_grader(hostile_run):
    _, out, _ = hostile_run
    rows = {r["student"]: r for r in read_csv(out / "grades.csv")}
    for student in TAMPERING:
        assert rows[student]["score"] == "0" and rows[student][Q1] == "0", student
    for student in JUDGED_WRONG:
        text = (out / "feedback" / f"{student}.md").read_text()
        assert re.search(rf"\| {re.escape(Q1)} \| 0 / \S+ \| incorrect \|", text), student
    assert "more than once" in (out / "feedback" / "wes.md").read_text()  # the forged line and the real one


def test_feedback_explains_each_lost_point_with_the_banks_message(hostile_run):
    _, out, _ = hostile_run
    question = bank.find(Q1, "exercise")
    slip = question.judge(question.target * 1000)  # ben's answer: the bank says what is wrong with it
    ben = (out / "feedback" / "ben.md").read_text()
    assert slip.misconception and f"`{slip.misconception}`" in ben and slip.message in ben
    assert question.prompt in ben
    assert "not attempted" in (out / "feedback" / "cai.md").read_text()
    assert "not valid JSON" in (out / "feedback" / "kim.md").read_text()
    assert "homework.ipynb matches no exercise" in (out / "feedback" / "ned.md").read_text()
    assert "was graded as 01_one_dose.ipynb" in (out / "feedback" / "oli.md").read_text()
    assert "while True" in (out / "feedback" / "eve.md").read_text()  # names the cell that was interrupted
    assert "kB of output" in (out / "feedback" / "jon.md").read_text()
    ada = (out / "feedback" / "ada.md").read_text()
    assert f"| {Q1} | {_text(points(Q1))} / {_text(points(Q1))} | correct |" in ada


def test_the_vandal_really_destroyed_the_inputs_and_nobody_lost_a_grade(hostile_run):
    sandbox, out, _ = hostile_run
    assert not (sandbox / "submissions").exists() and not (sandbox / "solutions").exists()
    assert not (sandbox / "KETTUTOR_GRADE_TEST_SANDBOX").exists()
    assert (out / "grades.csv").exists()  # written by the grader afterwards, from what it had read first


def test_the_report_has_one_chart_per_question_and_names_the_misconceptions(hostile_run):
    _, out, _ = hostile_run
    report = (out / "report.html").read_text()
    charts = re.findall(r"<figure class='question' data-question='([^']+)'[^>]*><svg", report)
    assert charts == solution_questions()
    question = bank.find(Q1, "exercise")
    assert question.judge(question.target * 1000).misconception in report
    assert "http://" not in report.replace("http://www.w3.org", "") and "<script" not in report  # works offline


@pytest.fixture(scope="module")
def small_course(tmp_path_factory):
    """A few submissions in nbgrader's course layout, plus one with every answer from the solution."""
    tmp = tmp_path_factory.mktemp("course")
    full = tmp / "full"
    full.mkdir()
    solution = nbformat.read(SOLUTION, as_version=4)
    for cell in solution.cells:  # the student who gets everything right: the solution without its hidden tests
        cell.source = re.sub(r"^[ \t]*### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS[^\n]*\n?", "", cell.source, flags=re.M | re.S)
    nbformat.write(solution, full / NOTEBOOK)
    course = tmp / "course" / "submitted"
    for student, source in {"ada": FIXTURES / "ada", "fay": FIXTURES / "fay", "kim": FIXTURES / "kim", "zz-full": full}.items():
        shutil.copytree(source, course / student / "ps01")
    return tmp / "course"


def grade_in_process(course: Path, out: Path, *extra: str) -> str:
    assert cli.main([str(course), "--solutions", str(ROOT / "solutions"), "--notebook", NOTEBOOK,
                     "--out", str(out / "grades.csv"), *LIMITS, *extra]) == 0
    return (out / "grades.csv").read_text()


def test_grades_are_the_same_on_a_second_run_and_through_a_dask_cluster(small_course, hostile_run, tmp_path):
    distributed = pytest.importorskip("distributed")
    local = grade_in_process(small_course, tmp_path / "local")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cluster:
        through_dask = grade_in_process(small_course, tmp_path / "dask", "--dask-scheduler", cluster.scheduler_address)
    assert through_dask == local
    for student in ("fay", "zz-full"):
        assert (tmp_path / "dask" / "feedback" / f"{student}.md").read_text() == (tmp_path / "local" / "feedback" / f"{student}.md").read_text()
    rows = {r["student"]: r for r in read_csv(tmp_path / "local" / "grades.csv")}
    first_run = {r["student"]: r for r in read_csv(hostile_run[1] / "grades.csv")}
    for student in ("ada", "fay", "kim"):  # the same rows as in the first run, in another layout
        assert rows[student] == first_run[student]
    assert rows["zz-full"]["status"] == "graded" and rows["zz-full"]["score"] == rows["zz-full"]["max_score"]


def test_bad_command_lines_name_the_option(tmp_path, capsys):
    assert cli.main([str(tmp_path / "nowhere")]) == 2
    assert "SUBMISSIONS" in capsys.readouterr().err
    (tmp_path / "subs" / "ada").mkdir(parents=True)
    (tmp_path / "empty").mkdir()
    assert cli.main([str(tmp_path / "subs"), "--solutions", str(tmp_path / "empty")]) == 2
    assert "--solutions" in capsys.readouterr().err
    assert cli.main([str(tmp_path / "subs"), "--solutions", str(tmp_path / "missing")]) == 2
    assert "--solutions" in capsys.readouterr().err
    assert cli.main([str(tmp_path / "subs"), "--out", str(tmp_path)]) == 2
    assert "--out" in capsys.readouterr().err
    assert cli.main([str(tmp_path / "subs"), "--notebook", "99_nothing.ipynb"]) == 2
    assert "--notebook" in capsys.readouterr().err
    assert cli.main([str(tmp_path / "subs"), "--cell-timeout", "0"]) == 2
    assert "--cell-timeout" in capsys.readouterr().err


def test_the_command_is_installed_by_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["scripts"]["kettutor-grade"] == "kettutor.grade.cli:main"
    assert any(r.startswith("distributed") for r in project["optional-dependencies"]["cluster"])
    assert any(r.startswith("distributed") for r in project["optional-dependencies"]["test"])


def test_hidden_tests_are_read_not_run():
    text = SOLUTION.read_text()
    solution = parse_solution(NOTEBOOK, text)
    assert list(solution.question_ids) == solution_questions()
    assert solution.max_score == sum(points(q) for q in solution_questions())
    hostile = json.loads(text)
    hostile["cells"].append(nbformat.v4.new_code_cell(
        '### BEGIN HIDDEN TESTS\nimport os; os._exit(1)\nassert_answer("L01.q1", oral_cmax_mg_per_l + 0)\n### END HIDDEN TESTS',
        metadata={"nbgrader": {"grade": True, "grade_id": "L01.q1-again", "points": 1}}))
    with pytest.raises(ValueError, match="graded twice"):
        parse_solution(NOTEBOOK, json.dumps(hostile))


def test_export_cells_follow_each_check_or_come_last_when_the_check_was_deleted():
    solution = parse_solution(NOTEBOOK, SOLUTION.read_text())
    notebook, problem = parse_notebook((ROOT / "exercises" / NOTEBOOK).read_bytes())
    assert problem is None
    instrumented, exports = instrument(notebook, solution, "NONCE:")
    assert list(exports.values()) == list(solution.question_ids)
    for index, question in exports.items():
        assert instrumented.cells[index].source.startswith(f"{EXPORT_MARK} {question}")
        assert instrumented.cells[index - 1].metadata["nbgrader"]["grade_id"] == question
    del notebook.cells[[c.metadata.get("nbgrader", {}).get("grade_id") for c in notebook.cells].index(Q1)]
    instrumented, exports = instrument(notebook, solution, "NONCE:")
    assert exports[len(instrumented.cells) - 1] == Q1


def test_only_one_nonce_line_of_plain_data_is_read():
    record = json.dumps({"status": "answered", "payload": 0.1, "outcome": "correct", "score": 1})
    assert read_record(f"noise\nN:{record}\n", "N:") == ({"status": "answered", "payload": 0.1}, "")
    assert read_record(f"N:{record}\nN:{record}\n", "N:") == (None, "repeated")
    assert read_record(f"X:{record}\n", "N:") == (None, "missing")
    assert read_record('N:{"status": "answered", "payload": NaN}', "N:") == (None, "unreadable")
    assert read_record('N:{"status": "correct"}', "N:") == (None, "unreadable")
    assert read_record("N:" + "[" * 100_000, "N:") == (None, "unreadable")
    big = json.dumps({"status": "answered", "payload": list(range(MAX_PAYLOAD_ITEMS + 1))})
    assert read_record(f"N:{big}", "N:") == (None, "too large")
