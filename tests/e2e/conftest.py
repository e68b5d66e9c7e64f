"""Browser tests: Playwright (sync API) driving Debian's chromium against a live server.

The live server serves the session ``app`` fixture from ``tests/conftest.py`` on a random
port in a daemon thread, so the tests share its database (tables are truncated after each
test by the autouse ``clean_database`` fixture). Chromium is the distribution package at
``/usr/bin/chromium``; Playwright's own browser downloads are never used. Without it, every
test here is skipped with a clear reason.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOT_DIR = Path(__file__).parent / "screenshots"
E2E_DIR = Path(__file__).parent

# One browser context per page; each preset is the keyword arguments of new_context().
# CI machines have two cores shared with PostgreSQL, Redis and the live server: give pages
# and assertions room before calling a slow render a failure.
E2E_TIMEOUT_MS = 15_000

VIEWPORTS: dict[str, dict] = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
}

# Console and page errors seen by each open page (keyed by id(page)).
_ERRORS: dict[int, list[str]] = {}


def pytest_collection_modifyitems(config, items) -> None:
    e2e_mark = pytest.mark.e2e
    skip = None
    if not CHROMIUM.exists():
        skip = pytest.mark.skip(reason=f"e2e: {CHROMIUM} not found (apt-get install chromium)")
    for item in items:
        if E2E_DIR in Path(str(item.path)).parents:
            item.add_marker(e2e_mark)
            if skip is not None:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def live_server(app) -> Iterator[str]:
    """Base URL (``http://127.0.0.1:<port>``) of the session app served in a thread."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not CHROMIUM.exists():
        pytest.skip(f"e2e: {CHROMIUM} not found (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="e2e: playwright not installed")
    sync_api.expect.set_options(timeout=E2E_TIMEOUT_MS)
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def new_page(browser, live_server) -> Iterator[Callable[..., object]]:
    """``new_page("desktop")`` / ``new_page("phone")``: a page in its own fresh context.

    The context has ``base_url`` set to the live server, pt-BR locale, São Paulo time and a
    light colour scheme; console errors, uncaught page errors and 5xx responses are recorded
    for :func:`assert_no_console_errors`.
    """
    contexts = []

    def factory(kind: str = "desktop", **context_options):
        options = {
            "base_url": live_server,
            "locale": "pt-BR",
            "timezone_id": "America/Sao_Paulo",
            "color_scheme": "light",
            **VIEWPORTS[kind],
            **context_options,
        }
        context = browser.new_context(**options)
        context.set_default_timeout(E2E_TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        _ERRORS[id(page)] = errors
        page.on("console", lambda msg: _record_console(errors, msg))
        page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
        page.on("response", lambda response: _record_server_error(errors, response))
        return page

    yield factory
    for context in contexts:
        for page in context.pages:
            _ERRORS.pop(id(page), None)
        context.close()


def _record_console(errors: list[str], msg) -> None:
    if msg.type != "error":
        return
    if msg.text == "htmx:sendAbort":
        # htmx cancels the in-flight requests of elements it removes (a 1 s live-stock poll
        # when the user navigates away) and logs the cancellation, preceded by its
        # afterRequest, as errors. Nothing failed: drop that pair. Real failures still show
        # up as 4xx/5xx responses or other console errors.
        if errors and errors[-1].startswith("console.error: htmx:afterRequest "):
            errors.pop()
        return
    location = msg.location or {}
    where = f" ({location.get('url', '')}:{location.get('lineNumber', '')})" if location else ""
    errors.append(f"console.error: {msg.text}{where}")


def _record_server_error(errors: list[str], response) -> None:
    # A 500 page renders fine and logs nothing to the console, so count it here.
    if response.status >= 500:
        errors.append(f"HTTP {response.status}: {response.request.method} {response.url}")


def console_errors(page) -> list[str]:
    """Console errors (CSP violations included), uncaught exceptions and 5xx seen so far."""
    return list(_ERRORS.get(id(page), []))


def assert_no_console_errors(page) -> None:
    errors = console_errors(page)
    assert not errors, "browser reported errors:\n" + "\n".join(errors)


def sign_in(page, account) -> None:
    """Sign in through the login form and wait for the home page."""
    page.goto("/login")
    page.locator("input[name=email]").fill(account.email)
    page.locator("input[name=password]").fill(account.password)
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_url(re.compile(r"/$"))


def open_phone_menu(page) -> None:
    """Expand the collapsed navbar on a phone and wait until it is open.

    Bootstrap is a deferred script: right after a full navigation the page's text can be
    there before Bootstrap is, and a tap on the toggler then does nothing. Waiting for
    DOMContentLoaded (deferred scripts have run by then) makes the tap count.
    """
    from playwright.sync_api import expect

    page.wait_for_load_state("domcontentloaded")
    toggler = page.locator(".navbar-toggler")
    if toggler.get_attribute("aria-expanded") != "true":
        toggler.click()
    expect(page.locator("#main-nav")).to_have_class(re.compile(r"\bshow\b"))


def close_phone_menu(page) -> None:
    """Collapse the phone navbar again and wait for the animation to end."""
    from playwright.sync_api import expect

    page.locator(".navbar-toggler").click()
    expect(page.locator("#main-nav")).not_to_have_class(re.compile(r"\b(show|collapsing)\b"))


def screenshot(page, name: str, full_page: bool = True) -> Path:
    """Save a PNG to ``tests/e2e/screenshots/<name>.png`` (the folder is gitignored)."""
    SCREENSHOT_DIR.mkdir(exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-")
    path = SCREENSHOT_DIR / f"{safe}.png"
    page.screenshot(path=str(path), full_page=full_page, animations="disabled")
    return path
