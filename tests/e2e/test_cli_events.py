"""``rsgm events|calendar|surveys|newsletter`` end to end, on the demo database and its year of
events (EVT-1..EVT-10, SUR-1). The command line runs on the real clock, so dates are relative."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import icalendar
import pytest

import rsgm_core
from rsgm_core.cli import main
from rsgm_core.profile_file import example_profile
from tests.helpers import run


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo-events") / "demo.db"
    assert main(["demo", "--db", str(path)]) == 0
    return path


def thursday(days: int) -> str:
    day = dt.date.today() + dt.timedelta(days=days)
    while day.weekday() != 3:
        day += dt.timedelta(days=1)
    return day.isoformat()


def test_demo_has_a_year_of_events_EVT_7(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "events", "track", "--db", str(demo_db), "--format", "csv")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].lstrip("\ufeff").startswith("événement;séance 1;séance 2;lieu(x);taux de")
    # the matinale's 12 occurrences (EVT-8) and a working group's meeting (NET-5)
    assert len(lines) == 1 + 5 + 12 + 1
    code, out, _ = run(capsys, "events", "list", "--db", str(demo_db))
    assert code == 0 and "Atelier budget primitif" in out
    code, out, _ = run(capsys, "surveys", "list", "--db", str(demo_db))
    assert code == 0 and out.count("questionnaire de satisfaction") == 3


def test_plan_register_attend_and_errors_EVT_3_EVT_4(
    demo_db: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = str(demo_db)
    code, _, err = run(capsys, "events", "plan", "Passé", "--db", db, "--type", "matinale",
                       "--format", "distanciel", "--seance", "2020-01-09;Visio")  # fmt: skip
    assert code == 2 and "date d'événement passée" in err and "[EVT-2]" in err
    code, _, err = run(capsys, "events", "plan", "Bientôt", "--db", db, "--type", "matinale",
                       "--format", "distanciel", "--seance", f"{thursday(10)};Visio;;09:00-10:00")  # fmt: skip
    assert code == 2 and "[EVT-3]" in err
    code, _, err = run(capsys, "events", "plan", "Négatif", "--db", db, "--type", "matinale",
                       "--format", "distanciel", "--seance", f"{thursday(60)};Visio;-1")  # fmt: skip
    assert code == 2 and "capacité invalide" in err
    code, out, _ = run(capsys, "events", "plan", "Atelier RH", "--db", db, "--type", "atelier thématique",
                       "--format", "présentiel", "--seance", f"{thursday(60)};Niort;1", "--sujet", "RH",
                       "--cout", "80,50", "--commune", "79307")  # fmt: skip
    assert code == 0, out
    event_id = out.split(":")[1].split()[0]
    session_id = out.splitlines()[1].split()[1]
    code, out, _ = run(capsys, "events", "timeline", event_id[:8], "--db", db)
    assert code == 0 and "invitation" in out and "remerciements à la commune d'accueil" in out
    with rsgm_core.open(db) as app:
        member_ids = [m.id for m in app.members.list_members()][:2]
    code, out, _ = run(capsys, "events", "register", session_id[:8], member_ids[0], "--db", db)
    assert code == 0 and "inscrit" in out
    code, out, _ = run(capsys, "events", "register", session_id[:8], member_ids[1], "--db", db)
    assert code == 0 and "liste d'attente" in out
    code, _, err = run(capsys, "events", "register", session_id[:8], "inconnu", "--db", db)
    assert code == 2 and "« inconnu » est trop court pour nommer un membre" in err
    code, _, err = run(capsys, "events", "register", session_id[:8], "inconnu@example.org", "--db", db)  # fmt: skip
    assert code == 2 and "aucun membre n'a l'adresse « inconnu@example.org »" in err
    code, _, err = run(capsys, "events", "attend", session_id[:8], member_ids[0], "--db", db)
    assert code == 2 and "pas encore eu lieu" in err
    code, _, err = run(capsys, "events", "sheet", session_id[:8], "--db", db, "--format", "csv")
    assert code == 2 and "--par" in err  # CHA-2: a nominative sheet names who exports it
    code, out, _ = run(capsys, "events", "sheet", session_id[:8], "--db", db, "--format", "csv",
                       "--par", "anne.chevalier@cdg79.example.org")  # fmt: skip
    assert code == 0 and len(out.splitlines()) == 2
    code, out, _ = run(
        capsys, "events", "todo", "--db", db, "--du", thursday(0), "--au", thursday(70)
    )
    assert code == 0 and "Atelier RH" in out


def test_calendar_export_and_certificates_EVT_6_EVT_8(
    demo_db: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    ics = tmp_path / "agenda.ics"
    code, out, _ = run(capsys, "calendar", "export", "--db", str(demo_db), "--sortie", str(ics))
    assert code == 0
    events = icalendar.Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
    assert len(events) >= 7 and any("RRULE" in e for e in events)
    code, _, err = run(capsys, "calendar", "add-series", "X", "--db", str(demo_db), "--type", "matinale",
                       "--format", "distanciel", "--debut", "2030-01-03T09:00", "--regle", "FREQ=PARFOIS")  # fmt: skip
    assert code == 2 and "[EVT-8]" in err
    code, out, _ = run(capsys, "events", "list", "--db", str(demo_db))
    webinar = next(line.split()[0] for line in out.splitlines() if "Webinaire" in line)
    folder = tmp_path / "attestations"
    # EVT-6: no profile, no identity: refused, naming the [cdg] section, nothing written.
    code, _, err = run(
        capsys, "events", "certificates", webinar, "--db", str(demo_db), "--dossier", str(folder)
    )
    assert code == 2 and "[cdg]" in err and "[EVT-6]" in err and not folder.exists()
    profile = str(example_profile("cdg79"))
    code, out, _ = run(capsys, "events", "certificates", webinar, "--db", str(demo_db),
                       "--dossier", str(folder), "--config", profile)  # fmt: skip
    assert code == 0
    files = sorted(folder.iterdir())
    assert files and all("attestation-presence" in f.name for f in files)
    text = files[0].read_text(encoding="utf-8")
    assert "Attestation de présence" in text
    assert "Centre de gestion de la fonction publique territoriale des Deux-Sèvres" in text
    assert "Alain Lecointe, Président du CDG 79, atteste que" in text
    assert "Fait à Saint-Maixent-l&#39;École, le " in text


def test_surveys_and_newsletter_SUR_1_EVT_10(
    demo_db: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = run(capsys, "surveys", "due", "--db", str(demo_db))
    assert code == 0 and "enquête approfondie" in out
    text = tmp_path / "lettre.txt"
    text.write_text("Au sommaire : …", encoding="utf-8")
    code, _, err = run(
        capsys, "newsletter", "send", "Deuxième", "--db", str(demo_db), "--texte", str(text)
    )
    assert code == 2 and "[EVT-10]" in err  # the demo sent this month's
    code, out, _ = run(
        capsys,
        "newsletter",
        "send",
        "Deuxième",
        "--db",
        str(demo_db),
        "--texte",
        str(text),
        "--forcer",
    )
    # NOT-3: recorded, but with no transport configured nothing left: said, and exit status 1
    assert code == 1 and "forcée" in out and "non envoyé" in out and "[smtp]" in out


EVENT_TEMPLATES = (
    "event_invitation", "event_reminder", "event_waiting_list_promotion", "event_minutes",
    "event_host_thanks", "event_certificate", "survey_invitation", "newsletter",
)  # fmt: skip


@pytest.mark.parametrize("name", EVENT_TEMPLATES)
def test_every_event_template_previews_from_its_sample_NOT_2(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "outbox", "preview", name, "--html")
    assert code == 0, err
    assert out.startswith("Objet : ") and "--- HTML ---" in out and "{{" not in out


def test_the_audience_of_an_event_sets_who_registers_EVT_4_MEM_14(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(demo_db)
    code, out, _ = run(capsys, "members", "add", "Paul", "Prospect", "--email", "paul.prospect@example.org",
                       "--etape", "prospect", "--commune", "79019", "--db", db)  # fmt: skip
    assert code == 0, out
    prospect = out.split("(")[-1].rstrip(")\n")
    sessions = {}
    for audience in ("membres", "sgm_du_ressort"):
        code, out, _ = run(capsys, "events", "plan", f"Matinale {audience}", "--db", db, "--type", "matinale",
                           "--format", "distanciel", "--seance", f"{thursday(60)};Visio", "--public", audience)  # fmt: skip
        assert code == 0, out
        sessions[audience] = out.splitlines()[1].split()[1]
    assert "public : tous les SGM du ressort" in out
    code, _, err = run(capsys, "events", "register", sessions["membres"][:8], prospect, "--db", db)
    assert code == 2 and "réservé aux membres" in err and "[EVT-4]" in err
    code, out, _ = run(
        capsys, "events", "register", sessions["sgm_du_ressort"][:8], prospect, "--db", db
    )
    assert code == 0 and "inscrit" in out
    code, _, err = run(capsys, "events", "attend", sessions["membres"][:8], "--sur-place", prospect,
                       "--db", db)  # fmt: skip
    assert code == 2 and "réservé aux membres" in err  # a walk-in is taken as the event allows
    code, _, err = run(capsys, "events", "plan", "X", "--db", db, "--type", "matinale", "--format", "distanciel",
                       "--seance", f"{thursday(60)};Visio", "--public", "tous")  # fmt: skip
    assert code == 2 and "tous" in err
