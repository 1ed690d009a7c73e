"""``rsgm links PERSONNE BUT`` (NOT-3): a person's link for a phone call, from a profile whose
``[web]`` section ``rsgm init`` wrote; French refusals with exit code 2."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import rsgm_core
from rsgm_core import Settings
from rsgm_core.profile_file import example_profile
from tests.conftest import SAMPLE
from tests.helpers import new_database, run


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("RSGM_DB", raising=False)
    monkeypatch.delenv("RSGM_CONFIG", raising=False)
    return tmp_path


def test_init_writes_a_random_secret_and_says_what_is_missing_NOT_3(
    capsys: pytest.CaptureFixture[str], here: Path
) -> None:
    code, out, err = run(capsys, "init", "--cdg", "CDG 77", "--departements", "77",
                         "--administrateur", "marie.durand@cdg77.fr")  # fmt: skip
    assert code == 0, err
    settings = Settings.from_file(here / "rsgm.toml")
    secret = settings.plugin("web")["secret"]
    assert len(secret) >= 32 and "public_url" not in settings.plugin("web")
    assert "secret des liens personnels tiré au hasard" in out
    assert "pas d'adresse publique ([web] url_publique)" in out
    other = here / "autre"
    code, out, err = run(capsys, "init", "--profil", "cdg79", "--dossier", str(other),
                         "--administrateur", "marie.durand@cdg79.fr")  # fmt: skip
    assert code == 0, err
    copied = Settings.from_file(other / "rsgm.toml").plugin("web")
    assert copied["secret"] != secret and len(copied["secret"]) >= 32
    assert "adresse d'exemple https://reseau-sgm.cdg79.example" in out


def test_the_example_profile_names_an_address_but_no_secret_NOT_3() -> None:
    web = Settings.from_file(example_profile("cdg79")).plugin("web")
    assert web["public_url"] == "https://reseau-sgm.cdg79.example" and "secret" not in web
    assert "# secret = " in example_profile("cdg79").read_text(encoding="utf-8")


def test_rsgm_links_prints_a_working_link_NOT_3(
    capsys: pytest.CaptureFixture[str], here: Path
) -> None:
    code, _, err = run(capsys, "init", "--profil", "cdg79", "--administrateur",
                       "marie.durand@cdg79.fr")  # fmt: skip
    assert code == 0, err
    code, out, err = run(capsys, "links", "marie.durand@cdg79.fr", "desabonnement")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "Lien pour se désabonner des envois, au nom de Marie Durand :"
    assert re.fullmatch(r"https://reseau-sgm\.cdg79\.example/d/[\w-]+\.[\w-]+", lines[1])
    assert lines[2].startswith("Valable jusqu'au ") and "personnel" in lines[2]
    settings = Settings.from_file(here / "rsgm.toml")
    with rsgm_core.open(settings=settings) as app:
        check = app.links.verify(lines[1].rpartition("/")[2], purpose="desabonnement")
        assert check.person == "Marie Durand"
        app.census.import_(SAMPLE, ["79"])
        survey = app.surveys.send("enquête de besoins", title="Vos besoins")
    code, out, err = run(capsys, "links", "marie.durand@cdg79.fr", "questionnaire",
                         "--objet", survey.id[:8])  # fmt: skip
    assert code == 0, err
    assert "(« Vos besoins »)" in out and "il ne sert qu'une fois" in out
    code, out, err = run(capsys, "links", "marie.durand@cdg79.fr", "inscription")
    assert code == 2 and "nomme l'événement (--objet)" in err and "Traceback" not in err
    code, out, err = run(capsys, "links", "personne@example.org", "annuaire")
    assert code == 2 and "aucun membre n'a l'adresse" in err
    code, out, err = run(capsys, "links", "marie.durand@cdg79.fr", "rien")
    assert code == 2 and "choix invalide" in err


def test_rsgm_links_without_a_secret_says_what_to_set_NOT_3(
    capsys: pytest.CaptureFixture[str], here: Path
) -> None:
    profile = str(example_profile("cdg79"))
    code, _, err = run(capsys, "links", "x@example.org", "annuaire", "--config", profile,
                         "--db", new_database(here / "vide.db"))  # fmt: skip
    assert code == 2
    assert "renseignez secret dans la section [web] du profil" in err


def test_rsgm_link_requests_queues_one_message_a_person_with_its_link_NOT_3_MEM_3(
    capsys: pytest.CaptureFixture[str], here: Path
) -> None:
    code, _, err = run(capsys, "init", "--profil", "cdg79", "--administrateur",
                       "marie.durand@cdg79.fr")  # fmt: skip
    assert code == 0, err
    settings = Settings.from_file(here / "rsgm.toml")
    with rsgm_core.open(settings=settings) as app:
        app.census.import_(SAMPLE, ["79"])
        for first in ("Claire", "Paul"):
            member = app.members.add(first, "Martin", email=f"{first.lower()}@mairie.example.fr")
            app.members.add_position(member.id, "79005", "sgm")
    code, out, err = run(capsys, "link-requests", "consentement")
    assert code == 0, err
    # the administrator rsgm init recorded is a member too
    assert out.startswith("3 messages de demande d'accord pour l'annuaire (MEM-3) mis dans")
    with rsgm_core.open(settings=settings) as app:
        asked = [m for m in app.outbox.list_messages() if m.template == "consent_request"]
        assert sorted(m.recipient for m in asked) == [
            "claire@mairie.example.fr", "marie.durand@cdg79.fr", "paul@mairie.example.fr"
        ]  # fmt: skip
        link = next(w for w in asked[0].body_text.split() if "/c/" in w)
        app.links.use(link.rpartition("/")[2])  # one of them gives it
    code, out, err = run(capsys, "link-requests", "consentement")
    assert code == 0 and out.startswith("2 messages de demande d'accord"), err
    code, out, err = run(capsys, "link-requests", "annuaire", "--membre",
                         "claire@mairie.example.fr")  # fmt: skip
    assert code == 0 and out.startswith("1 message de demande de mise à jour"), err
    code, out, err = run(capsys, "link-requests", "inscription")
    assert code == 2 and "choix invalide" in err
    code, out, err = run(capsys, "link-requests", "annuaire", "--membre", "x@example.org")
    assert code == 2 and "aucun membre n'a l'adresse" in err
