"""``rsgm groups`` (NET-5) and ``rsgm suggestions`` (NET-6): French output naming people and
groups, one-line errors naming the value and the rule (exit 2), nothing written on a refusal."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import rsgm_core
from rsgm_core import Seat, SeatKind
from rsgm_core.render.formatting import format_date
from tests.conftest import SAMPLE
from tests.helpers import ADMIN_EMAIL, cli_administrator, run, snapshot
from tests.integration.test_suggestions import epci_of, member
from tests.integration.test_working_groups import resource


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    path = str(tmp_path / "cdg.db")
    with rsgm_core.open(f"sqlite:///{path}") as app:
        app.census.import_(SAMPLE, ["79"])
    admin = cli_administrator(monkeypatch, path)
    with rsgm_core.open(f"sqlite:///{path}") as app:
        app.network.create_departmental_network("Réseau des SGM 79", by=admin)
        claire = member(app, "Claire", "Martin", "79019")
        member(app, "Jean", "Péroux", "79307")
        app.network.set_committee(
            "suivi", [Seat(SeatKind.SGM, claire, epci_of(app, "79019"))], by=admin
        )
        app.network.record_meeting("suivi", by=admin, on=app.today() + dt.timedelta(days=30))
        resource(app, "Dix idées de pratiques professionnelles", author=claire)
    return path


def counts(db: str) -> dict[str, list[object]]:
    with rsgm_core.open(f"sqlite:///{db}") as app:
        return snapshot(app)


def test_groups_from_the_command_line_NET_5(capsys: pytest.CaptureFixture[str], db: str) -> None:
    code, out, err = run(capsys, "groups", "create", "Coordination élus", "--theme", "Élus",
                         "--mandat", "Dix idées", "--db", db)  # fmt: skip
    assert code == 0, err
    assert "groupe de travail « Coordination élus » créé" in out
    assert "dans « Réseau des SGM 79 »" in out
    code, out, _ = run(capsys, "groups", "join", "Coordination élus", "claire.martin@example.org",
                       "--db", db)  # fmt: skip
    assert code == 0 and "Claire Martin rejoint le groupe « Coordination élus »" in out
    with rsgm_core.open(f"sqlite:///{db}") as app, app.deps.read() as uow:
        ref = uow.resources.list()[0].id[:8]
    code, out, _ = run(capsys, "groups", "deliverable", "Coordination élus", ref, "--db", db)
    assert code == 0 and "(brouillon)" in out
    before = counts(db)
    code, out, err = run(capsys, "groups", "deliver", "Coordination élus", "--db", db)
    assert code == 2 and "[NET-5]" in err and "(brouillon)" in err and "Traceback" not in err
    assert counts(db) == before
    prospect = ("groups", "join", "Coordination élus", ADMIN_EMAIL, "--db", db)
    code, out, err = run(capsys, *prospect)
    assert code == 0  # the administrator is an active member of the network
    code, out, _ = run(capsys, "groups", "restitution", "Coordination élus", "--le",
                       "2099-06-01", "--db", db)  # fmt: skip
    assert code == 0 and "prévue le 01/06/2099, à l'agenda du réseau" in out
    code, out, _ = run(capsys, "groups", "list", "--db", db)
    assert code == 0 and "Coordination élus" in out and "ouvert" in out and "01/06/2099" in out
    code, out, _ = run(capsys, "groups", "show", "Coordination élus", "--db", db)
    assert (
        "Claire Martin (" in out
        and ", du " in out
        and "« Dix idées de pratiques professionnelles »" in out
    )
    code, out, _ = run(capsys, "groups", "agenda", "--au", "2099-12-31", "--db", db)
    assert code == 0 and "01/06/2099" in out and "restitution" in out


def test_suggestions_from_the_command_line_NET_6(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    code, out, err = run(capsys, "suggestions", "add", "jean.péroux@example.org",
                         "Une matinale sur le budget", "--par", "jean.péroux@example.org",
                         "--db", db)  # fmt: skip
    assert code == 0, err
    assert "suggestion de Jean Péroux enregistrée" in out
    assert "à l'ordre du jour de la réunion du comité de suivi du" in out
    found = re.search(r"enregistrée \((\w{8})\)", out)
    assert found is not None
    ref = found.group(1)
    code, out, _ = run(capsys, "suggestions", "agenda", "--db", db)
    assert code == 0 and "1 suggestion à examiner" in out and "Jean Péroux" in out
    before = counts(db)
    code, _, err = run(capsys, "suggestions", "decide", ref, "refusee", "--par",
                       "claire.martin@example.org", "--db", db)  # fmt: skip
    assert code == 2 and "[NET-6]" in err and "sans raison" in err
    code, _, err = run(capsys, "suggestions", "decide", ref, "acceptee", "--par",
                       "jean.péroux@example.org", "--db", db)  # fmt: skip
    assert code == 2 and "[NET-6]" in err and "ne siège pas au comité de suivi" in err
    assert counts(db) == before
    code, out, _ = run(capsys, "suggestions", "decide", ref, "acceptee", "--par",
                       "claire.martin@example.org", "--db", db)  # fmt: skip
    assert code == 0 and "suggestion de Jean Péroux (Sauzé-entre-Bois, 79307) acceptée le" in out
    assert "mise dans la boîte d'envoi" in out  # no transport: queued, and said so
    code, out, _ = run(capsys, "suggestions", "list", "--db", db)
    assert code == 0 and "acceptée le" in out and "0 en attente d'examen, 1 décidée" in out


def test_a_restitution_of_the_week_is_on_the_to_do_list_NET_5(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    today = dt.datetime.now(ZoneInfo("Europe/Paris")).date()  # the CDG's day
    code, _, err = run(capsys, "groups", "create", "Budget", "--theme", "Finances", "--mandat",
                       "Un guide", "--restitution", today.isoformat(), "--db", db)  # fmt: skip
    assert code == 0, err
    code, out, _ = run(capsys, "events", "todo", "--db", db)
    shown = format_date(today)  # « 8 décembre 2026 », never ISO in what a person reads
    assert code == 0 and f"{shown} : restitution du groupe de travail « Budget »" in out
