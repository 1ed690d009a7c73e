"""The web application over a CDG 79 with a ``[web]`` section and the Deux-Sèvres sample, on
every backend, driven by Starlette's TestClient over https (so that ``Secure`` cookies go back)."""

from __future__ import annotations

import datetime as dt
import html as html_module
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import attrs
import pytest
from starlette.testclient import TestClient

import rsgm_core
from rsgm_core import App, SessionPlan, Settings
from rsgm_core.testing import Clock
from rsgm_core.web import RateLimit, create_app
from tests.conftest import SAMPLE
from tests.helpers import CDG79

SECRET = "secret-de-test-du-cdg-79-pour-les-pages-web"
BASE = "https://reseau.cdg79.example"
DAY = dt.date(2025, 6, 19)  # the clock starts on 14 March 2025
PASSWORD = "mot de passe de l'animatrice"
#: scrypt hash of PASSWORD, computed once for the whole run (about 50 ms each).
_HASHES: dict[str, str] = {}


def password_hash(password: str = PASSWORD) -> str:
    from rsgm_core.web.passwords import hash_password

    if password not in _HASHES:
        _HASHES[password] = hash_password(password)
    return _HASHES[password]


def with_web(settings: Settings, **web: Any) -> Settings:
    options = {"public_url": BASE, "secret": SECRET, "previous_secrets": ()} | web
    return attrs.evolve(settings, plugins={**settings.plugins, "web": options})


WEB79 = with_web(CDG79)


@pytest.fixture
def app(url: str, rsgm_clock: Clock) -> Iterator[App]:
    with rsgm_core.open(url, clock=rsgm_clock, settings=WEB79) as opened:
        opened.census.import_(SAMPLE, ["79"])
        yield opened


@pytest.fixture
def memory_app(rsgm_clock: Clock) -> Iterator[App]:
    """For the checks of the web layer itself (headers, CSRF, limits): one backend is enough."""
    with rsgm_core.open("memory://", clock=rsgm_clock, settings=WEB79) as opened:
        opened.census.import_(SAMPLE, ["79"])
        yield opened


def client_for(app: App, **options: Any) -> TestClient:
    options.setdefault("rate_limit", RateLimit(per_minute=0))
    return TestClient(create_app(app, **options), base_url="https://testserver")


@pytest.fixture
def client(app: App) -> TestClient:
    return client_for(app)


@pytest.fixture
def web(memory_app: App) -> TestClient:
    return client_for(memory_app)


def person(app: App, first: str = "Claire", last: str = "Martin", commune: str = "79005") -> str:
    member = app.members.add(first, last, email=f"{first.lower()}.{last.lower()}@example.org")
    app.members.add_position(member.id, commune, "sgm")
    return member.id


def plan(app: App, capacity: int | None = 1, day: dt.date = DAY, sessions: int = 1) -> str:
    plans = [
        SessionPlan(day + dt.timedelta(days=7 * i), f"Salle {i + 1}", capacity=capacity)
        for i in range(sessions)
    ]
    planned = app.events.plan(
        "Journée réseau", "journée réseau", "présentiel", plans,
        topics=["élections"], cost=Decimal(300), host_commune="79307",
    )  # fmt: skip
    return planned.event.id


def path(link: rsgm_core.PersonalLink) -> str:
    return link.url.removeprefix(BASE)


def csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


def main_text(html: str) -> str:
    """The page's main content, tags dropped and spaces squeezed: what a reader reads."""
    start = html.index("<main")
    body = html[start : html.index("</main>")]
    return html_module.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))).strip()


def title(html: str) -> str:
    found = re.search(r"<title>(.*?)</title>", html, re.DOTALL)
    assert found
    return html_module.unescape(found.group(1))
