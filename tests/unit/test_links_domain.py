"""Personal link tokens (NOT-3) without storage: signature, expiry on any date (hypothesis),
tampering, rotation of the secret, and the profile's ``[web]`` section."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rsgm_core import ConfigurationError, LinkPurpose, LinkRefusal, RuleViolation, Settings
from rsgm_core.domain.links import (
    LIFETIMES,
    check_public_url,
    check_purpose,
    link_id,
    new_secret,
    read_token,
    sign_token,
)
from rsgm_core.errors import ValidationError

SECRET = new_secret()
UTC = dt.UTC
moments = st.datetimes(
    min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1), timezones=st.just(UTC)
)
spans = st.timedeltas(min_value=dt.timedelta(seconds=1), max_value=dt.timedelta(days=800))


@given(issued=moments, life=spans, later=spans, purpose=st.sampled_from(LinkPurpose))
def test_a_link_is_valid_until_it_expires_then_refused_NOT_3(
    issued: dt.datetime, life: dt.timedelta, later: dt.timedelta, purpose: LinkPurpose
) -> None:
    expires = (issued + life).replace(microsecond=0)
    token = sign_token(purpose, "m1", "o1", expires, SECRET)
    if expires > issued:
        signed = read_token(token, [SECRET], now=issued)
        assert (signed.purpose, signed.member_id, signed.object_id) == (purpose, "m1", "o1")
        assert signed.expires_at == expires and signed.id == link_id(token)
    with pytest.raises(RuleViolation) as caught:
        read_token(token, [SECRET], now=expires + later - dt.timedelta(seconds=1))
    assert caught.value.value is LinkRefusal.EXPIRED and caught.value.rule == "NOT-3"
    assert token not in str(caught.value)


@given(position=st.integers(min_value=0, max_value=200), char=st.sampled_from("AbZ09-_."))
def test_any_changed_character_is_refused_as_tampered_NOT_3(position: int, char: str) -> None:
    now = dt.datetime(2025, 3, 14, tzinfo=UTC)
    token = sign_token(LinkPurpose.SURVEY, "m1", "s1", now + dt.timedelta(days=1), SECRET)
    index = position % len(token)
    forged = token[:index] + char + token[index + 1 :]
    if forged == token:
        return
    try:
        signed = read_token(forged, [SECRET], now=now)
    except RuleViolation as exc:
        assert exc.value is LinkRefusal.TAMPERED and "altéré" in exc.message
    else:  # base64 padding bits: the same bytes, so the same link
        assert (signed.purpose, signed.member_id) == (LinkPurpose.SURVEY, "m1")


def test_a_rotation_keeps_old_links_and_a_foreign_secret_is_refused_NOT_3() -> None:
    now = dt.datetime(2025, 3, 14, tzinfo=UTC)
    old, new = new_secret(), new_secret()
    token = sign_token(LinkPurpose.CONSENT, "m1", "annuaire", now + dt.timedelta(days=30), old)
    assert read_token(token, [new, old], now=now).purpose is LinkPurpose.CONSENT
    with pytest.raises(RuleViolation) as caught:
        read_token(token, [new], now=now)
    assert caught.value.value is LinkRefusal.TAMPERED


def test_purposes_have_labels_letters_and_lifetimes_NOT_3() -> None:
    assert len({p.code for p in LinkPurpose}) == len(LinkPurpose)
    assert set(LIFETIMES) == set(LinkPurpose)
    assert LIFETIMES[LinkPurpose.UNSUBSCRIBE] == dt.timedelta(days=365)
    assert LIFETIMES[LinkPurpose.CONSENT] == LIFETIMES[LinkPurpose.SURVEY] == dt.timedelta(days=30)
    assert {p for p in LinkPurpose if p.single_use} == {
        LinkPurpose.CANCEL,
        LinkPurpose.SURVEY,
        LinkPurpose.ACCESS,
    }
    assert LinkPurpose.REGISTER.label == "s'inscrire à une session"
    signed = read_token(
        sign_token(LinkPurpose.REGISTER, "m", "e", dt.datetime(2030, 1, 1, tzinfo=UTC), SECRET),
        [SECRET],
        now=dt.datetime(2025, 1, 1, tzinfo=UTC),
    )
    with pytest.raises(RuleViolation) as caught:
        check_purpose(signed, LinkPurpose.CANCEL)
    assert caught.value.value is LinkRefusal.WRONG_PURPOSE


def test_a_token_is_compact_and_url_safe_NOT_3() -> None:
    member = "0b7e6c1e-2f5c-4a57-9d43-3c1a3b0f0a11"
    token = sign_token(LinkPurpose.CANCEL, member, member, dt.datetime(2030, 1, 1, tzinfo=UTC),
                       SECRET)  # fmt: skip
    assert len(token) < 160
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")
    with pytest.raises(ValidationError):
        sign_token(LinkPurpose.CANCEL, "m", None, dt.datetime(2030, 1, 1), SECRET)


def test_the_public_url_must_be_https_NOT_3() -> None:
    assert check_public_url("https://reseau.cdg79.fr/liens/") == "https://reseau.cdg79.fr/liens"
    assert check_public_url("http://localhost:8000") == "http://localhost:8000"
    for bad in ("http://reseau.cdg79.fr", "reseau.cdg79.fr", "https://x.fr/?a=1", "ftp://x.fr"):
        with pytest.raises(ValidationError, match="adresse publique invalide"):
            check_public_url(bad)


WEB = """
[web]
url_publique = "https://reseau.cdg79.fr/"
secret = "{secret}"
secrets_precedents = [{previous}]
"""


def test_the_profile_reads_the_web_section_NOT_3() -> None:
    old = new_secret()
    settings = Settings.from_toml(WEB.format(secret=SECRET, previous=f'"{old}"'))
    assert settings.plugin("web") == {
        "public_url": "https://reseau.cdg79.fr",
        "secret": SECRET,
        "previous_secrets": (old,),
    }


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (WEB.format(secret="court", previous=""), "web.secret"),
        (WEB.format(secret=SECRET, previous='"court"'), "web.secrets_precedents[0]"),
        (WEB.format(secret=SECRET, previous="1"), "web.secrets_precedents[0]"),
        ('[web]\nurl_publique = "http://reseau.cdg79.fr"\n', "web.url_publique"),
        ('[web]\nsel = "x"\n', "web.sel"),
        ('[extensions.web]\nsecret = "x"\n', "extensions.web"),
    ],
)
def test_a_bad_web_section_is_refused_by_key_NOT_3(text: str, where: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        Settings.from_toml(text)
    assert where in caught.value.message
    assert "court" not in caught.value.message or "trop court" in caught.value.message
    if "secret" in where:
        assert caught.value.value is None  # a secret is never repeated in an error
