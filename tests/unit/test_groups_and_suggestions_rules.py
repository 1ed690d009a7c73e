"""The pure rules of working groups (NET-5) and suggestions (NET-6), without storage."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rsgm_core import RsgmError
from rsgm_core.domain.governance import Committee, CommitteeKind, Seat, SeatKind
from rsgm_core.domain.members import Lifecycle, Member
from rsgm_core.domain.suggestions import (
    SuggestionOutcome,
    check_decider,
    check_decision,
    next_meeting,
)
from rsgm_core.domain.toolbox import Resource, ResourceKind, ResourceStatus
from rsgm_core.domain.working_groups import (
    Deliverable,
    WorkingGroup,
    check_group_member,
    check_restitution,
    clean_text,
)

DAY = dt.date(2025, 3, 14)
days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31))


@given(st.lists(days, max_size=8), days)
def test_the_next_meeting_is_the_first_on_or_after_the_day_NET_2_NET_6(
    meetings: list[dt.date], on: dt.date
) -> None:
    committee = Committee(CommitteeKind.FOLLOW_UP, meetings=tuple(sorted(set(meetings))))
    found = next_meeting(committee, on=on)
    later = [d for d in meetings if d >= on]
    assert found == (min(later) if later else None)


@given(st.sampled_from(SuggestionOutcome), st.text(max_size=5), st.none() | days, days)
def test_a_decision_is_refused_or_accepted_never_half_NET_6(
    outcome: SuggestionOutcome, reason: str, planned: dt.date | None, on: dt.date
) -> None:
    bad = (
        (outcome is SuggestionOutcome.DECLINED and not reason)
        or (planned is not None and outcome is not SuggestionOutcome.PLANNED)
        or (planned is not None and planned < on)
    )
    if bad:
        with pytest.raises(RsgmError) as caught:
            check_decision(outcome, reason, planned, on=on)
        assert caught.value.rule == "NET-6"
    else:
        check_decision(outcome, reason, planned, on=on)


def test_only_the_committee_or_an_administrator_decides_NET_6() -> None:
    seat = Seat(SeatKind.SGM, "m-claire", "200069755")
    committee = Committee(CommitteeKind.FOLLOW_UP, (seat,))
    claire = Member("m-claire", "Claire", "Martin")
    paul = Member("m-paul", "Paul", "Roy")
    assert check_decider(claire, committee, administrator=False, ended=False).startswith("membre")
    assert "administrateur" in check_decider(paul, committee, administrator=True, ended=False)
    for who, admin, ended in ((paul, False, False), (claire, False, True), (paul, True, True)):
        with pytest.raises(RsgmError, match="ne siège pas au comité de suivi") as caught:
            check_decider(who, committee, administrator=admin, ended=ended)
        assert caught.value.rule == "NET-6"
    with pytest.raises(RsgmError):
        check_decider(claire, None, administrator=False, ended=False)


def test_a_group_member_is_active_and_deliverables_are_published_at_restitution_NET_5() -> None:
    group = WorkingGroup("g", "n", "Budget", "Finances", "Un guide", DAY)
    for state in (Lifecycle.PROSPECT, Lifecycle.INVITED, Lifecycle.DEPARTED):
        with pytest.raises(RsgmError, match="n'est pas membre actif") as caught:
            check_group_member(Member("m", "Zoé", "Bernard", lifecycle=state), group)
        assert caught.value.rule == "NET-5"
    check_group_member(Member("m", "Zoé", "Bernard"), group)
    with pytest.raises(RsgmError, match="aucun livrable"):
        check_restitution(group, [], {}, on=DAY)
    sheet = Resource("r", 1, ResourceKind.PRACTICAL_SHEET, "Guide", "…", ("Finances",), "m",
                     ResourceStatus.DRAFT)  # fmt: skip
    deliverable = Deliverable("d", "g", "Guide", "r", DAY)
    for status in (ResourceStatus.DRAFT, ResourceStatus.ARCHIVED):
        with pytest.raises(RsgmError, match=f"« Guide » \\({status.value}\\)") as caught:
            check_restitution(group, [deliverable], {"r": _with(sheet, status)}, on=DAY)
        assert caught.value.rule == "NET-5"
    check_restitution(group, [deliverable], {"r": _with(sheet, ResourceStatus.PUBLISHED)}, on=DAY)


def _with(resource: Resource, status: ResourceStatus) -> Resource:
    import attrs

    return attrs.evolve(resource, status=status)


@given(st.text(max_size=300))
def test_a_typed_text_is_clean_or_refused_naming_its_rule(text: str) -> None:
    try:
        cleaned = clean_text(text, what="nom", rule="NET-5", limit=200)
    except RsgmError as exc:
        assert exc.rule == "NET-5"
    else:
        assert cleaned == text.strip() and cleaned and len(cleaned) <= 200
        assert all(c.isprintable() or c == " " for c in cleaned) or not any(
            ord(c) < 32 for c in cleaned
        )
