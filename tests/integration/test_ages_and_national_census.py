"""IND-4 (years of birth, the age pyramid by EPCI, the communes likely to lose their SGM within
5 years, in the census report and the annual report) and IND-3 (the census of the function in
the national export, small cells suppressed, two CDGs merged) on the real backends: CDG 79 (the
bundled sample), CDG 77 (target public under 2,000) and the CIG Grande Couronne (78, 91, 95) on
the Etalab 6.0.0 data."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

import rsgm_core
from rsgm_core import App, ValidationError
from rsgm_core.domain.national import SMALL, parse_export
from rsgm_core.render.report import render_markdown
from rsgm_core.testing import Clock
from tests.conftest import NEW_VINTAGE, SAMPLE
from tests.helpers import CIG, nothing_written

TODAY = dt.date(2025, 3, 14)  # the rsgm_clock fixture


def _staff(app: App, codes: list[str], births: list[int | None]) -> list[str]:
    """One SGM per commune, with the years of birth given in turn."""
    ids = []
    for n, (code, born) in enumerate(zip(codes, births, strict=False)):
        member = app.members.add("Agent", f"N{n} {code}", email=f"agent{n}.{code}@example.org")
        app.members.add_position(member.id, code, "sgm", work_time=Decimal(1))
        if born is not None:
            app.ages.set_age(member.id, birth_year=born)
        ids.append(member.id)
    return ids


def test_a_year_of_birth_is_kept_and_bad_ones_write_nothing_IND_4(app: App) -> None:
    app.census.import_(SAMPLE)
    member = app.members.add("Claire", "Martin", email="claire.martin@example.org")
    saved = app.ages.set_age(member.id, birth_year=1962, retirement_on=dt.date(2027, 6, 30))
    assert app.members.get(member.id) == saved
    assert (saved.birth_year, saved.retirement_on) == (1962, dt.date(2027, 6, 30))
    future = nothing_written(app, lambda: app.ages.set_age(member.id, birth_year=2026), "IND-4")
    assert "2026" in str(future) and "futur" in str(future)
    old = nothing_written(app, lambda: app.ages.set_age(member.id, birth_year=1920), "IND-4")
    assert "invraisemblable" in str(old)
    before_birth = nothing_written(
        app,
        lambda: app.ages.set_age(member.id, birth_year=1970, retirement_on=dt.date(1969, 1, 1)),
        "IND-4",
    )
    assert "01/01/1969" in str(before_birth) and "1970" in str(before_birth)
    cleared = app.ages.set_age(member.id, birth_year=None)
    assert (cleared.birth_year, cleared.retirement_on) == (None, None)


def test_cdg79_pyramid_departures_census_report_and_annual_report_IND_4_IND_2(app: App) -> None:
    app.census.import_(SAMPLE)
    codes = [r.code for r in app.census.report().rows][:8]
    ids = _staff(app, codes, [1958, 1961, 1970, 1985, 1992, 1975, None, 1964])
    ages = app.ages.report()
    assert ages.on == TODAY and ages.retirement_age == 64  # the profile's default
    assert ages.total.agents == 8 and ages.total.known == 7
    assert ages.total.bands["60 ans et plus"] == 3  # 1958, 1961, 1964 reach 67, 64, 61 in 2025
    # 1958 -> 2022, 1961 -> 2025, 1964 -> 2028: before 14 March 2030
    assert [d.commune for d in ages.losing] == sorted([codes[0], codes[1], codes[7]])
    by_epci = ages.losing_by_epci()
    assert sum(by_epci.values()) == 3
    assert sum(p.agents for p in ages.pyramids) == 8  # one post each
    app.ages.set_age(ids[2], birth_year=1970, retirement_on=dt.date(2026, 9, 1))  # a date given
    assert codes[2] in {d.commune for d in app.ages.report().losing}
    census = app.census.report()
    row = next(r for r in census.rows if r.code == codes[0])
    assert row.agents[0].birth_year == 1958  # the census report carries the ages
    report = app.indicators.annual_report(year=2025)
    section = next(s for s in report.sections if s.title.startswith("Pyramide des âges"))
    assert section.table is not None and section.table.rows[-1][-1] == "8"
    assert any("4 communes devraient perdre" in line for line in section.lines)
    assert "Pyramide des âges et départs prévus" in render_markdown(report)


def test_the_profile_sets_the_retirement_age_IND_4(tmp_path: Path, rsgm_clock: Clock) -> None:
    from tests.helpers import CDG79

    policies = CDG79.policies
    import attrs

    settings = attrs.evolve(CDG79, policies=attrs.evolve(policies, retirement_age=67))
    with rsgm_core.open("memory://", clock=rsgm_clock, settings=settings) as app:
        app.census.import_(SAMPLE)
        code = app.census.report().rows[0].code
        _staff(app, [code], [1961])  # 64 in 2025, 67 in 2028: both within 5 years
        assert app.ages.report().retirement_age == 67
        assert app.ages.report().losing[0].first_departure == dt.date(2028, 1, 1)
        assert app.ages.report(horizon_years=2).losing == []
    with pytest.raises(ValidationError) as caught:
        attrs.evolve(policies, retirement_age=40)
    assert caught.value.rule == "IND-4"


def test_the_member_import_reads_a_date_of_birth_as_a_year_IND_4(app: App, tmp_path: Path) -> None:
    app.census.import_(SAMPLE)
    codes = [r.code for r in app.census.report().rows][:3]
    sheet = tmp_path / "agents.csv"
    sheet.write_text(
        "Prénom;Nom;Courriel;Code INSEE;Fonction;Quotité;Statut;Date de naissance;"
        "Départ en retraite prévu\n"
        f"Anne;Lefort;anne.lefort@example.org;{codes[0]};SGM;100;titulaire;14/03/1964;01/09/2028\n"
        f"Bruno;Caron;bruno.caron@example.org;{codes[1]};SGM;100;titulaire;1971;\n",
        encoding="utf-8",
    )
    report = app.members.import_members(sheet)
    assert (report.members, report.written) == (2, True), report
    people = {m.last_name: m for m in app.members.list_members()}
    assert (people["Lefort"].birth_year, people["Lefort"].retirement_on) == (
        1964, dt.date(2028, 9, 1),
    )  # fmt: skip
    assert people["Caron"].birth_year == 1971
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "Prénom;Nom;Courriel;Code INSEE;Fonction;Quotité;Statut;Année de naissance;"
        "Départ en retraite prévu\n"
        f"Chloé;Diaz;chloe.diaz@example.org;{codes[2]};SGM;100;titulaire;2031;\n"
        f"Denis;Roux;denis.roux@example.org;{codes[2]};SGM;100;titulaire;1980;01/01/1979\n",
        encoding="utf-8",
    )
    before = len(app.members.list_members())
    refused = app.members.import_members(bad)
    messages = " ".join(p for r in refused.rows for p in r.problems)
    assert "2031 dans le futur" in messages and "avant l'année de naissance 1980" in messages
    assert len(app.members.list_members()) == before  # nothing written
    sheet.write_text(  # update mode: a corrected year is said and recorded
        "Prénom;Nom;Courriel;Code INSEE;Fonction;Quotité;Statut;Année de naissance\n"
        f"Bruno;Caron;bruno.caron@example.org;{codes[1]};SGM;100;titulaire;1972\n",
        encoding="utf-8",
    )
    updated = app.members.import_members(sheet, update=True)
    assert "année de naissance 1971 → 1972" in updated.rows[0].changes
    assert app.members.get(people["Caron"].id).birth_year == 1972


def _export_census(data: dict[str, object]) -> dict[str, dict[str, object]]:
    tables = data["tables"]
    assert isinstance(tables, dict)
    return {k: v for k, v in tables.items() if k.startswith("recensement_")}


def _no_small_cell(data: dict[str, object]) -> None:
    for table in _export_census(data).values():
        values = [*table["cells"].values(), table["total"]]  # type: ignore[index, attr-defined]
        assert not [v for v in values if v is not None and 0 < v < SMALL], table


def test_cdg79_national_export_has_the_census_of_the_function_IND_3(app: App) -> None:
    app.census.import_(SAMPLE)
    codes = [r.code for r in app.census.report().rows]
    _staff(app, codes[:9], [1960, 1961, 1962, 1963, 1964, 1980, 1981, 1990, None])
    data = app.indicators.national_export(year=2025, cdg="CDG79").to_data()
    figures = data["indicators"]
    assert figures["communes_moins_3500"] == len(codes)
    assert figures["communes_vacantes"] == len(codes) - 9  # the target public is the legal one
    census = _export_census(data)
    assert census["recensement_fonctions"]["cells"] == {"sgm": 9}
    assert census["recensement_ages"]["cells"]["60_et_plus"] == 5
    assert census["recensement_ages"]["total"] == 9
    _no_small_cell(data)
    assert parse_export(data).cdg == "CDG79"
    assert "core" not in data  # no campaign of the national core yet


@pytest.mark.usefixtures("census_data")
def test_cdg77_and_the_cig_export_the_census_and_merge_IND_3_IND_4(
    cdg77: App, tmp_path: Path, rsgm_clock: Clock
) -> None:
    cdg77.census.import_(NEW_VINTAGE)
    rows = cdg77.census.report().rows
    small = [r.code for r in rows if r.population < 2_000][:12]
    middle = [r.code for r in rows if 2_000 <= r.population < 3_500][:2]
    _staff(cdg77, small + middle, [1959 + n for n in range(14)])
    ages = cdg77.ages.report()
    assert ages.total.agents == 14
    assert len(ages.losing) == 8  # born 1959 to 1966: 64 before March 2030
    assert sum(ages.losing_by_epci().values()) == 8
    data77 = cdg77.indicators.national_export(year=2025, cdg="CDG77").to_data()
    figures = data77["indicators"]
    assert figures["communes_moins_3500"] == len(rows)
    target = sum(1 for r in rows if r.population < 2_000)
    assert figures["communes_public_cible"] == target
    assert figures["communes_vacantes"] == target - 12  # TER-3: vacancies of the target public
    _no_small_cell(data77)
    with rsgm_core.open(f"sqlite:///{tmp_path / 'cig.db'}", clock=rsgm_clock, settings=CIG) as cig:
        cig.census.import_(NEW_VINTAGE)
        by_dep = {
            d: [r.code for r in cig.census.report(departement=d).rows][:4] for d in CIG.departements
        }
        for n, codes in enumerate(by_dep.values()):
            _staff(cig, codes, [1961 + n, 1970, 1980, 1990])
        ages95 = cig.ages.report(departement="95")
        assert ages95.total.agents == 4 and len(ages95.losing) == 1
        assert cig.ages.report().total.agents == 12
        data_cig = cig.indicators.national_export(year=2025, cdg="CIG-GC").to_data()
    _no_small_cell(data_cig)
    assert _export_census(data_cig)["recensement_ages"]["total"] == 12
    files = []
    for name, data in (("77", data77), ("cig", data_cig)):
        path = tmp_path / f"export-{name}.json"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        files.append(path)
    merged = cdg77.indicators.national_merge(files).to_data()
    assert merged["cdgs"] == ["CDG77", "CIG-GC"]
    ages_table = merged["tables"]["recensement_ages"]
    assert ages_table["total"] == 26
    assert merged["tables"]["recensement_fonctions"]["total"] == 26
    published = sum(
        v for d in (data77, data_cig)
        for v in _export_census(d)["recensement_ages"]["cells"].values() if v
    )  # fmt: skip
    assert sum(ages_table["cells"].values()) == published
    assert ages_table["complete"] is (published == 26)


def test_an_erasure_clears_the_year_of_birth_MEM_11_IND_4(app: App) -> None:
    from tests.helpers import administrator

    member = app.members.add("Zoé", "Bernard", email="zoe.bernard@example.org")
    app.ages.set_age(member.id, birth_year=1966, retirement_on=dt.date(2030, 1, 1))
    app.rgpd.erase(member.id, by=administrator(app))
    erased = app.members.get(member.id)
    assert (erased.birth_year, erased.retirement_on) == (None, None)
