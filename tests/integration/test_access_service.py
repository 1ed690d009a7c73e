"""``app.charters``, ``app.access`` and ``app.moderation`` on every backend: the charter, spaces
and grants, revocation, reports and sanctions (CHA-1..CHA-9). Each bad input is a clear error with
its rule and writes nothing."""

from __future__ import annotations

import datetime as dt
from functools import partial
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

import rsgm_core
from rsgm_core import (
    Agreement,
    AgreementParty,
    App,
    Capacity,
    MessageStatus,
    NotFoundError,
    NoticeKind,
    PermissionDeniedError,
    Role,
    RuleViolation,
    Sanction,
    SanctionKind,
    Space,
    SpaceKind,
)
from rsgm_core.plugins.sql import migrations
from rsgm_core.testing import Clock
from tests.conftest import SAMPLE
from tests.helpers import administrator, nothing_written, snapshot

PUBLISHED = dt.date(2025, 1, 6)
AUBIGNY, PARTHENAY, SAUZE = "79019", "79202", "79307"  # Parthenay: 3,500+, Aubigny's EPCI
PARTHENAY_GATINE, MELLOIS = "200041333", "200069755"


@pytest.fixture
def net(app: App) -> SimpleNamespace:
    app.census.import_(SAMPLE, ["79"])
    admin = app.members.add("Anne", "Chevalier", email="anne.chevalier@cdg79.fr")
    app.access.add_staff(admin.id, administrator=True)
    claire = app.members.add("Claire", "Martin", email="claire.martin@example.org")
    app.members.add_position(claire.id, AUBIGNY, "sgm")
    space = app.access.create_departmental_space(by=administrator(app))
    app.charters.publish(
        "Charte d'utilisation", "Texte de la charte", by=administrator(app), on=PUBLISHED
    )
    return SimpleNamespace(admin=admin.id, claire=claire.id, space=space.id)


def sign_aubigny(app: App) -> None:
    app.charters.sign(AUBIGNY, "Jean Dupont", "maire")
    app.charters.sign(AUBIGNY, "Claire Martin", Capacity.SGM)


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
    assert app.charters.status(AUBIGNY).missing[SpaceKind.DEPARTMENTAL] == []
    grant = app.access.grant("claire.martin@example.org", net.space, Role.CONTRIBUTOR, by=net.admin)
    assert grant.active and grant.commune == AUBIGNY and grant.granted_by == net.admin
    assert app.access.explain(net.claire, "contributeur", net.space).allowed


def test_a_signature_without_the_capacity_is_refused_CHA_1(app: App, net: SimpleNamespace) -> None:
    # Aubigny has fewer than 3,500 inhabitants: the SGM signs, not a DGS.
    error = nothing_written(app, lambda: app.charters.sign(AUBIGNY, "Paul Roy", "dgs"), "CHA-1")
    assert "directeur général des services" in error.message
    # Parthenay has 3,500 or more: the DGS signs, not an SGM.
    paul = app.members.add("Paul", "Roy", email="paul.roy@example.org")
    app.members.add_position(paul.id, PARTHENAY, "dgs")
    nothing_written(app, lambda: app.charters.sign(PARTHENAY, "Paul Roy", "sgm"), "CHA-1")
    signed = app.charters.sign(PARTHENAY, "Paul Roy", "dgs")
    assert signed.capacity is Capacity.DGS and signed.member_id == paul.id


def test_a_signature_on_a_superseded_version_is_refused_and_history_kept_CHA_8(
    app: App, net: SimpleNamespace
) -> None:
    administrator(app)  # CHA-2: named before any snapshot
    sign_aubigny(app)
    app.access.grant(net.claire, net.space, "contributeur", by=net.admin)
    app.outbox.deliver_due()
    v2 = app.charters.publish(
        "Charte v2", "Nouveau texte", by=administrator(app), on=dt.date(2025, 3, 1)
    )
    assert v2.version == 2
    told = [m for m in app.outbox.list_messages() if m.template == "charter_new_version"]
    assert [m.recipient for m in told] == ["claire.martin@example.org"]  # every user (CHA-8)
    error = nothing_written(
        app, lambda: app.charters.sign(AUBIGNY, "Jean Dupont", "maire", version=1), "CHA-8"
    )
    assert "n'est plus en vigueur" in error.message
    status = app.charters.status(AUBIGNY)
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
    app.access.add_staff(staff.id, by=net.admin)  # CDG staff, not an administrator
    error = nothing_written(
        app, lambda: app.access.grant(net.claire, net.space, "visiteur", by=staff.id), "CHA-2"
    )
    assert isinstance(error, PermissionDeniedError)
    assert error.message == (
        "Luc Bon ne peut pas accorder un accès à la plateforme : il faut être administrateur du "
        "CDG (CHA-2)"
    )


def test_a_generic_or_commune_mailbox_is_refused_CHA_6(app: App, net: SimpleNamespace) -> None:
    with pytest.raises(RuleViolation, match=r"CHA-6"):
        app.members.add("Accueil", "Mairie", email="mairie@aubigny.fr")
    # The commune's own mailbox is refused as soon as the position ties it to the commune
    # (CHA-6 revised), before any account is asked for.
    shared = app.members.add("Secrétariat", "Aubigny", email="aubigny@orange.fr")
    error = nothing_written(
        app, lambda: app.members.add_position(shared.id, AUBIGNY, "sgm"), "CHA-6"
    )
    assert "adresse de la commune refusée" in error.message


def test_the_departmental_space_is_for_small_communes_CHA_3(app: App, net: SimpleNamespace) -> None:
    dgs = app.members.add("Marc", "Roux", email="marc.roux@example.org")
    app.members.add_position(dgs.id, PARTHENAY, "dgs")
    app.charters.sign(PARTHENAY, "Maire de Parthenay", "maire")
    app.charters.sign(PARTHENAY, "Marc Roux", "dgs")
    decision = app.access.explain(dgs.id, "visiteur", net.space)
    assert {r.rule for r in decision.refusals} == {"CHA-3"}


def test_community_space_needs_pack_request_and_agreements_CHA_3_CHA_4(
    app: App, net: SimpleNamespace
) -> None:
    administrator(app)  # CHA-2: named before any snapshot
    space = app.access.create_community_space(PARTHENAY_GATINE, by=administrator(app))
    sign_aubigny(app)
    for capacity, name in (
        ("président de l'EPCI", "Président"),
        ("directeur général des services de l'EPCI", "Hélène Faure"),
    ):
        app.charters.sign(AUBIGNY, name, capacity, space="communautaire")
    refused = app.access.explain(net.claire, "contributeur", space.id)
    assert [r.rule for r in refused.refusals] == ["CHA-3"]  # Aubigny does not hold the pack
    app.memberships.join(AUBIGNY, by=administrator(app), year=2025, on=dt.date(2025, 1, 10))
    assert app.access.grant(net.claire, space.id, "contributeur", by=net.admin).active
    # A non-SGM of the same commune: both agreements needed (CHA-4).
    agent = app.members.add("Lucie", "Noir", email="lucie.noir@example.org")
    app.members.add_position(agent.id, AUBIGNY, "responsable_des_services")
    assert "CHA-4" in {r.rule for r in app.access.explain(agent.id, "visiteur", space.id).refusals}
    app.access.agree(agent.id, space.id, AgreementParty.ADMINISTRATOR, by=net.admin)
    nothing_written(
        app, lambda: app.access.agree(agent.id, space.id, "administrateur", by=net.claire), "CHA-4"
    )
    app.network.create_departmental_network("Réseau des SGM des Deux-Sèvres", by=administrator(app))
    app.network.create_community_network(
        PARTHENAY_GATINE, by=administrator(app), referent_id=net.claire
    )
    app.access.agree(agent.id, space.id, "référent", by=net.claire)
    assert app.access.explain(agent.id, "visiteur", space.id).allowed
    agreed = app.access.list_agreements(member_id=agent.id, space_id=space.id)
    assert {(a.party, a.given_by) for a in agreed} == {
        (AgreementParty.ADMINISTRATOR, net.admin), (AgreementParty.REFERENT, net.claire),
    }  # fmt: skip
    assert [s.member_id for s in app.access.list_staff() if s.administrator] == [net.admin]
    assert [g.member_id for g in app.access.list_grants(space_id=space.id)] == [net.claire]


def test_referent_agreement_needs_the_referent_CHA_4(app: App, net: SimpleNamespace) -> None:
    administrator(app)  # CHA-2: named before any snapshot
    space = app.access.create_community_space(PARTHENAY_GATINE, by=administrator(app))
    agent = app.members.add("Lucie", "Noir", email="lucie.noir@example.org")
    app.members.add_position(agent.id, AUBIGNY, "responsable_des_services")
    app.network.create_departmental_network("Réseau des SGM des Deux-Sèvres", by=administrator(app))
    gatine = app.network.create_community_network(PARTHENAY_GATINE, by=administrator(app))
    paul = app.members.add("Paul", "Roy", email="paul.roy@example.org")
    app.network.create_community_network(MELLOIS, by=administrator(app), referent_id=paul.id)

    def agree(by: str, on: dt.date | None = None) -> Agreement:
        return app.access.agree(agent.id, space.id, "référent", by=by, on=on)

    # No community referent in the space's EPCI yet: nobody can give the referent's agreement.
    error = nothing_written(app, lambda: agree(net.claire), "CHA-4")
    assert isinstance(error, RuleViolation) and error.value == net.claire
    assert "Claire Martin n'est pas référent communautaire de CC de Parthenay-Gâtine" in str(error)
    assert "aucun référent communautaire n'est désigné" in error.message
    # The referent of another community, or a CDG administrator, is not this space's referent.
    marc = app.members.add("Marc", "Roux", email="marc.roux@example.org")
    assignment = app.network.assign(gatine.id, marc.id, "referent_communautaire",
                                    by=administrator(app), on=dt.date(2025, 1, 1))  # fmt: skip
    for wrong in (paul.id, net.admin, "paul.roy@example.org"):
        error = nothing_written(app, partial(agree, wrong), "CHA-4")
        assert "le référent communautaire de CC de Parthenay-Gâtine est Marc Roux" in error.message
    # The referent of the space's EPCI, on the day the role is held.
    given = agree("marc.roux@example.org")
    assert given.given_by == marc.id and given.party is AgreementParty.REFERENT
    app.network.end_role(assignment.id, by=administrator(app), on=dt.date(2025, 3, 1))
    nothing_written(app, lambda: agree(marc.id, dt.date(2025, 3, 14)), "CHA-4")
    assert agree(marc.id, dt.date(2025, 2, 28)).given_on == dt.date(2025, 2, 28)
    # An unknown giver, and the departmental space, are refused too.
    error = nothing_written(app, lambda: agree("inconnu@example.org"), "CHA-4")
    assert isinstance(error, NotFoundError) and "inconnu@example.org" in error.message
    nothing_written(
        app, lambda: app.access.agree(agent.id, net.space, "référent", by=marc.id), "CHA-4"
    )


def test_read_only_phase_makes_members_visitors_CHA_5(app: App, net: SimpleNamespace) -> None:
    sign_aubigny(app)
    app.access.set_read_only(net.space, True, by=administrator(app))
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
    assert app.access.list_grants(member_id=net.claire) == []
    [revoked] = app.access.list_grants(member_id=net.claire, active=False)
    assert revoked.revoked_on == dt.date(2025, 3, 14) and "mutation" in (revoked.reason or "")
    [notice] = app.moderation.list_notices()
    assert notice.kind is NoticeKind.REVOCATION and notice.sendable and notice.commune == AUBIGNY
    message = app.outbox.get(notice.message_id or "")
    assert message.recipient == "mairie@aubigny.fr" and "Claire Martin" in message.subject
    assert "Aubigny" in message.body_text
    decision = app.access.explain(net.claire, "visiteur", net.space)
    assert "CHA-7" in {r.rule for r in decision.refusals}
    # MEM-11: the access records are part of the person's data
    held = app.rgpd.export_personal_data(net.claire, by=administrator(app))
    assert len(held["grants"]) == 1 and len(held["employer_notices"]) == 1


def test_without_a_town_hall_address_the_notice_is_recorded_unsendable_CHA_7(
    app: App, net: SimpleNamespace
) -> None:
    sign_aubigny(app)
    app.access.grant(net.claire, net.space, "contributeur", by=net.admin)
    app.members.depart(net.claire, reason="retraite")
    [notice] = app.moderation.list_notices(sendable=False)
    assert notice.message_id is None and "aucune adresse connue" in notice.detail
    assert [m for m in app.outbox.list_messages() if m.template == "access_revoked"] == []


def test_a_failing_departure_rolls_back_both_departure_and_revocation_CHA_7(
    app: App, net: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    sign_aubigny(app)
    app.directory.set_town_hall(AUBIGNY, "1 place de la Mairie", email="mairie@aubigny.fr")
    app.access.grant(net.claire, net.space, "contributeur", by=net.admin)
    before = snapshot(app)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boîte d'envoi indisponible")

    monkeypatch.setattr("rsgm_core.services.access_revocation.queue_message", broken)
    with pytest.raises(RuntimeError):
        app.members.depart(net.claire, reason="mutation")
    assert snapshot(app) == before
    assert app.members.get(net.claire).lifecycle.value == "actif"
    assert len(app.access.list_grants(member_id=net.claire)) == 1


def test_the_end_of_a_position_revokes_the_access_given_through_it_CHA_7(
    app: App, net: SimpleNamespace
) -> None:
    sign_aubigny(app)
    grant = app.access.grant(net.claire, net.space, "contributeur", by=net.admin)
    [position] = app.members.list_positions(member_id=net.claire)
    revoked = app.access.end_position(position.id, by=administrator(app))
    assert [g.id for g in revoked] == [grant.id]
    assert app.moderation.list_notices(sendable=False)[0].commune == AUBIGNY


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
    report = app.moderation.file_report(net.claire, by=other.id, reason="propos injurieux")
    nothing_written(
        app,
        lambda: app.moderation.sanction(
            net.claire, "restriction des droits", by=other.id, reason="x"
        ),
        "CHA-9",
    )
    sanction = app.moderation.sanction(
        net.claire, SanctionKind.RESTRICTION, by=net.admin, reason="propos injurieux",
        report_id=report.id,
    )  # fmt: skip
    assert [g.role for g in app.access.list_grants(member_id=net.claire)] == [Role.VISITOR]
    assert app.moderation.list_reports()[0].sanction_id == sanction.id
    [notice] = app.moderation.list_notices()
    assert notice.kind is NoticeKind.SANCTION
    assert "restriction des droits" in app.outbox.get(notice.message_id or "").body_text
    refused = app.access.explain(net.claire, "contributeur", net.space)
    assert "CHA-9" in {r.rule for r in refused.refusals}
    app.moderation.sanction(net.claire, "suppression de l'accès", by=net.admin, reason="récidive")
    assert app.access.list_grants(member_id=net.claire) == []
    assert app.outbox.list_messages(status=MessageStatus.DEAD) == []


def restricted_claire(app: App, net: SimpleNamespace) -> tuple[str, str]:
    """Claire, contributor in the departmental space, restricted after a report; the town hall
    has an address. Returns the grant and the sanction."""
    sign_aubigny(app)
    app.directory.set_town_hall(AUBIGNY, "1 place de la Mairie", email="mairie@aubigny.fr")
    grant = app.access.grant(net.claire, net.space, "contributeur", by=net.admin)
    sanction = app.moderation.sanction(
        net.claire, "restriction des droits", by=net.admin, reason="propos injurieux",
        on=dt.date(2025, 2, 1),
    )  # fmt: skip
    return grant.id, sanction.id


def test_lifting_a_restriction_restores_the_roles_and_tells_the_employer_CHA_9(
    app: App, net: SimpleNamespace
) -> None:
    grant_id, sanction_id = restricted_claire(app, net)
    [lowered] = app.access.list_grants(member_id=net.claire)
    assert lowered.id == grant_id and lowered.role is Role.VISITOR
    lifted = app.moderation.lift_sanction(
        sanction_id,
        by="anne.chevalier@cdg79.fr",
        reason="excuses présentées",
        on=dt.date(2025, 3, 1),
    )
    assert not lifted.active and lifted.lifted_by == net.admin
    assert (lifted.lifted_on, lifted.lift_reason) == (dt.date(2025, 3, 1), "excuses présentées")
    [restored] = app.access.list_grants(member_id=net.claire)
    assert restored.id == grant_id and restored.role is Role.CONTRIBUTOR
    assert app.access.explain(net.claire, "contributeur", net.space).allowed
    # The sanction keeps its history.
    [kept] = app.moderation.list_sanctions(member_id=net.claire)
    assert kept == lifted and kept.reason == "propos injurieux"
    assert kept.decided_on == dt.date(2025, 2, 1)
    assert app.moderation.list_sanctions(active=True) == []
    # The employer is told, as for the sanction itself.
    kinds = {n.kind: n for n in app.moderation.list_notices()}
    assert set(kinds) == {NoticeKind.SANCTION, NoticeKind.SANCTION_LIFTED}
    lift_notice = kinds[NoticeKind.SANCTION_LIFTED]
    message = app.outbox.get(lift_notice.message_id or "")
    assert message.template == "access_sanction_lifted"
    assert message.recipient == "mairie@aubigny.fr" and "Claire Martin" in message.subject
    assert (
        "excuses présentées" in message.body_text
        and "décidée le 1er février 2025" in message.body_text
    )
    assert "Espace départemental (contributeur)" in message.body_text
    assert (
        len(app.rgpd.export_personal_data(net.claire, by=administrator(app))["sanctions"]) == 1
    )  # MEM-11


def test_lifting_a_removal_ends_it_and_the_administrator_invites_again_CHA_9(
    app: App, net: SimpleNamespace
) -> None:
    sign_aubigny(app)
    app.access.grant(net.claire, net.space, "contributeur", by=net.admin)
    removal = app.moderation.sanction(
        net.claire, "suppression de l'accès", by=net.admin, reason="récidive"
    )
    refused = app.access.explain(net.claire, "visiteur", net.space)
    assert [r.rule for r in refused.refusals] == ["CHA-9"]
    app.moderation.lift_sanction(removal.id, by=net.admin, reason="décision annulée")
    assert app.access.list_grants(member_id=net.claire) == []  # no access given back
    assert app.access.explain(net.claire, "contributeur", net.space).allowed
    assert app.access.grant(net.claire, net.space, "contributeur", by=net.admin).active
    # No town hall address: the notice is recorded, to send by other means (as for the sanction).
    [lift_notice] = [
        n
        for n in app.moderation.list_notices(sendable=False)
        if n.kind is NoticeKind.SANCTION_LIFTED
    ]
    assert lift_notice.message_id is None and lift_notice.commune == AUBIGNY
    assert "aucune adresse connue" in lift_notice.detail
    assert [m for m in app.outbox.list_messages() if m.template == "access_sanction_lifted"] == []


def test_bad_lifting_is_refused_and_writes_nothing_CHA_9(app: App, net: SimpleNamespace) -> None:
    _, sanction_id = restricted_claire(app, net)
    error = nothing_written(
        app, lambda: app.moderation.lift_sanction("s-inconnue", by=net.admin, reason="x"), "CHA-9"
    )
    assert isinstance(error, NotFoundError) and "sanction inconnue : 's-inconnue'" in error.message
    assert error.value == "s-inconnue"
    # Only a CDG administrator lifts a sanction.
    other = app.members.add("Paul", "Moreau", email="paul.moreau@example.org")
    error = nothing_written(
        app, lambda: app.moderation.lift_sanction(sanction_id, by=other.id, reason="x"), "CHA-9"
    )
    assert "Paul Moreau ne peut pas décider ou lever une sanction" in error.message
    assert "il faut être administrateur du CDG (CHA-2, CHA-9)" in error.message
    nothing_written(
        app,
        lambda: app.moderation.lift_sanction(sanction_id, by="x@example.org", reason="x"),
        "CHA-9",
    )
    nothing_written(
        app, lambda: app.moderation.lift_sanction(sanction_id, by=net.admin, reason=" "), "CHA-9"
    )
    error = nothing_written(
        app,
        lambda: app.moderation.lift_sanction(
            sanction_id, by=net.admin, reason="x", on=dt.date(2025, 1, 31)
        ),
        "CHA-9",
    )
    assert "avant d'avoir été décidée le 01/02/2025" in error.message
    # Lifting twice.
    app.moderation.lift_sanction(sanction_id, by=net.admin, reason="excuses présentées")
    error = nothing_written(
        app, lambda: app.moderation.lift_sanction(sanction_id, by=net.admin, reason="x"), "CHA-9"
    )
    assert isinstance(error, RuleViolation) and error.value == sanction_id
    assert f"la sanction {sanction_id} (restriction des droits) a déjà été levée" in error.message


def test_a_sanction_over_one_in_force_is_refused_until_lifted_CHA_9(
    app: App, net: SimpleNamespace
) -> None:
    _, restriction_id = restricted_claire(app, net)

    def sanction(kind: str) -> Sanction:
        return app.moderation.sanction(net.claire, kind, by=net.admin, reason="récidive")

    error = nothing_written(app, lambda: sanction("restriction des droits"), "CHA-9")
    assert restriction_id in error.message and "levez-la d'abord" in error.message
    removal = sanction("suppression de l'accès")  # escalation stays possible
    for kind in ("restriction des droits", "suppression de l'accès"):
        nothing_written(app, partial(sanction, kind), "CHA-9")
    app.moderation.lift_sanction(removal.id, by=net.admin, reason="erreur")
    assert app.access.list_grants(member_id=net.claire) == []
    assert [s.id for s in app.moderation.list_sanctions(active=True)] == [restriction_id]


def test_a_failing_lift_rolls_everything_back_CHA_9(
    app: App, net: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, sanction_id = restricted_claire(app, net)
    before = snapshot(app)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boîte d'envoi indisponible")

    monkeypatch.setattr("rsgm_core.services.access_revocation.queue_message", broken)
    with pytest.raises(RuntimeError):
        app.moderation.lift_sanction(sanction_id, by=net.admin, reason="excuses présentées")
    assert snapshot(app) == before
    assert app.moderation.list_sanctions(active=True)[0].id == sanction_id


def test_a_sanction_recorded_before_the_lifting_columns_reads_back_in_force_CHA_9(
    sqlite_url: str, rsgm_clock: Clock
) -> None:
    engine = sa.create_engine(sqlite_url)
    with engine.begin() as conn:  # a database as schema 8 left it, one sanction recorded
        migrations.upgrade(conn, target=8)
        conn.execute(
            sa.text(
                "INSERT INTO sanctions (id, member_id, kind, decided_on, decided_by, reason) "
                "VALUES ('s1', 'm1', 'restriction des droits', '2025-02-01', 'a1', 'propos')"
            )
        )
    engine.dispose()
    with rsgm_core.open(sqlite_url, clock=rsgm_clock) as app:
        [sanction] = app.moderation.list_sanctions(active=True)
    assert sanction.id == "s1" and sanction.kind is SanctionKind.RESTRICTION
    assert (sanction.lowered, sanction.lifted_on, sanction.lifted_by) == ((), None, None)


def test_the_former_names_on_app_access_warn_and_still_work(app: App) -> None:
    """One release of deprecated aliases: ``app.access.<old>`` names the call replacing it."""
    app.census.import_(SAMPLE, ["79"])
    admin = app.members.add("Anne", "Chevalier", email="anne.chevalier@cdg79.fr")
    app.access.add_staff(admin.id, administrator=True)
    claire = app.members.add("Claire", "Martin", email="claire.martin@example.org")
    app.members.add_position(claire.id, AUBIGNY, "sgm")

    def old(name: str, new: str, *args: object, **kwargs: object) -> object:
        with pytest.warns(DeprecationWarning, match=rf"app\.access\.{name}\(\).*app\.{new}\(\)"):
            return getattr(app.access, name)(*args, **kwargs)

    space = old("create_departmental", "access.create_departmental_space", by=admin.id)
    assert isinstance(space, Space) and space.id == "departemental"
    community = old(
        "create_community", "access.create_community_space", PARTHENAY_GATINE, by=admin.id
    )
    assert isinstance(community, Space) and community.epci == PARTHENAY_GATINE
    assert old("spaces", "access.list_spaces") == app.access.list_spaces()
    version = old(
        "publish_charter", "charters.publish", "Charte", "Texte", by=admin.id, on=PUBLISHED
    )
    assert old("charters", "charters.list_versions") == [version]
    old("sign", "charters.sign", AUBIGNY, "Jean Dupont", "maire")
    old("sign", "charters.sign", AUBIGNY, "Claire Martin", "sgm")
    assert old("charter_status", "charters.status", AUBIGNY) == app.charters.status(AUBIGNY)
    with pytest.warns(
        DeprecationWarning,
        match=r"grant\(member=…\) is deprecated since rsgm_core 0.2.0; use member_id",
    ):
        grant = app.access.grant(member=claire.id, space_id="departemental", role="contributeur",
                                 by=admin.id)  # fmt: skip
    assert old("grants", "access.list_grants", member=claire.id) == [grant]
    report = old("report", "moderation.file_report", claire.id, by=admin.id, reason="propos")
    assert old("reports", "moderation.list_reports") == [report]
    sanction = old(
        "sanction", "moderation.sanction", claire.id, "restriction des droits",
        by=admin.id, reason="propos", report_id=getattr(report, "id", None),
    )  # fmt: skip
    assert old("sanctions", "moderation.list_sanctions", member=claire.id) == [sanction]
    assert old("notices", "moderation.list_notices") == app.moderation.list_notices()
    lifted = old("lift_sanction", "moderation.lift_sanction", getattr(sanction, "id", ""),
                 by=admin.id, reason="excuses")  # fmt: skip
    assert isinstance(lifted, Sanction) and not lifted.active
    exported = old("export", "platform.export_accounts", "interstis", by=admin.id, format="json")
    assert not getattr(exported, "empty", True)
