"""Events as each CDG runs them, on every backend: the invitation reaches every SGM of the CDG's
target public, not only its members (MEM-14, TER-3), never a commune *hors ressort* (TER-7); who
may register is set per event (EVT-4); certificates carry the CDG's identity (EVT-6); Whit Monday
worked or not comes from the profile (EVT-3). CDG 77 runs on the real Etalab data of
Seine-et-Marne."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

import rsgm_core
from rsgm_core import (
    App,
    ConfigurationError,
    EventAudience,
    Lifecycle,
    NewPosition,
    RuleViolation,
    SessionPlan,
    Settings,
    TaskKind,
)
from rsgm_core.render.event_documents import certificate_html, certificate_pdf
from rsgm_core.testing import Clock
from tests.conftest import NEW_VINTAGE, SAMPLE
from tests.helpers import CDG77, CDG79, CIG, nothing_written

DAY = dt.date(2025, 6, 19)  # a Thursday; the clock starts on 14 March 2025

# Seine-et-Marne, populations in force in 2025 (Etalab 6.0.0).
SMALL = "77001"  # Achères-la-Forêt, 1,191: in CDG 77's target public (under 2,000)
SMALLER = "77002"  # Amillis, 830
TINY = "77003"  # Amponville, 349
MIDDLE = "77048"  # Bourron-Marlotte, 2,774: legal SGM scope, outside the target public
LARGE = "77014"  # Avon, 13,651: outside the SGM scope (a DGS)
HORS_RESSORT = "95212"  # Épiais-lès-Louvres, 141, Val-d'Oise: in CA Roissy Pays de France, which
# straddles into 77, so imported with it and hors ressort for CDG 77 (TER-7)


def person(app: App, name: str, commune: str | None, lifecycle: str = "prospect") -> str:
    return app.members.add(
        name, "Test", email=f"{name.lower()}@example.org", lifecycle=lifecycle,
        position=NewPosition(commune) if commune else None,
    ).id  # fmt: skip


@pytest.fixture
def seine_et_marne(cdg77: App, census_data: Path) -> tuple[App, dict[str, str]]:
    """CDG 77 with the real census of 77 (and the Val-d'Oise communes of the EPCI straddling its
    border, hors ressort), and one person of each kind the invitation must tell apart."""
    cdg77.census.import_(NEW_VINTAGE, ["77"])
    people = {
        "member_large": person(cdg77, "Anne", LARGE, "actif"),  # a member stays a member
        "member_unplaced": person(cdg77, "Bruno", None, "actif"),  # a member, no position yet
        "prospect_small": person(cdg77, "Chloé", SMALL),
        "invited_small": person(cdg77, "David", SMALLER, "invite"),
        "prospect_middle": person(cdg77, "Emma", MIDDLE),
        "opted_out": person(cdg77, "Fanny", TINY),
        "departed": person(cdg77, "Gilles", TINY, "actif"),
        "prospect_hors_ressort": person(cdg77, "Hugo", HORS_RESSORT),
        "member_hors_ressort": person(cdg77, "Inès", HORS_RESSORT, "actif"),
        "guest_elu": person(cdg77, "Jules", None),
        "guest_agent": person(cdg77, "Karim", LARGE),
    }
    cdg77.members.opt_out_of_invitations(people["opted_out"])
    cdg77.members.depart(people["departed"], reason="mutation", on=dt.date(2025, 3, 1))
    return cdg77, people


def plan(app: App, audience: EventAudience | str | None = None) -> str:
    extra = {} if audience is None else {"audience": audience}
    return app.events.plan(
        "Journée réseau", "journée réseau", "présentiel", [SessionPlan(DAY, "Melun")], **extra
    ).event.id


def invited(app: App, event_id: str) -> set[str]:
    count = app.event_mail.send_invitations(event_id)
    recipients = {
        m.recipient.split("@")[0]
        for m in app.outbox.list_messages()
        if m.template == "event_invitation"
    }
    assert count == len(recipients) == app.events.get(event_id).event.invited
    return recipients


def test_invitations_reach_every_sgm_of_the_target_public_MEM_14_TER_3(
    seine_et_marne: tuple[App, dict[str, str]],
) -> None:
    app, _ = seine_et_marne
    event_id = plan(app)  # every SGM of the scope, by default
    assert app.events.get(event_id).event.audience is EventAudience.SCOPE
    # The SGMs of communes under 2,000 (CDG 77's target public), members or not, and a member
    # with no position yet; not Avon's (13,651), member or not, nor Bourron-Marlotte's (2,774,
    # legal scope only), not the one who opted out, not the one who left, never hors ressort
    # (TER-7).
    assert invited(app, event_id) == {"bruno", "chloé", "david"}


def test_the_target_public_is_the_cdg_s_own_TER_3(url: str, rsgm_clock: Clock) -> None:
    # CDG 79's target public is the legal scope: a commune of 2,575 is in it.
    with rsgm_core.open(url, clock=rsgm_clock, settings=CDG79) as app:
        app.census.import_(SAMPLE, ["79"])
        person(app, "Lina", "79014")  # Loretz-d'Argenton, 2,575 inhabitants
        person(app, "Marc", "79003")  # Aiffres, 5,419: outside the scope
        assert invited(app, plan(app)) == {"lina"}


def test_a_members_only_event_goes_to_active_members_as_before_MEM_14(
    seine_et_marne: tuple[App, dict[str, str]],
) -> None:
    app, people = seine_et_marne
    event_id = plan(app, "membres")
    assert invited(app, event_id) == {"anne", "bruno"}  # not Inès: hors ressort only
    session = app.events.get(event_id).sessions[0]
    with pytest.raises(RuleViolation, match="réservé aux membres") as info:
        app.registrations.register(session.id, people["prospect_small"])
    assert info.value.rule == "EVT-4"
    app.registrations.register(session.id, people["member_large"])


def test_who_may_register_is_set_per_event_EVT_4_MEM_14(
    seine_et_marne: tuple[App, dict[str, str]],
) -> None:
    app, people = seine_et_marne
    scope = app.events.get(plan(app, EventAudience.SCOPE)).sessions[0]
    guests = app.events.get(plan(app, EventAudience.GUESTS)).sessions[0]
    # Every SGM of the legal scope registers, members or not, invited or not.
    for who in ("prospect_small", "invited_small", "prospect_middle", "member_large"):
        app.registrations.register(scope.id, people[who])
    # A guest (an élu, an agent of a commune of 3,500 or more) or an agent hors ressort does not.
    for who in ("guest_elu", "guest_agent", "prospect_hors_ressort"):
        nothing_written(app, lambda w=who: app.registrations.register(scope.id, people[w]), "EVT-4")
    # An event open to guests takes them; nobody registers once departed.
    for who in ("guest_elu", "guest_agent", "prospect_small"):
        app.registrations.register(guests.id, people[who])
    error = nothing_written(
        app, lambda: app.registrations.register(guests.id, people["departed"]), "EVT-4"
    )
    assert "a quitté le réseau" in str(error)
    registered = {r.member_id for r in app.registrations.list_registrations()}
    assert people["guest_elu"] in registered and people["departed"] not in registered


def test_a_walk_in_is_recorded_at_sign_in_if_the_event_takes_them_EVT_4(
    seine_et_marne: tuple[App, dict[str, str]], rsgm_clock: Clock
) -> None:
    app, people = seine_et_marne
    planned = app.events.plan(
        "Atelier", "atelier thématique", "présentiel", [SessionPlan(DAY, "Melun", capacity=1)]
    )
    session = planned.sessions[0]
    app.registrations.register(session.id, people["member_large"])
    waiting = app.registrations.register(session.id, people["invited_small"])
    rsgm_clock.set(DAY)  # past the deadline, the only seat taken
    error = nothing_written(
        app,
        lambda: app.registrations.attend(
            session.id, [people["member_large"]], walk_ins=[people["guest_elu"]]
        ),
        "EVT-4",
    )  # an élu on an event for the SGMs of the scope
    assert "pas aux invités" in str(error)
    marked = app.registrations.attend(
        session.id,
        [people["member_large"]],
        walk_ins=[people["prospect_middle"], people["invited_small"]],
    )
    assert {r.member_id for r in marked if r.attended} == {
        people["member_large"], people["prospect_middle"], people["invited_small"],
    }  # fmt: skip
    assert waiting.id in {r.id for r in marked}  # the waiting one took a seat on the day
    rates = app.registrations.rates(planned.event.id)
    assert (rates.registered, rates.attendees) == (3, 3)
    assert len(app.registrations.list_certificates(event_id=planned.event.id)) == 3


def test_an_unknown_audience_is_refused_naming_it_EVT_4(cdg77: App) -> None:
    with pytest.raises(rsgm_core.ValidationError, match="tout_le_monde"):
        plan(cdg77, "tout_le_monde")
    assert cdg77.events.list_events() == []


def test_reminders_leave_out_who_opted_out_since_MEM_14(
    seine_et_marne: tuple[App, dict[str, str]],
) -> None:
    app, people = seine_et_marne
    event_id = plan(app)
    app.event_mail.send_invitations(event_id)
    app.members.opt_out_of_invitations(people["prospect_small"])
    assert app.event_mail.send_reminders(event_id) == 2  # Bruno, David
    assert app.members.get(people["prospect_small"]).invitations_opt_out
    app.members.opt_out_of_invitations(people["prospect_small"], opted_out=False)
    assert not app.members.get(people["prospect_small"]).invitations_opt_out


# EVT-6: certificates carry the CDG's identity ---------------------------------------------------

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def held_event(app: App, clock: Clock) -> str:
    member = person(app, "Claire", None, "actif")
    planned = app.events.plan(
        "Matinale RH", "matinale", "présentiel", [SessionPlan(DAY, "Lieusaint")], topics=["RH"]
    )
    app.registrations.register(planned.sessions[0].id, member)
    clock.set(DAY)
    app.registrations.attend(planned.sessions[0].id, [member])
    return planned.event.id


@pytest.fixture
def with_images(url: str, rsgm_clock: Clock, tmp_path: Path) -> Iterator[App]:
    (tmp_path / "logo.png").write_bytes(PNG)
    (tmp_path / "signature.png").write_bytes(PNG)
    assert CDG77.cdg is not None
    cdg = attrs.evolve(
        CDG77.cdg, logo=tmp_path / "logo.png", signature_image=tmp_path / "signature.png"
    )
    with rsgm_core.open(url, clock=rsgm_clock, settings=attrs.evolve(CDG77, cdg=cdg)) as app:
        yield app


def test_a_certificate_carries_the_cdg_s_identity_EVT_6(
    with_images: App, rsgm_clock: Clock
) -> None:
    app = with_images
    event_id = held_event(app, rsgm_clock)
    [row] = app.registrations.list_certificates(event_id=event_id)
    event = app.events.get(event_id).event
    html = certificate_html(event, row.session, row.member, today=DAY, cdg=app.settings.cdg)
    assert "Attestation de présence" in html and "ne vaut pas attestation de formation" in html
    assert "Centre de gestion de la fonction publique territoriale de Seine-et-Marne" in html
    assert "10 points de vue<br>77564 Lieusaint Cedex" in html
    assert "Marie Durand, Présidente du CDG 77, atteste que" in html
    assert "Fait à Lieusaint, le 19 juin 2025." in html
    assert html.count("data:image/png;base64,") == 2  # logo and signature, carried inline
    assert "Le centre de gestion atteste" not in html
    assert certificate_pdf(html).startswith(b"%PDF")
    assert app.event_mail.send_certificates(event_id) == 1
    [mail] = [m for m in app.outbox.list_messages() if m.template == "event_certificate"]
    assert b"Marie Durand" in mail.attachments[0].content


def test_no_identity_no_certificate_EVT_6(url: str, rsgm_clock: Clock) -> None:
    with rsgm_core.open(url, clock=rsgm_clock, settings=Settings()) as app:
        event_id = held_event(app, rsgm_clock)
        error = nothing_written(app, lambda: app.event_mail.send_certificates(event_id), "EVT-6")
        assert isinstance(error, ConfigurationError) and "[cdg]" in str(error)
        [row] = app.registrations.list_certificates(event_id=event_id)
        event = app.events.get(event_id).event
        with pytest.raises(ConfigurationError, match=r"section \[cdg\] du profil"):
            certificate_html(event, row.session, row.member, today=DAY, cdg=None)


def test_a_missing_logo_is_a_configuration_error_naming_the_key_EVT_6(
    url: str, rsgm_clock: Clock, tmp_path: Path
) -> None:
    assert CDG77.cdg is not None
    cdg = attrs.evolve(CDG77.cdg, logo=tmp_path / "absent.png")
    with rsgm_core.open(url, clock=rsgm_clock, settings=attrs.evolve(CDG77, cdg=cdg)) as app:
        event_id = held_event(app, rsgm_clock)
        [row] = app.registrations.list_certificates(event_id=event_id)
        event = app.events.get(event_id).event
        with pytest.raises(ConfigurationError, match=r"\[cdg\] logo : image illisible"):
            certificate_html(event, row.session, row.member, today=DAY, cdg=cdg)


# EVT-3: Whit Monday worked or not, from the profile ---------------------------------------------


@pytest.mark.parametrize(
    "settings, due",
    [
        (CDG79, dt.date(2025, 6, 6)),  # a holiday in Deux-Sèvres: the invitation moves to Friday
        (CIG, dt.date(2025, 6, 9)),  # worked by the CIG Grande Couronne: it stays on Monday
    ],
    ids=["cdg79", "cig"],
)
def test_whit_monday_worked_comes_from_the_profile_EVT_3(
    url: str, rsgm_clock: Clock, settings: Settings, due: dt.date
) -> None:
    # No census imported: the territory of the profile gives the holidays (78, 91, 95 or 79).
    with rsgm_core.open(url, clock=rsgm_clock, settings=settings) as app:
        event = app.events.plan(
            "Journée réseau", "journée réseau", "présentiel",
            [SessionPlan(dt.date(2025, 7, 9), "Salle")],
        )  # fmt: skip
        tasks = {t.kind: t for t in app.events.timeline(event.event.id)}
    assert tasks[TaskKind.INVITATION].nominal == dt.date(2025, 6, 9)  # Whit Monday 2025
    assert tasks[TaskKind.INVITATION].due == due


def test_a_member_s_lifecycle_is_kept_by_the_invitation_MEM_14(
    seine_et_marne: tuple[App, dict[str, str]],
) -> None:
    app, people = seine_et_marne
    app.event_mail.send_invitations(plan(app))
    # An event invitation is not the MEM-4 invitation to join the network.
    assert app.members.get(people["prospect_small"]).lifecycle is Lifecycle.PROSPECT


def test_a_certificate_needs_who_signs_it_EVT_6(cdg77: App) -> None:
    """A profile written by ``rsgm init`` may not name the place and signatory yet: the
    certificate is refused naming the keys to add, never signed by nobody."""
    import attrs

    from rsgm_core import ConfigurationError
    from rsgm_core.render.event_documents import certificate_identity

    assert cdg77.settings.cdg is not None
    unsigned = attrs.evolve(cdg77.settings.cdg, place=None, signatory_name=None)
    with pytest.raises(ConfigurationError, match=r"cdg\.lieu, cdg\.signataire") as caught:
        certificate_identity(unsigned)
    assert "[cdg]" in str(caught.value)
    assert certificate_identity(cdg77.settings.cdg) is cdg77.settings.cdg


def test_cdg_staff_organise_and_are_not_invited_MEM_14(
    seine_et_marne: tuple[App, dict[str, str]],
) -> None:
    app, people = seine_et_marne
    app.access.add_staff(people["member_unplaced"], administrator=True)  # Bruno joins the CDG
    assert "bruno" not in invited(app, plan(app))
