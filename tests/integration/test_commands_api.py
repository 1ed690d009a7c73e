"""The use cases behind the commands issue 20 found missing, on every backend: a directory entry
and a town hall edited after import (MEM-2), consents withdrawn by name (MEM-3), the welcome mail
sent through the outbox (MEM-5, NOT-1), attached files found and exported byte for byte (KNB-1,
KNB-2) and the network's objectives recorded apart from its charter (NET-4, CHA-2). Every refusal
names its rule and writes nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rsgm_core
from rsgm_core import App, MessageStatus, Objective, ObjectiveKind, OnboardingStep
from rsgm_core.domain.directory import Viewer, ViewerRole
from rsgm_core.errors import PermissionDeniedError, RsgmError
from rsgm_core.services.network import NetworkService
from rsgm_core.testing import Clock
from tests.conftest import NOW
from tests.helpers import CDG79, nothing_written
from tests.integration.test_toolbox_service import AUBIGNY, setup

TODAY = NOW.date()
ANIMATOR = Viewer(ViewerRole.ANIMATOR)


@pytest.fixture
def net(app: App) -> SimpleNamespace:
    return setup(app)


# MEM-2: the directory entry after import


def test_an_entry_is_edited_in_one_unit_of_work_MEM_2(app: App, net: SimpleNamespace) -> None:
    app.directory.edit_entry(
        net.claire, expertises=["etat civil", "ÉLECTIONS"], software_used=["Cosoluce"],
        software_mastered=["cosoluce"], phone="05 49 00 00 00",
    )  # fmt: skip
    entry = app.directory.get_entry(net.claire, viewer=ANIMATOR)
    assert entry.expertises == ("Élections", "État civil")
    assert entry.software_mastered == ("Cosoluce",) and entry.software_used == ()
    assert entry.phone == "05 49 00 00 00"
    changed = app.directory.edit_entry(net.claire, phone="")  # the rest kept, the phone cleared
    assert changed.phone is None
    assert app.directory.get_entry(net.claire, viewer=ANIMATOR).expertises == entry.expertises


def test_a_bad_term_or_phone_writes_nothing_MEM_2(app: App, net: SimpleNamespace) -> None:
    app.directory.edit_entry(net.claire, expertises=["etat civil"])
    error = nothing_written(
        app,
        lambda: app.directory.edit_entry(
            net.claire, expertises=["urbanisme"], software_used=["Logiciel inconnu"]
        ),
        "MEM-2",
    )
    assert "Logiciel inconnu" in str(error)
    error = nothing_written(
        app, lambda: app.directory.edit_entry(net.claire, expertises=[], phone="12"), "MEM-2"
    )
    assert "12" in str(error)
    nothing_written(app, lambda: app.directory.edit_entry(net.claire), "MEM-2")  # nothing asked


def test_a_departed_members_entry_is_closed_MEM_2_MEM_4(app: App, net: SimpleNamespace) -> None:
    app.members.depart(net.claire, reason="mutation", on=TODAY)
    nothing_written(
        app, lambda: app.directory.edit_entry(net.claire, expertises=["urbanisme"]), "MEM-4"
    )


def test_the_town_hall_is_edited_by_code_or_name_MEM_2(app: App, net: SimpleNamespace) -> None:
    error = nothing_written(
        app, lambda: app.directory.edit_town_hall("aubigny", opening_hours="lun. 9h-12h"), "MEM-2"
    )
    assert "mairie d'Aubigny (79019)" in str(error) and "adresse" in str(error)
    hall = app.directory.edit_town_hall(
        "AUBIGNY", address="1 place de la Mairie", opening_hours="lun. 9h-12h"
    )
    assert hall.commune == AUBIGNY
    hall = app.directory.edit_town_hall(AUBIGNY, opening_hours="jeu. 14h-18h", phone="0549111111")
    assert (hall.address, hall.opening_hours) == ("1 place de la Mairie", "jeu. 14h-18h")
    assert hall.phone == "+33549111111"
    entry = app.directory.get_entry(net.claire, viewer=ANIMATOR)
    assert entry.town_halls == ("Aubigny : 1 place de la Mairie ; jeu. 14h-18h ; 05 49 11 11 11",)
    error = nothing_written(
        app, lambda: app.directory.edit_town_hall("Atlantide", address="1 rue"), "MEM-2"
    )
    assert "Atlantide" in str(error)
    error = nothing_written(
        app, lambda: app.directory.edit_town_hall(AUBIGNY, opening_hours="lundi toute la journée"),
        "MEM-2",
    )  # fmt: skip
    nothing_written(app, lambda: app.directory.edit_town_hall(AUBIGNY), "MEM-2")


# MEM-3: consent


def test_withdrawing_a_consent_that_does_not_run_names_the_member_MEM_3(
    app: App, net: SimpleNamespace
) -> None:
    app.directory.give_consent(net.claire, "annuaire")
    error = nothing_written(
        app, lambda: app.directory.withdraw_consent(net.claire, "photo"), "MEM-3"
    )
    assert "Claire Martin" in str(error) and "photo" in str(error)
    assert app.directory.withdraw_consent(net.claire, "annuaire")[0].withdrawn_on == TODAY


# MEM-5, NOT-1: the welcome mail


def test_the_welcome_mail_goes_through_the_outbox_and_ticks_its_step_MEM_5_NOT_1(
    app: App, net: SimpleNamespace
) -> None:
    zoe = app.members.add("Zoé", "Neuve", email="zoe.neuve@example.org", arrival=TODAY).id
    app.members.add_position(zoe, AUBIGNY, "sgm")
    sent = app.members.send_welcome(zoe, on=TODAY - dt.timedelta(days=1))
    assert (
        sent.message.recipient == "zoe.neuve@example.org"
        and sent.message.template == "member_welcome"
    )
    assert "Aubigny" in sent.message.body_text  # the commune of its position
    assert app.outbox.get(sent.message.id).status in {MessageStatus.PENDING, MessageStatus.SENT}
    assert sent.step is not None and sent.step.step is OnboardingStep.WELCOME_MAIL
    assert sent.step.done_on == TODAY - dt.timedelta(days=1)
    items = {i.step: i for i in app.members.list_onboarding_items(member_id=zoe)}
    assert items[OnboardingStep.WELCOME_MAIL].done_on == TODAY - dt.timedelta(days=1)
    error = nothing_written(app, lambda: app.members.send_welcome(zoe), "MEM-5")
    assert "déjà" in str(error)
    again = app.members.send_welcome(zoe, again=True)
    assert again.message.id != sent.message.id and again.step is not None
    assert again.step.done_on == TODAY


def test_no_welcome_mail_without_an_address_or_after_departure_MEM_5_MEM_4(
    app: App, net: SimpleNamespace
) -> None:
    luc = app.members.add("Luc", "Sans", arrival=TODAY).id
    error = nothing_written(app, lambda: app.members.send_welcome(luc), "MEM-5")
    assert "Luc Sans" in str(error)
    app.members.depart(net.claire, reason="mutation", on=TODAY)
    nothing_written(app, lambda: app.members.send_welcome(net.claire), "MEM-4")
    sent = app.members.send_welcome(net.paul)  # recorded without arrival: no checklist
    assert sent.step is None


# KNB-1, KNB-2: attached files


def _published(app: App, net: SimpleNamespace) -> str:
    resource = app.toolbox.add(
        "fiche pratique", "Tenir l'état civil", "Pas à pas.", themes=["etat civil"], by=net.paul,
        attachments=[("acte.pdf", b"%PDF-1.4 acte"), ("../../evil.txt", b"nothing else")],
    ).id  # fmt: skip
    app.toolbox.publish(resource, by=net.paul, review_on=dt.date(2099, 1, 1))
    return resource


def test_an_attachment_is_found_by_its_id_or_its_resource_KNB_1(
    app: App, net: SimpleNamespace
) -> None:
    resource = _published(app, net)
    files = {a.name: a for a in app.toolbox.list_attachments(resource_id=resource)}
    pdf = files["acte.pdf"]
    assert app.toolbox.get_attachment(pdf.id) == pdf
    assert app.toolbox.get_attachment(pdf.id[:8]) == pdf
    assert app.toolbox.get_attachment(resource[:8], name="acte.pdf") == pdf
    assert (
        app.toolbox.content(app.toolbox.get_attachment(resource, name="acte.pdf"))
        == b"%PDF-1.4 acte"
    )
    with pytest.raises(RsgmError, match=r"acte\.pdf.*evil|evil.*acte\.pdf") as caught:
        app.toolbox.get_attachment(resource)  # two files: the names to choose from
    assert caught.value.rule == "KNB-1"
    with pytest.raises(RsgmError, match="'1234'") as caught:
        app.toolbox.get_attachment("1234")
    assert caught.value.rule == "KNB-1"


def test_the_export_writes_the_attached_files_themselves_KNB_2(
    app: App, net: SimpleNamespace, tmp_path: Path
) -> None:
    resource = _published(app, net)
    done = app.toolbox.export_files("interstis", tmp_path / "export")
    assert done.resources == 1 and "index.md" in done.pages
    assert len(done.files) == 2
    for path in done.files:
        assert path.startswith(f"pieces-jointes/tenir-l-etat-civil-{resource[:8]}/")
    written = {
        p.name: p.read_bytes()
        for p in (tmp_path / "export" / "pieces-jointes").rglob("*")
        if p.is_file()
    }
    assert written == {"acte.pdf": b"%PDF-1.4 acte", "evil.txt": b"nothing else"}  # no ../
    assert not (tmp_path / "evil.txt").exists()
    pages = app.toolbox.export_to_platform("interstis", tmp_path / "again")  # same, pages returned
    assert set(pages) == set(done.pages) and (tmp_path / "again" / done.files[0]).is_file()
    nothing_written(app, lambda: app.toolbox.export_files("inconnue", tmp_path / "x"), "KNB-2")
    assert not (tmp_path / "x").exists()


# NET-4, CHA-2: objectives


def test_objectives_are_recorded_apart_from_the_charter_NET_4_CHA_2(
    app: App, net: SimpleNamespace
) -> None:
    network = app.network.create_departmental_network("Réseau 79", by=net.admin).id
    goal = Objective(ObjectiveKind.STRATEGIC, "Couvrir le territoire", ["couverture_territoriale"])
    saved = app.network.set_objectives(network, [goal], by=net.paul)  # an animator
    assert (
        saved.objectives == (goal,) and saved.charter is None and saved.charter_set_by == net.paul
    )
    with pytest.raises(PermissionDeniedError) as caught:
        app.network.set_objectives(network, [], by=net.claire)  # a member
    assert caught.value.rule == "CHA-2" and "Claire Martin" in str(caught.value)
    assert app.network.list_networks()[0].objectives == (goal,)


def test_set_objectives_requires_its_actor_CHA_2() -> None:
    import inspect

    parameter = inspect.signature(NetworkService.set_objectives).parameters["by"]
    assert parameter.kind is inspect.Parameter.KEYWORD_ONLY
    assert parameter.default is inspect.Parameter.empty


# MEM-2: error or success, never a partial write

TERMS = st.lists(
    st.sampled_from(["etat civil", "urbanisme", "Élections", "inconnue", "RH et paie", ""]),
    max_size=4,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    expertises=st.none() | TERMS,
    used=st.none()
    | st.lists(st.sampled_from(["Cosoluce", "Berger-Levrault", "Absent"]), max_size=3),
    phone=st.none() | st.sampled_from(["", "05 49 00 00 00", "12", "+33 6 12 34 56 78"]),
)
def test_an_entry_edit_is_whole_or_nothing_MEM_2(
    expertises: list[str] | None, used: list[str] | None, phone: str | None
) -> None:
    with rsgm_core.open("memory://", clock=Clock(NOW), settings=CDG79) as app:
        net = setup(app)
        app.directory.edit_entry(net.claire, expertises=["Archives"], phone="0549000001")
        try:
            app.directory.edit_entry(
                net.claire, expertises=expertises, software_used=used, phone=phone
            )
        except RsgmError as exc:
            assert exc.rule == "MEM-2"
            entry = app.directory.get_entry(net.claire, viewer=ANIMATOR)
            assert entry.expertises == ("Archives",) and entry.software_used == ()
            assert entry.phone == "05 49 00 00 01"
            return
        entry = app.directory.get_entry(net.claire, viewer=ANIMATOR)
        if expertises is not None:
            assert len(entry.expertises) == len({e.casefold() for e in expertises})
        if phone is not None:
            assert (entry.phone == "") is (phone == "")
