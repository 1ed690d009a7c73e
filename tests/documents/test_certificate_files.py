"""EVT-6: certificates name their CDG and each attendee gets a file of their own: date, event,
family and given names, and the member's short id when two attendees share a name."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import rsgm_core
from rsgm_core import App, NewPosition, SessionPlan
from rsgm_core.profile_file import example_profile
from rsgm_core.render.event_documents import certificate_attachments, certificate_stem
from rsgm_core.testing import Clock
from tests.helpers import CDG79, run

DAY = dt.date(2025, 6, 19)  # a Thursday; the clock starts on 14 March 2025


def held_event(app: App, clock: Clock, names: list[tuple[str, str]]) -> str:
    people = [
        app.members.add(first, last, email=f"agent{i}@example.org",
                        lifecycle="actif", position=NewPosition("79191")).id
        for i, (first, last) in enumerate(names)
    ]  # fmt: skip
    planned = app.events.plan(
        "Journée réseau des SGM : l'état civil après la réforme de 2025", "journée réseau",
        "présentiel", [SessionPlan(DAY, "Niort")],
    )  # fmt: skip
    for member_id in people:
        app.registrations.register(planned.sessions[0].id, member_id)
    clock.set(DAY)
    app.registrations.attend(planned.sessions[0].id, people)
    return planned.event.id


MEYERS = [("Anne", "Meyer"), ("Anne", "Meyer"), ("Paul", "Meyer"), ("Élodie", "Le Bihan-Éon")]


@pytest.mark.rule("EVT-6")
def test_two_attendees_named_meyer_give_two_files_EVT_6(app: App, rsgm_clock: Clock) -> None:
    app.census.import_(_sample(), ["79"])
    event_id = held_event(app, rsgm_clock, MEYERS)
    event = app.events.get(event_id).event
    rows = app.registrations.list_certificates(event_id=event_id)
    docs = certificate_attachments(event, rows, pdf=False, settings=app.settings, on=DAY)
    names = [d.filename for d in docs]
    assert len(set(names)) == len(rows) == 4
    prefix = "attestation-presence-2025-06-19-journee-reseau-des-sgm-l-etat-civil"  # cut at a word
    assert all(n.startswith(prefix) for n in names), names
    assert f"{prefix}-meyer-paul.html" in names  # unique: no id added
    assert f"{prefix}-le-bihan-eon-elodie.html" in names  # accents dropped, ASCII only
    annes = sorted(n for n in names if "-meyer-anne-" in n)
    assert len(annes) == 2  # each with the member's short id
    ids = {r.member.id[:8] for r in rows if r.member.first_name == "Anne"}
    assert {n.removesuffix(".html").rsplit("-", 1)[1] for n in annes} == ids
    for doc, row in zip(docs, rows, strict=True):  # each file is its attendee's, signed by CDG 79
        text = doc.content.decode("utf-8")
        assert f"{row.member.first_name} {row.member.last_name}" in text
        assert "Centre de gestion de la fonction publique territoriale des Deux-Sèvres" in text
        assert "Alain Lecointe, Président du CDG 79, atteste que" in text
    row = rows[0]
    assert certificate_stem(event, row.session, row.member).startswith(prefix)


@pytest.mark.rule("EVT-6")
def test_the_command_writes_one_file_per_attendee_EVT_6(
    tmp_path: Path, rsgm_clock: Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "rsgm.db"
    with rsgm_core.open(f"sqlite:///{db}", clock=rsgm_clock, settings=CDG79) as app:
        app.census.import_(_sample(), ["79"])
        event_id = held_event(app, rsgm_clock, MEYERS)
    folder = tmp_path / "attestations"
    code, out, _ = run(capsys, "events", "certificates", event_id[:8], "--db", str(db),
                       "--dossier", str(folder), "--config", str(example_profile("cdg79")))  # fmt: skip
    assert code == 0, out
    assert len(list(folder.iterdir())) == 4
    assert "4 attestations de présence écrites" in out


def _sample() -> Path:
    from tests.conftest import SAMPLE

    return SAMPLE
