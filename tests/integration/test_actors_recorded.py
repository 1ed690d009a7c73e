"""CHA-2: every administrative act keeps who did it in its record (migration 18), the command
line shows that person by name, and records made before show « avant l'enregistrement des
auteurs ». MEM-11: ``app.rgpd.erase`` reports what it really did."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import attrs
import pytest

from rsgm_core import (
    ActorRole,
    App,
    Charter,
    CollectionErasure,
    ErasureReport,
    ResourceStatus,
)
from rsgm_core.cli.actors import BEFORE, actor_names, shown
from rsgm_core.domain.privacy import Erasure
from tests.helpers import (
    MIGRATION_18_COLUMNS,
    MIGRATION_22_STATEMENTS,
    MIGRATION_23_STATEMENTS,
    MIGRATION_24_STATEMENTS,
    MIGRATION_25_STATEMENTS,
    MIGRATION_26_STATEMENTS,
    MIGRATION_27_STATEMENTS,
    MIGRATION_28_STATEMENTS,
)
from tests.integration.test_authorization_matrix import AUBIGNY, GONE, _setup

SAUZE = "79307"


def _charter() -> Charter:
    text = "Échanger entre pairs."
    return Charter(text, text, text, text, text, text)


def test_every_administrative_record_names_its_actor_CHA_2(app: App) -> None:
    s = _setup(app, ActorRole.ANIMATOR)  # Pia: CDG staff, an animator
    anne, pia = s.anne, s.p
    [version] = app.charters.list_versions()
    assert version.published_by == anne
    membership = app.memberships.join(AUBIGNY, by=pia, year=2025)
    assert membership.recorded_by == pia
    assert app.memberships.list_memberships(year=2025)[0].recorded_by == pia
    convention = app.memberships.sign_convention(SAUZE, by=pia, on=dt.date(2025, 1, 10))
    assert app.memberships.list_conventions(commune=SAUZE)[0].recorded_by == pia
    ended = app.memberships.give_notice(SAUZE, by=anne, on=dt.date(2025, 6, 1))
    assert convention.recorded_by == pia and ended.notice is not None
    assert ended.notice.recorded_by == anne
    assert app.memberships.list_conventions(commune=SAUZE)[0].notice.recorded_by == anne  # type: ignore[union-attr]
    trainee = app.billing.add_trainee("Léa Roux", by=pia, first_job_start=dt.date(2025, 1, 2))
    assert app.billing.list_trainees()[0].recorded_by == pia == trainee.recorded_by
    app.billing.add_intervention(
        SAUZE, "accompagnement_stagiaires", 90, by=pia, on=dt.date(2025, 3, 3),
        trainee=trainee.id,
    )  # fmt: skip
    [intervention] = app.billing.list_interventions(year=2025)
    assert intervention.recorded_by == pia
    invoices = app.billing.bill(year=2025, by=anne)
    assert invoices and {i.billed_by for i in invoices} == {anne}
    exported = json.loads(app.billing.export_invoice_lines(year=2025, by=pia, format="json"))
    assert exported["etabli_par"] == "Pia Test"
    csv_text = app.billing.export_invoice_lines(year=2025, by=anne).decode("utf-8-sig")
    head, first = csv_text.splitlines()[:2]
    assert head.endswith(";Établi par") and first.endswith(";Anne Chevalier")
    networks = {n.id: n for n in app.network.list_networks()}
    assert networks[s.network].created_by == anne
    app.network.set_charter(s.network, _charter(), by=pia)
    assert {n.id: n for n in app.network.list_networks()}[s.network].charter_set_by == pia
    role = app.network.assign(s.network, s.claire, "ambassadeur", by=pia)
    assert role.assigned_by == pia and role.ended_by is None
    assert app.network.end_role(role.id, by=anne).ended_by == anne
    committee = app.network.set_committee("pilotage", [], by=pia)
    assert committee.changed_by == pia
    met = app.network.record_meeting("pilotage", by=anne, on=dt.date(2026, 1, 15))
    assert met.recorded_by(dt.date(2026, 1, 15)) == anne and met.changed_by == pia
    published = app.toolbox.publish(s.draft, by=pia, review_on=dt.date(2026, 9, 1))
    assert published.published_by == pia and published.archived_by is None
    archived = app.toolbox.archive(s.draft, by=anne)
    assert archived.status is ResourceStatus.ARCHIVED
    assert (archived.published_by, archived.archived_by) == (pia, anne)
    app.platform.export_accounts("interstis", by=anne)
    assert app.platform.list_exports()[-1].exported_by == anne
    done = app.census.reassign(GONE, AUBIGNY, by=pia)
    [stored] = app.census.list_reassignments(commune=GONE)
    assert (stored.former, stored.successor, stored.reassigned_by) == (GONE, AUBIGNY, pia)
    assert stored.moved == done.moved and stored.reassigned_on == done.on
    names = actor_names(app, [anne, pia, None])
    assert shown(names, pia) == "Pia Test" and shown(names, None) == BEFORE


def test_records_made_before_migration_18_show_no_actor_CHA_2(
    sqlite_url: str, rsgm_clock: object
) -> None:
    import rsgm_core
    from tests.helpers import CDG79

    with rsgm_core.open(sqlite_url, clock=rsgm_clock, settings=CDG79) as app:  # type: ignore[arg-type]
        s = _setup(app, ActorRole.ANIMATOR)
        app.memberships.join(AUBIGNY, by=s.p, year=2025)
    with sqlite3.connect(sqlite_url.removeprefix("sqlite:///")) as raw:  # back to schema 17
        for table, column in MIGRATION_18_COLUMNS:
            raw.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        raw.execute("DROP TABLE reassignments")
        raw.execute("DROP TABLE coarse_positions")  # migrations 19 and 20, replayed too
        raw.execute("DROP TABLE lifecycle_transitions")  # migration 21, replayed too
        raw.execute("DROP TABLE history_entries")
        raw.execute("ALTER TABLE communes DROP COLUMN ept")
        raw.execute("ALTER TABLE communes DROP COLUMN ept_name")
        for statement in MIGRATION_23_STATEMENTS:  # migration 23
            raw.execute(statement)
        for statement in MIGRATION_22_STATEMENTS:  # replayed too
            raw.execute(statement)
        for statement in MIGRATION_27_STATEMENTS:  # migration 27, replayed too
            raw.execute(statement)
        for statement in MIGRATION_26_STATEMENTS:  # replayed too
            raw.execute(statement)
        for statement in MIGRATION_28_STATEMENTS:  # migration 28
            raw.execute(statement)
        for statement in MIGRATION_24_STATEMENTS:  # migration 24, replayed too
            raw.execute(statement)
        for statement in MIGRATION_25_STATEMENTS:  # migration 25
            raw.execute(statement)
        raw.execute("DELETE FROM rsgm_schema_migrations WHERE version >= 18")
    raw.close()
    with rsgm_core.open(sqlite_url, clock=rsgm_clock, settings=CDG79) as app:  # type: ignore[arg-type]
        assert 18 in [m.version for m in app.storage.applied]  # type: ignore[attr-defined]
        [version] = app.charters.list_versions()
        assert version.published_by is None  # NULL: before the actors were recorded
        assert app.memberships.list_memberships(year=2025)[0].recorded_by is None
        assert {n.created_by for n in app.network.list_networks()} == {None}
        assert app.census.list_reassignments() == []
        assert shown(actor_names(app, [version.published_by]), version.published_by) == (
            "avant l'enregistrement des auteurs"
        )
        app.charters.publish("Charte", "V2", by=s.anne)
        assert app.charters.list_versions()[-1].published_by == s.anne


def test_the_command_line_names_the_actor_CHA_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], rsgm_clock: object
) -> None:
    import rsgm_core
    from rsgm_core.cli import main
    from tests.helpers import CDG79

    db = f"sqlite:///{tmp_path / 'rsgm.db'}"
    with rsgm_core.open(db, clock=rsgm_clock, settings=CDG79) as app:  # type: ignore[arg-type]
        s = _setup(app, ActorRole.ANIMATOR)
        app.memberships.join(AUBIGNY, by=s.p, year=2025)
        app.census.reassign(GONE, AUBIGNY, by=s.p)
        with app.storage.unit_of_work() as uow:  # a version published before migration 18
            old = uow.charter_versions.get(1)
            uow.charter_versions.update(attrs.evolve(old, published_by=None))
            uow.commit()
    capsys.readouterr()
    assert main(["charter", "versions", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "publiée par" in out and BEFORE in out
    assert main(["membership", "list", "--db", db, "--year", "2025"]) == 0
    out = capsys.readouterr().out
    assert "enregistrée par" in out and "Pia Test" in out
    assert main(["census", "reassignments", "--db", db]) == 0
    out = capsys.readouterr().out
    assert GONE in out and "Pia Test" in out and "1 réaffectation" in out
    assert main(["network", "status", "--db", db]) == 0
    assert "créé par Anne Chevalier" in capsys.readouterr().out


# MEM-11: the erasure's report


def test_erase_reports_what_it_did_and_the_checkpoint_MEM_11(app: App) -> None:
    s = _setup(app, ActorRole.ADMINISTRATOR)
    app.charters.publish("Charte", "Rédigée avec Claire Martin.", by=s.anne)
    report = app.rgpd.erase(s.claire, by=s.anne)
    assert isinstance(report, ErasureReport)
    assert report.anonymised and report.by == s.anne and report.checkpointed
    got = {c.collection: c for c in report.collections}
    assert got["signatures"] == CollectionErasure(
        "signatures", "signature", Erasure.ANONYMISE, 0, 1, 0
    )
    assert got["signatures"].anonymised == 1
    assert got["charter_versions"].mentions == 1  # someone else's text: the mention cut
    assert report.removed == sum(c.removed for c in report.collections)
    lines = report.lines()
    assert lines[0].startswith(f"{s.claire[:8]} : personne anonymisée le ")
    assert "  signature : 1 anonymisé" in lines
    assert "  version de la charte : 1 dont la mention a été retirée" in lines
    assert lines[-1].startswith("point de contrôle fait")
    again = app.rgpd.erase(s.claire, by=s.anne)
    assert not again.anonymised and again.collections == ()
    assert again.lines()[0].endswith("données déjà effacées, rien de plus à effacer")


def test_erase_says_when_the_checkpoint_could_not_finish_MEM_11(
    sqlite_url: str, rsgm_clock: object
) -> None:
    import rsgm_core
    from tests.helpers import CDG79

    with rsgm_core.open(sqlite_url, clock=rsgm_clock, settings=CDG79) as app:  # type: ignore[arg-type]
        s = _setup(app, ActorRole.ADMINISTRATOR)
        reader = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"))
        try:
            reader.execute("BEGIN")
            reader.execute("SELECT count(*) FROM members").fetchone()  # a snapshot held open
            report = app.rgpd.erase(s.luc, by=s.anne)
        finally:
            reader.close()
        assert report.anonymised and not report.checkpointed
        assert "point de contrôle incomplet" in report.lines()[-1]
        assert "relancez l'effacement" in report.lines()[-1]
        assert app.rgpd.erase(s.luc, by=s.anne).checkpointed  # again: only the checkpoint
