"""The progress port: long use cases tell an optional ``progress(step, done, total)`` how far
they are, on every backend; the result is the same with or without it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import attrs
import pytest

import rsgm_core
from rsgm_core import App, Member, SessionPlan, Settings
from rsgm_core.services.outbox import queue_message
from rsgm_core.testing import Clock
from tests.conftest import SAMPLE
from tests.helpers import CDG79, administrator
from tests.smtp_server import Server, server_fixture  # noqa: F401

WEB = {"public_url": "https://reseau.cdg79.example", "secret": "s" * 40}


class Recorder:
    """A progress callback that keeps every call."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int, int]] = []

    def __call__(self, step: str, done: int, total: int, /) -> None:
        self.calls.append((step, done, total))

    def of(self, step: str) -> list[tuple[int, int]]:
        return [(done, total) for name, done, total in self.calls if name == step]


@pytest.fixture
def app(url: str, rsgm_clock: Clock) -> Iterator[App]:
    settings = attrs.evolve(CDG79, plugins={**CDG79.plugins, "web": WEB})
    with rsgm_core.open(url, clock=rsgm_clock, settings=settings) as opened:
        yield opened


def counted(calls: list[tuple[int, int]]) -> None:
    """The counts of one step rise to their total, which never changes."""
    assert calls, "no progress told"
    totals = {total for _, total in calls}
    assert len(totals) == 1
    done = [d for d, _ in calls]
    assert done == sorted(done) and done[-1] == calls[-1][1]


def test_census_import_tells_the_communes_it_writes_TER_1(app: App) -> None:
    progress = Recorder()
    result = app.census.import_(SAMPLE, ["79"], progress=progress)
    assert progress.of("lecture") == [(0, 1), (1, 1)]
    counted(progress.of("communes"))
    assert progress.of("communes")[-1][0] >= result.counts["communes"]
    assert progress.of("populations") == [(1, 1)]


def test_an_invitation_round_tells_each_invitee_EVT_2(app: App) -> None:
    app.census.import_(SAMPLE, ["79"])
    for first, last in (("Claire", "Martin"), ("Paul", "Durand"), ("Léa", "Petit")):
        member = app.members.add(first, last, email=f"{first.lower()}.{last.lower()}@example.org")
        app.members.add_position(member.id, "79005", "sgm")
    planned = app.events.plan(
        "Journée réseau", "journée réseau", "présentiel",
        [SessionPlan(dt.date(2025, 6, 19), "Salle des fêtes", capacity=10)],
        topics=["élections"], cost=Decimal(300), host_commune="79307",
    )  # fmt: skip
    progress = Recorder()
    invited = app.event_mail.send_invitations(planned.event.id, progress=progress)
    counted(progress.of("invitations"))
    assert progress.of("invitations")[-1] == (invited, invited)


def test_a_newsletter_round_tells_each_letter_EVT_10(app: App) -> None:
    app.census.import_(SAMPLE, ["79"])
    for first in ("Claire", "Paul"):
        member = app.members.add(first, "Martin", email=f"{first.lower()}@example.org")
        app.members.add_position(member.id, "79005", "sgm")
    progress = Recorder()
    sent = app.surveys.newsletter("Les infos", "Texte", progress=progress)
    assert progress.of("lettres")[-1] == (sent.recipients, sent.recipients) == (2, 2)


def test_the_platform_export_tells_the_grants_it_reads_CHA_7(app: App) -> None:
    app.census.import_(SAMPLE, ["79"])
    admin = administrator(app)
    space = app.access.create_departmental_space(by=admin)
    app.access.grant(admin, space.id, "animateur", by=admin)
    progress = Recorder()
    without = app.platform.export_accounts("interstis", by=admin)  # the same with or without
    app.platform.export_accounts("interstis", by=admin, progress=progress)
    grants = progress.of("droits")
    assert grants == [(1, 1)]  # the administrator's own access
    again = app.platform.export_accounts("interstis", by=admin, since_last=True)
    assert again.empty and without.text == app.platform.export_accounts("interstis", by=admin).text


def test_an_outbox_round_tells_each_message_it_hands_over_NOT_1(
    url: str, server: tuple[Server, int]
) -> None:
    handler, port = server
    smtp = {"host": "127.0.0.1", "port": port, "security": "none", "sender": "r@cdg79.fr"}
    settings = Settings(plugins={"smtp": smtp, "outbox": {"deliver_after_commit": False}})
    with rsgm_core.open(url, settings=settings, clock=Clock()) as app:
        member = Member("m-1", "Élodie", "Rousseau", "elodie.rousseau@caunay.fr")
        with app.deps.transaction() as uow:
            for n in range(5):
                queue_message(app.deps, uow, "member_welcome", f"sgm.{n}@caunay.fr",
                              {"member": member, "commune": "Caunay"})  # fmt: skip
        progress = Recorder()
        report = app.outbox.deliver_due(progress=progress)
    assert len(report.sent) == 5 == len(handler.received)
    assert progress.of("messages") == [(n, 5) for n in range(1, 6)]
