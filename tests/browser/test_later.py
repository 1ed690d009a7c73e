"""What a member meets when time has moved on between the message and the click, in Debian's
chromium against ``rsgm serve``: the registration deadline passed while the page was open, a
consent given then withdrawn from its own link, the link of a person erased since (NOT-3, EVT-4,
MEM-3, MEM-11). Every page is checked by axe-core like the others."""

from __future__ import annotations

import datetime as dt

import attrs

from rsgm_core import Viewer
from tests.browser.site import Browser, Site
from tests.helpers import snapshot


def close_registrations(site: Site, event_id: str) -> None:
    """The deadline of the event's sessions moved to yesterday, as if the days had passed (the
    server runs on the real clock; planning refuses a deadline already past)."""
    yesterday = site.app.today() - dt.timedelta(days=1)
    with site.app.deps.transaction() as uow:
        for session in uow.sessions.list({"event_id": event_id}):
            uow.sessions.update(attrs.evolve(session, deadline=yesterday))


def test_a_registration_after_the_deadline_is_refused_and_the_page_says_so_NOT_3_EVT_4(
    site79: Site, browser: Browser
) -> None:
    site = site79
    event = site.plan_event("Journée réseau d'automne", capacity=10)
    link = site.link("inscription", "claire", event)
    page = browser.open(link)
    assert "Places disponibles" in page.main, page.main
    page.choose("seance")
    # The page stays open while the deadline passes: the form sent afterwards is refused.
    close_registrations(site, event)
    before = snapshot(site.app)
    page.submit()
    deadline = f"{site.app.today() - dt.timedelta(days=1):%d/%m/%Y}"
    assert f"sont closes depuis le {deadline} (date limite d'inscription)" in page.main, page.main
    assert "contactez l'équipe d'animation du CDG 79" in page.main  # what to do, not a new link
    assert "nouveau lien" not in page.main
    assert "Traceback" not in page.driver.page_source
    assert site.app.registrations.list_registrations(event_id=event) == []
    assert snapshot(site.app) == before
    # Opened again, the page shows the session closed and its choice cannot be ticked.
    page = browser.open(link)
    assert "closes" in page.main, page.main
    assert not page.find('input[name="seance"]').is_enabled()


def test_a_consent_withdrawn_through_its_link_hides_the_entry_again_NOT_3_MEM_3(
    site77: Site, browser: Browser
) -> None:
    site = site77
    claire, paul = site.people["claire"], Viewer(member_id=site.people["paul"])
    page = browser.open(site.link("consentement", "claire", "annuaire"))
    page.submit()
    assert claire in [e.member_id for e in site.app.directory.search(viewer=paul)]

    page = browser.open(site.link("retrait", "claire", "annuaire"))
    assert "Retirer" in page.title, page.title
    page.keyboard_submit()
    assert "retiré" in page.main, page.main
    [consent] = site.app.directory.list_consents(member_id=claire)
    assert consent.withdrawn_on == site.app.today()
    assert claire not in [e.member_id for e in site.app.directory.search(viewer=paul)]
    # A second withdrawal has nothing to withdraw and says so; nothing changes.
    before = snapshot(site.app)
    page = browser.open(site.link("retrait", "claire", "annuaire")).submit()
    assert "rien à retirer" in page.main, page.main
    assert snapshot(site.app) == before


def test_the_link_of_an_erased_person_leads_to_a_page_without_their_data_NOT_3_MEM_11(
    site77: Site, browser: Browser
) -> None:
    site = site77
    link = site.link("annuaire", "claire")
    site.app.rgpd.erase(site.people["claire"], by=site.admin)
    before = snapshot(site.app)
    page = browser.open(link)
    assert "Lien sans objet" in page.title, page.title
    assert "effacées" in page.main, page.main
    source = page.driver.page_source
    assert "Claire" not in source and "Martin" not in source and "mairie-" not in source
    assert snapshot(site.app) == before
