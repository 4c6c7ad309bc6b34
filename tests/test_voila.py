"""The first lesson as an app: Voila serves it, runs every cell on its own kernel and sends the page with the
apps' widgets and none of the code cells' errors."""

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LESSON = ROOT / "lessons" / "00_start_here.ipynb"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def voila_page():
    pytest.importorskip("voila", reason="Voila comes with the test and lab extras")
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "voila", str(LESSON), "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=120) as response:
                    yield response.status, response.read().decode()
                break
            except (ConnectionError, urllib.error.URLError):
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.5)
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_voila_renders_the_first_lesson_as_an_app(voila_page):
    status, page = voila_page
    assert status == 200
    assert "Start here: run a simulated patient" in page
    assert "not medical advice" in page
    assert page.count("application/vnd.jupyter.widget-view+json") == 2  # the explorer and the escalation app
    assert "application/vnd.jupyter.stderr" not in page and "Traceback" not in page
    assert "apps.dose_frequency_holiday_explorer()" not in page  # Voila hides the code
