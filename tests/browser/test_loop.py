"""The loop a member goes through, in Debian's chromium against ``rsgm serve``: a message arrives
by SMTP with the person's own link (NOT-3), the link opens its page, the form acts through the
same use cases as the command line, and the next message carries the next link. Every page shown
is checked by axe-core (tests/browser/axe.py)."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from rsgm_core import RegistrationStatus, Viewer
from tests.browser.site import ANIMATOR_PASSWORD, Browser, Site, post, token_of
from tests.helpers import ADMIN_EMAIL


def statuses(site: Site, event_id: str) -> dict[str, RegistrationStatus]:
    found = site.app.registrations.list_registrations(event_id=event_id)
    names = {v: k for k, v in site.people.items()}
    return {names[r.member_id]: r.status for r in found}


def answers(site: Site, survey_id: str) -> list[Any]:
    with site.app.deps.read() as uow:
        return list(uow.survey_answers.list({"survey_id": survey_id}))


def test_invitation_registration_cancellation_and_waiting_list_NOT_3_EVT_2_EVT_4(
    site79: Site, browser: Browser
) -> None:
    site = site79
    event = site.plan_event("Journée réseau de printemps", capacity=1)
    assert site.app.event_mail.send_invitations(event) == 3
    sent = [m for m in site.app.outbox.list_messages() if m.template == "event_invitation"]
    assert len(sent) == 3 and {m.status.value for m in sent} == {"sent"}  # a real transport

    # Claire follows her invitation's link and registers: one seat, hers.
    page = browser.open(site.mail_link("claire", "Invitation", "i"))
    assert "Journée réseau de printemps" in page.main and "Claire Martin" in page.main
    page.choose("seance")
    page.submit()
    assert "enregistrée" in page.main, page.main
    assert statuses(site, event) == {"claire": RegistrationStatus.CONFIRMED}

    # Paul's own link: the session is full, he goes on the waiting list and is told so.
    page = browser.open(site.mail_link("paul", "Invitation", "i"))
    assert "complète" in page.main or "liste d'attente" in page.main, page.main
    page.choose("seance")
    page.submit()
    assert "liste d'attente" in page.main, page.main
    assert statuses(site, event)["paul"] is RegistrationStatus.WAITING

    # D − 15: the reminder of her registration carries Claire's cancel link.
    site.app.event_mail.send_reminders(event)
    cancel = site.mail_link("claire", "Rappel", "a")
    page = browser.open(cancel)
    assert "Journée réseau de printemps" in page.main
    page.submit()
    assert "annulée" in page.main, page.main
    assert statuses(site, event) == {
        "claire": RegistrationStatus.CANCELLED,
        "paul": RegistrationStatus.CONFIRMED,  # EVT-4: the first on the waiting list
    }

    # Paul is told, and his message carries his own cancel link, which opens his page.
    promoted = site.mail_link("paul", "Une place s'est libérée", "a")
    page = browser.open(promoted)
    assert "Paul Durand" in page.main and "Journée réseau de printemps" in page.main

    # The cancel link served once (NOT-3): opened again, a French page says so.
    page = browser.open(cancel)
    assert "Lien déjà utilisé" in page.title and "déjà servi" in page.main, page.main
    assert statuses(site, event)["claire"] is RegistrationStatus.CANCELLED


def test_a_survey_answered_through_its_link_once_NOT_3_SUR_2(
    site77: Site, browser: Browser
) -> None:
    site = site77
    survey = site.app.surveys.send("enquête de besoins", title="Vos besoins pour 2026")
    link = site.mail_link("sophie", "Votre avis compte", "q")
    page = browser.open(link)
    assert "Vos besoins pour 2026" in page.main
    page.choose("note", "4")
    page.fill("commentaire", "Des ateliers sur l'état civil, s'il vous plaît.")
    page.submit()
    [answer] = answers(site, survey.id)
    assert (answer.score, answer.comment) == (4, "Des ateliers sur l'état civil, s'il vous plaît.")
    assert answer.member_id == site.people["sophie"]
    page = browser.open(link)  # SUR-2: once per person
    assert "Lien déjà utilisé" in page.title, page.main
    assert len(answers(site, survey.id)) == 1 and site.app.surveys.results(survey.id).answers == 1


def test_consent_given_makes_the_entry_visible_to_other_members_NOT_3_MEM_3(
    site77: Site, browser: Browser
) -> None:
    site = site77
    claire, paul = site.people["claire"], Viewer(member_id=site.people["paul"])
    assert claire not in [e.member_id for e in site.app.directory.search(viewer=paul)]
    assert site.app.links.send_requests("consentement", member_ids=[claire]) == 1
    page = browser.open(site.mail_link("claire", "annuaire", "c"))
    assert "Claire Martin" in page.main
    page.keyboard_submit()  # RGAA 12.13: the form works with the keyboard alone
    assert "enregistré" in page.main or "donné" in page.main, page.main
    [consent] = site.app.directory.list_consents(member_id=claire)
    assert consent.withdrawn_on is None
    assert claire in [e.member_id for e in site.app.directory.search(viewer=paul)]


def test_a_directory_entry_updated_with_errors_announced_NOT_3_MEM_2(
    site77: Site, browser: Browser
) -> None:
    site = site77
    claire = site.people["claire"]
    site.app.directory.set_town_hall("77527", "1 place de la Mairie, 77540 Voinsles")
    site.app.links.send_requests("annuaire", member_ids=[claire])
    page = browser.open(site.mail_link("claire", "à jour", "f"))
    page.fill("telephone", "pas un numéro")
    page.submit()
    # RGAA 11.10: the error is in the page's title and next to its field, tied to it.
    assert page.title.startswith("Erreur"), page.title
    field = page.find('[name="telephone"]')
    assert field.get_attribute("aria-invalid") == "true"
    described = (field.get_attribute("aria-describedby") or "").split()
    assert described, "l'erreur n'est pas reliée au champ (aria-describedby)"
    assert any(page.find(f"#{ident}").text.strip() for ident in described)
    assert site.app.members.get(claire).phone in (None, "")  # nothing written
    page.fill("telephone", "01 64 25 00 00")
    page.fill("horaires", "lun. 9h-12h, jeu. 14h-18h")
    page.submit()
    assert not page.title.startswith("Erreur"), page.main
    assert site.app.members.get(claire).phone
    with site.app.deps.read() as uow:
        assert uow.town_halls.get("77527").opening_hours == "lun. 9h-12h, jeu. 14h-18h"


def test_an_access_request_validated_by_an_administrator_NOT_3_CHA_2(
    site77: Site, browser: Browser
) -> None:
    site = site77
    app, claire = site.app, site.people["claire"]
    app.access.create_departmental_space(by=site.admin)
    app.charters.publish("Charte d'utilisation", "Texte de la charte", by=site.admin)
    app.charters.sign("77527", "Maire de Voinsles", "maire")
    app.charters.sign("77527", "Claire Martin", "sgm")

    # CDG 77's self-service form (access « demande »): Claire asks through her link.
    assert app.links.send_requests("acces", member_ids=[claire]) == 1
    page = browser.open(site.mail_link("claire", "Rejoignez la plateforme", "p"))
    assert "Claire Martin" in page.main
    page.submit()
    [request] = app.access.list_requests(status="en attente")
    assert request.member_id == claire
    site.mailbox.wait_for(site.emails["claire"], "Votre demande d'accès")

    # The animators' page lists it among today's tasks, behind the sign-in.
    page = browser.open(site.url("/animateur"))
    assert "Connexion" in page.title, page.title
    page.fill("email", ADMIN_EMAIL)
    page.fill("mot_de_passe", ANIMATOR_PASSWORD)
    page.submit()
    assert "Tâches du jour" in page.title and "Claire Martin" in page.main, page.main

    # The administrator validates it on the command line; the grant is then in force.
    done = subprocess.run(
        [sys.executable, "-m", "rsgm_core", "access", "accept", request.id,
         "--par", ADMIN_EMAIL, "--config", str(site.profile)],
        capture_output=True, text=True, timeout=60, cwd=site.folder,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    [grant] = app.access.list_grants(member_id=claire)
    assert grant.active
    site.mailbox.wait_for(site.emails["claire"], "est acceptée")
    page = browser.open(site.url("/animateur"))
    assert "Claire Martin" not in page.main  # nothing left to validate


def test_unsubscribe_is_one_click_per_recipient_NOT_3_MEM_14(
    site77: Site, browser: Browser
) -> None:
    site = site77
    site.app.surveys.newsletter("Les nouvelles du réseau", "Le programme de l'année.")
    letters = {who: site.mailbox.wait_for(site.emails[who], "Les nouvelles") for who in site.people}
    targets = {who: str(m["List-Unsubscribe"]).strip("<>") for who, m in letters.items()}
    assert len(set(targets.values())) == 3  # RFC 8058: one address per recipient
    # RFC 8058's List-Unsubscribe-Post goes with https:// addresses only (this site is on
    # http://127.0.0.1): the page takes the one-click POST all the same.
    assert all(("List-Unsubscribe-Post" in m) == t.startswith("https://")
               for m, t in zip(letters.values(), targets.values(), strict=True))  # fmt: skip
    site.tokens.update(token_of(t) for t in targets.values())

    # Claire clicks the link in her message and confirms on the page.
    page = browser.open(targets["claire"])
    page.submit()
    assert "désabonn" in page.main.lower(), page.main
    # Paul's mail client posts RFC 8058's one click itself: no page, no cookie.
    status, answer = post(targets["paul"], {"List-Unsubscribe": "One-Click"})
    assert status == 200, answer
    opted = {who: site.app.members.get(site.people[who]).invitations_opt_out for who in site.people}
    assert opted == {"claire": True, "paul": True, "sophie": False}
    site.app.surveys.newsletter("Encore des nouvelles", "La suite.", force=True)
    site.mailbox.wait_for(site.emails["sophie"], "Encore des nouvelles")
    assert not site.mailbox.messages(site.emails["claire"])[-1]["Subject"].startswith("Encore")
