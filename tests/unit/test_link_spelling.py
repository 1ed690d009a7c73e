"""One spelling per personal link (NOT-3): base64 decoding would accept other spellings of the
same bytes (a last character's spare bits, characters outside the alphabet, which it drops), and
a used single-use link is recorded under its token's hash: respelled, it would act again. Every
other spelling is refused as tampered."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rsgm_core import LinkPurpose, LinkRefusal, RuleViolation
from rsgm_core.domain.links import new_secret, read_token, sign_token

SECRET = new_secret()
NOW = dt.datetime(2025, 3, 14, tzinfo=dt.UTC)
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def token() -> str:
    return sign_token(LinkPurpose.SURVEY, "m1", "s1", NOW + dt.timedelta(days=1), SECRET)


def refused(spelling: str) -> None:
    with pytest.raises(RuleViolation) as caught:
        read_token(spelling, [SECRET], now=NOW)
    assert caught.value.value is LinkRefusal.TAMPERED


def test_the_spare_bits_of_the_last_character_give_no_second_spelling_NOT_3() -> None:
    original = token()
    payload, _, signature = original.partition(".")
    assert read_token(original, [SECRET], now=NOW).purpose is LinkPurpose.SURVEY
    for char in ALPHABET.replace(signature[-1], ""):
        refused(f"{payload}.{signature[:-1]}{char}")
    for char in ALPHABET.replace(payload[-1], ""):
        refused(f"{payload[:-1]}{char}.{signature}")


@given(position=st.integers(min_value=0, max_value=200), junk=st.sampled_from("!~*'()+/=%"))
def test_characters_base64_would_drop_are_refused_NOT_3(position: int, junk: str) -> None:
    original = token()
    index = position % (len(original) + 1)
    refused(original[:index] + junk + original[index:])
