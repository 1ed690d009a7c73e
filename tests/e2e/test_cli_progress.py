"""Long commands show a progress line on a terminal (a real pseudo-terminal here), never on a
pipe nor with ``--quiet``; and every command but ``init``, ``demo`` and ``db init`` refuses a
database that does not exist instead of creating an empty one."""

from __future__ import annotations

import contextlib
import os
import select
import subprocess
import sys
from pathlib import Path

import pytest

from rsgm_core.cli.progress import TerminalProgress
from tests.conftest import SAMPLE
from tests.helpers import new_database, run

ROOT = Path(__file__).resolve().parents[2]


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def read_all(fd: int) -> str:
    """Everything waiting on the terminal's master side."""
    chunks = []
    while select.select([fd], [], [], 0.2)[0]:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # the other side closed (Linux: EIO)
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks).decode("utf-8")


@pytest.fixture
def terminal() -> tuple[int, int]:
    master, slave = os.openpty()
    yield master, slave
    for fd in (master, slave):
        with contextlib.suppress(OSError):
            os.close(fd)


def test_the_line_shows_count_total_and_rate_then_what_was_done(
    terminal: tuple[int, int],
) -> None:
    master, slave = terminal
    clock = FakeClock()
    with open(slave, "w", encoding="utf-8", closefd=False) as stream:
        progress = TerminalProgress(stream, clock=clock)
        assert progress.active
        progress("lecture", 0, 1)
        progress("lecture", 1, 1)
        progress("communes", 0, 34935)
        clock.now += 2.969
        progress("communes", 12500, 34935)
        shown = read_all(master)
        assert "lecture…" in shown
        assert "12 500 / 34 935 communes · 4 210/s" in shown
        clock.now += 0.01
        progress("communes", 12600, 34935)  # too soon: not redrawn
        assert read_all(master) == ""
        clock.now += 5.0
        progress("communes", 34935, 34935)
        progress.close()
    shown = read_all(master)
    assert "34 935 / 34 935 communes" in shown
    assert "34 935 communes en 8,0 s (4 378/s)" in shown and shown.endswith("\n")
    assert progress.lines == ["34 935 communes en 8,0 s (4 378/s)"]


def test_quiet_on_a_pipe_and_with_quiet() -> None:
    read, write = os.pipe()
    try:
        with open(write, "w", encoding="utf-8") as stream:
            progress = TerminalProgress(stream)
            progress("communes", 1, 2)
            progress.close()
            assert not progress.active
        assert os.read(read, 100) == b""
    finally:
        os.close(read)
    master, slave = os.openpty()
    try:
        with open(slave, "w", encoding="utf-8") as stream:
            quiet = TerminalProgress(stream, quiet=True)
            quiet("communes", 1, 2)
            quiet.close()
        assert read_all(master) == ""
    finally:
        os.close(master)


def rsgm(*argv: str, stderr: int | None, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop("RSGM_CONFIG", None)
    env.pop("RSGM_DB", None)
    return subprocess.run(
        [sys.executable, "-m", "rsgm_core", *argv],
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
        env=env,
        cwd=cwd,
        timeout=300,
        check=False,
    )


def test_census_import_shows_its_progress_on_a_terminal_only_TER_1(tmp_path: Path) -> None:
    command = ("census", "import", "--source", str(SAMPLE), "--departement", "79")
    master, slave = os.openpty()
    try:
        db = new_database(tmp_path / "tty.db")
        done = rsgm(*command, "--db", db, stderr=slave, cwd=tmp_path)
        shown = read_all(master)
    finally:
        os.close(slave)
        os.close(master)
    assert done.returncode == 0 and "importé" in done.stdout
    assert "lecture…" in shown and " / " in shown and "communes en " in shown, shown
    piped = rsgm(*command, "--db", new_database(tmp_path / "pipe.db"), stderr=subprocess.PIPE,
                 cwd=tmp_path)  # fmt: skip
    assert piped.returncode == 0 and piped.stderr == ""
    assert piped.stdout == done.stdout.replace("tty.db", "pipe.db")  # the same words either way
    master, slave = os.openpty()
    try:
        db = new_database(tmp_path / "quiet.db")
        quiet = rsgm(*command, "--db", db, "-q", stderr=slave, cwd=tmp_path)
        assert quiet.returncode == 0 and read_all(master) == ""
    finally:
        os.close(slave)
        os.close(master)


def test_member_import_shows_its_rows_on_a_terminal_MEM_1(tmp_path: Path) -> None:
    db = new_database(tmp_path / "tty.db")
    assert rsgm("census", "import", "--source", str(SAMPLE), "--departement", "79", "--db", db,
                stderr=subprocess.PIPE, cwd=tmp_path).returncode == 0  # fmt: skip
    sheet = tmp_path / "agents.csv"
    rows = [f"Prénom{n};Nom{n};agent{n}@mairie.example.fr;79005;sgm" for n in range(1200)]
    sheet.write_text("Prénom;Nom;Courriel;Code INSEE;Fonction\n" + "\n".join(rows) + "\n",
                     encoding="utf-8")  # fmt: skip
    master, slave = os.openpty()
    try:
        done = rsgm("members", "import", str(sheet), "--essai", "--db", db, stderr=slave,
                    cwd=tmp_path)  # fmt: skip
        shown = read_all(master)
    finally:
        os.close(slave)
        os.close(master)
    assert done.returncode == 0, done.stdout
    assert "1 200 / 1 200 lignes" in shown and "1 200 lignes en " in shown, shown
    piped = rsgm("members", "import", str(sheet), "--essai", "--db", db, stderr=subprocess.PIPE,
                 cwd=tmp_path)  # fmt: skip
    assert piped.stderr == "" and piped.stdout == done.stdout


def test_the_help_of_quiet_is_french(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "outbox", "send", "--help")
    assert code == 0 and "-q, --quiet, --silencieux" in out
    assert "ne pas afficher la progression" in out


# --db: a missing file is an error, never a new empty database ---------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ("members", "list"),
        ("census", "report"),
        ("db", "upgrade"),
        ("db", "info"),
        ("outbox", "send"),
        ("census", "import", "--departement", "79"),
    ],
)
def test_a_missing_database_is_a_french_error_and_nothing_is_created(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    argv: tuple[str, ...],
) -> None:
    monkeypatch.delenv("RSGM_CONFIG", raising=False)
    monkeypatch.delenv("RSGM_DB", raising=False)
    monkeypatch.chdir(tmp_path)
    typo = tmp_path / "cgd79.db"
    code, out, err = run(capsys, *argv, "--db", str(typo))
    assert code == 2 and out == ""
    assert err.startswith(f"rsgm : erreur : base introuvable : {typo} (nommée par --db) ; ")
    assert f"rsgm db init --db {typo}" in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_rsgm_db_and_the_profile_follow_the_same_rule(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RSGM_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RSGM_DB", str(tmp_path / "env.db"))
    code, _, err = run(capsys, "members", "list")
    assert code == 2 and "(nommée par $RSGM_DB)" in err and "« rsgm db init »" in err
    code, out, _ = run(capsys, "db", "init")
    assert code == 0 and out.startswith("base créée : ")
    code, out, _ = run(capsys, "db", "init")
    assert code == 0 and out.startswith("base prête : ")
    assert run(capsys, "members", "list")[0] == 0
    monkeypatch.delenv("RSGM_DB")
    (tmp_path / "rsgm.toml").write_text('[base]\nurl = "profil.db"\n', encoding="utf-8")
    code, _, err = run(capsys, "members", "list")
    assert code == 2 and "section [base] du profil" in err
    assert not (tmp_path / "profil.db").exists()
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    (tmp_path / "rsgm.toml").unlink()
    code, _, err = run(capsys, "members", "list")
    assert code == 2 and "la base par défaut, dans le dossier de données" in err
    assert not (tmp_path / "data").exists()


def test_a_server_url_is_left_to_its_driver(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "members", "list", "--db", "memory://")
    assert code == 0, err
    code, _, err = run(capsys, "members", "list", "--db", "postgresql+psycopg://x@127.0.0.1:1/x")
    assert code == 2 and "base introuvable" not in err


def test_demo_refuses_to_replace_an_existing_file_without_remplacer(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    precious = tmp_path / "cdg79.db"
    precious.write_bytes(b"la vraie base du CDG")
    code, out, err = run(capsys, "demo", "--db", str(precious))
    assert code == 2 and out == ""
    assert f"le fichier {precious} existe déjà" in err and "--remplacer" in err
    assert precious.read_bytes() == b"la vraie base du CDG"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cdg79.db"]
    code, out, err = run(capsys, "demo", "--db", str(precious), "--remplacer")
    assert code == 0, err
    assert precious.read_bytes() != b"la vraie base du CDG"


@pytest.mark.parametrize(
    ("url", "file"),
    [
        ("cdg79.db", "cdg79.db"),
        ("sqlite:///cdg79.db", "cdg79.db"),
        ("sqlite:////srv/rsgm/cdg79.db", "/srv/rsgm/cdg79.db"),
        ("sqlite+pysqlite:///cdg79.db?timeout=5", "cdg79.db"),
        ("sqlite://", None),
        ("sqlite:///:memory:", None),
        ("memory://", None),
        ("postgresql+psycopg://rsgm@db.cdg79.fr/rsgm", None),
    ],
)
def test_which_urls_name_a_file(url: str, file: str | None) -> None:
    from rsgm_core.cli.database import sqlite_file

    assert sqlite_file(url) == (None if file is None else Path(file))
