"""Every spreadsheet export read back as a French spreadsheet reads it (docs/exports.md): the CSVs
with Python's csv in the French dialect (``;``, UTF-8 with BOM), their numbers with a decimal
comma and no sign, their dates dd/mm/yyyy; the XLSX with openpyxl, every value a typed cell
(EVT-5, EVT-7, TAR-8, TER-2)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import rsgm_core
from rsgm_core import App, SessionPlan, example_profile
from rsgm_core.render.event_documents import sign_in_csv, tracking_csv, tracking_xlsx
from rsgm_core.render.exports import (
    DATE_FORMAT,
    MONEY_FORMAT,
    RATE_FORMAT,
    Money,
    Rate,
    csv_cell,
    to_csv,
)
from rsgm_core.testing import Clock
from tests.conftest import SAMPLE
from tests.helpers import CDG79, administrator, cli_administrator, new_database, run

FIRST = dt.date(2026, 12, 1)
NUMBER = re.compile(r"^-?\d+(,\d+)?$")
DATE = re.compile(r"^\d{2}/\d{2}/\d{4}$")


class FrenchCsv(csv.Dialect):
    """What LibreOffice Calc and Excel set to French read without an import dialog."""

    delimiter = ";"
    quotechar = '"'
    doublequote = True
    skipinitialspace = False
    lineterminator = "\r\n"
    quoting = csv.QUOTE_MINIMAL


def read_csv(data: str | bytes) -> list[list[str]]:
    """The rows of an export; it must start with a BOM and hold no cell a French spreadsheet
    would read as text where a number or a date is meant."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM"
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), FrenchCsv))
    for row in rows[1:]:
        for cell in row:
            assert "€" not in cell and not re.search(r"\d\s*%", cell), cell
            assert not re.match(r"^-?\d{1,3}([\u202f\u00a0 ]\d{3})+(,\d+)?$", cell), cell  # 1 250
            assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", cell), cell  # no ISO date
            assert not re.search(r"^-?\d+\.\d+$", cell), cell  # no decimal point
    return rows


def number(cell: str) -> Decimal:
    assert NUMBER.match(cell), cell
    return Decimal(cell.replace(",", "."))


def percent(ratio: Decimal) -> Decimal:
    """A rate as the CSV writes it: a percentage with one decimal, rounded half-up."""
    return (ratio * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def day(cell: str) -> dt.date:
    assert DATE.match(cell), cell
    return dt.datetime.strptime(cell, "%d/%m/%Y").date()


@pytest.fixture
def app(url: str, rsgm_clock: Clock) -> Iterator[App]:
    rsgm_clock.set(dt.date(2026, 10, 1))
    with rsgm_core.open(url, clock=rsgm_clock, settings=CDG79) as opened:
        opened.census.import_(SAMPLE, ["79"])
        yield opened


def two_session_event(app: App, clock: Clock) -> str:
    """An event of two sessions costing 1 250 €: 3 registered, 2 attend the first session."""
    ids = [app.members.add(f"P{i}", f"Nom{i}", email=f"p{i}@example.org").id for i in range(3)]
    planned = app.events.plan(
        "Atelier paie", "atelier thématique", "présentiel",
        [SessionPlan(FIRST, "Niort"), SessionPlan(FIRST + dt.timedelta(days=7), "Melle")],
        cost=Decimal(1250), topics=["paie", "carrières"],
    )  # fmt: skip
    app.event_mail.send_invitations(planned.event.id)
    for member_id in ids:
        app.registrations.register(planned.sessions[0].id, member_id)
    clock.set(FIRST)
    app.registrations.attend(planned.sessions[0].id, ids[:2])
    return planned.event.id


def test_the_tracking_table_reads_back_typed_in_csv_and_xlsx_EVT_7(
    app: App, rsgm_clock: Clock
) -> None:
    import openpyxl

    two_session_event(app, rsgm_clock)
    rows = app.events.list_tracking_rows(year=2026)
    participation = rows[0].participation
    assert participation is not None
    table = read_csv(tracking_csv(rows))
    assert table[0] == ["événement", "séance 1", "séance 2", "lieu(x)",
                        "taux de participation (%)", "sujets abordés", "coût (€)",
                        "coût par participant (€)"]  # fmt: skip
    line = dict(zip(table[0], table[1], strict=True))
    assert [day(line["séance 1"]), day(line["séance 2"])] == [FIRST, FIRST + dt.timedelta(days=7)]
    assert line["lieu(x)"] == "Niort ; Melle"
    assert number(line["coût (€)"]) == Decimal("1250.00") and line["coût (€)"] == "1250,00"
    assert number(line["coût par participant (€)"]) == Decimal("625.00")
    assert number(line["taux de participation (%)"]) == percent(participation)

    sheet = openpyxl.load_workbook(io.BytesIO(tracking_xlsx(rows))).active
    assert sheet is not None
    assert [c.value for c in sheet[1]] == table[0]
    cells = {h: c for h, c in zip(table[0], sheet[2], strict=True)}
    for header in ("séance 1", "séance 2"):  # every session date, as a date
        assert cells[header].is_date and cells[header].number_format == DATE_FORMAT
    assert cells["séance 1"].value.date() == FIRST
    assert cells["séance 2"].value.date() == FIRST + dt.timedelta(days=7)
    assert cells["coût (€)"].value == 1250 and cells["coût (€)"].number_format == MONEY_FORMAT
    assert cells["coût par participant (€)"].value == 625
    rate = cells["taux de participation (%)"]
    assert rate.number_format == RATE_FORMAT
    assert rate.value == pytest.approx(float(participation))
    assert cells["événement"].data_type == "s" and cells["lieu(x)"].value == "Niort ; Melle"


def test_the_sign_in_sheet_csv_reads_back_EVT_5(app: App, rsgm_clock: Clock) -> None:
    event_id = two_session_event(app, rsgm_clock)
    session = app.events.get(event_id).sessions[0]
    sheet = app.registrations.sign_in(session.id, by=administrator(app))
    table = read_csv(sign_in_csv(sheet.event, sheet.session, sheet.members))
    assert table[0] == ["n°", "nom", "prénom", "courriel", "signature"]
    assert [number(r[0]) for r in table[1:]] == [1, 2, 3]


def test_the_platform_export_reads_back_CHA_2(app: App) -> None:
    admin = administrator(app)
    table = read_csv(app.platform.export_accounts("interstis", by=admin, format="csv").text)
    assert table[0][:2] == ["Action", "Adresse électronique"]


def test_the_invoice_lines_read_back_TAR_8(app: App) -> None:
    admin = administrator(app)
    app.memberships.join("79307", by=admin, year=2025, on=dt.date(2025, 1, 20))
    app.memberships.sign_convention("79030", by=admin, on=dt.date(2025, 1, 15))
    app.billing.add_intervention(
        "79030", "intervention_specifique", 90, by=admin, on=dt.date(2025, 5, 12)
    )
    table = read_csv(app.billing.export_invoice_lines(year=2025, by=admin))
    lines = [dict(zip(table[0], row, strict=True)) for row in table[1:]]
    assert [(day(li["Date"]), number(li["Montant (€)"]), li["Inclus"]) for li in lines] == [
        (dt.date(2025, 5, 12), Decimal("112.50"), "non"),
        (dt.date(2025, 1, 20), Decimal("300.00"), "non"),
    ]
    assert number(lines[0]["Prix unitaire (€)"]) == Decimal("75.00")
    assert number(lines[0]["Durée (min)"]) == 90


def test_the_command_line_csvs_read_back_TER_2_TAR_4(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RSGM_CONFIG", str(example_profile("cdg79")))
    db = new_database(tmp_path / "cdg79.db")
    code, _, err = run(capsys, "census", "import", "--db", db, "--source", str(SAMPLE),
                       "--departement", "79")  # fmt: skip
    assert code == 0, err
    cli_administrator(monkeypatch, db)
    code, out, err = run(capsys, "census", "report", "--db", db, "--format", "csv")
    assert code == 0, err
    report = read_csv(out)
    assert all(number(r[6]) > 0 for r in report[1:] if r[6])  # populations, as numbers
    code, out, err = run(capsys, "census", "communes", "--db", db, "--format", "csv")
    assert code == 0, err
    assert len(read_csv(out)) > 1
    code, _, err = run(capsys, "convention", "sign", "79307", "--db", db, "--date", "2025-01-15",
                       "--deliberation-date", "12/01/2025", "--deliberation-number", "7")  # fmt: skip
    assert code == 0, err
    code, out, err = run(capsys, "software", "map", "--db", db, "--format", "csv")
    assert code == 0, err
    assert read_csv(out)[0][0] == "EPCI"
    path = tmp_path / "conventions.csv"
    code, _, err = run(capsys, "convention", "list", "--db", db, "--csv", str(path))
    assert code == 0, err
    row = read_csv(path.read_bytes())[1]
    assert (day(row[3]), day(row[7])) == (dt.date(2025, 1, 15), dt.date(2025, 1, 12))


@given(
    amount=st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False),
    ratio=st.decimals(min_value=0, max_value=1, places=4, allow_nan=False),
    when=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31)),
    count=st.integers(min_value=-(10**12), max_value=10**12),
)
def test_the_csv_convention_round_trips_every_typed_value(
    amount: Decimal, ratio: Decimal, when: dt.date, count: int
) -> None:
    row = read_csv(
        to_csv(["a", "b", "c", "d", "e"], [[Money(amount), Rate(ratio), when, count, amount]])
    )[1]
    assert number(row[0]) == amount and number(row[4]) == amount
    assert number(row[1]) == percent(ratio)
    assert day(row[2]) == when and number(row[3]) == count
    assert csv_cell(True) == "oui" and csv_cell(None) == ""
    assert csv_cell("=1+1") == "'=1+1" and csv_cell(-3) == "-3"  # numbers are not formulas


def test_xlsx_cells_are_typed_and_text_never_a_formula() -> None:
    import openpyxl

    from rsgm_core.render.exports import to_xlsx

    moment = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)
    data = to_xlsx("Feuille", ["texte", "montant", "taux", "jour", "heure", "nombre"],
                   [["=1+1", Money(Decimal("1250")), Rate(Decimal("0.5")), FIRST, moment, 3]])  # fmt: skip
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet is not None and sheet.title == "Feuille" and sheet.freeze_panes == "A2"
    text, amount, rate, when, at, count = sheet[2]
    assert text.data_type == "s" and text.value == "'=1+1"
    assert (amount.value, amount.number_format) == (1250, MONEY_FORMAT)
    assert (rate.value, rate.number_format) == (0.5, RATE_FORMAT)
    assert when.is_date and when.value.date() == FIRST
    assert at.is_date and at.value == dt.datetime(2026, 12, 1, 9, 30)
    assert count.value == 3 and count.data_type == "n"
