"""The page of each personal link (NOT-3), on every backend: GET says what the link would do and
writes nothing, POST acts through ``app.links.use`` and says what was done; a bad field comes
back next to its field and in the title, with nothing written."""

from __future__ import annotations

import attrs
from starlette.testclient import TestClient

import rsgm_core
from rsgm_core import (
    AccessMode,
    App,
    RegistrationStatus,
    SurveyKind,
    Viewer,
)
from rsgm_core.testing import Clock
from tests.conftest import SAMPLE
from tests.helpers import snapshot
from tests.web.conftest import WEB79, client_for, csrf, main_text, path, person, plan, title


def statuses(app: App, event: str) -> dict[str, RegistrationStatus]:
    return {r.member_id: r.status for r in app.registrations.list_registrations(event_id=event)}


def test_the_registration_page_shows_the_sessions_and_registers_NOT_3_EVT_4(
    app: App, client: TestClient
) -> None:
    event = plan(app, capacity=1, sessions=2)
    claire = person(app)
    link = app.links.issue("inscription", member_id=claire, object_id=event)
    before = snapshot(app)
    page = client.get(path(link))
    assert page.status_code == 200 and snapshot(app) == before  # GET never acts
    text = main_text(page.text)
    assert "Claire Martin peut s'inscrire à une session : « Journée réseau »" in text
    assert "Inscriptions jusqu'au 11/06/2025" in text and "Places disponibles" in text
    assert page.text.count('name="seance"') == 2
    second = app.events.get(event).sessions[1].id
    done = client.post(path(link), data={"csrf": csrf(page.text), "seance": second})
    assert done.status_code == 200
    assert "C'est fait : Votre inscription est enregistrée." in main_text(done.text)
    [made] = app.registrations.list_registrations(event_id=event)
    assert (made.session_id, made.status) == (second, RegistrationStatus.CONFIRMED)
    again = client.get(path(link))  # the page now says so
    assert "Inscription déjà enregistrée : le 26/06/2025" in main_text(again.text)


def test_a_full_session_shows_the_waiting_list_and_registers_on_it_NOT_3_EVT_4(
    app: App, client: TestClient
) -> None:
    event = plan(app, capacity=1)
    claire, paul, sophie = person(app), person(app, "Paul", "Durand"), person(app, "Sophie", "Roy")
    session = app.events.get(event).sessions[0].id
    app.registrations.register(session, claire)
    app.registrations.register(session, paul)  # on the waiting list
    link = app.links.issue("inscription", member_id=sophie, object_id=event)
    page = client.get(path(link))
    assert (
        "Complète : votre inscription ira sur la liste d'attente (1 personne déjà en attente)"
        in (main_text(page.text))
    )
    done = client.post(path(link), data={"csrf": csrf(page.text), "seance": session})
    assert "liste d'attente" in main_text(done.text)
    assert "Vous recevrez un courriel si une place se libère" in main_text(done.text)
    assert statuses(app, event)[sophie] is RegistrationStatus.WAITING


def test_registering_without_choosing_a_session_says_so_next_to_the_field_EVT_4(
    app: App, client: TestClient
) -> None:
    event = plan(app, capacity=3, sessions=2)
    link = app.links.issue("inscription", member_id=person(app), object_id=event)
    page = client.get(path(link))
    before = snapshot(app)
    again = client.post(path(link), data={"csrf": csrf(page.text)})
    assert again.status_code == 422 and snapshot(app) == before
    assert title(again.text).startswith("Erreur : choisissez la séance à laquelle vous inscrire")
    assert 'id="seance-erreur"' in again.text and 'aria-describedby="seance-erreur"' in again.text
    unknown = client.post(path(link), data={"csrf": csrf(page.text), "seance": "pas-une-seance"})
    assert unknown.status_code == 422 and "n'est pas une séance de cet événement" in main_text(
        unknown.text
    )
    assert snapshot(app) == before


def test_registering_after_the_deadline_is_refused_with_a_page_EVT_4(
    app: App, client: TestClient, rsgm_clock: Clock
) -> None:
    event = plan(app, capacity=3)
    link = app.links.issue("inscription", member_id=person(app), object_id=event)
    session = app.events.get(event).sessions[0]
    page = client.get(path(link))
    rsgm_clock.set(session.deadline + (session.date - session.deadline) / 2)
    shown = client.get(path(link))
    assert "closes" in main_text(shown.text) and " disabled" in shown.text
    before = snapshot(app)
    late = client.post(path(link), data={"csrf": csrf(page.text), "seance": session.id})
    assert late.status_code == 409 and snapshot(app) == before
    assert "EVT-4" in main_text(late.text) and "Traceback" not in late.text


def test_the_cancellation_page_cancels_once_and_promotes_the_waiting_list_NOT_3_EVT_4(
    app: App, client: TestClient
) -> None:
    event = plan(app, capacity=1)
    claire, paul = person(app), person(app, "Paul", "Durand")
    session = app.events.get(event).sessions[0].id
    mine = app.registrations.register(session, claire)
    app.registrations.register(session, paul)
    link = app.links.issue("annulation", member_id=claire, object_id=mine.id)
    page = client.get(path(link))
    assert "Claire Martin peut annuler son inscription" in main_text(page.text)
    assert "il ne sert qu'une fois" in main_text(page.text)
    done = client.post(path(link), data={"csrf": csrf(page.text)})
    assert "la première personne de la liste d'attente prend la place" in main_text(done.text)
    assert statuses(app, event) == {
        claire: RegistrationStatus.CANCELLED, paul: RegistrationStatus.CONFIRMED,
    }  # fmt: skip
    before = snapshot(app)
    reused = client.post(path(link), data={"csrf": csrf(page.text)})
    assert reused.status_code == 410 and snapshot(app) == before
    assert title(reused.text).startswith("Lien déjà utilisé") and "déjà servi" in main_text(
        reused.text
    )


def test_consent_pages_give_then_withdraw_with_the_scope_NOT_3_MEM_3(
    app: App, client: TestClient
) -> None:
    claire = person(app)
    paul = Viewer(member_id=person(app, "Paul", "Durand"))
    assert [e.member_id for e in app.directory.search(viewer=paul)] == [paul.member_id]
    give = app.links.issue("consentement", member_id=claire, object_id="annuaire")
    page = client.get(path(give))
    text = main_text(page.text)
    assert "Claire Martin peut donner son consentement « annuaire »" in text
    assert "actuellement : non donné" in text and "visible des autres membres" in text
    done = client.post(path(give), data={"csrf": csrf(page.text)})
    assert "Votre consentement « annuaire » est enregistré" in main_text(done.text)
    assert claire in {e.member_id for e in app.directory.search(viewer=paul)}  # visible now
    photo = app.links.issue("consentement", member_id=claire, object_id="photo")
    assert "Votre photo pourra être montrée" in main_text(client.get(path(photo)).text)
    withdraw = app.links.issue("retrait", member_id=claire, object_id="annuaire")
    page = client.get(path(withdraw))
    assert "actuellement : donné" in main_text(page.text)
    done = client.post(path(withdraw), data={"csrf": csrf(page.text)})
    assert "est retiré" in main_text(done.text)
    assert claire not in {e.member_id for e in app.directory.search(viewer=paul)}


def test_the_survey_page_records_a_score_and_a_comment_once_NOT_3_SUR_2(
    app: App, client: TestClient
) -> None:
    claire = person(app)
    survey = app.surveys.send(SurveyKind.NEEDS, title="Vos besoins")
    link = app.links.issue("questionnaire", member_id=claire, object_id=survey.id)
    page = client.get(path(link))
    assert "répondre au questionnaire : « Vos besoins »" in main_text(page.text)
    assert "(facultative)" in main_text(page.text)
    bad = client.post(path(link), data={"csrf": csrf(page.text), "note": "9"})
    assert bad.status_code == 422 and 'id="note-erreur"' in bad.text
    assert title(bad.text).startswith("Erreur : note invalide")
    done = client.post(
        path(link), data={"csrf": csrf(page.text), "note": "4", "commentaire": " Très utile "}
    )
    assert "Merci : votre réponse est enregistrée." in main_text(done.text)
    assert app.surveys.results(survey.id).answers == 1
    before = snapshot(app)
    twice = client.post(path(link), data={"csrf": csrf(page.text), "note": "5"})
    assert twice.status_code == 410 and snapshot(app) == before  # single use (NOT-3)
    second = app.links.issue("questionnaire", member_id=claire, object_id=survey.id)
    again = client.post(path(second), data={"csrf": csrf(page.text), "note": "5"})
    assert again.status_code == 409 and "déjà répondu" in main_text(again.text)  # SUR-1
    assert snapshot(app) == before


def test_a_satisfaction_survey_needs_its_score_next_to_the_field_EVT_9(
    app: App, client: TestClient
) -> None:
    event = plan(app, capacity=3)
    survey = app.surveys.send(SurveyKind.SATISFACTION, title="Satisfaction", event_id=event)
    link = app.links.issue("questionnaire", member_id=person(app), object_id=survey.id)
    page = client.get(path(link))
    assert "(obligatoire)" in main_text(page.text)
    before = snapshot(app)
    missing = client.post(path(link), data={"csrf": csrf(page.text), "commentaire": "bien"})
    assert missing.status_code == 422 and snapshot(app) == before
    assert 'id="note-erreur"' in missing.text and "note de 1 à 5" in title(missing.text)
    assert ">bien</textarea>" in missing.text  # what was typed is kept


def test_the_directory_page_shows_and_updates_the_entry_NOT_3_MEM_2(
    app: App, client: TestClient
) -> None:
    claire = person(app)
    app.directory.set_town_hall("79005", "1 place de la Mairie", opening_hours="lun. 9h-12h")
    link = app.links.issue("annuaire", member_id=claire)
    page = client.get(path(link))
    assert page.status_code == 200 and ">lun. 9h-12h<" not in page.text
    assert 'value="lun. 9h-12h"' in page.text
    form = {
        "csrf": csrf(page.text), "telephone": "05 49 00 00 00",
        "expertises": "état civil\nurbanisme", "logiciels_utilises": "", "logiciels_maitrises": "",
        "horaires": "lun. 9h-12h, jeu. 14h-18h",
    }  # fmt: skip
    done = client.post(path(link), data=form)
    assert "Votre fiche est mise à jour : téléphone" in main_text(done.text)
    entry = app.directory.get_entry(claire, viewer=Viewer(member_id=claire))
    assert entry.phone == "05 49 00 00 00" and len(entry.expertises) == 2
    shown = client.get(path(link))
    assert (
        'value="05 49 00 00 00"' in shown.text and 'value="lun. 9h-12h, jeu. 14h-18h"' in shown.text
    )


def test_a_wrong_phone_comes_back_next_to_its_field_and_writes_nothing_MEM_2(
    app: App, client: TestClient
) -> None:
    claire = person(app)
    link = app.links.issue("annuaire", member_id=claire)
    page = client.get(path(link))
    assert 'name="horaires"' not in page.text  # no town hall recorded: said instead
    assert "adresse saisie par l'équipe d'animation" in main_text(page.text)
    before = snapshot(app)
    bad = client.post(path(link), data={"csrf": csrf(page.text), "telephone": "12"})
    assert bad.status_code == 422 and snapshot(app) == before
    assert 'id="telephone-erreur"' in bad.text and 'aria-invalid="true"' in bad.text
    assert title(bad.text).startswith("Erreur :") and 'value="12"' in bad.text


def test_the_access_page_records_a_request_where_the_policy_allows_it_NOT_3_CHA_2(
    url: str, rsgm_clock: Clock
) -> None:
    settings = attrs.evolve(WEB79, policies=attrs.evolve(WEB79.policies, access=AccessMode.REQUEST))
    with rsgm_core.open(url, clock=rsgm_clock, settings=settings) as app:
        app.census.import_(SAMPLE, ["79"])
        app.access.create_departmental_space(by=_administrator(app))
        claire = person(app)
        client = client_for(app)
        link = app.links.issue("acces", member_id=claire)
        page = client.get(path(link))
        assert "Un administrateur du CDG 79 la validera" in main_text(page.text)
        done = client.post(path(link), data={"csrf": csrf(page.text)})
        assert "Votre demande d'accès est enregistrée" in main_text(done.text)
        [request] = app.access.list_requests(member_id=claire)
        assert request.status.value == "en attente"
        reused = client.post(path(link), data={"csrf": csrf(page.text)})
        assert reused.status_code == 410


def _administrator(app: App) -> str:
    from tests.helpers import administrator

    return administrator(app)


def test_the_access_page_of_an_invitation_only_cdg_explains_instead_CHA_2(
    app: App, client: TestClient
) -> None:
    link = app.links.issue("acces", member_id=person(app))
    page = client.get(path(link))
    assert page.status_code == 409 and "sur invitation seulement" in main_text(page.text)
    assert "Je demande" not in page.text


def test_the_unsubscribe_page_and_the_one_click_post_NOT_3_MEM_14(
    app: App, client: TestClient
) -> None:
    claire, paul = person(app), person(app, "Paul", "Durand")
    link = app.links.issue("desabonnement", member_id=claire)
    page = client.get(path(link))
    assert "Je me désabonne" in page.text and not app.members.get(claire).invitations_opt_out
    done = client.post(path(link), data={"csrf": csrf(page.text)})
    assert "Désabonnement enregistré" in main_text(done.text)
    assert app.members.get(claire).invitations_opt_out
    assert "Déjà fait" in main_text(client.get(path(link)).text)
    # RFC 8058: the mail client posts List-Unsubscribe=One-Click, no cookie, no CSRF token.
    other = app.links.issue("desabonnement", member_id=paul)
    bare = TestClient(client.app, base_url="https://testserver")
    one_click = bare.post(path(other), data={"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200 and app.members.get(paul).invitations_opt_out
    assert "Désabonnement enregistré" in main_text(one_click.text)


def test_an_unknown_expertise_or_software_comes_back_next_to_its_field_MEM_2(
    app: App, client: TestClient
) -> None:
    link = app.links.issue("annuaire", member_id=person(app))
    page = client.get(path(link))
    before = snapshot(app)
    for field in ("expertises", "logiciels_utilises", "logiciels_maitrises"):
        bad = client.post(path(link), data={"csrf": csrf(page.text), field: "pas un terme connu"})
        assert bad.status_code == 422 and f'id="{field}-erreur"' in bad.text
        assert "inconnu" in title(bad.text) and "pas un terme connu" in bad.text
    assert snapshot(app) == before
