"""The browser tests' fixtures: Debian's chromium driven by Selenium through chromedriver (no
browser download), the real application started by ``rsgm serve`` on a free loopback port, a
temporary SQLite database seeded through the public API, and a real SMTP server on loopback that
receives the messages whose links the tests follow.

Outside CI the tests are skipped when chromium or chromedriver is missing (the reason gives the
apt command); in CI (``$CI`` set) they must run, so a missing browser fails them.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.site import Browser, Mailbox, Site, start_site

CHROMIUM = os.environ.get("RSGM_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("RSGM_TEST_CHROMEDRIVER", "/usr/bin/chromedriver")
BROWSER_MISSING = (
    "needs Debian's chromium and chromedriver ({missing} not found): "
    "sudo apt-get install chromium chromium-driver"
)


def _missing() -> list[str]:
    return [p for p in (CHROMIUM, CHROMEDRIVER) if not (Path(p).is_file() or shutil.which(p))]


@pytest.fixture(scope="session")
def driver() -> Iterator[Any]:
    """One headless chromium for the session (each test starts from a clean cookie jar)."""
    missing = _missing()
    if missing:
        reason = BROWSER_MISSING.format(missing=", ".join(missing))
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (in CI the browser tests must run: .ci/run installs them)")
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,900",
        "--lang=fr-FR",
        "--no-first-run",
        "--disable-extensions",
    ):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": "fr-FR,fr"})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # CSP reports: site.py
    browser = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    browser.set_page_load_timeout(30)
    try:
        yield browser
    finally:
        browser.quit()


@pytest.fixture
def browser(driver: Any) -> Browser:
    """The session's chromium with no cookie left from an earlier test; every page it shows is
    checked by axe-core (serious and critical violations fail the test)."""
    driver.delete_all_cookies()
    return Browser(driver)


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    """A real SMTP server on 127.0.0.1 (aiosmtpd, tests/smtp_server.py): what it received."""
    from aiosmtpd.controller import Controller

    from rsgm_core.plugins import smtp
    from tests.smtp_server import Server, free_port

    handler, port = Server(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield Mailbox(handler, port)
    finally:
        smtp.close_connections()
        controller.stop()


@pytest.fixture
def site77(tmp_path: Path, mailbox: Mailbox) -> Iterator[Site]:
    """CDG 77 (self-service access requests) served by ``rsgm serve``, its database seeded with
    the communes of the CC Val Briard, an administrator and three SGMs."""
    with start_site("cdg77", tmp_path / "cdg77", mailbox) as site:
        yield site


@pytest.fixture
def site79(tmp_path: Path, mailbox: Mailbox) -> Iterator[Site]:
    """CDG 79 (access by invitation) served by ``rsgm serve``, the Deux-Sèvres sample, an
    administrator and three SGMs."""
    with start_site("cdg79", tmp_path / "cdg79", mailbox) as site:
        yield site
