"""The web application's defences (docs/web.md): every refused link is a French page with a 4xx
status and nothing written; CSRF on every form (RFC 8058's one-click unsubscribe aside); the
security headers on every response; the rate limit of link pages per client address; a French
page for any error, never a trace; tokens never in a log; mounting under a prefix."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.testclient import TestClient

import rsgm_core
from rsgm_core import App, LinkPurpose
from rsgm_core.testing import Clock
from rsgm_core.web import RateLimit, create_app
from rsgm_core.web.security import RateLimiter, TokenLogFilter, redact
from tests.helpers import administrator, snapshot
from tests.web.conftest import (
    BASE,
    client_for,
    csrf,
    main_text,
    path,
    person,
    plan,
    title,
)

# Refused links -----------------------------------------------------------------------------------


def test_a_tampered_link_gives_a_french_page_and_writes_nothing_NOT_3(
    memory_app: App, web: TestClient
) -> None:
    event = plan(memory_app, capacity=3)
    link = memory_app.links.issue("inscription", member_id=person(memory_app), object_id=event)
    page = web.get(path(link))
    before = snapshot(memory_app)
    changed = path(link)[:-3] + ("AAA" if not path(link).endswith("AAA") else "BBB")
    for target in (changed, "/i/pas-un-lien", "/i/" + "x" * 30 + "." + "y" * 22):
        shown = web.get(target)
        assert shown.status_code == 400 and title(shown.text).startswith("Lien altéré")
        assert "copiez-le en entier" in main_text(shown.text) and "Traceback" not in shown.text
        posted = web.post(target, data={"csrf": csrf(page.text), "seance": "x"})
        assert posted.status_code == 400
    assert snapshot(memory_app) == before


def test_an_expired_link_says_when_and_what_to_do_NOT_3(
    memory_app: App, web: TestClient, rsgm_clock: Clock
) -> None:
    link = memory_app.links.issue("annuaire", member_id=person(memory_app))
    page = web.get(path(link))
    rsgm_clock.advance(days=31)
    before = snapshot(memory_app)
    shown = web.get(path(link))
    assert shown.status_code == 410 and title(shown.text).startswith("Lien expiré")
    assert "demandez un nouveau lien à l'équipe d'animation" in main_text(shown.text)
    posted = web.post(path(link), data={"csrf": csrf(page.text), "telephone": "05 49 00 00 00"})
    assert posted.status_code == 410 and snapshot(memory_app) == before


def test_a_link_opened_on_another_purposes_page_is_refused_NOT_3(
    memory_app: App, web: TestClient
) -> None:
    link = memory_app.links.issue("desabonnement", member_id=person(memory_app))
    own = web.get(path(link))
    shown = web.get(f"/c/{link.token}")
    assert shown.status_code == 400 and title(shown.text).startswith("Lien ouvert sur la mauvaise")
    assert "ouvrez le lien du message qui correspond" in main_text(shown.text)
    before = snapshot(memory_app)
    posted = web.post(f"/c/{link.token}", data={"csrf": csrf(own.text)})
    assert posted.status_code == 400 and snapshot(memory_app) == before
    # The one-click form of unsubscribing does not open another purpose's page either.
    one_click = web.post(f"/c/{link.token}", data={"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 403 and snapshot(memory_app) == before


def test_the_link_of_an_erased_or_departed_person_is_refused_NOT_3_MEM_11(
    memory_app: App, web: TestClient
) -> None:
    claire, paul = person(memory_app), person(memory_app, "Paul", "Durand")
    gone = memory_app.links.issue("consentement", member_id=claire, object_id="annuaire")
    left = memory_app.links.issue("annuaire", member_id=paul)
    memory_app.rgpd.erase(claire, by=administrator(memory_app))
    memory_app.members.depart(paul, reason="mutation")
    shown = web.get(path(gone))
    assert shown.status_code == 410 and "effacées (RGPD)" in main_text(shown.text)
    assert "Claire" not in shown.text
    assert web.get(path(left)).status_code == 410


# CSRF ---------------------------------------------------------------------------------------------


def test_a_form_posted_without_its_csrf_token_is_refused_and_writes_nothing_NOT_3(
    memory_app: App, web: TestClient
) -> None:
    event = plan(memory_app, capacity=3)
    link = memory_app.links.issue("inscription", member_id=person(memory_app), object_id=event)
    session = memory_app.events.get(event).sessions[0].id
    page = web.get(path(link))
    before = snapshot(memory_app)
    token = csrf(page.text)
    altered = token[:-1] + ("B" if token.endswith("A") else "A")  # never the token itself
    for data in (
        {"seance": session},  # no token
        {"seance": session, "csrf": "faux"},  # a made-up token
        {"seance": session, "csrf": altered},
        {"seance": session, "List-Unsubscribe": "One-Click"},  # one-click is for unsubscribing
    ):
        refused = web.post(path(link), data=data)
        assert refused.status_code == 403 and title(refused.text).startswith("Formulaire expiré")
        assert "Rien n'a été enregistré" in main_text(refused.text)
    # A token from another visitor's session (a page of another site posting here).
    other = TestClient(web.app, base_url="https://testserver")
    refused = other.post(path(link), data={"seance": session, "csrf": csrf(page.text)})
    assert refused.status_code == 403
    assert snapshot(memory_app) == before
    assert (
        web.post(path(link), data={"seance": session, "csrf": csrf(page.text)}).status_code == 200
    )


def test_the_session_cookie_is_secure_httponly_samesite_and_signed(
    memory_app: App, web: TestClient
) -> None:
    page = web.get("/")
    cookie = page.headers["set-cookie"]
    assert cookie.startswith("__Host-rsgm=")
    for flag in ("HttpOnly", "Secure", "SameSite=lax", "Path=/"):
        assert flag in cookie
    assert web.get("/").headers.get("set-cookie") is None  # kept while it is valid
    forged = TestClient(web.app, base_url="https://testserver", cookies={"__Host-rsgm": "x.y"})
    assert "__Host-rsgm=" in forged.get("/").headers["set-cookie"]  # an altered one is replaced


def test_cookies_are_not_secure_only_for_a_local_http_address(memory_app: App) -> None:
    import attrs

    from tests.web.conftest import with_web

    local = with_web(memory_app.settings, public_url="http://localhost:8000")
    client = TestClient(create_app(memory_app, settings=local))
    cookie = client.get("/").headers["set-cookie"]
    assert cookie.startswith("rsgm=") and "Secure" not in cookie and "HttpOnly" in cookie
    assert attrs.has(type(local))


# Headers, errors -----------------------------------------------------------------------------------


def _check_headers(response: object) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    csp = headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["x-frame-options"] == "DENY"


def test_every_response_carries_the_security_headers(memory_app: App, web: TestClient) -> None:
    link = memory_app.links.issue("desabonnement", member_id=person(memory_app))
    for response in (
        web.get("/"),
        web.get(path(link)),
        web.get("/static/rsgm.css"),
        web.get("/i/altere.altere"),
        web.get("/nulle-part"),
        web.post("/", data={}),
        web.get("/animateur"),
    ):
        _check_headers(response)
    assert web.get(path(link)).headers["cache-control"] == "no-store"
    css = web.get("/static/rsgm.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")


def test_the_icon_browsers_ask_for_is_served(web: TestClient) -> None:
    for address in ("/favicon.ico", "/static/favicon.svg"):
        icon = web.get(address)
        assert icon.status_code == 200, address
        assert icon.headers["content-type"].startswith("image/svg+xml")
        assert "no-store" not in icon.headers.get("cache-control", "")
        _check_headers(icon)
    assert 'rel="icon"' in web.get("/").text


def test_no_inline_script_or_style_in_any_page(memory_app: App, web: TestClient) -> None:
    link = memory_app.links.issue("annuaire", member_id=person(memory_app))
    for page in (web.get("/"), web.get(path(link)), web.get("/i/x.y"), web.get("/animateur")):
        assert "<script" not in page.text and "<style" not in page.text
        assert " style=" not in page.text and " onclick=" not in page.text


def test_unknown_pages_methods_and_oversized_forms_get_french_pages(
    memory_app: App, web: TestClient
) -> None:
    missing = web.get("/nulle-part")
    assert missing.status_code == 404 and "ne mène à aucune page" in main_text(missing.text)
    wrong = web.delete("/")
    assert wrong.status_code == 405 and "Méthode non permise" in wrong.text
    link = memory_app.links.issue("annuaire", member_id=person(memory_app))
    page = web.get(path(link))
    huge = web.post(path(link), data={"csrf": csrf(page.text), "expertises": "x" * 100_000})
    assert huge.status_code == 413 and "trop long" in main_text(huge.text)


def test_an_unexpected_defect_is_a_french_page_not_a_trace(
    memory_app: App, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    link = memory_app.links.issue("annuaire", member_id=person(memory_app))

    def broken(*_: object, **__: object) -> None:
        raise KeyError("défaut interne")

    monkeypatch.setattr(type(memory_app.links), "verify", broken)
    client = TestClient(
        create_app(memory_app), base_url="https://testserver", raise_server_exceptions=False
    )
    with caplog.at_level(logging.ERROR, logger="rsgm.web"):
        shown = client.get(path(link))
    assert shown.status_code == 500 and "Erreur inattendue" in shown.text
    assert "Traceback" not in shown.text and "KeyError" not in shown.text
    _check_headers(shown)
    assert link.token not in caplog.text and "[jeton masqué]" in caplog.text


# Rate limiting ----------------------------------------------------------------------------------


def test_link_pages_are_rate_limited_per_client_address(memory_app: App) -> None:
    link = memory_app.links.issue("desabonnement", member_id=person(memory_app))
    client = client_for(memory_app, rate_limit=RateLimit(per_minute=6, burst=3))
    assert [client.get(path(link)).status_code for _ in range(3)] == [200, 200, 200]
    limited = client.get(path(link))
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    assert "réessayez dans" in main_text(limited.text)
    assert client.get("/i/x.y").status_code == 429  # a tampered guess counts as much
    assert client.get("/").status_code == 200  # other pages are not limited
    # Another address has its own bucket.
    other = TestClient(client.app, base_url="https://testserver", client=("203.0.113.9", 5000))
    assert other.get(path(link)).status_code == 200


def test_the_token_bucket_refills_with_time() -> None:
    now = [0.0]
    limiter = RateLimiter(per_minute=60, burst=2, clock=lambda: now[0])
    assert [limiter.allow("a"), limiter.allow("a")] == [0.0, 0.0]
    assert limiter.allow("a") == pytest.approx(1.0)
    assert limiter.allow("b") == 0.0
    now[0] = 1.0
    assert limiter.allow("a") == 0.0
    assert RateLimiter(per_minute=0, burst=1).allow("a") == 0.0  # turned off


def test_the_profile_sets_the_rate_limit() -> None:
    from rsgm_core import Settings
    from rsgm_core.web.config import web_config

    settings = Settings.from_toml(
        f'[web]\nurl_publique = "{BASE}"\nsecret = "{"s" * 40}"\nlimite_par_minute = 0\n'
    )
    assert not web_config(settings).rate_limit.enabled


# Logs ---------------------------------------------------------------------------------------------


def test_tokens_are_never_logged_NOT_3(
    memory_app: App, web: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    link = memory_app.links.issue(
        "inscription", member_id=person(memory_app), object_id=plan(memory_app)
    )
    with caplog.at_level(logging.DEBUG):
        web.get(path(link)[:-2] + "zz")  # refused: logged without its token
        web.get(path(link))
    ours = [r.getMessage() for r in caplog.records if r.name.startswith(("rsgm", "uvicorn"))]
    assert ours and not any(link.token[:20] in m for m in ours)
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", path(link), "1.1", 200), None,
    )  # fmt: skip
    TokenLogFilter().filter(record)
    assert record.getMessage() == '127.0.0.1:5000 - "GET /i/[jeton masqué] HTTP/1.1" 200'
    assert redact(link.url) == f"{BASE}/i/[jeton masqué]"
    assert link.token not in repr(link)
    assert logging.getLogger("uvicorn.access").filters  # create_app put the filter there


# Mounting ---------------------------------------------------------------------------------------


def test_the_app_mounts_under_a_prefix_of_a_cdgs_site(memory_app: App) -> None:
    site = Starlette(routes=[Mount("/reseau", app=create_app(memory_app))])
    client = TestClient(site, base_url="https://testserver")
    link = memory_app.links.issue("desabonnement", member_id=person(memory_app))
    page = client.get("/reseau" + path(link))
    assert page.status_code == 200 and 'href="/reseau/static/rsgm.css"' in page.text
    assert client.get("/reseau/static/rsgm.css").status_code == 200
    done = client.post("/reseau" + path(link), data={"csrf": csrf(page.text)})
    assert "Désabonnement enregistré" in main_text(done.text)
    assert client.get("/reseau/animateur").status_code == 404  # no animator login configured


def test_create_app_opens_and_closes_its_own_database(tmp_path: object) -> None:
    import attrs

    from tests.web.conftest import WEB79

    settings = attrs.evolve(WEB79, database=f"sqlite:///{tmp_path}/rsgm.db")
    with TestClient(create_app(settings=settings), base_url="https://testserver") as client:
        assert client.get("/").status_code == 200


def test_create_app_refuses_a_profile_without_web_keys_NOT_3() -> None:
    from rsgm_core import ConfigurationError
    from tests.helpers import CDG79

    with (
        rsgm_core.open("memory://", settings=CDG79) as app,
        pytest.raises(ConfigurationError) as caught,
    ):
        create_app(app)
    assert "renseignez secret dans la section [web]" in caught.value.message
    with pytest.raises(ConfigurationError):
        create_app(settings=CDG79)


def test_the_home_page_points_to_the_links(web: TestClient) -> None:
    page = web.get("/")
    assert page.status_code == 200 and "Ouvrez le lien reçu par courriel" in main_text(page.text)
    assert LinkPurpose.REGISTER.code == "i"
    assert dt.date.today()


# Any token, any form: a French 4xx page, never a defect, never a write ---------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    letter=st.sampled_from([p.code for p in LinkPurpose]),
    token=st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=0x2FF,
                                         exclude_characters="/?#%\x7f"), min_size=1, max_size=80),
    post=st.booleans(),
)  # fmt: skip
def test_any_token_gets_a_french_page_and_writes_nothing_NOT_3(
    memory_app: App, web: TestClient, letter: str, token: str, post: bool
) -> None:
    before = snapshot(memory_app)
    if post:
        response = web.post(
            f"/{letter}/{token}", data={"List-Unsubscribe": "One-Click", "csrf": "x"}
        )
    else:
        response = web.get(f"/{letter}/{token}")
    assert 400 <= response.status_code < 500, response.status_code
    assert '<html lang="fr">' in response.text and "Traceback" not in response.text
    assert snapshot(memory_app) == before
