"""CHA-2: the authorization matrix walked on the real public methods, and the issue's case (a
departed administrator grants nothing, so the next Interstis export creates no account).

For every operation × role, a person holding only that role (the administrator: CDG staff
flagged administrator; the animator: CDG staff; the community referent: the referent of an
EPCI's community network; the member: a member on record) does the operation through the public
method a CDG calls: allowed exactly when :data:`rsgm_core.MATRIX` says so, else a
``PermissionDeniedError`` naming the person, the role and the rule, with nothing written.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import attrs
import pytest

import rsgm_core
from rsgm_core import (
    MATRIX,
    ActorRole,
    App,
    Capacity,
    Operation,
    PermissionDeniedError,
    RuleViolation,
    SessionPlan,
)
from rsgm_core.domain.territory import CommuneStatus
from rsgm_core.services.access import AccessService
from rsgm_core.services.billing import BillingService
from rsgm_core.services.charters import CharterService
from rsgm_core.services.events import EventService
from rsgm_core.services.means import MeansService
from rsgm_core.services.memberships import MembershipService
from rsgm_core.services.moderation import ModerationService
from rsgm_core.services.network import NetworkService
from rsgm_core.services.platform_export import PlatformService
from rsgm_core.services.registrations import RegistrationService
from rsgm_core.services.rgpd import RgpdService
from rsgm_core.services.toolbox import ToolboxService
from rsgm_core.testing import Clock
from tests.conftest import NOW, SAMPLE
from tests.helpers import CDG79, nothing_written, snapshot

AUBIGNY, SAUZE, EPCI, GONE = (
    "79019",
    "79307",
    "200069755",
    "79002",
)  # Sauzé-Vaussais is in that EPCI
TODAY = NOW.date()


def _setup(app: App, role: ActorRole) -> SimpleNamespace:
    """The CDG's data set up by its first administrator, Anne, and the person ``p`` holding
    ``role`` only."""
    app.census.import_(SAMPLE, ["79"])
    with app.storage.unit_of_work() as uow:  # TER-5: Adilly gone without known successor
        gone = uow.communes.get(GONE)
        uow.communes.update(attrs.evolve(gone, status=CommuneStatus.DISPARUE))
        uow.commit()
    anne = app.members.add("Anne", "Chevalier", email="anne.chevalier@cdg79.fr").id
    app.access.add_staff(anne, administrator=True)  # CHA-2: at set-up
    space = app.access.create_departmental_space(by=anne).id
    community = app.access.create_community_space(EPCI, by=anne).id
    network = app.network.create_departmental_network("Réseau 79", by=anne).id
    community_network = app.network.create_community_network(EPCI, by=anne).id
    app.charters.publish("Charte", "Texte", by=anne, on=dt.date(2025, 1, 6))
    claire = app.members.add("Claire", "Martin", email="claire.martin@example.org").id
    app.members.add_position(claire, AUBIGNY, "sgm")
    app.charters.sign(AUBIGNY, "Jean Dupont", "maire")
    app.charters.sign(AUBIGNY, claire, Capacity.SGM)
    app.access.grant(claire, space, "contributeur", by=anne)
    luc = app.members.add("Luc", "Bon", email="luc.bon@example.org").id
    paul = app.members.add("Paul", "Roy", email="paul.roy@example.org").id
    app.access.add_staff(paul, by=anne)  # CDG staff with an animator's grant drafts
    app.access.grant(paul, space, "animateur", by=anne)
    draft = app.toolbox.add(
        "fiche pratique", "Tenir le registre", "Pas à pas.", themes=["etat civil"], by=paul
    ).id
    planned = app.events.plan(
        "Atelier", "atelier thématique", "présentiel", [SessionPlan(dt.date(2026, 3, 2), "Niort")]
    )
    app.registrations.register(planned.sessions[0].id, claire)
    p = app.members.add("Pia", "Test", email="pia.test@example.org").id
    app.members.add_position(p, SAUZE, "sgm")
    if role is ActorRole.ADMINISTRATOR:
        app.access.add_staff(p, administrator=True, by=anne)
    elif role is ActorRole.ANIMATOR:
        app.access.add_staff(p, by=anne)
    elif role is ActorRole.REFERENT:
        app.network.assign(community_network, p, "referent_communautaire", by=anne)
    return SimpleNamespace(
        anne=anne, p=p, claire=claire, luc=luc, space=space, community=community,
        network=network, draft=draft, session=planned.sessions[0].id,
    )  # fmt: skip


#: One call of the real public method per operation, acting as ``s.p``.
DRIVERS: dict[Operation, Callable[[App, SimpleNamespace], object]] = {
    Operation.NAME_STAFF: lambda app, s: app.access.add_staff(s.luc, by=s.p),
    Operation.MANAGE_SPACES: lambda app, s: app.access.set_read_only(s.space, True, by=s.p),
    Operation.GRANT_ACCESS: lambda app, s: app.access.grant(s.claire, s.space, "visiteur", by=s.p),
    Operation.REVOKE_ACCESS: lambda app, s: app.access.revoke(s.claire, by=s.p),
    Operation.ADMINISTRATOR_AGREEMENT: lambda app, s: app.access.agree(
        s.luc, s.community, "administrateur", by=s.p
    ),
    Operation.REFERENT_AGREEMENT: lambda app, s: app.access.agree(
        s.luc, s.community, "référent", by=s.p
    ),
    Operation.COMMUNE_REQUEST: lambda app, s: app.access.agree(
        s.luc, s.community, "demande", by=s.p
    ),
    Operation.PUBLISH_CHARTER: lambda app, s: app.charters.publish("Charte", "V2", by=s.p),
    Operation.REPORT_ABUSE: lambda app, s: app.moderation.file_report(
        s.claire, by=s.p, reason="propos injurieux"
    ),
    Operation.SANCTION: lambda app, s: app.moderation.sanction(
        s.claire, "restriction des droits", by=s.p, reason="propos injurieux"
    ),
    Operation.PUBLISH_RESOURCE: lambda app, s: app.toolbox.publish(
        s.draft, by=s.p, review_on=dt.date(2026, 3, 1)
    ),
    Operation.BILLING: lambda app, s: app.billing.add_trainee(
        "Léa Roux", by=s.p, first_job_start=dt.date(2025, 1, 2)
    ),
    Operation.MEMBERSHIP: lambda app, s: app.memberships.join(AUBIGNY, by=s.p, year=2025),
    Operation.EXPORT_PERSONAL_DATA: lambda app, s: app.rgpd.export_personal_data(s.claire, by=s.p),
    Operation.ERASE: lambda app, s: app.rgpd.erase(s.luc, by=s.p),
    Operation.PLATFORM_EXPORT: lambda app, s: app.platform.export_accounts("interstis", by=s.p),
    Operation.MANAGE_NETWORK: lambda app, s: app.network.assign(
        s.network, s.claire, "ambassadeur", by=s.p
    ),
    Operation.REASSIGN_COMMUNE: lambda app, s: app.census.reassign(GONE, AUBIGNY, by=s.p),
    Operation.EXPORT_ATTENDEES: lambda app, s: app.registrations.sign_in(s.session, by=s.p),
    Operation.SET_DEADLINE: lambda app, s: app.events.set_deadline(
        s.session, dt.date(2026, 2, 27), by=s.p
    ),
    Operation.MANAGE_MEANS: lambda app, s: app.means.add_budget_line(
        "salle", "Salle", 100, year=2026, by=s.p
    ),
}


@pytest.fixture(scope="module")
def memory_apps() -> Iterator[Callable[[ActorRole], tuple[App, SimpleNamespace]]]:
    opened: list[App] = []

    def make(role: ActorRole) -> tuple[App, SimpleNamespace]:
        app = rsgm_core.open("memory://", clock=Clock(NOW), settings=CDG79)
        opened.append(app)
        return app, _setup(app, role)

    yield make
    for app in opened:
        app.close()


def test_every_operation_has_a_driver_and_a_row_CHA_2() -> None:
    assert set(DRIVERS) == set(Operation) == set(MATRIX)


def test_the_matrix_is_monotone_CHA_2() -> None:
    """An administrator is CDG staff, and animators and referents are members: a higher role
    may do whatever the lower one may, so "a person with only that role" is meaningful."""
    for operation, allowed in MATRIX.items():
        if ActorRole.ANIMATOR in allowed:
            assert ActorRole.ADMINISTRATOR in allowed, operation
        if ActorRole.MEMBER in allowed:
            assert {ActorRole.ANIMATOR, ActorRole.REFERENT} <= allowed, operation


@pytest.mark.parametrize("role", list(ActorRole), ids=lambda r: r.name.lower())
def test_the_matrix_walked_on_the_public_methods_CHA_2(
    role: ActorRole, memory_apps: Callable[[ActorRole], tuple[App, SimpleNamespace]]
) -> None:
    for operation, drive in DRIVERS.items():
        app, s = memory_apps(role)
        if role in MATRIX[operation]:
            drive(app, s)  # allowed: the act is done
            continue
        before = snapshot(app)
        with pytest.raises(PermissionDeniedError) as caught:
            drive(app, s)
        assert snapshot(app) == before, operation
        error = caught.value
        assert isinstance(error, RuleViolation) and error.value == s.p
        if operation is Operation.REFERENT_AGREEMENT:  # CHA-4 says which referent, that day
            assert error.rule == "CHA-4"
            assert error.message.startswith("Pia Test n'est pas référent communautaire de ")
            continue
        assert error.message.startswith(f"Pia Test ne peut pas {operation.value} : il faut être ")
        assert "CHA-2" in error.message, error.message
        for needed in MATRIX[operation]:
            assert needed.value in error.message


#: Every public administrative method, which must name its actor (``by``, keyword-only).
ADMINISTRATIVE: list[tuple[type, str]] = [
    (AccessService, "create_departmental_space"),
    (AccessService, "create_community_space"),
    (AccessService, "set_read_only"),
    (AccessService, "grant"),
    (AccessService, "revoke"),
    (AccessService, "end_position"),
    (AccessService, "accept_request"),
    (AccessService, "refuse_request"),
    (AccessService, "suspend"),
    (AccessService, "reinvite"),
    (AccessService, "agree"),
    (CharterService, "publish"),
    (ModerationService, "file_report"),
    (ModerationService, "sanction"),
    (ModerationService, "lift_sanction"),
    (ToolboxService, "publish"),
    (ToolboxService, "archive"),
    (BillingService, "add_trainee"),
    (BillingService, "add_intervention"),
    (BillingService, "bill"),
    (BillingService, "export_invoice_lines"),
    (MembershipService, "join"),
    (MembershipService, "sign_convention"),
    (MembershipService, "give_notice"),
    (NetworkService, "create_departmental_network"),
    (NetworkService, "create_community_network"),
    (NetworkService, "set_charter"),
    (NetworkService, "assign"),
    (NetworkService, "end_role"),
    (NetworkService, "set_committee"),
    (NetworkService, "record_meeting"),
    (PlatformService, "export_accounts"),
    (RgpdService, "export_personal_data"),
    (RgpdService, "export_personal_data_json"),
    (RgpdService, "erase"),
    (RgpdService, "purge"),
    (RegistrationService, "sign_in"),
    (EventService, "set_deadline"),
    (MeansService, "add_budget_line"),
    (MeansService, "record_actual"),
    (MeansService, "remove_budget_line"),
    (MeansService, "add_venue"),
    (MeansService, "choose_venue"),
    (MeansService, "add_speaker"),
    (MeansService, "log_time"),
]


@pytest.mark.parametrize(("cls", "name"), ADMINISTRATIVE, ids=lambda x: getattr(x, "__name__", x))
def test_every_administrative_method_requires_its_actor_CHA_2(cls: type, name: str) -> None:
    parameter = inspect.signature(getattr(cls, name)).parameters["by"]
    assert parameter.kind is inspect.Parameter.KEYWORD_ONLY
    assert parameter.default is inspect.Parameter.empty  # required: no anonymous act


def test_staff_naming_requires_an_administrator_but_for_the_first_CHA_2() -> None:
    parameter = inspect.signature(AccessService.add_staff).parameters["by"]
    assert parameter.kind is inspect.Parameter.KEYWORD_ONLY and parameter.default is None


# The case, on every backend


def test_a_departed_administrator_grants_nothing_and_the_export_creates_no_account_CHA_2(
    app: App,
) -> None:
    s = _setup(app, ActorRole.ADMINISTRATOR)
    app.platform.export_accounts("interstis", by=s.anne)
    app.members.depart(s.p, reason="mutation")
    [staff] = [x for x in app.access.list_staff() if x.member_id == s.p]
    assert not staff.administrator  # CHA-2: the flag is revoked with the departure
    luc = app.members.add("Louis", "Fort", email="louis.fort@example.org")
    app.members.add_position(luc.id, AUBIGNY, "sgm")
    app.charters.sign(AUBIGNY, luc.id, Capacity.SGM)
    error = nothing_written(
        app, lambda: app.access.grant(luc.id, s.space, "contributeur", by=s.p), "CHA-2"
    )
    assert isinstance(error, PermissionDeniedError)
    assert "Pia Test ne peut pas accorder un accès à la plateforme" in error.message
    assert "ses fonctions ont pris fin" in error.message
    nothing_written(app, lambda: app.access.add_staff(luc.id, by=s.p), "CHA-2")
    nothing_written(app, lambda: app.access.add_staff(s.p, administrator=True, by=s.anne), "CHA-2")
    delta = app.platform.export_accounts("interstis", by=s.anne, since_last=True, format="json")
    assert "louis.fort@example.org" not in delta.text


def test_an_erased_person_holds_no_role_CHA_2(app: App) -> None:
    s = _setup(app, ActorRole.ADMINISTRATOR)
    app.rgpd.erase(s.p, by=s.anne)
    error = nothing_written(app, lambda: app.charters.publish("C", "T", by=s.p), "CHA-2")
    assert "données ont été effacées" in error.message


def test_a_member_cannot_name_an_administrator_CHA_2(app: App) -> None:
    """The issue's first finding: a commune's SGM made themself administrator."""
    s = _setup(app, ActorRole.MEMBER)
    error = nothing_written(
        app, lambda: app.access.add_staff(s.p, administrator=True, by=s.p), "CHA-2"
    )
    assert error.message == (
        "Pia Test ne peut pas nommer un agent ou un administrateur du CDG : il faut être "
        "administrateur du CDG (CHA-2)"
    )
    nothing_written(app, lambda: app.access.add_staff(s.p, administrator=True), "CHA-2")


def test_an_actor_is_named_by_id_prefix_or_e_mail_CHA_2(app: App) -> None:
    s = _setup(app, ActorRole.ADMINISTRATOR)
    assert app.charters.publish("C", "T", by="pia.test@example.org").version == 2
    assert app.charters.publish("C", "T", by=s.p[:8]).version == 3
    for nobody in ("", "   "):
        nothing_written(app, lambda n=nobody: app.charters.publish("C", "T", by=n), "CHA-2")
    error: Any = nothing_written(app, lambda: app.charters.publish("C", "T", by="x@y.fr"), "CHA-2")
    assert "personne inconnue" in error.message
