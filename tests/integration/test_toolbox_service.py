"""``app.toolbox`` and ``app.advice`` on both backends (KNB-1..KNB-5, CNS-1, CNS-2). Each bad
input of the issue is a clear error naming its value and rule, and writes nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import rsgm_core
from rsgm_core import (
    App,
    Capacity,
    Period,
    ResourceKind,
    ResourceStatus,
    Role,
    Settings,
    ValidationError,
)
from rsgm_core.testing import Clock
from tests.conftest import NOW, PARIS, SAMPLE
from tests.helpers import administrator, nothing_written

AUBIGNY, SAUZE = "79019", "79307"
TODAY = NOW.date()


def setup(app: App) -> SimpleNamespace:
    app.census.import_(SAMPLE, ["79"])
    admin = app.members.add("Anne", "Chevalier", email="anne.chevalier@cdg79.fr")
    app.access.add_staff(admin.id, administrator=True)
    space = app.access.create_departmental_space(by=administrator(app))
    app.charters.publish("Charte", "Texte", by=administrator(app), on=dt.date(2025, 1, 6))
    app.charters.sign(AUBIGNY, "Jean Dupont", "maire")
    claire = app.members.add("Claire", "Martin", email="claire.martin@example.org")
    app.members.add_position(claire.id, AUBIGNY, "sgm")
    paul = app.members.add("Paul", "Roy", email="paul.roy@example.org", helper=True)
    app.members.add_position(paul.id, AUBIGNY, "sgm")
    app.charters.sign(AUBIGNY, "Claire Martin", Capacity.SGM)  # CHA-1: each SGM signs in person
    app.charters.sign(AUBIGNY, paul.id, Capacity.SGM)
    app.access.grant(claire.id, space.id, Role.CONTRIBUTOR, by=admin.id)
    app.access.grant(paul.id, space.id, Role.ANIMATOR, by=admin.id)
    app.access.add_staff(paul.id, by=admin.id)  # KNB-2, MEM-6: the animators are CDG staff
    return SimpleNamespace(admin=admin.id, claire=claire.id, paul=paul.id, space=space.id)


@pytest.fixture
def net(app: App) -> SimpleNamespace:
    return setup(app)


def sheet(app: App, net: SimpleNamespace, title: str = "Tenir le registre d'état civil") -> Any:
    return app.toolbox.add(
        "fiche pratique", title, "Les actes de l'**état civil** pas à pas.",
        themes=["etat civil"], by=net.paul,
    )  # fmt: skip


def test_a_resource_is_drafted_published_and_archived_KNB_1_KNB_2(
    app: App, net: SimpleNamespace
) -> None:
    draft = sheet(app, net)
    assert draft.status is ResourceStatus.DRAFT and draft.themes == ("État civil",)
    published = app.toolbox.publish(draft.id, by=net.paul, review_on=dt.date(2026, 3, 1))
    assert published.status is ResourceStatus.PUBLISHED and published.published_on == TODAY
    assert app.toolbox.archive(draft.id, by=net.admin).status is ResourceStatus.ARCHIVED
    assert app.toolbox.search() == []


def test_a_resource_without_a_theme_is_refused_KNB_1(app: App, net: SimpleNamespace) -> None:
    error = nothing_written(
        app,
        lambda: app.toolbox.add("modèle", "Arrêté type", "…", themes=[], by=net.paul),
        "KNB-1",
    )
    assert "aucun thème" in error.message and "Arrêté type" in error.message


def test_publishing_by_a_non_animator_is_refused_KNB_2(app: App, net: SimpleNamespace) -> None:
    draft = app.toolbox.add(
        "modèle", "Délibération type", "…", themes=["Conseil municipal et actes"], by=net.claire
    )
    error = nothing_written(
        app,
        lambda: app.toolbox.publish(draft.id, by=net.claire, review_on=dt.date(2026, 1, 1)),
        "KNB-2",
    )
    assert error.value == net.claire and "Claire Martin ne peut pas publier" in error.message
    assert "il faut être administrateur du CDG ou animateur (agent du CDG)" in error.message


def test_contributors_propose_only_once_contributions_are_open_KNB_2_CHA_5(
    app: App, net: SimpleNamespace
) -> None:
    administrator(app)  # CHA-2: named before any snapshot
    app.access.set_read_only(net.space, True, by=administrator(app))
    error = nothing_written(
        app,
        lambda: app.toolbox.add("modèle", "Arrêté", "…", themes=["Voirie"], by=net.claire),
        "CHA-5",
    )
    assert "contributions" in error.message
    assert app.toolbox.add("modèle", "Arrêté", "…", themes=["Voirie"], by=net.paul).id
    outsider = app.members.add("Luc", "Bernard", email="luc.bernard@example.org")
    nothing_written(
        app,
        lambda: app.toolbox.add("modèle", "X", "…", themes=["Voirie"], by=outsider.id),
        "KNB-2",
    )


def test_a_review_date_in_the_past_at_publication_is_refused_KNB_3(
    app: App, net: SimpleNamespace
) -> None:
    draft = sheet(app, net)
    error = nothing_written(
        app,
        lambda: app.toolbox.publish(draft.id, by=net.paul, review_on=dt.date(2025, 1, 1)),
        "KNB-3",
    )
    assert "01/01/2025" in error.message


def test_editing_a_published_resource_keeps_versions_and_tells_followers_KNB_3(
    app: App, net: SimpleNamespace
) -> None:
    draft = sheet(app, net)
    app.toolbox.edit(draft.id, by=net.paul, body="Corrigé avant publication.")
    assert [r.version for r in app.toolbox.list_versions(resource_id=draft.id)] == [1]
    app.toolbox.publish(draft.id, by=net.paul, review_on=dt.date(2026, 3, 1))
    app.toolbox.follow(draft.id, net.claire)
    app.toolbox.follow(draft.id, member_id=net.claire)  # once is enough
    assert len(app.toolbox.list_followers(resource_id=draft.id)) == 1
    v2 = app.toolbox.edit(draft.id, by=net.paul, body="Nouvelle version.", themes=["Élections"])
    assert v2.version == 2 and v2.themes == ("Élections",)
    history = app.toolbox.list_versions(resource_id=draft.id)
    assert [(r.version, r.body) for r in history] == [
        (1, "Corrigé avant publication."),
        (2, "Nouvelle version."),
    ]
    assert app.toolbox.get(draft.id, 1).body == "Corrigé avant publication."
    told = [m for m in app.outbox.list_messages() if m.template == "toolbox_new_version"]
    assert [m.recipient for m in told] == ["claire.martin@example.org"]
    assert "Tenir le registre" in told[0].subject


def test_the_stale_list_shows_published_resources_past_review_KNB_3(
    app: App, net: SimpleNamespace
) -> None:
    old = sheet(app, net, "Ancienne fiche")
    app.toolbox.publish(old.id, by=net.paul, review_on=dt.date(2025, 4, 1))
    fresh = sheet(app, net, "Fiche récente")
    app.toolbox.publish(fresh.id, by=net.paul, review_on=dt.date(2026, 4, 1))
    assert [r.title for r in app.toolbox.list_stale_resources(on=dt.date(2025, 6, 1))] == [
        "Ancienne fiche"
    ]
    assert app.toolbox.list_stale_resources() == []


def test_search_by_kind_theme_software_and_words_ranked_KNB_4(
    app: App, net: SimpleNamespace
) -> None:
    review = dt.date(2026, 1, 1)
    a = sheet(app, net, "État civil : les mentions marginales")
    b = app.toolbox.add(
        "tutoriel", "Saisir un acte dans Berger-Levrault", "Ouvrir le module état civil.",
        themes=["État civil"], by=net.paul, software=["berger levrault"],
    )  # fmt: skip
    c = app.toolbox.add(
        "veille juridique", "Loi de finances", "Rien sur l'etat civil ici.",
        themes=["Finances et comptabilité"], by=net.paul,
    )  # fmt: skip
    for r in (a, b, c):
        app.toolbox.publish(r.id, by=net.paul, review_on=review)
    words = [h.resource.title for h in app.toolbox.search("ETAT CIVIL")]
    assert words[0] == "État civil : les mentions marginales" and len(words) == 3
    assert [h.resource.id for h in app.toolbox.search(kind="tutoriel")] == [b.id]
    assert [h.resource.id for h in app.toolbox.search(software="Berger-Levrault")] == [b.id]
    assert [h.resource.id for h in app.toolbox.search("etat", theme="état civil")] == [a.id, b.id]
    nothing_written(app, lambda: app.toolbox.search(kind="roman"), "KNB-1")


def test_attachments_within_limits_are_kept_KNB_1(url: str, tmp_path: Path) -> None:
    settings = Settings(
        plugins={"toolbox": {"max_attachment_bytes": 10, "allowed_types": ["text/plain"]}}
    )
    with rsgm_core.open(url, clock=Clock(), settings=settings) as app:
        net = setup(app)
        draft = sheet(app, net)
        error = nothing_written(
            app, lambda: app.toolbox.attach(draft.id, "gros.txt", b"x" * 11), "KNB-1"
        )
        assert "11 octets" in error.message and error.value == 11
        error = nothing_written(
            app, lambda: app.toolbox.attach(draft.id, "photo.png", b"png"), "KNB-1"
        )
        assert "image/png" in error.message
        kept = app.toolbox.attach(draft.id, "note.txt", b"bonjour")
        [listed] = app.toolbox.list_attachments(resource_id=draft.id)
        assert app.toolbox.content(listed) == app.toolbox.content(kept.id) == b"bonjour"
        assert kept.size == 7 and kept.media_type == "text/plain"


def test_the_software_map_per_epci_names_who_masters_KNB_5(app: App, net: SimpleNamespace) -> None:
    app.directory.set_software(net.claire, used=["Cosoluce"])
    app.directory.set_software(net.paul, mastered=["Cosoluce"])
    app.directory.give_consent(net.paul, "annuaire")
    rows = app.toolbox.software_map()
    assert len(rows) == 1
    row = rows[0]
    assert row.software == "Cosoluce" and row.communes == ("Aubigny (79019)",)
    assert row.masters == ("Paul Roy",) and row.epci and row.epci_name != "hors EPCI"
    assert app.toolbox.software_map(epci="000000000") == []


def test_export_writes_one_markdown_file_per_published_resource_and_an_index_KNB_2(
    app: App, net: SimpleNamespace, tmp_path: Path
) -> None:
    published = sheet(app, net, "Fiche publiée")
    app.toolbox.publish(published.id, by=net.paul, review_on=dt.date(2026, 1, 1))
    sheet(app, net, "Brouillon")
    tree = app.toolbox.export_to_platform("interstis", tmp_path)
    assert sorted(tree) == ["fiche-pratique/fiche-publiee-" + published.id[:8] + ".md", "index.md"]
    index = (tmp_path / "index.md").read_text(encoding="utf-8")
    assert "Fiche publiée" in index and "Brouillon" not in index
    nothing_written(app, lambda: app.toolbox.export_to_platform("inconnue", tmp_path), "KNB-2")


def received(hours: float) -> dt.datetime:
    return NOW - dt.timedelta(hours=hours)


def test_an_advice_request_is_logged_answered_and_referred_CNS_1(
    app: App, net: SimpleNamespace
) -> None:
    app.directory.set_expertises(net.paul, ["État civil"])
    request = app.advice.log(
        SAUZE, "Jean Dupont", "téléphone", "etat civil", "Comment rectifier un acte ?",
        received_at=received(5),
    )  # fmt: skip
    assert request.theme == "État civil" and not request.answered
    referral = app.advice.refer(request.id)
    assert referral.request.referred_to == net.paul and referral.helpers[0].member.id == net.paul
    assert app.advice.refer(request.id, member_id=net.claire).request.referred_to == net.claire
    answered = app.advice.answer(request.id, "Par jugement.", minutes_spent=20)
    assert answered.answered and answered.answered_at == NOW and answered.minutes_spent == 20
    assert app.advice.list_requests(pending=True) == []
    nothing_written(app, lambda: app.advice.log("99999", "X", "courriel", "Voirie", "Q ?"), "CNS-1")
    nothing_written(app, lambda: app.advice.log(SAUZE, "X", "pigeon", "Voirie", "Q ?"), "CNS-1")


def test_an_answered_request_becomes_an_anonymised_faq_draft_CNS_2(
    app: App, net: SimpleNamespace
) -> None:
    request = app.advice.log(
        SAUZE, "Jean Dupont", "courriel",
        "État civil", "Jean Dupont de Sauzé-entre-Bois (jean@mairie.fr) demande un acte.",
    )  # fmt: skip
    error = nothing_written(app, lambda: app.advice.to_faq(request.id, by=net.paul), "CNS-2")
    assert error.value == request.id
    app.advice.answer(request.id, "Appelez le 05 49 00 00 00, Jean Dupont.")
    entry = app.advice.to_faq(request.id, by=net.paul)
    faq = entry.resource
    assert entry.request.faq_id == faq.id and faq.kind is ResourceKind.FAQ
    text = faq.title + faq.body
    assert "Dupont" not in text and "jean@mairie.fr" not in text and "05 49" not in text
    assert "Sauzé-entre-Bois" not in text
    assert app.toolbox.get(faq.id).status is ResourceStatus.DRAFT
    nothing_written(app, lambda: app.advice.to_faq(request.id, by=net.paul), "CNS-2")
    # The FAQ entry is corrected in the toolbox, not through the request any more.
    nothing_written(app, lambda: app.advice.answer(request.id, "Autre réponse."), "CNS-2")
    nothing_written(app, lambda: app.advice.to_faq("inconnue", by=net.paul), "CNS-2")


def test_answering_again_corrects_the_text_and_keeps_the_first_time_CNS_1(
    app: App, net: SimpleNamespace
) -> None:
    request = app.advice.log(AUBIGNY, "Jean Dupont", "courriel", "Voirie", "Q ?",
                             received_at=received(5))  # fmt: skip
    first = app.advice.answer(request.id, "Réponse.", minutes_spent=10, answered_at=received(2))
    again = app.advice.answer(request.id, "Réponse corrigée.", minutes_spent=5)
    assert again.answer == "Réponse corrigée." and again.minutes_spent == 15
    assert again.answered_at == first.answered_at == received(2)  # the answer time stays 3 h
    fixed = app.advice.answer(request.id, "Réponse corrigée.", answered_at=received(4))
    assert fixed.answered_at == received(4) and fixed.minutes_spent == 15  # a corrected time
    error = nothing_written(app, lambda: app.advice.answer("inconnue", "R."), "CNS-1")
    assert error.value == "inconnue"
    with pytest.raises(ValidationError, match="période inversée"):
        Period(dt.date(2026, 1, 1), dt.date(2025, 1, 1))


def test_answer_time_statistics_median_and_p90_CNS_2(app: App, net: SimpleNamespace) -> None:
    assert app.advice.stats().median_hours is None
    for n, hours in enumerate([1, 2, 3, 4, 10]):
        r = app.advice.log(AUBIGNY, f"Demandeur {n}", "courriel", "Voirie", "Q ?",
                           received_at=received(hours))  # fmt: skip
        app.advice.answer(r.id, "R.")
    app.advice.log(AUBIGNY, "En attente", "courriel", "Voirie", "Q ?")
    stats = app.advice.stats()
    assert (stats.answered, stats.pending, stats.median_hours, stats.p90_hours) == (5, 1, 3, 10)
    assert app.advice.stats(period=Period(TODAY, TODAY)).answered == 5
    before = Period(dt.date(2025, 1, 1), TODAY - dt.timedelta(days=1))
    assert app.advice.stats(period=before).answered == 0
    assert PARIS


def test_the_toolbox_names_before_0_2_still_work_with_a_warning(
    app: App, net: SimpleNamespace, tmp_path: Path
) -> None:
    draft = sheet(app, net)
    app.toolbox.publish(draft.id, by=net.paul, review_on=dt.date(2025, 4, 1))
    with pytest.warns(DeprecationWarning, match="use member_id=…"):
        app.toolbox.follow(draft.id, member=net.claire)
    renamed = {
        "list": "list_resources",
        "history": "list_versions",
        "followers": "list_followers",
        "attachments": "list_attachments",
    }
    for old, new in renamed.items():
        arguments = () if old == "list" else (draft.id,)
        keywords = {} if old == "list" else {"resource_id": draft.id}
        with pytest.warns(DeprecationWarning, match=new):
            assert getattr(app.toolbox, old)(*arguments) == getattr(app.toolbox, new)(**keywords)
        if keywords:
            with pytest.warns(DeprecationWarning, match=rf"{new}\(…, resource_id=…\)"):
                assert getattr(app.toolbox, new)(draft.id) == getattr(app.toolbox, new)(**keywords)
    with pytest.warns(DeprecationWarning, match=r"use export_to_platform\(\)"):
        assert app.toolbox.export("interstis", tmp_path)
    june = dt.date(2025, 6, 1)
    with pytest.warns(DeprecationWarning, match=r"use list_stale_resources\(on=…\)"):
        assert app.toolbox.stale(june) == app.toolbox.list_stale_resources(on=june)
    with pytest.warns(
        DeprecationWarning, match=r"add\(author=…\) is deprecated since rsgm_core 0.2.0; use by=…"
    ):
        added = app.toolbox.add("modèle", "Arrêté", "…", themes=["Voirie"], author=net.paul)
    assert added.author_id == net.paul


def test_the_advice_names_before_0_2_still_work_with_a_warning(
    app: App, net: SimpleNamespace
) -> None:
    app.directory.set_expertises(net.paul, ["État civil"])
    request = app.advice.log(SAUZE, "Jean Dupont", "téléphone", "État civil", "Q ?")
    with pytest.warns(DeprecationWarning, match="use member_id=…"):
        app.advice.refer(request.id, member=net.paul)
    with pytest.warns(DeprecationWarning, match="request, helpers"):
        referred, helpers = app.advice.refer(request.id)
    assert referred.referred_to == net.paul and helpers[0].member.id == net.paul
    with pytest.warns(DeprecationWarning, match="list_requests"):
        assert app.advice.list() == app.advice.list_requests()
    with pytest.warns(DeprecationWarning, match=r"use stats\(period=Period\(start, end\)\)"):
        assert app.advice.stats(since=TODAY).pending == 1
    with (
        pytest.warns(DeprecationWarning, match="stats"),
        pytest.raises(ValidationError, match="période à l'envers") as info,
    ):
        app.advice.stats(since=TODAY, until=TODAY - dt.timedelta(days=1))
    assert info.value.rule == "CNS-2"
    app.advice.answer(request.id, "R.")
    with pytest.warns(DeprecationWarning, match="request, resource"):
        linked, faq = app.advice.to_faq(request.id, by=net.paul)
    assert linked.faq_id == faq.id
