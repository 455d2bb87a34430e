"""Show grade reports: a terminal table and a JSON file."""

from __future__ import annotations

import json
from pathlib import Path

from course_lib.grading.score import GradeReport

MESSAGE_LINES = 4  # enough for a check's problem, expected, got and hint


def _points(value: float) -> str:
    return f"{value:g}"


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
    payload = {
        "score": sum(r.score for r in reports),
        "max_score": sum(r.max_score for r in reports),
        "submissions": [r.to_dict() for r in reports],
    }
    path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
