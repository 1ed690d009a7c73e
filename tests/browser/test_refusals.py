"""What a person sees when a link or a form is refused, in the browser: a French page saying what
went wrong and what to do, never a trace, and nothing written (NOT-3). The pages pass axe-core
like the others."""

from __future__ import annotations

import datetime as dt

from rsgm_core.domain.links import LIFETIMES, LinkPurpose
from tests.browser.site import Browser, Site, post, token_of
from tests.helpers import snapshot


def refused(page: Browser, title: str, *words: str) -> None:
    """The page is a French refusal titled ``title`` that holds ``words``, with no trace."""
    assert title in page.title, (page.title, page.main)
    assert page.find("html").get_attribute("lang") == "fr"
    source = page.driver.page_source
    assert "Traceback" not in source and "Exception" not in source
    for word in words:
        assert word in page.main, (word, page.main)


def tampered(url: str) -> str:
    """``url`` with one character of its token's payload changed."""
    base, _, token = url.rpartition("/")
    payload, dot, signature = token.partition(".")
    changed = payload[:-3] + ("A" if payload[-3] != "A" else "B") + payload[-2:]
    return f"{base}/{changed}{dot}{signature}"


def respelled(url: str) -> str:
    """``url`` with its signature's last character changed in a bit base64 decoding ignores:
    the same bytes under another spelling."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = alphabet.index(url[-1])
    return url[:-1] + alphabet[last ^ 1]


def test_a_tampered_link_shows_a_french_page_and_writes_nothing_NOT_3(
    site77: Site, browser: Browser
) -> None:
    site = site77
    link = site.link("consentement", "claire")
    before = snapshot(site.app)
    page = browser.open(tampered(link))
    refused(page, "Lien altéré", "altéré")
    assert token_of(link) not in page.driver.page_source  # the page never repeats a token
    assert snapshot(site.app) == before


def test_an_expired_link_shows_when_it_expired_NOT_3(site77: Site, browser: Browser) -> None:
    site = site77
    issued = site.app.now() - LIFETIMES[LinkPurpose.CONSENT] - dt.timedelta(days=1)
    link = site.link("consentement", "claire", on=issued)
    before = snapshot(site.app)
    page = browser.open(link)
    refused(page, "Lien expiré", "a expiré le")
    assert snapshot(site.app) == before


def test_a_link_opened_on_another_purposes_page_is_refused_NOT_3(
    site77: Site, browser: Browser
) -> None:
    site = site77
    link = site.link("consentement", "claire")
    page = browser.open(site.url(f"/d/{token_of(link)}"))  # a consent link on the unsubscribe page
    refused(page, "mauvaise page")
    assert not site.app.members.get(site.people["claire"]).invitations_opt_out


def test_a_used_single_use_link_is_refused_the_second_time_NOT_3(
    site77: Site, browser: Browser
) -> None:
    site = site77
    site.app.access.create_departmental_space(by=site.admin)
    link = site.link("acces", "paul")
    browser.open(link).submit()
    assert len(site.app.access.list_requests(member_id=site.people["paul"])) == 1
    before = snapshot(site.app)
    page = browser.open(link)
    refused(page, "Lien déjà utilisé", "déjà servi")
    # The same bytes spelled otherwise (a spare bit of the signature's last character) are not
    # a new link: refused as altered.
    page = browser.open(respelled(link))
    refused(page, "Lien altéré")
    assert snapshot(site.app) == before


def test_a_form_without_its_csrf_token_is_refused_NOT_3(site77: Site, browser: Browser) -> None:
    site = site77
    claire = site.people["claire"]
    link = site.link("consentement", "claire")
    page = browser.open(link)
    # The hidden field taken out of the page's own form, as a forged form would lack it.
    fields = page.find_all('input[name="csrf"]')
    assert fields and all(f.get_attribute("type") == "hidden" for f in fields)
    page.driver.execute_script(
        "document.querySelectorAll('input[name=csrf]').forEach(e => e.remove());"
    )
    before = snapshot(site.app)
    page.submit()
    refused(page, "Formulaire expiré", "Rien n'a été enregistré")
    assert snapshot(site.app) == before
    # Posted by another site, with no session cookie and a made-up token: refused the same way.
    status, answer = post(link, {"csrf": "jeton-invente"})
    assert status == 403 and "Formulaire expiré" in answer
    assert site.app.directory.list_consents(member_id=claire) == []
    assert snapshot(site.app) == before


def test_garbage_in_place_of_a_token_is_a_french_page_on_every_purpose_NOT_3(
    site77: Site, browser: Browser
) -> None:
    before = snapshot(site77.app)
    for purpose in LinkPurpose:
        page = browser.open(site77.url(f"/{purpose.code}/pas-un-jeton"))
        refused(page, "Lien altéré")
    assert snapshot(site77.app) == before
