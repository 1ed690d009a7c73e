"""Members, directory, consent, lifecycle and onboarding through ``app`` on both backends
(MEM-1..MEM-5), and the bad input of the issue: a clear error naming the value, nothing written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest

from rsgm_core import (
    App,
    ConsentScope,
    Function,
    Lifecycle,
    NewPosition,
    NotFoundError,
    OnboardingStep,
    RsgmError,
    RuleViolation,
    ValidationError,
    Viewer,
    ViewerRole,
    hookimpl,
)
from rsgm_core.testing import Clock
from tests.conftest import NOW, SAMPLE
from tests.helpers import administrator, snapshot

TODAY = NOW.date()


@pytest.fixture
def census_app(app: App) -> App:
    app.census.import_(SAMPLE, ["79"])
    return app


@pytest.fixture
def claire(census_app: App) -> str:
    member = census_app.members.add(
        "Claire", "Martin", email="claire.martin@example.org", phone="05 49 12 34 56"
    )
    census_app.members.add_position(member.id, "79019", "sgm", work_time=Decimal("0.6"))
    return member.id


BAD_INPUT: list[tuple[str, Callable[[App, str], object], str]] = [
    ("shared mailbox CHA-6", lambda a, m: a.members.add("Accueil", "Mairie", email="mairie@aubigny.fr"), "mairie@aubigny.fr"),
    ("secretariat CHA-6", lambda a, m: a.directory.update_contact(m, email="secretariat@aubigny.fr"), "secretariat@aubigny.fr"),
    ("unknown commune", lambda a, m: a.members.add_position(m, "79999", "sgm"), "79999"),
    ("fraction zero MEM-1", lambda a, m: a.members.add_position(m, "79030", "sgm", work_time=0), "0"),
    ("fraction above 1 MEM-1", lambda a, m: a.members.add_position(m, "79030", "sgm", work_time=Decimal("1.2")), "1.2"),
    ("position ending before it starts MEM-1", lambda a, m: a.members.add_position(m, "79030", "sgm", work_time=Decimal("0.2"), start=dt.date(2025, 3, 1), end=dt.date(2025, 2, 1)), "01/02/2025"),
    ("new member's position ending before it starts MEM-1", lambda a, m: a.members.add("Jean", "Péroux", position=NewPosition("79030", start=dt.date(2025, 3, 1), end=dt.date(2025, 2, 1))), "01/02/2025"),
    ("hours ending before they start MEM-2", lambda a, m: a.directory.set_town_hall("79019", "1 place", opening_hours="lun. 14h-12h"), "14h-12h"),
    ("phone not a number MEM-2", lambda a, m: a.members.add("Jean", "Péroux", phone="pas un numéro"), "pas un numéro"),
    ("phone on update MEM-2", lambda a, m: a.directory.update_contact(m, phone="0549"), "0549"),
    ("unknown expertise MEM-2", lambda a, m: a.directory.set_expertises(m, ["Cuisine"]), "Cuisine"),
]  # fmt: skip


@pytest.mark.parametrize("case, action, named", BAD_INPUT, ids=[c[0] for c in BAD_INPUT])
def test_bad_input_is_refused_naming_the_value_and_writes_nothing_MEM_1_MEM_2(
    census_app: App, claire: str, case: str, action: Callable[[App, str], object], named: str
) -> None:
    before = snapshot(census_app)
    with pytest.raises(RsgmError) as caught:
        action(census_app, claire)
    assert named in caught.value.message, caught.value.message
    assert snapshot(census_app) == before


def test_one_person_one_account_CHA_6(census_app: App, claire: str) -> None:
    with pytest.raises(RuleViolation, match=r"claire\.martin@example\.org"):
        census_app.members.add("Claire", "Martin-Bis", email="claire.martin@example.org")
    other = census_app.members.add("Jean", "Péroux", email="jean.peroux@example.org")
    with pytest.raises(RuleViolation, match="une personne, un compte"):
        census_app.directory.update_contact(other.id, email="claire.martin@example.org")


def test_positions_and_the_census_report_MEM_1(census_app: App, claire: str) -> None:
    census_app.members.add_position(
        claire, "79030", "secretaire_de_mairie", work_time=Decimal("0.55")
    )
    assert sum(p.work_time for p in census_app.members.list_positions(member_id=claire)) == Decimal(
        "1.15"
    )
    rows = {r.code: r for r in census_app.census.report().rows}  # TER-6 still reads positions
    assert [a.name for a in rows["79030"].agents] == ["Claire Martin"]


def test_positions_over_115_percent_are_recorded_and_flagged_never_refused_MEM_1(
    census_app: App, claire: str
) -> None:
    members = census_app.members
    assert members.list_work_time_excesses() == []
    members.add_position(claire, "79030", "sgm", work_time=Decimal("0.6"))  # 120 %: recorded
    assert len(members.list_positions(member_id=claire)) == 2
    [flag] = members.list_work_time_excesses()
    assert (flag.member.id, flag.total, flag.percent) == (claire, Decimal("1.2"), "120 %")
    assert {p.commune for p in flag.positions} == {"79019", "79030"}
    assert members.list_work_time_excesses(member_id=claire) == [flag]
    # Computed on the day asked for: once a position has ended, the flag goes.
    other = members.add(
        "Jean", "Péroux", email="jean.peroux@example.org",
        position=NewPosition("79030", work_time=Decimal("0.5"), start=dt.date(2025, 1, 1),
                             end=dt.date(2025, 2, 1)),
    )  # fmt: skip
    members.add_position(other.id, "79019", "sgm", work_time=Decimal("0.7"))
    assert members.list_work_time_excesses(on=dt.date(2025, 1, 15))[1].member.id == other.id
    assert [f.member.id for f in members.list_work_time_excesses()] == [claire]


def test_directory_search_is_accent_and_case_insensitive_MEM_2(
    census_app: App, claire: str
) -> None:
    directory = census_app.directory
    assert directory.set_expertises(claire, ["etat civil", "URBANISME"]) == (
        "État civil",
        "Urbanisme",
    )
    directory.set_software(claire, used=["cosoluce"], mastered=["SEGILOG"])
    directory.set_town_hall(
        "79019",
        "1 place de la Mairie",
        opening_hours="lundi 9h-12h, jeu 14h-18h",
        phone="0549000000",
    )
    other = census_app.members.add("Jean", "Péroux", email="jean.peroux@example.org")
    census_app.members.add_position(other.id, "79030", "sgm")
    directory.set_expertises(other.id, ["Élections"])
    staff = Viewer(ViewerRole.ANIMATOR)
    [entry] = directory.search(expertise="etat civil", viewer=staff)
    assert entry.name == "Claire Martin" and entry.phone == "05 49 12 34 56"
    assert entry.expertises == ("État civil", "Urbanisme")
    assert (entry.software_used, entry.software_mastered) == (("Cosoluce",), ("Ségilog",))
    assert entry.town_halls == (
        "Aubigny : 1 place de la Mairie ; lun. 9h-12h, jeu. 14h-18h ; 05 49 00 00 00",
    )
    assert entry.epcis == ("CC de Parthenay-Gâtine",)
    assert [e.name for e in directory.search(software="ségilog", viewer=staff)] == ["Claire Martin"]
    assert [e.name for e in directory.search(expertise="civil", viewer=staff)] == ["Claire Martin"]
    assert [e.name for e in directory.search(epci="parthenay", viewer=staff)] == ["Claire Martin"]
    assert [e.name for e in directory.search(epci="200069755", viewer=staff)] == ["Jean Péroux"]
    assert [e.name for e in directory.search(commune="beaussais vitre", viewer=staff)] == [
        "Jean Péroux"
    ]
    assert [
        e.name for e in directory.search(commune="79019", expertise="élections", viewer=staff)
    ] == []
    assert len(directory.search(viewer=staff)) == 2
    with pytest.raises(NotFoundError, match="Atlantis"):
        directory.search(commune="Atlantis")


def test_without_consent_only_staff_see_an_entry_MEM_3(census_app: App, claire: str) -> None:
    directory = census_app.directory
    census_app.directory.update_contact(claire, photo="claire.jpg")
    member_view = Viewer(ViewerRole.MEMBER, member_id="someone-else")
    assert directory.search(viewer=member_view) == []
    [seen] = directory.search(viewer=Viewer(ViewerRole.ADMINISTRATOR))
    assert seen.restricted and seen.photo == "claire.jpg"
    assert directory.get_entry(claire, viewer=Viewer(member_id=claire)).name == "Claire Martin"
    with pytest.raises(NotFoundError, match="consentement"):
        directory.get_entry(claire, viewer=member_view)
    consent = directory.give_consent(claire, "annuaire", on=dt.date(2025, 1, 10))
    assert (consent.given_on, consent.scope) == (dt.date(2025, 1, 10), ConsentScope.DIRECTORY)
    [visible] = directory.search(viewer=member_view)
    assert not visible.restricted and visible.photo is None  # the photo has its own consent
    directory.give_consent(claire, ConsentScope.PHOTO)
    assert directory.search(viewer=member_view)[0].photo == "claire.jpg"
    directory.withdraw_consent(claire, "annuaire")
    assert directory.search(viewer=member_view) == []
    assert [c.withdrawn_on for c in directory.list_consents(member_id=claire)] == [TODAY, None]
    with pytest.raises(NotFoundError):
        directory.withdraw_consent(claire, "annuaire")
    with pytest.raises(RuleViolation, match="selfie"):
        directory.give_consent(claire, "selfie")


def test_lifecycle_and_departure_MEM_4(census_app: App, claire: str) -> None:
    administrator(census_app)  # CHA-2: named before any snapshot
    members = census_app.members
    prospect = members.add("Jean", "Péroux", email="jean.peroux@example.org", lifecycle="prospect")
    assert not prospect.platform_access
    assert members.mark_invited(prospect.id).lifecycle is Lifecycle.INVITED
    active = members.mark_active(prospect.id, arrival=dt.date(2025, 3, 3))
    assert (
        active.platform_access and len(members.list_onboarding_items(member_id=prospect.id)) == 11
    )
    with pytest.raises(RuleViolation, match="impossible"):
        members.mark_invited(prospect.id)
    network = census_app.network.create_departmental_network(
        "Réseau 79", by=administrator(census_app)
    )
    census_app.network.assign(
        network.id, claire, "animateur", by=administrator(census_app), on=dt.date(2025, 1, 1)
    )
    gone = members.depart(
        claire, reason="mutation", successor_id=prospect.id, on=dt.date(2025, 3, 10)
    )
    assert (gone.lifecycle, gone.platform_access, gone.successor_id) == (
        Lifecycle.DEPARTED,
        False,
        prospect.id,
    )
    assert [p.end for p in members.list_positions(member_id=claire)] == [dt.date(2025, 3, 10)]
    assert [r.until for r in census_app.network.list_roles(network_id=network.id)] == [
        dt.date(2025, 3, 10)
    ]
    assert members.list_members(lifecycle="parti") == [gone]
    with pytest.raises(RuleViolation, match="a déjà quitté le réseau"):
        members.depart(claire, reason="autre")
    with pytest.raises(ValidationError, match="vacances"):
        members.depart(prospect.id, reason="vacances")


def test_onboarding_checklist_MEM_5(census_app: App) -> None:
    members = census_app.members
    newcomer = members.add(
        "Zoé", "Bernard", email="zoe.bernard@example.org", arrival=dt.date(2025, 1, 6)
    )
    items = members.list_onboarding_items(member_id=newcomer.id)
    assert items[0].due == dt.date(2024, 12, 30) and items[-1].due == dt.date(2025, 4, 6)
    late = [o.step for o in members.list_overdue_steps()]
    assert OnboardingStep.WELCOME_KIT in late and OnboardingStep.QUESTIONNAIRE not in late
    done = members.mark_step(newcomer.id, "kit_accueil")
    assert done.done_on == TODAY
    assert OnboardingStep.WELCOME_KIT not in [o.step for o in members.list_overdue_steps()]
    members.mark_step(newcomer.id, OnboardingStep.WELCOME_KIT, done=False)
    assert OnboardingStep.WELCOME_KIT in [o.step for o in members.list_overdue_steps()]
    assert members.list_overdue_steps(on=dt.date(2024, 12, 1)) == []
    without = members.add("Ali", "Aubert")
    with pytest.raises(NotFoundError, match="tuteur"):
        members.mark_step(without.id, "tuteur")


class CdgVocabulary:
    @hookimpl
    def rsgm_expertise_thesaurus(self) -> list[str]:
        return ["Gestion des cimetières", "état civil"]  # a duplicate by accents counts once

    @hookimpl
    def rsgm_business_software(self) -> list[str]:
        return ["Logiciel Maison"]


def test_vocabularies_are_extended_by_plugins_MEM_2(rsgm_clock: Clock) -> None:
    import rsgm_core

    with rsgm_core.open("memory://", plugins=[CdgVocabulary()], clock=rsgm_clock) as app:
        thesaurus = app.hooks.expertise_thesaurus()
        assert "Gestion des cimetières" in thesaurus.terms
        assert "état civil" in thesaurus.terms  # the caller is called first: its spelling wins
        assert sum(1 for t in thesaurus.terms if t.casefold() == "état civil") == 1
        software = app.hooks.business_software()
        assert {"Logiciel Maison", "Berger-Levrault", "JVS-Mairistem", "Ségilog"} <= set(
            software.terms
        )


def test_members_written_before_migration_5_read_back_as_active(
    sql_url: str, rsgm_clock: Clock
) -> None:
    """MEM-4: rows of an older database get the lifecycle and access defaults of migration 5."""
    import sqlalchemy as sa

    import rsgm_core
    from rsgm_core.plugins.sql import migrations

    engine = sa.create_engine(sql_url)
    with engine.begin() as conn:
        migrations.upgrade(conn, target=4)
        conn.execute(
            sa.text(
                "INSERT INTO members (id, first_name, last_name, email) VALUES (:i, :f, :l, :e)"
            ),
            {"i": "m-1", "f": "Élodie", "l": "Rousseau", "e": "elodie.rousseau@caunay.fr"},
        )
    engine.dispose()
    with rsgm_core.open(sql_url, clock=rsgm_clock) as app:
        assert 5 in [m.version for m in app.storage.applied]  # type: ignore[attr-defined]
        old = app.members.get("m-1")
        assert (old.lifecycle, old.platform_access, old.helper, old.phone) == (
            Lifecycle.ACTIVE,
            True,
            False,
            None,
        )
        app.directory.set_expertises("m-1", ["état civil"])
        assert app.directory.get_entry("m-1", viewer=Viewer(ViewerRole.ANIMATOR)).expertises == (
            "État civil",
        )


def test_a_person_and_their_position_are_recorded_together_or_not_at_all_MEM_1(
    census_app: App,
) -> None:
    members = census_app.members
    jean = members.add(
        "Jean", "Péroux", email="jean.peroux@example.org",
        position=NewPosition("79030", "secretaire_de_mairie", work_time=Decimal("0.5")),
    )  # fmt: skip
    [held] = members.list_positions(member_id=jean.id)
    assert (held.commune, held.function, held.work_time) == (
        "79030",
        Function.SECRETAIRE_DE_MAIRIE,
        Decimal("0.5"),
    )
    with pytest.raises(NotFoundError, match="79999"):
        members.add(
            "Zoé", "Bernard", email="zoe.bernard@example.org", position=NewPosition("79999")
        )
    with pytest.raises(NotFoundError):  # refused → nothing written, not even the person
        members.get_by_email("zoe.bernard@example.org")
    assert [m.id for m in members.list_members()] == [jean.id]


def test_an_email_lookup_is_its_own_call_CHA_6(census_app: App, claire: str) -> None:
    assert census_app.members.get_by_email("Claire.Martin@Example.org").id == claire
    with pytest.raises(NotFoundError, match=r"personne@example\.org"):
        census_app.members.get_by_email("personne@example.org")


def test_announced_departure_takes_a_keyword_date_MEM_8(census_app: App, claire: str) -> None:
    leaving = census_app.members.announce_departure(claire, on=dt.date(2025, 6, 30))
    assert leaving.leaving_on == dt.date(2025, 6, 30)
    census_app.members.depart(claire, reason="retraite")
    with pytest.raises(RuleViolation, match="a déjà quitté le réseau") as caught:
        census_app.members.announce_departure(claire, on=dt.date(2025, 7, 1))
    assert caught.value.rule == "MEM-4"


def test_old_member_names_still_work_with_a_warning(census_app: App, claire: str) -> None:
    """The names of the first version stay one release, each warning with its replacement."""
    members = census_app.members
    with pytest.warns(DeprecationWarning, match=r"list_members\(\)"):
        assert [m.id for m in members.list()] == [claire]
    with pytest.warns(DeprecationWarning, match="list_positions"):
        assert len(members.positions(member_id=claire)) == 1
    with pytest.warns(DeprecationWarning, match="mark_invited"):
        prospect = members.invite(members.add("Jean", "Péroux", lifecycle="prospect").id)
    with pytest.warns(DeprecationWarning, match="mark_active"):
        members.activate(prospect.id, arrival=dt.date(2025, 3, 3))
    with pytest.warns(DeprecationWarning, match="list_onboarding_items"):
        assert len(members.onboarding(prospect.id)) == 11
    with pytest.warns(DeprecationWarning, match="list_overdue_steps"):
        member, item = members.overdue()[0]
    assert member.id == prospect.id and item.member_id == prospect.id
    with pytest.warns(DeprecationWarning, match=r"use the keyword-only \w+\(…, on=…\)"):
        assert members.announce_departure(claire, dt.date(2025, 6, 30)).leaving_on
    with census_app.deps.transaction() as uow:
        with pytest.warns(DeprecationWarning, match=r"add_in\(\) .* use add\(\) instead"):
            zoe = members.add_in(uow, "Zoé", "Bernard", helper=True)
        with pytest.warns(DeprecationWarning, match=r"use add_position\(\) instead"):
            members.add_position_in(uow, zoe.id, "79030", "sgm", work_time=Decimal("0.5"))
        with (  # their old signatures: a misspelt keyword is refused, not passed on
            pytest.warns(DeprecationWarning, match=r"add_in\(\)"),
            pytest.raises(TypeError, match="helpr"),
        ):
            members.add_in(uow, "Léa", "Bernard", helpr=True)  # type: ignore[call-arg]  # wrong on purpose
    assert zoe.helper
    [position] = members.list_positions(member_id=zoe.id)
    assert position.work_time == Decimal("0.5")


def test_old_directory_names_still_work_with_a_warning(census_app: App, claire: str) -> None:
    """``app.directory.entry`` and ``consents`` stay one release, each naming its replacement."""
    directory = census_app.directory
    with pytest.warns(DeprecationWarning, match=r"use get_entry\(\)"):
        assert directory.entry(claire, viewer=Viewer(member_id=claire)).name == "Claire Martin"
    with pytest.warns(DeprecationWarning, match=r"use list_consents\(\)"):
        assert directory.consents(claire) == []
