"""INSEE's legal populations file and the one population rule, on every backend (TER-2, TER-3,
TAR-1, IND-1)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import attrs
import pytest

import rsgm_core
from rsgm_core import App, PopulationKind
from rsgm_core.errors import SourceDataError
from rsgm_core.testing import Clock
from tests.conftest import SAMPLE
from tests.helpers import CDG79, CDG79_2025, administrator, nothing_written

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "populations"
CP1252 = FIXTURES / "donnees_communes_2022_cp1252.csv"
UTF8 = FIXTURES / "populations_legales_2021_utf8.csv"
XLSX = FIXTURES / "ensemble.xlsx"
#: CDG 79 with grids for 2026 and 2027 (the 2025 fees), to join ahead of the data.
AHEAD = attrs.evolve(
    CDG79,
    grids=(CDG79_2025, *(attrs.evolve(CDG79_2025, exercise=year) for year in (2026, 2027))),
)


@pytest.fixture
def sample(app: App) -> App:
    app.census.import_(SAMPLE, ["79"])
    return app


def _figure(app: App, commune: str, vintage: int) -> rsgm_core.PopulationFigure:
    with app.deps.read() as uow:
        return uow.populations.get((commune, vintage))


def test_insee_csv_cp1252_stores_each_kind_and_vintage_TER_2(sample: App) -> None:
    result = sample.census.import_populations(UTF8)  # vintage 2021 from the file name
    assert (result.vintage, result.rows, result.added, result.outside) == (2021, 9, 6, 3)
    assert result.lines()[1].startswith("  6 populations ajoutées")
    assert "3 communes hors du recensement importé, non enregistrées" in result.lines()[2]
    figure = _figure(sample, "79024", 2021)  # Azay-le-Brûlé
    assert figure.figure(PopulationKind.MUNICIPALE) == 1977
    assert figure.figure(PopulationKind.COMPTEE_A_PART) == 88
    assert figure.figure(PopulationKind.TOTALE) == 2065
    used = sample.census.population("79024", year=2024)
    assert (used.population, used.kind, used.vintage, used.provisional) == (
        2065, PopulationKind.TOTALE, 2021, False,
    )  # fmt: skip
    # the same vintage again, from INSEE's cp1252 ; file: Etalab's figures agree, nothing changes
    again = sample.census.import_populations(CP1252)
    assert (again.vintage, again.unchanged, again.stored) == (2022, 6, 0)


def test_insee_xlsx_with_title_rows_gives_its_vintage_TER_2(sample: App) -> None:
    with sample.deps.transaction() as uow:  # a municipale alone, as some sources give it
        uow.populations.update(attrs.evolve(_figure(sample, "79019", 2022), totale=None))
    result = sample.census.import_populations(XLSX)
    assert (result.vintage, result.completed, result.unchanged) == (2022, 1, 5)
    assert _figure(sample, "79019", 2022).totale == 175


def test_a_vintage_given_overrides_the_file_TER_2(sample: App) -> None:
    result = sample.census.import_populations(XLSX, vintage=2021)
    assert result.vintage == 2021 and result.replaced == 0 and result.added == 6
    assert _figure(sample, "79024", 2021).totale == 2036


def test_a_file_without_vintage_asks_for_it_TER_2(sample: App, tmp_path: Path) -> None:
    path = tmp_path / "donnees_communes.csv"
    shutil.copy(CP1252, path)
    error = nothing_written(sample, lambda: sample.census.import_populations(path), "TER-2")
    assert isinstance(error, SourceDataError) and str(path) in error.message
    assert "--millesime" in error.message
    assert sample.census.import_populations(path, vintage=2022).vintage == 2022


def _bad_file(tmp_path: Path, line: str, header: str = "CODGEO;PMUN;PCAP;PTOT") -> Path:
    path = tmp_path / "populations_legales_2022.csv"
    path.write_text(f"{header}\n79019;169;6;175\n{line}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("line", "value"),
    [
        ("7902;1952;84;2036", "'7902'"),  # not an INSEE code
        ("20001;1952;84;2036", "'20001'"),
        ("79024;-3;84;81", "-3"),
        ("79024;1952.5;84;2036", "'1952.5'"),
        ("79024;NaN;84;2036", "'NaN'"),
        ("79024;10000001;0;10000001", "10000001"),
        ("79024;1952;84;2037", "2037"),  # the totale is the sum
        ("79024;1952;;2036", "''"),
    ],
)
def test_bad_rows_name_the_file_the_line_and_the_value_nothing_written_TER_2(
    sample: App, tmp_path: Path, line: str, value: str
) -> None:
    path = _bad_file(tmp_path, line)
    error = nothing_written(sample, lambda: sample.census.import_populations(path), "TER-2")
    assert error.message.startswith(f"{path} : ligne 3 : "), error.message
    assert value in error.message


def test_columns_not_found_or_unreadable_file_nothing_written_TER_2(
    sample: App, tmp_path: Path
) -> None:
    path = _bad_file(tmp_path, "79024;1952;84;2036", header="CODE;HABITANTS;X;Y")
    error = nothing_written(sample, lambda: sample.census.import_populations(path), "TER-2")
    assert "colonnes introuvables" in error.message and str(path) in error.message
    broken = tmp_path / "ensemble_2022.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    error = nothing_written(sample, lambda: sample.census.import_populations(broken), "TER-2")
    assert "classeur Excel illisible" in error.message and str(broken) in error.message
    missing = tmp_path / "absent_2022.csv"
    error = nothing_written(sample, lambda: sample.census.import_populations(missing), "TER-2")
    assert "fichier introuvable" in error.message


def test_etalab_figures_are_bounded_too_TER_2(app: App, tmp_path: Path) -> None:
    for bad in (-5, 10_000_001, 12.5):
        folder = tmp_path / f"sample-{bad}"
        shutil.copytree(SAMPLE, folder)
        communes = json.loads((folder / "communes.json").read_text(encoding="utf-8"))
        for raw in communes:
            if raw["code"] == "79019":
                raw["population"] = bad
        (folder / "communes.json").write_text(json.dumps(communes), encoding="utf-8")
        error = nothing_written(app, lambda f=folder: app.census.import_(f, ["79"]), "TER-2")
        assert "communes.json" in error.message and repr(bad) in error.message


def test_fee_on_the_totale_in_force_not_the_municipale_TAR_1_TER_2(sample: App) -> None:
    # Azay-le-Brûlé, 2022: municipale 1,952 (200 €) but totale 2,036 (300 €)
    quote = sample.memberships.quote("79024", year=2025)
    assert (quote.population, quote.kind, quote.vintage, quote.fee) == (
        2036, PopulationKind.TOTALE, 2022, 300,
    )  # fmt: skip
    assert quote.population_label == "population totale 2022" and not quote.provisional


def test_2026_and_2027_memberships_with_the_bundled_sample_flagged_TER_2(
    url: str, rsgm_clock: Clock
) -> None:
    with rsgm_core.open(url, clock=rsgm_clock, settings=AHEAD) as app:
        app.census.import_(SAMPLE, ["79"])  # 6.0.0: municipale 2023, totale 2022
        joined = app.memberships.join("79024", year=2026, by=administrator(app))
        quote = app.memberships.quote("79024", year=2026)
        assert joined.fee == quote.fee == 200  # municipale 2023: 1,927
        assert quote.population_label == "population municipale 2023 (seule connue)"
        later = app.memberships.join(
            "79024", year=2027, by=administrator(app)
        )  # 2024 not imported: provisional
        quote = app.memberships.quote("79024", year=2027)
        assert later.fee == quote.fee and quote.provisional
        assert "provisoire : le millésime 2024, en vigueur en 2027" in quote.population_label


def test_one_rule_for_scope_target_and_coverage_TER_2_TER_3_IND_1(sample: App) -> None:
    sample.census.import_populations(UTF8)
    # Vouillé: 2021 municipale 3,431 but totale 3,534: outside the SGM scope in 2024
    assert sample.census.population("79355", year=2024).population == 3534
    codes = {r.code for r in sample.census.report(on=sample.today().replace(year=2024)).rows}
    assert "79355" not in codes and "79019" in codes
    rows = {r.code: r for r in sample.census.report().rows}  # 2025: totale 2022
    assert rows["79024"].population == 2036 and rows["79024"].population_kind.value == "totale"
    assert not rows["79024"].population_provisional


def test_2026_membership_with_etalab_6_0_0_and_4_1_0_TER_2(
    url: str, rsgm_clock: Clock, census_data: Path
) -> None:
    """The releases as published: 6.0.0 carries the municipale 2023 (in force in 2026) and the
    totale 2022; 4.1.0 the municipale 2022 and the totale 2021."""
    with rsgm_core.open(url, clock=rsgm_clock, settings=AHEAD) as app:
        app.census.import_(census_data / "4.1.0", ["79"])
        quote = app.memberships.quote("79024", year=2026)  # 2023 not imported yet: provisional
        assert (quote.population, quote.kind, quote.vintage) == (
            1952, PopulationKind.MUNICIPALE, 2022,
        )  # fmt: skip
        assert quote.provisional and "provisoire" in quote.population_label
        assert app.memberships.join("79024", year=2026, by=administrator(app)).fee == 200
        assert app.census.population("79024", year=2025).population == 1952  # 4.1.0: no totale
        app.census.import_(census_data / "6.0.0", ["79"])
        used = app.census.population("79024", year=2025)
        assert (used.population, used.kind, used.vintage) == (2036, PopulationKind.TOTALE, 2022)
        used = app.census.population("79024", year=2026)
        assert (used.population, used.vintage, used.provisional) == (1927, 2023, False)
        assert used.municipale_only
        # INSEE's 2022 file adds nothing the 6.0.0 release did not already carry
        assert app.census.import_populations(CP1252).unchanged == 6


def test_a_report_of_a_year_not_imported_is_flagged_provisional_TER_2_TER_6(
    sample: App, capsys: pytest.CaptureFixture[str]
) -> None:
    from rsgm_core.render.text import print_census_report

    report = sample.census.report(on=sample.today().replace(year=2024))  # 2021 not in the sample
    assert report.rows and all(r.population_provisional for r in report.rows)
    assert {r.population_vintage for r in report.rows} == {2022}
    print_census_report(report, "epci")
    assert (
        f"{len(report.rows)} communes classées sur une population provisoire : le millésime "
        "en vigueur en 2024 n'est pas importé (TER-2)"
    ) in capsys.readouterr().out
    sample.census.import_populations(UTF8)  # INSEE's 2021: no longer provisional where given
    rows = {r.code: r for r in sample.census.report(on=sample.today().replace(year=2024)).rows}
    assert not rows["79019"].population_provisional and rows["79019"].population == 161
