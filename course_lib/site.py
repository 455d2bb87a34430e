"""Build the course website: execute the notebooks, then render them with Sphinx + myst-nb.

    python -m course_lib.site [--fast] [--device cpu|cuda|auto] [--clean] [--root .]

Everything happens under ``build/site/`` (git-ignored):

    build/site/cache/   executed notebooks keyed by notebook, parameters, course_lib, torch
    build/site/src/     the Sphinx source folder: docs/ pages + executed notebooks
    build/site/doctrees Sphinx's environment (incremental rebuilds)
    build/site/html/    the website (open html/index.html, or serve the folder)

Chapters (``notebooks/``) and solutions are executed with papermill; exercise notebooks are
shown as the learner receives them (they raise ``NotImplementedError`` by design). Sphinx
renders the executed copies with ``nb_execution_mode="off"``. The JavaScript the pages need
(require.js, @jupyter-widgets/html-manager, MathJax) comes from ``node_modules/`` (``npm ci``)
and is served from the site itself: no page requests anything from another host.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from course_lib.run import NotebookFailed, RunResult, run_course, write_if_changed

# (folder in the repository, executed for the site?)
SECTIONS = (("notebooks", True), ("exercises", False), ("solutions", True))
DOCS_DIR = "docs"
SITE_DIR = Path("build") / "site"
INFO_FILE = "_course_build.json"
INFO_ENV = "COURSE_SITE_INFO"

# What the pages load, copied from node_modules/ into _static/vendor/ (source, target).
VENDOR_ASSETS = (
    ("requirejs/require.js", "require.js"),
    ("@jupyter-widgets/html-manager/dist", "html-manager"),
    ("mathjax/es5", "mathjax"),
)
VENDOR_SKIP = (".map", "LICENSE.txt")
VENDOR_SKIP_NAMES = {
    # html-manager: the page only uses the AMD bundle and the chunks/fonts it loads
    "embed.js", "libembed-amd.js",
    # MathJax: the page loads tex-mml-chtml.js; these are other entry points
    "node-main.js", "tex-chtml-full-speech.js", "tex-chtml-full.js", "tex-chtml.js", "tex-svg.js",
    "tex-svg-full.js", "tex-mml-svg.js", "mml-svg.js", "mml-chtml.js",
}


class SiteError(RuntimeError):
    """The site cannot be built; the message says what to do."""


@dataclass
class SiteBuild:
    html_dir: Path
    results: list[RunResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def executed(self) -> int:
        return sum(not r.cached for r in self.results)

    @property
    def cached(self) -> int:
        return sum(r.cached for r in self.results)


def notebook_sources(root: Path) -> dict[str, list[Path]]:
    """Every course notebook, by section folder (new chapters are picked up automatically)."""
    return {folder: sorted((root / folder).glob("[0-9]*.ipynb")) for folder, _ in SECTIONS}


def build_info(device: str | None, fast: bool) -> dict:
    """The "last verified with" stamp: torch version and the device the notebooks ran on."""
    import torch

    from course_lib.device import describe, get_device

    resolved = get_device(device)
    name = torch.cuda.get_device_name(resolved) if resolved.type == "cuda" else "CPU"
    version = ".".join(torch.__version__.split("+")[0].split(".")[:2])
    return {
        "torch": version,
        "torch_full": torch.__version__,
        "device": name,
        "device_detail": describe(resolved),
        "fast": fast,
    }


def copy_vendor_assets(root: Path, static_dir: Path) -> None:
    """Copy the npm packages the pages load into ``static_dir/vendor`` (only what changed)."""
    modules = root / "node_modules"
    missing = [source for source, _ in VENDOR_ASSETS if not (modules / source).exists()]
    if missing:
        raise SiteError(
            f"{', '.join(missing)} not found under {modules}: run `npm ci` in {root} first "
            "(the site serves require.js, the widget manager and MathJax itself)."
        )
    for source, target in VENDOR_ASSETS:
        source_path, target_path = modules / source, static_dir / "vendor" / target
        files = [source_path] if source_path.is_file() else sorted(
            p for p in source_path.rglob("*") if p.is_file())
        for path in files:
            if path.name in VENDOR_SKIP_NAMES or path.name.endswith(VENDOR_SKIP):
                continue
            relative = Path() if path == source_path else path.relative_to(source_path)
            destination = target_path if path == source_path else target_path / relative
            _copy_if_changed(path, destination)


def _copy_if_changed(source: Path, destination: Path) -> None:
    if destination.exists() and destination.stat().st_size == source.stat().st_size \
            and destination.stat().st_mtime >= source.stat().st_mtime:
        return
    destination.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, destination)


def copy_docs(root: Path, src_dir: Path) -> None:
    """Copy the hand-written pages (docs/) into the Sphinx source folder, except conf.py."""
    docs = root / DOCS_DIR
    for path in sorted(docs.rglob("*")):
        relative = path.relative_to(docs)
        if path.is_file() and path.name != "conf.py" and relative.parts[0] not in ("_static", "__pycache__"):
            write_if_changed(path.read_bytes(), src_dir / relative)


def _remove_stale(src_dir: Path, sources: dict[str, list[Path]]) -> None:
    """Delete executed copies whose notebook is gone (a renamed chapter must not linger)."""
    for folder, paths in sources.items():
        keep = {p.name for p in paths}
        for old in (src_dir / folder).glob("*.ipynb"):
            if old.name not in keep:
                old.unlink()


def prepare_sources(root: Path, site_dir: Path, *, fast: bool, device: str | None) -> list[RunResult]:
    """Fill ``site_dir/src`` with docs pages and the (cached) executed notebooks."""
    src_dir = site_dir / "src"
    sources = notebook_sources(root)
    _remove_stale(src_dir, sources)
    copy_docs(root, src_dir)
    to_run = [p for folder, execute in SECTIONS if execute for p in sources[folder]]
    results = run_course(to_run, src_dir, fast=fast, device=device, cache_dir=site_dir / "cache")
    for folder, execute in SECTIONS:
        if not execute:
            for path in sources[folder]:
                write_if_changed(path.read_bytes(), src_dir / folder / path.name)
    return results


def run_sphinx(root: Path, site_dir: Path, *, quiet: bool = True, warnings_are_errors: bool = True,
               clean: bool = False) -> Path:
    """Render ``site_dir/src`` into ``site_dir/html`` with the configuration in docs/conf.py."""
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    html_dir, doctrees = site_dir / "html", site_dir / "doctrees"
    if clean:
        shutil.rmtree(html_dir, ignore_errors=True)
        shutil.rmtree(doctrees, ignore_errors=True)
    confdir = (root / DOCS_DIR).resolve()
    with patch_docutils(confdir), docutils_namespace():
        app = Sphinx(
            srcdir=str(site_dir / "src"), confdir=str(confdir), outdir=str(html_dir),
            doctreedir=str(doctrees), buildername="html",
            status=None if quiet else sys.stdout, warning=sys.stderr,
            warningiserror=warnings_are_errors, keep_going=True,
        )
        app.build()
        if app.statuscode:
            raise SiteError(f"Sphinx reported warnings or errors (see above); the site is in {html_dir}")
    return html_dir


def _config_digest(root: Path) -> str:
    """A hash of what shapes every page besides its source: conf.py, page scripts, npm lock."""
    digest = hashlib.sha256()
    docs = root / DOCS_DIR
    paths = [docs / "conf.py", root / "package-lock.json", *sorted((docs / "_static").rglob("*"))]
    for path in paths:
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def build_site(root: Path | str = ".", *, site_dir: Path | None = None, fast: bool = False,
               device: str | None = None, clean: bool = False, quiet: bool = True) -> SiteBuild:
    """Build the website of the course in ``root``; return where it is and what ran.

    Raises :class:`course_lib.run.NotebookFailed` (names the notebook and cell) when a
    notebook fails, and :class:`SiteError` when npm assets are missing or Sphinx warns.
    """
    started = time.perf_counter()
    root = Path(root).resolve()
    site_dir = Path(site_dir or root / SITE_DIR).resolve()
    if clean:
        shutil.rmtree(site_dir / "src", ignore_errors=True)
    src_dir = site_dir / "src"
    src_dir.mkdir(parents=True, exist_ok=True)
    copy_vendor_assets(root, site_dir / "static")
    info = build_info(device, fast)
    info["static_dir"] = str(site_dir / "static")
    write_if_changed(json.dumps(info, indent=1, sort_keys=True).encode(), site_dir / INFO_FILE)
    results = prepare_sources(root, site_dir, fast=fast, device=device)
    os.environ[INFO_ENV] = str(site_dir / INFO_FILE)
    # Sphinx re-renders pages when their source changes, not when conf.py or the page scripts do
    stamp = site_dir / "config.sha256"
    digest = _config_digest(root)
    stale = not stamp.exists() or stamp.read_text() != digest
    html_dir = run_sphinx(root, site_dir, quiet=quiet, clean=clean or stale)
    stamp.write_text(digest)
    return SiteBuild(html_dir, results, time.perf_counter() - started)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_lib.site", description=__doc__.split("\n")[0])
    parser.add_argument("--root", type=Path, default=Path("."), help="the course repository (default .)")
    parser.add_argument("--fast", action="store_true", help="use each notebook's fast parameters (CI)")
    parser.add_argument("--device", choices=("auto", "cpu", "cuda"), default=None)
    parser.add_argument("--clean", action="store_true", help="re-render every page (cache kept)")
    parser.add_argument("--verbose", action="store_true", help="show Sphinx's progress")
    args = parser.parse_args(argv)
    try:
        build = build_site(args.root, fast=args.fast, device=args.device, clean=args.clean,
                           quiet=not args.verbose)
    except (NotebookFailed, SiteError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"site: {build.html_dir / 'index.html'}  ({build.executed} notebooks executed, "
          f"{build.cached} from cache, {build.seconds:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
