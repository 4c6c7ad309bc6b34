"""The first lesson in real JupyterLab, driven by a real browser (Debian's Chromium through Playwright),
with every request that leaves this machine blocked: the apps' charts must render from the offline
bundle, and dragging a slider must re-simulate and redraw.

Skipped when Chromium or Playwright is missing, unless KETTUTOR_REQUIRE_BROWSER=1 (as in CI), where a
missing browser is a failure.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
REQUIRED = os.environ.get("KETTUTOR_REQUIRE_BROWSER") == "1"


def _need(condition: bool, reason: str) -> None:
    if not condition:
        if REQUIRED:
            pytest.fail(f"{reason} (KETTUTOR_REQUIRE_BROWSER=1)")
        pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _settings(folder: Path) -> Path:
    """JupyterLab settings: render every cell (no windowing) and fetch no news."""
    for plugin, text in (
        ("notebook-extension/tracker", '{"windowingMode": "none"}'),
        ("apputils-extension/notification", '{"fetchNews": "false"}'),
    ):
        path = folder / "@jupyterlab" / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return folder


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    _need(CHROMIUM is not None, "Debian's chromium is not installed")
    try:
        import jupyterlab  # noqa: F401
        import playwright  # noqa: F401
    except ImportError as missing:
        _need(False, f"{missing.name} is not installed")
    work = tmp_path_factory.mktemp("lab")
    shutil.copy(ROOT / "lessons" / "00_start_here.ipynb", work)
    port = _free_port()
    command = [
        sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root", f"--port={port}",
        "--ServerApp.ip=127.0.0.1", "--IdentityProvider.token=", "--ServerApp.password=",
        f"--ServerApp.root_dir={work}", f"--LabApp.user_settings_dir={_settings(work / 'settings')}",
        f"--LabApp.workspaces_dir={work / 'workspaces'}",
    ]  # fmt: skip
    environment = dict(os.environ, JUPYTER_RUNTIME_DIR=str(work / "runtime"))
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/lab", timeout=5)
                break
            except (ConnectionError, urllib.error.URLError):
                assert server.poll() is None and time.monotonic() < deadline, "JupyterLab did not start"
                time.sleep(0.5)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_lesson_apps_render_offline_and_respond_to_a_slider_in_jupyterlab(lab):
    from playwright.sync_api import sync_playwright

    left_the_machine = []

    def local_only(route):
        if urlparse(route.request.url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            left_the_machine.append(route.request.url)
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.route("**/*", local_only)
            errors = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(f"{lab}/lab/tree/00_start_here.ipynb")
            page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
            page.wait_for_selector("text=Python 3 (ipykernel) | Idle", timeout=90_000)
            page.click("div.lm-MenuBar-itemLabel:text('Run')")
            page.click("text=Run All Cells")
            # both apps draw their Vega charts, from the offline bundle (nothing may leave the machine)
            page.wait_for_function("document.querySelectorAll('.vega-embed svg, .vega-embed canvas').length >= 2", timeout=120_000)
            assert page.locator("text=JavaScript Error").count() == 0
            readout = page.locator("text=of the first session's dissociation peak").first
            assert readout.inner_text().startswith("Session 24:")
            # drag 'Dose every (days)' to its minimum, 1 day: released, it re-simulates daily dosing
            slider = page.locator(".widget-slider", has=page.locator("text=Dose every (days)"))
            handle = slider.locator(".noUi-handle")
            handle.scroll_into_view_if_needed()
            box, track = handle.bounding_box(), slider.locator(".noUi-target").bounding_box()
            page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            page.mouse.down()
            page.mouse.move(track["x"], box["y"] + box["height"] / 2, steps=8)
            page.mouse.up()
            page.wait_for_selector("text=Session 84:", timeout=60_000)
            assert slider.locator(".widget-readout").inner_text().strip() == "1.00"
            assert page.locator("text=JavaScript Error").count() == 0
        finally:
            browser.close()
    assert not [url for url in left_the_machine if any(cdn in url for cdn in ("esm.sh", "jsdelivr", "unpkg"))]
    assert not errors, errors
