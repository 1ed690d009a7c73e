"""Reading the territory (issue 17, item 4): every commune with where it stands and the population
used, the records waiting on a commune without known successor, the command line.

The tests build a release from the bundled sample (Etalab 6.0.0, Deux-Sèvres) in which Adilly
(79002) is gone without successor, as eight communes of France are between Etalab 4.1.0 and 6.0.0
(fusions simples: the absorbed commune is not kept as a delegated one); the reassignment itself,
and the test on one of the eight, are in ``test_census_reassign.py``.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

import rsgm_core
from rsgm_core import (
    App,
    CommuneSituation,
    NewPosition,
    NotFoundError,
    PopulationKind,
    ValidationError,
)
from rsgm_core.domain.billing import Intervention
from rsgm_core.domain.tariffs import Membership, ServiceKind
from rsgm_core.records import COLLECTIONS
from rsgm_core.services.census_territory import ATTACHMENT_COLLECTIONS
from rsgm_core.testing import Clock
from tests.conftest import SAMPLE
from tests.helpers import administrator, run

GONE = "79002"  # Adilly, 310 inhabitants: gone without successor in the constructed release
HEIR = "79001"  # L'Absie, a current commune
MERGED = "79004"  # Aigonnay, a delegated commune of Aigondigné (79185)
AIFFRES = "79003"  # 5,419 inhabitants: listed too, not only communes under 3,500
CAN_NIORT = "200041317"  # CA du Niortais
SIGNED = dt.date(2025, 1, 15)


def without_adilly(folder: Path) -> Path:
    """The sample, a newer release in which Adilly is gone with no delegated commune left and
    one commune renamed as a formula (the CSV must keep it text)."""
    shutil.copytree(SAMPLE, folder)
    communes = json.loads((folder / "communes.json").read_text(encoding="utf-8"))
    kept = []
    for commune in communes:
        if commune["code"] == GONE:
            continue
        if commune["code"] == "79005" and commune["type"] == "commune-actuelle":
            commune["nom"] = "=HYPERLINK(1)"
        kept.append(commune)
    (folder / "communes.json").write_text(json.dumps(kept), encoding="utf-8")
    epcis = json.loads((folder / "epci.json").read_text(encoding="utf-8"))
    for epci in epcis:
        epci["membres"] = [m for m in epci["membres"] if m["code"] != GONE]
    (folder / "epci.json").write_text(json.dumps(epcis), encoding="utf-8")
    meta = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    meta["label"] = "6.0.0-sans-adilly"
    (folder / "metadata.json").write_text(json.dumps(meta), encoding="utf-8")
    return folder


@pytest.fixture
def vanished(app: App, tmp_path: Path) -> App:
    """CDG 79's app after the sample, then the release where Adilly is gone."""
    app.census.import_(SAMPLE, ["79"])
    result = app.census.import_(without_adilly(tmp_path / "release"), ["79"])
    assert result.changes.orphans == [GONE]
    return app


def attach(app: App, code: str) -> dict[str, str]:
    """A town hall, a position, the 2025 membership, a convention, an intervention: by kind."""
    app.directory.set_town_hall(code, f"Mairie de {code}")
    member = app.members.add("Anne", f"Sgm{code}", position=NewPosition(code))
    membership = Membership(code, 2025, Decimal("200"), SIGNED, id=f"adh-{code}")
    intervention = Intervention(
        code, dt.date(2025, 2, 3), ServiceKind.SPECIFIC_INTERVENTION, 60, id=f"int-{code}"
    )
    with app.storage.unit_of_work() as uow:
        uow.memberships.add(membership)
        uow.interventions.add(intervention)
        position = uow.positions.list({"member_id": member.id})[0]
        uow.commit()
    convention = app.memberships.sign_convention(
        code, on=SIGNED, reference=f"C-{code}", by=administrator(app)
    )
    return {
        "town_halls": code,
        "positions": position.id,
        "memberships": membership.id,
        "conventions": convention.id,
        "interventions": intervention.id,
    }


def animator(app: App) -> str:
    """A CDG staff member (the first administrator, named at set-up)."""
    staff = app.members.add("Paul", "Animateur", email="paul.animateur@cdg79.fr")
    app.access.add_staff(staff.id, administrator=True, by=administrator(app))
    return staff.id


def test_every_commune_is_listed_with_its_status_and_successor_TER_5(vanished: App) -> None:
    listed = vanished.census.communes()
    by_code = {e.code: e for e in listed}
    with vanished.storage.unit_of_work(read_only=True) as uow:
        assert len(listed) == uow.communes.count()  # every commune stored, whatever its status
    assert [e.code for e in listed] == sorted(by_code)
    assert by_code[AIFFRES].population == 5594  # not only the communes under 3,500
    gone = by_code[GONE]
    assert gone.situation is CommuneSituation.SANS_SUCCESSEUR and gone.successor is None
    assert gone.name == "Adilly" and gone.status_label() == "sans successeur connu"
    merged = by_code[MERGED]
    assert merged.situation is CommuneSituation.FUSIONNEE
    assert (merged.successor, merged.successor_name) == ("79185", "Aigondigné")
    assert merged.status_label() == "fusionnée dans 79185 Aigondigné"
    current = by_code[HEIR]
    assert current.situation is CommuneSituation.ACTUELLE and not current.hors_ressort
    assert current.epci == "200040244" and current.epci_name == "CA du Bocage Bressuirais"
    # filters: by status (the enum or its French value), department, EPCI
    assert [e.code for e in vanished.census.communes(status="sans successeur connu")] == [GONE]
    orphans = vanished.census.communes(status=CommuneSituation.SANS_SUCCESSEUR)
    assert orphans == [gone]
    fused = vanished.census.communes(status="fusionnée")
    assert MERGED in {e.code for e in fused}
    assert all(e.situation is CommuneSituation.FUSIONNEE for e in fused)
    niort = vanished.census.communes(epci=CAN_NIORT)
    assert niort and all(e.epci == CAN_NIORT for e in niort)
    assert len(vanished.census.communes(departement="79")) == len(listed)
    assert vanished.census.communes(hors_ressort=True) == []


def test_the_population_used_carries_its_kind_vintage_and_flags_TER_2(vanished: App) -> None:
    # 14 March 2025: the vintage in force is 2022; the sample's epci.json carries its totale
    listed = {e.code: e for e in vanished.census.communes()}
    absie = listed[HEIR]
    assert (absie.year, absie.population_vintage, absie.provisional) == (2025, 2022, False)
    assert absie.population_kind is PopulationKind.TOTALE and not absie.municipale_only
    # 2026 needs the 2023 populations: communes.json's municipale, the only one known (flagged)
    in_2026 = {e.code: e for e in vanished.census.communes(year=2026)}[HEIR]
    assert (in_2026.population_vintage, in_2026.provisional) == (2023, False)
    assert in_2026.municipale_only
    # 2027 needs the 2024 populations, not imported: the 2023 figure stands in, provisional
    later = {e.code: e for e in vanished.census.communes(year=2027)}[HEIR]
    assert (later.population, later.population_vintage) == (in_2026.population, 2023)
    assert later.provisional and "provisoire" in later.population_flags()
    # before any vintage known, the nearest later one stands in, provisional: said, not hidden
    early = {e.code: e for e in vanished.census.communes(year=2010)}[HEIR]
    assert early.population_vintage == 2022 and early.provisional


def test_bad_filters_are_refused_with_the_rule_TER_1_TER_5(vanished: App) -> None:
    with pytest.raises(ValidationError, match=r"SIREN invalide.*\[TER-1\]"):
        vanished.census.communes(epci="12345")
    with pytest.raises(NotFoundError):
        vanished.census.communes(epci="200055655")  # CA Roissy Pays de France: not stored
    with pytest.raises(ValidationError, match=r"département invalide.*\[TER-1\]"):
        vanished.census.communes(departement="20")
    with pytest.raises(NotFoundError):
        vanished.census.communes(departement="86")
    with pytest.raises(ValidationError, match=r"situation de commune inconnue.*\[TER-5\]"):
        vanished.census.communes(status="perdue")


def test_every_collection_holding_a_commune_code_is_searched_TER_5() -> None:
    # a new collection keyed by a commune must declare commune_refs, or its records would be
    # neither moved on a merge nor listed as waiting on a vanished commune
    holding = {
        c.name
        for c in COLLECTIONS
        for field in attrs.fields(c.record)
        if field.name in ("commune", "insee", "host_commune")
    }
    # populations belong to their commune's history; a conflict names communes as they were
    assert holding - {c.name for c in ATTACHMENT_COLLECTIONS} == {"populations", "census_conflicts"}


def test_the_records_waiting_on_a_vanished_commune_are_listed_TER_5(
    app: App, tmp_path: Path
) -> None:
    app.census.import_(SAMPLE, ["79"])
    ids = attach(app, GONE)
    app.census.import_(without_adilly(tmp_path / "release"), ["79"])

    [orphan] = app.census.list_orphans()
    assert (orphan.code, orphan.name, orphan.departement) == (GONE, "Adilly", "79")
    assert {(w.collection, w.record) for w in orphan.waiting} == set(ids.items())
    assert orphan.counts == dict.fromkeys(ids, 1)
    assert orphan.describe().startswith("79002 Adilly : 1 poste, 1 adhésion")
    assert app.census.list_orphans(departement="79") == [orphan]
    # nothing moved at the import: everything stays on the old code (TER-5 c)
    with app.storage.unit_of_work(read_only=True) as uow:
        assert uow.memberships.get(ids["memberships"]).insee == GONE
        assert uow.town_halls.find(GONE) is not None


def test_rsgm_census_communes_orphans_and_reassign_TER_5(
    sqlite_url: str, rsgm_clock: Clock, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with rsgm_core.open(sqlite_url, clock=rsgm_clock) as app:
        app.census.import_(SAMPLE, ["79"])
        attach(app, GONE)
        animator(app)
    release = without_adilly(tmp_path / "release")
    assert run(capsys, "census", "import", "--db", sqlite_url, "--source", str(release))[0] == 0

    code, out, _ = run(
        capsys,
        "census",
        "communes",
        "--db",
        sqlite_url,
        "--statut",
        "sans-successeur",
        "--annee",
        "2025",
    )
    assert code == 0
    assert "79002  Adilly" in out and "sans successeur connu" in out
    assert "1 commune, population retenue pour 2025" in out

    code, out, _ = run(capsys, "census", "communes", "--db", sqlite_url, "--format", "csv")
    assert code == 0 and out.startswith("\ufeffcode_insee;commune;departement;epci;")
    rows = {line.split(";")[0].lstrip("\ufeff"): line for line in out.splitlines()}
    assert rows["79005"].startswith("79005;'=HYPERLINK(1);79;")  # a formula stays text
    assert rows[GONE].split(";")[9] == "sans successeur connu"
    assert rows[MERGED].split(";")[9:12] == ["fusionnée", "79185", "Aigondigné"]

    code, _, err = run(capsys, "census", "communes", "--db", sqlite_url, "--epci", "12")
    assert code == 2 and "SIREN invalide" in err and "[TER-1]" in err

    code, out, _ = run(capsys, "census", "orphans", "--db", sqlite_url)
    assert code == 0
    assert "1 commune disparue sans successeur connu" in out
    assert "79002 Adilly : 1 poste, 1 adhésion, 1 convention, 1 intervention, 1 mairie" in out

    argv = ("census", "reassign", GONE, MERGED, "--db", sqlite_url)
    code, out, err = run(capsys, *argv, "--par", "paul.animateur@cdg79.fr")
    assert code == 2 and "n'est pas une commune actuelle" in err and "[TER-5]" in err

    code, out, _ = run(
        capsys, "census", "reassign", GONE, HEIR, "--db", sqlite_url,
        "--par", "paul.animateur@cdg79.fr", "--le", "2025-03-20",
    )  # fmt: skip
    assert code == 0
    assert "79002 Adilly réaffectée à 79001 L'Absie par " in out and "le 20/03/2025" in out
    assert (
        "rattachements déplacés : 1 poste, 1 adhésion, 1 convention, 1 intervention, 1 mairie"
        in out
    )
    code, out, _ = run(capsys, "census", "orphans", "--db", sqlite_url)
    assert "aucune commune disparue sans successeur connu" in out


def test_a_bad_year_or_date_is_refused_with_the_value(vanished: App) -> None:
    with pytest.raises(ValidationError, match="exercice invalide : '2025'"):
        vanished.census.communes(year="2025")  # type: ignore[arg-type]
    actor = animator(vanished)
    moment = dt.datetime(2025, 3, 14, 10, 0)  # a datetime would silently lose its time
    with pytest.raises(ValidationError, match="date de la réaffectation invalide"):
        vanished.census.reassign(GONE, HEIR, by=actor, on=moment)  # type: ignore[arg-type]
    assert [o.code for o in vanished.census.list_orphans()] == [GONE]
