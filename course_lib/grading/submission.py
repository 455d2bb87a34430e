"""Read a submission safely and find the trusted notebook it answers."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat

from course_lib.exercises import notebook_name


class SubmissionError(ValueError):
    """The submission cannot be graded; the message says why in one line."""


def read_submission(path: Path) -> nbformat.NotebookNode:
    """Parse ``path`` as a notebook without ever writing to it."""
    if not path.is_file():
        raise SubmissionError(f"{path}: no such file")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise SubmissionError(f"{path}: not a notebook (the file is not UTF-8 text)") from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        raise SubmissionError(f"{path}: not a notebook (invalid JSON at line {error.lineno}: {error.msg})") from None
    if not isinstance(raw, dict) or "cells" not in raw or not isinstance(raw.get("cells"), list):
        raise SubmissionError(f"{path}: not a notebook (no list of cells)")
    try:
        nb = nbformat.reads(text, as_version=4)
    except Exception as error:  # nbformat raises several types for malformed files
        raise SubmissionError(f"{path}: not a readable notebook ({type(error).__name__}: {error})") from None
    for cell in nb.cells:
        if not isinstance(cell.get("source", ""), str):
            raise SubmissionError(f"{path}: malformed cell (source is not text)")
    return nb


def find_trusted_source(path: Path, submission: nbformat.NotebookNode, source_dir: Path) -> Path:
    """The exercise notebook a submission belongs to.

    The notebook's own ``course.name`` metadata wins; the file name is the fallback
    (``submissions/alice_01_tensors.ipynb`` matches ``01_tensors``).
    """
    available = {p.stem: p for p in sorted(source_dir.glob("*.ipynb"))}
    declared = notebook_name(submission)
    if declared in available:
        return available[declared]
    matches = [stem for stem in available if stem in path.stem]
    if len(matches) == 1:
        return available[matches[0]]
    known = ", ".join(available) or "none"
    raise SubmissionError(
        f"{path}: cannot tell which exercise notebook this is "
        f"(metadata course.name is {declared!r}; known notebooks: {known})"
    )
