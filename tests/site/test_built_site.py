"""The built book in a real browser: every page renders its maths and images, offline, without errors.

Run after ``make book`` with ``make site-check``. The site is served from
``_build/html`` on a local port and every page is opened in headless Chromium
(Debian's ``/usr/bin/chromium``, driven by Playwright). A page fails if

- maths is left unrendered (raw ``\\(``, ``\\[`` or ``$$`` in the visible text)
  or MathJax reports an error;
- an image does not load;
- the console shows an error, or the page raises;
- it requests anything from a host other than the local server.
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
RAW_MATH = re.compile(r"\\\(|\\\[|\$\$")
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
    context = browser.new_context()
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
    mathjax_loaded = True
    if has_math:
        try:
            page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=15_000)
            page.evaluate("MathJax.startup.promise")
        except sync_api.TimeoutError:
            mathjax_loaded = False
    page.wait_for_load_state("networkidle")
    visible_text = page.evaluate("""() => {
        const clone = document.body.cloneNode(true);
        clone.querySelectorAll('pre, code, script, style, mjx-container, .highlight').forEach(e => e.remove());
        return clone.innerText;
    }""")
    math_errors = page.evaluate("document.querySelectorAll('mjx-merror, [data-mjx-error]').length")
    rendered = page.evaluate("document.querySelectorAll('mjx-container').length")
    broken_images = page.evaluate("""() => Array.from(document.images)
        .filter(img => !img.complete || img.naturalWidth === 0).map(img => img.src)""")
    context.close()

    assert not outside, f"requests to other hosts: {outside}"
    assert not failed, f"resources that failed to load: {failed}"
    assert not console_errors, f"console errors: {console_errors}"
    assert not page_errors, f"page errors: {page_errors}"
    assert mathjax_loaded, "the page has maths but MathJax never loaded"
    raw = RAW_MATH.findall(visible_text)
    assert not raw, f"unrendered maths delimiters {raw[:5]} in {page_path}"
    assert math_errors == 0, f"{math_errors} MathJax errors"
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
