"""The first lesson in real JupyterLab and in Voila, driven by a real browser (Debian's Chromium through
Playwright), with every request that leaves this machine blocked: the apps' charts must render from the
offline bundle, and dragging a slider must re-simulate and redraw.

Skipped when Chromium or Playwright is missing, unless KETTUTOR_REQUIRE_BROWSER=1 (as in CI), where a
missing browser is a failure.
"""

import importlib.util
import os
import shutil
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest
from servers import free_port, running

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
REQUIRED = os.environ.get("KETTUTOR_REQUIRE_BROWSER") == "1"
LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))


def _need(condition: bool, reason: str) -> None:
    if not condition:
        if REQUIRED:
            pytest.fail(f"{reason} (KETTUTOR_REQUIRE_BROWSER=1)")
        pytest.skip(reason)


def _settings(folder: Path) -> Path:
    """JupyterLab settings: render every cell (no windowing) and fetch no news."""
    for plugin, text in (
        ("notebook-extension/tracker", '{"windowingMode": "none"}'),
        ("apputils-extension/notification", '{"fetchNews": "false"}'),
        ("docmanager-extension/plugin", '{"autosave": false}'),  # the lessons' copies change only when a test saves
    ):
        path = folder / "@jupyterlab" / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return folder


@pytest.fixture(scope="module")
def lab(lab_server):
    return lab_server[0]


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory):
    _need(CHROMIUM is not None, "Debian's chromium is not installed")
    for module in ("jupyterlab", "playwright"):
        _need(importlib.util.find_spec(module) is not None, f"{module} is not installed")
    work = tmp_path_factory.mktemp("lab")
    for lesson in LESSONS:
        shutil.copy(lesson, work)
    port = free_port()
    command = [
        sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root", f"--port={port}",
        "--ServerApp.ip=127.0.0.1", "--IdentityProvider.token=", "--ServerApp.password=",
        f"--ServerApp.root_dir={work}", f"--LabApp.user_settings_dir={_settings(work / 'settings')}",
        f"--LabApp.workspaces_dir={work / 'workspaces'}", "--LabApp.expose_app_in_browser=True",
    ]  # fmt: skip
    environment = dict(os.environ, JUPYTER_RUNTIME_DIR=str(work / "runtime"))
    with running(command, port, "JupyterLab", env=environment) as url:
        yield url, work


CHARTS_DRAWN = "document.querySelectorAll('.vega-embed svg, .vega-embed canvas').length >= 2"


@pytest.fixture
def page():
    """A Chromium page that may reach only this machine; yields (page, blocked URLs, page errors)."""
    from playwright.sync_api import sync_playwright

    blocked, errors = [], []

    def local_only(route):
        if urlparse(route.request.url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            tab = browser.new_page(viewport={"width": 1400, "height": 1000})
            tab.route("**/*", local_only)
            tab.on("pageerror", lambda error: errors.append(str(error)))
            yield tab, blocked, errors
        finally:
            browser.close()


def _explore_daily_dosing(tab) -> None:
    """Check the explorer's first readout, drag 'Dose every (days)' to its minimum (1 day) and wait for
    the re-simulated readout: 84 daily sessions instead of 24 twice-weekly ones."""
    assert tab.locator("text=of the first session's dissociation peak").first.inner_text().startswith("Session 24:")
    slider = tab.locator(".widget-slider", has=tab.locator("text=Dose every (days)"))
    handle = slider.locator(".noUi-handle")
    handle.scroll_into_view_if_needed()
    box, track = handle.bounding_box(), slider.locator(".noUi-target").bounding_box()
    tab.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    tab.mouse.down()
    tab.mouse.move(track["x"], box["y"] + box["height"] / 2, steps=8)
    tab.mouse.up()
    tab.wait_for_selector("text=Session 84:", timeout=60_000)
    assert slider.locator(".widget-readout").inner_text().strip() == "1.00"


def _no_chart_errors(tab, blocked, errors) -> None:
    assert tab.locator("text=JavaScript Error").count() == 0
    assert not [url for url in blocked if any(cdn in url for cdn in ("esm.sh", "jsdelivr.net/npm/vega", "unpkg"))]
    assert not errors, errors


def test_lesson_apps_render_offline_and_respond_to_a_slider_in_jupyterlab(lab, page):
    tab, blocked, errors = page
    tab.goto(f"{lab}/lab/tree/00_start_here.ipynb")
    tab.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
    tab.wait_for_selector("text=Python 3 (ipykernel) | Idle", timeout=90_000)
    tab.click("div.lm-MenuBar-itemLabel:text('Run')")
    tab.click(".lm-Menu-itemLabel:text-is('Run All Cells')")
    tab.wait_for_function(CHARTS_DRAWN, timeout=120_000)  # both apps, from the offline bundle
    _explore_daily_dosing(tab)
    _no_chart_errors(tab, blocked, errors)


@pytest.fixture(scope="module")
def voila(lab):  # after the JupyterLab checks: same requirements
    port = free_port()
    command = [sys.executable, "-m", "voila", str(ROOT / "lessons" / "00_start_here.ipynb"), "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1"]
    with running(command, port, "Voila") as url:
        yield url + "/"


def test_lesson_runs_as_an_app_in_voila_offline(voila, page):
    """Voila shows the lesson without its code and, with kettutor's template (voila.json), asks nothing of
    any other server: the charts draw from the offline bundle and the sliders drive the kernel."""
    tab, blocked, errors = page
    tab.goto(voila, timeout=120_000)
    tab.wait_for_function(CHARTS_DRAWN, timeout=120_000)
    assert tab.locator("text=apps.dose_frequency_holiday_explorer()").count() == 0
    _explore_daily_dosing(tab)
    _no_chart_errors(tab, blocked, errors)
    assert blocked == [], f"requests beyond this machine: {blocked}"


def test_charts_are_described_in_the_accessibility_tree_and_a_refused_input_is_announced(voila, page):
    """A screen reader finds each chart by its description (Vega-Lite's description becomes the chart's
    accessible name), and a value the model refuses shows its message in the page as an alert."""
    tab, blocked, errors = page
    tab.goto(voila, timeout=120_000)
    tab.wait_for_function(CHARTS_DRAWN, timeout=120_000)
    nodes = tab.context.new_cdp_session(tab).send("Accessibility.getFullAXTree")["nodes"]
    names = [n["name"]["value"] for n in nodes if n.get("name", {}).get("value") and not n.get("ignored")]
    described = [name for name in names if "as a percentage of the first session" in name or "Two line charts over" in name]
    assert len(described) >= 2, names[:50]  # both apps' charts, announced by what they show
    slider = tab.locator(".widget-slider", has=tab.locator("text=Holiday length (days)"))
    handle = slider.locator(".noUi-handle")
    handle.focus()
    for _ in range(28):  # the keyboard alone moves a slider: a holiday as long as its 4-week cycle
        tab.keyboard.press("ArrowRight")
    tab.wait_for_selector("[role=alert]:has-text('Not simulated')", timeout=60_000)
    assert "Holiday length" in tab.locator("[role=alert]").first.inner_text()


VISIBLE = ".jp-NotebookPanel:not(.lm-mod-hidden)"  # the lesson's own tab, not one restored from a workspace
ALL_CELLS_RUN = """() => {
  const prompts = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputArea-prompt')].map(p => p.textContent.trim());
  return prompts.length > 0 && prompts.every(p => /^\\[\\d+\\]:$/.test(p));
}"""
CHART_COUNTS = """() => {
  const embeds = [...document.querySelectorAll('.vega-embed')];
  return [embeds.length, embeds.filter(e => e.querySelector('svg, canvas')).length];
}"""
CUT_OFF_LABELS = """() => [...document.querySelectorAll('.widget-label, .widget-label-basic')]
  .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)"""
ERROR_OUTPUTS = """() => [...document.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')]
  .map(e => e.textContent).filter(t => t.includes('Traceback') || t.includes('Error'))"""


@pytest.mark.parametrize("lesson", [p.name for p in LESSONS if not p.name.startswith("00_")])
def test_every_lesson_runs_in_jupyterlab_without_errors_and_draws_every_chart(lab, page, lesson):
    """Open the lesson, run all cells, and find every code cell executed, no error output, and as many
    drawn charts as chart containers (each app draws before the test goes on)."""
    tab, blocked, errors = page
    tab.goto(f"{lab}/lab/workspaces/{lesson[:2]}/tree/{lesson}?reset")  # a fresh workspace: only this lesson open
    tab.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
    tab.wait_for_selector("text=Python 3 (ipykernel) | Idle", timeout=90_000)
    tab.click("div.lm-MenuBar-itemLabel:text('Run')")
    tab.click(".lm-Menu-itemLabel:text-is('Run All Cells')")
    tab.wait_for_function(ALL_CELLS_RUN, timeout=180_000)
    tab.wait_for_selector("text=Python 3 (ipykernel) | Idle", timeout=120_000)
    tab.wait_for_function(f"({CHART_COUNTS})()[0] > 0 && ({CHART_COUNTS})()[0] === ({CHART_COUNTS})()[1]", timeout=60_000)
    assert tab.evaluate(ERROR_OUTPUTS) == []
    assert tab.evaluate(CUT_OFF_LABELS) == [], "a control's label is cut off"
    _no_chart_errors(tab, blocked, errors)
    tab.evaluate("() => window.jupyterapp.commands.execute('kernelmenu:shutdown')")  # free the kernel for the next lesson


SECOND_VOILA_LESSON = "03_tolerance.ipynb"


def test_a_course_lesson_runs_in_voila_with_its_self_checks(lab, page):
    """A course lesson as an app: charts draw offline, code stays hidden, a self-check answers a click."""
    path = ROOT / "lessons" / SECOND_VOILA_LESSON
    port = free_port()
    command = [sys.executable, "-m", "voila", str(path), "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1"]
    with running(command, port, "Voila") as url:
        tab, blocked, errors = page
        tab.goto(url + "/", timeout=120_000)
        tab.wait_for_function(CHARTS_DRAWN.replace(">= 2", ">= 1"), timeout=120_000)
        assert tab.locator("text=teach.quiz(").count() == 0  # Voila hides the code
        quiz = tab.locator(".widget-vbox", has=tab.locator("text=Self-check")).first
        quiz.locator("input[type=radio]").first.check()
        quiz.locator("button:has-text('Check')").click()
        tab.wait_for_selector("[role=status]", timeout=30_000)
        assert tab.locator("[role=status]").first.inner_text().strip()
        _no_chart_errors(tab, blocked, errors)
        assert blocked == [], f"requests beyond this machine: {blocked}"


def test_saving_an_unchanged_lesson_leaves_its_file_unchanged(lab_server, page):
    """JupyterLab fills in the kernel's details on save; kettutor's server extension writes them in the
    committed form, so a learner who opens and saves a lesson does not change it in git."""
    url, work = lab_server
    original = LESSONS[-1]
    lesson = f"unchanged-{original.name}"  # a fresh copy: no other test has opened it
    (work / lesson).write_bytes(original.read_bytes())
    tab, blocked, errors = page
    tab.goto(f"{url}/lab/workspaces/save/tree/{lesson}?reset")
    tab.wait_for_selector("text=Python 3 (ipykernel) | Idle", timeout=90_000)
    before = (work / lesson).stat().st_mtime_ns
    tab.wait_for_function("() => window.jupyterapp && window.jupyterapp.commands.isEnabled('docmanager:save')", timeout=30_000)
    tab.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")  # File > Save
    for _ in range(100):
        if (work / lesson).stat().st_mtime_ns != before:
            break
        tab.wait_for_timeout(100)
    assert (work / lesson).stat().st_mtime_ns != before, "the notebook was not saved"
    assert (work / lesson).read_bytes() == original.read_bytes()
