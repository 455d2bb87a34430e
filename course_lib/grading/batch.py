"""Grade many submissions in parallel, with a progress bar."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tqdm.auto import tqdm

from course_lib.grading.grade import grade_submission
from course_lib.grading.score import GradeReport


def grade_many(paths: list[Path], source_dir: Path, *, jobs: int | None = None, **options) -> list[GradeReport]:
    """Grade ``paths`` (reports in the same order); each runs its own kernel, so threads suffice.

    ``jobs`` defaults to the number of CPU cores, each kernel limited to its share of them.
    """
    cores = os.cpu_count() or 1
    jobs = max(1, jobs or cores)
    if jobs > 1:
        # Each kernel gets its share of the cores: torch's default of one thread per core,
        # times several kernels, makes small models many times slower.
        options.setdefault("threads", max(1, cores // jobs))
    with ThreadPoolExecutor(max_workers=jobs) as pool, \
            tqdm(total=len(paths), desc="grading", unit="submission", disable=len(paths) < 2) as bar:
        futures = [pool.submit(grade_submission, Path(p), source_dir, **options) for p in paths]
        for future in futures:
            future.add_done_callback(lambda _: bar.update())
        return [future.result() for future in futures]
