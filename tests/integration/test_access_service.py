"""``app.access`` on both backends: the charter, spaces and grants, revocation, reports and
sanctions (CHA-1..CHA-9). Each bad input is a clear error with its rule and writes nothing."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from rsgm_core import NotFoundError, RuleViolation
from rsgm_core.app import App
from rsgm_core.domain.access import Role, SanctionKind
from rsgm_core.domain.access_records import AgreementParty, NoticeKind
from rsgm_core.domain.charters import Capacity, SpaceKind
from rsgm_core.domain.messages import MessageStatus
from tests.conftest import SAMPLE
from tests.helpers import nothing_written, snapshot

PUBLISHED = dt.date(2025, 1, 6)
AUBIGNY, PARTHENAY, SAUZE = "79019", "79202", "79307"  # Parthenay: 3,500+, Aubigny's EPCI
PARTHENAY_GATINE = "200041333"


@pytest.fixture
def net(app: App) -> SimpleNamespace:
    app.census.import_(SAMPLE, ["79"])
    admin = app.members.add("Anne", "Chevalier", email="anne.chevalier@cdg79.fr")
    app.access.add_staff(admin.id, administrator=True)
    claire = app.members.add("Claire", "Martin", email="claire.martin@example.org")
    app.members.add_position(claire.id, AUBIGNY, "sgm")
    space = app.access.create_departmental()
    app.access.publish_charter("Charte d'utilisation", "Texte de la charte", on=PUBLISHED)
    return SimpleNamespace(admin=admin.id, claire=claire.id, space=space.id)


def sign_aubigny(app: App) -> None:
    app.access.sign(AUBIGNY, "Jean Dupont", "maire")
    app.access.sign(AUBIGNY, "Claire Martin", Capacity.SGM)


def test_a_grant_needs_the_signatures_then_succeeds_CHA_1_CHA_2(
    app: App, net: SimpleNamespace
) -> None:
    decision = app.access.explain(net.claire, "contributeur", net.space)
    assert not decision.allowed and [r.rule for r in decision.refusals] == ["CHA-1"]
    error = nothing_written(
        app, lambda: app.access.grant(net.claire, net.space, "contributeur", by=net.admin), "CHA-1"
    )
    assert "charte" in error.message
    sign_aubigny(app)
    assert app.access.charter_status(AUBIGNY).missing[SpaceKind.DEPARTMENTAL] == []
    grant = app.access.grant("claire.martin@example.org", net.space, Role.CONTRIBUTOR, by=net.admin)
    assert grant.active and grant.commune == AUBIGNY and grant.granted_by == net.admin
    assert app.access.explain(net.claire, "contributeur", net.space).allowed


def test_a_signature_without_the_capacity_is_refused_CHA_1(app: App, net: SimpleNamespace) -> None:
    # Aubigny has fewer than 3,500 inhabitants: the SGM signs, not a DGS.
    error = nothing_written(app, lambda: app.access.sign(AUBIGNY, "Paul Roy", "dgs"), "CHA-1")
    assert "directeur général des services" in error.message
    # Parthenay has 3,500 or more: the DGS signs, not an SGM.
    nothing_written(app, lambda: app.access.sign(PARTHENAY, "Paul Roy", "sgm"), "CHA-1")
    assert app.access.sign(PARTHENAY, "Paul Roy", "dgs").capacity is Capacity.DGS


def test_a_signature_on_a_superseded_version_is_refused_and_history_kept_CHA_8(
    app: App, net: SimpleNamespace
) -> None:
    sign_aubigny(app)
    app.access.grant(net.claire, net.space, "contributeur", by=net.admin)
    app.outbox.deliver_due()
    v2 = app.access.publish_charter("Charte v2", "Nouveau texte", on=dt.date(2025, 3, 1))
    assert v2.version == 2
    told = [m for m in app.outbox.list() if m.template == "charter_new_version"]
    assert [m.recipient for m in told] == ["claire.martin@example.org"]  # every user (CHA-8)
    error = nothing_written(
        app, lambda: app.access.sign(AUBIGNY, "Jean Dupont", "maire", version=1), "CHA-8"
    )
    assert "n'est plus en vigueur" in error.message
    status = app.access.charter_status(AUBIGNY)
    assert status.version == 2 and [s.version for s in status.signatures] == [1, 1]
    assert len(status.missing[SpaceKind.DEPARTMENTAL]) == 2  # v2 is not signed yet
    assert not app.access.explain(net.claire, "contributeur", net.space).allowed


def test_administrator_role_only_for_cdg_staff_CHA_2(app: App, net: SimpleNamespace) -> None:
    sign_aubigny(app)
    error = nothing_written(
        app,
        lambda: app.access.grant(net.claire, net.space, "administrateur", by=net.admin),
        "CHA-2",
    )
    assert "seuls les agents du CDG" in error.message
    granted = app.access.grant(net.admin, net.space, "administrateur", by=net.admin)
    assert granted.role is Role.ADMINISTRATOR and granted.commune is None


def test_only_an_administrator_invites_CHA_2(app: App, net: SimpleNamespace) -> None:
    sign_aubigny(app)
    staff = app.members.add("Luc", "Bon", email="luc.bon@cdg79.fr")
    app.access.add_staff(staff.id)  # CDG staff, not an administrator
    error = nothing_written(
        app, lambda: app.access.grant(net.claire, net.space, "visiteur", by=staff.id), "CHA-2"
    )
    assert "invitation" in error.message


def test_a_generic_or_commune_mailbox_is_refused_CHA_6(app: App, net: SimpleNamespace) -> None:
    with pytest.raises(RuleViolation, match=r"CHA-6"):
        app.members.add("Accueil", "Mairie", email="mairie@aubigny.fr")
    shared = app.members.add("Secrétariat", "Aubigny", email="aubigny@orange.fr")
    app.members.add_position(shared.id, AUBIGNY, "sgm")
    sign_aubigny(app)
    error = nothing_written(
        app, lambda: app.access.grant(shared.id, net.space, "visiteur", by=net.admin), "CHA-6"
    )
    assert "nominatif" in error.message


def test_the_departmental_space_is_for_small_communes_CHA_3(app: App, net: SimpleNamespace) -> None:
    dgs = app.members.add("Marc", "Roux", email="marc.roux@example.org")
    app.members.add_position(dgs.id, PARTHENAY, "dgs")
    app.access.sign(PARTHENAY, "Maire de Parthenay", "maire")
    app.access.sign(PARTHENAY, "Marc Roux", "dgs")
    decision = app.access.explain(dgs.id, "visiteur", net.space)
    assert {r.rule for r in decision.refusals} == {"CHA-3"}


def test_community_space_needs_pack_request_and_agreements_CHA_3_CHA_4(
    app: App, net: SimpleNamespace
) -> None:
    space = app.access.create_community(PARTHENAY_GATINE)
    sign_aubigny(app)
    for capacity, name in (("président de l'EPCI", "Président"), ("référent communautaire", "Réf")):
        app.access.sign(AUBIGNY, name, capacity, space="communautaire")
    refused = app.access.explain(net.claire, "contributeur", space.id)
    assert [r.rule for r in refused.refusals] == ["CHA-3"]  # Aubigny does not hold the pack
    app.tariffs.join(AUBIGNY, 2025, joined_on=dt.date(2025, 1, 10))
    assert app.access.grant(net.claire, space.id, "contributeur", by=net.admin).active
    # A non-SGM of the same commune: both agreements needed (CHA-4).
    agent = app.members.add("Lucie", "Noir", email="lucie.noir@example.org")
    app.members.add_position(agent.id, AUBIGNY, "responsable_des_services")
    assert "CHA-4" in {r.rule for r in app.access.explain(agent.id, "visiteur", space.id).refusals}
    app.access.agree(agent.id, space.id, AgreementParty.ADMINISTRATOR, by=net.admin)
    nothing_written(
        app, lambda: app.access.agree(agent.id, space.id, "administrateur", by=net.claire), "CHA-4"
    )
    app.access.agree(agent.id, space.id, "référent", by=net.claire)
    assert app.access.explain(agent.id, "visiteur", space.id).allowed


def test_read_only_phase_makes_members_visitors_CHA_5(app: App, net: SimpleNamespace) -> None:
    sign_aubigny(app)
    app.access.set_read_only(net.space, True)
    decision = app.access.explain(net.claire, "contributeur", net.space)
    assert [r.rule for r in decision.refusals] == ["CHA-5"]
    assert app.access.explain(net.claire, "visiteur", net.space).allowed


def test_departure_revokes_every_access_and_tells_the_employer_CHA_7(
    app: App, net: SimpleNamespace
) -> None:
    sign_aubigny(app)
    app.directory.set_town_hall(AUBIGNY, "1 place de la Mairie", email="mairie@aubigny.fr")
    app.access.grant(net.claire, net.space, "contributeur", by=net.admin)
    app.members.depart(net.claire, reason="mutation", on=dt.date(2025, 3, 14))
    assert app.access.grants(member=net.claire) == []
    [revoked] = app.access.grants(member=net.claire, active=False)
    assert revoked.revoked_on == dt.date(2025, 3, 14) and "mutation" in (revoked.reason or "")
    [notice] = app.access.notices()
    assert notice.kind is NoticeKind.REVOCATION and notice.sendable and notice.commune == AUBIGNY
    message = app.outbox.get(notice.message_id or "")
    assert message.recipient == "mairie@aubigny.fr" and "Claire Martin" in message.subject
    assert "Aubigny" in message.body_text
    decision = app.access.explain(net.claire, "visiteur", net.space)
    assert "CHA-7" in {r.rule for r in decision.refusals}
    held = app.rgpd.export(net.claire)  # MEM-11: the access records are part of the person's data
    assert len(held["grants"]) == 1 and len(held["employer_notices"]) == 1


def test_without_a_town_hall_address_the_notice_is_recorded_unsendable_CHA_7(
    app: App, net: SimpleNamespace
) -> None:
    sign_aubigny(app)
    app.access.grant(net.claire, net.space, "contributeur", by=net.admin)
    app.members.depart(net.claire, reason="retraite")
    [notice] = app.access.notices(sendable=False)
    assert notice.message_id is None and "aucune adresse connue" in notice.detail
    assert [m for m in app.outbox.list() if m.template == "access_revoked"] == []


def test_a_failing_departure_rolls_back_both_departure_and_revocation_CHA_7(
    app: App, net: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    sign_aubigny(app)
    app.directory.set_town_hall(AUBIGNY, "1 place de la Mairie", email="mairie@aubigny.fr")
    app.access.grant(net.claire, net.space, "contributeur", by=net.admin)
    before = snapshot(app)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boîte d'envoi indisponible")

    monkeypatch.setattr(app.outbox, "queue", broken)
    with pytest.raises(RuntimeError):
        app.members.depart(net.claire, reason="mutation")
    assert snapshot(app) == before
    assert app.members.get(net.claire).lifecycle.value == "actif"
    assert len(app.access.grants(member=net.claire)) == 1


def test_the_end_of_a_position_revokes_the_access_given_through_it_CHA_7(
    app: App, net: SimpleNamespace
) -> None:
    sign_aubigny(app)
    grant = app.access.grant(net.claire, net.space, "contributeur", by=net.admin)
    [position] = app.members.positions(member_id=net.claire)
    revoked = app.access.end_position(position.id)
    assert [g.id for g in revoked] == [grant.id]
    assert app.access.notices(sendable=False)[0].commune == AUBIGNY


def test_revocation_for_an_unknown_person_is_refused_CHA_7(app: App, net: SimpleNamespace) -> None:
    error = nothing_written(
        app, lambda: app.access.revoke("personne@nulle-part.fr", by=net.admin), "CHA-7"
    )
    assert isinstance(error, NotFoundError) and "personne inconnue" in error.message


def test_reports_and_sanctions_are_recorded_and_the_employer_told_CHA_9(
    app: App, net: SimpleNamespace
) -> None:
    sign_aubigny(app)
    app.directory.set_town_hall(AUBIGNY, "1 place de la Mairie", email="mairie@aubigny.fr")
    app.access.grant(net.claire, net.space, "contributeur", by=net.admin)
    other = app.members.add("Paul", "Moreau", email="paul.moreau@example.org")
    report = app.access.report(net.claire, by=other.id, reason="propos injurieux")
    nothing_written(
        app,
        lambda: app.access.sanction(net.claire, "restriction des droits", by=other.id, reason="x"),
        "CHA-9",
    )
    sanction = app.access.sanction(
        net.claire, SanctionKind.RESTRICTION, by=net.admin, reason="propos injurieux",
        report_id=report.id,
    )  # fmt: skip
    assert [g.role for g in app.access.grants(member=net.claire)] == [Role.VISITOR]
    assert app.access.reports()[0].sanction_id == sanction.id
    [notice] = app.access.notices()
    assert notice.kind is NoticeKind.SANCTION
    assert "restriction des droits" in app.outbox.get(notice.message_id or "").body_text
    refused = app.access.explain(net.claire, "contributeur", net.space)
    assert "CHA-9" in {r.rule for r in refused.refusals}
    app.access.sanction(net.claire, "suppression de l'accès", by=net.admin, reason="récidive")
    assert app.access.grants(member=net.claire) == []
    assert app.outbox.list(MessageStatus.DEAD) == []
