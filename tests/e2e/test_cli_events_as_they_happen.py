"""``rsgm events invite|deadline`` and ``rsgm calendar add-series`` end to end for CDG 77, as its
animator runs them (issue 20, item 4): the invitation says who it could not reach and why
(EVT-5, MEM-14), a series makes sessions people register to (EVT-8, EVT-4), a webinar's deadline
moves (EVT-4, CHA-2). The command line runs on the real clock, so dates are relative."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import icalendar
import pytest

import rsgm_core
from rsgm_core import Settings
from tests.helpers import run

ADMIN = "marie.durand@cdg77.fr"


def thursday(days: int) -> dt.date:
    day = dt.date.today() + dt.timedelta(days=days)
    while day.weekday() != 3:
        day += dt.timedelta(days=1)
    return day


@pytest.fixture
def cdg77(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Path:
    """CDG 77's folder as ``rsgm init`` leaves it, with 9 active members: 3 with an address,
    6 without, 3 of them unsubscribed from invitations."""
    monkeypatch.chdir(tmp_path)
    for name in ("RSGM_DB", "RSGM_CONFIG", "RSGM_ACTEUR"):
        monkeypatch.delenv(name, raising=False)
    code, _, err = run(capsys, "init", "--cdg", "CDG 77", "--departements", "77",
                       "--administrateur", ADMIN)  # fmt: skip
    assert code == 0, err
    settings = Settings.from_file(tmp_path / "rsgm.toml")
    with rsgm_core.open(f"sqlite:///{tmp_path / 'rsgm.db'}", settings=settings) as app:
        for i in range(12):
            email = f"sgm{i}@mairie.example.fr" if i < 6 else None
            made = app.members.add(f"Agent{i}", f"Nom{i}", email=email, lifecycle="actif")
            if i >= 3 and email:
                app.members.opt_out_of_invitations(made.id)
    return tmp_path


def test_invite_says_who_was_not_reached_and_why_EVT_5_MEM_14(
    cdg77: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "events", "plan", "Atelier état civil", "--type",
                         "atelier thématique", "--format", "présentiel", "--public", "membres",
                         "--seance", f"{thursday(60).isoformat()};Melun")  # fmt: skip
    assert code == 0, err
    event = out.split(":")[1].split()[0]
    code, out, err = run(capsys, "events", "invite", event[:8])
    assert code == 0, err
    assert out.splitlines() == [
        "invitation envoyée à 3 personnes ; 3 personnes invitées en tout",
        "9 membres non joints : 6 sans e-mail, 3 désinscrits (--lister pour les nommer)",
    ]
    code, out, err = run(capsys, "events", "invite", event[:8], "--lister")
    assert code == 0, err
    assert out.splitlines()[0] == "invitation envoyée à 0 personne ; 3 personnes invitées en tout"
    assert "Agent6 Nom6" in out and "sans e-mail" in out and "sgm3@mairie.example.fr" in out
    code, out, _ = run(capsys, "events", "list")
    assert code == 0 and "Atelier état civil" in out and out.rstrip().endswith(" 3")
    code, out, err = run(capsys, "events", "remind", event[:8])
    assert code == 0, err
    assert out.splitlines() == [
        "rappel envoyé à 0 personne encore inscrite ; relance envoyée à 3 personnes invitées "
        "sans réponse"
    ]  # EVT-4: nobody registered yet; the three invited relanced


def test_a_series_and_a_deadline_from_the_command_line_EVT_8_EVT_4_CHA_2(
    cdg77: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    start = thursday(45) - dt.timedelta(days=1)  # a Wednesday: not a first Thursday
    code, out, err = run(capsys, "calendar", "add-series", "Webinaire des SGM", "--type",
                         "webinaire", "--format", "distanciel", "--debut", f"{start}T11:00",
                         "--regle", "FREQ=MONTHLY;BYDAY=1TH;COUNT=3", "--duree", "45",
                         "--places", "2", "--lieu", "Visioconférence")  # fmt: skip
    assert code == 0, err
    assert "début déplacé au " in out and "première occurrence de la règle" in out
    assert "3 séances ouvertes aux inscriptions (une par occurrence)" in out
    code, out, _ = run(capsys, "events", "list")
    assert code == 0 and out.count("Webinaire des SGM") == 3
    code, feed, _ = run(capsys, "calendar", "export")
    assert code == 0
    entries = list(icalendar.Calendar.from_ical(feed).walk("VEVENT"))
    assert len(entries) == 1 and "RRULE" in entries[0]  # one entry, three occurrences
    with rsgm_core.open(f"sqlite:///{cdg77 / 'rsgm.db'}") as app:
        session = app.events.list_events()[0].sessions[0]
    new = session.date - dt.timedelta(days=1)
    code, _, err = run(capsys, "events", "deadline", session.id[:8], "demain", "--par", ADMIN)
    assert code == 2 and "date limite illisible : 'demain'" in err and "[EVT-4]" in err
    code, out, err = run(capsys, "events", "deadline", session.id[:8], new.isoformat(),
                         "--par", ADMIN)  # fmt: skip
    assert code == 0, err
    assert out.startswith("Webinaire des SGM, séance du ") and "inscriptions jusqu'au" in out
    assert "(auparavant le " in out
    with rsgm_core.open(f"sqlite:///{cdg77 / 'rsgm.db'}") as app:
        changed = app.events.list_events()[0].sessions[0]
        admin = app.members.get_by_email(ADMIN).id
    assert (changed.deadline, changed.deadline_set_by) == (new, admin)
