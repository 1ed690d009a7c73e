"""The outbox's delivery policy (NOT-1): exponential back-off with a cap, sending hours and days,
options checked when the instance opens; the messages' own checks, without storage."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rsgm_core import ConfigurationError, ValidationError
from rsgm_core.domain.messages import check_list_unsubscribe
from rsgm_core.domain.outbox_policy import RetryPolicy, SendingWindow, policy_from_options
from tests.conftest import NOW, PARIS

policies = st.builds(
    RetryPolicy,
    base=st.timedeltas(min_value=dt.timedelta(seconds=1), max_value=dt.timedelta(hours=1)),
    factor=st.floats(min_value=1.0, max_value=10.0),
    cap=st.timedeltas(min_value=dt.timedelta(seconds=1), max_value=dt.timedelta(days=2)),
    max_attempts=st.integers(min_value=1, max_value=100),
)
moments = st.datetimes(
    min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1), timezones=st.just(PARIS)
)
attempts = st.integers(min_value=0, max_value=10_000)


@given(policies, attempts)
def test_back_off_is_monotonic_NOT_1(policy: RetryPolicy, n: int) -> None:
    assert policy.delay(n) <= policy.delay(n + 1)


@given(policies, attempts)
def test_back_off_is_capped_NOT_1(policy: RetryPolicy, n: int) -> None:
    assert dt.timedelta(0) < policy.delay(n) <= policy.cap


@given(policies, moments, attempts)
def test_next_attempt_is_never_before_now_NOT_1(
    policy: RetryPolicy, now: dt.datetime, n: int
) -> None:
    assert policy.next_attempt(now, n) > now


def test_back_off_doubles_from_one_minute_to_six_hours_by_default() -> None:
    policy = RetryPolicy()
    assert [policy.delay(n).total_seconds() / 60 for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert policy.delay(10) == dt.timedelta(hours=6) == policy.delay(10_000)
    assert policy.exhausted(20) and not policy.exhausted(19)


@given(moments)
def test_the_next_opening_is_inside_the_window_and_not_before(moment: dt.datetime) -> None:
    window = SendingWindow(dt.time(8), dt.time(19), frozenset(range(5)))
    opening = window.next_opening(moment)
    assert opening >= moment and window.allows(opening)


def test_options_make_the_window_and_limits() -> None:
    policy = policy_from_options(
        {"hours": "08:30-19:00", "days": "lun-ven", "max_per_hour": 200, "max_attempts": 5}
    )
    friday, saturday = NOW, NOW + dt.timedelta(days=1)
    assert policy.window.allows(friday) and not policy.window.allows(saturday)
    assert not policy.window.allows(friday.replace(hour=8, minute=29))
    assert not policy.window.allows(friday.replace(hour=19))
    assert (policy.max_per_hour, policy.retry.max_attempts) == (200, 5)
    assert policy_from_options({"days": "sam-lun"}).window.weekdays == {5, 6, 0}
    assert policy_from_options({}).window.allows(saturday.replace(hour=3))


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"hours": "8h-19h"}, "hours"),
        ({"hours": "19:00-08:00"}, "vide"),
        ({"hours": "25:00-26:00"}, "illisible"),
        ({"days": "lundi-funday"}, "jour inconnu"),
        ({"max_per_hour": 0}, "max_per_hour"),
        ({"max_per_hour": "beaucoup"}, "max_per_hour"),
        ({"retry_cap_seconds": -1}, "retry_cap_seconds"),
    ],
)
def test_bad_options_are_configuration_errors(options: dict[str, object], expected: str) -> None:
    with pytest.raises(ConfigurationError, match=expected):
        policy_from_options(options)


@pytest.mark.parametrize("target", ["https://reseau.cdg79.fr/stop", "mailto:stop@cdg79.fr", None])
def test_a_newsletter_unsubscribes_by_web_or_mail_NOT_1(target: str | None) -> None:
    assert check_list_unsubscribe(target) == target


@pytest.mark.parametrize("target", ["ftp://cdg79.fr", "reseau.cdg79.fr/stop", ""])
def test_any_other_unsubscribe_target_is_refused_NOT_1(target: str) -> None:
    with pytest.raises(ValidationError) as info:
        check_list_unsubscribe(target)
    assert info.value.rule == "NOT-1" and info.value.value == target
