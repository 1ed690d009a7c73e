"""French that reads right (NOT-2): élision, articles, plural agreement and dates in every message
template and document, rendered with names that trip naive templates (vowel- and h-initial,
hyphenated, accented) and event titles of every gender."""

from __future__ import annotations

import copy
import datetime as dt
import html
import json
import re
from collections.abc import Iterator
from importlib import resources
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import rsgm_core
from rsgm_core import App
from rsgm_core.render.formatting import format_date
from rsgm_core.render.french import a_lieu, de, de_lieu, elides, plural, with_article

TEMPLATES = resources.files("rsgm_core") / "templates" / "fr"
NAMES = ["Élodie", "Hélène", "Jean-Éric", "Yvette", "Oscar", "Ursule", "Ève-Marie"]
# title → what "vous invite …" must read
TITLES = {
    "Atelier paie et carrières": "à l'« Atelier paie et carrières »",
    "Webinaire élections": "au « Webinaire élections »",
    "Journée réseau d'automne": "à la « Journée réseau d'automne »",
    "Échanges de pratiques": "aux « Échanges de pratiques »",
    "Hébergement des données": "à la matinale « Hébergement des données »",
}
FIRST = dt.date(2026, 12, 1)
MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"


# --- the helpers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Élodie Rousseau", "d'Élodie Rousseau"), ("Hélène", "d'Hélène"), ("Yvette", "d'Yvette"),
     ("Jean-Éric", "de Jean-Éric"), ("Yannick", "de Yannick"), ("Oscar", "d'Oscar"),
     ("Le Goff", "de Le Goff"), ("hameau", "de hameau"), ("Ursule", "d'Ursule")],
)  # fmt: skip
def test_de_elides_before_a_vowel_sound_NOT_2(name: str, expected: str) -> None:
    assert de(name) == expected


@pytest.mark.parametrize(
    ("place", "of", "to"),
    [("Niort", "de Niort", "à Niort"), ("Échiré", "d'Échiré", "à Échiré"),
     ("Le Tallud", "du Tallud", "au Tallud"), ("Les Aubiers", "des Aubiers", "aux Aubiers"),
     ("La Crèche", "de La Crèche", "à La Crèche"), ("L'Absie", "de L'Absie", "à L'Absie")],
)  # fmt: skip
def test_places_contract_their_article_NOT_2(place: str, of: str, to: str) -> None:
    assert (de_lieu(place), a_lieu(place)) == (of, to)


@pytest.mark.parametrize(("title", "expected"), TITLES.items())
def test_event_titles_take_their_article_NOT_2(title: str, expected: str) -> None:
    assert with_article(title, "matinale", "à") == expected


def test_articles_after_de_and_alone_NOT_2() -> None:
    assert with_article("Journée réseau", None, "de") == "de la « Journée réseau »"
    assert with_article("Webinaire paie", None, "de") == "du « Webinaire paie »"
    assert with_article("Atelier RH", None) == "l'« Atelier RH »"
    assert with_article("Paie 2026", "webinaire", "à") == "au webinaire « Paie 2026 »"
    assert with_article("Paie 2026", "atelier thématique", "à") == (
        "à l'atelier thématique « Paie 2026 »"
    )
    assert with_article("Paie 2026", None, "à") == "à la rencontre « Paie 2026 »"


def test_plural_agreement_NOT_2() -> None:
    assert [plural(n, "membre") for n in (0, 1, 2)] == ["0 membre", "1 membre", "2 membres"]
    assert plural(1234, "membre") == "1\u202f234 membres"
    assert plural(2, "espace concerné", "espaces concernés") == "2 espaces concernés"
    assert plural(3, "lieux") == "3 lieux"
    with pytest.raises(ValueError, match="plural"):
        plural(2, "espace concerné")


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31)))
def test_the_first_of_the_month_is_an_ordinal_NOT_2(day: dt.date) -> None:
    for form in ("long", "full", "medium"):
        text = format_date(day, format=form)
        assert ("1er " in text) == (day.day == 1), text
        assert not re.search(rf"(?<![\d/])1 ({MONTHS})", text)
    assert "1er" not in format_date(day, "en_GB")


@given(st.text(alphabet="aeiouyhbcdxAEÉÈHYàâ'-", min_size=1, max_size=6))
def test_elision_is_decided_on_the_first_word_only_NOT_2(word: str) -> None:
    assert elides(word) == elides(word + " Martin")


# --- every template ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def app() -> Iterator[App]:
    with rsgm_core.open("memory://") as opened:
        yield opened


def template_names() -> list[str]:
    return sorted(
        p.name.removesuffix(".subject.txt")
        for p in TEMPLATES.iterdir()
        if p.name.endswith(".subject.txt")
    )


def sample(name: str) -> dict[str, Any]:
    path = TEMPLATES / f"{name}.sample.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


_SAMPLE_DATE = re.compile(rf"^\d{{1,2}} ({MONTHS}) \d{{4}}$")


def edge_case(context: Any, first_name: str, title: str, key: str = "") -> Any:
    """The sample with the edge-case name, event title, commune, and every date on the 1st."""
    if isinstance(context, dict):
        out = {k: edge_case(v, first_name, title, k) for k, v in context.items()}
        if "first_name" in out:
            out["first_name"] = first_name
        if key == "event":
            out["title"] = title
            out["kind"] = "matinale"
        if isinstance(out.get("commune"), str):
            out["commune"] = "Le Tallud"
        return out
    if isinstance(context, list):
        return [edge_case(v, first_name, title, key) for v in context]
    if isinstance(context, str) and _SAMPLE_DATE.match(context):
        return format_date(FIRST)
    return copy.deepcopy(context)


def plain(rendered_html: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", rendered_html))


def check_french(text: str, where: str) -> None:
    """What no text meant for members, mayors or élus may hold."""
    assert not re.search(r"\bde (?=[AEIOUÉÈÊÀÂaeiouéèêàâ]|H[eéi]|Yv)", text), where  # élision
    assert not re.search(r"\bà « ", text), where  # an article is missing
    assert not re.search(rf"\bde « ({'|'.join(TITLES)})", text), where
    assert not re.search(r"\b(à|de) les? ", text), where  # au, aux, du, des
    assert "(e)" not in text and "(s)" not in text, where  # reworded or agreed
    assert not re.search(r"(?<![\d,\u202f])1 [a-zéèêà]+s\b", text), where  # "1 membres"
    assert not re.search(rf"(?<![\d/])1 ({MONTHS})", text), where  # "1er décembre"
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", text), where  # no ISO date
    assert not re.search(r"\b[A-Z]{3}-\d+\b", text), where  # no rule ID


@pytest.mark.parametrize("name", template_names())
def test_every_template_reads_right_with_edge_case_names_NOT_2(app: App, name: str) -> None:
    base = sample(name)
    for first_name in NAMES:
        for title in TITLES:
            context = edge_case(base, first_name, title)
            rendered = app.outbox.render(name, context)
            for part, text in (("objet", rendered.subject), ("texte", rendered.text),
                               ("html", plain(rendered.html or ""))):  # fmt: skip
                check_french(text, f"{name} ({part}, {first_name}, {title}) : {text}")


def test_the_french_is_the_one_expected_in_the_edge_cases_NOT_2(app: App) -> None:
    for title, invites in TITLES.items():
        rendered = app.outbox.render(
            "event_invitation", edge_case(sample("event_invitation"), "Yvette", title)
        )
        assert f"vous invite {invites}" in " ".join(rendered.text.split())
        assert f"vous invite {invites}" in " ".join(plain(rendered.html or "").split())
        assert "le 1er décembre 2026" in rendered.text
    revoked = app.outbox.render(
        "access_revoked", edge_case(sample("access_revoked"), "Hélène", "x")
    )
    text = " ".join(revoked.text.split())
    assert "Les fonctions d'Hélène Rousseau au sein de la commune du Tallud" in text
    assert "ont pris fin le 1er décembre 2026" in text and "(1 espace concerné)" in text
    minutes = app.outbox.render(
        "event_minutes", edge_case(sample("event_minutes"), "Oscar", "Atelier RH")
    )
    assert "compte-rendu de l'« Atelier RH »" in minutes.text
    thanks = app.outbox.render(
        "event_host_thanks", edge_case(sample("event_host_thanks"), "Oscar", "Webinaire élections")
    )
    assert "la commune du Tallud d'avoir accueilli le « Webinaire élections »" in " ".join(
        thanks.text.split()
    )


def test_the_newsletter_leaves_the_animators_text_alone_NOT_2(app: App) -> None:
    letter = "Bonjour à toutes et à tous,\n\nLe point du mois.\n\nBonne lecture,\nAnne, animatrice"
    context = {**sample("newsletter"), "text": letter}
    rendered = app.outbox.render("newsletter", context)
    assert rendered.text.startswith(letter)
    assert rendered.text.count("Bonjour") == 1 and "L'équipe d'animation" not in rendered.text
    body = plain(rendered.html or "")
    assert body.count("Bonjour") == 1 and "L'équipe d'animation" not in body
    assert "Pour ne plus recevoir la lettre" in rendered.text  # the unsubscribe link stays
