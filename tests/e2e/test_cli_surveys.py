"""A questionnaire campaign end to end (SUR-2): ``rsgm surveys create|questions|send`` from a
profile ``rsgm init`` wrote, an answer through the personal link's web page, one entered with
``rsgm surveys answer``, one imported, the results, and the restitution document written in HTML
and PDF, then opened and read."""

from __future__ import annotations

import re
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from starlette.testclient import TestClient

import rsgm_core
from rsgm_core import Settings
from rsgm_core.web import create_app
from rsgm_core.web.config import RateLimit
from tests.conftest import SAMPLE
from tests.helpers import run
from tests.web.conftest import csrf, main_text

PEOPLE = (("Claire", "Martin", "79005"), ("Paul", "Durand", "79018"), ("Sophie", "Roy", "79030"))


class _Reader(HTMLParser):
    """What a reader of the restitution finds: its headings, charts and listed texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.headings: list[str] = []
        self.items: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.tags.append(tag)
        if tag in ("h2", "li"):
            self._in = tag

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "h2":
            self.headings.append(data.strip())
        elif self._in == "li":
            self.items.append(data.strip())


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ("RSGM_DB", "RSGM_CONFIG", "RSGM_ACTEUR"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_a_campaign_from_questions_to_restitution_SUR_2_NOT_3(
    capsys: pytest.CaptureFixture[str], here: Path
) -> None:
    code, _, err = run(capsys, "init", "--profil", "cdg79", "--administrateur",
                       "marie.durand@cdg79.fr")  # fmt: skip
    assert code == 0, err
    settings = Settings.from_file(here / "rsgm.toml")
    with rsgm_core.open(settings=settings) as app:
        app.census.import_(SAMPLE, ["79"])
        for first, last, commune in PEOPLE:
            member = app.members.add(
                first, last, email=f"{first.lower()}.{last.lower()}@example.org"
            )
            app.members.add_position(member.id, commune, "sgm")

    code, out, err = run(capsys, "surveys", "create", "enquête de besoins", "--jeu", "besoins",
                         "--titre", "Vos besoins 2026")  # fmt: skip
    assert code == 0, err
    assert "préparé" in out and "non envoyé : 9 questions" in out
    survey = re.search(r"\((\w{8})\)", out).group(1)  # type: ignore[union-attr]
    code, _, err = run(capsys, "surveys", "questions", survey, "--cle", "outil",
                       "--intitule", "Votre outil préféré")  # fmt: skip
    assert code == 2 and "sans type" in err and "[SUR-2]" in err
    code, out, err = run(capsys, "surveys", "questions", survey, "--cle", "outil",
                         "--intitule", "Votre outil préféré", "--type", "texte libre")  # fmt: skip
    assert code == 0 and "question « outil » ajoutée en position 10" in out, err
    code, out, err = run(capsys, "surveys", "send", "--questionnaire", survey)
    assert code == 0 and "envoyé à 4 personnes" in out, err  # and the administrator

    # Claire answers through the link her invitation carries (NOT-3).
    with rsgm_core.open(settings=settings) as app:
        [message] = [m for m in app.outbox.list_messages()
                     if m.recipient == "claire.martin@example.org" and m.template == "survey_invitation"]  # fmt: skip
        url = re.search(r"https://\S+/q/[\w.-]+", message.body_text).group(0)  # type: ignore[union-attr]
        client = TestClient(create_app(app, rate_limit=RateLimit(per_minute=0)),
                            base_url="https://testserver")  # fmt: skip
        page = client.get(url.split(".example", 1)[1])
        assert "Vos besoins 2026" in main_text(page.text) and 'name="attentes"' in page.text
        done = client.post(url.split(".example", 1)[1], data={
            "csrf": csrf(page.text), "isolement": "4", "attentes": "se-former",
            "format": "presentiel", "communes": "2", "outil": "Un tableur partagé",
        })  # fmt: skip
        assert done.status_code == 200, main_text(done.text)

    code, out, err = run(capsys, "surveys", "answer", survey, "--membre", "paul.durand@example.org",
                         "--reponse", "isolement=2", "--reponse", "attentes=Se former;Une veille juridique",
                         "--reponse", "communes=3")  # fmt: skip
    assert code == 0, err
    code, _, err = run(capsys, "surveys", "answer", survey, "--membre", "paul.durand@example.org",
                       "--reponse", "isolement=5")  # fmt: skip
    assert code == 2 and "déjà répondu" in err and "[SUR-2]" in err
    answers = here / "reponses.csv"
    answers.write_text("email;isolement;format;communes\nsophie.roy@example.org;5;Distanciel;4\n",
                       encoding="utf-8")  # fmt: skip
    code, out, err = run(capsys, "surveys", "import", survey, str(answers), "--essai")
    assert code == 0 and "1 réponse serait importée" in out, err
    code, out, err = run(capsys, "surveys", "import", survey, str(answers))
    assert code == 0 and "fichier simple : 1 réponse importée" in out, err

    code, out, err = run(capsys, "surveys", "results", survey)
    assert code == 0, err
    assert "3 réponses pour 4 invitations, taux de réponse 75" in out
    assert "moyenne 3,7, médiane 4,0" in out  # isolement: 4, 2, 5
    assert "Se former : 2 (100,0" in out.replace("\u00a0", " ").replace("\u202f", " ")

    code, out, err = run(capsys, "surveys", "restitution", survey, "-o", "restitution.html")
    assert code == 0, err
    reader = _Reader()
    reader.feed((here / "restitution.html").read_text(encoding="utf-8"))
    assert len(reader.headings) == 10 and reader.headings[-1].endswith("Votre outil préféré")
    # a chart per question answered but the free texts: communes, isolement, attentes, format
    assert reader.tags.count("svg") == 4
    assert (here / "restitution.html").read_text(encoding="utf-8").count("Aucune réponse.") == 5
    assert "Un tableur partagé" in reader.items
    code, out, err = run(capsys, "surveys", "restitution", survey, "--pdf", "-o", "restitution.pdf")
    assert code == 0, err
    pdf = (here / "restitution.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and pdf.rstrip().endswith(b"%%EOF")
    objects = (
        pdf
        + b"".join(  # the page objects, in compressed object streams too
            zlib.decompress(stream)
            for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL)
            if stream[:1] == b"x"
        )
    )
    assert len(re.findall(rb"/Type\s*/Page\b", objects)) >= 2
