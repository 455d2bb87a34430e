"""A pytest plugin, loaded next to nbval, that records each notebook cell's outcome.

nbval names its test items ``Cell N``, and that numbering has changed between
versions, so the grader never parses it: this plugin writes the outcome of every
cell keyed by the cell's own id to the JSON file given with ``--course-results``.
"""

from __future__ import annotations

import json
import re

import pytest

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_results: list[dict] = []


def strip_ansi(text: str) -> str:
    return _ANSI.sub("", text)


def pytest_addoption(parser):
    parser.addoption("--course-results", default=None, help="write per-cell outcomes to this JSON file")


def _failure_message(item, call) -> str:
    """The learner-facing reason a cell failed: the exception it raised, if any."""
    for output in getattr(item, "test_outputs", None) or []:
        if output.get("output_type") == "error":
            return strip_ansi(f"{output.get('ename')}: {output.get('evalue')}")
    if call.excinfo is None:
        return ""
    error = call.excinfo.value
    # nbval's NbCellError carries (cell number, message, source, traceback).
    message = error.args[1] if type(error).__name__ == "NbCellError" and len(error.args) > 1 else str(error)
    return strip_ansi(str(message)).strip()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    cell = getattr(item, "cell", None)
    if cell is None:
        return
    if report.when == "call" or (report.when == "setup" and not report.passed):
        _results.append({
            "id": cell.get("id"),
            "outcome": report.outcome,
            "message": _failure_message(item, call) if report.failed else "",
            "duration": round(report.duration, 3),
        })


def pytest_sessionfinish(session):
    path = session.config.getoption("--course-results")
    if path:
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(_results, handle, indent=1)
