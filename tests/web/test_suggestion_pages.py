"""The suggestion page of the personal link (NET-6, NOT-3) over Starlette's TestClient, on every
backend: GET writes nothing, a form without its CSRF token is refused, a suggestion is recorded,
an empty or too long one is refused beside its field, and another person's erased link leads to a
page without data."""

from __future__ import annotations

from starlette.testclient import TestClient

from rsgm_core import App, SuggestionSource
from rsgm_core.domain.links import LinkPurpose
from tests.helpers import administrator, snapshot
from tests.web.conftest import csrf, main_text, path, person


def test_the_suggestion_page_records_a_suggestion_NET_6_NOT_3(app: App, client: TestClient) -> None:
    claire = person(app)
    link = app.links.issue(LinkPurpose.SUGGESTION, member_id=claire)
    assert path(link).startswith("/s/")
    before = snapshot(app)
    page = client.get(path(link))
    assert page.status_code == 200
    assert "Claire Martin peut faire une suggestion au réseau" in main_text(page.text)
    assert snapshot(app) == before  # a mail scanner opening the link writes nothing
    refused = client.post(path(link), data={"suggestion": "Sans jeton"})
    assert refused.status_code == 403 and snapshot(app) == before
    empty = client.post(path(link), data={"csrf": csrf(page.text), "suggestion": "  "})
    assert empty.status_code == 422 and "texte de la suggestion vide" in main_text(empty.text)
    long = client.post(path(link), data={"csrf": csrf(page.text), "suggestion": "x" * 4001})
    assert long.status_code == 422 and "trop long" in main_text(long.text)
    assert snapshot(app) == before
    done = client.post(path(link), data={"csrf": csrf(page.text), "suggestion": "Une idée"})
    assert done.status_code == 200
    assert "votre suggestion est enregistrée" in main_text(done.text)
    [made] = app.suggestions.list_suggestions(member_id=claire)
    assert made.text == "Une idée" and made.source is SuggestionSource.LINK
    again = client.get(path(link))
    assert "Vos suggestions" in again.text and "en attente d'examen" in main_text(again.text)


def test_an_erased_person_s_suggestion_link_is_refused_NOT_3_MEM_11(
    app: App, client: TestClient
) -> None:
    claire = person(app)
    link = app.links.issue(LinkPurpose.SUGGESTION, member_id=claire)
    app.rgpd.erase(claire, by=administrator(app))
    page = client.get(path(link))
    assert page.status_code in (403, 410, 404, 422), page.status_code
    assert "Claire" not in page.text and "effacées" in main_text(page.text)
