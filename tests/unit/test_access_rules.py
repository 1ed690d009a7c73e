"""The access rules that need no storage, on the pure domain: the next charter version and a
commune's status (CHA-1, CHA-8), administrators (CHA-2), agreements and referents (CHA-4), the end
of a position (CHA-7), sanctions in force and reasons (CHA-9)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from rsgm_core import RuleViolation, ValidationError
from rsgm_core.domain.access import (
    Sanction,
    SanctionKind,
    Space,
    check_not_sanctioned,
    close_position,
)
from rsgm_core.domain.access_records import (
    AgreementParty,
    CdgStaff,
    check_administrator,
    check_agreement_space,
    check_reason,
    check_referent,
)
from rsgm_core.domain.charters import (
    Capacity,
    CharterVersion,
    Signature,
    SpaceKind,
    next_version,
    status_of,
)
from rsgm_core.domain.members import Function, Member, Position, Status

V1 = CharterVersion(1, dt.date(2025, 1, 6), "Charte", "Texte")
DEPT = Space("departemental", SpaceKind.DEPARTMENTAL, "Espace départemental")
GATINE = Space("epci-200041333", SpaceKind.COMMUNITY, "Gâtine", epci="200041333")
ANNE = Member("m1", "Anne", "Chevalier", email="anne.chevalier@cdg79.fr")
PAUL = Member("m2", "Paul", "Roy", email="paul.roy@example.org")


def test_versions_are_numbered_from_one_and_never_back_in_time_CHA_8() -> None:
    first = next_version([], " Charte ", "Texte", on=dt.date(2025, 1, 6))
    assert (first.version, first.title, first.published_on) == (1, "Charte", dt.date(2025, 1, 6))
    assert next_version([V1], "Charte v2", "Texte", on=dt.date(2025, 3, 1)).version == 2
    with pytest.raises(ValidationError, match=r"précéder la version en vigueur.*\[CHA-8\]"):
        next_version([V1], "Charte v2", "Texte", on=dt.date(2025, 1, 5))
    with pytest.raises(ValidationError, match=r"un titre et un texte \[CHA-8\]"):
        next_version([V1], "Charte v2", " ", on=dt.date(2025, 3, 1))


def test_the_status_lists_every_signature_and_what_is_missing_CHA_1() -> None:
    signed = [
        Signature("s2", "79019", 1, "Claire Martin", Capacity.SGM, dt.date(2025, 2, 1)),
        Signature("s1", "79019", 1, "Jean Dupont", Capacity.MAYOR, dt.date(2025, 1, 10)),
        Signature("s3", "79202", 1, "Marc Roux", Capacity.DGS, dt.date(2025, 1, 10)),
    ]
    status = status_of("79019", versions=[V1], signatures=signed, population=800)
    assert status.complete and status.version == 1
    assert [s.id for s in status.signatures] == ["s1", "s2"]  # this commune's, oldest first
    assert status.missing[SpaceKind.COMMUNITY] == [
        frozenset({Capacity.EPCI_PRESIDENT}),
        frozenset({Capacity.COMMUNITY_REFERENT, Capacity.EPCI_DGS}),
    ]
    nothing = status_of("79019", versions=[], signatures=[], population=800)
    assert nothing.version is None and not nothing.complete


def test_only_a_cdg_administrator_invites_and_sanctions_CHA_2() -> None:
    assert check_administrator(ANNE, CdgStaff("m1", administrator=True), rule="CHA-2") is ANNE
    for staff in (None, CdgStaff("m1", administrator=False)):
        with pytest.raises(RuleViolation) as info:
            check_administrator(ANNE, staff, rule="CHA-9")
        assert info.value.rule == "CHA-9" and info.value.value == "m1"
        assert "Anne Chevalier n'est pas administrateur du CDG" in info.value.message


def test_the_referent_s_agreement_concerns_a_community_space_CHA_4() -> None:
    check_agreement_space(AgreementParty.ADMINISTRATOR, DEPT)
    check_agreement_space(AgreementParty.REFERENT, GATINE)
    for party in (AgreementParty.REFERENT, AgreementParty.COMMUNE_REQUEST):
        with pytest.raises(RuleViolation, match=r"qu'un espace communautaire \[CHA-4\]"):
            check_agreement_space(party, DEPT)


def test_only_the_referent_of_the_space_s_epci_agrees_CHA_4() -> None:
    on = dt.date(2025, 3, 14)
    assert check_referent(PAUL, {"m2": "Paul Roy"}, epci_name="CC Gâtine", on=on) is PAUL
    with pytest.raises(RuleViolation) as info:
        check_referent(ANNE, {"m2": "Paul Roy"}, epci_name="CC Gâtine", on=on)
    assert info.value.rule == "CHA-4" and info.value.value == "m1"
    assert "le référent communautaire de CC Gâtine est Paul Roy" in info.value.message
    with pytest.raises(RuleViolation, match="aucun référent communautaire n'est désigné"):
        check_referent(ANNE, {}, epci_name="CC Gâtine", on=on)


def test_a_position_ends_once_CHA_7() -> None:
    position = Position("p1", "m2", "79019", Function.SGM, Decimal("1"), Status.TITULAIRE)
    ended = close_position(position, on=dt.date(2025, 3, 14))
    assert ended.end == dt.date(2025, 3, 14) and position.end is None
    with pytest.raises(RuleViolation, match=r"déjà pris fin le 14/03/2025 \[CHA-7\]"):
        close_position(ended, on=dt.date(2025, 3, 20))


def test_no_sanction_over_one_in_force_but_escalation_CHA_9() -> None:
    restriction = Sanction(
        "x1", "m2", SanctionKind.RESTRICTION, dt.date(2025, 2, 1), "m1", "propos"
    )
    check_not_sanctioned([restriction], SanctionKind.REMOVAL, member_name="Paul Roy")
    with pytest.raises(RuleViolation, match=r"Paul Roy est déjà sous le coup.*x1.*\[CHA-9\]"):
        check_not_sanctioned([restriction], SanctionKind.RESTRICTION, member_name="Paul Roy")
    removal = Sanction("x2", "m2", SanctionKind.REMOVAL, dt.date(2025, 2, 1), "m1", "récidive")
    with pytest.raises(RuleViolation, match=r"x2"):
        check_not_sanctioned([removal], SanctionKind.RESTRICTION, member_name="Paul Roy")
    lifted = removal.lift(on=dt.date(2025, 3, 1), by="m1", reason="erreur")
    check_not_sanctioned([lifted], SanctionKind.REMOVAL, member_name="Paul Roy")


def test_reports_and_sanctions_say_why_CHA_9() -> None:
    assert check_reason(" propos injurieux ", "motif attendu") == "propos injurieux"
    with pytest.raises(ValidationError, match=r"motif attendu \[CHA-9\]"):
        check_reason("  ", "motif attendu")


def test_a_request_is_possible_only_where_the_policy_allows_it_CHA_2() -> None:
    from rsgm_core.domain.access_records import check_requests_allowed
    from rsgm_core.domain.profile import AccessMode

    check_requests_allowed(AccessMode.REQUEST)
    with pytest.raises(RuleViolation) as info:
        check_requests_allowed(AccessMode.INVITATION)
    assert info.value.rule == "CHA-2" and "acces_plateforme = invitation" in info.value.message


def test_a_suspension_is_pending_until_the_new_invitation_CHA_10() -> None:
    import attrs

    from rsgm_core.domain.access_records import Suspension

    suspension = Suspension("x", "m2", dt.date(2025, 3, 1), "m1", "identifiants perdus", ("g1",))
    assert suspension.pending
    assert not attrs.evolve(suspension, reinvited_on=dt.date(2025, 3, 2), reinvited_by="m1").pending
