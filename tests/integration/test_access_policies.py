"""The corrected charter and the CDG's access policies on every backend: personal signatures,
mandates and the EPCI's side (CHA-1), self-service requests (CHA-2, CHA-6), the pack for
community spaces (CHA-3), re-sign or inform versions and the charter sent to a new user (CHA-8),
lost credentials (CHA-10), departmental spaces per department and communes hors ressort (TER-7),
run as CDG 79 (``app``), CDG 77 (``cdg77``) and the CIG Grande Couronne (``cig``) on the real
Etalab data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import pytest

from rsgm_core import (
    App,
    Capacity,
    CharterChange,
    RequestStatus,
    Role,
    SpaceKind,
    ValidationError,
)
from rsgm_core.testing import Clock
from tests.conftest import NEW_VINTAGE, SAMPLE
from tests.helpers import (
    MIGRATION_18_COLUMNS,
    MIGRATION_22_STATEMENTS,
    MIGRATION_23_STATEMENTS,
    MIGRATION_24_STATEMENTS,
    MIGRATION_25_STATEMENTS,
    MIGRATION_26_STATEMENTS,
    MIGRATION_27_STATEMENTS,
    MIGRATION_28_STATEMENTS,
    administrator,
    nothing_written,
)

PUBLISHED = dt.date(2025, 1, 6)
AUBIGNY, PARTHENAY = "79019", "79202"  # Parthenay: 3,500 or more, in Aubigny's EPCI
VOINSLES, LIEUSAINT, MITRY = "77527", "77251", "77294"  # 580, 14,017 inhabitants
ADAINVILLE, ABBEVILLE, ABLEIGES = "78006", "91001", "95002"  # 673, 322, 1,108
# CA Roissy Pays de France straddles 77 and 95: its communes on the far side are imported with it,
# hors ressort (TER-7): Mauregard (77, 351 inhabitants), Épiais-lès-Louvres (95, 141).
MAUREGARD, EPIAIS = "77282", "95212"


def templates(app: App, name: str) -> list[str]:
    return [m.recipient for m in app.outbox.list_messages() if m.template == name]


@pytest.fixture
def net(app: App) -> SimpleNamespace:
    app.census.import_(SAMPLE, ["79"])
    admin = app.members.add("Anne", "Chevalier", email="anne.chevalier@cdg79.fr")
    app.access.add_staff(admin.id, administrator=True)
    claire = app.members.add("Claire", "Martin", email="claire.martin@example.org")
    position = app.members.add_position(claire.id, AUBIGNY, "sgm")
    space = app.access.create_departmental_space(by=administrator(app))
    app.charters.publish(
        "Charte d'utilisation", "Texte de la charte", by=administrator(app), on=PUBLISHED
    )
    app.charters.sign(AUBIGNY, "Jean Dupont", "maire")
    app.charters.sign(AUBIGNY, "Claire Martin", Capacity.SGM)
    return SimpleNamespace(admin=admin.id, claire=claire.id, space=space.id, position=position)


# CHA-1: personal signatures


def test_a_successor_signs_for_themself_CHA_1(app: App, net: SimpleNamespace) -> None:
    administrator(app)  # CHA-2: named before any snapshot
    [signed] = [s for s in app.charters.list_signatures() if s.capacity is Capacity.SGM]
    assert signed.member_id == net.claire and signed.signer == "Claire Martin"
    app.access.grant(net.claire, net.space, "contributeur", by=net.admin)
    app.access.end_position(net.position.id, by=administrator(app), on=dt.date(2025, 3, 14))
    paul = app.members.add("Paul", "Roy", email="paul.roy@example.org")
    app.members.add_position(paul.id, AUBIGNY, "sgm", start=dt.date(2025, 3, 14))
    # The predecessor's signature lapsed with her position: the successor does not enter on it.
    refused = app.access.explain(paul.id, "contributeur", net.space)
    assert [r.rule for r in refused.refusals] == ["CHA-1"]
    nothing_written(
        app, lambda: app.access.grant(paul.id, net.space, "visiteur", by=net.admin), "CHA-1"
    )
    status = app.charters.status(AUBIGNY)
    assert "Claire Martin n'occupe plus de poste" in status.lapsed[signed.id]
    assert status.missing[SpaceKind.DEPARTMENTAL] == [frozenset({Capacity.SGM})]
    app.charters.sign(AUBIGNY, "paul.roy@example.org", "sgm")
    assert app.access.grant(paul.id, net.space, "contributeur", by=net.admin).active


def test_a_colleague_in_the_same_commune_signs_for_themself_CHA_1(
    app: App, net: SimpleNamespace
) -> None:
    paul = app.members.add("Paul", "Roy", email="paul.roy@example.org")
    app.members.add_position(paul.id, AUBIGNY, "sgm")
    assert app.access.explain(net.claire, "contributeur", net.space).allowed
    assert [r.rule for r in app.access.explain(paul.id, "visiteur", net.space).refusals] == [
        "CHA-1"
    ]
    app.charters.sign(AUBIGNY, paul.id, "sgm")
    assert app.access.explain(paul.id, "visiteur", net.space).allowed


def test_a_signature_by_someone_without_a_position_in_the_commune_is_refused_CHA_1(
    app: App, net: SimpleNamespace
) -> None:
    error = nothing_written(app, lambda: app.charters.sign(AUBIGNY, "Paul Roy", "sgm"), "CHA-1")
    assert "Paul Roy n'occupe aucun poste dans la commune 79019" in error.message
    elsewhere = app.members.add("Marc", "Roux", email="marc.roux@example.org")
    app.members.add_position(elsewhere.id, "79307", "sgm")
    nothing_written(app, lambda: app.charters.sign(AUBIGNY, elsewhere.id, "sgm"), "CHA-1")
    nothing_written(app, lambda: app.charters.sign(AUBIGNY, "Réf", "referent"), "CHA-1")


def test_the_commune_s_dgs_never_signs_for_the_epci_CHA_1(app: App, net: SimpleNamespace) -> None:
    marc = app.members.add("Marc", "Roux", email="marc.roux@example.org")
    app.members.add_position(marc.id, PARTHENAY, "dgs")
    app.charters.sign(PARTHENAY, "Maire de Parthenay", "maire")
    app.charters.sign(PARTHENAY, "Marc Roux", "dgs")
    assert app.charters.status(PARTHENAY).missing[SpaceKind.COMMUNITY] == [
        frozenset({Capacity.EPCI_PRESIDENT}),
        frozenset({Capacity.COMMUNITY_REFERENT, Capacity.EPCI_DGS}),
    ]
    for who in ("Marc Roux", marc.id):
        error = nothing_written(
            app,
            lambda who=who: app.charters.sign(  # type: ignore[misc]
                PARTHENAY, who, Capacity.EPCI_DGS, space="communautaire"
            ),
            "CHA-1",
        )
        assert "le DGS de la commune ne signe pas pour l'EPCI" in error.message
    app.charters.sign(PARTHENAY, "Hélène Faure", Capacity.EPCI_DGS, space="communautaire")
    app.charters.sign(PARTHENAY, "Président", Capacity.EPCI_PRESIDENT, space="communautaire")
    assert app.charters.status(PARTHENAY).missing[SpaceKind.COMMUNITY] == []


def test_the_mayor_signs_for_the_length_of_the_mandate_CHA_1(
    app: App, net: SimpleNamespace, rsgm_clock: Clock
) -> None:
    [mayor] = [s for s in app.charters.list_signatures() if s.capacity is Capacity.MAYOR]
    assert mayor.member_id is None and mayor.mandate_end == dt.date(2026, 3, 31)  # the default
    assert app.charters.status(AUBIGNY, on=dt.date(2026, 3, 31)).complete
    after = app.charters.status(AUBIGNY, on=dt.date(2026, 4, 1))
    assert (
        not after.complete
        and "mandat terminé le 31/03/2026 (Jean Dupont)" in after.lapsed[mayor.id]
    )
    assert after.missing[SpaceKind.DEPARTMENTAL] == [
        frozenset({Capacity.MAYOR, Capacity.MAYOR_REPRESENTATIVE})
    ]
    until = dt.date(2032, 3, 31)
    rsgm_clock.set(dt.date(2026, 4, 2))  # EVT-12: a signature is recorded on or after its day
    again = app.charters.sign(AUBIGNY, "Louise Bernard", "maire", mandate_end=until,
                              on=dt.date(2026, 4, 2))  # fmt: skip
    assert again.mandate_end == until
    assert app.charters.status(AUBIGNY, on=dt.date(2026, 4, 2)).complete
    error = nothing_written(
        app,
        lambda: app.charters.sign(AUBIGNY, "X", "maire", mandate_end=dt.date(2025, 1, 1)),
        "CHA-1",
    )
    assert isinstance(error, ValidationError)


def test_a_legacy_signature_is_kept_and_reported_after_migration_12_CHA_1(
    sqlite_url: str, rsgm_clock: object
) -> None:
    import sqlite3

    import rsgm_core
    from tests.helpers import CDG79

    with rsgm_core.open(sqlite_url, clock=rsgm_clock, settings=CDG79) as app:  # type: ignore[arg-type]
        app.census.import_(SAMPLE, ["79"])
        claire = app.members.add("Claire", "Martin", email="claire.martin@example.org")
        app.members.add_position(claire.id, AUBIGNY, "sgm")
        app.access.create_departmental_space(by=administrator(app))
        app.charters.publish("Charte", "Texte", by=administrator(app), on=PUBLISHED)
        app.charters.sign(AUBIGNY, "Jean Dupont", "maire")
        app.charters.sign(AUBIGNY, claire.id, "sgm")
    # The database as rsgm_core left it before migration 12.
    with sqlite3.connect(sqlite_url.removeprefix("sqlite:///")) as raw:
        for table, column in (("charter_versions", "change"), ("signatures", "member_id"),
                              ("signatures", "mandate_end"), ("spaces", "departement"),
                              ("cdg_staff", "named_by")):  # fmt: skip
            raw.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        raw.execute("DROP TABLE access_requests")
        raw.execute("DROP TABLE suspensions")
        # and before the later ones, so that opening upgrades from 11
        for table, column in (("networks", "departement"), ("events", "audience"),
                              ("members", "invitations_opt_out"),
                              ("outbox", "resent_by"),
                              ("communes", "ept"), ("communes", "ept_name")):  # fmt: skip
            raw.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        raw.execute("DROP TABLE census_conflicts")  # migration 16
        raw.execute("DROP TABLE used_links")  # migration 17
        raw.execute("DROP TABLE coarse_positions")  # migration 19
        for table, column in MIGRATION_18_COLUMNS:
            raw.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        raw.execute("DROP TABLE reassignments")  # migration 18
        for statement in MIGRATION_23_STATEMENTS:  # migration 23
            raw.execute(statement)
        for statement in MIGRATION_22_STATEMENTS:  # migration 22
            raw.execute(statement)
        for statement in MIGRATION_27_STATEMENTS:  # migration 27, replayed too
            raw.execute(statement)
        for statement in MIGRATION_26_STATEMENTS:  # migration 26
            raw.execute(statement)
        for statement in MIGRATION_24_STATEMENTS:  # migration 24, replayed too
            raw.execute(statement)
        for statement in MIGRATION_25_STATEMENTS:  # migration 25
            raw.execute(statement)
        raw.execute("DROP TABLE lifecycle_transitions")  # migration 21
        raw.execute("DROP TABLE history_entries")  # migration 21
        for statement in MIGRATION_28_STATEMENTS:  # migration 28
            raw.execute(statement)
        raw.execute("DELETE FROM rsgm_schema_migrations WHERE version >= 12")
    raw.close()
    with rsgm_core.open(sqlite_url, clock=rsgm_clock, settings=CDG79) as app:  # type: ignore[arg-type]
        assert 12 in [m.version for m in app.storage.applied]  # type: ignore[attr-defined]
        assert len(app.charters.list_signatures()) == 2  # kept
        [legacy] = app.charters.list_signatures(needs_personal=True)
        assert legacy.signer == "Claire Martin" and legacy.member_id is None
        status = app.charters.status(AUBIGNY)
        assert [s.id for s in status.needs_personal] == [legacy.id]
        assert status.missing[SpaceKind.DEPARTMENTAL] == [frozenset({Capacity.SGM})]
        [version] = app.charters.list_versions()
        assert version.change is CharterChange.RESIGN
        app.charters.sign(AUBIGNY, "Claire Martin", "sgm")
        assert app.charters.status(AUBIGNY).complete


# CHA-2, CHA-6: self-service requests where the policy allows them


@pytest.fixture
def cdg77_net(cdg77: App, census_data: Path) -> SimpleNamespace:
    cdg77.census.import_(NEW_VINTAGE, ["77"])
    admin = cdg77.members.add("Marie", "Durand", email="marie.durand@cdg77.fr")
    cdg77.access.add_staff(admin.id, administrator=True)
    space = cdg77.access.create_departmental_space(by=administrator(cdg77))
    cdg77.charters.publish(
        "Charte d'utilisation", "Texte de la charte", by=administrator(cdg77), on=PUBLISHED
    )
    return SimpleNamespace(admin=admin.id, space=space.id)


def ask(app: App, email: str = "elodie.rousseau@example.org", commune: str = VOINSLES) -> object:
    return app.access.request_access(
        email, first_name="Élodie", last_name="Rousseau", commune=commune
    )


def test_by_invitation_a_request_is_refused_naming_the_policy_CHA_2(
    app: App, net: SimpleNamespace
) -> None:
    error = nothing_written(app, lambda: ask(app, commune=AUBIGNY), "CHA-2")
    assert "invitation" in error.message and "acces_plateforme" in error.message


def test_a_request_is_validated_by_an_administrator_CHA_2(
    cdg77: App, cdg77_net: SimpleNamespace
) -> None:
    request = ask(cdg77)
    assert request.status is RequestStatus.PENDING and request.space_id == "departemental"  # type: ignore[attr-defined]
    person = cdg77.members.get_by_email("elodie.rousseau@example.org")
    assert [p.commune for p in cdg77.members.list_positions(member_id=person.id)] == [VOINSLES]
    assert templates(cdg77, "access_request_received") == ["marie.durand@cdg77.fr"]
    assert templates(cdg77, "access_request_acknowledged") == ["elodie.rousseau@example.org"]
    rid = request.id  # type: ignore[attr-defined]
    nothing_written(cdg77, lambda: ask(cdg77), "CHA-2")  # one pending request per space
    # Only a CDG administrator decides.
    agent = cdg77.members.add("Luc", "Bon", email="luc.bon@cdg77.fr")
    cdg77.access.add_staff(agent.id, by=cdg77_net.admin)
    nothing_written(cdg77, lambda: cdg77.access.accept_request(rid, by=agent.id), "CHA-2")
    # The charter first (CHA-1): the mayor and the person herself.
    nothing_written(cdg77, lambda: cdg77.access.accept_request(rid, by=cdg77_net.admin), "CHA-1")
    cdg77.charters.sign(VOINSLES, "Maire de Voinsles", "maire")
    cdg77.charters.sign(VOINSLES, "Élodie Rousseau", "sgm")
    grant = cdg77.access.accept_request(rid, by=cdg77_net.admin)
    assert grant.granted_by == cdg77_net.admin and grant.role is Role.CONTRIBUTOR
    [done] = cdg77.access.list_requests(status="acceptée")
    assert done.decided_by == cdg77_net.admin and done.grant_id == grant.id
    assert templates(cdg77, "access_request_accepted") == ["elodie.rousseau@example.org"]
    assert templates(cdg77, "charter_sent") == ["elodie.rousseau@example.org"]  # CHA-8
    nothing_written(cdg77, lambda: cdg77.access.accept_request(rid, by=cdg77_net.admin), "CHA-2")


def test_only_an_administrator_names_staff_and_every_act_names_its_actor_CHA_2(
    app: App, net: SimpleNamespace
) -> None:
    [first] = app.access.list_staff()
    assert first.administrator and first.named_by is None  # named when the data was set up
    luc = app.members.add("Luc", "Bon", email="luc.bon@cdg79.fr")
    error = nothing_written(app, lambda: app.access.add_staff(luc.id), "CHA-2")
    assert "seul un administrateur du CDG nomme" in error.message
    nothing_written(
        app, lambda: app.access.add_staff(luc.id, administrator=True, by=net.claire), "CHA-2"
    )
    named = app.access.add_staff(luc.id, administrator=True, by=net.admin)
    assert named.named_by == net.admin
    # A person whose functions end loses every role at once.
    app.members.depart(luc.id, reason="mutation")
    assert [s.member_id for s in app.access.list_staff() if s.administrator] == [net.admin]
    grant = app.access.grant(net.claire, net.space, "contributeur", by=net.admin)
    assert grant.granted_by == net.admin


def test_a_request_is_refused_with_a_reason_CHA_2(cdg77: App, cdg77_net: SimpleNamespace) -> None:
    rid = ask(cdg77).id  # type: ignore[attr-defined]
    nothing_written(
        cdg77, lambda: cdg77.access.refuse_request(rid, by=cdg77_net.admin, reason=" "), "CHA-2"
    )
    refused = cdg77.access.refuse_request(
        rid, by=cdg77_net.admin, reason="la mairie ne confirme pas la demande"
    )
    assert refused.status is RequestStatus.REFUSED and refused.decided_by == cdg77_net.admin
    [message] = [m for m in cdg77.outbox.list_messages() if m.template == "access_request_refused"]
    assert "la mairie ne confirme pas la demande" in message.body_text
    assert message.recipient == "elodie.rousseau@example.org"


@pytest.mark.parametrize(
    "email", ["mairie@voinsles.fr", "mairie.voinsles@orange.fr", "mairie-de-voinsles@wanadoo.fr",
              "secretariat.mairie@voinsles.fr", "mairie+sgm@voinsles.fr", "voinsles@wanadoo.fr"],
)  # fmt: skip
def test_a_request_from_a_shared_mailbox_is_refused_CHA_6(
    cdg77: App, cdg77_net: SimpleNamespace, email: str
) -> None:
    error = nothing_written(cdg77, lambda: ask(cdg77, email), "CHA-6")
    assert email.split("@")[0] in error.message


# CHA-3: the pack for community spaces, per policy


def _community_ready(app: App, commune: str, epci: str) -> tuple[str, str]:
    """An SGM of ``commune`` with every signature of the community space, and that space."""
    sgm = app.members.add("Élodie", "Rousseau", email="elodie.rousseau@example.org")
    app.members.add_position(sgm.id, commune, "sgm")
    app.charters.sign(commune, "Maire", "maire")
    app.charters.sign(commune, sgm.id, "sgm")
    app.charters.sign(commune, "Président", "président de l'EPCI", space="communautaire")
    app.charters.sign(commune, "Hélène Faure", Capacity.EPCI_DGS, space="communautaire")
    return sgm.id, app.access.create_community_space(epci, by=administrator(app)).id


def test_cdg_79_asks_for_the_pack_CHA_3(app: App, net: SimpleNamespace) -> None:
    sgm, space = _community_ready(app, "79307", "200069755")
    refused = app.access.explain(sgm, "contributeur", space)
    assert [(r.rule, r.message) for r in refused.refusals] == [
        ("CHA-3", "la commune n'adhère pas au pack cette année")
    ]


def test_cdg_77_opens_community_spaces_without_the_pack_CHA_3(
    cdg77: App, cdg77_net: SimpleNamespace
) -> None:
    sgm, space = _community_ready(cdg77, VOINSLES, "200072874")
    grant = cdg77.access.grant(sgm, space, "contributeur", by=cdg77_net.admin)
    assert grant.active and grant.commune == VOINSLES


# CHA-8: re-sign or inform; the charter sent to a new user


def test_an_informing_version_keeps_signatures_valid_CHA_8(app: App, net: SimpleNamespace) -> None:
    app.access.grant(net.claire, net.space, "contributeur", by=net.admin)
    [sent] = [m for m in app.outbox.list_messages() if m.template == "charter_sent"]
    assert sent.recipient == "claire.martin@example.org" and "Texte de la charte" in sent.body_text
    v2 = app.charters.publish("Charte", "Coquilles corrigées", by=administrator(app), change="informer",
                              on=dt.date(2025, 3, 1))  # fmt: skip
    assert v2.change is CharterChange.INFORM
    assert app.access.explain(net.claire, "contributeur", net.space).allowed
    [told] = [m for m in app.outbox.list_messages() if m.template == "charter_new_version"]
    assert "vos signatures restent" in told.body_text.replace("\n", " ")
    v3 = app.charters.publish(
        "Charte", "Nouveau fond", by=administrator(app), on=dt.date(2025, 3, 10)
    )
    assert v3.change is CharterChange.RESIGN  # CDG 79's policy: resigner
    assert [r.rule for r in app.access.explain(net.claire, "visiteur", net.space).refusals] == [
        "CHA-1"
    ]


def test_the_default_of_a_new_version_is_the_cdg_s_policy_CHA_8(
    cdg77: App, cdg77_net: SimpleNamespace
) -> None:
    administrator(cdg77)  # CHA-2: named before any snapshot
    version = cdg77.charters.publish(
        "Charte", "Corrections", by=administrator(cdg77), on=dt.date(2025, 3, 1)
    )
    assert version.change is CharterChange.INFORM  # CDG 77: nouvelle_version_charte = informer
    nothing_written(
        cdg77,
        lambda: cdg77.charters.publish("Charte", "x", by=administrator(cdg77), change="peut-être"),
        "CHA-8",
    )


# CHA-10: lost or stolen credentials


def test_lost_credentials_suspend_at_once_and_invite_again_CHA_10(
    app: App, net: SimpleNamespace
) -> None:
    administrator(app)  # CHA-2: named before any snapshot
    app.access.grant(net.claire, net.space, "contributeur", by=net.admin)
    app.platform.export_accounts("interstis", by=administrator(app), since_last=True)
    nothing_written(app, lambda: app.access.suspend(net.claire, by=net.claire), "CHA-10")
    nothing_written(app, lambda: app.access.reinvite(net.claire, by=net.admin), "CHA-10")
    suspension = app.access.suspend(net.claire, by=net.admin)
    assert (
        suspension.suspended_by == net.admin and suspension.reason == "identifiants perdus ou volés"
    )
    assert app.access.list_grants(member_id=net.claire) == []
    delta = app.platform.export_accounts("interstis", by=administrator(app), since_last=True)
    assert delta.state.suspended == ("claire.martin@example.org",)
    assert "suspendre le compte;claire.martin@example.org" in delta.text
    nothing_written(app, lambda: app.access.suspend(net.claire, by=net.admin), "CHA-10")
    granted = app.access.reinvite(net.claire, by=net.admin)
    assert [(g.space_id, g.role, g.granted_by) for g in granted] == [
        (net.space, Role.CONTRIBUTOR, net.admin)
    ]
    assert templates(app, "access_reinvitation") == ["claire.martin@example.org"]
    [done] = app.access.list_suspensions(member_id=net.claire)
    assert not done.pending and done.reinvited_by == net.admin
    again = app.platform.export_accounts("interstis", by=administrator(app), since_last=True)
    assert [u.email for u in again.state.users] == ["claire.martin@example.org"]  # new account
    nothing_written(app, lambda: app.access.reinvite(net.claire, by=net.admin), "CHA-10")


# TER-7: departmental spaces per department; communes hors ressort


def test_one_departmental_space_without_the_per_department_policy_TER_7(
    app: App, net: SimpleNamespace
) -> None:
    administrator(app)  # CHA-2: named before any snapshot
    nothing_written(
        app, lambda: app.access.create_departmental_space(by=administrator(app)), "TER-7"
    )
    nothing_written(
        app,
        lambda: app.access.create_departmental_space(by=administrator(app), departement="79"),
        "TER-7",
    )
    assert app.access.departmental_space_for(AUBIGNY).id == net.space


@pytest.fixture
def cig_net(cig: App, census_data: Path) -> SimpleNamespace:
    cig.census.import_(NEW_VINTAGE, ["78", "91", "95"])  # and Roissy's 77 communes, hors ressort
    admin = cig.members.add("Jean", "Martin", email="jean.martin@cig-gc.fr")
    cig.access.add_staff(admin.id, administrator=True)
    cig.charters.publish(
        "Charte d'utilisation", "Texte de la charte", by=administrator(cig), on=PUBLISHED
    )
    return SimpleNamespace(admin=admin.id)


def sgm_of(app: App, commune: str, email: str) -> str:
    person = app.members.add("Agent", commune, email=email)
    app.members.add_position(person.id, commune, "sgm")
    app.charters.sign(commune, "Maire", "maire")
    app.charters.sign(commune, person.id, "sgm")
    return person.id


def test_one_departmental_space_per_department_TER_7(cig: App, cig_net: SimpleNamespace) -> None:
    administrator(cig)  # CHA-2: named before any snapshot
    yvelines = cig.access.create_departmental_space(by=administrator(cig), departement="78")
    essonne = cig.access.create_departmental_space(by=administrator(cig), departement="91")
    assert (yvelines.id, yvelines.departement) == ("departemental-78", "78")
    assert yvelines.name == "Espace départemental (78)"
    error = nothing_written(
        cig,
        lambda: cig.access.create_departmental_space(by=administrator(cig), departement="78"),
        "TER-7",
    )
    assert "existe déjà pour le département 78" in error.message
    nothing_written(
        cig, lambda: cig.access.create_departmental_space(by=administrator(cig)), "TER-7"
    )
    nothing_written(
        cig,
        lambda: cig.access.create_departmental_space(by=administrator(cig), departement="77"),
        "TER-7",
    )
    assert cig.access.departmental_space_for(ABBEVILLE).id == essonne.id
    person = sgm_of(cig, ABBEVILLE, "agent.abbeville@example.org")
    refused = cig.access.explain(person, "contributeur", yvelines.id)
    assert [r.rule for r in refused.refusals] == ["TER-7"]
    assert cig.access.grant(person, essonne.id, "contributeur", by=cig_net.admin).active
    text = cig.platform.export_accounts("interstis", by=administrator(cig)).text
    assert "Espace départemental (91) — CIG Grande Couronne" in text


def test_a_commune_hors_ressort_never_gets_access_TER_7(cig: App, cig_net: SimpleNamespace) -> None:
    administrator(cig)  # CHA-2: named before any snapshot
    space = cig.access.create_departmental_space(by=administrator(cig), departement="95")
    person = sgm_of(cig, MAUREGARD, "agent.mauregard@example.org")
    refused = cig.access.explain(person, "visiteur", space.id)
    assert "TER-7" in {r.rule for r in refused.refusals}
    nothing_written(
        cig, lambda: cig.access.grant(person, space.id, "visiteur", by=cig_net.admin), "TER-7"
    )


def test_a_request_from_a_commune_hors_ressort_is_refused_TER_7(
    cdg77: App, cdg77_net: SimpleNamespace
) -> None:
    nothing_written(cdg77, lambda: ask(cdg77, commune=EPIAIS), "TER-7")


def test_the_export_names_the_cdg_on_its_spaces(cdg77: App, cdg77_net: SimpleNamespace) -> None:
    sgm = sgm_of(cdg77, VOINSLES, "agent.voinsles@example.org")
    cdg77.access.grant(sgm, cdg77_net.space, "contributeur", by=cdg77_net.admin)
    state = cdg77.platform.export_accounts("interstis", by=administrator(cdg77)).state
    assert [m.space for m in state.memberships] == ["Espace départemental — CDG 77"]
    assert [u.collectivity for u in state.users] == ["Voinsles"]


def test_a_request_never_asks_to_administer_or_animate_CHA_2(
    cdg77: App, cdg77_net: SimpleNamespace
) -> None:
    for role in ("administrateur", "animateur"):
        error = nothing_written(
            cdg77,
            lambda role=role: cdg77.access.request_access(
                "elodie.rousseau@example.org", first_name="Élodie", last_name="Rousseau",
                commune=VOINSLES, role=role,
            ),
            "CHA-2",
        )  # fmt: skip
        assert f"« {role} » non demandable" in error.message
