"""Working groups (NET-5): theme, mandate, members, meetings (events of kind « groupe de
travail »), deliverables that are toolbox resources (KNB-1), a restitution on the network's agenda,
and the group's state in the annual report (IND-2); as CDG 79, CDG 77 and the CIG run them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import attrs
import pytest

from rsgm_core import App, GroupState, RuleViolation
from rsgm_core.domain.toolbox import Resource, ResourceKind, ResourceStatus
from rsgm_core.render.report import render_markdown
from tests.conftest import NEW_VINTAGE, SAMPLE
from tests.helpers import administrator, nothing_written

AUBIGNY, SAUZE = "79019", "79307"
TODAY = dt.date(2025, 3, 14)


def resource(app: App, title: str, *, author: str, published: bool = False) -> str:
    """A toolbox resource (KNB-1) as the toolbox records one, draft or published."""
    made = Resource(
        id=f"res-{abs(hash(title)) % 10**8:08d}", version=1, kind=ResourceKind.PRACTICAL_SHEET,
        title=title, body="Pas à pas.", themes=("Finances",), author_id=author,
        status=ResourceStatus.PUBLISHED if published else ResourceStatus.DRAFT,
        published_on=TODAY if published else None,
    )  # fmt: skip
    with app.deps.transaction() as uow:
        uow.resources.add(made)
    return made.id


def publish(app: App, resource_id: str) -> None:
    with app.deps.transaction() as uow:
        found = uow.resources.list({"id": resource_id})[-1]
        uow.resources.update(
            attrs.evolve(found, status=ResourceStatus.PUBLISHED, published_on=TODAY)
        )


def member(app: App, first: str, last: str, commune: str, **kw: object) -> str:
    made = app.members.add(first, last, email=f"{first}.{last}@example.org".lower(), **kw)  # type: ignore[arg-type]
    app.members.add_position(made.id, commune, "sgm")
    return made.id


def setup79(app: App) -> SimpleNamespace:
    app.census.import_(SAMPLE, ["79"])
    admin = administrator(app)
    network = app.network.create_departmental_network("Réseau des SGM 79", by=admin)
    return SimpleNamespace(
        admin=admin,
        network=network.id,
        claire=member(app, "Claire", "Martin", AUBIGNY),
        jean=member(app, "Jean", "Péroux", SAUZE),
    )


def test_a_group_lives_from_its_mandate_to_its_restitution_NET_5_KNB_1(app: App) -> None:
    net = setup79(app)
    groups = app.working_groups
    group = groups.create(
        "Coordination élus-secrétaires", theme="Relations avec les élus",
        mandate="Écrire dix idées de pratiques professionnelles", by=net.admin,
        restitution_on=dt.date(2025, 11, 20),
    )  # fmt: skip
    assert group.network_id == net.network and group.state is GroupState.OPEN
    joined = groups.add_member(group.id, net.claire, by=net.admin, on=dt.date(2025, 1, 10))
    groups.add_member(group.id, net.jean, by=net.admin)
    assert joined.joined_on == dt.date(2025, 1, 10) and joined.left_on is None
    left = groups.remove_member(group.id, net.jean, by=net.admin, on=dt.date(2025, 3, 14))
    assert left.left_on == dt.date(2025, 3, 14)
    from rsgm_core import SessionPlan

    meeting = app.events.plan(
        "Groupe coordination : 1re réunion", "groupe de travail", "présentiel",
        [SessionPlan(dt.date(2025, 5, 6), "Niort")], network_id=net.network,
    ).event  # fmt: skip
    groups.add_meeting(group.id, meeting.id, by=net.admin)
    ten_ideas = resource(app, "Dix idées de pratiques professionnelles", author=net.claire)
    deliverable = groups.add_deliverable(group.id, ten_ideas, by=net.admin)
    assert deliverable.title == "Dix idées de pratiques professionnelles"

    # KNB-1 at the restitution: a draft is not a deliverable the network can be given.
    error = nothing_written(app, lambda: groups.deliver(group.id, by=net.admin), "NET-5")
    assert isinstance(error, RuleViolation)
    assert "« Dix idées de pratiques professionnelles » (brouillon)" in str(error)
    publish(app, ten_ideas)
    delivered = groups.deliver(group.id, by=net.admin)
    assert delivered.state is GroupState.DELIVERED and delivered.delivered_on == TODAY
    assert delivered.restitution_on == TODAY
    late = resource(app, "Une onzième idée", author=net.claire)
    nothing_written(app, lambda: groups.add_deliverable(group.id, late, by=net.admin), "NET-5")

    details = groups.get(group.id)
    assert [m.member_id for m in details.members] == [net.claire, net.jean]
    assert [e.title for e in details.meetings] == ["Groupe coordination : 1re réunion"]
    assert [(d.resource_title, d.resource_status) for d in details.deliverables] == [
        ("Dix idées de pratiques professionnelles", ResourceStatus.PUBLISHED)
    ]
    report = app.indicators.annual_report(year=2025)
    section = next(s for s in report.sections if s.title == "Groupes de travail")
    assert section.table is not None
    assert section.table.rows == (
        ("Coordination élus-secrétaires", "Relations avec les élus", "rendu", "2", "1", "1/1",
         "14/03/2025"),
    )  # fmt: skip
    assert "1 groupe de travail : 0 ouvert, 1 rendu, 0 clos." in section.lines
    markdown = render_markdown(report)
    assert "### Groupes de travail" in markdown
    closed = groups.close(group.id, by=net.admin)
    assert closed.state is GroupState.CLOSED
    assert all(m.left_on is not None for m in groups.get(group.id).members)


def test_a_group_member_is_an_active_member_of_the_network_NET_5(app: App) -> None:
    net = setup79(app)
    group = app.working_groups.create("Budget", theme="Finances", mandate="Un guide",
                                      by=net.admin)  # fmt: skip
    prospect = app.members.add("Zoé", "Bernard", lifecycle="prospect").id
    error = nothing_written(
        app, lambda: app.working_groups.add_member(group.id, prospect, by=net.admin), "NET-5"
    )
    assert "Zoé Bernard n'est pas membre actif du réseau (prospect)" in str(error)
    assert "« Budget »" in str(error)
    app.members.depart(net.jean, reason="retraite", on=dt.date(2025, 3, 1))
    gone = nothing_written(
        app, lambda: app.working_groups.add_member(group.id, net.jean, by=net.admin), "NET-5"
    )
    assert "Jean Péroux n'est pas membre actif du réseau (parti)" in str(gone)


def test_a_group_meets_at_events_of_kind_working_group_NET_5(app: App) -> None:
    net = setup79(app)
    from rsgm_core import SessionPlan

    group = app.working_groups.create("Budget", theme="Finances", mandate="Un guide",
                                      by=net.admin)  # fmt: skip
    matinale = app.events.plan(
        "Matinale budget", "matinale", "distanciel", [SessionPlan(dt.date(2025, 6, 13), "Visio")]
    ).event
    error = nothing_written(
        app, lambda: app.working_groups.add_meeting(group.id, matinale.id, by=net.admin), "NET-5"
    )
    assert "de type « matinale »" in str(error)
    member_only = net.claire  # CHA-2: a member does not run the network's groups
    nothing_written(
        app,
        lambda: app.working_groups.create("X", theme="Y", mandate="Z", by=member_only),
        "CHA-2",
    )


def test_the_restitution_is_on_the_network_s_agenda_NET_5(app: App) -> None:
    net = setup79(app)
    group = app.working_groups.create("Budget", theme="Finances", mandate="Un guide",
                                      by=net.admin, restitution_on=dt.date(2025, 10, 2))  # fmt: skip
    dates = app.working_groups.list_dates()
    assert [(d.on, d.what, d.group.name) for d in dates] == [
        (dt.date(2025, 10, 2), "restitution", "Budget")
    ]
    feed = app.events.feed(network_id=net.network).decode()
    assert "Restitution du groupe de travail « Budget »" in feed
    assert "DTSTART;VALUE=DATE:20251002" in feed
    moved = app.working_groups.set_restitution(group.id, on=dt.date(2025, 12, 4), by=net.admin)
    assert moved.restitution_on == dt.date(2025, 12, 4)
    assert "20251204" in app.events.feed(network_id=net.network).decode()


def _census(app: App, census_data: Path) -> None:
    app.census.import_(NEW_VINTAGE)


def test_cdg77_groups_of_its_network_in_its_report_NET_5(cdg77: App, census_data: Path) -> None:
    app = cdg77
    _census(app, census_data)
    admin = administrator(app)
    network = app.network.create_departmental_network("Réseau des SGM de Seine-et-Marne",
                                                      by=admin)  # fmt: skip
    sgm = member(app, "Inès", "Lambert", "77001")
    group = app.working_groups.create(
        "Groupe thématique état civil", theme="État civil", mandate="Une fiche par acte",
        by=admin, on=dt.date(2024, 9, 1),
    )  # fmt: skip
    assert group.network_id == network.id
    app.working_groups.add_member(group.id, sgm, by=admin, on=dt.date(2024, 9, 1))
    report = app.indicators.annual_report(year=2024)
    section = next(s for s in report.sections if s.title == "Groupes de travail")
    assert section.table is not None
    assert section.table.rows[0][:4] == (
        "Groupe thématique état civil",
        "État civil",
        "ouvert",
        "1",
    )


def test_cig_groups_belong_to_one_department_s_network_NET_5(cig: App, census_data: Path) -> None:
    app = cig
    _census(app, census_data)
    admin = administrator(app)
    for code in ("78", "91", "95"):
        app.network.create_departmental_network(f"Réseau {code}", by=admin, departement=code)
    group = app.working_groups.create("Élections", theme="Élections", mandate="Le pack",
                                      by=admin, departement="95")  # fmt: skip
    assert group.network_id == app.network.departmental(departement="95").id
    in95 = app.indicators.annual_report(year=2025, scope="departement:95")
    in78 = app.indicators.annual_report(year=2025, scope="departement:78")
    rows95 = next(s for s in in95.sections if s.title == "Groupes de travail").table
    rows78 = next(s for s in in78.sections if s.title == "Groupes de travail").table
    assert rows95 is not None and [r[0] for r in rows95.rows] == ["Élections"]
    assert rows78 is not None and rows78.rows == ()
    with pytest.raises(Exception, match="précisez le département"):
        app.working_groups.create("Sans", theme="T", mandate="M", by=admin)
