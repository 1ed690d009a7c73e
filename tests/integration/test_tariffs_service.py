"""The membership pack through ``app.memberships`` and ``app.billing``, on every backend, over the Deux-Sèvres sample
(populations of vintage 2022, in force in 2025): memberships, conventions, interventions, invoices
(TAR-1..TAR-8). Every refusal leaves every collection exactly as it was."""

from __future__ import annotations

import csv
import functools
import inspect
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
from rsgm_core import (
    App,
    NotFoundError,
    PartnerCategory,
    Party,
    PopulationFigure,
    PopulationKind,
    RsgmError,
    RuleViolation,
    ServiceKind,
    TariffGrid,
    ValidationError,
    hookimpl,
)
from rsgm_core.testing import Clock
from tests.conftest import NEW_VINTAGE, OLD_VINTAGE, SAMPLE
from tests.helpers import CDG79, CDG79_2025, administrator, snapshot

FIRST_JOB = ServiceKind.FIRST_JOB_ACCOMPANIMENT
SPECIFIC = ServiceKind.SPECIFIC_INTERVENTION
# From the sample, vintage 2022 (municipale): Aubigny 178, Beaussais-Vitré 923,
# Sauzé-entre-Bois 2,271, Bressuire 19,970; Adilly (79004) is a delegated commune of 79185.
AUBIGNY, BEAUSSAIS, SAUZE, BRESSUIRE, ADILLY = "79019", "79030", "79307", "79049", "79004"


def refused(app: App, error: type[RsgmError], rule: str | None, call: Any, *args: Any, **kw: Any):
    """Call a use case that must fail with ``error`` (and ``rule``), writing nothing; an
    administrative one acts as the CDG's administrator (CHA-2), named before the snapshot."""
    if "by" not in kw and "by" in inspect.signature(call).parameters:
        kw["by"] = administrator(app)
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
def more_grids(url: str, rsgm_clock: Clock) -> Iterator[App]:
    with rsgm_core.open(
        url, plugins=[Grids2024And2026()], clock=rsgm_clock, settings=CDG79
    ) as opened:
        opened.census.import_(SAMPLE, ["79"])
        yield opened


def test_the_grid_of_a_year_is_the_one_adopted_for_it_TAR_2(pack: App) -> None:
    assert pack.memberships.grid(year=2025) == CDG79_2025
    assert pack.memberships.cdg == "cdg79"
    error = refused(pack, NotFoundError, "TAR-2", pack.memberships.grid, year=2026)
    assert "2025" in error.message  # the exercises covered
    with pytest.raises(ValidationError):
        pack.memberships.grid(year="2025")  # type: ignore[arg-type]


def test_join_charges_the_stratum_of_the_population_in_force_TAR_1_TER_2(pack: App) -> None:
    quote = pack.memberships.quote(BEAUSSAIS, year=2025)
    # the totale 2022 in force (1,008), not the municipale 2023 of communes.json (923)
    assert (quote.population, quote.kind, quote.vintage) == (1008, PopulationKind.TOTALE, 2022)
    fees = {
        code: pack.memberships.join(code, by=administrator(pack), year=2025).fee
        for code in (AUBIGNY, BEAUSSAIS, SAUZE)
    }
    assert fees == {
        AUBIGNY: Decimal("100.00"),
        BEAUSSAIS: Decimal("200.00"),
        SAUZE: Decimal("300.00"),
    }
    listed = pack.memberships.list_memberships(year=2025)
    assert [(m.insee, m.year, m.joined_on) for m in listed] == [
        (AUBIGNY, 2025, date(2025, 3, 14)),  # today, from the fixed clock
        (BEAUSSAIS, 2025, date(2025, 3, 14)),
        (SAUZE, 2025, date(2025, 3, 14)),
    ]
    assert all(m.id for m in listed) and pack.memberships.list_memberships(year=2024) == []


@pytest.mark.parametrize(
    ("population", "fee"),
    [(0, "100"), (499, "100"), (500, "150"), (999, "150"), (1_000, "200"), (2_000, "200"),
     (2_001, "300"), (3_500, "300")],
)  # fmt: skip
def test_stratum_bounds_are_inclusive_TAR_1(pack: App, population: int, fee: str) -> None:
    with pack.deps.transaction() as uow:
        uow.populations.update(PopulationFigure(AUBIGNY, 2022, population))
    assert pack.memberships.join(AUBIGNY, by=administrator(pack), year=2025).fee == Decimal(fee)


def test_a_commune_above_3500_is_refused_never_charged_0_TAR_1(pack: App) -> None:
    error = refused(pack, RuleViolation, "TAR-1", pack.memberships.join, BRESSUIRE, year=2025)
    assert "20828" in error.message and BRESSUIRE in error.message  # the totale 2022
    with pack.deps.transaction() as uow:
        uow.populations.update(PopulationFigure(AUBIGNY, 2022, 3_501))
    refused(pack, RuleViolation, "TAR-1", pack.memberships.join, AUBIGNY, year=2025)


def test_the_fee_is_the_full_year_whatever_the_month_TAR_3(pack: App) -> None:
    late = pack.memberships.join(AUBIGNY, by=administrator(pack), on=date(2025, 12, 30))
    assert (late.year, late.fee) == (2025, Decimal("100.00"))
    ahead = pack.memberships.join(
        BEAUSSAIS, by=administrator(pack), year=2025, on=date(2024, 12, 10)
    )  # joining ahead
    assert (ahead.year, ahead.valid_from, ahead.valid_until) == (
        2025, date(2025, 1, 1), date(2025, 12, 31),
    )  # fmt: skip
    refused(
        pack, RuleViolation, "TAR-3", pack.memberships.join, SAUZE, year=2025, on=date(2026, 1, 5)
    )


def test_a_second_membership_for_the_same_year_is_refused_TAR_3(pack: App) -> None:
    pack.memberships.join(AUBIGNY, by=administrator(pack), year=2025)
    refused(pack, RuleViolation, "TAR-3", pack.memberships.join, AUBIGNY, year=2025)
    refused(pack, RuleViolation, "TAR-3", pack.memberships.join, AUBIGNY, on=date(2025, 6, 1))


def test_a_year_without_grid_is_refused_TAR_2(pack: App) -> None:
    refused(pack, NotFoundError, "TAR-2", pack.memberships.join, AUBIGNY, year=2026)
    refused(pack, NotFoundError, "TAR-2", pack.memberships.join, AUBIGNY, on=date(2026, 1, 5))


def test_a_vintage_not_imported_is_flagged_never_refused_TER_2(more_grids: App) -> None:
    # 2026: vintage 2023, the municipale alone (flagged); 2024: vintage 2021 is not in the
    # sample, the nearest (2022, with its totale) stands in, provisional.
    assert more_grids.memberships.join(
        AUBIGNY, year=2026, by=administrator(more_grids)
    ).fee == Decimal("100.00")
    quote = more_grids.memberships.quote(AUBIGNY, year=2026)
    assert (quote.population, quote.kind, quote.vintage) == (178, PopulationKind.MUNICIPALE, 2023)
    assert not quote.provisional
    quote = more_grids.memberships.quote(AUBIGNY, year=2024)
    assert (quote.population, quote.kind, quote.vintage) == (175, PopulationKind.TOTALE, 2022)
    assert quote.provisional


def test_unknown_or_merged_communes_are_refused_TER_5(pack: App) -> None:
    refused(pack, NotFoundError, None, pack.memberships.join, "79999", year=2025)
    refused(pack, ValidationError, "TER-1", pack.memberships.join, "7901", year=2025)
    error = refused(pack, RuleViolation, "TER-5", pack.memberships.join, ADILLY, year=2025)
    assert "79185" in error.message
    refused(
        pack, RuleViolation, "TER-5", pack.memberships.sign_convention, ADILLY, on=date(2025, 1, 2)
    )


def test_conventions_status_notice_and_deadlines_TAR_4(pack: App) -> None:
    signed = pack.memberships.sign_convention(
        SAUZE, by=administrator(pack), on=date(2025, 1, 15), reference=" CONV-1 "
    )
    assert (signed.reference, signed.renewal_date) == ("CONV-1", date(2027, 1, 15))
    refused(
        pack, RuleViolation, "TAR-4", pack.memberships.sign_convention, SAUZE, on=date(2026, 5, 1)
    )
    status = pack.memberships.convention_status(SAUZE)  # today: 14 March 2025
    assert status.in_force and not status.renewed and status.convention == signed
    assert pack.memberships.convention_status(SAUZE, on=date(2027, 6, 1)).renewed
    before = pack.memberships.convention_status(SAUZE, on=date(2025, 1, 14))
    assert not before.in_force and before.convention == signed
    assert pack.memberships.convention_status(AUBIGNY).convention is None
    due = pack.memberships.list_deadlines(on=date(2026, 12, 1), days=60)
    assert [(d.on, d.kind.value) for d in due] == [
        (date(2026, 12, 15), "preavis"),
        (date(2027, 1, 15), "reconduction"),
    ]
    refused(
        pack, RuleViolation, "TAR-4", pack.memberships.give_notice, SAUZE, on=date(2026, 12, 16)
    )  # too late
    ended = pack.memberships.give_notice(
        SAUZE, by=administrator(pack), on=date(2026, 12, 15), party="cdg"
    )
    assert ended.notice is not None and ended.notice.by is Party.CDG
    assert ended.last_day == date(2027, 1, 14)
    assert pack.memberships.list_conventions(commune=SAUZE) == [ended]
    refused(pack, RuleViolation, "TAR-4", pack.memberships.give_notice, SAUZE, on=date(2026, 12, 1))
    refused(
        pack, RuleViolation, "TAR-4", pack.memberships.give_notice, AUBIGNY, on=date(2025, 6, 1)
    )


def test_member_and_non_member_hourly_rates_TAR_5_TAR_8(pack: App) -> None:
    pack.memberships.join(SAUZE, by=administrator(pack), year=2025, on=date(2025, 1, 20))
    for code in (SAUZE, BEAUSSAIS):
        pack.memberships.sign_convention(code, by=administrator(pack), on=date(2025, 1, 15))
    pack.billing.add_intervention(
        SAUZE, FIRST_JOB, 150, by=administrator(pack), on=date(2025, 4, 2), ref="B-1"
    )
    pack.billing.add_intervention(
        BEAUSSAIS, SPECIFIC, 50, by=administrator(pack), on=date(2025, 5, 12), description="budget"
    )
    invoices = {i.insee: i for i in pack.billing.bill(by=administrator(pack), year=2025)}
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
    assert [i.ref for i in pack.billing.list_interventions(year=2025)] == ["B-1", ""]
    assert pack.billing.bill(by=administrator(pack), year=2024) == []


@pytest.mark.parametrize("minutes", [0, -30, 1.5, "60"])
def test_a_duration_must_be_a_positive_number_of_minutes_TAR_5(pack: App, minutes: Any) -> None:
    pack.memberships.sign_convention(SAUZE, by=administrator(pack), on=date(2025, 1, 15))
    refused(
        pack, ValidationError, "TAR-5", pack.billing.add_intervention,
        SAUZE, FIRST_JOB, minutes, on=date(2025, 4, 2),
    )  # fmt: skip


def test_an_intervention_needs_a_convention_in_force_or_a_request_TAR_4_TAR_5(pack: App) -> None:
    pack.memberships.sign_convention(SAUZE, by=administrator(pack), on=date(2025, 1, 15))
    add = functools.partial(pack.billing.add_intervention, by=administrator(pack))
    error = refused(pack, RuleViolation, "TAR-5", add, SAUZE, FIRST_JOB, 60, on=date(2025, 1, 14))
    assert "15/01/2025" in error.message and "demande" in error.message
    refused(pack, RuleViolation, "TAR-5", add, AUBIGNY, FIRST_JOB, 60, on=date(2025, 4, 2))
    early = add(SAUZE, FIRST_JOB, 60, on=date(2025, 1, 14), requested_by="le maire")
    (line,) = pack.billing.list_invoice_lines(year=2025)
    assert (line.on, line.unit_price) == (early.on, Decimal("75.00"))


def test_an_intervention_is_refused_without_grid_or_when_not_billable_TAR_2_TAR_5(
    pack: App,
) -> None:
    pack.memberships.sign_convention(SAUZE, by=administrator(pack), on=date(2025, 1, 15))
    add = functools.partial(pack.billing.add_intervention, by=administrator(pack))
    refused(pack, NotFoundError, "TAR-2", add, SAUZE, FIRST_JOB, 60, on=date(2026, 2, 2))
    refused(pack, RuleViolation, "TAR-5", add, SAUZE, ServiceKind.ADVICE, 30, on=date(2025, 4, 2))
    refused(pack, ValidationError, None, add, SAUZE, "adhesion", 30, on=date(2025, 4, 2))
    refused(
        pack, NotFoundError, None, add, SAUZE, FIRST_JOB, 30, on=date(2025, 4, 2), trainee="t-404"
    )
    refused(pack, ValidationError, None, add, SAUZE, FIRST_JOB, 30, on="2025-04-02")


def test_float_money_never_reaches_storage_TAR_7(pack: App) -> None:
    with pytest.raises(ValidationError) as caught:
        attrs.evolve(CDG79_2025, member_hourly_rate=35.0)
    assert caught.value.rule == "TAR-7"
    pack.memberships.join(AUBIGNY, by=administrator(pack), year=2025)
    pack.memberships.sign_convention(AUBIGNY, by=administrator(pack), on=date(2025, 1, 15))
    pack.billing.add_intervention(
        AUBIGNY, FIRST_JOB, 50, by=administrator(pack), on=date(2025, 4, 2)
    )
    (membership,) = pack.memberships.list_memberships(year=2025)
    assert type(membership.fee) is Decimal
    document = json.loads(
        pack.billing.export_invoice_lines(by=administrator(pack), year=2025, format="json")
    )
    amounts = [line["montant"] for c in document["communes"] for line in c["lignes"]]
    assert amounts == ["100.00", "29.17"] and document["total"] == "129.17"  # strings, not floats


def test_trainee_accompaniment_is_included_then_billed_TAR_6(more_grids: App) -> None:
    app = more_grids
    trainee = app.billing.add_trainee(
        " Léa Moreau ",
        by=administrator(app),
        first_job_start=date(2024, 11, 4),
        programme="SGM 2024",
    )
    assert trainee.person == "Léa Moreau" and app.billing.list_trainees() == [trainee]
    app.memberships.sign_convention(BEAUSSAIS, by=administrator(app), on=date(2024, 9, 1))
    kind = ServiceKind.TRAINEE_ACCOMPANIMENT
    add = functools.partial(app.billing.add_intervention, by=administrator(app))
    add(BEAUSSAIS, kind, 210, on=date(2024, 12, 2), on_site=True, trainee=trainee)
    add(BEAUSSAIS, kind, 300, on=date(2025, 1, 6), on_site=True, trainee=trainee.id)
    add(BEAUSSAIS, kind, 45, on=date(2025, 2, 3), trainee=trainee.id)
    add(BEAUSSAIS, kind, 60, on=date(2025, 6, 2), trainee=trainee.id)
    # The 2024 visit took one half-day: in 2025 one is left, then everything after 4 May is billed.
    lines = [
        (li.on, li.included, li.minutes, li.amount)
        for li in app.billing.list_invoice_lines(year=2025)
    ]
    assert lines == [
        (date(2025, 1, 6), True, 210, Decimal("0.00")),
        (date(2025, 1, 6), False, 90, Decimal("112.50")),
        (date(2025, 2, 3), True, 45, Decimal("0.00")),
        (date(2025, 6, 2), False, 60, Decimal("75.00")),
    ]


def test_invoice_exports_for_the_accounting_software_TAR_7_TAR_8(pack: App) -> None:
    pack.memberships.join(AUBIGNY, by=administrator(pack), year=2025, on=date(2025, 1, 20))
    pack.memberships.sign_convention(BEAUSSAIS, by=administrator(pack), on=date(2025, 1, 15))
    pack.billing.add_intervention(
        BEAUSSAIS, SPECIFIC, 90, by=administrator(pack), on=date(2025, 5, 12), description="=1+1"
    )
    data = pack.billing.export_invoice_lines(by=administrator(pack), year=2025)
    assert isinstance(data, bytes) and data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Code INSEE", "Exercice", "Date"]
    assert [(r[0], r[6], r[12]) for r in rows[1:]] == [
        (AUBIGNY, "Art. 3.1", "100,00"),
        (BEAUSSAIS, "Art. 2.6", "112,50"),
    ]
    assert rows[2][7] == "'=1+1"  # never run as a formula
    refused(
        pack, ValidationError, None, pack.billing.export_invoice_lines, year=2025, format="xlsx"
    )


def test_a_census_reimport_moves_the_pack_to_the_successor_TER_5(
    app: App, census_data: Path
) -> None:
    app.census.import_(OLD_VINTAGE, ["79"])  # Caunay (79060) still a commune of its own
    app.memberships.sign_convention("79060", by=administrator(app), on=date(2025, 1, 15))
    app.billing.add_intervention("79060", SPECIFIC, 60, by=administrator(app), on=date(2025, 4, 2))
    result = app.census.import_(NEW_VINTAGE, ["79"])  # merged into Sauzé-entre-Bois
    assert result.moved["79060"] == {"conventions": 1, "interventions": 1}
    assert app.memberships.convention_status(SAUZE).in_force
    (line,) = app.billing.list_invoice_lines(year=2025)
    assert (line.insee, line.amount) == (SAUZE, Decimal("75.00"))


def test_the_old_app_tariffs_area_warns_naming_the_new_call_and_still_works(pack: App) -> None:
    with pytest.warns(DeprecationWarning, match=r"app\.memberships\.join\(commune, year=…, on=…\)"):
        joined = pack.tariffs.join(SAUZE, 2025, by=administrator(pack), joined_on=date(2025, 1, 20))
    with pytest.warns(DeprecationWarning, match=r"app\.memberships\.sign_convention"):
        pack.tariffs.sign_convention(SAUZE, date(2025, 1, 15), by=administrator(pack))
    with pytest.warns(DeprecationWarning, match=r"app\.billing\.add_intervention"):
        pack.tariffs.add_intervention(
            SAUZE, date(2025, 4, 2), FIRST_JOB, 150, by=administrator(pack)
        )
    with pytest.warns(DeprecationWarning, match=r"app\.billing\.bill\(year=…\)"):
        old = pack.tariffs.bill(2025, by=administrator(pack))
    assert (
        old == pack.billing.bill(by=administrator(pack), year=2025)
        and old[0].lines[0].amount == joined.fee
    )
    with pytest.warns(DeprecationWarning, match=r"app\.memberships\.give_notice"):
        ended = pack.tariffs.give_notice(
            SAUZE, date(2026, 12, 1), actor=administrator(pack), by="cdg"
        )
    assert ended.notice is not None and ended.notice.by is Party.CDG
    with pytest.warns(DeprecationWarning, match=r"app\.memberships\.list_deadlines"):
        assert pack.tariffs.deadlines(date(2027, 1, 1)) == pack.memberships.list_deadlines(
            on=date(2027, 1, 1)
        )


def _parameters(area: object) -> dict[str, list[inspect.Parameter]]:
    return {
        name: list(inspect.signature(getattr(area, name)).parameters.values())
        for name in dir(area)
        if not name.startswith("_")
        and callable(getattr(area, name))
        and not hasattr(getattr(area, name), "__deprecated__")
    }


def test_the_pack_areas_follow_the_naming_convention(pack: App) -> None:
    for area in (pack.memberships, pack.billing, pack.partners):
        for method, parameters in _parameters(area).items():
            assert method != "list", area
            for p in parameters:
                assert p.kind is not p.VAR_KEYWORD and p.kind is not p.VAR_POSITIONAL, method
                assert p.name not in ("today", "joined_on", "signed_on", "person", "member")
                if p.name in ("on", "year"):
                    assert p.kind is p.KEYWORD_ONLY, (method, p.name)
                assert p.annotation is not p.empty, (method, p.name)


def test_partner_directory_new_names_and_explicit_update_MEM_10(
    pack: App, rsgm_clock: Clock
) -> None:
    partners = pack.partners
    card = partners.add("Service prévention", "CDG 79", "sante_securite", contact="a@cdg79.fr")
    assert partners.get(card.id) == card and partners.list_partners() == [card]
    rsgm_clock.advance(days=400)
    assert partners.list_stale_partners() == [card]
    changed = partners.update(card.id, category="numerique", themes=[" Sites ", ""], contact="")
    assert (changed.category, changed.themes, changed.contact) == (
        PartnerCategory.DIGITAL, ("Sites",), None,
    )  # fmt: skip
    assert changed.reviewed_on == pack.today() and partners.list_stale_partners() == []
    assert partners.add_year(card.id, year=2025).years == (2025,)
    assert partners.list_partners(category=PartnerCategory.DIGITAL, theme="sites") == [
        partners.get(card.id)
    ]
    refused(pack, ValidationError, "MEM-10", partners.update, card.id, category="traiteur")
    refused(pack, NotFoundError, None, partners.update, "p-404", name="X")


def test_the_old_partner_names_warn_and_still_work_MEM_10(pack: App) -> None:
    card = pack.partners.add("Préfecture", "État", "administration")
    with pytest.warns(DeprecationWarning, match=r"use app\.partners\.list_partners\(\)"):
        assert pack.partners.list(category="administration") == [card]  # type: ignore[attr-defined]
    with pytest.warns(DeprecationWarning, match=r"list_stale_partners"):
        assert pack.partners.stale() == []  # type: ignore[attr-defined]
    with pytest.warns(DeprecationWarning, match=r"add_year\(partner_id, year=…\)"):
        assert pack.partners.add_year(card.id, 2024).years == (2024,)  # type: ignore[misc]
