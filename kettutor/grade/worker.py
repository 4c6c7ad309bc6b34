"""Run one instrumented notebook in a fresh kernel and report what its export cells printed.

    python -P kettutor/grade/worker.py < job.json     (or: python -m kettutor.grade.worker < job.json)

The grader starts this module in a process group of its own, writes one job (JSON) to its standard input
and reads JSON lines from its standard output, one event at a time, so that whatever was exported before a
crash or a kill is kept:

- ``{"event": "kernel", "pid": ..., "pgid": ..., "dirs": [...]}``: the kernel is running (the grader kills that
  group too, and removes these temporary folders if this process could not);
- ``{"event": "export", "cell": i, "question": "L01.q1", "stdout": "...", "timed_out": false}``: what one
  export cell printed (capped); the grader, not this process, finds the nonce line in it and judges it;
- ``{"event": "error", "cell": i, "line": ..., "ename": ..., "evalue": ...}``: a student's cell raised an error
  (``line`` is the cell's first line of code, to name it in the feedback);
- ``{"event": "timeout", "cell": i, "line": ..., "question": ...}``: a cell ran past the cell time limit and the
  kernel was interrupted (``question`` is set for an export cell);
- ``{"event": "output_dropped", "cell": i, "line": ..., "bytes": n}``: a cell printed more than a megabyte;
- ``{"event": "done", "status": "completed" | "crashed" | "deadline" | "stuck" | "grader error", "detail": ...}``
  (``stuck``: an interrupted cell did not stop, so the run was ended).

Nothing the student's code prints is written here: the kernel's own standard streams go to /dev/null, and
cell outputs are dropped except the export cells' standard output (up to ``MAX_EXPORT_BYTES``) and a short
summary of each error. This process and the kernel share a memory limit (``memory_mb``), so a notebook that
prints or allocates without end stops itself, not the grader.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from typing import Any

MAX_EXPORT_BYTES = 2_000_000  # standard output kept per export cell
LOUD_OUTPUT_BYTES = 1_000_000  # a cell that prints more than this is named in the feedback
MAX_ERROR_EVENTS = 20
MAX_ERROR_CHARS = 300
KERNEL_ENV_KEEP = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "PYTHONPATH", "VIRTUAL_ENV", "CONDA_PREFIX", "SYSTEMROOT")


def emit(event: dict[str, Any]) -> None:
    """One event as one JSON line on standard output (the grader reads it as it comes)."""
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


def kernel_env(home: str) -> dict[str, str]:
    """A small environment for the student's kernel: none of the grader's other variables (tokens, paths)."""
    env = {key: os.environ[key] for key in KERNEL_ENV_KEEP if key in os.environ}
    env.update(
        HOME=home, TMPDIR=home, IPYTHONDIR=os.path.join(home, ".ipython"), MPLBACKEND="Agg",
        OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1",  # one core per notebook
        PYDEVD_DISABLE_FILE_VALIDATION="1", JUPYTER_PLATFORM_DIRS="1",
    )
    return env


def limit_resources(memory_mb: int | None) -> None:
    """No core files, and at most ``memory_mb`` of address space for this process and the kernel it starts."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if memory_mb:
        limit = int(memory_mb) * 1024 * 1024
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard == resource.RLIM_INFINITY or limit < hard:
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


# Loads kettutor's question bank before the student's first cell. In a thread of its own: on Python 3.11 the
# same imports on the kernel's deep main-thread stack cost twice the time (frame-stack chunks are mapped and
# unmapped hundreds of thousands of times).
WARM_UP = """\
def _kettutor_grade_warm_up():
    import threading

    def load():
        import kettutor.teach.bank
        import kettutor.teach.exercise

        kettutor.teach.bank.exercises()

    thread = threading.Thread(target=load, daemon=True)
    thread.start()
    thread.join()


_kettutor_grade_warm_up()
del _kettutor_grade_warm_up
"""


def _first_line(cell) -> str:
    """The cell's first line of code (not a comment), to name it in the feedback."""
    lines = [line.strip() for line in str(getattr(cell, "source", "")).splitlines()]
    code = [line for line in lines if line and not line.startswith("#")] or [line for line in lines if line] or [""]
    return code[0][:80]


class KernelStuck(Exception):
    """An interrupted cell did not stop: the kernel ignores interrupts."""


def _client_class():
    """A NotebookClient that keeps almost nothing the notebook prints (imported late: the job is read first)."""
    from nbclient import NotebookClient

    class CappedNotebookClient(NotebookClient):
        """Drops every output except the export cells' standard output (capped) and error summaries."""

        def __init__(self, nb, export_cells: dict[int, str], **kw):
            super().__init__(nb, **kw)
            self.export_cells = export_cells
            self.captured: dict[int, list[str]] = {}
            self.captured_bytes: dict[int, int] = {}
            self.seen_bytes: dict[int, int] = {}
            self.timed_out_cells: set[int] = set()
            self.error_events = 0
            self.current_cell: int | None = None

        def output(self, outs, msg, display_id, cell_index):
            content = msg.get("content", {})
            msg_type = msg.get("msg_type")
            data = content.get("data") if isinstance(content.get("data"), dict) else {"text": content.get("text", "")}
            size = sum(len(value) if isinstance(value, str) else 100 for value in data.values())
            self.seen_bytes[cell_index] = self.seen_bytes.get(cell_index, 0) + size
            if msg_type == "stream" and content.get("name") == "stdout" and cell_index in self.export_cells:
                kept = self.captured_bytes.get(cell_index, 0)
                text = content.get("text", "")
                if isinstance(text, str) and kept < MAX_EXPORT_BYTES:
                    text = text[: MAX_EXPORT_BYTES - kept]
                    self.captured.setdefault(cell_index, []).append(text)
                    self.captured_bytes[cell_index] = kept + len(text)
            elif msg_type == "error" and self.error_events < MAX_ERROR_EVENTS and cell_index not in self.export_cells:
                self.error_events += 1
                emit({"event": "error", "cell": cell_index, "line": _first_line(self.nb.cells[cell_index]),
                      "ename": str(content.get("ename", ""))[:100],
                      "evalue": str(content.get("evalue", ""))[:MAX_ERROR_CHARS]})
            return None

        def handle_comm_msg(self, outs, msg, cell_index):
            return None  # no widget state is kept (it could be any size)

        async def _async_handle_timeout(self, timeout, cell=None):
            index = self.current_cell
            if index in self.timed_out_cells:
                raise KernelStuck(f"the cell starting `{_first_line(cell)}` ignored the interrupt")
            self.timed_out_cells.add(index)
            emit({"event": "timeout", "cell": index, "line": _first_line(cell), "question": self.export_cells.get(index)})
            await super()._async_handle_timeout(timeout, cell)  # interrupts the kernel, then waits once more
            return None

    return CappedNotebookClient


async def start_kernel(client, workdir: str, private: str, startup_timeout: float, attempts: int = 3) -> None:
    """Start the kernel in ``workdir`` and load kettutor's question bank, before any of the student's code.

    Another notebook may delete the folder while the kernel starts (which kills the kernel); no student
    code has run yet, so the start is simply tried again. Loading the bank here keeps the grader's own
    import time out of the student's first cell's time limit.
    """
    for attempt in range(attempts):
        os.makedirs(workdir, exist_ok=True)
        os.makedirs(private, mode=0o700, exist_ok=True)
        client.km.connection_file = os.path.join(private, f"kernel-{attempt}.json")
        try:
            await client.async_start_new_kernel(env=kernel_env(workdir), stdin=subprocess.DEVNULL,
                                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            provisioner = client.km.provisioner
            emit({"event": "kernel", "pid": provisioner.pid, "pgid": provisioner.pgid, "dirs": [workdir, private]})
            await client.async_start_new_kernel_client()
            break
        except Exception:
            if attempt == attempts - 1:
                raise
            try:
                await client._async_cleanup_kernel()
            except Exception:
                pass
            client.km = client.create_kernel_manager()
    warm_up = client.kc.execute(WARM_UP, store_history=False, silent=True)
    await _reply(client, warm_up, startup_timeout)


async def _reply(client, msg_id: str, timeout: float) -> None:
    """Wait for the reply to ``msg_id`` on the shell channel (outputs are not read)."""
    deadline = time.monotonic() + timeout
    while (remaining := deadline - time.monotonic()) > 0:
        try:
            reply = await client.kc.shell_channel.get_msg(timeout=remaining)
        except Exception:  # queue.Empty: the warm-up took too long; the notebook runs anyway
            return
        if reply.get("parent_header", {}).get("msg_id") == msg_id:
            return


async def watch_parent(client, parent: int, dirs: list[str]) -> None:
    """If the grader that started this worker goes away (killed, Ctrl-C), stop the kernel and exit at once."""
    while True:
        await asyncio.sleep(0.5)
        if os.getppid() != parent:
            provisioner = getattr(client.km, "provisioner", None) if client.km else None
            pgid = getattr(provisioner, "pgid", None)
            if isinstance(pgid, int) and pgid > 1:
                try:
                    os.killpg(pgid, 9)
                except OSError:
                    pass
            for folder in dirs:
                shutil.rmtree(folder, ignore_errors=True)
            os._exit(3)


async def run(job: dict[str, Any]) -> None:
    """Execute the job's notebook cell by cell within its time limits, emitting events as it goes."""
    import nbformat
    from nbclient.exceptions import DeadKernelError

    NotebookClient = _client_class()
    nb = nbformat.from_dict(job["notebook"])
    export_cells = {int(index): qid for index, qid in job["export_cells"].items()}
    cell_timeout = float(job["cell_timeout"])
    deadline = time.monotonic() + float(job["notebook_timeout"])
    root = job.get("workdir_root")
    if root:
        os.makedirs(root, exist_ok=True)
    workdir = tempfile.mkdtemp(prefix="kettutor-grade-", dir=root or None)  # the kernel's working folder
    private = tempfile.mkdtemp(prefix="kettutor-grade-private-")  # its connection file, away from the notebooks
    client = NotebookClient(
        nb, export_cells, kernel_name=job.get("kernel_name", "python3"), timeout=max(1, math.ceil(cell_timeout)),
        startup_timeout=int(job.get("startup_timeout", 60)), interrupt_on_timeout=True, allow_errors=True,
        record_timing=False, shutdown_kernel="immediate", iopub_timeout=4, resources={"metadata": {"path": workdir}},
    )
    client.km = client.create_kernel_manager()
    watcher = asyncio.ensure_future(watch_parent(client, os.getppid(), [workdir, private]))
    status, detail = "completed", ""
    try:
        try:
            await start_kernel(client, workdir, private, float(job.get("startup_timeout", 60)))
        except Exception as error:  # the kernel never ran any of the student's code
            status, detail = "grader error", f"the kernel did not start: {type(error).__name__}: {error}"[:500]
        for index, cell in enumerate(nb.cells if status == "completed" else []):
            if cell.cell_type != "code":
                continue
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                status, detail = "deadline", f"the notebook ran past its {job['notebook_timeout']:g} s limit"
                break
            client.current_cell = index
            client.timeout = max(1, math.ceil(min(cell_timeout, remaining)))
            try:
                await client.async_execute_cell(cell, index, store_history=False)
            except KernelStuck as error:
                status, detail = "stuck", str(error)
            except DeadKernelError:
                status, detail = "crashed", f"the kernel stopped while running the cell starting `{_first_line(cell)}`"
            except Exception as error:  # e.g. the notebook broke the kernel's messages (replaced json.dumps)
                status = "crashed"
                detail = f"the kernel stopped answering properly after the cell starting `{_first_line(cell)}` ({type(error).__name__})"
            finally:
                if index in export_cells:
                    emit({"event": "export", "cell": index, "question": export_cells[index],
                          "stdout": "".join(client.captured.get(index, [])), "timed_out": index in client.timed_out_cells})
                if client.seen_bytes.get(index, 0) > LOUD_OUTPUT_BYTES:
                    emit({"event": "output_dropped", "cell": index, "line": _first_line(cell), "bytes": client.seen_bytes[index],
                          "question": export_cells.get(index)})
            if status != "completed":
                break
            if not await client.km.is_alive():
                status, detail = "crashed", f"the kernel exited after the cell starting `{_first_line(cell)}`"
                break
    finally:
        emit({"event": "done", "status": status, "detail": detail})
        watcher.cancel()
        try:
            await asyncio.wait_for(client._async_cleanup_kernel(), 10)
        except Exception:  # the grader kills whatever is left
            pass
        shutil.rmtree(workdir, ignore_errors=True)
        shutil.rmtree(private, ignore_errors=True)


def main() -> int:
    # nbformat imports jsonschema, which imports the optional rfc3987_syntax if it is installed; that builds a
    # grammar at import (about a second per notebook) for URL checks this process never makes.
    sys.modules.setdefault("rfc3987_syntax", None)
    job = json.loads(sys.stdin.buffer.read())
    sys.stdin.close()
    limit_resources(job.get("memory_mb"))
    asyncio.run(run(job))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
