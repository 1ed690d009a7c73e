"""KNB-4 in storage: SQLite's FTS5 index follows every write of the resources, and every backend
gives the same hits with the same scores as the pure domain."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from types import SimpleNamespace

import attrs
import pytest
import sqlalchemy as sa

import rsgm_core
from rsgm_core import App, ConflictError, StorageError, ValidationError
from rsgm_core.domain import toolbox as rules
from rsgm_core.domain.text import document
from rsgm_core.plugins.sql import lite, migrations, search, tables
from rsgm_core.serialization import unstructure
from rsgm_core.testing import Clock
from tests.helpers import nothing_written, snapshot
from tests.integration.test_toolbox_service import setup

REVIEW = dt.date(2026, 1, 1)
PAUL = "paul.roy@example.org"  # the animator of setup()
QUERIES = [
    ("acte", {}),
    ("ETAT civil", {}),
    ("etat", {"theme": "état civil"}),
    ("mari", {"kind": "fiche pratique"}),
    ("budget", {}),
    ("registre", {"software": "Berger-Levrault"}),
    ("", {"kind": "tutoriel"}),
    ("introuvable", {}),
]


def fill(app: App) -> SimpleNamespace:
    """Published sheets, one edited twice (three versions), an archived one, a draft."""
    net = setup(app)
    add = app.toolbox.add
    paul = net.paul
    add(
        "fiche pratique",
        "Acte de mariage",
        "Publier les bans, dresser l'acte de mariage.",
        themes=["état civil"],
        by=paul,
        id="mariage",
    )
    add(
        "fiche pratique",
        "Mariages et PACS",
        "Le registre et les actes.",
        themes=["état civil"],
        by=paul,
        id="pacs",
    )
    add(
        "tutoriel",
        "Tenir le registre dans Berger-Levrault",
        "Ouvrir le registre d'état civil.",
        themes=["état civil"],
        software=["berger levrault"],
        by=paul,
        id="tuto",
    )
    add(
        "veille juridique",
        "Loi de finances",
        "Le budget primitif et l'état de la dette.",
        themes=["Finances et comptabilité"],
        by=paul,
        id="finances",
    )
    add(
        "modèle",
        "Arrêté de voirie",
        "Modèle d'arrêté.",
        themes=["Voirie"],
        by=paul,
        id="voirie",
    )
    add("fiche pratique", "Acte de décès", "Brouillon.", themes=["état civil"], by=paul,
        id="brouillon")  # fmt: skip
    for resource_id in ("mariage", "pacs", "tuto", "finances", "voirie"):
        app.toolbox.publish(resource_id, by=paul, review_on=REVIEW)
    app.toolbox.edit("mariage", by=paul, body="Publier les bans ; l'acte de mariage ; le livret.")
    app.toolbox.edit("mariage", by=paul, title="Célébrer un mariage")
    app.toolbox.archive("voirie", by=net.admin)
    return net


def results(app: App) -> list[list[tuple[str, int, float]]]:
    return [
        [(h.resource.id, h.resource.version, h.score) for h in app.toolbox.search(words, **kw)]
        for words, kw in QUERIES
    ]


@pytest.fixture
def sqlite_app(sqlite_url: str) -> App:
    with rsgm_core.open(sqlite_url, clock=Clock()) as opened:
        fill(opened)
        yield opened


def test_every_backend_ranks_as_the_domain_does_KNB_4(sqlite_app: App) -> None:
    assert sqlite_app.storage.text_indexes == {"resources"}  # type: ignore[attr-defined]
    with rsgm_core.open("memory://", clock=Clock()) as memory:
        fill(memory)
        assert results(memory) == results(sqlite_app)  # same order, the very same floats
        with memory.storage.unit_of_work(read_only=True) as uow:
            every_version = uow.resources.list()
    pure = [
        [(h.resource.id, h.resource.version, h.score) for h in rules.search(every_version, words,
         **{**kw, "kind": rules.ResourceKind("tutoriel" if kw.get("kind") == "tutoriel" else
                                             "fiche pratique") if "kind" in kw else None})]
        for words, kw in QUERIES
    ]  # fmt: skip
    assert pure == results(sqlite_app)
    found = results(sqlite_app)
    assert [i for i, *_ in found[0]] == ["pacs", "mariage"]  # the current version only
    assert found[0][1][1] == 3 and "brouillon" not in str(found) and "voirie" not in str(found)
    assert [i for i, *_ in found[5]] == ["tuto"]
    assert found[6] == [("tuto", 1, 0.0)] and found[7] == []


def index_rows(url: str) -> set[tuple[object, ...]]:
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        rows = {tuple(r) for r in conn.execute("SELECT * FROM resources_search")}
    conn.close()
    return rows


def expected_rows(app: App) -> set[tuple[object, ...]]:
    """One row per resource, its highest version's tokens."""
    with app.storage.unit_of_work(read_only=True) as uow:
        return {
            (r.id, r.version, *(" ".join(f) for f in document(r, rules.SEARCH_FIELDS)))
            for r in rules.latest_versions(uow.resources.list())
        }


def test_the_index_follows_every_write_and_every_rollback_KNB_4(
    sqlite_app: App, sqlite_url: str
) -> None:
    assert index_rows(sqlite_url) == expected_rows(sqlite_app)
    assert {(i, v) for i, v, *_ in index_rows(sqlite_url)} >= {("mariage", 3), ("pacs", 1)}
    assert len(index_rows(sqlite_url)) == 6  # one row per resource: its current version
    nothing_written(  # the snapshot holds the index rows too
        sqlite_app,
        lambda: sqlite_app.toolbox.publish("brouillon", by=PAUL, review_on=dt.date(2020, 1, 1)),
        "KNB-3",
    )
    with sqlite_app.storage.unit_of_work() as uow:
        uow.resources.remove(("mariage", 3))  # version 2 is the current one again
        uow.resources.reassign("body", "Modèle d'arrêté.", "Modèle d'arrêté de voirie.")
        uow.resources.reassign("id", "pacs", "pacs-2025")
        uow.commit()
    assert index_rows(sqlite_url) == expected_rows(sqlite_app)
    assert {(i, v) for i, v, *_ in index_rows(sqlite_url)} >= {("mariage", 2), ("pacs-2025", 1)}
    assert [h.resource.id for h in sqlite_app.toolbox.search("livret")] == ["mariage"]
    with sqlite_app.storage.unit_of_work() as uow:  # left without commit: rolled back
        uow.resources.remove(("tuto", 1))
    assert index_rows(sqlite_url) == expected_rows(sqlite_app)


def test_a_refused_batch_writes_no_record_and_no_index_row_KNB_4(app: App) -> None:
    fill(app)
    before = snapshot(app)
    with app.storage.unit_of_work() as uow:
        [tuto] = uow.resources.list({"id": "tuto"})
        new = attrs.evolve(tuto, id="nouveau", title="Nouveau tutoriel")
        with pytest.raises(ConflictError, match="tuto"):
            uow.resources.add_all([new, tuto])  # the second is stored already
        uow.commit()  # the caller goes on: the batch left nothing behind
    assert snapshot(app) == before
    assert [h.resource.id for h in app.toolbox.search("nouveau")] == []


def test_search_words_are_text_folded_by_the_repository_KNB_4(app: App) -> None:
    fill(app)
    with app.storage.unit_of_work(read_only=True) as uow:
        folded = uow.resources.search("acte")
        assert uow.resources.search("ACTE Acte acte") == folded  # folded, repeated once
        assert uow.resources.search('acte" OR "budget') == uow.resources.search("acte or budget")
        assert uow.resources.search("") == uow.resources.search("  ?! ") == []
        with pytest.raises(ValidationError, match="texte"):
            uow.resources.search(("acte",))  # type: ignore[arg-type]


def test_a_sqlite_without_fts5_ranks_in_python_KNB_4(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from rsgm_core.cli import main

    with rsgm_core.open("memory://", clock=Clock()) as memory:
        fill(memory)
        expected = results(memory)
    monkeypatch.setattr(search, "fts5_available", lambda conn: False)
    monkeypatch.setattr(lite, "fts5_available", lambda conn: False)  # the same, on the driver
    with rsgm_core.open(sqlite_url, clock=Clock()) as plain:
        fill(plain)
        assert plain.storage.text_indexes == frozenset()  # type: ignore[attr-defined]
        assert results(plain) == expected
    assert main(["db", "reindex", "--db", sqlite_url]) == 0
    assert "aucun index" in capsys.readouterr().out
    monkeypatch.undo()  # the same file, opened by a SQLite with FTS5: the index is built
    with rsgm_core.open(sqlite_url, clock=Clock()) as indexed:
        assert indexed.storage.text_indexes == {"resources"}  # type: ignore[attr-defined]
        assert index_rows(sqlite_url) == expected_rows(indexed)
        assert results(indexed) == expected
    monkeypatch.setattr(search, "fts5_available", lambda conn: False)
    monkeypatch.setattr(lite, "fts5_available", lambda conn: False)  # the same, on the driver
    with pytest.raises(StorageError, match="FTS5"):  # its index cannot be kept in step there
        rsgm_core.open(sqlite_url)


def test_a_lost_index_is_built_again_at_open_KNB_4(sqlite_app: App, sqlite_url: str) -> None:
    before = results(sqlite_app)
    sqlite_app.close()
    with sqlite3.connect(sqlite_url.removeprefix("sqlite:///")) as conn:
        conn.execute("DROP TABLE resources_search")
    conn.close()
    with rsgm_core.open(sqlite_url, clock=Clock()) as reopened:
        assert index_rows(sqlite_url) == expected_rows(reopened)
        assert results(reopened) == before


def test_an_upgrade_indexes_the_resources_already_stored_KNB_4(
    sqlite_app: App, sqlite_url: str, tmp_path: Path
) -> None:
    with sqlite_app.storage.unit_of_work(read_only=True) as uow:
        stored = uow.resources.list()
        expected = uow.resources.search("acte")
    old = f"sqlite:///{tmp_path / 'schema8.db'}"
    engine = sa.create_engine(old)
    with engine.begin() as conn:  # a database as the release before the index left it
        migrations.upgrade(conn, target=8)
        later = {"published_by", "archived_by"}  # migration 18 (CHA-2): not in schema 8
        rows = [{k: v for k, v in unstructure(r).items() if k not in later} for r in stored]
        conn.execute(tables.resources.insert(), rows)
    engine.dispose()
    with rsgm_core.open(old, clock=Clock()) as upgraded:
        assert 9 in [m.version for m in upgraded.storage.applied]  # type: ignore[attr-defined]
        assert index_rows(old) == expected_rows(upgraded)
        with upgraded.storage.unit_of_work(read_only=True) as uow:
            found = [(attrs.evolve(r, published_by=None, archived_by=None), s) for r, s in expected]
            assert uow.resources.search("acte") == found  # the actors came after schema 8


def test_only_collections_with_search_fields_are_searched_by_words(app: App) -> None:
    with app.storage.unit_of_work(read_only=True) as uow:
        with pytest.raises(ValidationError, match="communes"):
            uow.communes.search("niort")
        with pytest.raises(ValidationError, match="genre"):
            uow.resources.search("acte", {"genre": "roman"})


def test_rsgm_db_reindex_repairs_the_index_KNB_4(
    sqlite_app: App, sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from rsgm_core.cli import main

    expected = expected_rows(sqlite_app)
    sqlite_app.close()
    path = sqlite_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:  # rows written behind the repository's back
        conn.execute("DELETE FROM resources_search WHERE id = 'pacs'")
        conn.execute("UPDATE resources SET title = 'Pacs et mariages' WHERE id = 'pacs'")
    conn.close()
    assert main(["db", "reindex", "--db", path]) == 0
    assert "index reconstruits : resources" in capsys.readouterr().out
    assert index_rows(sqlite_url) == {
        (*row[:2], "pacs et mariages", *row[3:]) if row[0] == "pacs" else row for row in expected
    }
    assert main(["db", "reindex", "--db", "memory://"]) == 0  # nothing to rebuild there
    assert "aucun index" in capsys.readouterr().out


def test_a_search_gives_one_page_of_the_ranking_KNB_4(app: App) -> None:
    fill(app)
    every = app.toolbox.search("etat")
    assert len(every) == 4
    assert app.toolbox.search("etat", limit=3) == every[:3]
    assert app.toolbox.search("etat", limit=3, offset=3) == every[3:]
    assert app.toolbox.search("", limit=1, offset=1) == app.toolbox.search("")[1:2]
    for page in ({"limit": 0}, {"offset": -1}):
        nothing_written(app, lambda page=page: app.toolbox.search("etat", **page), "KNB-4")
