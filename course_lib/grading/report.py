"""Show grade reports: a terminal table, our JSON, Gradescope's results.json, JUnit XML, a CSV gradebook."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from xml.etree import ElementTree

from course_lib.grading.score import GradeReport

MESSAGE_LINES = 4  # enough for a check's problem, expected, got and hint
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _points(value: float) -> str:
    return f"{value:g}"


def _clean(text: str) -> str:
    return _ANSI.sub("", text)


def format_table(report: GradeReport) -> str:
    """A per-exercise table with the first lines of each failure and a total."""
    lines = [f"== {report.submission}" + (f"  ({report.notebook}, device {report.device})" if report.notebook else "")]
    if report.error:
        lines.append(f"   ERROR: {report.error}")
        return "\n".join(lines)
    for exercise in report.exercises:
        status = "passed" if exercise.passed else "FAILED"
        lines.append(f"   {exercise.id:<6} {exercise.title[:44]:<44} "
                     f"{_points(exercise.score):>4}/{_points(exercise.points):<4} {status}")
        for message_line in exercise.message.splitlines()[:MESSAGE_LINES]:
            lines.append(f"          | {message_line}")
    for note in report.notes:
        lines.append(f"   note: {note}")
    lines.append(f"   total: {_points(report.score)}/{_points(report.max_score)}  ({report.seconds:.1f} s)")
    return "\n".join(lines)


def write_json(reports: list[GradeReport], path: Path) -> None:
    """Everything the grader knows, for records and scripts."""
    payload = {
        "score": sum(r.score for r in reports),
        "max_score": sum(r.max_score for r in reports),
        "submissions": [r.to_dict() for r in reports],
    }
    path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")


def gradescope_results(report: GradeReport) -> dict:
    """One submission in Gradescope's autograder ``results.json`` format."""
    if report.error:
        return {"score": 0, "output": _clean(report.error), "tests": []}
    return {
        "score": report.score,
        "max_score": report.max_score,
        "output": "\n".join(_clean(n) for n in report.notes),
        "tests": [
            {"name": f"Exercise {e.id}: {e.title}", "number": e.id, "score": e.score, "max_score": e.points,
             "status": "passed" if e.passed else "failed", "output": _clean(e.message)}
            for e in report.exercises
        ],
    }


def write_gradescope(reports: list[GradeReport], path: Path) -> None:
    """``path`` is the results.json for one submission, or a folder with one file per submission."""
    if len(reports) == 1 and path.suffix == ".json":
        path.write_text(json.dumps(gradescope_results(reports[0]), indent=2) + "\n", encoding="utf-8")
        return
    path.mkdir(parents=True, exist_ok=True)
    for report in reports:
        target = path / f"{Path(report.submission).stem}.json"
        target.write_text(json.dumps(gradescope_results(report), indent=2) + "\n", encoding="utf-8")


def write_junit(reports: list[GradeReport], path: Path) -> None:
    """JUnit XML: a test suite per submission, a test case per exercise (CI systems display it)."""
    suites = ElementTree.Element("testsuites")
    for report in reports:
        failures = sum(not e.passed for e in report.exercises) + bool(report.error)
        suite = ElementTree.SubElement(suites, "testsuite", name=report.submission,
                                       tests=str(max(len(report.exercises), 1)), failures=str(failures),
                                       time=f"{report.seconds:.2f}")
        if report.error:
            case = ElementTree.SubElement(suite, "testcase", classname=report.submission, name="submission")
            ElementTree.SubElement(case, "error", message=_clean(report.error)[:200]).text = _clean(report.error)
        for e in report.exercises:
            case = ElementTree.SubElement(suite, "testcase", classname=f"{report.notebook}",
                                          name=f"Exercise {e.id}: {e.title}")
            if not e.passed:
                first = _clean(e.message).splitlines()[0] if e.message else "failed"
                ElementTree.SubElement(case, "failure", message=first[:200]).text = _clean(e.message)
    ElementTree.ElementTree(suites).write(path, encoding="utf-8", xml_declaration=True)


def write_csv(reports: list[GradeReport], path: Path) -> None:
    """A gradebook: one row per submission, one column per exercise, then total, max and error."""
    exercise_ids: list[str] = []
    for report in reports:
        for e in report.exercises:
            if e.id not in exercise_ids:
                exercise_ids.append(e.id)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["submission", "notebook", *exercise_ids, "total", "max", "error"])
        for report in reports:
            scores = {e.id: _points(e.score) for e in report.exercises}
            writer.writerow([report.submission, report.notebook, *(scores.get(i, "") for i in exercise_ids),
                             _points(report.score), _points(report.max_score), _clean(report.error or "")])
