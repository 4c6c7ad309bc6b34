"""Running jobs: one worker subprocess per notebook, here on this machine's cores or on a Dask cluster.

:func:`run_job` starts the worker (``kettutor/grade/worker.py``) in a new session (its own process group), gives
it the job on standard input and reads its events as they come. On the hard deadline, or when the worker is
done, the worker's process group and the kernel's are killed, so nothing a notebook started outlives its
job (short of a process that moves itself to another session). A worker that dies only ends its own job.

The same function is what a Dask cluster runs (``--dask-scheduler``), so grading a course on many machines
is the same code path; results come back to the grader's own process, which judges them.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

MAX_WORKER_STDOUT = 64 * 1024 * 1024  # events read from one worker; past this the worker is stopped
MAX_STDERR_KEPT = 4000
WORKER = Path(__file__).with_name("worker.py")
STARTUP_SLACK_S = 60.0  # kernel start and shutdown, on top of the notebook's own time limit


def hard_deadline(job: dict[str, Any]) -> float:
    """Seconds after which the worker and its kernel are killed, whatever they are doing."""
    return float(job["notebook_timeout"]) + 2 * float(job["cell_timeout"]) + float(job.get("startup_timeout", 60)) + STARTUP_SLACK_S


_LIVE: set[subprocess.Popen] = set()  # worker processes running now (killed if grading is interrupted)
_LIVE_LOCK = threading.Lock()


def kill_all() -> None:
    """Kill every worker this process started that is still running (after Ctrl-C, for example)."""
    with _LIVE_LOCK:
        live = list(_LIVE)
    for process in live:
        _kill_group(process.pid)


def _kill_group(pgid: Any) -> None:
    if not isinstance(pgid, int) or pgid <= 1 or pgid == os.getpgrp():
        return
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _remove_temporary(folder: str) -> None:
    """Remove a worker's temporary folder left behind (only folders the worker makes: kettutor-grade-*)."""
    path = Path(folder)
    roots = {Path(tempfile.gettempdir()).resolve()}
    try:
        resolved = path.resolve()
    except OSError:
        return
    if resolved.name.startswith("kettutor-grade-") and any(root in resolved.parents for root in roots) and not path.is_symlink():
        shutil.rmtree(resolved, ignore_errors=True)


def run_job(job: dict[str, Any]) -> dict[str, Any]:
    """Run one notebook job in a worker subprocess; returns its events and how the worker ended.

    ``{"events": [...], "returncode": int | None, "killed": bool, "stderr": str}``. Never raises for
    anything the notebook does.
    """
    payload = json.dumps(job).encode()
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-P", str(WORKER)],  # by path: the worker needs no kettutor import, which saves a second
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        start_new_session=True, cwd=tempfile.gettempdir(),
    )
    with _LIVE_LOCK:
        _LIVE.add(process)
    events: list[dict[str, Any]] = []
    kernel_groups: list[Any] = []
    folders: list[str] = []
    stderr_tail = bytearray()
    overflow = threading.Event()

    def feed() -> None:
        try:
            process.stdin.write(payload)
            process.stdin.close()
        except (BrokenPipeError, OSError):
            pass

    def read_events() -> None:
        total = 0
        for line in iter(lambda: process.stdout.readline(MAX_WORKER_STDOUT), b""):
            total += len(line)
            if total > MAX_WORKER_STDOUT:
                overflow.set()
                _kill_group(process.pid)
                break
            try:
                event = json.loads(line)
            except (ValueError, RecursionError):
                continue
            if isinstance(event, dict):
                events.append(event)
                if event.get("event") == "kernel":
                    kernel_groups.append(event.get("pgid"))
                    dirs = event.get("dirs")
                    folders.extend(d for d in (dirs if isinstance(dirs, list) else []) if isinstance(d, str))
        for _ in iter(lambda: process.stdout.read(65536), b""):  # drain after an overflow
            pass

    def read_stderr() -> None:
        for chunk in iter(lambda: process.stderr.read(4096), b""):
            stderr_tail.extend(chunk)
            del stderr_tail[:-MAX_STDERR_KEPT]

    threads = [threading.Thread(target=t, daemon=True) for t in (feed, read_events, read_stderr)]
    for thread in threads:
        thread.start()
    killed = False
    try:
        process.wait(timeout=hard_deadline(job))
    except subprocess.TimeoutExpired:
        killed = True
    finally:
        _kill_group(process.pid)
        process.wait()
        with _LIVE_LOCK:
            _LIVE.discard(process)
        for thread in threads:  # every event is read before the kernel's group is killed
            thread.join(timeout=10)
        for pgid in kernel_groups:
            _kill_group(pgid)
        for folder in folders:
            _remove_temporary(folder)
    return {
        "events": events,
        "returncode": process.returncode,
        "killed": killed,
        "overflow": overflow.is_set(),
        "stderr": stderr_tail.decode("utf-8", "replace"),
        "seconds": round(time.monotonic() - started, 3),
    }


def run_local(jobs: list[dict[str, Any]], workers: int) -> Iterator[tuple[int, dict[str, Any]]]:
    """(job index, result) as each job finishes, ``workers`` at a time on this machine."""
    from concurrent.futures import ThreadPoolExecutor, as_completed

    pool = ThreadPoolExecutor(max_workers=max(1, workers))
    finished = False
    try:
        futures = {pool.submit(run_job, job): index for index, job in enumerate(jobs)}
        for future in as_completed(futures):
            yield futures[future], _result_or_crash(future.result)
        finished = True
    finally:
        if not finished:  # interrupted: nothing more starts, and what runs is killed
            pool.shutdown(wait=False, cancel_futures=True)
            kill_all()
        pool.shutdown(wait=True)


class DaskUnavailable(RuntimeError):
    """``--dask-scheduler`` was given but no cluster can be used."""


def run_dask(jobs: list[dict[str, Any]], scheduler: str, keys: Iterable[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    """(job index, result) as each job finishes on the Dask cluster at ``scheduler``."""
    try:
        from distributed import Client, as_completed
    except ImportError as error:  # pragma: no cover - depends on the installation
        raise DaskUnavailable("--dask-scheduler needs the 'cluster' extra: pip install 'kettutor[cluster]'") from error
    try:
        client = Client(scheduler, timeout="30s", set_as_default=False)
    except (OSError, TimeoutError) as error:
        raise DaskUnavailable(f"--dask-scheduler: cannot reach a Dask scheduler at {scheduler}: {error}") from error
    futures = []
    try:
        futures = client.map(run_job, jobs, key=list(keys), pure=False, retries=0)
        index_of = {future.key: index for index, future in enumerate(futures)}
        for future in as_completed(futures, loop=client.loop):
            yield index_of[future.key], _result_or_crash(future.result)
    finally:
        if futures and not all(f.done() for f in futures):  # interrupted: jobs not started yet are dropped
            client.cancel(futures)
        client.close()


def _result_or_crash(get: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    try:
        return get()
    except Exception as error:  # the job's worker process (or the Dask worker running it) failed
        return {"events": [], "returncode": None, "killed": False, "stderr": f"{type(error).__name__}: {error}"[:MAX_STDERR_KEPT],
                "seconds": 0.0, "infrastructure": True}
