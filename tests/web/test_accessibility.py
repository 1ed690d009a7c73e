"""The RGAA basics every page keeps (the browser tests run axe-core on top): ``lang="fr"``, a
skip link to the content, one ``h1``, every field with its label, unique ids, each error tied
to its field and first in the title, states said in words, and text contrast of at least 4.5:1
in the stylesheet."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from starlette.testclient import TestClient

import rsgm_core
from rsgm_core import App, SurveyKind
from tests.web.conftest import csrf, path, person, plan, title


class Page(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def all(self, tag: str) -> list[dict[str, str]]:
        return [a for t, a in self.tags if t == tag]


def check_basics(html: str) -> Page:
    page = Page(html)
    assert page.all("html")[0]["lang"] == "fr"
    first_link = page.all("a")[0]
    assert first_link["href"] == "#contenu" and first_link["class"] == "evitement"
    ids = [a["id"] for _, a in page.tags if "id" in a]
    assert "contenu" in ids and len(ids) == len(set(ids)), ids
    assert html.count("<h1>") == 1
    labels = {a["for"] for a in page.all("label")}
    for tag in ("input", "textarea", "select"):
        for field in page.all(tag):
            if field.get("type") in ("hidden", "submit"):
                continue
            assert field.get("id") in labels, f"champ sans étiquette : {field}"
    for field in page.all("input") + page.all("textarea"):
        for described in field.get("aria-describedby", "").split():
            assert described in ids, f"aria-describedby vers un id absent : {described}"
    return page


def pages(app: App, client: TestClient) -> list[str]:
    claire = person(app)
    event = plan(app, capacity=1, sessions=2)
    survey = app.surveys.send(SurveyKind.NEEDS, title="Vos besoins")
    app.directory.set_town_hall("79005", "1 place de la Mairie")
    mine = app.registrations.register(app.events.get(event).sessions[0].id, claire)
    links = [
        app.links.issue("inscription", member_id=claire, object_id=event),
        app.links.issue("annulation", member_id=claire, object_id=mine.id),
        app.links.issue("consentement", member_id=claire, object_id="annuaire"),
        app.links.issue("retrait", member_id=claire, object_id="photo"),
        app.links.issue("questionnaire", member_id=claire, object_id=survey.id),
        app.links.issue("annuaire", member_id=claire),
        app.links.issue("desabonnement", member_id=claire),
    ]
    shown = [client.get(path(link)).text for link in links]
    shown += [client.get("/").text, client.get("/i/x.y").text, client.get("/nulle").text]
    return shown


def test_every_page_keeps_the_rgaa_basics(memory_app: App, web: TestClient) -> None:
    for html in pages(memory_app, web):
        check_basics(html)


def test_errors_are_next_to_their_field_and_first_in_the_title(
    memory_app: App, web: TestClient
) -> None:
    link = memory_app.links.issue("annuaire", member_id=person(memory_app))
    page = web.get(path(link))
    bad = web.post(path(link), data={"csrf": csrf(page.text), "telephone": "12"})
    parsed = check_basics(bad.text)
    assert title(bad.text).startswith("Erreur :")
    [phone] = [f for f in parsed.all("input") if f.get("id") == "telephone"]
    assert phone["aria-invalid"] == "true" and "telephone-erreur" in phone["aria-describedby"]
    summary = re.search(r'<div class="resume-erreurs" role="alert".*?</div>', bad.text, re.DOTALL)
    assert summary and 'href="#telephone"' in summary.group(0)
    # Said in words, not by colour alone.
    assert "<strong>Erreur :</strong>" in bad.text


def test_states_are_said_in_words(memory_app: App, web: TestClient) -> None:
    claire, paul = person(memory_app), person(memory_app, "Paul", "Durand")
    event = plan(memory_app, capacity=1)
    memory_app.registrations.register(memory_app.events.get(event).sessions[0].id, paul)
    page = web.get(path(memory_app.links.issue("inscription", member_id=claire, object_id=event)))
    assert "<strong>Complète</strong>" in page.text


CSS = Path(rsgm_core.__file__).parent / "web" / "static" / "rsgm.css"


def _luminance(colour: str) -> float:
    value = colour.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize(
    ("text", "background"),
    [
        ("--texte", "--fond"),
        ("--principal", "--fond"),
        ("--erreur", "--fond"),
        ("--succes", "--fond"),
        ("--gris", "--fond"),
        ("--texte", "--info-fond"),
        ("--erreur", "#fdecee"),
        ("#ffffff", "--principal"),
    ],
)
def test_the_stylesheet_keeps_a_contrast_of_4_5_to_1(text: str, background: str) -> None:
    css = CSS.read_text(encoding="utf-8")
    colours = dict(re.findall(r"(--[\w-]+):\s*(#[0-9a-fA-F]{3,6})", css))

    def value(name: str) -> str:
        return colours[name] if name.startswith("--") else name

    assert contrast(value(text), value(background)) >= 4.5
