"""The first lesson as an app: Voila serves it, runs every cell on its own kernel and sends the page with the
apps' widgets and none of the code cells' errors."""

import sys
import urllib.request
from pathlib import Path

import pytest
from servers import free_port, running

ROOT = Path(__file__).resolve().parents[1]
LESSON = ROOT / "lessons" / "00_start_here.ipynb"


@pytest.fixture(scope="module")
def voila_page():
    pytest.importorskip("voila", reason="Voila comes with the test and lab extras")
    port = free_port()
    command = [sys.executable, "-m", "voila", str(LESSON), "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1"]
    with running(command, port, "Voila") as url, urllib.request.urlopen(url + "/", timeout=120) as response:
        yield response.status, response.read().decode()


def test_voila_renders_the_first_lesson_as_an_app(voila_page):
    status, page = voila_page
    assert status == 200
    assert "Start here: run a simulated patient" in page
    assert "not medical advice" in page
    assert page.count("application/vnd.jupyter.widget-view+json") == 2  # the explorer and the escalation app
    assert "application/vnd.jupyter.stderr" not in page and "Traceback" not in page
    assert "apps.dose_frequency_holiday_explorer()" not in page  # Voila hides the code
