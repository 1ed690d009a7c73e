"""EVT-4: two writers racing for the last seat never oversell. Each thread opens its own
``rsgm_core.open(sql_url)``, as two animators' processes would; the session is read and its seats
counted inside the unit of work that adds the registration, which serialises the writers: SQLite's
``BEGIN IMMEDIATE``, PostgreSQL's writer lock (``pg_advisory_xact_lock``)."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
import sqlalchemy as sa

import rsgm_core
from rsgm_core import RegistrationStatus, RsgmError, SessionPlan
from rsgm_core.testing import Clock
from tests.conftest import SAMPLE

ROUNDS = 5


@pytest.mark.rule("EVT-4")
def test_two_writers_never_oversell_the_last_seat_EVT_4(sql_url: str) -> None:
    race_for_the_last_seats(sql_url)


@pytest.mark.rule("EVT-4")
@pytest.mark.postgresql
def test_even_on_a_postgresql_database_defaulting_to_repeatable_read_EVT_4(
    postgres_url: str, postgres_admin: Any
) -> None:
    """A snapshot taken before the writer lock would be stale (the second writer would miss the
    first one's registration, or fail on a row it changed): the backend sets READ COMMITTED on
    its connections, whatever the database's default."""
    name = sa.engine.make_url(postgres_url).database
    with postgres_admin.connect() as conn:
        conn.exec_driver_sql(
            f"ALTER DATABASE \"{name}\" SET default_transaction_isolation = 'repeatable read'"
        )
    race_for_the_last_seats(postgres_url)


def race_for_the_last_seats(sql_url: str) -> None:
    with rsgm_core.open(sql_url, clock=Clock()) as setup:
        setup.census.import_(SAMPLE, ["79"])
        people = [
            setup.members.add("Agent", f"N{i}", email=f"agent{i}@example.org").id
            for i in range(2 * ROUNDS)
        ]
        sessions = [
            setup.events.plan(
                f"Atelier {n}", "atelier thématique", "présentiel",
                [SessionPlan(dt.date(2025, 6, 19), "Niort", capacity=1)],
            ).sessions[0].id
            for n in range(ROUNDS)
        ]  # fmt: skip

    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def writer(offset: int) -> None:
        try:
            with rsgm_core.open(sql_url, clock=Clock()) as app:
                for n, session_id in enumerate(sessions):
                    barrier.wait(timeout=30)  # both writers hit the same session together
                    app.registrations.register(session_id, people[2 * n + offset])
        except (
            RsgmError,
            threading.BrokenBarrierError,
        ) as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(i,)) for i in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors

    with rsgm_core.open(sql_url, clock=Clock()) as app:
        for session_id in sessions:
            with app.deps.read() as uow:
                found = uow.registrations.list({"session_id": session_id})
            statuses = sorted(r.status.value for r in found)
            assert len(found) == 2  # both recorded, nothing lost
            assert statuses == sorted(
                [RegistrationStatus.CONFIRMED.value, RegistrationStatus.WAITING.value]
            )
            assert sorted(r.rank for r in found) == [1, 2]
