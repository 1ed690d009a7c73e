"""Networks, roles, engagement, activation, partners and RGPD through ``app`` on both backends
(MEM-6..MEM-11, NET-1..NET-4)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from decimal import Decimal

import pytest

import rsgm_core
from rsgm_core import (
    App,
    AttendanceFact,
    Charter,
    ConflictError,
    Lifecycle,
    NetworkLead,
    NetworkRole,
    NetworkWarning,
    NotFoundError,
    Objective,
    ObjectiveKind,
    RuleViolation,
    Seat,
    SeatKind,
    Settings,
    ValidationError,
)
from rsgm_core.services.network import NetworkService
from rsgm_core.testing import Clock
from tests.conftest import NOW, SAMPLE
from tests.helpers import administrator

TODAY = NOW.date()
MELLOIS, GATINE = "200069755", "200041333"


@pytest.fixture
def census_app(app: App) -> App:
    app.census.import_(SAMPLE, ["79"])
    return app


def person(
    app: App, first: str, last: str, commune: str, *, helper: bool = True, **kw: object
) -> str:
    member = app.members.add(
        first, last, email=f"{first}.{last}@example.org".lower(), helper=helper, **kw
    )  # type: ignore[arg-type]
    app.members.add_position(member.id, commune, "sgm", work_time=Decimal(1))
    return member.id


def test_one_departmental_network_and_community_networks_per_epci_NET_1(census_app: App) -> None:
    network = census_app.network
    with pytest.raises(RuleViolation, match="départemental") as caught:
        network.create_community_network(MELLOIS, by=administrator(census_app))
    assert caught.value.rule == "NET-1"
    dep = network.create_departmental_network(
        "Réseau 79", by=administrator(census_app), project_lead="Anne Chevalier"
    )
    with pytest.raises(RuleViolation, match="un seul"):
        network.create_departmental_network("Un autre", by=administrator(census_app))
    mellois = network.create_community_network(MELLOIS, by=administrator(census_app))
    assert mellois.name == "Réseau CC Mellois en Poitou"
    assert network.get_lead(mellois.id) == NetworkLead(
        "chef de projet du CDG (en l'absence de référent)", "Anne Chevalier"
    )
    assert network.get_lead(dep.id) == NetworkLead("chef de projet du CDG", "Anne Chevalier")
    with pytest.raises(ConflictError):
        network.create_community_network(MELLOIS, by=administrator(census_app))
    with pytest.raises(NotFoundError, match="123456789"):
        network.create_community_network("123456789", by=administrator(census_app))
    referent = person(census_app, "Nadia", "Girard", "79018")
    network.assign(
        mellois.id, referent, NetworkRole.COMMUNITY_REFERENT, by=administrator(census_app)
    )
    assert network.get_lead(mellois.id) == NetworkLead("référent communautaire", referent)
    gatine = network.create_community_network(
        GATINE, by=administrator(census_app), referent_id=referent
    )
    assert network.get_lead(gatine.id).holder == referent
    with pytest.raises(RuleViolation, match="communautaire"):
        network.assign(dep.id, referent, "referent_communautaire", by=administrator(census_app))
    assert next(n.name for n in network.list_networks()) == "Réseau 79"


def test_animators_and_continuity_warnings_MEM_6_MEM_8(census_app: App) -> None:
    network = census_app.network
    dep = network.create_departmental_network("Réseau 79", by=administrator(census_app))
    claire = person(census_app, "Claire", "Martin", "79019")
    jean = person(census_app, "Jean", "Péroux", "79030")
    for member_id in (claire, jean):
        network.record_attendance(
            member_id, "matinale", on=TODAY - dt.timedelta(days=10), registered=True, attended=True
        )
    admin = census_app.members.add("Anne", "Chevalier", email="anne.chevalier@cdg79.example.org")
    census_app.access.add_staff(admin.id, administrator=True, by=administrator(census_app))  # CHA-2
    for member_id in (claire, jean):  # CDG staff, "au moins 2 personnes en interne"
        census_app.access.add_staff(member_id, by=admin.id)
    network.assign(dep.id, claire, "animateur", by=administrator(census_app))
    [warning] = network.list_warnings()
    assert "1 animateur" in warning.message and warning.role is None  # MEM-6
    assert warning.message.startswith("Réseau 79 : ")
    network.assign(dep.id, jean, "co-animateur", by=administrator(census_app))
    with pytest.raises(ConflictError):
        network.assign(dep.id, jean, "co-animateur", by=administrator(census_app))
    assert network.list_warnings() == []
    census_app.members.announce_departure(claire, on=TODAY + dt.timedelta(days=30))
    [flag] = network.list_warnings()
    assert isinstance(flag, NetworkWarning) and flag.network_id == dep.id
    assert (flag.role, flag.holder_id, flag.candidates) == (NetworkRole.ANIMATOR, claire, (jean,))
    assert "départ annoncé" in flag.why
    prospect = census_app.members.add("Zoé", "Bernard", lifecycle="prospect")
    with pytest.raises(RuleViolation, match="n'est pas membre actif") as caught:
        network.assign(dep.id, prospect.id, "tuteur", by=administrator(census_app))
    assert caught.value.rule == "MEM-6"


def test_disengagement_from_attendance_facts_MEM_7(census_app: App) -> None:
    network = census_app.network
    old = dt.date(2023, 1, 1)
    absent = person(census_app, "Paul", "Moreau", "79009", arrival=old)
    silent = person(census_app, "Léa", "Fournier", "79002", arrival=old)
    keen = person(census_app, "Nadia", "Girard", "79018", arrival=old)
    for i in range(3):
        day = TODAY - dt.timedelta(days=30 * (i + 1))
        network.record_attendance(absent, f"ev-{i}", on=day, registered=True, attended=False)
        network.record_attendance(keen, f"ev-{i}", on=day, registered=True, attended=True)
    network.record_attendance(
        silent, "ev-old", on=TODAY - dt.timedelta(days=400), registered=True, attended=True
    )
    found = {d.member_id: d.reasons for d in network.list_disengaged()}
    assert set(found) == {absent, silent}
    assert "3 derniers" in found[absent][0] and "12 mois" in found[silent][0]
    assert {d.member_id for d in network.list_disengaged(last_events=4)} == {silent}


def test_attendance_comes_through_a_replaceable_source_MEM_7(census_app: App) -> None:
    someone = person(census_app, "Paul", "Moreau", "79009", arrival=dt.date(2020, 1, 1))

    class FromEvents:  # what the events feature will provide
        def invitations(self, member_ids: Sequence[str]) -> list[AttendanceFact]:
            return [
                AttendanceFact("a", someone, "journée", TODAY - dt.timedelta(days=5), True, True)
            ]

    assert NetworkService(census_app.deps, FromEvents()).list_disengaged() == []
    assert [d.member_id for d in census_app.network.list_disengaged()] == [someone]


def test_activation_ranks_opted_in_helpers_with_reasons_MEM_9(census_app: App) -> None:
    near = person(census_app, "Nadia", "Girard", "79018")  # same EPCI as 79030
    skilled = person(census_app, "Léa", "Fournier", "79002")  # Gâtine, other arrondissement
    tooled = person(census_app, "Paul", "Moreau", "79009")  # Niortais, same arrondissement
    person(census_app, "Ali", "Aubert", "79015", helper=False)  # same EPCI but not a volunteer
    local = person(census_app, "Jean", "Péroux", "79030")  # works in the commune itself
    census_app.directory.set_expertises(skilled, ["État civil"])
    census_app.directory.set_software(tooled, mastered=["Berger-Levrault"])
    census_app.directory.set_software(near, used=["Berger-Levrault"])
    helpers = census_app.network.find_helpers(
        "79030", expertises=["etat civil"], software=["berger levrault"]
    )
    assert [h.member.id for h in helpers] == [near, skilled, tooled]
    assert helpers[0].reasons == (
        "même EPCI",
        "logiciel : Berger-Levrault (utilisé)",
        "même arrondissement",
        "même département",
    )
    assert helpers[1].reasons == ("expertise : État civil", "même département")
    assert local not in [h.member.id for h in helpers]
    census_app.members.depart(near, reason="retraite")
    assert near not in [h.member.id for h in census_app.network.find_helpers("79030")]
    with pytest.raises(NotFoundError, match="79999"):
        census_app.network.find_helpers("79999")
    with pytest.raises(ValidationError, match="Cuisine"):
        census_app.network.find_helpers("79030", expertises=["Cuisine"])


def test_partner_directory_MEM_10(census_app: App) -> None:
    partners = census_app.partners
    prevention = partners.add(
        "Service prévention", "CDG 79", "sante_securite", themes=["Santé au travail"], years=[2024]
    )
    partners.add("Préfecture", "État", "administration", themes=["élections"])
    assert [p.name for p in partners.list_partners(theme="sante")] == ["Service prévention"]
    assert [p.name for p in partners.list_partners(category="administration")] == ["Préfecture"]
    assert partners.add_year(prevention.id, year=2025).years == (2024, 2025)
    assert (
        partners.list_stale_partners(on=TODAY + dt.timedelta(days=400)) != []
        and partners.list_stale_partners() == []
    )
    with pytest.raises(ValidationError, match="traiteur"):
        partners.add("X", "Y", "traiteur")
    partners.remove(prevention.id)
    assert len(partners.list_partners()) == 1


def test_partner_update_keeps_or_clears_the_contact_MEM_10(census_app: App) -> None:
    partners = census_app.partners
    card = partners.add("Service", "CDG", "sante_securite", contact="a@x.fr")
    assert partners.update(card.id, name="Service RH").contact == "a@x.fr"  # left out: kept
    assert partners.update(card.id, contact="").contact is None
    partners.update(card.id, contact="b@x.fr")
    with pytest.warns(DeprecationWarning, match=r'contact=None\) is deprecated .* contact=""'):
        assert partners.update(card.id, contact=None).contact is None  # cleared, as before 0.2


def test_committees_report_missing_seats_and_years_NET_2_NET_3(census_app: App) -> None:
    network = census_app.network
    network.create_departmental_network("Réseau 79", by=administrator(census_app))
    network.create_community_network(MELLOIS, by=administrator(census_app))
    network.create_community_network(GATINE, by=administrator(census_app))
    sgm = person(census_app, "Nadia", "Girard", "79018")
    network.set_committee(
        "suivi",
        [Seat(SeatKind.SGM, sgm, MELLOIS)],
        by=administrator(census_app),
        on=dt.date(2023, 2, 1),
    )
    network.record_meeting("suivi", by=administrator(census_app), on=dt.date(2023, 6, 1))
    report = network.committee_report("suivi")
    assert report.missing_seats == (
        "CC de Parthenay-Gâtine : référent communautaire",
        "CC de Parthenay-Gâtine : SGM du territoire",
        "CC Mellois en Poitou : référent communautaire",
    )
    assert report.missed_years == (2024,)
    network.set_committee(
        "pilotage", [Seat(SeatKind.CDG_ELECTED, "M. le Président")], by=administrator(census_app)
    )
    assert network.committee_report("pilotage").missing_seats == (
        "CC de Parthenay-Gâtine : élu de l'EPCI",
        "CC Mellois en Poitou : élu de l'EPCI",
    )
    with pytest.raises(NotFoundError, match="999999999"):
        network.set_committee(
            "pilotage",
            [Seat(SeatKind.EPCI_ELECTED, "X", "999999999")],
            by=administrator(census_app),
        )


def test_charter_and_objectives_NET_4(census_app: App) -> None:
    dep = census_app.network.create_departmental_network("Réseau 79", by=administrator(census_app))
    charter = Charter(
        "rompre l'isolement",
        "moins de 3 500 habitants",
        "matinales",
        "contribuer",
        "entraide",
        "charte signée",
    )
    objectives = [
        Objective(ObjectiveKind.STRATEGIC, "couvrir le territoire", ["couverture_territoriale"])
    ]
    saved = census_app.network.set_charter(
        dep.id, charter, objectives, by=administrator(census_app)
    )
    [stored] = [n for n in census_app.network.list_networks() if n.id == dep.id]
    assert (
        stored == saved
        and stored.charter == charter
        and stored.objectives[0].indicators == ("couverture_territoriale",)
    )


def test_rgpd_export_erase_and_purge_MEM_11(census_app: App) -> None:
    claire = person(census_app, "Claire", "Martin", "79019")
    census_app.directory.set_expertises(claire, ["État civil"])
    census_app.directory.give_consent(claire, "annuaire")
    census_app.network.record_attendance(
        claire, "matinale", on=TODAY, registered=True, attended=True
    )
    census_app.members.add("Zoé", "Bernard", email="zoe.bernard@example.org", welcome=True)
    held = census_app.rgpd.export_personal_data(claire, by=administrator(census_app))
    assert held["membre"]["email"] == "claire.martin@example.org"
    assert [f["value"] for f in held["directory_facts"]] == ["État civil"]
    assert len(held["positions"]) == len(held["attendance"]) == len(held["consents"]) == 1
    json.loads(census_app.rgpd.export_personal_data_json(claire, by=administrator(census_app)))
    counts = census_app.info()["counts"]
    report_before = [(r.code, len(r.agents)) for r in census_app.census.report().rows]
    census_app.rgpd.erase(claire, by=administrator(census_app))
    erased = census_app.members.get(claire)
    assert (erased.first_name, erased.email, erased.erased_on) == ("Personne", None, TODAY)
    after = census_app.info()["counts"]
    assert after["members"] == counts["members"]
    # MEM-11: their position became a coarse one (EPCI, stratum, department; no commune)
    assert after["positions"] + after["coarse_positions"] == counts["positions"]
    assert after["coarse_positions"] == 1
    assert after["attendance"] == counts["attendance"] and after["directory_facts"] == 0
    # the census report (TER-6) is nominative: it lists them no more, the other rows stay
    report_after = [(r.code, len(r.agents)) for r in census_app.census.report().rows]
    assert sum(n for _, n in report_after) == sum(n for _, n in report_before) - 1
    assert [r for r in report_after if r not in report_before] != []
    assert "Martin" not in census_app.rgpd.export_personal_data_json(
        claire, by=administrator(census_app)
    )


def test_purge_after_the_configured_retention_MEM_11(url: str, rsgm_clock: Clock) -> None:
    settings = Settings(plugins={"rgpd": {"retention_days": 365}})
    with rsgm_core.open(url, clock=rsgm_clock, settings=settings) as app:
        app.census.import_(SAMPLE, ["79"])
        old = person(app, "Paul", "Moreau", "79009")
        recent = person(app, "Léa", "Fournier", "79002")
        app.members.depart(old, reason="retraite", on=dt.date(2023, 6, 30))
        app.members.depart(recent, reason="mutation", on=dt.date(2024, 12, 31))
        assert app.rgpd.retention_days == 365
        assert app.rgpd.purge(by=administrator(app)) == [old]
        assert app.members.get(old).erased and not app.members.get(recent).erased
        assert app.rgpd.purge(by=administrator(app)) == []
        assert app.rgpd.purge(by=administrator(app), retention_days=0) == [recent]
        assert app.members.list_members(lifecycle=Lifecycle.DEPARTED)[0].last_name == "anonymisée"


def test_old_network_names_still_work_with_a_warning(census_app: App) -> None:
    """The names of the first version stay one release, each warning with its replacement; the
    warning is attributed to the caller (``activate``/``disengaged`` are still called inside the
    package for one release), so an application sees it and the package keeps going."""
    network = census_app.network
    with pytest.warns(DeprecationWarning, match="create_departmental_network"):
        dep = network.create_departmental(
            "Réseau 79", by=administrator(census_app), project_lead="Anne Chevalier"
        )
    with pytest.warns(DeprecationWarning, match="create_community_network"):
        mellois = network.create_community(MELLOIS, by=administrator(census_app))
    with pytest.warns(DeprecationWarning, match="list_networks"):
        assert [n.id for n in network.networks()] == [dep.id, mellois.id]
    with pytest.warns(DeprecationWarning, match="get_lead"):
        assert network.lead(dep.id) == ("chef de projet du CDG", "Anne Chevalier")
    claire = person(census_app, "Claire", "Martin", "79019")
    with pytest.warns(
        DeprecationWarning, match=r"assign\(since=…\) is deprecated since rsgm_core 0.2.0; use on=…"
    ):
        assignment = network.assign(
            dep.id, claire, "animateur", by=administrator(census_app), since=TODAY
        )
    with pytest.warns(DeprecationWarning, match="list_roles"):
        assert network.roles(dep.id) == [assignment]
    with pytest.warns(DeprecationWarning, match="list_warnings"):
        assert ["1 animateur" in w for w in network.warnings()] == [True]  # type: ignore[operator]
    with pytest.warns(DeprecationWarning, match=r"use the keyword-only \w+\(…, on=…\)"):
        network.record_attendance(claire, "matinale", TODAY, registered=True, attended=True)
    with pytest.warns(DeprecationWarning, match=r"record_attendance\(event=…\) is deprecated"):
        fact = network.record_attendance(claire, event="matinale", registered=True, attended=True)
    assert fact.event == "matinale"
    with pytest.warns(DeprecationWarning, match=r"use list_disengaged\(\)") as caught:
        assert network.disengaged() == []
    assert caught[0].filename == __file__
    with pytest.warns(DeprecationWarning, match="find_helpers"):
        assert [h.member.id for h in network.activate("79030")] == [claire]
    with pytest.warns(
        DeprecationWarning, match=r"created_on=…\) is deprecated since rsgm_core 0.2.0; use on=…"
    ):
        network.set_committee(
            "suivi",
            [Seat(SeatKind.SGM, claire, MELLOIS)],
            by=administrator(census_app),
            created_on=TODAY,
        )
    with pytest.warns(DeprecationWarning, match=r"use the keyword-only \w+\(…, on=…\)"):
        assert network.record_meeting("suivi", TODAY, by=administrator(census_app)).meetings == (
            TODAY,
        )


def test_old_rgpd_names_still_work_with_a_warning(census_app: App) -> None:
    """``app.rgpd.export`` and ``export_json`` stay one release, each naming its replacement."""
    claire = person(census_app, "Claire", "Martin", "79019")
    with pytest.warns(DeprecationWarning, match=r"use export_personal_data\(\)"):
        assert (
            census_app.rgpd.export(claire, by=administrator(census_app))["membre"]["id"] == claire
        )
    with pytest.warns(DeprecationWarning, match=r"use export_personal_data_json\(\)"):
        assert claire in census_app.rgpd.export_json(claire, by=administrator(census_app))


def test_member_co_animators_do_not_make_up_for_cdg_staff_MEM_6(census_app: App) -> None:
    network = census_app.network
    dep = network.create_departmental_network("Réseau 79", by=administrator(census_app))
    agent = census_app.members.add("Anne", "Chevalier", email="anne.chevalier@cdg79.example.org")
    census_app.access.add_staff(agent.id, administrator=True, by=administrator(census_app))  # CHA-2
    network.assign(dep.id, agent.id, "animateur", by=administrator(census_app))
    for first, last, commune in (("Claire", "Martin", "79019"), ("Jean", "Péroux", "79030")):
        network.assign(
            dep.id,
            person(census_app, first, last, commune),
            "co-animateur",
            by=administrator(census_app),
        )
    [warning] = network.list_warnings()  # 1 CDG staff member, 2 members co-animating
    assert warning.message == (
        "Réseau 79 : 1 animateur seulement parmi les agents du CDG : prévoir au moins "
        "2 personnes en interne pour assurer la continuité ; 2 animateurs membres du "
        "réseau, comptés à part"
    )
    second = census_app.members.add("Marc", "Roy", email="marc.roy@cdg79.example.org")
    census_app.access.add_staff(second.id, by=agent.id)
    network.assign(dep.id, second.id, "co-animateur", by=administrator(census_app))
    assert network.list_warnings() == []
