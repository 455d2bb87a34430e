"""The course website, built from the notebooks and checked in a real browser, offline.

The session builds the site once with the notebooks' fast parameters (executed notebooks are
cached in build/site/cache), serves it on 127.0.0.1 and opens every page in Debian's headless
Chromium through Playwright: no JavaScript errors, every image loaded, widgets and math
rendered, search works, and no request leaves 127.0.0.1.

Needs `npm ci` (node_modules/) and `apt-get install -y chromium` (/usr/bin/chromium).
"""

from __future__ import annotations

import functools
import html
import http.server
import json
import os
import re
import threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SCREENSHOTS = ROOT / "build" / "screenshots"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

pytestmark = pytest.mark.notebooks


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def site() -> Path:
    """Build the site (fast parameters) once per session; return the html folder."""
    from course_lib.site import build_site

    prebuilt = os.environ.get("COURSE_SITE_HTML")  # reuse a build while working on these tests
    if prebuilt:
        return Path(prebuilt).resolve()
    if not (ROOT / "node_modules").is_dir():
        pytest.fail("node_modules/ is missing: run `npm ci` in the repository root first")
    return build_site(ROOT, fast=True).html_dir


@pytest.fixture(scope="session")
def server(site: Path):
    """Serve the site on 127.0.0.1 (a free port) from a thread; yield its base URL."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):  # keep the test output readable
            pass

    handler = functools.partial(Quiet, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Visit:
    """One page opened in the browser, with what went wrong while it loaded."""

    def __init__(self, browser, url: str):
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.failed: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        self.page.on("console", self._console)
        self.page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))
        self.page.route("**/*", self._route)
        self.page.goto(url, wait_until="load")
        self.page.wait_for_load_state("networkidle")

    def _console(self, message) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text} at {message.location.get('url')}")

    def _route(self, route) -> None:
        host = urlsplit(route.request.url).hostname
        if route.request.url.startswith(("data:", "blob:")) or host == "127.0.0.1":
            route.continue_()
        else:  # record and refuse: the test machine is offline anyway, a learner's is not
            self.outside.append(route.request.url)
            route.abort()

    def close(self) -> None:
        self.page.close()


def html_pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                  if not p.relative_to(site).as_posix().startswith(("_static/", "_sources/")))


def source_notebook(site: Path, page: str) -> Path | None:
    """The executed notebook a page was rendered from (its download copy), if any."""
    candidate = site / "_sources" / Path(page).with_suffix(".ipynb")
    return candidate if candidate.exists() else None


def widget_views(notebook: Path) -> int:
    nb = json.loads(notebook.read_text())
    return sum(WIDGET_VIEW in output.get("data", {})
               for cell in nb["cells"] for output in cell.get("outputs", []))


# ---------------------------------------------------------------- the site


def test_site_has_every_notebook(site: Path):
    """Every chapter, exercise and solution notebook of the repository has a page."""
    missing = [f"{folder}/{nb.stem}.html" for folder in ("notebooks", "exercises", "solutions")
               for nb in sorted((ROOT / folder).glob("[0-9]*.ipynb"))
               if not (site / folder / f"{nb.stem}.html").exists()]
    assert not missing, f"notebooks without a page: {missing}"
    assert (site / "index.html").exists()


def test_landing_page_says_how_to_install_and_grade(site: Path):
    text = html.unescape(re.sub(r"<[^>]+>", "", (site / "index.html").read_text()))
    assert "pip install" in text
    assert "course grade exercises/01_tensors.ipynb" in text
    assert re.search(r"Last verified with torch \d+\.\d+ on \w+", text), "no verification stamp"


def test_chapter_pages_link_downloads_and_launchers(site: Path):
    for page in sorted((site / "notebooks").glob("*.html")):
        text = page.read_text()
        assert f"_sources/notebooks/{page.stem}.ipynb" in text, f"{page.name}: no download link"
        assert "colab.research.google.com/github/" in text, f"{page.name}: no Colab link"
        assert "mybinder.org/v2/" in text, f"{page.name}: no Binder link"


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        for name in ("href", "src"):
            if attrs.get(name) and tag in ("a", "link", "script", "img", "iframe", "source"):
                self.links.append(attrs[name])


def test_no_broken_internal_links(site: Path):
    """Every same-site href/src points at a file that exists, and #fragments at an id on it."""
    parsed: dict[Path, _Links] = {}

    def parse(path: Path) -> _Links:
        if path not in parsed:
            parsed[path] = _Links()
            parsed[path].feed(path.read_text(errors="replace"))
        return parsed[path]

    broken = []
    for page in html_pages(site):
        path = site / page
        for link in parse(path).links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith(("//", "mailto:", "javascript:")):
                continue  # external (launch links, repository) or not a file
            target = path if not parts.path else (path.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page}: {link}")
            elif parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in parse(target).ids:
                broken.append(f"{page}: {link} (no such anchor)")
    assert not broken, "broken internal links:\n" + "\n".join(broken)


# ---------------------------------------------------------------- in the browser


def test_every_page_in_the_browser(site: Path, server: str, browser):
    """No JS errors, images loaded, widgets and math rendered, nothing fetched off 127.0.0.1."""
    problems = []
    pages = html_pages(site)
    for page in pages:
        visit = Visit(browser, urljoin(server, page))
        try:
            report = _inspect(visit, site, page)
        finally:
            visit.close()
        problems += [f"{page}: {p}" for p in report]
    assert pages
    assert not problems, "\n".join(problems)


def _inspect(visit: Visit, site: Path, page: str) -> list[str]:
    p = visit.page
    problems = [*visit.errors]
    problems += [f"request left 127.0.0.1: {u}" for u in visit.outside]
    problems += [f"request failed: {u}" for u in visit.failed]
    p.evaluate("document.querySelectorAll('img').forEach(i => i.loading = 'eager')")
    p.wait_for_function("Array.from(document.images).every(i => i.complete)", timeout=15_000)
    unloaded = p.evaluate("Array.from(document.images).filter(i => !(i.naturalWidth > 0)).map(i => i.src)")
    problems += [f"image not loaded: {src}" for src in unloaded]

    notebook = source_notebook(site, page)
    expected_widgets = widget_views(notebook) if notebook else 0
    if expected_widgets:
        try:  # the HTML manager replaces each view <script> by a rendered widget
            p.wait_for_function(
                f"document.querySelectorAll('.jupyter-widgets.widget-container, "
                f".jupyter-widgets .widget-inline-hbox, .jupyter-widgets.widget-inline-hbox, "
                f".jupyter-widgets .lm-Widget').length > 0 && "
                f"document.querySelectorAll('.jupyter-widgets').length >= {expected_widgets}",
                timeout=15_000)
        except Exception:
            count = p.evaluate("document.querySelectorAll('.jupyter-widgets').length")
            problems.append(f"expected {expected_widgets} widget(s), found {count} rendered")

    if p.evaluate("document.querySelectorAll('.math, div.math, span.math').length") > 0:
        try:
            p.wait_for_function("document.querySelectorAll('mjx-container').length > 0", timeout=15_000)
        except Exception:
            problems.append("math on the page was not typeset by MathJax")
    return problems


def _unique_term(site: Path) -> tuple[str, str]:
    """A word that occurs in exactly one chapter page (by Sphinx's stemmed index): (word, docname)."""
    from sphinx.search.en import SearchEnglish

    index_text = (site / "searchindex.js").read_text()
    index = json.loads(index_text[index_text.index("(") + 1: index_text.rindex(")")])
    docnames, terms = index["docnames"], index["terms"]
    stemmer = SearchEnglish({})
    for chapter in sorted((site / "_sources" / "notebooks").glob("*.ipynb")):
        docname = f"notebooks/{chapter.stem}"
        doc_id = docnames.index(docname)
        nb = json.loads(chapter.read_text())
        text = " ".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
        for word in sorted(set(re.findall(r"\b[a-z]{7,}\b", text.lower()))):
            hits = terms.get(stemmer.stem(word))
            if hits is not None and (hits == doc_id or hits == [doc_id]) \
                    and stemmer.stem(word) not in index.get("titleterms", {}):
                return word, docname
    pytest.fail("no word occurs in exactly one chapter: cannot test search")


def test_search_finds_the_chapter_with_a_unique_term(site: Path, server: str, browser):
    word, docname = _unique_term(site)
    visit = Visit(browser, urljoin(server, f"search.html?q={word}"))
    try:
        visit.page.wait_for_selector("#search-results ul.search li a", timeout=20_000)
        hrefs = visit.page.eval_on_selector_all("#search-results ul.search li a",
                                                "links => links.map(a => a.getAttribute('href'))")
        assert not visit.errors and not visit.outside, visit.errors + visit.outside
    finally:
        visit.close()
    assert any(h.split("#")[0].split("?")[0].endswith(f"{docname}.html") for h in hrefs), \
        f"searching {word!r} did not return {docname}: {hrefs}"


def test_screenshot_of_a_chapter(site: Path, server: str, browser):
    chapters = sorted((site / "notebooks").glob("*.html"))
    if not chapters:
        pytest.skip("no chapter notebooks yet")
    chapter = chapters[0]
    visit = Visit(browser, urljoin(server, f"notebooks/{chapter.name}"))
    try:
        visit.page.wait_for_timeout(500)  # let MathJax and widgets settle
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shot = SCREENSHOTS / f"{chapter.stem}.png"
        visit.page.screenshot(path=str(shot), full_page=False)
    finally:
        visit.close()
    assert shot.stat().st_size > 10_000
