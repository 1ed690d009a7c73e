"""Erasure that erases (MEM-11): every record naming the person or holding their words, as each
collection declares it, on every backend; nothing of them left in the SQLite file, its log or
its text index; erased and departed records take no new data."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from rsgm_core import App, Capacity, Role, SanctionKind, SessionPlan
from rsgm_core.records import COLLECTION_NAMED
from rsgm_core.serialization import unstructure
from tests.conftest import SAMPLE
from tests.helpers import nothing_written, snapshot

AUBIGNY = "79019"
FIRST, LAST = "Zébulon", "Quintavalle"
EMAIL, PHONE = "zebulon.quintavalle@example.org", "05 49 12 34 56"
#: what must be found nowhere once the person is erased (case- and accent-folded below)
NEEDLES = ("quintavalle", "zebulon.quintavalle", "0549123456", "05 49 12 34 56", "05.49.12.34.56")


def _folded(text: str) -> str:
    return text.casefold().replace("é", "e")


def found_in(text: str) -> list[str]:
    folded = _folded(text)
    return [n for n in NEEDLES if n in folded]


@pytest.fixture
def net(app: App) -> SimpleNamespace:
    app.census.import_(SAMPLE, ["79"])
    admin = app.members.add("Anne", "Chevalier", email="anne.chevalier@cdg79.fr")
    app.access.add_staff(admin.id, administrator=True)
    space = app.access.create_departmental_space(by=admin.id)
    app.charters.publish("Charte", "Texte", on=dt.date(2025, 1, 6), by=admin.id)
    app.charters.sign(AUBIGNY, "Jean Dupont", "maire")
    app.directory.set_town_hall(AUBIGNY, "1 place de la Mairie", email="mairie@aubigny.fr")
    zeb = app.members.add(FIRST, LAST, email=EMAIL, phone=PHONE, welcome=True)
    app.members.add_position(zeb.id, AUBIGNY, "sgm", start=dt.date(2021, 9, 1))
    app.charters.sign(AUBIGNY, f"{FIRST} {LAST}", Capacity.SGM)  # CHA-1: personal signature
    app.access.grant(zeb.id, space.id, Role.ANIMATOR, by=admin.id)
    app.directory.set_expertises(zeb.id, ["État civil"])
    app.directory.give_consent(zeb.id, "annuaire")
    resource = app.toolbox.add(
        "fiche pratique",
        f"Registre d'état civil, par {FIRST} {LAST}",
        f"Les actes pas à pas. Une question ? {EMAIL} ou {PHONE}. Merci, M. {LAST}.",
        themes=["etat civil"],
        by=zeb.id,
    )
    app.toolbox.publish(resource.id, by=admin.id, review_on=dt.date(2026, 1, 1))
    app.platform.export_accounts("interstis", by=admin.id)  # CHA-2: the state given to the platform
    report = app.moderation.file_report(
        zeb.id, by=admin.id, reason=f"{FIRST} {LAST} a tenu des propos injurieux"
    )
    app.moderation.sanction(
        zeb.id, SanctionKind.RESTRICTION, by=admin.id, reason=f"propos de M. {LAST} {FIRST}",
        report_id=report.id,
    )  # fmt: skip
    request = app.advice.log(
        AUBIGNY, f"{FIRST} {LAST}", "téléphone", "etat civil",
        "Comment reconnaître un enfant ? Rappeler au 05.49.12.34.56",
    )  # fmt: skip
    app.advice.answer(request.id, f"Réponse donnée à {FIRST} {LAST} au +33 5 49 12 34 56")
    other = app.members.add("Paul", "Roy", email="paul.roy@example.org")
    app.members.add_position(other.id, AUBIGNY, "sgm")
    app.moderation.file_report(other.id, by=admin.id, reason=f"Paul a copié {FIRST} {LAST}")
    return SimpleNamespace(admin=admin.id, zeb=zeb.id, other=other.id, resource=resource.id)


def test_the_export_covers_every_record_that_names_the_person_MEM_11(
    app: App, net: SimpleNamespace
) -> None:
    held = app.rgpd.export_personal_data(net.zeb, by=net.admin)
    for name in (
        "signatures", "platform_exports", "abuse_reports", "sanctions", "employer_notices",
        "advice_requests", "resources", "outbox", "grants", "positions", "directory_facts",
        "consents",
    ):  # fmt: skip
        assert held[name], name
    assert len(held["abuse_reports"]) == 2  # the one about them, the one naming them
    assert {s["signer"] for s in held["signatures"]} == {f"{FIRST} {LAST}"}
    assert any(m["recipient"] == "mairie@aubigny.fr" for m in held["outbox"])  # the employer's


def test_erasure_leaves_no_name_email_or_phone_in_any_collection_MEM_11(
    app: App, net: SimpleNamespace
) -> None:
    counts = app.info()["counts"]
    before_search = [h.resource.id for h in app.toolbox.search("etat civil")]
    app.rgpd.erase(net.zeb, by=net.admin)
    everything = json.dumps(unstructure(snapshot(app)), ensure_ascii=False, default=str)
    assert found_in(everything) == []
    after = app.info()["counts"]
    removed = {"directory_facts", "consents", "positions", "coarse_positions"}
    assert {k: v for k, v in after.items() if k not in removed} == {
        k: v for k, v in counts.items() if k not in removed
    }  # counts stay
    # MEM-11: their position became a coarse one, without the commune
    assert after["positions"] + after["coarse_positions"] == counts["positions"]
    assert after["coarse_positions"] == 1
    assert app.toolbox.search("quintavalle") == []  # KNB-4: the index forgot them
    assert [h.resource.id for h in app.toolbox.search("etat civil")] == before_search
    assert app.members.list_positions(member_id=net.zeb) == []
    with app.deps.read() as uow:
        [coarse] = uow.coarse_positions.list({"member_id": net.zeb})
    assert coarse.start == dt.date(2021, 1, 1) and coarse.departement == "79"  # coarsened
    assert AUBIGNY not in json.dumps(unstructure(coarse))
    assert not coarse.sole  # Paul Roy holds a position in Aubigny too
    resource = app.toolbox.get(net.resource)
    assert "Les actes pas à pas" in resource.body and "[effacé]" in resource.body
    # the other member's record stays, their own name too
    reports = app.moderation.list_reports()
    assert {r.reason for r in reports if r.member_id == net.other} == {"Paul a copié [effacé]"}
    assert app.members.get(net.other).last_name == "Roy"


def test_nothing_of_the_person_is_left_in_the_sqlite_file_or_its_log_MEM_11(
    sqlite_url: str, rsgm_clock: object
) -> None:
    import rsgm_core
    from tests.helpers import CDG79

    path = Path(sqlite_url.removeprefix("sqlite:///"))
    with rsgm_core.open(sqlite_url, clock=rsgm_clock, settings=CDG79) as opened:
        people = net.__wrapped__(opened)  # type: ignore[attr-defined]
        raw = path.read_bytes() + _wal(path)
        assert _folded(raw.decode("latin-1")).count("quintavalle")  # it was there
        conn = opened.storage.engine.raw_connection()  # type: ignore[attr-defined]
        try:  # their position, grant and signature tied them to Aubigny
            assert {t for t, _ in _rows_tying(conn, people.zeb, AUBIGNY)} >= {"positions", "grants"}
        finally:
            conn.close()
        opened.rgpd.erase(people.zeb, by=people.admin)
        raw = path.read_bytes() + _wal(path)  # still open: the checkpoint did it, not the close
        text = raw.decode("utf-8", errors="replace") + raw.decode("latin-1")
        assert found_in(text) == []
        assert opened.toolbox.search("etat civil")  # the index still works
        conn = opened.storage.engine.raw_connection()  # type: ignore[attr-defined]
        try:  # on by the storage, whatever the SQLite build's default
            assert conn.cursor().execute("PRAGMA secure_delete").fetchone()[0] == 1
            # MEM-11: no row tied to the anonymised member names the commune they worked in
            assert _rows_tying(conn, people.zeb, AUBIGNY) == []
        finally:
            conn.close()


def _rows_tying(conn: object, member_id: str, commune: str) -> list[tuple[str, tuple[object, ...]]]:
    """The rows of every table holding ``member_id`` in one column and ``commune`` in another
    (JSON columns searched as text)."""
    cursor = conn.cursor()  # type: ignore[attr-defined]
    tables = [
        name
        for (name,) in cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if not name.startswith(("sqlite_", "rsgm_")) and "search" not in name
    ]
    found = []
    for table in tables:
        for row in cursor.execute(f'SELECT * FROM "{table}"').fetchall():
            cells = [str(cell) for cell in row if cell is not None]
            if any(member_id in c for c in cells) and any(commune in c for c in cells):
                found.append((table, tuple(row)))
    return found


def _wal(path: Path) -> bytes:
    wal = path.with_name(path.name + "-wal")
    return wal.read_bytes() if wal.exists() else b""


def _event(app: App) -> str:
    planned = app.events.plan(
        "Matinale", "matinale", "présentiel", [SessionPlan(dt.date(2025, 6, 10), "Sauzé")]
    )
    return planned.sessions[0].id


def test_an_erased_record_refuses_edits_and_registrations_MEM_11(
    app: App, net: SimpleNamespace
) -> None:
    session = _event(app)
    app.rgpd.erase(net.zeb, by=net.admin)
    for call in (
        lambda: app.registrations.register(session, net.zeb),
        lambda: app.members.add_position(net.zeb, AUBIGNY, "sgm"),
        lambda: app.directory.update_contact(net.zeb, email="nouvelle@example.org"),
        lambda: app.directory.set_expertises(net.zeb, ["État civil"]),
        lambda: app.directory.give_consent(net.zeb, "annuaire"),
        lambda: app.members.mark_active(net.zeb),
    ):
        error = nothing_written(app, call, "MEM-11")
        assert (
            "effacées le 14/03/2025" in error.message and "rien n'a été enregistré" in error.message
        )


def test_a_departed_record_refuses_edits_and_registrations_MEM_4_EVT_4(
    app: App, net: SimpleNamespace
) -> None:
    session = _event(app)
    app.members.depart(net.other, reason="retraite")
    error = nothing_written(app, lambda: app.registrations.register(session, net.other), "EVT-4")
    assert "Paul Roy a quitté le réseau" in error.message
    for call in (
        lambda: app.members.add_position(net.other, AUBIGNY, "sgm"),
        lambda: app.directory.update_contact(net.other, phone="05 49 00 00 00"),
        lambda: app.directory.set_software(net.other, ["Berger-Levrault"]),
        lambda: app.directory.give_consent(net.other, "annuaire"),
    ):
        error = nothing_written(app, call, "MEM-4")
        assert "Paul Roy a quitté le réseau" in error.message


def test_the_export_has_one_key_per_declared_collection_MEM_11(
    app: App, net: SimpleNamespace
) -> None:
    from rsgm_core.services.rgpd import PERSONAL

    declared = {c.name for c in COLLECTION_NAMED.values() if c.personal and c.personal.personal}
    assert {c.name for c, _ in PERSONAL} == declared - {"members"}
    assert declared - {"members"} <= set(app.rgpd.export_personal_data(net.zeb, by=net.admin))
