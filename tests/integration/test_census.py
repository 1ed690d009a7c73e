"""Census import and re-import on the real Etalab data, vintages 4.1.0 then 6.0.0 (TER-1..TER-6).

The departments are chosen for what happened to them between the two vintages:
79 (Caunay, Montalembert, Pers and Pliboux merged into Sauzé-Vaussais, renamed Sauzé-entre-Bois),
12 (Conques-en-Rouergue changed code 12076 → 12218), 02 (Filain merged into Pargny-et-Filain
without becoming a delegated commune), 15 (Celles restored from delegated status), 14 (Saint-Sylvain
changed EPCI).
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

import rsgm_core
from rsgm_core import (
    App,
    ChangeKind,
    CommuneStatus,
    NotFoundError,
    RuleViolation,
    SourceDataError,
    ValidationError,
)
from rsgm_core.settings import Settings
from rsgm_core.testing import Clock
from tests.conftest import NEW_VINTAGE, OLD_VINTAGE, SAMPLE
from tests.helpers import snapshot

DEPARTEMENTS = ["79", "12", "02", "15", "14"]


@pytest.fixture
def france(url: str, rsgm_clock: Clock) -> Iterator[App]:
    """An app on every backend with no territory in its profile: it may import any department."""
    with rsgm_core.open(url, clock=rsgm_clock, settings=Settings()) as opened:
        yield opened


@pytest.fixture
def reimported(france: App, census_data: Path) -> tuple[App, object, dict[str, str]]:
    """4.1.0 imported, agents attached to communes that change, then 6.0.0 imported."""
    app = france
    app.census.import_(OLD_VINTAGE, DEPARTEMENTS)
    positions = {}
    for code in ("79060", "79212", "12076", "02311", "79019"):
        member = app.members.add("Agent", f"de {code}", email=f"agent.{code}@example.org")
        position = app.members.add_position(member.id, code, "sgm", work_time=Decimal("0.5"))
        positions[code] = position.id
    result = app.census.import_(NEW_VINTAGE, DEPARTEMENTS)
    return app, result, positions


def test_first_import_stores_the_departments_in_one_go_TER_1_TER_4(
    app: App, census_data: Path
) -> None:
    result = app.census.import_(OLD_VINTAGE, ["79"])
    assert result.changes.changes == ()  # a first import reports nothing as changed
    assert result.counts["communes"] == 256
    with app.storage.unit_of_work(read_only=True) as uow:
        caunay = uow.communes.get("79060")
        assert caunay.name == "Caunay" and caunay.siren == "217900604" and caunay.active
        # TER-4: one EPCI at most per commune
        assert all(isinstance(c.epci, str) or c.epci is None for c in uow.communes.list())
        assert uow.epcis.get(caunay.epci).kind.value == "CC"
    assert app.census.territory().departements == {"79"}


def test_epci_members_are_its_current_communes_TER_4(app: App, census_data: Path) -> None:
    app.census.import_(NEW_VINTAGE, ["79"])
    members = app.census.list_communes(epci="200041317")  # CA du Niortais
    assert len(members) == 40 and all(c.epci == "200041317" and c.active for c in members)
    with pytest.raises(NotFoundError):
        app.census.list_communes(epci="200041318")
    assert len(app.census.list_communes(departement="79")) == 252  # 256 less four merged
    with pytest.raises(NotFoundError):
        app.census.list_communes(departement="86")  # not imported


def test_old_census_names_warn_and_still_work(app: App, census_data: Path) -> None:
    app.census.import_(NEW_VINTAGE, ["79"])
    with pytest.warns(DeprecationWarning, match=r"list_communes\(epci=…\)"):
        assert len(app.census.epci_members("200041317")) == 40


def test_populations_keep_kind_and_vintage_TER_2(app: App, census_data: Path) -> None:
    app.census.import_(NEW_VINTAGE, ["79"])
    with app.storage.unit_of_work(read_only=True) as uow:
        figures = {f.vintage: f for f in uow.populations.list({"commune": "79019"})}
    # 6.0.0 as published: communes.json the 2023 municipale; epci.json the 2022 municipale and
    # totale (INSEE's legal populations of 2022: 169 and 175)
    assert figures[2023].municipale == 178 and figures[2023].totale is None
    assert (figures[2022].municipale, figures[2022].totale) == (169, 175)


def test_merged_communes_move_everything_to_the_chef_lieu_TER_5(reimported: tuple) -> None:
    app, result, positions = reimported
    merged = {c.code: c for c in result.changes.of_kind(ChangeKind.MERGED)}
    assert {"79060", "79180", "79205", "79212"} <= set(merged)
    assert merged["79060"].successor == "79307"
    assert result.moved["79060"] == {"positions": 1}
    with app.storage.unit_of_work(read_only=True) as uow:
        assert uow.positions.get(positions["79060"]).commune == "79307"
        assert uow.positions.get(positions["79212"]).commune == "79307"
        caunay = uow.communes.get("79060")  # kept, with its successor: history stays readable
        assert caunay.status is CommuneStatus.DELEGUEE and caunay.successor == "79307"


def test_code_change_follows_the_siren_TER_5(reimported: tuple) -> None:
    app, result, positions = reimported
    [change] = [
        c
        for c in result.changes.of_kind(ChangeKind.MERGED)
        + result.changes.of_kind(ChangeKind.CODE_CHANGED)
        if c.code == "12076"
    ]
    assert change.successor == "12218"
    with app.storage.unit_of_work(read_only=True) as uow:
        assert uow.positions.get(positions["12076"]).commune == "12218"


def test_new_code_of_a_commune_nouvelle_is_not_a_split_TER_5(reimported: tuple) -> None:
    _, result, _ = reimported
    # 12218 was a delegated commune of 12076 and now carries Conques-en-Rouergue's code
    assert (ChangeKind.SPLIT, "12218") not in {(c.kind, c.code) for c in result.changes.changes}


def test_a_position_cannot_be_added_on_a_merged_commune_TER_5(reimported: tuple) -> None:
    app, _, _ = reimported
    member = app.members.add("Nadia", "Roux", email="nadia.roux@example.org")
    with pytest.raises(RuleViolation) as info:
        app.members.add_position(member.id, "79060", "sgm")
    assert info.value.rule == "TER-5" and "79307" in info.value.message
    assert app.members.list_positions(member_id=member.id) == []


def test_commune_without_known_successor_keeps_its_attachments_TER_5(reimported: tuple) -> None:
    app, result, positions = reimported
    [filain] = [c for c in result.changes.of_kind(ChangeKind.NO_SUCCESSOR) if c.code == "02311"]
    assert "02589" in filain.detail  # the likely successor is suggested, not assumed
    assert "02311" in result.changes.orphans
    with app.storage.unit_of_work(read_only=True) as uow:
        assert uow.positions.get(positions["02311"]).commune == "02311"
        assert uow.communes.get("02311").status is CommuneStatus.DISPARUE


def test_split_rename_stratum_and_epci_changes_are_reported_TER_5(reimported: tuple) -> None:
    _, result, _ = reimported
    kinds = {(c.kind, c.code) for c in result.changes.changes}
    assert (ChangeKind.SPLIT, "15031") in kinds
    assert (ChangeKind.RENAMED, "79307") in kinds
    assert (ChangeKind.STRATUM_CHANGED, "79286") in kinds  # 496 (2021) → 501 (2022)
    assert (ChangeKind.EPCI_CHANGED, "14659") in kinds
    for line in result.changes.lines():
        assert "\n" not in line  # one line each
    assert len(result.changes.lines()) == len(result.changes.changes)


def test_nothing_attached_is_ever_dropped_TER_5(reimported: tuple) -> None:
    app, _, positions = reimported
    with app.storage.unit_of_work(read_only=True) as uow:
        assert {p.id for p in uow.positions.list()} == set(positions.values())
        assert uow.members.count() == len(positions)


def test_diff_previews_without_writing_TER_5(app: App, census_data: Path) -> None:
    app.census.import_(OLD_VINTAGE, ["79"])
    before = snapshot(app)
    changes = app.census.diff(NEW_VINTAGE)  # the stored territory by default
    assert {c.code for c in changes.of_kind(ChangeKind.MERGED)} == {
        "79060",
        "79180",
        "79205",
        "79212",
    }
    assert snapshot(app) == before
    whole = app.census.diff(NEW_VINTAGE, france=True)  # beyond the stored territory
    assert len(whole.changes) > len(changes.changes)
    assert snapshot(app) == before


def test_an_older_vintage_is_refused_and_nothing_changes_TER_5(app: App, census_data: Path) -> None:
    app.census.import_(NEW_VINTAGE, ["79"])
    before = snapshot(app)
    with pytest.raises(RuleViolation) as info:
        app.census.import_(OLD_VINTAGE, ["79"])
    assert info.value.rule == "TER-5" and "4.1.0" in info.value.message
    assert snapshot(app) == before


@pytest.fixture
def broken(tmp_path: Path, census_data: Path) -> Path:
    """A writable copy of the sample vintage, to damage."""
    folder = tmp_path / "6.0.0"
    shutil.copytree(NEW_VINTAGE, folder)
    return folder


def _rewrite(folder: Path, stem: str, change: object) -> None:
    path = folder / f"{stem}.json.gz"
    data = json.loads(gzip.decompress(path.read_bytes()))
    change(data)  # type: ignore[operator]
    path.write_bytes(gzip.compress(json.dumps(data).encode()))


def test_truncated_file_is_named_and_nothing_written(app: App, broken: Path) -> None:
    path = broken / "communes.json.gz"
    path.write_bytes(path.read_bytes()[:5000])
    before = snapshot(app)
    with pytest.raises(SourceDataError) as info:
        app.census.import_(broken, ["79"])
    assert "communes.json.gz" in info.value.message
    assert snapshot(app) == before


def test_bad_commune_code_is_named_TER_1(app: App, broken: Path) -> None:
    def corrupt(data: list[dict]) -> None:
        next(c for c in data if c["code"] == "79001").update(code="79O01")

    _rewrite(broken, "communes", corrupt)
    with pytest.raises(SourceDataError) as info:
        app.census.import_(broken, ["79"])
    assert (
        info.value.rule == "TER-1"
        and "79O01" in info.value.message
        and "communes" in info.value.message
    )
    assert snapshot(app)["communes"] == []


def test_epci_member_missing_from_communes_is_named(app: App, broken: Path) -> None:
    _rewrite(
        broken,
        "epci",
        lambda data: data[0]["membres"].append({"code": "79999", "nom": "Nulle-part"}),
    )
    with pytest.raises(SourceDataError) as info:
        app.census.import_(broken, ["79"])
    assert "79999" in info.value.message and "epci" in info.value.message


def test_commune_in_two_epci_is_refused_TER_4(app: App, broken: Path) -> None:
    def duplicate(data: list[dict]) -> None:
        data[1]["membres"].append(dict(data[0]["membres"][0]))

    _rewrite(broken, "epci", duplicate)
    with pytest.raises(SourceDataError) as info:
        app.census.import_(broken, None)
    assert info.value.rule == "TER-4"


def test_unknown_department_is_named(france: App, census_data: Path) -> None:
    app = france
    with pytest.raises(ValidationError, match="'96'"):
        app.census.import_(NEW_VINTAGE, ["96"])
    with pytest.raises(SourceDataError, match="'78'"):
        app.census.import_(SAMPLE, ["79", "78"])  # well formed, but not in the files
    assert snapshot(app)["communes"] == []


def test_report_counts_functions_strata_and_agents_TER_6(reimported: tuple) -> None:
    app, _, _ = reimported
    report = app.census.report(on=dt.date(2025, 6, 1), departements=["79"])
    rows = {r.code: r for r in report.rows}
    assert "79060" not in rows  # merged away
    assert rows["79307"].function == "secrétaire général de mairie"
    assert len(rows["79307"].agents) == 2 and rows["79307"].agents[0].work_time == "0.5"
    assert rows["79001"].function == "vacant"
    dep = report.by_level("departement")[0]
    assert dep.communes == len(report.rows) and sum(dep.strata.values()) == dep.communes
    assert sum(g.communes for g in report.by_level("epci")) == dep.communes
    assert sum(g.communes for g in report.by_level("arrondissement")) == dep.communes
    assert all(r.population < 3_500 for r in report.rows)  # TER-3
    assert report.out_of_scope == 17
