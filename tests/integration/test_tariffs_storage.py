"""The storage contract for the membership pack's collections, on every backend: records come back
equal with their types, filters work, and a census re-import moves them to the successor (TER-5)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

import rsgm_core
from rsgm_core import App, ConflictError, NotFoundError
from rsgm_core.domain.billing import Intervention, InterventionRequest, Trainee
from rsgm_core.domain.conventions import Convention, Deliberation, Notice, Party
from rsgm_core.domain.tariffs import Membership, ServiceKind
from rsgm_core.domain.territory import Commune, CommuneStatus
from rsgm_core.plugins.sql import migrations
from rsgm_core.ports import COLLECTIONS
from tests.helpers import CDG79

OLD = Commune("79001", "L'Absie", "79", "75", status=CommuneStatus.DELEGUEE, successor="79060")
NEW = Commune("79060", "Caunay", "79", "75")
LEA = Trainee("Léa Moreau", date(2025, 3, 1), "SGM 2025", id="t-1")
FEES = [
    Membership("79001", 2025, Decimal("150"), date(2025, 1, 20), id="a-1"),
    Membership("79060", 2025, Decimal("100.00"), date(2025, 2, 1), id="a-2"),
    Membership("79001", 2024, Decimal("150"), date(2024, 1, 9), id="a-3"),
]
CONVENTIONS = [
    Convention(
        "79001", date(2025, 1, 15), "CONV-1", Notice(date(2026, 12, 1), Party.CDG), id="c-1"
    ),
    Convention("79060", date(2024, 2, 29), id="c-2"),
]
WORK = [
    Intervention("79001", date(2025, 4, 2), ServiceKind.FIRST_JOB_ACCOMPANIMENT, 90, id="i-1"),
    Intervention(
        "79001", date(2025, 4, 3), ServiceKind.TRAINEE_ACCOMPANIMENT, 300, on_site=True,
        trainee=LEA, description="visite", ref="B-7", id="i-2",
    ),
]  # fmt: skip


def fill(app: App) -> None:
    with app.storage.unit_of_work() as uow:
        uow.communes.add_all([OLD, NEW])
        uow.trainees.add(LEA)
        uow.memberships.add_all(FEES)
        uow.conventions.add_all(CONVENTIONS)
        uow.interventions.add_all(WORK)
        uow.commit()


def test_the_pack_collections_are_registered_with_their_commune_field_TER_5() -> None:
    refs = {c.name: c.commune_refs for c in COLLECTIONS}
    assert refs["memberships"] == refs["conventions"] == refs["interventions"] == ("insee",)
    assert refs["trainees"] == ()


def test_pack_records_come_back_equal_with_their_types_TAR_7(app: App) -> None:
    fill(app)
    with app.storage.unit_of_work(read_only=True) as uow:
        assert uow.memberships.list() == sorted(FEES, key=lambda m: m.id)
        fee = uow.memberships.get("a-1")
        assert (type(fee.fee), str(fee.fee)) == (Decimal, "150.00")
        notice = uow.conventions.get("c-1").notice
        assert notice == Notice(date(2026, 12, 1), Party.CDG) and notice.by is Party.CDG
        assert uow.conventions.get("c-2").notice is None
        visit = uow.interventions.get("i-2")
        assert (
            visit == WORK[1]
            and visit.trainee == LEA
            and visit.kind is ServiceKind.TRAINEE_ACCOMPANIMENT
        )
        assert uow.interventions.get("i-1").trainee is None
        assert uow.trainees.get("t-1") == LEA


def test_pack_filters_compare_values_and_errors_TAR_7(app: App) -> None:
    fill(app)
    with app.storage.unit_of_work() as uow:
        assert [m.id for m in uow.memberships.list({"insee": "79001", "year": 2025})] == ["a-1"]
        assert uow.memberships.count({"fee": Decimal("150.0")}) == 2  # by value, not spelling
        assert [i.id for i in uow.interventions.list({"on": date(2025, 4, 3)})] == ["i-2"]
        assert uow.interventions.count({"on_site": True}) == 1
        with pytest.raises(NotFoundError, match="adhésion"):
            uow.memberships.get("a-404")
        with pytest.raises(ConflictError):
            uow.conventions.add(CONVENTIONS[0])


def test_a_merged_commune_hands_its_pack_to_the_successor_TER_5(app: App) -> None:
    fill(app)
    with app.storage.unit_of_work() as uow:
        moved = uow.reassign_commune("79001", "79060")
        uow.commit()
    assert moved == {"memberships": 2, "conventions": 1, "interventions": 2}
    with app.storage.unit_of_work(read_only=True) as uow:
        # Both former communes' 2025 memberships stay on record: each was invoiced.
        assert uow.memberships.count({"insee": "79060", "year": 2025}) == 2
        assert uow.conventions.get("c-1").insee == "79060"
        assert {i.insee for i in uow.interventions.list()} == {"79060"}
        assert uow.interventions.get("i-2").trainee == LEA


HEADED = Convention(
    "79060", date(2025, 1, 15), "CONV-9", id="c-9", siret="21790030700018", sgc="SGC de Niort",
    deliberation=Deliberation(date(2024, 12, 12), "2024-45"),
)  # fmt: skip
ASKED = Intervention(
    "79060", date(2025, 4, 2), ServiceKind.SPECIFIC_INTERVENTION, 60, id="i-9",
    request=InterventionRequest("Mme la maire", date(2025, 3, 28), "21790030700018", "SGC"),
)  # fmt: skip


def test_the_convention_header_and_the_request_come_back_equal_TAR_4_TAR_5(app: App) -> None:
    with app.storage.unit_of_work() as uow:
        uow.communes.add(NEW)
        uow.conventions.add(HEADED)
        uow.interventions.add(ASKED)
        uow.commit()
    with app.storage.unit_of_work(read_only=True) as uow:
        assert uow.conventions.get("c-9") == HEADED
        assert uow.interventions.get("i-9") == ASKED


def test_a_version_10_database_keeps_its_conventions_with_an_unknown_header_TAR_4(
    sqlite_url: str,
) -> None:
    """Migration 11: conventions and interventions recorded before it read back with the header
    unknown (no SIRET, no SGC, no deliberation) and no request."""
    engine = sa.create_engine(sqlite_url)
    with engine.begin() as conn:
        migrations.upgrade(conn, target=10)
        conn.execute(
            sa.text(
                "INSERT INTO communes (code, name, departement, region, postcodes, status) "
                "VALUES ('79060', 'Caunay', '79', '75', '[]', 'commune-actuelle')"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO conventions (id, insee, signed_on, reference, notice) "
                "VALUES ('c-1', '79060', '2024-02-29', 'CONV-1', NULL)"
            )
        )
        conn.execute(
            sa.text(
                'INSERT INTO interventions (id, insee, "on", kind, minutes, on_site, trainee, '
                "description, ref) VALUES ('i-1', '79060', '2025-04-02', "
                "'intervention_specifique', 60, 0, NULL, '', '')"
            )
        )
    engine.dispose()
    with rsgm_core.open(sqlite_url, settings=CDG79) as app:
        assert 11 in [m.version for m in app.storage.applied]  # type: ignore[attr-defined]
        (convention,) = app.memberships.list_conventions()
        assert convention == Convention("79060", date(2024, 2, 29), "CONV-1", id="c-1")
        assert (convention.siret, convention.sgc, convention.deliberation) == (None, "", None)
        assert convention.renewal_date == date(2026, 2, 28)  # art. 641 CPC
        (intervention,) = app.billing.list_interventions()
        assert intervention.request is None
