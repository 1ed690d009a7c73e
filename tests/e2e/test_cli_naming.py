"""One way to name a record on every command (issue 20, item 2), on the demo database: a full id,
an id prefix of 8 characters or more, or a person's e-mail; a shorter prefix is a French error;
an ambiguous one lists the candidates by name. Outputs name people by name and communes by name
and INSEE code, not by uuid."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

import rsgm_core
from rsgm_core.cli import main
from tests.helpers import give_id, run

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo-naming") / "demo.db"
    assert main(["demo", "--db", str(path)]) == 0
    return path


def _someone(db: Path) -> tuple[str, str, str, str]:
    """A member with an e-mail and a position: id, e-mail, name, the position's commune code."""
    with rsgm_core.open(f"sqlite:///{db}") as app:
        for member in app.members.list_members(lifecycle="actif"):
            positions = app.members.list_positions(member_id=member.id)
            if member.email and positions:
                return member.id, member.email, member.full_name, positions[0].commune
    raise AssertionError("the demo has no member with a position")


def test_members_show_names_the_commune_beside_its_code(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    member_id, email, name, code = _someone(demo_db)
    with rsgm_core.open(f"sqlite:///{demo_db}") as app, app.deps.read() as uow:
        commune = uow.communes.get(code).name
    for ref in (member_id, member_id[:8], email.upper()):
        code_, out, err = run(capsys, "members", "show", ref, "--db", str(demo_db))
        assert code_ == 0, err
        assert out.startswith(name)
        poste = next(line for line in out.splitlines() if "poste :" in line)
        assert f"poste : {commune} ({code}), " in poste


@pytest.mark.parametrize(
    "argv",
    [
        ("members", "show", "{short}"),
        ("access", "explain", "{short}", "--espace", "departemental", "--role", "visiteur"),
        ("events", "register", "01234567", "{short}"),
        ("toolbox", "publish", "{short}", "--revue", "2030-01-01", "--par", "x@example.org"),
        ("advice", "answer", "{short}", "réponse"),
        ("interventions", "add", "79191", "--le", "2025-03-01", "--type", "conseil",
         "--duree", "30", "--stagiaire", "{short}", "--par", "x@example.org"),
        ("access", "lift", "{short}", "--motif", "erreur", "--par", "x@example.org"),
        ("access", "accept", "{short}", "--par", "x@example.org"),
        ("surveys", "answer", "{short}", "--note", "4"),
    ],
)  # fmt: skip
def test_a_prefix_shorter_than_8_characters_is_refused_on_every_command(
    argv: tuple[str, ...], demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = demo_db.read_bytes()
    args = [a.replace("{short}", "3f2a9c1") for a in argv]
    code, out, err = run(capsys, *args, "--db", str(demo_db))
    assert code == 2 and "« 3f2a9c1 » est trop court pour nommer" in err, (argv, out, err)
    assert "au moins ses 8 premiers caractères" in err and "Traceback" not in err
    assert demo_db.read_bytes() == before  # nothing written


def test_a_person_by_e_mail_registers_and_the_output_names_them(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    member_id, email, name, code = _someone(demo_db)
    day = dt.date.today() + dt.timedelta(days=60)
    code_, out, _ = run(capsys, "events", "plan", "Atelier nommage", "--db", str(demo_db),
                        "--type", "atelier thématique", "--format", "présentiel",
                        "--seance", f"{day};Niort;30", "--commune", "79191")  # fmt: skip
    assert code_ == 0 and "« Atelier nommage »" in out
    session = out.splitlines()[1].split()[1]
    assert len(session) == 8
    code_, out, err = run(capsys, "events", "register", session, email, "--db", str(demo_db))
    assert code_ == 0, err
    assert re.fullmatch(rf"inscription (de |d'){re.escape(name)} \(.*{code}.*\) : inscrite \(rang 1\)\n", out), out  # fmt: skip
    assert not UUID.search(out)
    with rsgm_core.open(f"sqlite:///{demo_db}") as app:
        [registration] = [
            r
            for r in app.registrations.list_registrations(member_id=member_id)
            if r.session_id.startswith(session)
        ]
    code_, out, _ = run(capsys, "events", "cancel", registration.id[:8], "--db", str(demo_db))
    assert code_ == 0
    assert re.fullmatch(rf"inscription (de |d'){re.escape(name)} \(.*{code}.*\) annulée\n", out), (
        out
    )
    assert not UUID.search(out)


def test_an_ambiguous_prefix_lists_the_candidates_by_name(
    demo_db: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "twins.db"
    db.write_bytes(demo_db.read_bytes())
    with rsgm_core.open(f"sqlite:///{db}") as app:
        one = app.members.add("Odile", "Martin", email="odile.martin@example.org", welcome=False)
        two = app.members.add("Yves", "Martin", email="yves.martin@example.org", welcome=False)
        with app.deps.transaction() as uow:
            for member, tail in ((one, "1"), (two, "2")):
                give_id(uow, member, f"abcdef12-000{tail}-4000-8000-000000000000")
    code, _, err = run(capsys, "members", "show", "abcdef12", "--db", str(db))
    assert code == 2
    assert "« abcdef12 » est ambigu : 2 membres y correspondent : " in err
    assert "Odile Martin (abcdef12-0001)" in err and "Yves Martin (abcdef12-0002)" in err
    code, out, _ = run(capsys, "members", "show", "abcdef12-0002", "--db", str(db))
    assert code == 0 and out.startswith("Yves Martin")
