"""Interventions, trainee accompaniment, invoices and exports (TAR-4 to TAR-8)."""

import csv
import io
import json
from datetime import date, timedelta
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rsgm_core import ConfigurationError, NotFoundError, RuleViolation, ValidationError
from rsgm_core.domain.billing import (
    Intervention,
    InterventionRequest,
    InvoiceLine,
    Trainee,
    bill_interventions,
    invoice_total,
    invoices_for_year,
    membership_line,
    require_issuer,
    trainee_window,
)
from rsgm_core.domain.conventions import Convention
from rsgm_core.domain.tariffs import (
    MANDATORY_MISSION,
    Membership,
    Rounding,
    ServiceKind,
    round_money,
)
from rsgm_core.render.invoices import CSV_HEADERS
from rsgm_core.render.invoices import invoice_lines_csv as _csv
from rsgm_core.render.invoices import invoice_lines_json as _json
from tests.helpers import CDG79, CDG79_2025

ISSUER = CDG79.cdg
assert ISSUER is not None


def invoice_lines_csv(lines, year):
    return _csv(lines, year, issuer=ISSUER)


def invoice_lines_json(lines, year):
    return _json(lines, year, issuer=ISSUER)


GRID_2026 = attrs.evolve(CDG79_2025, exercise=2026)
GRIDS = (CDG79_2025, GRID_2026)
CONVENTIONS = (Convention("79049", date(2025, 1, 15)), Convention("79001", date(2025, 1, 15)))
MEMBER_2025 = Membership("79049", 2025, Decimal("150"), date(2025, 1, 20))
FIRST_JOB = ServiceKind.FIRST_JOB_ACCOMPANIMENT
TRAINING = ServiceKind.TRAINEE_ACCOMPANIMENT


def bill(*interventions: Intervention, grids=GRIDS, memberships=(MEMBER_2025,)):
    return bill_interventions(
        interventions, grids=grids, cdg="cdg79", conventions=CONVENTIONS, memberships=memberships
    )


def test_member_and_non_member_rates_TAR_5() -> None:
    member = Intervention("79049", date(2025, 4, 2), FIRST_JOB, 120)
    other = Intervention("79001", date(2025, 4, 2), FIRST_JOB, 120)
    lines = bill(member, other)
    assert [(li.insee, li.unit_price, li.amount) for li in lines] == [
        ("79001", Decimal("75.00"), Decimal("150.00")),
        ("79049", Decimal("35.00"), Decimal("70.00")),
    ]
    assert "non adhérente" in lines[0].label


def test_rate_depends_on_the_membership_of_the_intervention_year_TAR_5() -> None:
    later = Intervention("79049", date(2026, 2, 3), FIRST_JOB, 60)  # member in 2025 only
    (line,) = bill(later)
    assert line.unit_price == Decimal("75.00") and line.year == 2026


@pytest.mark.parametrize("minutes", [0, -1, -90])
def test_zero_or_negative_duration_is_refused_TAR_5(minutes: int) -> None:
    with pytest.raises(ValidationError) as caught:
        Intervention("79049", date(2025, 4, 2), FIRST_JOB, minutes)
    assert caught.value.rule == "TAR-5"
    assert caught.value.value == minutes
    assert f"{minutes} minutes" in caught.value.message


@given(st.integers(max_value=0))
def test_any_non_positive_duration_is_refused_TAR_5(minutes: int) -> None:
    with pytest.raises(ValidationError, match=str(minutes)) as caught:
        Intervention("79049", date(2025, 4, 2), FIRST_JOB, minutes)
    assert caught.value.rule == "TAR-5"


@pytest.mark.parametrize("minutes", [1.5, 60.0, "60", True])
def test_duration_must_be_whole_minutes_TAR_5(minutes) -> None:
    with pytest.raises(ValidationError, match=repr(minutes)) as caught:
        Intervention("79049", date(2025, 4, 2), FIRST_JOB, minutes)
    assert caught.value.rule == "TAR-5"


def test_intervention_before_the_convention_needs_a_request_TAR_4_TAR_5() -> None:
    early = Intervention("79049", date(2025, 1, 14), FIRST_JOB, 60)
    with pytest.raises(RuleViolation) as caught:
        bill(early)
    assert caught.value.rule == "TAR-5"
    assert caught.value.value == date(2025, 1, 14)
    assert "14/01/2025" in caught.value.message and "15/01/2025" in caught.value.message
    assert "demande" in caught.value.message


def test_intervention_without_convention_in_force_needs_a_request_TAR_5() -> None:
    for iv in (
        Intervention("79002", date(2025, 4, 2), FIRST_JOB, 60),  # never signed
        Intervention("79049", date(2029, 1, 15), FIRST_JOB, 60),  # convention over
    ):
        with pytest.raises(RuleViolation, match=f"{iv.on:%d/%m/%Y}") as caught:
            bill(iv, grids=(*GRIDS, attrs.evolve(CDG79_2025, exercise=2029)))
        assert caught.value.rule == "TAR-5"
        assert "aucune convention" in caught.value.message or "antérieure" in caught.value.message


def test_intervention_in_a_year_without_grid_is_refused_TAR_2() -> None:
    with pytest.raises(NotFoundError, match="2027") as caught:
        bill(Intervention("79049", date(2027, 3, 1), FIRST_JOB, 60))
    assert caught.value.rule == "TAR-2"


def test_included_service_is_not_billed_by_the_hour_TAR_5() -> None:
    with pytest.raises(RuleViolation) as caught:
        bill(Intervention("79049", date(2025, 4, 2), ServiceKind.ADVICE, 30))
    assert caught.value.rule == "TAR-5"
    assert caught.value.value is ServiceKind.ADVICE


@pytest.mark.parametrize("kind", ["adhesion", "cafe"])
def test_intervention_kind_is_validated_TAR_8(kind: str) -> None:
    with pytest.raises(ValidationError, match=repr(kind)):
        Intervention("79049", date(2025, 4, 2), kind, 30)


def test_to_the_minute_and_half_up_rounding_TAR_5() -> None:
    (line,) = bill(Intervention("79049", date(2025, 4, 2), FIRST_JOB, 50))
    assert line.billed_minutes == 50
    assert line.amount == Decimal("29.17")  # 35 × 50 / 60 = 29.1666…
    cheap = attrs.evolve(CDG79_2025, member_hourly_rate=Decimal("7.50"))
    (line,) = bill(Intervention("79049", date(2025, 4, 2), FIRST_JOB, 1), grids=(cheap,))
    assert line.amount == Decimal("0.13")  # 0.125 rounds half-up, not to the even 0.12


def test_per_started_quarter_hour_rounding_TAR_5() -> None:
    quarter = attrs.evolve(CDG79_2025, rounding=Rounding(increment_minutes=15))
    (line,) = bill(Intervention("79049", date(2025, 4, 2), FIRST_JOB, 46), grids=(quarter,))
    assert (line.minutes, line.billed_minutes, line.amount) == (46, 60, Decimal("35.00"))


@given(st.integers(min_value=1, max_value=5_000), st.sampled_from([1, 10, 15, 30, 60]))
def test_amount_is_rate_times_billed_hours_rounded_half_up_TAR_5(minutes, increment) -> None:
    grid = attrs.evolve(CDG79_2025, rounding=Rounding(increment))
    (line,) = bill(Intervention("79001", date(2025, 6, 1), FIRST_JOB, minutes), grids=(grid,))
    assert line.billed_minutes is not None
    assert minutes <= line.billed_minutes < minutes + increment
    assert line.amount == round_money(Decimal("75") * line.billed_minutes / 60)


def test_trainee_window_ends_on_the_month_end_TAR_6() -> None:
    assert trainee_window(Trainee("a", date(2025, 3, 10))) == (date(2025, 3, 10), date(2025, 9, 10))
    assert trainee_window(Trainee("b", date(2025, 8, 31)))[1] == date(2026, 3, 1)
    assert trainee_window(Trainee("c", date(2023, 8, 31)))[1] == date(2024, 3, 1)  # 29 Feb in


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)))
def test_trainee_window_is_six_months_TAR_6(start: date) -> None:
    first, end = trainee_window(Trainee("x", start))
    assert first == start
    assert 181 <= (end - start).days <= 184
    assert end.day in (start.day, 1)


def trainee_visit(trainee: Trainee, on: date, minutes: int, on_site: bool = True) -> Intervention:
    return Intervention(
        "79049", on, TRAINING, minutes, on_site=on_site, trainee=trainee, ref=str(on)
    )


@given(st.integers(min_value=0, max_value=300), st.integers(min_value=1, max_value=600))
def test_remote_accompaniment_inside_the_window_is_included_TAR_6(offset, minutes) -> None:
    trainee = Trainee("x", date(2025, 2, 1))
    on = trainee.first_job_start + timedelta(days=offset)
    lines = bill(trainee_visit(trainee, on, minutes, on_site=False))
    inside = on < trainee_window(trainee)[1]
    assert [li.included for li in lines] == [inside]
    assert lines[0].amount == (
        Decimal("0.00") if inside else round_money(Decimal(35 * minutes) / 60)
    )


def test_two_on_site_half_days_included_then_billed_TAR_6() -> None:
    trainee = Trainee("x", date(2025, 2, 1))
    lines = bill(
        trainee_visit(trainee, date(2025, 3, 1), 200),  # 1 half-day
        trainee_visit(trainee, date(2025, 4, 1), 180),  # 1 half-day: allowance used up
        trainee_visit(trainee, date(2025, 5, 1), 60),  # billed
    )
    assert [(li.on, li.included, li.amount) for li in lines] == [
        (date(2025, 3, 1), True, Decimal("0.00")),
        (date(2025, 4, 1), True, Decimal("0.00")),
        (date(2025, 5, 1), False, Decimal("35.00")),
    ]
    assert lines[2].article == "Art. 2.3"


def test_visit_straddling_the_allowance_is_split_TAR_6() -> None:
    trainee = Trainee("x", date(2025, 2, 1))
    lines = bill(
        trainee_visit(trainee, date(2025, 3, 1), 100),  # 1 half-day
        trainee_visit(trainee, date(2025, 3, 8), 300),  # needs 2, 1 left: 210 included, 90 billed
    )
    assert [(li.minutes, li.included, li.amount) for li in lines] == [
        (100, True, Decimal("0.00")),
        (210, True, Decimal("0.00")),
        (90, False, Decimal("52.50")),
    ]


def test_allowance_is_per_trainee_and_outside_window_is_billed_TAR_6() -> None:
    a, b = Trainee("a", date(2025, 2, 1)), Trainee("b", date(2025, 2, 1))
    lines = bill(
        trainee_visit(a, date(2025, 3, 1), 420),  # both half-days of a
        trainee_visit(b, date(2025, 3, 2), 210),
        trainee_visit(b, date(2025, 8, 1), 60),  # after b's window (ends 2025-08-01)
    )
    assert [li.included for li in lines] == [True, True, False]


def test_trainee_is_required_for_trainee_accompaniment_TAR_6() -> None:
    with pytest.raises(ValidationError) as caught:
        Intervention("79049", date(2025, 3, 1), TRAINING, 60)
    assert caught.value.rule == "TAR-6"
    with pytest.raises(ValidationError):
        Intervention(
            "79049", date(2025, 3, 1), FIRST_JOB, 60, trainee=Trainee("x", date(2025, 1, 1))
        )


def test_invoice_lines_name_service_and_article_TAR_8() -> None:
    fee = membership_line(MEMBER_2025, CDG79_2025)
    assert (fee.service, fee.article, fee.amount, fee.unit) == (
        ServiceKind.MEMBERSHIP,
        "Art. 3.1",
        Decimal("150.00"),
        "an",
    )
    (hourly,) = bill(Intervention("79049", date(2025, 4, 2), FIRST_JOB, 60))
    assert (hourly.article, hourly.unit) == ("Art. 2.4", "heure")
    assert hourly.label.startswith("Accompagnement à la prise de poste")


def sample_lines() -> list[InvoiceLine]:
    fee = membership_line(MEMBER_2025, CDG79_2025)
    hourly = bill(
        Intervention("79049", date(2025, 4, 2), FIRST_JOB, 50, description='=HYPERLINK("x")'),
        Intervention("79001", date(2025, 5, 2), ServiceKind.SPECIFIC_INTERVENTION, 90),
        Intervention("79049", date(2026, 1, 5), FIRST_JOB, 60),
    )
    return [*hourly, fee]


def test_invoice_totals_are_decimal_TAR_7() -> None:
    invoices = invoices_for_year(sample_lines(), 2025)
    assert [(i.insee, i.total) for i in invoices] == [
        ("79001", Decimal("112.50")),
        ("79049", Decimal("179.17")),
    ]
    assert invoices[1].lines[0].service is ServiceKind.MEMBERSHIP  # the fee comes first
    assert all(isinstance(i.total, Decimal) for i in invoices)
    assert invoice_total([]) == Decimal("0.00")


@given(st.lists(st.integers(min_value=1, max_value=2_000), max_size=10))
def test_invoice_total_is_the_exact_sum_TAR_7(durations: list[int]) -> None:
    lines = bill(*(Intervention("79001", date(2025, 6, 1), FIRST_JOB, m) for m in durations))
    assert invoice_total(lines) == sum((li.amount for li in lines), Decimal(0))


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def test_csv_export_TAR_8() -> None:
    rows = read_csv(invoice_lines_csv(sample_lines(), 2025))
    assert rows[0] == list(CSV_HEADERS)
    assert [row[0] for row in rows[1:]] == ["79001", "79049", "79049"]  # 2026 left out
    fee = dict(zip(CSV_HEADERS, rows[2], strict=True))
    assert fee["Article"] == "Art. 3.1" and fee["Montant (€)"] == "150,00"
    assert fee["Unité"] == "an" and fee["Inclus"] == "non" and fee["Durée (min)"] == ""
    line = dict(zip(CSV_HEADERS, rows[3], strict=True))
    assert line["Article"] == "Art. 2.4" and line["Montant (€)"] == "29,17"
    assert line["Description"] == '\'=HYPERLINK("x")'  # neutralised


@pytest.mark.parametrize("text", ["=1+1", "+33 5 49", "-2", "@SUM(A1)", "\tcmd", "\rcmd"])
def test_csv_cells_are_neutralised_against_formulas_TAR_8(text: str) -> None:
    line = attrs.evolve(membership_line(MEMBER_2025, CDG79_2025), description=text, ref=text)
    rows = read_csv(invoice_lines_csv([line], 2025))
    row = dict(zip(CSV_HEADERS, rows[1], strict=True))
    assert row["Description"] == "'" + text
    assert row["Référence"] == "'" + text


def test_json_export_TAR_8() -> None:
    document = json.loads(invoice_lines_json(sample_lines(), 2025))
    assert document["exercice"] == 2025
    assert document["total"] == "291.67"
    assert [c["code_insee"] for c in document["communes"]] == ["79001", "79049"]
    commune = document["communes"][1]
    assert commune["total"] == "179.17"
    assert commune["lignes"][0]["article"] == "Art. 3.1"
    assert commune["lignes"][1]["montant"] == "29.17"
    assert commune["lignes"][1]["duree_minutes"] == 50


def test_exports_of_a_year_without_lines_TAR_8() -> None:
    assert read_csv(invoice_lines_csv(sample_lines(), 2030)) == [list(CSV_HEADERS)]
    document = json.loads(invoice_lines_json([], 2030))
    assert document["emetteur"]["siret"] == "28790034400014"
    assert {k: v for k, v in document.items() if k != "emetteur"} == {
        "exercice": 2030,
        "etabli_par": "",  # CHA-2: the name of who exports, given by app.billing
        "total": "0.00",
        "communes": [],
    }


@pytest.mark.parametrize("name", ["", "   ", None])
def test_a_trainee_has_a_name_TAR_6(name) -> None:
    with pytest.raises(ValidationError) as caught:
        Trainee(name, date(2025, 3, 1))
    assert caught.value.rule == "TAR-6"


def test_a_trainee_first_job_start_is_a_date_TAR_6() -> None:
    from datetime import datetime

    with pytest.raises(ValidationError) as caught:
        Trainee("Léa Moreau", datetime(2025, 3, 1, 9, 0))  # a time would be silently dropped
    assert caught.value.rule == "TAR-6"


SIRET = "21790030700018"


def test_a_commune_without_convention_is_billed_at_the_non_member_rate_on_request_TAR_5() -> None:
    asked = InterventionRequest("Mme la maire", date(2025, 3, 28), siret=SIRET, sgc="SGC Niort")
    iv = Intervention("79002", date(2025, 4, 2), FIRST_JOB, 90, request=asked)
    (line,) = bill(iv)
    assert (line.unit_price, line.amount) == (Decimal("75.00"), Decimal("112.50"))
    assert "sans convention, à sa demande" in line.label
    assert (line.siret, line.sgc, line.article) == (SIRET, "SGC Niort", "Art. 2.4")


def test_without_convention_nothing_of_the_pack_is_included_TAR_5_TAR_6() -> None:
    lea = Trainee("Léa", date(2025, 3, 1))
    asked = InterventionRequest("le maire", date(2025, 4, 1))
    iv = Intervention("79002", date(2025, 4, 2), TRAINING, 60, trainee=lea, request=asked)
    (line,) = bill(iv)
    assert not line.included and line.amount == Decimal("75.00")


def test_a_request_needs_who_and_when_TAR_5() -> None:
    for who in ("", "   "):
        with pytest.raises(ValidationError) as caught:
            InterventionRequest(who, date(2025, 4, 1))
        assert caught.value.rule == "TAR-5"
    with pytest.raises(ValidationError) as late:
        Intervention(
            "79002", date(2025, 4, 2), FIRST_JOB, 60,
            request=InterventionRequest("le maire", date(2025, 4, 3)),
        )  # fmt: skip
    assert late.value.rule == "TAR-5" and "03/04/2025" in late.value.message
    with pytest.raises(ValidationError) as bad:
        InterventionRequest("le maire", date(2025, 4, 1), siret="123")
    assert bad.value.rule == "TAR-4"


@pytest.mark.parametrize("kind", sorted(MANDATORY_MISSION))
def test_the_mandatory_mission_is_never_billed_TAR_8(kind: ServiceKind) -> None:
    for insee, request in (("79049", None), ("79002", InterventionRequest("x", date(2025, 4, 1)))):
        with pytest.raises(RuleViolation, match="mission obligatoire") as caught:
            bill(Intervention(insee, date(2025, 4, 2), kind, 60, request=request))
        assert caught.value.rule == "TAR-8"


def test_network_activation_is_billed_only_where_the_grid_says_so_TAR_5() -> None:
    iv = Intervention("79049", date(2025, 4, 2), ServiceKind.NETWORK_ACTIVATION, 60)
    with pytest.raises(RuleViolation, match="prestations_horaires") as caught:
        bill(iv)  # CDG 79: 2.5 is in the annex without a tariff
    assert caught.value.rule == "TAR-5"
    catalogue = tuple(
        attrs.evolve(s, hourly=True) if s.kind is ServiceKind.NETWORK_ACTIVATION else s
        for s in CDG79_2025.catalogue
    )
    other = attrs.evolve(CDG79_2025, catalogue=catalogue)
    (line,) = bill(iv, grids=(other,))
    assert (line.article, line.amount) == ("Art. 2.5", Decimal("35.00"))


def test_an_invoice_line_carries_the_commune_siret_and_sgc_TAR_8() -> None:
    signed = attrs.evolve(CONVENTIONS[0], siret=SIRET, sgc="SGC de Bressuire")
    lines = bill_interventions(
        [Intervention("79049", date(2025, 4, 2), FIRST_JOB, 60)],
        grids=GRIDS, cdg="cdg79", conventions=(signed,), memberships=(MEMBER_2025,),
    )  # fmt: skip
    fee = membership_line(MEMBER_2025, CDG79_2025, signed)
    (invoice,) = invoices_for_year([*lines, fee], 2025)
    assert [(li.siret, li.sgc) for li in invoice.lines] == [(SIRET, "SGC de Bressuire")] * 2
    assert (invoice.siret, invoice.sgc) == (SIRET, "SGC de Bressuire")
    row = dict(zip(CSV_HEADERS, read_csv(invoice_lines_csv(invoice.lines, 2025))[1], strict=True))
    assert row["SIRET de la commune"] == SIRET and row["SIRET de l'émetteur"] == "28790034400014"
    assert row["Émetteur"] == ISSUER.name
    document = json.loads(invoice_lines_json(invoice.lines, 2025))
    assert document["communes"][0]["siret"] == SIRET
    assert document["communes"][0]["lignes"][1]["service_gestion_comptable"] == "SGC de Bressuire"


def test_an_invoice_document_needs_the_cdg_identity_and_siret_TAR_8() -> None:
    assert require_issuer(ISSUER) is ISSUER
    with pytest.raises(ConfigurationError, match=r"\[cdg\]") as caught:
        require_issuer(None)
    assert caught.value.rule == "TAR-8"
    with pytest.raises(ConfigurationError, match=r"siret.*\[cdg\]") as missing:
        require_issuer(attrs.evolve(ISSUER, siret=None))
    assert missing.value.rule == "TAR-8"
