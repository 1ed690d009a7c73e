"""Migration 14 on SQLite and PostgreSQL: the events already recorded keep today's behaviour
(members only, EVT-4) and every member is still invited (MEM-14)."""

from __future__ import annotations

import sqlalchemy as sa

import rsgm_core
from rsgm_core import EventAudience
from rsgm_core.plugins.sql import migrations
from rsgm_core.testing import Clock
from tests.helpers import CDG79


def test_events_and_members_recorded_before_keep_today_s_behaviour_EVT_4_MEM_14(
    sql_url: str, rsgm_clock: Clock
) -> None:
    before = max(m.version for m in migrations.MIGRATIONS if m.version < 14)
    engine = sa.create_engine(sql_url)
    with engine.begin() as conn:
        migrations.upgrade(conn, target=before)
        conn.execute(
            sa.text(
                "INSERT INTO members (id, first_name, last_name, email) "
                "VALUES ('m-1', 'Élodie', 'Rousseau', 'elodie.rousseau@example.org')"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO events (id, title, kind, format, topics, cost, late, invited, done) "
                "VALUES ('e-1', 'Journée réseau', 'journée réseau', 'présentiel', '[]', '0', "
                ":late, 0, '[]')"
            ),
            {"late": False},
        )
    engine.dispose()
    with rsgm_core.open(sql_url, clock=rsgm_clock, settings=CDG79) as app:
        assert 14 in [m.version for m in app.storage.applied]  # type: ignore[attr-defined]
        assert app.events.get("e-1").event.audience is EventAudience.MEMBERS
        assert app.members.get("m-1").invitations_opt_out is False
