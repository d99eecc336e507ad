"""The built book in a real browser: every page renders its maths and images, offline, without errors.

Run after ``make book`` with ``make site-check``. The site is served from
``_build/html`` on a local port and every page is opened in headless Chromium
(Debian's ``/usr/bin/chromium``, driven by Playwright). A page fails if

- a visible text node outside a MathJax container holds raw TeX: ``$…$``,
  ``$$``, ``\\(``, ``\\[``, any backslash command such as ``\\frac``, or a
  reST maths role ``:math:`` that reached the page unrendered
  (code, which may legitimately hold such text, is not prose and is skipped),
  or MathJax reports an error;
- a displayed ``eq-`` equation is not rendered by MathJax;
- the page scrolls horizontally in a 1280-pixel-wide window (a wide table or
  formula must wrap or scroll inside its own box);
- an image does not load;
- the console shows an error, or the page raises;
- it requests anything from a host other than the local server.

``test_the_checks_fail_on_a_page_with_raw_tex`` shows that the rendering checks
can fail.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright import sync_api

pytestmark = pytest.mark.site

SITE = Path(__file__).resolve().parents[2] / "_build" / "html"
CHROMIUM = os.environ.get("MLTHEORY_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
WINDOW = {"width": 1280, "height": 900}
#: How long a page may take to load and typeset. The claims ledger typesets over 200 formulas, which takes
#: some 20 s on a busy 2-core machine; this is a check of what renders, not of how fast.
PAGE_TIMEOUT_MS = 400_000
#: Raw TeX in prose: $…$ (within one text node), $$, \( or \[, or a backslash command such as \frac.
RAW_TEX = re.compile(r"\$[^$\n]+\$|\$\$|\\[(\[]|\\[A-Za-z]+|:math:`")
#: Text nodes outside MathJax containers, code and hidden elements, with the path of their parent element.
VISIBLE_TEXT = """() => {
    const skip = 'mjx-container, mjx-assistive-mml, pre, code, kbd, samp, script, style, noscript, .highlight, '
               + 'template, [hidden], [aria-hidden="true"]';
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const found = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const parent = node.parentElement;
        if (!parent || parent.closest(skip) || !node.textContent.trim()) continue;
        if (!parent.getClientRects().length || getComputedStyle(parent).visibility === 'hidden') continue;
        found.push(node.textContent);
    }
    return found;
}"""
#: Displayed equations labelled eq-… whose block holds no rendered MathJax.
UNRENDERED_EQUATIONS = """() => Array.from(document.querySelectorAll('[id^="equation-eq-"]'))
    .filter(e => !e.querySelector('mjx-container')).map(e => e.id)"""
HORIZONTAL_OVERFLOW = """() => {
    const root = document.scrollingElement || document.documentElement;
    return root.scrollWidth - root.clientWidth;
}"""


def rendering_problems(page) -> list[str]:
    """What is wrong with the maths and layout of the page open in ``page`` (after MathJax finished)."""
    problems = []
    raw = sorted({match for text in page.evaluate(VISIBLE_TEXT) for match in RAW_TEX.findall(text)})
    if raw:
        problems.append(f"raw TeX in visible text: {raw[:8]}")
    unrendered = page.evaluate(UNRENDERED_EQUATIONS)
    if unrendered:
        problems.append(f"displayed equations not rendered: {unrendered[:8]}")
    errors = page.evaluate("document.querySelectorAll('mjx-merror, [data-mjx-error]').length")
    if errors:
        problems.append(f"{errors} MathJax errors")
    overflow = page.evaluate(HORIZONTAL_OVERFLOW)
    if overflow > 1:
        problems.append(f"the page scrolls horizontally by {overflow} px at a {WINDOW['width']}-px window")
    return problems


def _wait_for_mathjax(page) -> bool:
    """Wait until MathJax has typeset the page; False if it never loaded."""
    try:
        page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise",
                               timeout=PAGE_TIMEOUT_MS)
        page.evaluate("MathJax.startup.promise")
    except sync_api.TimeoutError:
        return False
    return True
SKIP = {"index.html"}  # the root only redirects to the introduction; tested on its own below


def _pages() -> list[str]:
    if not (SITE / "index.html").is_file():
        return []
    return sorted(
        str(path.relative_to(SITE)) for path in SITE.rglob("*.html")
        if not ({"_static", "_sources", "reports", "_images"} & set(path.relative_to(SITE).parts))
        and path.name not in SKIP
    )


PAGES = _pages()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    if not PAGES:
        pytest.fail(f"no built book at {SITE}: run `make book` first")
    handler = functools.partial(_QuietHandler, directory=str(SITE))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: `apt-get install -y chromium chromium-driver`")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


def test_the_book_has_pages():
    assert "book/intro.html" in PAGES and any(page.startswith("book/information/") for page in PAGES)


def test_the_root_redirects_to_the_introduction(server, browser):
    page = browser.new_page()
    page.goto(f"{server}/index.html")
    page.wait_for_url("**/book/intro.html")
    assert page.title().startswith("Machine-learning theory, machine-checked")
    page.close()


@pytest.mark.parametrize("page_path", PAGES)
def test_page_renders_offline_without_errors(server, browser, page_path):
    origin = urlparse(server).netloc
    outside, console_errors, page_errors, failed = [], [], [], []
    context = browser.new_context(viewport=WINDOW)
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    page = context.new_page()

    def route(route):
        if urlparse(route.request.url).netloc == origin or route.request.url.startswith("data:"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    page.on("response", lambda response: response.status >= 400 and failed.append(f"{response.status} {response.url}"))
    page.goto(f"{server}/{page_path}", wait_until="load")
    has_math = page.evaluate("document.querySelector('.math, .MathJax, mjx-container') !== null")
    mathjax_loaded = _wait_for_mathjax(page) if has_math else True
    # Not "networkidle", which Playwright discourages and which hung for 400 s on some pages of a busy machine:
    # the load event has waited for every image (none is lazy), and MathJax's fonts are what may still come.
    page.evaluate("document.fonts.ready.then(() => true)")
    problems = rendering_problems(page)
    rendered = page.evaluate("document.querySelectorAll('mjx-container').length")
    broken_images = page.evaluate("""() => Array.from(document.images)
        .filter(img => !img.complete || img.naturalWidth === 0).map(img => img.src)""")
    context.close()

    assert not outside, f"requests to other hosts: {outside}"
    assert not failed, f"resources that failed to load: {failed}"
    assert not console_errors, f"console errors: {console_errors}"
    assert not page_errors, f"page errors: {page_errors}"
    assert mathjax_loaded, "the page has maths but MathJax never loaded"
    assert not problems, f"{page_path}: " + "; ".join(problems)
    assert not broken_images, f"broken images: {broken_images}"
    if has_math:
        assert rendered > 0, "the page has maths but MathJax rendered none"


def test_entropy_page_shows_rendered_formulas_and_figures(server, browser):
    page = browser.new_page()
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(server) else route.abort())
    page.goto(f"{server}/book/information/entropy.html", wait_until="load")
    page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise")
    page.evaluate("MathJax.startup.promise")
    assert page.evaluate("document.querySelectorAll('mjx-container[display=\"true\"]').length") >= 15
    assert page.evaluate("document.querySelectorAll('img').length") >= 5
    assert page.evaluate("document.body.innerText.includes('✓ Checked')")
    page.close()


RAW_PAGE = """<!DOCTYPE html><html><head>
<script>window.MathJax = {tex: {inlineMath: [['\\\\(', '\\\\)']]}};</script>
<script src="/_static/mathjax/tex-chtml.js"></script></head><body>
<p>Rendered: <span class="math">\\(y^2\\)</span>.</p>
<div class="math" id="equation-eq-rendered">\\[a = b\\]</div>
%s
</body></html>"""


def _serving(content: str):
    """A route handler that answers with ``content`` as an HTML page."""
    return lambda route: route.fulfill(body=content, content_type="text/html")


@pytest.mark.parametrize("body, expected", [
    ("<p>The value $x$ is left raw.</p>", "raw TeX in visible text: ['$x$']"),
    ("<p>A ratio \\frac{1}{2} typed as text.</p>", "raw TeX in visible text: ['\\\\frac']"),
    ('<div class="math" id="equation-eq-not-typeset"><span>a = b</span></div>', "not rendered: ['equation-eq-not-typeset']"),
    ('<div style="width: 2000px">a wide box</div>', "scrolls horizontally"),
])
def test_the_checks_fail_on_a_page_with_raw_tex(server, browser, body, expected):
    """A page with a defect in its maths or layout is reported; the same page without it passes."""
    context = browser.new_context(viewport=WINDOW)
    page = context.new_page()
    for content, defective in ((RAW_PAGE % body, True), (RAW_PAGE % "", False)):
        page.route(f"{server}/check.html", _serving(content))
        page.goto(f"{server}/check.html", wait_until="load")
        assert _wait_for_mathjax(page)
        problems = rendering_problems(page)
        page.unroute(f"{server}/check.html")
        if defective:
            assert any(expected in problem for problem in problems), problems
        else:
            assert problems == []
    context.close()
