"""The animators' page (EVT-2, CHA-2, NOT-1): today's tasks behind a sign-in, by an scrypt
password of the profile or by the reverse proxy's header; closed when the profile names
neither."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

import attrs
import pytest
from starlette.testclient import TestClient

import rsgm_core
from rsgm_core import (
    AccessMode,
    App,
    ConfigurationError,
    MessageStatus,
    OutboxMessage,
    SessionPlan,
    Settings,
)
from rsgm_core.testing import Clock
from rsgm_core.web import create_app
from rsgm_core.web.passwords import check_hash, hash_password, verify_password
from rsgm_core.web.security import Session, write_session
from tests.conftest import SAMPLE
from tests.web.conftest import (
    BASE,
    PASSWORD,
    WEB79,
    client_for,
    csrf,
    main_text,
    password_hash,
    person,
    title,
    with_web,
)

EMAIL = "anne.animatrice@cdg79.fr"


def with_login(**web: object) -> Settings:
    return with_web(WEB79, **web)


@pytest.fixture
def busy(rsgm_clock: Clock) -> App:
    """A CDG with a task late and one this week, an access request waiting, a message failed."""
    policies = attrs.evolve(WEB79.policies, access=AccessMode.REQUEST)
    app = rsgm_core.open(
        "memory://", clock=rsgm_clock, settings=attrs.evolve(WEB79, policies=policies)
    )
    app.census.import_(SAMPLE, ["79"])
    app.events.plan(
        "Matinale des élections", "matinale", "présentiel",
        [SessionPlan(dt.date(2025, 4, 10), "Niort", capacity=30)],
        topics=["élections"], cost=Decimal(0), force=True,
    )  # fmt: skip
    from tests.helpers import administrator

    app.access.create_departmental_space(by=administrator(app))
    claire = person(app)
    app.access.request_access("claire.martin@example.org", first_name="Claire",
                              last_name="Martin", commune="79005")  # fmt: skip
    with app.deps.transaction() as uow:
        uow.outbox.add(
            OutboxMessage("m1", app.now(), "newsletter", "perdu@example.org", "Lettre", "x",
                          status=MessageStatus.DEAD, last_error="550 inconnu")
        )  # fmt: skip
    assert claire
    return app


def sign_in(client: TestClient, email: str = EMAIL, password: str = PASSWORD) -> object:
    page = client.get("/animateur/connexion")
    return client.post(
        "/animateur/connexion",
        data={"csrf": csrf(page.text), "email": email, "mot_de_passe": password},
        follow_redirects=False,
    )


def test_the_tasks_page_needs_a_sign_in_then_lists_todays_tasks_EVT_2_CHA_2_NOT_1(
    busy: App,
) -> None:
    settings = with_web(
        busy.settings, animators=({"email": EMAIL, "password_hash": password_hash()},)
    )
    client = TestClient(create_app(busy, settings=settings), base_url="https://testserver")
    away = client.get("/animateur", follow_redirects=False)
    assert away.status_code == 303 and away.headers["location"] == "/animateur/connexion"
    login = client.get("/animateur/connexion")
    assert 'autocomplete="current-password"' in login.text and 'for="mot_de_passe"' in login.text
    done = sign_in(client)
    assert done.status_code == 303  # type: ignore[attr-defined]
    cookie = done.headers["set-cookie"]  # type: ignore[attr-defined]
    assert all(flag in cookie for flag in ("Secure", "HttpOnly", "SameSite=lax"))
    page = client.get("/animateur")
    text = main_text(page.text)
    assert page.status_code == 200 and "Bonjour anne.animatrice@cdg79.fr" in text
    assert "vendredi 14 mars 2025" in text
    assert "10/03/2025 Matinale des élections invitation À faire" in text  # EVT-2
    assert "Demandes d'accès à valider (1)" in text and "Claire Martin" in text  # CHA-2
    assert "rsgm access accept DEMANDE" in text
    assert "Messages en échec (1)" in text and "550 inconnu" in text  # NOT-1
    # Signing out ends the session.
    out = client.post(
        "/animateur/deconnexion", data={"csrf": csrf(page.text)}, follow_redirects=False
    )
    assert out.status_code == 303
    assert client.get("/animateur", follow_redirects=False).status_code == 303


def test_a_wrong_password_or_address_is_refused_alike_and_rate_limited(memory_app: App) -> None:
    from rsgm_core.web import RateLimit

    settings = with_web(
        memory_app.settings, animators=({"email": EMAIL, "password_hash": password_hash()},)
    )
    client = client_for(memory_app, settings=settings, rate_limit=RateLimit(per_minute=60, burst=5))
    for email, password in ((EMAIL, "mauvais mot de passe"), ("inconnu@cdg79.fr", PASSWORD)):
        refused = sign_in(client, email, password)
        assert refused.status_code == 401  # type: ignore[attr-defined]
        text = refused.text  # type: ignore[attr-defined]
        assert title(text).startswith("Erreur : adresse ou mot de passe incorrect")
        assert 'id="mot_de_passe-erreur"' in text and 'value="' + email + '"' in text
        assert password not in text
    assert client.get("/animateur", follow_redirects=False).status_code == 303
    statuses = [sign_in(client, EMAIL, "encore faux").status_code for _ in range(10)]  # type: ignore[attr-defined]
    assert 429 in statuses  # ten sign-ins at once at most, then a wait


def test_the_sign_in_form_needs_its_csrf_token(memory_app: App) -> None:
    settings = with_web(
        memory_app.settings, animators=({"email": EMAIL, "password_hash": password_hash()},)
    )
    client = client_for(memory_app, settings=settings)
    client.get("/animateur/connexion")
    refused = client.post("/animateur/connexion", data={"email": EMAIL, "mot_de_passe": PASSWORD})
    assert (
        refused.status_code == 403
        and client.get("/animateur", follow_redirects=False).status_code == 303
    )


def test_a_session_ends_after_its_hours_and_cannot_be_forged(memory_app: App) -> None:
    settings = with_web(
        memory_app.settings, animators=({"email": EMAIL, "password_hash": password_hash()},)
    )
    web = create_app(memory_app, settings=settings)
    key = web.state.site.config.cookie_key
    old = attrs.evolve(Session.new(), user=EMAIL, until=int(time.time()) - 1)
    expired = TestClient(
        web, base_url="https://testserver", cookies={"__Host-rsgm": write_session(old, key)}
    )
    assert expired.get("/animateur", follow_redirects=False).status_code == 303
    forged = attrs.evolve(Session.new(), user=EMAIL, until=int(time.time()) + 3600)
    other_key = b"x" * 32
    client = TestClient(web, base_url="https://testserver",
                        cookies={"__Host-rsgm": write_session(forged, other_key)})  # fmt: skip
    assert client.get("/animateur", follow_redirects=False).status_code == 303
    good = TestClient(
        web, base_url="https://testserver", cookies={"__Host-rsgm": write_session(forged, key)}
    )
    assert good.get("/animateur").status_code == 200


def test_the_reverse_proxys_header_names_the_animator(memory_app: App) -> None:
    settings = with_web(memory_app.settings, proxy_header="X-Remote-User")
    client = client_for(memory_app, settings=settings)
    assert client.get("/animateur").status_code == 401
    page = client.get("/animateur", headers={"X-Remote-User": "anne"})
    assert page.status_code == 200 and "Bonjour anne" in main_text(page.text)
    assert client.get("/animateur/connexion", follow_redirects=False).status_code == 303


def test_the_animators_pages_are_closed_without_a_login_in_the_profile(web: TestClient) -> None:
    closed = web.get("/animateur")
    assert closed.status_code == 404 and "animateurs" in main_text(closed.text)
    assert web.get("/animateur/connexion").status_code == 404


# Passwords and the profile --------------------------------------------------------------------------


def test_passwords_are_hashed_with_scrypt_and_checked_in_constant_time() -> None:
    hashed = hash_password("un mot de passe assez long")
    assert hashed.startswith("scrypt$16384$8$1$") and "mot" not in hashed
    assert verify_password("un mot de passe assez long", hashed)
    assert not verify_password("un autre mot de passe", hashed)
    assert not verify_password("un mot de passe assez long", None)
    assert hash_password("un mot de passe assez long") != hashed  # salted
    with pytest.raises(rsgm_core.ValidationError, match="trop court"):
        hash_password("court")
    with pytest.raises(rsgm_core.ValidationError) as caught:
        check_hash("mon-mot-de-passe-en-clair")
    assert "mon-mot-de-passe" not in str(caught.value)


PROFILE = f"""
[web]
url_publique = "{BASE}"
secret = "{"s" * 40}"
"""


def test_the_profile_reads_the_animators_and_the_proxy_header() -> None:
    hashed = password_hash()
    settings = Settings.from_toml(
        PROFILE + f'animateurs = [{{ email = "Anne@CDG79.fr", mot_de_passe = "{hashed}" }}]\n'
    )
    assert settings.plugin("web")["animators"] == (
        {"email": "anne@cdg79.fr", "password_hash": hashed},
    )
    proxy = Settings.from_toml(PROFILE + 'entete_proxy = "X-Remote-User"\n')
    assert proxy.plugin("web")["proxy_header"] == "X-Remote-User"


@pytest.mark.parametrize(
    ("extra", "where"),
    [
        ('animateurs = [{ email = "anne@cdg79.fr", mot_de_passe = "en clair" }]', "mot_de_passe"),
        ('animateurs = [{ email = "anne", mot_de_passe = "scrypt$1" }]', "email"),
        ('animateurs = [{ email = "anne@cdg79.fr" }]', "mot_de_passe"),
        ('entete_proxy = "X Remote"', "entete_proxy"),
        ("limite_par_minute = -1", "limite_par_minute"),
    ],
)
def test_the_profile_refuses_bad_web_login_keys(extra: str, where: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        Settings.from_toml(PROFILE + extra + "\n")
    assert where in caught.value.message and 'en clair"' not in caught.value.message


def test_passwords_and_proxy_header_exclude_each_other() -> None:
    text = PROFILE + (
        f'animateurs = [{{ email = "a@cdg79.fr", mot_de_passe = "{password_hash()}" }}]\n'
        'entete_proxy = "X-Remote-User"\n'
    )
    with pytest.raises(ConfigurationError, match="s'excluent"):
        Settings.from_toml(text)


def test_a_malformed_hash_is_refused_when_the_app_starts(memory_app: App) -> None:
    settings = with_web(
        memory_app.settings, animators=({"email": EMAIL, "password_hash": "scrypt$x"},)
    )
    with pytest.raises(ConfigurationError, match=r"web\.animateurs\[0\]\.mot_de_passe"):
        create_app(memory_app, settings=settings)
