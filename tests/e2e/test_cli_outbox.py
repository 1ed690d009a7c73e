"""`rsgm outbox list|send|retry|preview` against a real SMTP server on 127.0.0.1, configured the
way the command is: through RSGM_SMTP_* and RSGM_OUTBOX_* environment variables (NOT-1, NOT-2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import rsgm_core
from rsgm_core import Member, MessageStatus
from tests.helpers import run
from tests.smtp_server import Server, server_fixture  # noqa: F401

EMAIL = "elodie.rousseau@caunay.fr"


def queue_one(db: Path) -> str:
    with rsgm_core.open(f"sqlite:///{db}") as app:
        member = Member("m-1", "Élodie", "Rousseau", EMAIL)
        message = app.outbox.queue("member_welcome", EMAIL, {"member": member, "commune": None})
        return message.id


def test_dead_letter_list_retry_and_send(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    server: tuple[Server, int],
) -> None:
    handler, port = server
    for key, value in {"HOST": "127.0.0.1", "PORT": str(port), "SECURITY": "none"}.items():
        monkeypatch.setenv(f"RSGM_SMTP_{key}", value)
    monkeypatch.setenv("RSGM_SMTP_SENDER", "reseau-sgm@cdg79.fr")
    handler.rcpt_replies = ["550 5.1.1 Destinataire inconnu"]
    db = tmp_path / "cdg79.db"
    key = queue_one(db)  # delivered after commit: refused for good
    code, out, _ = run(capsys, "outbox", "list", "--dead", "--db", str(db))
    assert code == 0 and key[:8] in out and "echec" in out and "550" in out
    code, out, _ = run(capsys, "outbox", "send", "--db", str(db))
    assert code == 0 and "0 message envoyé" in out  # a dead message waits for an animator
    code, out, _ = run(capsys, "outbox", "retry", "--dead", key[:8], "--db", str(db))
    assert code == 0 and "1 message remis en attente" in out and "1 message envoyé" in out
    assert [m["Message-ID"] for m in handler.received] == [f"<{key}@cdg79.fr>"]
    code, out, _ = run(capsys, "outbox", "list", "--status", "sent", "--db", str(db))
    assert code == 0 and key[:8] in out
    code, _, err = run(capsys, "outbox", "retry", "--dead", "zzz", "--db", str(db))
    assert code == 2 and "zzz" in err


def test_send_honours_the_sending_hours(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("RSGM_DISABLE_PLUGINS", "log_notifier")  # nothing answers: stays queued
    db = tmp_path / "cdg79.db"
    key = queue_one(db)
    monkeypatch.setenv("RSGM_OUTBOX_HOURS", "00:00-00:01")  # closed (unless run at midnight)
    code, out, _ = run(capsys, "outbox", "retry", "--db", str(db))
    assert "1 différé" in out or "1 en échec temporaire" in out
    with rsgm_core.open(f"sqlite:///{db}") as app:
        assert app.outbox.get(key).status is MessageStatus.PENDING
    monkeypatch.setenv("RSGM_OUTBOX_HOURS", "8h")
    code, _, err = run(capsys, "outbox", "send", "--db", str(db))
    assert code == 2 and "outbox.hours" in err


def test_preview_renders_the_sample_and_a_given_context_NOT_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = run(capsys, "outbox", "preview", "member_welcome", "--html")
    assert code == 0 and out.startswith("Objet : Bienvenue dans le réseau")
    assert "Bonjour Élodie Rousseau," in out and "<p>Bonjour Élodie Rousseau,</p>" in out
    context = tmp_path / "ctx.json"
    context.write_text(json.dumps({"member": {"first_name": "<Jean>", "last_name": "Péroux"}}))
    code, out, _ = run(
        capsys, "outbox", "preview", "member_welcome", "--context", str(context), "--html"
    )
    assert code == 2  # `commune` is missing from the given context: said at render time
    context.write_text(
        json.dumps({"member": {"first_name": "<Jean>", "last_name": "Péroux"}, "commune": None})
    )
    code, out, _ = run(
        capsys, "outbox", "preview", "member_welcome", "--context", str(context), "--html"
    )
    assert code == 0 and "Bonjour <Jean> Péroux," in out and "&lt;Jean&gt;" in out
    code, _, err = run(capsys, "outbox", "preview", "no_such_message")
    assert code == 2 and "no_such_message" in err and "NOT-2" in err


def smtp_environment(monkeypatch: pytest.MonkeyPatch, port: int) -> None:
    for key, value in {"HOST": "127.0.0.1", "PORT": str(port), "SECURITY": "none"}.items():
        monkeypatch.setenv(f"RSGM_SMTP_{key}", value)
    monkeypatch.setenv("RSGM_SMTP_SENDER", "reseau-sgm@cdg79.fr")


def no_smtp_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("HOST", "PORT", "SECURITY", "SENDER", "USERNAME", "PASSWORD"):
        monkeypatch.delenv(f"RSGM_SMTP_{key}", raising=False)


def test_send_without_a_transport_says_so_and_exits_1_NOT_3(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    no_smtp_environment(monkeypatch)
    db = tmp_path / "cdg79.db"
    key = queue_one(db)
    code, out, _ = run(capsys, "outbox", "send", "--db", str(db))
    assert code == 1 and "0 message envoyé" in out
    assert "1 en attente, non envoyé : aucun moyen d'envoi n'est configuré" in out
    assert "section [smtp] du profil" in out and "docs/plugins/smtp.md" in out
    code, out, _ = run(capsys, "outbox", "list", "--status", "pending", "--db", str(db))
    assert code == 0 and key[:8] in out and "section [smtp]" in out
    with rsgm_core.open(f"sqlite:///{db}") as app:
        assert app.outbox.get(key).status is MessageStatus.PENDING


def test_resend_a_message_marked_sent_by_mistake_NOT_3(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    server: tuple[Server, int],
) -> None:
    handler, port = server
    smtp_environment(monkeypatch, port)
    db = tmp_path / "cdg79.db"
    key = queue_one(db)  # delivered after commit
    code, _, err = run(capsys, "outbox", "resend", key[:8], "--db", str(db))
    assert code == 2 and "--par" in err  # who asks is required
    code, out, _ = run(
        capsys, "outbox", "resend", key[:8], "--par", "Claire Martin", "--db", str(db)
    )
    assert code == 0 and f"message {key[:8]} à {EMAIL} remis en file" in out
    assert "demandé par Claire Martin" in out and "1 message envoyé" in out
    assert [m["Message-ID"] for m in handler.received] == [f"<{key}@cdg79.fr>"] * 2
    with rsgm_core.open(f"sqlite:///{db}") as app:
        assert app.outbox.get(key).resent_by == "Claire Martin"
    code, _, err = run(capsys, "outbox", "resend", "zzz", "--par", "Claire Martin", "--db", str(db))
    assert code == 2 and "« zzz » est trop court pour nommer un message" in err
    code, _, err = run(capsys, "outbox", "resend", "zzzzzzzz", "--par", "Claire Martin", "--db", str(db))  # fmt: skip
    assert code == 2 and "zzzzzzzz" in err and "aucun message marqué envoyé ne correspond" in err


def test_newsletter_with_the_smtp_server_down_reports_failure_NOT_1_NOT_3(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from tests.smtp_server import free_port

    smtp_environment(monkeypatch, free_port())  # nothing listens: the server is down
    monkeypatch.setenv("RSGM_SMTP_TIMEOUT", "2")
    db = tmp_path / "cdg79.db"
    with rsgm_core.open(f"sqlite:///{db}") as app:
        for n in range(2):
            app.members.add("Jean", f"Péroux{n}", email=f"jean.peroux{n}@caunay.fr")
    text = tmp_path / "lettre.txt"
    text.write_text("Au sommaire : …", encoding="utf-8")
    code, out, _ = run(capsys, "newsletter", "send", "Mars", "--texte", str(text), "--db", str(db))
    assert code == 1 and "lettre d'information enregistrée pour 2 membres" in out
    assert "0 message envoyé, 2 en échec temporaire" in out and "envoyée" not in out


def test_any_process_that_queues_mail_without_a_transport_says_so_on_stderr_NOT_3(
    tmp_path: Path,
) -> None:
    """No logging set up, as in `rsgm` and most scripts: the warning of the use case that queued
    the message reaches standard error, in French, naming the `[smtp]` section."""
    import os
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'cdg79.db'}"
    script = (
        "import rsgm_core\n"
        f"with rsgm_core.open({url!r}) as app:\n"
        f"    app.members.add('Élodie', 'Rousseau', email={EMAIL!r}, welcome=True)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("RSGM_SMTP_")}
    source = Path(__file__).resolve().parents[2] / "src"  # this checkout, not an installed copy
    env["PYTHONPATH"] = os.pathsep.join([str(source), env.get("PYTHONPATH", "")])
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert "1 message mis en file : 0 message envoyé" in done.stderr
    assert "non envoyé : aucun moyen d'envoi n'est configuré" in done.stderr
    assert "section [smtp] du profil (voir docs/plugins/smtp.md)" in done.stderr
    assert "Traceback" not in done.stderr
