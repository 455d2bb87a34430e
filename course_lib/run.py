"""Execute course notebooks with papermill: the course's main job and its tests.

Each notebook has a cell tagged ``parameters`` (device, seed, size knobs). Its
notebook metadata may list ``course.fast_parameters``: smaller sizes that keep the
same code paths, used by CI and ``--fast`` runs.
"""

from __future__ import annotations

import copy
import hashlib
import json
import shutil
import sys
import time
import uuid
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import nbformat
import papermill
from tqdm.auto import tqdm

LEGACY_TAG = "legacy"  # cells that demonstrate a deprecated API on purpose

STRICT_WARNINGS = """\
import warnings
warnings.resetwarnings()
warnings.simplefilter("default")
# The course teaches today's API: a deprecation warning from our own code is a bug.
warnings.filterwarnings("error", category=DeprecationWarning)
warnings.filterwarnings("error", category=FutureWarning)
"""
RELAXED_WARNINGS = """\
import warnings
warnings.resetwarnings()
warnings.simplefilter("default")  # the next cell is a legacy demonstration
"""


class NotebookFailed(RuntimeError):
    """A notebook raised while executing; the message names the notebook and the cell."""


def _code_cell(source: str) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": ["remove-cell"]})
    cell.id = "course-" + uuid.uuid4().hex[:8]
    return cell


def with_strict_warnings(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return a copy of ``nb`` in which deprecation warnings are errors, except in legacy cells."""
    nb = copy.deepcopy(nb)
    cells = [_code_cell(STRICT_WARNINGS)]
    for cell in nb.cells:
        legacy = LEGACY_TAG in cell.get("metadata", {}).get("tags", [])
        if legacy:
            cells.append(_code_cell(RELAXED_WARNINGS))
        cells.append(cell)
        if legacy:
            cells.append(_code_cell(STRICT_WARNINGS))
    nb.cells = cells
    return nb


def parameters_of(nb: nbformat.NotebookNode, fast: bool) -> dict:
    """The papermill parameters for a run: the notebook's fast ones when ``fast``."""
    if not fast:
        return {}
    return dict(nb.get("metadata", {}).get("course", {}).get("fast_parameters", {}))


@dataclass(frozen=True)
class RunResult:
    source: Path
    output: Path
    seconds: float
    cached: bool = False  # True when the output came from the execution cache


def execute_notebook(source: Path, output: Path, *, fast: bool = False, strict: bool = False,
                     device: str | None = None, timeout: float = 600) -> RunResult:
    """Execute ``source`` into ``output`` (the source is never modified)."""
    source, output = Path(source), Path(output)
    nb = nbformat.read(source, as_version=4)
    parameters = run_parameters(nb, fast=fast, device=device)
    if strict:
        nb = with_strict_warnings(nb)
    output.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    try:
        papermill.execute_notebook(
            nb, str(output), parameters=parameters, cwd=str(source.parent),
            progress_bar=False, log_output=False, kernel_name="python3",
            execution_timeout=timeout,
        )
    except papermill.PapermillExecutionError as error:
        raise NotebookFailed(_failure_message(source, output, nb, error)) from None
    return RunResult(source, output, time.perf_counter() - started)


def run_parameters(nb: nbformat.NotebookNode, *, fast: bool, device: str | None) -> dict:
    """The papermill parameters of one run: fast ones when ``fast``, plus ``device`` when given."""
    parameters = parameters_of(nb, fast)
    if device is not None:
        parameters["device"] = device
    return parameters


def _failure_message(source: Path, output: Path, nb: nbformat.NotebookNode,
                     error: papermill.PapermillExecutionError) -> str:
    """Name the notebook and the failing cell as the author sees it (id, first line)."""
    executed = nbformat.read(output, as_version=4) if output.exists() else None
    cell_id, first_line = "?", ""
    failed = [c for c in executed.cells if any(o.get("output_type") == "error" for o in c.get("outputs", []))] \
        if executed is not None else []
    if failed:  # the executed copy marks the cell that raised with its error output
        cell = failed[0]
        cell_id = cell.get("id", "?")
        first_line = next((line for line in cell.source.splitlines() if line.strip()), "")
    # papermill counts the cell it injects for parameters; the author's numbering does not
    authored = [c.get("id") for c in nb.cells]
    index = authored.index(cell_id) if cell_id in authored else error.cell_index
    return (f"{source}: cell {index} (id {cell_id!r}: {first_line.strip()[:60]!r}) raised "
            f"{error.ename}: {error.evalue}\n  the partly executed notebook is {output}")


# ---------------------------------------------------------------- execution cache
# A notebook is executed again only when something that can change its outputs changed:
# its file, its parameters, the course library, or the versions of Python and torch.

CACHE_FORMAT = 1
CACHE_KEEP = 2  # entries kept per notebook, e.g. one with fast and one with full parameters
# modules that orchestrate runs but never change what a notebook computes
NOT_IN_DIGEST = frozenset({"cli.py", "site.py"})


def library_digest(package_dir: Path | None = None) -> str:
    """A hash of every file of ``course_lib`` (path and content), except the run orchestration."""
    package_dir = Path(package_dir or Path(__file__).parent)
    digest = hashlib.sha256()
    for path in sorted(package_dir.rglob("*")):  # code and the data files it ships
        if not path.is_file() or "__pycache__" in path.parts or path.suffix == ".pyc":
            continue
        if path.parent == package_dir and path.name in NOT_IN_DIGEST:
            continue
        digest.update(path.relative_to(package_dir).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "absent"


def cache_key(source: Path, parameters: dict, *, strict: bool = False,
              library: str | None = None) -> str:
    """The cache key of executing ``source`` with ``parameters``."""
    recipe = {
        "format": CACHE_FORMAT,
        "notebook": hashlib.sha256(Path(source).read_bytes()).hexdigest(),
        "parameters": parameters,
        "strict": strict,
        "course_lib": library or library_digest(),
        "python": sys.version.split()[0],
        "torch": _version("torch"),
    }
    return hashlib.sha256(json.dumps(recipe, sort_keys=True, default=str).encode()).hexdigest()


def write_if_changed(data: bytes, path: Path) -> bool:
    """Write ``data`` to ``path`` unless it already holds it (keeps mtimes for incremental builds)."""
    path = Path(path)
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def execute_cached(source: Path, output: Path, cache_dir: Path, *, fast: bool = False,
                   strict: bool = False, device: str | None = None, timeout: float = 600,
                   library: str | None = None) -> RunResult:
    """Like :func:`execute_notebook`, but reuse an earlier output with the same cache key.

    Cache entries live in ``cache_dir`` as ``<folder>-<stem>-<key>.ipynb``; a failed run is
    never cached. ``output`` is rewritten only when its content changes.
    """
    source, output, cache_dir = Path(source), Path(output), Path(cache_dir)
    nb = nbformat.read(source, as_version=4)
    parameters = run_parameters(nb, fast=fast, device=device)
    key = cache_key(source, parameters, strict=strict, library=library)
    entry = cache_dir / f"{source.parent.name}-{source.stem}-{key[:24]}.ipynb"
    if entry.exists():
        entry.touch()  # most recently used: kept by _prune
        write_if_changed(entry.read_bytes(), output)
        return RunResult(source, output, 0.0, cached=True)
    cache_dir.mkdir(parents=True, exist_ok=True)
    scratch = cache_dir / f".running-{entry.name}"
    try:
        result = execute_notebook(source, scratch, fast=fast, strict=strict, device=device,
                                  timeout=timeout)
    except NotebookFailed as error:
        output.parent.mkdir(parents=True, exist_ok=True)
        if scratch.exists():  # keep the partly executed notebook where the message says
            shutil.move(scratch, output)
        raise NotebookFailed(str(error).replace(str(scratch), str(output))) from None
    data = scratch.read_bytes()
    scratch.replace(entry)
    _prune(cache_dir, entry)
    write_if_changed(data, output)
    return RunResult(source, output, result.seconds, cached=False)


def _prune(cache_dir: Path, entry: Path, keep: int = CACHE_KEEP) -> None:
    """Keep only the ``keep`` most recently used entries of the notebook ``entry`` belongs to."""
    prefix = entry.name[: -len(".ipynb") - 24]
    siblings = [p for p in cache_dir.glob(f"{prefix}*.ipynb")
                if len(p.name) == len(entry.name) and p.name.startswith(prefix)]
    siblings.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    for old in siblings[keep:]:
        old.unlink(missing_ok=True)


def run_course(sources: list[Path], build_dir: Path, *, fast: bool = False,
               device: str | None = None, cache_dir: Path | None = None,
               strict: bool = False) -> list[RunResult]:
    """Execute every notebook in ``sources`` into ``build_dir`` with one progress bar.

    Outputs go to ``build_dir/<source folder>/<name>``. With ``cache_dir``, notebooks whose
    cache key did not change are not executed again (see :func:`execute_cached`).
    """
    results = []
    library = library_digest() if cache_dir is not None else None
    with tqdm(sources, desc="executing notebooks", unit="notebook") as bar:
        for source in bar:
            source = Path(source)
            bar.set_postfix_str(source.name)
            output = Path(build_dir) / source.parent.name / source.name
            if cache_dir is None:
                results.append(execute_notebook(source, output, fast=fast, strict=strict,
                                                device=device))
            else:
                results.append(execute_cached(source, output, cache_dir, fast=fast,
                                              strict=strict, device=device, library=library))
    return results
