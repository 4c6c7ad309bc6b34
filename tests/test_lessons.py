"""Every lesson has the parts docs/authoring.md asks for, and together they teach every topic."""

import json
import re
from pathlib import Path

import pytest

from kettutor.teach import TOPICS
from kettutor.teach.bank import self_checks

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))
COURSE = [p for p in LESSONS if not p.name.startswith("00_")]
EXPECTED_LESSONS = [f"{n:02d}" for n in range(1, 12)]


def notebook(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def sources(path: Path, kind: str) -> list[str]:
    return ["".join(c["source"]) for c in notebook(path)["cells"] if c["cell_type"] == kind]


def lesson_number(path: Path) -> str:
    return path.name[:2]


def test_the_course_has_lessons_01_to_11():
    assert [lesson_number(p) for p in COURSE] == EXPECTED_LESSONS


def topics_by_lesson() -> dict[str, list[str]]:
    return {p.name: notebook(p)["metadata"].get("kettutor", {}).get("topics", []) for p in LESSONS}


def test_every_topic_is_taught_and_every_listed_topic_exists():
    taught: dict[str, list[str]] = {topic: [] for topic in TOPICS}
    unknown = []
    for lesson, topics in topics_by_lesson().items():
        for topic in topics:
            if topic in taught:
                taught[topic].append(lesson)
            else:
                unknown.append((lesson, topic))
    assert not unknown, f"unknown topic ids: {unknown}"
    missing = [topic for topic, lessons in taught.items() if not lessons]
    assert not missing, f"topics no lesson teaches: {missing}"


@pytest.mark.parametrize("path", COURSE, ids=lambda p: p.name)
def test_lesson_metadata_names_its_number_title_and_topics(path):
    meta = notebook(path)["metadata"].get("kettutor", {})
    assert meta.get("lesson") == lesson_number(path)
    assert meta.get("title") and meta.get("topics")


@pytest.mark.parametrize("path", COURSE, ids=lambda p: p.name)
def test_lesson_has_objectives_disclaimer_app_prediction_self_checks_and_summary(path):
    markdown = sources(path, "markdown")
    code = "\n".join(sources(path, "code"))
    first_two = " ".join(markdown[:2])
    assert "educational model, not medical advice" in first_two.lower(), "the disclaimer belongs near the top"
    assert any(re.search(r"^## Learning objectives", m, re.M) for m in markdown[:3]), "objectives at the top"
    assert re.search(r"^## Summary", markdown[-1], re.M) or re.search(r"^## Summary", markdown[-2], re.M), "summary at the end"
    assert re.search(r"\bapps\.\w+\(", code), "at least one slider app"
    assert any("Predict, then check" in m for m in markdown), "a predict-then-check prompt"
    number = lesson_number(path)
    predictions = re.findall(r'teach\.predict\("(L\d\d\.p\d+)"\)', code)
    quizzes = re.findall(r'teach\.quiz\("(L\d\d\.s\d+)"\)', code)
    assert predictions, "a prediction widget (teach.predict)"
    assert 2 <= len(quizzes) <= 4, f"two to four self-checks, found {quizzes}"
    for question_id in predictions + quizzes:
        assert question_id.startswith(f"L{number}."), f"{question_id} belongs to another lesson"
        assert question_id in self_checks(), f"{question_id} is not in kettutor.teach.bank"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_lesson_reads_correctly_in_voila(path):
    """Voila shows no code and runs everything itself: prose must not ask the reader to run cells."""
    text = "\n".join(sources(path, "markdown"))
    for phrase in ("Shift + Enter", "Shift+Enter", "Run the cell", "run the cell", "cell below", "code cell"):
        assert phrase not in text, f"{path.name} says {phrase!r}, which a Voila reader cannot do"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_lesson_code_stays_short(path):
    for cell in sources(path, "code"):
        assert len(cell.strip().splitlines()) <= 6, f"long code cell in {path.name}: move the logic into kettutor/\n{cell}"


def test_every_lesson_self_check_is_used_by_its_lesson():
    used = set()
    for path in COURSE:
        used |= set(re.findall(r'teach\.(?:quiz|predict)\("(L\d\d\.[sp]\d+)"\)', "\n".join(sources(path, "code"))))
    orphans = sorted(set(self_checks()) - used)
    assert not orphans, f"self-checks no lesson shows: {orphans}"
