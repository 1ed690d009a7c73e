"""The membership pack as each CDG runs it, on every backend and the real Etalab data: CDG 77 and
the CIG Grande Couronne have no grid (TAR-2, never CDG 79's), communes hors ressort are never
given a membership, a convention or an invoice (TER-7), a commune without convention is billed on
its recorded request (TAR-5), the convention carries its header (TAR-4), the mandatory mission is
never billed (TAR-8) and an invoice document names its issuer (TAR-8)."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import attrs
import pytest

import rsgm_core
from rsgm_core import (
    App,
    Commune,
    ConfigurationError,
    Deliberation,
    NotFoundError,
    PopulationFigure,
    RuleViolation,
    ServiceKind,
    Settings,
    TariffGrid,
    ValidationError,
    hookimpl,
)
from rsgm_core.testing import Clock
from tests.conftest import NEW_VINTAGE, SAMPLE
from tests.helpers import CDG79, CDG79_2025, administrator, nothing_written

SPECIFIC = ServiceKind.SPECIFIC_INTERVENTION
FIRST_JOB = ServiceKind.FIRST_JOB_ACCOMPANIMENT
AUBIGNY, SAUZE = "79019", "79307"
SAUZE_SIRET = "21790030700018"
COMPANS = "77123"  # CA Roissy Pays de France, whose communes lie in 95 and 77 (754 inhabitants)


@pytest.fixture
def pack(app: App) -> App:
    app.census.import_(SAMPLE, ["79"])
    return app


# CDG 77 and the CIG: no grid, never another CDG's (TAR-2).


def test_cdg77_has_no_grid_and_never_gets_cdg79s_TAR_2(cdg77: App, census_data: Any) -> None:
    administrator(cdg77)  # CHA-2: named before any snapshot
    cdg77.census.import_(NEW_VINTAGE, ["77"])
    for call in (
        lambda: cdg77.memberships.grid(year=2025),
        lambda: cdg77.memberships.list_grids(),
        lambda: cdg77.memberships.quote(COMPANS, year=2025),
        lambda: cdg77.memberships.join(COMPANS, by=administrator(cdg77), year=2025),
        lambda: cdg77.billing.bill(by=administrator(cdg77), year=2025),
        lambda: cdg77.billing.export_invoice_lines(by=administrator(cdg77), year=2025),
        lambda: cdg77.billing.add_intervention(
            COMPANS,
            SPECIFIC,
            60,
            by=administrator(cdg77),
            on=date(2025, 4, 2),
            requested_by="le maire",
        ),
    ):
        error = nothing_written(cdg77, call, "TAR-2")
        assert isinstance(error, NotFoundError)
        assert "[[tarifs]]" in error.message and "cdg77" in error.message
        assert "cdg79" not in error.message and "100" not in error.message


def test_the_cig_has_no_grid_either_TAR_2(cig: App, census_data: Any) -> None:
    administrator(cig)  # CHA-2: named before any snapshot
    cig.census.import_(NEW_VINTAGE, ["95"])
    error = nothing_written(
        cig, lambda: cig.memberships.join("95011", by=administrator(cig), year=2025), "TAR-2"
    )
    assert "[[tarifs]]" in error.message and "cig-gc" in error.message


# Communes hors ressort (TER-7).


def _compans(app: App) -> None:
    """Compans (77), known to the CIG because its EPCI straddles the border: imported with the
    EPCI when the census does so, else written here from the same Etalab 6.0.0 record."""
    with app.deps.transaction() as uow:
        if uow.communes.find(COMPANS) is None:
            uow.communes.add(
                Commune(COMPANS, "Compans", "77", "11", siren="217701234", epci="200055655")
            )
            uow.populations.add(PopulationFigure(COMPANS, 2022, 754))


@pytest.fixture
def cig_with_pack(url: str, rsgm_clock: Clock, census_data: Any) -> Iterator[App]:
    """The CIG Grande Couronne, had it adopted a pack grid like CDG 79's (a hypothetical case)."""
    from tests.helpers import CIG

    grid = attrs.evolve(CDG79_2025, cdg="cig-gc")
    with rsgm_core.open(url, clock=rsgm_clock, settings=attrs.evolve(CIG, grids=(grid,))) as app:
        app.census.import_(NEW_VINTAGE, ["95"])
        _compans(app)
        yield app


def test_a_commune_hors_ressort_gets_no_membership_convention_or_invoice_TER_7(
    cig_with_pack: App,
) -> None:
    app = cig_with_pack
    administrator(app)  # CHA-2: named before any snapshot
    for call in (
        lambda: app.memberships.quote(COMPANS, year=2025),
        lambda: app.memberships.join(COMPANS, by=administrator(app), year=2025),
        lambda: app.memberships.sign_convention(
            COMPANS, by=administrator(app), on=date(2025, 1, 15)
        ),
        lambda: app.billing.add_intervention(
            COMPANS,
            SPECIFIC,
            60,
            by=administrator(app),
            on=date(2025, 4, 2),
            requested_by="le maire",
        ),
    ):
        error = nothing_written(app, call, "TER-7")
        assert isinstance(error, RuleViolation) and COMPANS in error.message
        assert "hors du ressort" in error.message
    # A commune of the territory joins, as in any CDG with a pack: Ambleville (95), 388 inhabitants.
    assert app.memberships.join("95011", by=administrator(app), year=2025).fee == Decimal("100.00")


def test_records_of_a_commune_now_hors_ressort_are_never_invoiced_TER_7(
    url: str, rsgm_clock: Clock
) -> None:
    with rsgm_core.open(url, clock=rsgm_clock, settings=CDG79) as before:
        before.census.import_(SAMPLE, ["79"])
        before.memberships.sign_convention(SAUZE, by=administrator(before), on=date(2025, 1, 15))
        before.billing.add_intervention(
            SAUZE, SPECIFIC, 60, by=administrator(before), on=date(2025, 4, 2)
        )
        assert len(before.billing.bill(by=administrator(before), year=2025)) == 1
    if url == "memory://":
        return  # nothing persists: the storage is gone with the app
    elsewhere = attrs.evolve(CDG79, departements=("86",))
    with rsgm_core.open(url, clock=rsgm_clock, settings=elsewhere) as after:
        assert after.billing.bill(by=administrator(after), year=2025) == []


# The convention's header (TAR-4).


def test_the_convention_header_is_recorded_at_signing_TAR_4(pack: App) -> None:
    administrator(pack)  # CHA-2: named before any snapshot
    signed = pack.memberships.sign_convention(
        SAUZE, by=administrator(pack), on=date(2025, 1, 15), reference="CONV-1", siret="217 900 307 00018",
        sgc="SGC de Niort", deliberation_on=date(2024, 12, 12), deliberation_number=" 2024-45 ",
    )  # fmt: skip
    assert (signed.siret, signed.sgc) == (SAUZE_SIRET, "SGC de Niort")
    assert signed.deliberation == Deliberation(date(2024, 12, 12), "2024-45")
    assert pack.memberships.list_conventions(commune=SAUZE) == [signed]
    assert pack.memberships.convention_status(SAUZE).convention == signed
    sign = functools.partial(pack.memberships.sign_convention, by=administrator(pack))
    bad = nothing_written(pack, lambda: sign(AUBIGNY, on=date(2025, 1, 15), siret="123"), "TAR-4")
    assert "'123'" in bad.message
    nothing_written(
        pack, lambda: sign(AUBIGNY, on=date(2025, 1, 15), deliberation_number="12"), "TAR-4"
    )
    late = nothing_written(
        pack,
        lambda: sign(AUBIGNY, on=date(2025, 1, 15), deliberation_on=date(2025, 2, 1)),
        "TAR-4",
    )
    assert "01/02/2025" in late.message


def test_a_leap_day_convention_renews_on_28_february_TAR_4(pack: App) -> None:
    administrator(pack)  # CHA-2: named before any snapshot
    signed = pack.memberships.sign_convention(SAUZE, by=administrator(pack), on=date(2024, 2, 29))
    assert (signed.renewal_date, signed.notice_deadline) == (date(2026, 2, 28), date(2026, 1, 28))
    due = pack.memberships.list_deadlines(on=date(2026, 1, 1), days=60)
    assert [(d.on, d.kind.value) for d in due] == [
        (date(2026, 1, 28), "preavis"),
        (date(2026, 2, 28), "reconduction"),
    ]
    nothing_written(
        pack,
        lambda: pack.memberships.give_notice(SAUZE, by=administrator(pack), on=date(2026, 1, 29)),
        "TAR-4",
    )


# Billing without a convention, on a recorded request (TAR-5).


def test_a_commune_without_convention_is_billed_on_its_request_TAR_5(pack: App) -> None:
    administrator(pack)  # CHA-2: named before any snapshot
    add = functools.partial(pack.billing.add_intervention, by=administrator(pack))
    refused = nothing_written(
        pack, lambda: add(AUBIGNY, SPECIFIC, 60, on=date(2025, 4, 2)), "TAR-5"
    )
    assert "aucune convention" in refused.message and "demande" in refused.message
    done = add(
        AUBIGNY, SPECIFIC, 90, on=date(2025, 4, 2), requested_by=" Mme la maire ",
        requested_on=date(2025, 3, 28), siret=SAUZE_SIRET, sgc="SGC de Niort",
    )  # fmt: skip
    assert done.request is not None
    assert (done.request.requested_by, done.request.on) == ("Mme la maire", date(2025, 3, 28))
    assert pack.billing.list_interventions(year=2025) == [done]  # stored with its request
    (invoice,) = pack.billing.bill(by=administrator(pack), year=2025)
    (line,) = invoice.lines
    assert (line.unit_price, line.amount) == (Decimal("75.00"), Decimal("112.50"))
    assert (invoice.siret, invoice.sgc) == (SAUZE_SIRET, "SGC de Niort")
    nothing_written(
        pack,
        lambda: add(AUBIGNY, SPECIFIC, 30, on=date(2025, 4, 2), siret=SAUZE_SIRET),
        "TAR-5",
    )  # a SIRET without a request


def test_network_activation_is_not_billed_by_cdg79_TAR_5(pack: App) -> None:
    administrator(pack)  # CHA-2: named before any snapshot
    pack.memberships.sign_convention(SAUZE, by=administrator(pack), on=date(2025, 1, 15))
    add = functools.partial(pack.billing.add_intervention, by=administrator(pack))
    error = nothing_written(
        pack, lambda: add(SAUZE, ServiceKind.NETWORK_ACTIVATION, 60, on=date(2025, 4, 2)), "TAR-5"
    )
    assert "prestations_horaires" in error.message


@pytest.mark.parametrize("kind", ["animation_reseau", "annuaire_referents", "comite_de_suivi"])
def test_the_mandatory_mission_is_never_billed_TAR_8(pack: App, kind: str) -> None:
    administrator(pack)  # CHA-2: named before any snapshot
    pack.memberships.sign_convention(SAUZE, by=administrator(pack), on=date(2025, 1, 15))
    add = functools.partial(pack.billing.add_intervention, by=administrator(pack))
    nothing_written(pack, lambda: add(SAUZE, kind, 60, on=date(2025, 4, 2)), "TAR-8")
    nothing_written(
        pack, lambda: add(AUBIGNY, kind, 60, on=date(2025, 4, 2), requested_by="x"), "TAR-8"
    )
    # without convention nor request: still TAR-8 first, never "record its request"
    error = nothing_written(pack, lambda: add(AUBIGNY, kind, 60, on=date(2025, 4, 2)), "TAR-8")
    assert "demande" not in error.message


# The invoice document (TAR-8).


def test_an_invoice_line_names_service_article_siret_and_sgc_TAR_8(pack: App) -> None:
    pack.memberships.sign_convention(
        SAUZE, by=administrator(pack), on=date(2025, 1, 15), siret=SAUZE_SIRET, sgc="SGC de Niort"
    )
    pack.memberships.join(SAUZE, by=administrator(pack), year=2025, on=date(2025, 1, 20))
    pack.billing.add_intervention(SAUZE, FIRST_JOB, 60, by=administrator(pack), on=date(2025, 4, 2))
    document = json.loads(
        pack.billing.export_invoice_lines(by=administrator(pack), year=2025, format="json")
    )
    assert document["emetteur"]["siret"] == "28790034400014"
    assert document["emetteur"]["nom_court"] == "CDG 79"
    (commune,) = document["communes"]
    assert (commune["siret"], commune["service_gestion_comptable"]) == (SAUZE_SIRET, "SGC de Niort")
    assert [
        (li["code_prestation"], li["article"], li["siret_commune"]) for li in commune["lignes"]
    ] == [
        ("adhesion", "Art. 3.1", SAUZE_SIRET),
        ("accompagnement_prise_de_poste", "Art. 2.4", SAUZE_SIRET),
    ]


class PluginGrid:
    """A department plugin bringing CDG 79's grid to an instance with no profile (no [cdg])."""

    @hookimpl
    def rsgm_tariff_grids(self) -> list[TariffGrid]:
        return [CDG79_2025]


def test_no_invoice_document_without_the_cdg_identity_TAR_8(url: str, rsgm_clock: Clock) -> None:
    with rsgm_core.open(url, plugins=[PluginGrid()], clock=rsgm_clock, settings=Settings()) as app:
        app.census.import_(SAMPLE, ["79"])
        app.memberships.join(AUBIGNY, by=administrator(app), year=2025)
        assert app.billing.bill(by=administrator(app), year=2025)[0].total == Decimal(
            "100.00"
        )  # the values are there
        for call in (
            lambda: app.billing.export_invoice_lines(by=administrator(app), year=2025),
            lambda: app.billing.issuer(),
        ):
            with pytest.raises(ConfigurationError, match=r"\[cdg\]") as caught:
                call()
            assert caught.value.rule == "TAR-8"


def test_a_bad_request_date_is_refused(pack: App) -> None:
    add = functools.partial(pack.billing.add_intervention, by=administrator(pack))
    with pytest.raises(ValidationError):
        add(AUBIGNY, SPECIFIC, 60, on=date(2025, 4, 2), requested_by="x", requested_on="hier")  # type: ignore[arg-type]
