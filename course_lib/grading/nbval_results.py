"""A pytest plugin, loaded next to nbval, that records each notebook cell's outcome.

nbval names its test items ``Cell N``, and that numbering has changed between
versions, so the grader never parses it: this plugin writes the outcome of every
cell, keyed by the cell's own id, to the JSON file given with ``--course-results``.

It also makes nbval's verdicts harder to fool and faster to reach:

* a check cell passes only if it printed the one-time token the grader gave it
  (``--course-tokens``): silencing an exception is not enough to pass;
* a kernel that dies (``os._exit``, a segfault, the OOM killer) is noticed within a
  second instead of at the cell timeout (nbval 0.11 would wait the whole timeout).
"""

from __future__ import annotations

import json
import re
import signal
import time
from queue import Empty

import pytest
from nbval import plugin as nbval_plugin
from nbval.kernel import RunningKernel

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_results: list[dict] = []
POLL_SECONDS = 0.25
MESSAGE_LIMIT = 2000


def strip_ansi(text: str) -> str:
    return _ANSI.sub("", text)


class KernelDied(RuntimeError):
    """The kernel process ended while a cell was running."""


class WatchedKernel(RunningKernel):
    """nbval's kernel, polling in short steps so a dead kernel is noticed at once."""

    def exit_description(self) -> str:
        process = getattr(getattr(getattr(self, "km", None), "provisioner", None), "process", None)
        code = process.poll() if process is not None else None
        if code is None:
            return "the kernel stopped"
        if code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            hint = " - out of memory?" if name == "SIGKILL" else ""
            return f"the kernel was killed by {name}{hint}"
        return f"the kernel exited with code {code}"

    def await_reply(self, msg_id, timeout=None):
        deadline = None if timeout is None else time.monotonic() + float(timeout)
        while True:
            if not self.is_alive():
                raise KernelDied(f"{self.exit_description()} while running this cell")
            step = POLL_SECONDS if deadline is None else min(POLL_SECONDS, max(0.0, deadline - time.monotonic()))
            try:
                msg = self.get_message(stream="shell", timeout=step)
            except Empty:
                if deadline is not None and time.monotonic() >= deadline:
                    raise
                continue
            if msg["parent_header"].get("msg_id") == msg_id:
                if msg["content"]["status"] == "aborted":
                    raise RuntimeError("Kernel aborted execution request")
                return


def pytest_addoption(parser):
    parser.addoption("--course-results", default=None, help="write per-cell outcomes to this JSON file")
    parser.addoption("--course-tokens", default=None, help="JSON file: check cell id -> completion token")


def pytest_configure(config):
    nbval_plugin.RunningKernel = WatchedKernel  # nbval's collector starts its kernels from this name
    path = config.getoption("--course-tokens")
    config._course_tokens = json.load(open(path, encoding="utf-8")) if path else {}


def _classify(item, call) -> tuple[str, str]:
    """(kind, learner-facing message) for a failed cell."""
    timeout = item.config.getoption("--nbval-cell-timeout")
    error = call.excinfo.value if call.excinfo else None
    if isinstance(error, KernelDied):
        return "crash", str(error)
    text = str(error.args[1]) if type(error).__name__ == "NbCellError" and len(error.args) > 1 else str(error or "")
    if "Timeout" in text:
        return "timeout", f"timed out after {float(timeout):g} s (an infinite loop, or far too much work?)"
    if "Kernel dead on test start" in text:
        return "dead", "not run: the kernel had died in an earlier cell"
    for output in getattr(item, "test_outputs", None) or []:
        if output.get("output_type") == "error":
            name, value = output.get("ename"), output.get("evalue")
            if name == "StdinNotImplementedError":
                value = "input() cannot be answered while grading: remove the call"
            return "error", strip_ansi(f"{name}: {value}")[:MESSAGE_LIMIT]
    return "error", strip_ansi(text).strip()[:MESSAGE_LIMIT]


def _printed(item) -> str:
    return "".join(o.get("text", "") for o in getattr(item, "test_outputs", None) or []
                   if o.get("output_type") == "stream" and o.get("name") == "stdout")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    cell = getattr(item, "cell", None)
    if cell is None or not (report.when == "call" or (report.when == "setup" and not report.passed)):
        return
    kind, message = ("ok", "") if report.passed else ("skipped", "") if report.skipped else _classify(item, call)
    token = item.config._course_tokens.get(cell.get("id"))
    if report.passed and token is not None and token not in _printed(item).splitlines():
        kind, message = "incomplete", "the check cell did not run to completion"
    _results.append({
        "id": cell.get("id"),
        "outcome": "passed" if kind == "ok" else report.outcome if kind == "skipped" else "failed",
        "kind": kind,
        "message": message,
        "duration": round(report.duration, 3),
    })


def pytest_sessionfinish(session):
    path = session.config.getoption("--course-results")
    if path:
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(_results, handle, indent=1)
