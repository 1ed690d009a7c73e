"""Assertions shared by the integration tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from rsgm_core import App, RsgmError
from rsgm_core.cli import main
from rsgm_core.profile_file import example_profile
from rsgm_core.settings import Settings

#: CDG 79's example profile: the CDG the suite runs as unless a test opens another's profile.
CDG79 = Settings.from_file(example_profile("cdg79"))
#: Its 2025 grid (TAR-1), as the profile gives it.
CDG79_2025 = CDG79.grids[0]
PROFILES = Path(__file__).resolve().parent / "profiles"
#: CDG 77: one department, target public under 2,000, self-service requests, no pack, no grid.
CDG77 = Settings.from_file(PROFILES / "cdg77.toml")
#: The CIG Grande Couronne: 78, 91 and 95, a network per department, no pack, no grid.
CIG = Settings.from_file(PROFILES / "cig_grande_couronne.toml")


def snapshot(app: App) -> dict[str, list[Any]]:
    """Every record of every collection, and the rows of SQLite's text indexes: compared before
    and after a refused operation."""
    with app.storage.unit_of_work(read_only=True) as uow:
        found: dict[str, list[Any]] = {
            repo.collection.name: repo.list() for repo in uow.repositories()
        }
        for name in getattr(app.storage, "text_indexes", ()):
            # SQLite's driver connection, whether the unit of work has SQLAlchemy's or not
            rows = uow.driver.execute(f"SELECT rowid, * FROM {name}_search ORDER BY rowid")  # type: ignore[attr-defined]
            found[f"{name}_search"] = [tuple(row) for row in rows]
        return found


def nothing_written(app: App, call: Callable[[], object], rule: str) -> RsgmError:
    """``call`` is refused with ``rule`` named in its message, and storage is left as it was."""
    before = snapshot(app)
    with pytest.raises(RsgmError) as caught:
        call()
    assert caught.value.rule == rule, caught.value
    assert f"[{rule}]" in str(caught.value)
    assert snapshot(app) == before
    return caught.value


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """``rsgm ARGV…`` in this process: the exit code, standard output and standard error."""
    try:
        code = main(list(argv))
    except SystemExit as exit_:  # argparse exits on --version and usage errors
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def with_log_transport(settings: Settings, path: Path | None = None) -> Settings:
    """``settings`` with the built-in log notifier as an explicit transport (NOT-3): messages are
    then marked sent (written to ``path``, else to the ``rsgm.outbox`` logger). Without it, or
    SMTP settings, messages stay queued: e.g. ``rsgm_core.open(url, settings=
    with_log_transport(CDG79))`` for a test that expects its messages ``sent``."""
    import attrs

    log: dict[str, Any] = {"path": str(path)} if path else {"enabled": True}
    return attrs.evolve(settings, plugins={**settings.plugins, "log": log})


#: CHA-2: the administrator the tests act as (``administrator(app)``).
ADMIN_EMAIL = "administratrice.tests@cdg.example.fr"


def administrator(app: App) -> str:
    """CHA-2: the id of a CDG administrator to act as (``by=``): one the test named itself and
    still in office, else the tests' own, named the first time (since
    1 January 2000, so that any date of act finds her in office): at set-up when the CDG has no
    administrator yet, else by one already named. She holds no position: counts of SGM, coverage
    and census figures do not see her."""
    import datetime as dt

    from rsgm_core.errors import NotFoundError

    try:
        return app.members.get_by_email(ADMIN_EMAIL).id
    except NotFoundError:
        pass
    named = [s.member_id for s in app.access.list_staff() if s.administrator]
    for member_id in named:  # an administrator the test named itself, still in office
        found = app.members.get(member_id)
        if found.erased_on is None and found.lifecycle.value != "parti":
            return member_id
    member = app.members.add("Administratrice", "Tests", email=ADMIN_EMAIL, welcome=False)
    app.access.add_staff(
        member.id,
        administrator=True,
        by=named[0] if named else None,
        on=dt.date(2000, 1, 1),
    )
    return member.id


def cli_administrator(monkeypatch: pytest.MonkeyPatch, db: str | Path) -> str:
    """CHA-2: the tests' administrator in the database at ``db`` (a path or URL), named as the
    actor of every ``rsgm`` command that follows (``$RSGM_ACTEUR``); her id."""
    import rsgm_core

    url = str(db) if "://" in str(db) else f"sqlite:///{db}"
    with rsgm_core.open(url) as app:
        found = administrator(app)
    monkeypatch.setenv("RSGM_ACTEUR", ADMIN_EMAIL)
    return found


#: The columns migration 18 added (CHA-2: who did each administrative act), for the tests that
#: take a database back to an older schema.
MIGRATION_18_COLUMNS = (
    ("charter_versions", "published_by"), ("platform_exports", "exported_by"),
    ("memberships", "recorded_by"), ("conventions", "recorded_by"),
    ("trainees", "recorded_by"), ("interventions", "recorded_by"),
    ("networks", "created_by"), ("networks", "charter_set_by"),
    ("network_roles", "assigned_by"), ("network_roles", "ended_by"),
    ("committees", "changed_by"), ("committees", "meeting_records"),
    ("resources", "published_by"), ("resources", "archived_by"),
)  # fmt: skip


def new_database(path: Path | str) -> str:
    """A new, empty SQLite database at ``path``, for the commands (which open only an existing
    database, never create one by mistake); its path, as given."""
    import rsgm_core

    rsgm_core.open(f"sqlite:///{path}").close()
    return str(path)


#: What migration 22 added (EVT-8: the series an event is an occurrence of; EVT-4: who changed a
#: session's deadline), for the tests that take a database back to an older schema.
MIGRATION_22_STATEMENTS = (
    "DROP INDEX ix_events_series_id",
    "ALTER TABLE events DROP COLUMN series_id",
    "ALTER TABLE sessions DROP COLUMN deadline_set_by",
    "ALTER TABLE sessions DROP COLUMN deadline_set_on",
)


def give_id(uow: Any, member: Any, new_id: str) -> None:
    """Store ``member`` under ``new_id`` (tests that need ids sharing a prefix), its dated
    lifecycle moves following it."""
    import attrs

    moves = uow.lifecycle_transitions.list({"member_id": member.id})
    for move in moves:
        uow.lifecycle_transitions.remove(move.id)
    uow.members.remove(member.id)
    uow.members.add(attrs.evolve(member, id=new_id))
    uow.lifecycle_transitions.add_all(attrs.evolve(m, member_id=new_id) for m in moves)


#: What migration 26 added (MEM-13 tutorships, NET-7 local networks, EVT-11 the CDG's dates and
#: the planning warnings kept with events), for the tests that take a database back to an older
#: schema.
MIGRATION_26_STATEMENTS = (
    "DROP TABLE planning_warnings",
    "DROP TABLE cdg_dates",
    "DROP TABLE local_networks",
    "DROP TABLE tutorships",
)

#: Undoing migration 27 (working groups and suggestions, NET-5, NET-6): a test that goes back to
#: an older schema runs these too, so that the migration is replayed.
MIGRATION_27_STATEMENTS = (
    "DROP TABLE working_group_members",
    "DROP TABLE working_group_deliverables",
    "DROP TABLE working_groups",
    "DROP TABLE suggestions",
)
#: What migration 28 added (NET-8: the network's means), for the tests that take a database back
#: to an older schema.
MIGRATION_28_STATEMENTS = (
    "DROP TABLE time_entries",
    "DROP TABLE speakers",
    "DROP TABLE venue_choices",
    "DROP TABLE venues",
    "DROP TABLE budget_lines",
)
#: What migration 23 added (MEM-12: the élus and the letters to them; CHA-1: the mandate a
#: mayor's signature rests on), for the tests that take a database back to an older schema.
MIGRATION_23_STATEMENTS = (
    "DROP TABLE elus",
    "DROP TABLE elu_letters",
    "ALTER TABLE signatures DROP COLUMN elu_id",
)
#: What undoes migration 24 (questionnaires, SUR-2) on SQLite, for the tests that replay later
#: migrations from an older schema.
MIGRATION_24_STATEMENTS = (
    "DROP TABLE survey_responses",
    "DROP TABLE survey_questions",
    "ALTER TABLE surveys DROP COLUMN draft",
)
# Migration 25 (IND-4), undone by the tests that replay the later migrations
MIGRATION_25_STATEMENTS = (
    "ALTER TABLE members DROP COLUMN birth_year",
    "ALTER TABLE members DROP COLUMN retirement_on",
)


def current_sqlite_url(folder: Path) -> str:
    """A SQLite file made and closed at the current schema: opening it again reads without
    SQLAlchemy (``rsgm_core.plugins.sql.lite``), as a command opens a CDG's database."""
    import rsgm_core

    url = f"sqlite:///{folder / 'current.db'}"
    rsgm_core.open(url).close()
    return url


#: Every backend, and a SQLite file opened at the current schema (read without SQLAlchemy).
BACKENDS_WITH_LITE = (
    "memory",
    "sqlite",
    "sqlite-lite",
    pytest.param("postgresql", marks=pytest.mark.postgresql),
)


def backend_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of ``request.param``, one of :data:`BACKENDS_WITH_LITE`."""
    if request.param == "memory":
        return "memory://"
    if request.param == "postgresql":
        return str(request.getfixturevalue("postgres_url"))
    if request.param == "sqlite-lite":
        return current_sqlite_url(tmp_path)
    return f"sqlite:///{tmp_path / 'rsgm.db'}"
