"""``rsgm serve`` and ``rsgm web hash-password`` (docs/cli.md): the server refuses a profile
without ``[web]``, runs the application with uvicorn and keeps link tokens out of its access
log; the hash command prints the profile line, never the password."""

from __future__ import annotations

import http.client
import io
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

import rsgm_core
from rsgm_core import Settings
from rsgm_core.web.passwords import verify_password
from tests.helpers import run

SRC = Path(rsgm_core.__file__).resolve().parents[1]
SECRET = "secret-de-test-pour-rsgm-serve-0123456789"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_refuses_a_profile_without_its_web_section_NOT_3(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    profile = tmp_path / "rsgm.toml"
    profile.write_text('[base]\nurl = "rsgm.db"\n', encoding="utf-8")
    code, out, err = run(capsys, "serve", "--config", str(profile))
    assert code == 2 and out == ""
    assert "renseignez url_publique et secret dans la section [web] du profil" in err
    assert "Traceback" not in err
    code, _, err = run(capsys, "serve", "--config", str(profile), "--port", "70000")
    assert code == 2 and "port invalide" in err


def test_hash_password_prints_the_profile_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("un mot de passe assez long\n"))
    code, out, _ = run(capsys, "web", "hash-password", "--email", "anne@cdg79.fr")
    assert code == 0 and "un mot de passe" not in out
    line = out.splitlines()[-1]
    assert line.startswith('animateurs = [{ email = "anne@cdg79.fr", mot_de_passe = "scrypt$')
    hashed = line.split('mot_de_passe = "')[1].split('"')[0]
    assert verify_password("un mot de passe assez long", hashed)
    monkeypatch.setattr(sys, "stdin", io.StringIO("court\n"))
    code, _, err = run(capsys, "web", "hash-password")
    assert code == 2 and "mot de passe trop court" in err


def test_serve_runs_the_pages_and_logs_no_token_NOT_3(tmp_path: Path) -> None:
    port = free_port()
    profile = tmp_path / "rsgm.toml"
    profile.write_text(
        f'[base]\nurl = "rsgm.db"\n\n[web]\nurl_publique = "http://127.0.0.1:{port}"\n'
        f'secret = "{SECRET}"\n',
        encoding="utf-8",
    )
    settings = Settings.from_file(profile)
    with rsgm_core.open(settings=settings) as app:
        member = app.members.add("Claire", "Martin", email="claire.martin@example.org")
        link = app.links.issue("desabonnement", member_id=member.id)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "rsgm_core", "serve", "--config", str(profile), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", f"/d/{link.token}")
                response = connection.getresponse()
                break
            except OSError:
                assert server.poll() is None, server.communicate()
                assert time.monotonic() < deadline, "le serveur ne répond pas"
                time.sleep(0.1)
        body = response.read().decode("utf-8")
        assert response.status == 200 and "Je me désabonne" in body
        assert response.getheader("Referrer-Policy") == "no-referrer"
        assert response.getheader("Server") is None
        set_cookie = response.getheader("Set-Cookie") or ""
        assert set_cookie.startswith("rsgm=") and "Secure" not in set_cookie  # http://127.0.0.1
        connection.close()
    finally:
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=20)
    assert f"application web sur http://127.0.0.1:{port}" in out
    assert "application web arrêtée" in out
    logs = out + err
    assert link.token not in logs and link.token[:24] not in logs
    assert '"GET /d/[jeton masqué] HTTP/1.1" 200' in logs
