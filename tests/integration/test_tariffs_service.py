"""The membership pack through ``app.tariffs``, on both backends, over the Deux-Sèvres sample
(populations of vintage 2022, in force in 2025): memberships, conventions, interventions, invoices
(TAR-1..TAR-8). Every refusal leaves every collection exactly as it was."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest

import rsgm_core
from rsgm_core.app import App
from rsgm_core.domain.conventions import Party
from rsgm_core.domain.tariffs import ServiceKind, TariffGrid
from rsgm_core.domain.territory import PopulationFigure, PopulationKind
from rsgm_core.errors import NotFoundError, RsgmError, RuleViolation, ValidationError
from rsgm_core.hookspecs import hookimpl
from rsgm_core.plugins.cdg79 import CDG79_2025
from tests.conftest import NEW_VINTAGE, OLD_VINTAGE, SAMPLE, fixed_clock
from tests.helpers import snapshot

FIRST_JOB = ServiceKind.FIRST_JOB_ACCOMPANIMENT
SPECIFIC = ServiceKind.SPECIFIC_INTERVENTION
# From the sample, vintage 2022 (municipale): Aubigny 178, Beaussais-Vitré 923,
# Sauzé-entre-Bois 2,271, Bressuire 19,970; Adilly (79004) is a delegated commune of 79185.
AUBIGNY, BEAUSSAIS, SAUZE, BRESSUIRE, ADILLY = "79019", "79030", "79307", "79049", "79004"


def refused(app: App, error: type[RsgmError], rule: str | None, call: Any, *args: Any, **kw: Any):
    """Call a use case that must fail with ``error`` (and ``rule``), writing nothing."""
    before = snapshot(app)
    with pytest.raises(error) as caught:
        call(*args, **kw)
    assert caught.value.rule == rule, caught.value
    assert snapshot(app) == before
    return caught.value


@pytest.fixture
def pack(app: App) -> App:
    app.census.import_(SAMPLE, ["79"])
    return app


class Grids2024And2026:
    """A CDG 79 that also adopted grids for 2024 and 2026 (same tariffs)."""

    @hookimpl
    def rsgm_tariff_grids(self) -> list[TariffGrid]:
        return [attrs.evolve(CDG79_2025, exercise=year) for year in (2024, 2026)]


@pytest.fixture
def more_grids(url: str) -> Iterator[App]:
    with rsgm_core.open(url, plugins=[Grids2024And2026()], clock=fixed_clock) as opened:
        opened.census.import_(SAMPLE, ["79"])
        yield opened


def test_the_grid_of_a_year_is_the_one_adopted_for_it_TAR_2(pack: App) -> None:
    assert pack.tariffs.grid(2025) == CDG79_2025
    assert pack.tariffs.cdg == "cdg79"
    error = refused(pack, NotFoundError, "TAR-2", pack.tariffs.grid, 2026)
    assert "2025" in error.message  # the exercises covered
    with pytest.raises(ValidationError):
        pack.tariffs.grid("2025")  # type: ignore[arg-type]


def test_join_charges_the_stratum_of_the_population_in_force_TAR_1_TER_2(pack: App) -> None:
    quote = pack.tariffs.quote(BEAUSSAIS, 2025)
    assert (quote.population, quote.kind, quote.vintage) == (923, PopulationKind.MUNICIPALE, 2022)
    fees = {code: pack.tariffs.join(code, 2025).fee for code in (AUBIGNY, BEAUSSAIS, SAUZE)}
    assert fees == {
        AUBIGNY: Decimal("100.00"),
        BEAUSSAIS: Decimal("150.00"),
        SAUZE: Decimal("300.00"),
    }
    listed = pack.tariffs.memberships(2025)
    assert [(m.insee, m.year, m.joined_on) for m in listed] == [
        (AUBIGNY, 2025, date(2025, 3, 14)),  # today, from the fixed clock
        (BEAUSSAIS, 2025, date(2025, 3, 14)),
        (SAUZE, 2025, date(2025, 3, 14)),
    ]
    assert all(m.id for m in listed) and pack.tariffs.memberships(2024) == []


@pytest.mark.parametrize(
    ("population", "fee"),
    [(0, "100"), (499, "100"), (500, "150"), (999, "150"), (1_000, "200"), (2_000, "200"),
     (2_001, "300"), (3_500, "300")],
)  # fmt: skip
def test_stratum_bounds_are_inclusive_TAR_1(pack: App, population: int, fee: str) -> None:
    with pack.transaction() as uow:
        uow.populations.update(PopulationFigure(AUBIGNY, 2022, population))
    assert pack.tariffs.join(AUBIGNY, 2025).fee == Decimal(fee)


def test_a_commune_above_3500_is_refused_never_charged_0_TAR_1(pack: App) -> None:
    error = refused(pack, RuleViolation, "TAR-1", pack.tariffs.join, BRESSUIRE, 2025)
    assert "19970" in error.message and BRESSUIRE in error.message
    with pack.transaction() as uow:
        uow.populations.update(PopulationFigure(AUBIGNY, 2022, 3_501))
    refused(pack, RuleViolation, "TAR-1", pack.tariffs.join, AUBIGNY, 2025)


def test_the_fee_is_the_full_year_whatever_the_month_TAR_3(pack: App) -> None:
    late = pack.tariffs.join(AUBIGNY, joined_on=date(2025, 12, 30))
    assert (late.year, late.fee) == (2025, Decimal("100.00"))
    ahead = pack.tariffs.join(BEAUSSAIS, 2025, joined_on=date(2024, 12, 10))  # joining ahead
    assert (ahead.year, ahead.valid_from, ahead.valid_until) == (
        2025, date(2025, 1, 1), date(2025, 12, 31),
    )  # fmt: skip
    refused(
        pack, RuleViolation, "TAR-3", pack.tariffs.join, SAUZE, 2025, joined_on=date(2026, 1, 5)
    )


def test_a_second_membership_for_the_same_year_is_refused_TAR_3(pack: App) -> None:
    pack.tariffs.join(AUBIGNY, 2025)
    refused(pack, RuleViolation, "TAR-3", pack.tariffs.join, AUBIGNY, 2025)
    refused(pack, RuleViolation, "TAR-3", pack.tariffs.join, AUBIGNY, joined_on=date(2025, 6, 1))


def test_a_year_without_grid_is_refused_TAR_2(pack: App) -> None:
    refused(pack, NotFoundError, "TAR-2", pack.tariffs.join, AUBIGNY, 2026)
    refused(pack, NotFoundError, "TAR-2", pack.tariffs.join, AUBIGNY, joined_on=date(2026, 1, 5))


def test_a_missing_population_is_refused_and_the_totale_used_when_known_TER_2(
    more_grids: App,
) -> None:
    # 2026 needs vintage 2023, not imported; 2024 uses vintage 2021, which has a totale.
    refused(more_grids, RuleViolation, "TER-2", more_grids.tariffs.join, AUBIGNY, 2026)
    quote = more_grids.tariffs.quote(AUBIGNY, 2024)
    assert (quote.population, quote.kind, quote.vintage) == (175, PopulationKind.TOTALE, 2021)


def test_unknown_or_merged_communes_are_refused_TER_5(pack: App) -> None:
    refused(pack, NotFoundError, None, pack.tariffs.join, "79999", 2025)
    refused(pack, ValidationError, "TER-1", pack.tariffs.join, "7901", 2025)
    error = refused(pack, RuleViolation, "TER-5", pack.tariffs.join, ADILLY, 2025)
    assert "79185" in error.message
    refused(pack, RuleViolation, "TER-5", pack.tariffs.sign_convention, ADILLY, date(2025, 1, 2))


def test_conventions_status_notice_and_deadlines_TAR_4(pack: App) -> None:
    signed = pack.tariffs.sign_convention(SAUZE, date(2025, 1, 15), reference=" CONV-1 ")
    assert (signed.reference, signed.renewal_date) == ("CONV-1", date(2027, 1, 15))
    refused(pack, RuleViolation, "TAR-4", pack.tariffs.sign_convention, SAUZE, date(2026, 5, 1))
    status = pack.tariffs.convention_status(SAUZE)  # today: 14 March 2025
    assert status.in_force and not status.renewed and status.convention == signed
    assert pack.tariffs.convention_status(SAUZE, date(2027, 6, 1)).renewed
    before = pack.tariffs.convention_status(SAUZE, date(2025, 1, 14))
    assert not before.in_force and before.convention == signed
    assert pack.tariffs.convention_status(AUBIGNY).convention is None
    due = pack.tariffs.deadlines(date(2026, 12, 1), days=60)
    assert [(d.on, d.kind.value) for d in due] == [
        (date(2026, 12, 15), "preavis"),
        (date(2027, 1, 15), "reconduction"),
    ]
    refused(
        pack, RuleViolation, "TAR-4", pack.tariffs.give_notice, SAUZE, date(2026, 12, 16)
    )  # too late
    ended = pack.tariffs.give_notice(SAUZE, date(2026, 12, 15), by="cdg")
    assert ended.notice is not None and ended.notice.by is Party.CDG
    assert ended.last_day == date(2027, 1, 14)
    assert pack.tariffs.conventions(SAUZE) == [ended]
    refused(pack, RuleViolation, "TAR-4", pack.tariffs.give_notice, SAUZE, date(2026, 12, 1))
    refused(pack, RuleViolation, "TAR-4", pack.tariffs.give_notice, AUBIGNY, date(2025, 6, 1))


def test_member_and_non_member_hourly_rates_TAR_5_TAR_8(pack: App) -> None:
    pack.tariffs.join(SAUZE, 2025, joined_on=date(2025, 1, 20))
    for code in (SAUZE, BEAUSSAIS):
        pack.tariffs.sign_convention(code, date(2025, 1, 15))
    pack.tariffs.add_intervention(SAUZE, date(2025, 4, 2), FIRST_JOB, 150, ref="B-1")
    pack.tariffs.add_intervention(BEAUSSAIS, date(2025, 5, 12), SPECIFIC, 50, description="budget")
    invoices = {i.insee: i for i in pack.tariffs.bill(2025)}
    fee, hours = invoices[SAUZE].lines
    assert (fee.service, fee.article, fee.amount) == (
        ServiceKind.MEMBERSHIP,
        "Art. 3.1",
        Decimal("300.00"),
    )
    assert (hours.article, hours.unit_price, hours.amount) == (
        "Art. 2.4",
        Decimal("35.00"),
        Decimal("87.50"),
    )
    (other,) = invoices[BEAUSSAIS].lines
    assert (other.article, other.unit_price, other.amount) == (
        "Art. 2.6",
        Decimal("75.00"),
        Decimal("62.50"),
    )
    assert invoices[SAUZE].total == Decimal("387.50") and isinstance(invoices[SAUZE].total, Decimal)
    assert [i.ref for i in pack.tariffs.interventions(2025)] == ["B-1", ""]
    assert pack.tariffs.bill(2024) == []


@pytest.mark.parametrize("minutes", [0, -30, 1.5, "60"])
def test_a_duration_must_be_a_positive_number_of_minutes_TAR_5(pack: App, minutes: Any) -> None:
    pack.tariffs.sign_convention(SAUZE, date(2025, 1, 15))
    refused(
        pack, ValidationError, "TAR-5", pack.tariffs.add_intervention,
        SAUZE, date(2025, 4, 2), FIRST_JOB, minutes,
    )  # fmt: skip


def test_an_intervention_needs_a_convention_in_force_TAR_4(pack: App) -> None:
    pack.tariffs.sign_convention(SAUZE, date(2025, 1, 15))
    add = pack.tariffs.add_intervention
    error = refused(pack, RuleViolation, "TAR-4", add, SAUZE, date(2025, 1, 14), FIRST_JOB, 60)
    assert "2025-01-15" in error.message
    refused(pack, RuleViolation, "TAR-4", add, AUBIGNY, date(2025, 4, 2), FIRST_JOB, 60)


def test_an_intervention_is_refused_without_grid_or_when_not_billable_TAR_2_TAR_5(
    pack: App,
) -> None:
    pack.tariffs.sign_convention(SAUZE, date(2025, 1, 15))
    add = pack.tariffs.add_intervention
    refused(pack, NotFoundError, "TAR-2", add, SAUZE, date(2026, 2, 2), FIRST_JOB, 60)
    refused(pack, RuleViolation, "TAR-5", add, SAUZE, date(2025, 4, 2), ServiceKind.ADVICE, 30)
    refused(pack, ValidationError, None, add, SAUZE, date(2025, 4, 2), "adhesion", 30)
    refused(pack, NotFoundError, None, add, SAUZE, date(2025, 4, 2), FIRST_JOB, 30, trainee="t-404")
    refused(pack, ValidationError, None, add, SAUZE, "2025-04-02", FIRST_JOB, 30)


def test_float_money_never_reaches_storage_TAR_7(pack: App) -> None:
    with pytest.raises(ValidationError) as caught:
        attrs.evolve(CDG79_2025, member_hourly_rate=35.0)
    assert caught.value.rule == "TAR-7"
    pack.tariffs.join(AUBIGNY, 2025)
    pack.tariffs.sign_convention(AUBIGNY, date(2025, 1, 15))
    pack.tariffs.add_intervention(AUBIGNY, date(2025, 4, 2), FIRST_JOB, 50)
    (membership,) = pack.tariffs.memberships(2025)
    assert type(membership.fee) is Decimal
    document = json.loads(pack.tariffs.export_invoice_lines(2025, "json"))
    amounts = [line["montant"] for c in document["communes"] for line in c["lignes"]]
    assert amounts == ["100.00", "29.17"] and document["total"] == "129.17"  # strings, not floats


def test_trainee_accompaniment_is_included_then_billed_TAR_6(more_grids: App) -> None:
    app = more_grids
    trainee = app.tariffs.add_trainee(" Léa Moreau ", date(2024, 11, 4), programme="SGM 2024")
    assert trainee.person == "Léa Moreau" and app.tariffs.trainees() == [trainee]
    app.tariffs.sign_convention(BEAUSSAIS, date(2024, 9, 1))
    kind = ServiceKind.TRAINEE_ACCOMPANIMENT
    app.tariffs.add_intervention(
        BEAUSSAIS, date(2024, 12, 2), kind, 210, on_site=True, trainee=trainee
    )
    app.tariffs.add_intervention(
        BEAUSSAIS, date(2025, 1, 6), kind, 300, on_site=True, trainee=trainee.id
    )
    app.tariffs.add_intervention(BEAUSSAIS, date(2025, 2, 3), kind, 45, trainee=trainee.id)
    app.tariffs.add_intervention(BEAUSSAIS, date(2025, 6, 2), kind, 60, trainee=trainee.id)
    # The 2024 visit took one half-day: in 2025 one is left, then everything after 4 May is billed.
    lines = [(li.on, li.included, li.minutes, li.amount) for li in app.tariffs.invoice_lines(2025)]
    assert lines == [
        (date(2025, 1, 6), True, 210, Decimal("0.00")),
        (date(2025, 1, 6), False, 90, Decimal("112.50")),
        (date(2025, 2, 3), True, 45, Decimal("0.00")),
        (date(2025, 6, 2), False, 60, Decimal("75.00")),
    ]


def test_invoice_exports_for_the_accounting_software_TAR_7_TAR_8(pack: App) -> None:
    pack.tariffs.join(AUBIGNY, 2025, joined_on=date(2025, 1, 20))
    pack.tariffs.sign_convention(BEAUSSAIS, date(2025, 1, 15))
    pack.tariffs.add_intervention(BEAUSSAIS, date(2025, 5, 12), SPECIFIC, 90, description="=1+1")
    data = pack.tariffs.export_invoice_lines(2025)
    assert isinstance(data, bytes) and data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Code INSEE", "Exercice", "Date"]
    assert [(r[0], r[6], r[12]) for r in rows[1:]] == [
        (AUBIGNY, "Art. 3.1", "100,00"),
        (BEAUSSAIS, "Art. 2.6", "112,50"),
    ]
    assert rows[2][7] == "'=1+1"  # never run as a formula
    refused(pack, ValidationError, None, pack.tariffs.export_invoice_lines, 2025, "xlsx")


def test_a_census_reimport_moves_the_pack_to_the_successor_TER_5(
    app: App, census_data: Path
) -> None:
    app.census.import_(OLD_VINTAGE, ["79"])  # Caunay (79060) still a commune of its own
    app.tariffs.sign_convention("79060", date(2025, 1, 15))
    app.tariffs.add_intervention("79060", date(2025, 4, 2), SPECIFIC, 60)
    result = app.census.import_(NEW_VINTAGE, ["79"])  # merged into Sauzé-entre-Bois
    assert result.moved["79060"] == {"conventions": 1, "interventions": 1}
    assert app.tariffs.convention_status(SAUZE).in_force
    (line,) = app.tariffs.invoice_lines(2025)
    assert (line.insee, line.amount) == (SAUZE, Decimal("75.00"))
