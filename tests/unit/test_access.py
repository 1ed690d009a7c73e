"""Charter signatures, access decisions, nominative accounts, revocation, sanctions and the
platform delta (CHA-1..CHA-9) on the pure domain."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rsgm_core import RuleViolation, ValidationError
from rsgm_core.domain.access import (
    Candidate,
    Grant,
    LoweredRole,
    Role,
    Sanction,
    SanctionKind,
    Space,
    check_nominative,
    decide,
    revoke_all,
)
from rsgm_core.domain.access_records import community_referents
from rsgm_core.domain.charters import (
    Capacity,
    CharterVersion,
    Signatories,
    Signature,
    SpaceKind,
    check_signature,
    missing_signatures,
)
from rsgm_core.domain.engagement import NetworkRole, RoleAssignment
from rsgm_core.domain.governance import Network, NetworkKind
from rsgm_core.domain.platform import PlatformMembership, PlatformState, PlatformUser, delta

V1 = CharterVersion(1, dt.date(2025, 1, 6), "Charte d'utilisation", "…")
V2 = CharterVersion(2, dt.date(2025, 9, 1), "Charte d'utilisation", "… 7.3 …")
DEPT = Space("dep79", SpaceKind.DEPARTMENTAL, "Réseau départemental des SGDM")
MELLOIS = Space("cc-mellois", SpaceKind.COMMUNITY, "Mellois en Poitou", epci="200069755")


#: Claire Martin (m1) holds a position in the commune (CHA-1).
CLAIRE = Signatories(staff=frozenset({"m1"}))


def sign(
    capacity: Capacity, *, version: int = 2, space: SpaceKind = SpaceKind.DEPARTMENTAL
) -> Signature:
    return Signature(
        "s", "79307", version, "Claire Martin", capacity, dt.date(2025, 9, 15), space,
        member_id="m1",
    )  # fmt: skip


def test_mayor_and_sgm_sign_for_a_small_commune_CHA_1() -> None:
    signed = [sign(Capacity.MAYOR), sign(Capacity.SGM)]
    assert (
        missing_signatures(
            signed, commune="79307", space=SpaceKind.DEPARTMENTAL, population=2271, version=2
        )
        == []
    )
    community = missing_signatures(
        signed, commune="79307", space=SpaceKind.COMMUNITY, population=2271, version=2
    )
    assert community == [  # CHA-1: the EPCI's side, never the commune's DGS
        frozenset({Capacity.EPCI_PRESIDENT}),
        frozenset({Capacity.COMMUNITY_REFERENT, Capacity.EPCI_DGS}),
    ]


def test_the_dgs_signs_for_a_commune_of_3500_or_more_CHA_1() -> None:
    check_signature(sign(Capacity.DGS), versions=[V1, V2], population=3_500, signatories=CLAIRE)
    with pytest.raises(RuleViolation) as info:
        check_signature(sign(Capacity.SGM), versions=[V1, V2], population=3_500)
    assert info.value.rule == "CHA-1" and "secrétaire général de mairie" in info.value.message
    with pytest.raises(RuleViolation):  # an EPCI president does not sign the departmental charter
        check_signature(sign(Capacity.EPCI_PRESIDENT), versions=[V1, V2], population=800)


def test_a_superseded_version_cannot_be_signed_and_old_signatures_stay_on_record_CHA_8() -> None:
    with pytest.raises(RuleViolation) as info:
        check_signature(sign(Capacity.MAYOR, version=1), versions=[V1, V2], population=800)
    assert info.value.rule == "CHA-8" and "version 2" in info.value.message
    old = [sign(Capacity.MAYOR, version=1), sign(Capacity.SGM, version=1)]
    assert missing_signatures(
        old, commune="79307", space=SpaceKind.DEPARTMENTAL, population=800, version=2
    )
    assert {s.version for s in old} == {1}  # what each signed is kept


def candidate(**facts: object) -> Candidate:
    base = dict(member_id="m1", email="claire.martin@example.org", commune="79307",
                population=2271, epci="200069755", member_commune=True, charter_signed=True)  # fmt: skip
    return Candidate(**{**base, **facts})  # type: ignore[arg-type]


def test_an_sgm_with_signatures_and_an_invitation_gets_in_CHA_2_CHA_3() -> None:
    assert decide(candidate(), Role.CONTRIBUTOR, DEPT, invited_by_admin=True).allowed
    assert decide(candidate(), Role.CONTRIBUTOR, MELLOIS, invited_by_admin=True).allowed


def test_every_reason_is_given_with_its_rule_CHA_1_CHA_2() -> None:
    decision = decide(
        candidate(charter_signed=False), Role.CONTRIBUTOR, DEPT, invited_by_admin=False
    )
    assert not decision.allowed
    assert {r.rule for r in decision.refusals} == {"CHA-1", "CHA-2"}
    assert "[CHA-2]" in decision.explain()
    with pytest.raises(RuleViolation):
        decision.raise_if_refused()


def test_only_cdg_staff_administer_CHA_2() -> None:
    refused = decide(candidate(), Role.ADMINISTRATOR, DEPT, invited_by_admin=True)
    assert [r.rule for r in refused.refusals] == ["CHA-2"]
    staff = Candidate("a1", "agent.cdg@cdg79.fr", cdg_staff=True)
    assert decide(staff, Role.ADMINISTRATOR, DEPT, invited_by_admin=True).allowed


def test_spaces_and_their_opening_rules_CHA_3_TER_7() -> None:
    large = candidate(population=7_000)
    assert "CHA-3" in {
        r.rule for r in decide(large, Role.VISITOR, DEPT, invited_by_admin=True).refusals
    }
    assert not decide(large, Role.VISITOR, MELLOIS, invited_by_admin=True).allowed
    assert decide(
        candidate(population=7_000, requested=True), Role.VISITOR, MELLOIS, invited_by_admin=True
    ).allowed
    no_pack = candidate(member_commune=False)
    assert not decide(
        no_pack, Role.VISITOR, MELLOIS, invited_by_admin=True, pack_required=True
    ).allowed  # CHA-3, CDG 79's policy
    assert decide(no_pack, Role.VISITOR, MELLOIS, invited_by_admin=True).allowed  # CDG 77, CIG
    assert not decide(
        candidate(epci="200041317"), Role.VISITOR, MELLOIS, invited_by_admin=True
    ).allowed
    with pytest.raises(RuleViolation):
        Space("x", SpaceKind.COMMUNITY, "sans EPCI")
    yvelines = Space("departemental-78", SpaceKind.DEPARTMENTAL, "Yvelines", departement="78")
    essonne = candidate(departement="91")
    refused = decide(essonne, Role.VISITOR, yvelines, invited_by_admin=True).refusals
    assert [r.rule for r in refused] == ["TER-7"] and "département 78" in refused[0].message
    assert decide(
        candidate(departement="78"), Role.VISITOR, yvelines, invited_by_admin=True
    ).allowed
    outside = candidate(departement="77", outside_territory=True)
    assert [
        r.rule for r in decide(outside, Role.VISITOR, DEPT, invited_by_admin=True).refusals
    ] == ["TER-7"]
    with pytest.raises(RuleViolation, match=r"TER-7"):
        Space("x", SpaceKind.COMMUNITY, "CC", epci="200069755", departement="79")


def test_a_non_sgm_needs_both_agreements_CHA_4() -> None:
    agent = candidate(sgm=False)
    assert {
        r.rule for r in decide(agent, Role.VISITOR, MELLOIS, invited_by_admin=True).refusals
    } == {"CHA-4"}
    one = candidate(sgm=False, admin_agrees=True)
    assert not decide(one, Role.VISITOR, MELLOIS, invited_by_admin=True).allowed
    both = candidate(sgm=False, admin_agrees=True, referent_agrees=True)
    assert decide(both, Role.VISITOR, MELLOIS, invited_by_admin=True).allowed


def test_read_only_phase_makes_members_visitors_CHA_5() -> None:
    reading = Space("dep79", SpaceKind.DEPARTMENTAL, "Réseau", read_only=True)
    assert [
        r.rule
        for r in decide(candidate(), Role.CONTRIBUTOR, reading, invited_by_admin=True).refusals
    ] == ["CHA-5"]
    assert decide(candidate(), Role.VISITOR, reading, invited_by_admin=True).allowed


@pytest.mark.parametrize(
    "email", ["mairie@sauze-entre-bois.fr", "accueil@niort.fr", "sauzeentrebois@orange.fr",
              "mairie.sauze-entre-bois@wanadoo.fr", "Sauze-Entre-Bois@gmail.com",
              "mairie.aubigny@orange.fr", "mairie-de-sauze@wanadoo.fr",
              "secretariat.mairie@sauze.fr", "mairie+sgm@sauze.fr", "accueil-sauze@orange.fr"],
)  # fmt: skip
def test_shared_mailboxes_are_refused_CHA_6(email: str) -> None:
    with pytest.raises(RuleViolation) as info:
        check_nominative(email, commune_names=["Sauzé-entre-Bois"])
    assert info.value.rule == "CHA-6" and email.split("@")[0] in info.value.message


def test_a_person_s_address_is_accepted_and_the_list_is_extensible_CHA_6() -> None:
    assert check_nominative("claire.martin@sauze-entre-bois.fr", commune_names=["Sauzé-entre-Bois"])
    assert check_nominative("jean.ville@orange.fr", commune_names=["Sauzé-entre-Bois"])
    assert check_nominative("claire.martin+rsgm@orange.fr")
    with pytest.raises(RuleViolation):
        check_nominative("standard@niort.fr", generic_local_parts={"standard"})


def grants() -> list[Grant]:
    return [
        Grant("g1", "m1", "dep79", Role.CONTRIBUTOR, dt.date(2025, 2, 1), "a1"),
        Grant("g2", "m1", "cc-mellois", Role.ANIMATOR, dt.date(2025, 2, 1), "a1"),
        Grant("g3", "m2", "dep79", Role.VISITOR, dt.date(2025, 2, 1), "a1"),
    ]


def test_departure_revokes_every_access_at_once_CHA_7() -> None:
    revoked = revoke_all(grants(), "m1", on=dt.date(2025, 10, 1), reason="mutation")
    assert {g.id for g in revoked} == {"g1", "g2"} and all(not g.active for g in revoked)
    assert not decide(candidate(departed=True), Role.VISITOR, DEPT, invited_by_admin=True).allowed


def test_sanctions_restrict_or_remove_CHA_9() -> None:
    restrict = Sanction(
        "x1", "m1", SanctionKind.RESTRICTION, dt.date(2025, 10, 1), "a1", "propos déplacés"
    )
    assert {g.role for g in restrict.apply(grants())} == {Role.VISITOR}
    remove = Sanction("x2", "m1", SanctionKind.REMOVAL, dt.date(2025, 10, 1), "a1", "récidive")
    assert all(not g.active for g in remove.apply(grants()))
    assert [
        r.rule
        for r in decide(
            candidate(restricted=True), Role.CONTRIBUTOR, DEPT, invited_by_admin=True
        ).refusals
    ] == ["CHA-9"]
    assert decide(candidate(restricted=True), Role.VISITOR, DEPT, invited_by_admin=True).allowed
    assert not decide(candidate(removed=True), Role.VISITOR, DEPT, invited_by_admin=True).allowed


def test_lifting_a_restriction_gives_the_lowered_roles_back_CHA_9() -> None:
    restrict = Sanction(
        "x1", "m1", SanctionKind.RESTRICTION, dt.date(2025, 10, 1), "a1", "propos déplacés"
    )
    recorded, lowered = restrict.impose(grants())
    assert recorded.lowered == (
        LoweredRole("g1", Role.CONTRIBUTOR),
        LoweredRole("g2", Role.ANIMATOR),
    )
    assert recorded.active and {g.role for g in lowered} == {Role.VISITOR}
    lifted = recorded.lift(on=dt.date(2025, 11, 1), by="a2", reason=" excuses présentées ")
    assert not lifted.active
    assert (lifted.lifted_on, lifted.lifted_by, lifted.lift_reason) == (
        dt.date(2025, 11, 1), "a2", "excuses présentées",
    )  # fmt: skip
    assert (lifted.decided_on, lifted.reason) == (restrict.decided_on, restrict.reason)  # history
    now = [lowered[0], attrs.evolve(lowered[1], revoked_on=dt.date(2025, 10, 15))]
    assert [(g.id, g.role) for g in lifted.restore(now)] == [("g1", Role.CONTRIBUTOR)]


def test_lifting_a_removal_gives_nothing_back_CHA_9() -> None:
    remove = Sanction("x2", "m1", SanctionKind.REMOVAL, dt.date(2025, 10, 1), "a1", "récidive")
    recorded, revoked = remove.impose(grants())
    assert recorded.lowered == () and all(not g.active for g in revoked)
    assert recorded.lift(on=dt.date(2025, 10, 1), by="a1", reason="erreur").restore(revoked) == []


def test_a_sanction_is_lifted_once_and_not_before_it_was_decided_CHA_9() -> None:
    sanction = Sanction("x3", "m1", SanctionKind.REMOVAL, dt.date(2025, 10, 1), "a1", "récidive")
    with pytest.raises(ValidationError, match=r"avant d'avoir été décidée.*\[CHA-9\]"):
        sanction.lift(on=dt.date(2025, 9, 30), by="a1", reason="erreur")
    with pytest.raises(ValidationError, match=r"motivée.*\[CHA-9\]"):
        sanction.lift(on=dt.date(2025, 10, 2), by="a1", reason="  ")
    lifted = sanction.lift(on=dt.date(2025, 10, 2), by="a1", reason="erreur")
    with pytest.raises(RuleViolation, match=r"x3.*déjà été levée le 02/10/2025 \[CHA-9\]"):
        lifted.lift(on=dt.date(2025, 10, 3), by="a1", reason="encore")


def test_the_referent_is_the_one_of_the_space_s_epci_on_that_day_CHA_4() -> None:
    mellois = Network("n1", NetworkKind.COMMUNITY, "Réseau Mellois", epci="200069755")
    gatine = Network("n2", NetworkKind.COMMUNITY, "Réseau Gâtine", epci="200041333")
    roles = [
        RoleAssignment("r1", "n1", "m1", NetworkRole.COMMUNITY_REFERENT, dt.date(2025, 1, 1),
                       until=dt.date(2025, 6, 1)),
        RoleAssignment("r2", "n1", "m2", NetworkRole.COMMUNITY_REFERENT, dt.date(2025, 6, 1)),
        RoleAssignment("r3", "n1", "m3", NetworkRole.ANIMATOR, dt.date(2025, 1, 1)),
        RoleAssignment("r4", "n2", "m4", NetworkRole.COMMUNITY_REFERENT, dt.date(2025, 1, 1)),
    ]  # fmt: skip
    networks = [mellois, gatine]
    assert community_referents("200069755", networks, roles, on=dt.date(2025, 3, 1)) == {"m1"}
    assert community_referents("200069755", networks, roles, on=dt.date(2025, 6, 1)) == {"m2"}
    assert community_referents("200041333", networks, roles, on=dt.date(2025, 3, 1)) == {"m4"}
    assert community_referents("246700488", networks, roles, on=dt.date(2025, 3, 1)) == set()


USERS = st.builds(
    PlatformUser,
    st.sampled_from(["a@x.fr", "b@x.fr", "c@x.fr"]),
    st.just("A"),
    st.just("B"),
    st.sampled_from(["Niort", "Melle"]),
)
MEMBERSHIPS = st.builds(
    PlatformMembership,
    st.sampled_from(["a@x.fr", "b@x.fr", "c@x.fr"]),
    st.sampled_from(["dep79", "cc"]),
    st.sampled_from(["visiteur", "contributeur"]),
)
STATES = st.builds(PlatformState.of, st.lists(USERS, max_size=4), st.lists(MEMBERSHIPS, max_size=5))


@given(STATES, STATES)
def test_the_delta_is_idempotent_CHA_7(previous: PlatformState, current: PlatformState) -> None:
    change = delta(previous, current)
    assert set(change.users) <= set(current.users) and set(change.memberships) <= set(
        current.memberships
    )
    assert delta(
        current, current
    ).empty  # re-running an export with nothing new gives nothing to do
    for email in change.suspended:  # suspended: had access before, has none now
        assert email in {m.email for m in previous.memberships}
        assert email not in {m.email for m in current.memberships}


def test_the_delta_withdraws_a_membership_from_a_user_who_keeps_another_CHA_7() -> None:
    both = PlatformState.of(
        [],
        [
            PlatformMembership("a@x.fr", "dep79", "visiteur"),
            PlatformMembership("a@x.fr", "cc", "visiteur"),
        ],
    )
    one = PlatformState.of([], [PlatformMembership("a@x.fr", "dep79", "visiteur")])
    change = delta(both, one)
    assert change.removed == (PlatformMembership("a@x.fr", "cc", "visiteur"),)
    assert change.suspended == () and not change.memberships
    assert delta(one, one).empty
