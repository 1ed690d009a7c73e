"""Convention term, renewal, notice and deadlines (TAR-4)."""

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import assume, given
from hypothesis import strategies as st

from rsgm_core import RuleViolation, ValidationError
from rsgm_core.domain.conventions import (
    Convention,
    DeadlineKind,
    Deliberation,
    Party,
    anniversary,
    convention_in_force,
    give_notice,
    sign_convention,
    terminate,
    upcoming_deadlines,
)

dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))
# The days that make month arithmetic interesting: leap days and the 29th to the 31st.
month_ends = st.builds(
    lambda year, month, day: date(year, month, min(day, _last_day(year, month))),
    st.integers(min_value=2000, max_value=2090),
    st.integers(min_value=1, max_value=12),
    st.integers(min_value=28, max_value=31),
)
signing_dates = st.one_of(dates, month_ends)


def _last_day(year: int, month: int) -> int:
    return (date(year, month, 1) + relativedelta(months=1) - timedelta(days=1)).day


def test_dates_of_a_convention_TAR_4() -> None:
    c = Convention("79049", date(2025, 3, 15))
    assert c.renewal_date == date(2027, 3, 15)
    assert c.notice_deadline == date(2027, 2, 15)
    assert c.max_end == date(2029, 3, 15)
    assert c.last_day == date(2029, 3, 14)
    assert c.in_force_on(date(2025, 3, 15)) and c.in_force_on(date(2029, 3, 14))
    assert not c.in_force_on(date(2025, 3, 14)) and not c.in_force_on(date(2029, 3, 15))
    assert not c.renewed_on(date(2027, 3, 14)) and c.renewed_on(date(2027, 3, 15))


def test_convention_signed_on_29_february_follows_art_641_CPC_TAR_4() -> None:
    c = Convention("79049", date(2024, 2, 29))
    assert c.renewal_date == date(2026, 2, 28)  # February 2026 has no 29th: its last day
    assert c.notice_deadline == date(2026, 1, 28)
    assert c.in_force_on(date(2026, 2, 27)) and not c.renewed_on(date(2026, 2, 27))
    assert c.renewed_on(date(2026, 2, 28))
    assert c.max_end == date(2028, 2, 29)  # 2028 is a leap year again
    assert c.last_day == date(2028, 2, 28)
    ended = give_notice(c, on=date(2026, 1, 28), by=Party.COLLECTIVITY)
    assert ended.last_day == date(2026, 2, 27)
    with pytest.raises(RuleViolation, match="28/01/2026") as caught:
        give_notice(c, on=date(2026, 1, 29), by=Party.COLLECTIVITY)
    assert caught.value.rule == "TAR-4"


@pytest.mark.parametrize(
    ("start", "years", "months", "expected"),
    [
        (date(2024, 2, 29), 2, 0, date(2026, 2, 28)),
        (date(2024, 2, 29), 4, 0, date(2028, 2, 29)),
        (date(2025, 8, 31), 0, 6, date(2026, 2, 28)),
        (date(2023, 8, 31), 0, 6, date(2024, 2, 29)),
        (date(2025, 1, 31), 0, 1, date(2025, 2, 28)),
        (date(2027, 3, 31), 0, -1, date(2027, 2, 28)),
        (date(2025, 3, 15), 2, 0, date(2027, 3, 15)),
    ],
)
def test_anniversary_examples_art_641_CPC_TAR_4(start, years, months, expected) -> None:
    assert anniversary(start, years=years, months=months) == expected


@pytest.mark.parametrize(
    ("signed_on", "renewal", "deadline"),
    [
        (date(2025, 3, 31), date(2027, 3, 31), date(2027, 2, 28)),  # clipped back to February
        (date(2025, 5, 31), date(2027, 5, 31), date(2027, 4, 30)),
        (date(2026, 3, 30), date(2028, 3, 30), date(2028, 2, 29)),  # leap February
        (date(2025, 3, 29), date(2027, 3, 29), date(2027, 2, 28)),
        (date(2025, 1, 31), date(2027, 1, 31), date(2026, 12, 31)),
    ],
)
def test_notice_deadline_on_the_29th_to_31st_TAR_4(signed_on, renewal, deadline) -> None:
    c = Convention("79049", signed_on)
    assert c.renewal_date == renewal
    assert c.notice_deadline == deadline


def _same_day_or_last(start: date, year: int, month: int) -> date:
    """Art. 641 CPC: the day bearing ``start``'s number in that month, else the month's last."""
    return date(year, month, min(start.day, _last_day(year, month)))


@given(signing_dates)
def test_term_and_renewal_dates_follow_art_641_CPC_TAR_4(signed_on: date) -> None:
    c = Convention("79049", signed_on)
    assert c.renewal_date == _same_day_or_last(signed_on, signed_on.year + 2, signed_on.month)
    assert c.max_end == _same_day_or_last(signed_on, signed_on.year + 4, signed_on.month)
    assert 730 <= (c.renewal_date - signed_on).days <= 731  # two years, leap day or not
    assert 1460 <= (c.max_end - signed_on).days <= 1461  # four years at most
    assert c.in_force_on(signed_on) and c.in_force_on(c.last_day)
    assert not c.in_force_on(signed_on - timedelta(days=1))
    assert not c.in_force_on(c.max_end)
    assert c.renewed_on(c.renewal_date) and not c.renewed_on(c.renewal_date - timedelta(days=1))


@given(signing_dates)
def test_notice_deadline_is_a_month_before_the_renewal_art_641_CPC_TAR_4(signed_on: date) -> None:
    c = Convention("79049", signed_on)
    before = c.renewal_date.replace(day=1) - timedelta(days=1)  # in the month before
    assert c.notice_deadline == _same_day_or_last(c.renewal_date, before.year, before.month)


@given(signing_dates)
def test_notice_deadline_leaves_at_least_a_month_TAR_4(signed_on: date) -> None:
    c = Convention("79049", signed_on)
    assert c.notice_deadline + relativedelta(months=1) <= c.renewal_date
    assert 28 <= (c.renewal_date - c.notice_deadline).days <= 31
    assert c.notice_deadline > signed_on


@given(signing_dates, st.data())
def test_timely_notice_ends_at_renewal_TAR_4(signed_on: date, data) -> None:
    c = Convention("79049", signed_on)
    given_on = data.draw(st.dates(min_value=signed_on, max_value=c.notice_deadline))
    ended = give_notice(c, on=given_on, by=Party.COLLECTIVITY)
    assert ended.ends_on == c.renewal_date
    assert ended.in_force_on(c.renewal_date - timedelta(days=1))
    assert not ended.in_force_on(c.renewal_date)
    assert not ended.renewed_on(c.renewal_date)


@given(signing_dates, st.data())
def test_late_notice_is_refused_TAR_4(signed_on: date, data) -> None:
    c = Convention("79049", signed_on)
    late = data.draw(
        st.dates(
            min_value=c.notice_deadline + timedelta(days=1),
            max_value=c.renewal_date - timedelta(days=1),
        )
    )
    with pytest.raises(RuleViolation) as caught:
        give_notice(c, on=late, by=Party.CDG)
    assert caught.value.rule == "TAR-4"
    assert caught.value.value == late
    assert f"{late:%d/%m/%Y}" in caught.value.message
    assert f"{c.notice_deadline:%d/%m/%Y}" in caught.value.message


@given(signing_dates, st.integers(min_value=0, max_value=800))
def test_no_second_renewal_so_no_notice_after_it_TAR_4(signed_on: date, offset: int) -> None:
    c = Convention("79049", signed_on)
    after = c.renewal_date + timedelta(days=offset)
    with pytest.raises(RuleViolation, match=f"{after:%d/%m/%Y}") as caught:
        give_notice(c, on=after, by=Party.CDG)
    assert caught.value.rule == "TAR-4"


def test_notice_before_signature_is_refused_TAR_4() -> None:
    c = Convention("79049", date(2025, 3, 15))
    with pytest.raises(ValidationError, match="14/03/2025") as caught:
        give_notice(c, on=date(2025, 3, 14), by=Party.CDG)
    assert caught.value.rule == "TAR-4"


def test_second_notice_is_refused_TAR_4() -> None:
    c = give_notice(Convention("79049", date(2025, 3, 15)), on=date(2026, 1, 10), by="cdg")
    assert c.notice is not None and c.notice.by is Party.CDG
    with pytest.raises(RuleViolation, match="10/01/2026") as caught:
        give_notice(c, on=date(2026, 2, 1), by=Party.COLLECTIVITY)
    assert caught.value.rule == "TAR-4"


def test_unknown_party_is_refused_TAR_4() -> None:
    with pytest.raises(ValidationError, match="'maire'"):
        give_notice(Convention("79049", date(2025, 3, 15)), on=date(2026, 1, 10), by="maire")


def test_sign_refused_while_another_convention_is_in_force_TAR_4() -> None:
    first = Convention("79049", date(2025, 3, 15))
    with pytest.raises(RuleViolation, match="01/06/2027") as caught:
        sign_convention("79049", date(2027, 6, 1), existing=[first])
    assert caught.value.rule == "TAR-4"
    after = sign_convention("79049", first.max_end, existing=[first])
    assert after.signed_on == date(2029, 3, 15)
    other = sign_convention("79001", date(2027, 6, 1), existing=[first])
    assert convention_in_force([first, after, other], "79049", date(2029, 3, 15)) is after
    assert convention_in_force([first, after, other], "79049", date(2025, 3, 14)) is None


def test_upcoming_deadlines_within_the_horizon_TAR_4() -> None:
    a = Convention("79049", date(2023, 6, 1))  # renewal 2025-06-01, deadline 2025-05-01
    b = give_notice(Convention("79001", date(2023, 4, 10)), on=date(2024, 1, 5), by="collectivite")
    c = Convention("79002", date(2021, 5, 20))  # renewed in 2023, last day 2025-05-19
    d = Convention("79003", date(2025, 1, 1))  # nothing in the next 90 days
    found = upcoming_deadlines([d, c, b, a], today=date(2025, 4, 1), days=90)
    assert [(x.on, x.kind, x.convention.insee) for x in found] == [
        (date(2025, 4, 9), DeadlineKind.EXPIRY, "79001"),
        (date(2025, 5, 1), DeadlineKind.NOTICE, "79049"),
        (date(2025, 5, 19), DeadlineKind.EXPIRY, "79002"),
        (date(2025, 6, 1), DeadlineKind.RENEWAL, "79049"),
    ]
    assert "79049" in found[1].label


@given(signing_dates, st.integers(min_value=0, max_value=2_000))
def test_upcoming_deadlines_are_inside_the_horizon_TAR_4(signed_on: date, start: int) -> None:
    today = signed_on + timedelta(days=start)
    assume(today.year < 2100)
    c = Convention("79049", signed_on)
    found = upcoming_deadlines([c], today=today, days=90)
    assert all(today <= x.on <= today + timedelta(days=90) for x in found)
    assert [x.on for x in found] == sorted(x.on for x in found)
    if today <= c.notice_deadline <= today + timedelta(days=90):
        assert any(x.kind is DeadlineKind.NOTICE for x in found)


@pytest.mark.parametrize("days", [-1, 1.5, True])
def test_upcoming_deadlines_refuses_a_bad_horizon(days) -> None:
    with pytest.raises(ValidationError, match=repr(days)):
        upcoming_deadlines([], today=date(2025, 1, 1), days=days)


@given(signing_dates, st.integers(min_value=-48, max_value=48), st.integers(0, 4))
def test_anniversary_keeps_the_day_else_the_last_of_the_month_art_641_CPC_TAR_4(
    start: date, months: int, years: int
) -> None:
    end = anniversary(start, years=years, months=months)
    total = start.year * 12 + start.month - 1 + years * 12 + months
    assert (end.year, end.month) == (total // 12, total % 12 + 1)  # the target month
    assert end == _same_day_or_last(start, end.year, end.month)
    assert end.day == start.day or end.day == _last_day(end.year, end.month)


def test_notice_needs_a_convention_in_force_that_day_TAR_4() -> None:
    signed = Convention("79049", date(2025, 1, 15))
    others = [signed, Convention("79001", date(2020, 1, 15))]
    ended = terminate(others, "79049", on=date(2026, 6, 1), by="cdg")
    assert ended.notice is not None and ended.notice.by is Party.CDG
    assert ended.last_day == date(2027, 1, 14)  # at the renewal date, no indemnity
    for insee, day in (
        ("79049", date(2025, 1, 14)),
        ("79001", date(2025, 6, 1)),
        ("79002", date(2025, 6, 1)),
    ):
        with pytest.raises(RuleViolation) as caught:
            terminate(others, insee, on=day, by=Party.COLLECTIVITY)  # not yet, ended, none
        assert caught.value.rule == "TAR-4" and "rien à dénoncer" in caught.value.message
    with pytest.raises(RuleViolation, match="déjà été dénoncée"):
        terminate([ended], "79049", on=date(2026, 7, 1), by="cdg")
    with pytest.raises(ValidationError) as bad:
        terminate(others, "79049", on=date(2026, 6, 1), by="maire")
    assert bad.value.rule == "TAR-4"


SAUZE_SIRET = "21790030700018"  # a well-formed SIRET (Luhn key), for the tests


def test_the_convention_carries_its_header_TAR_4() -> None:
    signed = sign_convention(
        "79307",
        date(2025, 1, 15),
        existing=[],
        siret="217 900 307 00018",
        sgc="SGC de Niort",
        deliberation=Deliberation(date(2024, 12, 12), "2024-45"),
    )
    assert (signed.siret, signed.sgc) == (SAUZE_SIRET, "SGC de Niort")
    assert signed.deliberation == Deliberation(date(2024, 12, 12), "2024-45")
    unknown = Convention("79307", date(2025, 1, 15))  # recorded before the header was asked
    assert (unknown.siret, unknown.sgc, unknown.deliberation) == (None, "", None)


@pytest.mark.parametrize("siret", ["2179003070001", "21790030700017", "2179003070001A"])
def test_a_bad_siret_is_refused_TAR_4(siret: str) -> None:
    with pytest.raises(ValidationError, match="SIRET") as caught:
        sign_convention("79307", date(2025, 1, 15), existing=[], siret=siret)
    assert caught.value.rule == "TAR-4" and siret in caught.value.message


def test_the_deliberation_comes_before_the_signature_TAR_4() -> None:
    with pytest.raises(ValidationError, match="01/02/2025") as caught:
        Convention("79307", date(2025, 1, 15), deliberation=Deliberation(date(2025, 2, 1), "12"))
    assert caught.value.rule == "TAR-4"
    with pytest.raises(ValidationError) as bad:
        Deliberation("2024-12-12", "12")  # type: ignore[arg-type]
    assert bad.value.rule == "TAR-4"
