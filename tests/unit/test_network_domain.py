"""The pure rules of the network: roles, engagement, activation, partners, personal data and
governance (MEM-6..MEM-11, NET-1..NET-4)."""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from rsgm_core import RuleViolation, ValidationError
from rsgm_core.domain.activation import rank_helpers
from rsgm_core.domain.directory import (
    DirectoryFact,
    FactKind,
)
from rsgm_core.domain.engagement import (
    AttendanceFact,
    NetworkRole,
    RoleAssignment,
    animator_warning,
    continuity_warnings,
    disengaged,
    network_warnings,
    require_active,
)
from rsgm_core.domain.governance import (
    Charter,
    Committee,
    CommitteeKind,
    Network,
    NetworkKind,
    NetworkLead,
    Objective,
    ObjectiveKind,
    Seat,
    SeatKind,
    check_referent_network,
    committee_report,
    lead,
    network_lead,
)
from rsgm_core.domain.members import (
    Lifecycle,
    Member,
)
from rsgm_core.domain.partners import Partner, PartnerCategory
from rsgm_core.domain.rgpd import anonymise, past_retention
from rsgm_core.domain.territory import Commune

DAY = dt.date(2025, 3, 14)


def member(i: str = "m-1", **kw: object) -> Member:
    return Member(i, kw.pop("first", "Élodie"), kw.pop("last", "Rousseau"), **kw)  # type: ignore[arg-type]


# MEM-6, MEM-7, MEM-8


def role(
    member_id: str, r: NetworkRole, i: int = 0, until: dt.date | None = None
) -> RoleAssignment:
    return RoleAssignment(f"r-{member_id}-{i}", "n-1", member_id, r, dt.date(2024, 1, 1), until)


def test_fewer_than_two_cdg_staff_animators_is_a_warning_MEM_6() -> None:
    staff = {"m-1", "m-2"}
    assert animator_warning([role("m-1", NetworkRole.ANIMATOR)], on=DAY, staff=staff)
    assert animator_warning([], on=DAY, staff=staff)
    both = [role("m-1", NetworkRole.ANIMATOR), role("m-2", NetworkRole.CO_ANIMATOR)]
    assert animator_warning(both, on=DAY, staff=staff) is None
    ended = [role("m-1", NetworkRole.ANIMATOR), role("m-2", NetworkRole.CO_ANIMATOR, until=DAY)]
    assert animator_warning(ended, on=DAY, staff=staff)


def test_member_co_animators_are_counted_apart_MEM_6() -> None:
    # one CDG staff member and two members of the network co-animating: still a warning
    team = [
        role("m-1", NetworkRole.ANIMATOR),
        role("m-3", NetworkRole.CO_ANIMATOR),
        role("m-4", NetworkRole.CO_ANIMATOR),
    ]
    message = animator_warning(team, on=DAY, staff={"m-1"})
    assert message is not None
    assert message.startswith("1 animateur seulement parmi les agents du CDG")
    assert "au moins 2 personnes en interne" in message
    assert message.endswith("2 animateurs membres du réseau, comptés à part")
    # nobody of the CDG: members alone never make up for it
    assert animator_warning(team[1:], on=DAY, staff={"m-1"}) is not None
    assert animator_warning([*team, role("m-2", NetworkRole.CO_ANIMATOR)], on=DAY,
                            staff={"m-1", "m-2"}) is None  # fmt: skip


def fact(
    member_id: str, day: dt.date, *, registered: bool, attended: bool, i: int = 0
) -> AttendanceFact:
    return AttendanceFact(f"a-{member_id}-{i}", member_id, f"ev-{i}", day, registered, attended)


@given(
    st.lists(st.tuples(st.integers(0, 700), st.booleans(), st.booleans()), max_size=8),
    st.integers(1, 4),
    st.integers(1, 18),
)
def test_disengagement_windows_MEM_7(
    history: list[tuple[int, bool, bool]], last_events: int, months: int
) -> None:
    someone = member(arrival=dt.date(2020, 1, 1))
    facts = [
        fact("m-1", DAY - dt.timedelta(days=ago), registered=reg or att, attended=att, i=i)
        for i, (ago, reg, att) in enumerate(history)
    ]
    found = disengaged([someone], facts, on=DAY, last_events=last_events, silent_months=months)
    ordered = sorted(facts, key=lambda f: (f.on, f.event))[-last_events:]
    absent = len(ordered) == last_events and not any(f.attended for f in ordered)
    since = DAY - relativedelta(months=months)
    silent = not any(f.registered and f.on > since for f in facts)
    assert bool(found) == (absent or silent)


def test_a_newcomer_is_not_silent_before_12_months_MEM_7() -> None:
    newcomer = member(arrival=DAY - dt.timedelta(days=30))
    departed = member("m-2", lifecycle=Lifecycle.DEPARTED)
    assert disengaged([newcomer, departed], [], on=DAY) == []
    absent = [
        fact("m-1", DAY - dt.timedelta(days=i + 1), registered=True, attended=False, i=i)
        for i in range(3)
    ]
    [found] = disengaged([newcomer], absent, on=DAY)
    assert "3 derniers" in found.reasons[0]
    with pytest.raises(ValidationError):
        disengaged([newcomer], [], on=DAY, last_events=0)


def test_a_single_holder_leaving_is_flagged_with_candidates_MEM_8() -> None:
    holder = member("m-1", leaving_on=DAY + dt.timedelta(days=30), successor_id="m-3")
    co = member("m-2", first="Jean", last="Péroux")
    successor = member("m-3", first="Zoé", last="Bernard")
    gone = member("m-4", first="Ali", last="Aubert", lifecycle=Lifecycle.DEPARTED)
    assignments = [
        role("m-1", NetworkRole.ANIMATOR),
        role("m-2", NetworkRole.CO_ANIMATOR),
        role("m-3", NetworkRole.MEMBER),
        role("m-4", NetworkRole.MEMBER),
        role("m-2", NetworkRole.TUTOR, 1),
        role("m-3", NetworkRole.TUTOR, 1),
    ]
    members = {m.id: m for m in (holder, co, successor, gone)}
    [warning] = continuity_warnings("n-1", assignments, members, set(), on=DAY)
    assert (warning.role, warning.holder_id) == (NetworkRole.ANIMATOR, "m-1")
    assert warning.candidates == ("m-2", "m-3")  # co-animator, then successor; never the departed
    disengaged_tutor = continuity_warnings(
        "n-1", [role("m-2", NetworkRole.TUTOR)], members, {"m-2"}, on=DAY
    )
    assert disengaged_tutor[0].why == "désengagement"
    assert continuity_warnings("n-1", assignments, {**members, "m-1": co}, set(), on=DAY) == []


# MEM-9


def commune(code: str, epci: str | None, arr: str | None, dep: str = "79") -> Commune:
    return Commune(code, f"C{code}", dep, "75", epci=epci, arrondissement=arr)


def test_helpers_are_ranked_with_reasons_MEM_9() -> None:
    target = commune("79030", "200069755", "792")
    near = member("m-1", helper=True)
    skilled = member("m-2", first="Jean", last="Péroux", helper=True)
    far = member("m-3", first="Zoé", last="Bernard", helper=True)
    shy = member("m-4", first="Ali", last="Aubert", helper=False)
    places = {
        "m-1": [commune("79018", "200069755", "792")],
        "m-2": [commune("79002", "200041333", "793")],
        "m-3": [commune("86001", None, "861", "86")],
        "m-4": [commune("79015", "200069755", "792")],
    }
    facts = [DirectoryFact("f-1", "m-2", FactKind.EXPERTISE, "État civil", "etat civil")]
    ranked = rank_helpers(
        target, [far, shy, skilled, near], places, facts, expertises=["etat civil"]
    )
    assert [h.member.id for h in ranked] == ["m-1", "m-2", "m-3"]
    assert ranked[0].reasons == ("même EPCI", "même arrondissement", "même département")
    assert ranked[1].reasons == ("expertise : État civil", "même département")
    assert ranked[2].reasons == ("volontaire hors du département",)


# MEM-10


def test_partner_cards_MEM_10() -> None:
    card = Partner("p-1", "Service prévention", "CDG 79", PartnerCategory.HEALTH_SAFETY,
                   years=(2025, 2024, 2025), reviewed_on=dt.date(2024, 1, 1))  # fmt: skip
    assert card.years == (2024, 2025)
    assert card.stale_on(DAY) and not card.stale_on(dt.date(2024, 6, 1))
    assert {c.label for c in PartnerCategory} >= {"santé-sécurité", "numérique", "associatif"}
    with pytest.raises(ValidationError, match="1850"):
        Partner("p-2", "X", "Y", PartnerCategory.DIGITAL, years=(1850,))
    with pytest.raises(ValidationError, match="name vide"):
        Partner("p-2", " ", "Y", PartnerCategory.DIGITAL)


# MEM-11


def test_anonymising_keeps_the_record_and_drops_identity_MEM_11() -> None:
    someone = member(
        email="elodie.rousseau@caunay.fr", phone="+33549123456", photo="p.jpg", helper=True
    )
    erased = anonymise(someone, on=DAY)
    assert erased.id == someone.id and erased.erased_on == DAY
    assert (erased.email, erased.phone, erased.photo, erased.helper) == (None, None, None, False)
    assert "Rousseau" not in repr(erased)
    old = member("m-2", lifecycle=Lifecycle.DEPARTED, departed_on=dt.date(2020, 1, 1))
    recent = member("m-3", lifecycle=Lifecycle.DEPARTED, departed_on=dt.date(2024, 1, 1))
    assert past_retention([someone, old, recent], on=DAY, retention_days=365 * 3) == [old]
    assert past_retention([anonymise(old, on=DAY)], on=DAY) == []
    with pytest.raises(ValidationError):
        past_retention([], on=DAY, retention_days=-1)


# NET-1 .. NET-4


def test_a_community_network_is_run_by_its_referent_or_the_project_lead_NET_1() -> None:
    dep = Network("n-0", NetworkKind.DEPARTMENTAL, "Réseau 79", project_lead="Anne Chevalier")
    community = Network("n-1", NetworkKind.COMMUNITY, "Réseau Mellois", epci="200069755")
    assert lead(community, dep) == (
        "chef de projet du CDG (en l'absence de référent)",
        "Anne Chevalier",
    )
    assert lead(attr_referent(community), dep)[1] == "m-1"
    with pytest.raises(ValidationError, match="EPCI"):
        Network("n-2", NetworkKind.COMMUNITY, "Sans EPCI")


def attr_referent(network: Network) -> Network:
    import attrs

    return attrs.evolve(network, referent_id="m-1")


def test_follow_up_committee_reports_missing_seats_and_years_NET_2() -> None:
    committee = Committee(
        CommitteeKind.FOLLOW_UP,
        (Seat(SeatKind.REFERENT, "m-1", "200069755"), Seat(SeatKind.SGM, "m-2", "200069755"),
         Seat(SeatKind.SGM, "m-3", "200041333")),
        meetings=(dt.date(2023, 5, 1), dt.date(2025, 2, 1)),
        created_on=dt.date(2022, 9, 1),
    )  # fmt: skip
    report = committee_report(
        committee, [("200069755", "CC Mellois"), ("200041333", "CC Gâtine")], on=DAY
    )
    assert report.missing_seats == ("CC Gâtine : référent communautaire",)
    assert report.missed_years == (2022, 2024)
    with pytest.raises(RuleViolation, match="elu_cdg") as caught:
        Committee(CommitteeKind.FOLLOW_UP, (Seat(SeatKind.CDG_ELECTED, "Mme X"),))
    assert caught.value.rule == "NET-2"


def test_steering_committee_needs_cdg_and_epci_elected_NET_3() -> None:
    committee = Committee(
        CommitteeKind.STEERING, (Seat(SeatKind.EPCI_ELECTED, "M. Y", "200069755"),)
    )
    report = committee_report(
        committee, [("200069755", "CC Mellois"), ("200041333", "CC Gâtine")], on=DAY
    )
    assert report.missing_seats == ("CDG : élu du centre de gestion", "CC Gâtine : élu de l'EPCI")
    assert report.missed_years == ()  # meets as needed
    with pytest.raises(RuleViolation) as caught:
        Committee(CommitteeKind.STEERING, (Seat(SeatKind.SGM, "m-1", "200069755"),))
    assert caught.value.rule == "NET-3"


def test_charter_and_objectives_tied_to_indicators_NET_4() -> None:
    with pytest.raises(ValidationError, match="principles"):
        Charter("but", "périmètre", "animation", "rôle", " ", "droits")
    with pytest.raises(RuleViolation, match="indicateur"):
        Objective(ObjectiveKind.STRATEGIC, "couvrir le territoire", [])
    with pytest.raises(ValidationError, match="nombre_de_cafes"):
        Objective(ObjectiveKind.OPERATIONAL, "matinales", ["nombre_de_cafes"])
    objective = Objective(ObjectiveKind.OPERATIONAL, "matinales", ["taux_participation"])
    assert objective.indicators == ("taux_participation",)


# Rules checked in the domain before anything is stored (MEM-6, MEM-8, NET-1).


def test_only_an_active_member_takes_a_role_MEM_6() -> None:
    assert require_active(member()).id == "m-1"
    for state in (Lifecycle.PROSPECT, Lifecycle.INVITED, Lifecycle.DEPARTED):
        with pytest.raises(RuleViolation, match="n'est pas membre actif") as caught:
            require_active(member(lifecycle=state))
        assert (caught.value.rule, caught.value.value) == ("MEM-6", "m-1")


def test_a_community_referent_runs_a_community_network_NET_1() -> None:
    check_referent_network(Network("n-1", NetworkKind.COMMUNITY, "Mellois", epci="200069755"))
    with pytest.raises(RuleViolation, match="communautaire") as caught:
        check_referent_network(Network("n-0", NetworkKind.DEPARTMENTAL, "Réseau 79"))
    assert (caught.value.rule, caught.value.value) == ("NET-1", "n-0")


def test_who_runs_a_network_is_one_record_NET_1() -> None:
    dep = Network("n-0", NetworkKind.DEPARTMENTAL, "Réseau 79", project_lead="Anne Chevalier")
    community = Network("n-1", NetworkKind.COMMUNITY, "Réseau Mellois", epci="200069755")
    assert network_lead(dep, dep) == NetworkLead("chef de projet du CDG", "Anne Chevalier")
    assert network_lead(community, None).holder is None
    assert network_lead(attr_referent(community), dep) == NetworkLead(
        "référent communautaire", "m-1"
    )


def test_network_warnings_are_one_type_MEM_6_MEM_8() -> None:
    claire = member("m-1", first="Claire", last="Martin", leaving_on=dt.date(2025, 6, 30))
    jean = member("m-2", first="Jean", last="Péroux")
    assignments = [role("m-1", NetworkRole.ANIMATOR), role("m-2", NetworkRole.CO_ANIMATOR, 1)]
    members = {m.id: m for m in (claire, jean)}
    found = network_warnings("n-1", "Réseau 79", assignments, members, set(), on=DAY,
                             departmental=True, staff={"m-1", "m-2"})  # fmt: skip
    [flag] = found
    assert (flag.role, flag.holder_id, flag.candidates) == (NetworkRole.ANIMATOR, "m-1", ("m-2",))
    assert flag.message.startswith("Réseau 79 : animateur") and flag.continuity is not None
    alone = network_warnings("n-1", "Réseau 79", assignments[:1], {"m-1": jean}, set(), on=DAY,
                             departmental=True, staff={"m-1"})  # fmt: skip
    assert [(w.role, w.continuity) for w in alone] == [(None, None)]
    assert "1 animateur" in alone[0].message
    assert network_warnings("n-2", "Mellois", [], {}, set(), on=DAY, departmental=False) == []
