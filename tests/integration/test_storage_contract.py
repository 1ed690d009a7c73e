"""One contract, proved on every storage backend (memory, SQLite and, when a server is given,
PostgreSQL, through the `url` fixture), and on SQLite's read path without SQLAlchemy (a file
already at the current schema: its read-only units of work run on the driver alone).

Both built-in plugins answer the `rsgm_storage` hook; whatever a backend does inside, a service
sees the same repositories, the same errors and the same all-or-nothing units of work.
"""

from __future__ import annotations

import datetime as dt
import enum
import types
import typing
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest
from stdnum import luhn

from rsgm_core import App, ConflictError, NotFoundError, ValidationError
from rsgm_core.domain.census import CensusImport, MetaEntry
from rsgm_core.domain.charters import SpaceKind
from rsgm_core.domain.events import SurveyKind
from rsgm_core.domain.governance import NetworkKind, SeatKind
from rsgm_core.domain.members import Function, Member, Position, Status
from rsgm_core.domain.messages import MessageStatus, OutboxMessage
from rsgm_core.domain.tariffs import ServiceKind
from rsgm_core.domain.territory import (
    Commune,
    CommuneStatus,
    Departement,
    Epci,
    EpciKind,
    FinancingMode,
    PopulationFigure,
)
from rsgm_core.ports import COLLECTION_OF, COLLECTIONS, Collection, Repository, UnitOfWork
from rsgm_core.serialization import unstructure
from tests.conftest import NOW
from tests.helpers import BACKENDS_WITH_LITE, backend_url, snapshot


@pytest.fixture(params=BACKENDS_WITH_LITE)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The backends of ``tests/conftest.py``, and a SQLite file opened at the current schema."""
    return backend_url(request, tmp_path)


def test_a_current_sqlite_file_reads_on_the_driver_alone(url: str) -> None:
    """The ``sqlite-lite`` backend above is the read path without SQLAlchemy."""
    import rsgm_core
    from rsgm_core.plugins.sql.lite import LiteStorage, LiteUnitOfWork

    with rsgm_core.open(url) as app:
        lite = isinstance(app.storage, LiteStorage)
        assert lite == (url.endswith("current.db"))
        with app.storage.unit_of_work(read_only=True) as uow:
            assert isinstance(uow, LiteUnitOfWork) == lite


def siren(prefix: str) -> str:
    """A valid SIREN from its first eight digits (Luhn check digit, TER-1)."""
    return prefix + luhn.calc_check_digit(prefix)


CAUNAY = Commune(
    "79060", "Caunay", "79", "75", siren=siren("21790060"), arrondissement="792",
    postcodes=("79190",), epci=siren("24790061"),
)  # fmt: skip
BRIOUX = Commune(
    "79049", "Brioux-sur-Boutonne", "79", "75", siren=siren("21790049"),
    postcodes=("79170",), epci=siren("24790061"),
)  # fmt: skip
AJACCIO = Commune(
    "2A004", "Ajaccio", "2A", "94", siren=siren("21200004"), postcodes=("20000", "20090")
)
BASSE_TERRE = Commune("97105", "Basse-Terre", "971", "01", postcodes=("97100",))
OLD = Commune("79001", "L'Absie", "79", "75", status=CommuneStatus.DELEGUEE, successor="79060")
COMMUNES = [CAUNAY, BRIOUX, AJACCIO, BASSE_TERRE, OLD]

ELODIE = Member("m-1", "Élodie", "Rousseau", "elodie.rousseau@caunay.fr")
JEAN = Member("m-2", "Jean", "Péroux")
SGM = Position(
    "p-1", "m-1", "79060", Function.SGM, Decimal("0.50"), Status.TITULAIRE,
    start=dt.date(2024, 9, 1),
)  # fmt: skip
SECRETAIRE = Position(
    "p-2", "m-1", "79001", Function.SECRETAIRE_DE_MAIRIE, Decimal("0.3"), Status.CONTRACTUEL,
    permanent=False, start=dt.date(2023, 1, 2), end=dt.date(2025, 12, 31),
)  # fmt: skip
OTHER = Position("p-3", "m-2", "2A004", Function.DGS, Decimal(1), Status.STAGIAIRE)


def fill(app: App) -> None:
    """One record (or more) in every collection, committed."""
    with app.storage.unit_of_work() as uow:
        uow.meta.add(MetaEntry("territory", '["79"]'))
        uow.outbox.add(OutboxMessage("o-1", NOW, "member_welcome", "a@b.fr", "Objet", "Texte"))
        uow.census_imports.add(
            CensusImport("6.0.0", 2025, 2022, ("79", "2A"), NOW, "decoupage-administratif")
        )
        uow.departements.add(Departement("79", "Deux-Sèvres", "75"))
        uow.epcis.add(
            Epci(siren("24790061"), "CC Mellois en Poitou", EpciKind.CC, FinancingMode.FPU)
        )
        uow.communes.add_all(COMMUNES)
        uow.populations.add_all(
            [PopulationFigure("79060", 2021, 283, 290), PopulationFigure("79060", 2022, 280)]
        )
        uow.members.add_all([ELODIE, JEAN])
        uow.positions.add_all([SGM, SECRETAIRE, OTHER])
        uow.commit()


def test_records_come_back_equal_with_their_types(app: App) -> None:
    fill(app)
    with app.storage.unit_of_work(read_only=True) as uow:
        assert uow.communes.get("2A004") == AJACCIO
        assert uow.communes.get("79001").status is CommuneStatus.DELEGUEE
        assert uow.communes.get("2A004").postcodes == ("20000", "20090")
        sgm = uow.positions.get("p-1")
        assert sgm == SGM
        assert (type(sgm.work_time), str(sgm.work_time)) == (Decimal, "0.50")
        assert (sgm.function, sgm.status, sgm.start) == (Function.SGM, Status.TITULAIRE, SGM.start)
        assert uow.positions.get("p-2") == SECRETAIRE
        assert uow.members.get("m-2") == JEAN
        message = uow.outbox.get("o-1")
        assert message.status is MessageStatus.PENDING
        assert message.created_at == NOW and message.created_at.utcoffset() == NOW.utcoffset()
        assert uow.census_imports.get("6.0.0").departements == ("79", "2A")
        assert uow.epcis.get(siren("24790061")).kind is EpciKind.CC


def test_find_returns_none_and_get_raises_for_an_unknown_key(app: App) -> None:
    fill(app)
    with app.storage.unit_of_work(read_only=True) as uow:
        assert uow.communes.find("79999") is None
        with pytest.raises(NotFoundError):
            uow.communes.get("79999")
        with pytest.raises(NotFoundError):
            uow.populations.get(("79060", 1999))


def test_list_is_ordered_by_key_whatever_the_insertion_order(app: App) -> None:
    with app.storage.unit_of_work() as uow:
        uow.communes.add_all(reversed(COMMUNES))
        uow.commit()
    with app.storage.unit_of_work(read_only=True) as uow:
        codes = [c.code for c in uow.communes.list()]
    assert codes == ["2A004", "79001", "79049", "79060", "97105"] == sorted(codes)


def test_text_keys_are_ordered_as_python_orders_strings(app: App) -> None:
    """Code point order, whatever the database's collation (a French PostgreSQL server would put
    "é" before "f" and "a" before "B")."""
    keys = ["é", "f", "a", "B", "Z", "a-2", "a10", "A"]
    with app.storage.unit_of_work() as uow:
        uow.meta.add_all(MetaEntry(key, "x") for key in keys)
        uow.commit()
    with app.storage.unit_of_work(read_only=True) as uow:
        assert [m.key for m in uow.meta.list()] == sorted(keys)
        assert [key for (key,) in uow.meta.values(("key",))] == sorted(keys)


def test_values_gives_converted_fields_as_tuples_in_key_order(app: App) -> None:
    fill(app)
    with app.storage.unit_of_work(read_only=True) as uow:
        communes = uow.communes.list({"departement": "79"})
        assert uow.communes.values(("code", "status"), {"departement": "79"}) == [
            (c.code, c.status) for c in communes
        ]
        # a field compared by value still filters right, and Decimal comes back as Decimal
        assert uow.positions.values(("id", "work_time"), {"work_time": Decimal("0.50")}) == [
            (SGM.id, SGM.work_time)
        ]
        with pytest.raises(ValidationError):
            uow.communes.values(("code", "nope"))


def test_list_and_count_with_equality_filters(app: App) -> None:
    fill(app)
    with app.storage.unit_of_work(read_only=True) as uow:
        assert uow.communes.list({"departement": "79"}) == [OLD, BRIOUX, CAUNAY]
        assert uow.communes.list({"departement": "79", "status": CommuneStatus.ACTUELLE}) == [
            BRIOUX,
            CAUNAY,
        ]
        assert uow.positions.list({"member_id": "m-1", "permanent": False}) == [SECRETAIRE]
        assert uow.positions.list({"work_time": Decimal("0.50")}) == [SGM]
        assert uow.communes.list({"departement": "13"}) == []
        assert uow.communes.count() == 5
        assert uow.communes.count({"departement": "79"}) == 3
        assert uow.communes.count({}) == 5


@pytest.mark.parametrize("kind", [tuple, list, set, frozenset])
def test_one_of_filters(app: App, kind: type) -> None:
    fill(app)
    with app.storage.unit_of_work(read_only=True) as uow:
        assert uow.communes.list({"departement": kind(["2A", "971"])}) == [AJACCIO, BASSE_TERRE]
        assert uow.positions.list({"function": kind([Function.SGM, Function.DGS])}) == [SGM, OTHER]
        assert uow.communes.count({"code": kind(["79060", "79999"])}) == 1
        assert uow.communes.list({"code": kind()}) == []


def test_none_filter_matches_missing_values(app: App) -> None:
    fill(app)
    with app.storage.unit_of_work(read_only=True) as uow:
        assert uow.communes.list({"epci": None}) == [AJACCIO, OLD, BASSE_TERRE]
        assert uow.members.list({"email": None}) == [JEAN]
        assert uow.populations.count({"totale": None}) == 1


@pytest.mark.parametrize("kind", [tuple, list, set, frozenset])
def test_none_in_a_one_of_filter_matches_missing_values(app: App, kind: type) -> None:
    fill(app)
    with app.storage.unit_of_work(read_only=True) as uow:
        either = kind([None, ELODIE.email])
        assert uow.members.list({"email": either}) == [ELODIE, JEAN]
        assert uow.members.count({"email": either}) == 2
        assert uow.members.list({"email": kind([None])}) == [JEAN]
        assert uow.communes.list({"epci": kind([None])}) == [AJACCIO, OLD, BASSE_TERRE]
        assert uow.populations.count({"totale": kind([None, 290])}) == 2


def test_app_transaction_is_a_deprecated_alias_of_deps_transaction(app: App) -> None:
    with (
        pytest.warns(DeprecationWarning, match=r"app\.transaction\(\) is deprecated"),
        app.transaction() as uow,
    ):
        uow.members.add(ELODIE)
    with app.deps.read() as uow:
        assert uow.members.list() == [ELODIE]


def test_unknown_filter_field_is_a_validation_error(app: App) -> None:
    fill(app)
    with app.storage.unit_of_work() as uow:
        with pytest.raises(ValidationError, match="population"):
            uow.communes.list({"population": 300})
        with pytest.raises(ValidationError):
            uow.communes.count({"population": 300})
        with pytest.raises(ValidationError):
            uow.positions.reassign("town", "79060", "79049")


def test_update_all_replaces_records_by_key(app: App) -> None:
    fill(app)
    renamed = Commune("79060", "Caunay-en-Mellois", "79", "75", siren=CAUNAY.siren)
    with app.storage.unit_of_work() as uow:
        uow.communes.update_all([renamed, Commune("79049", "Brioux", "79", "75")])
        uow.positions.update(
            Position("p-1", "m-1", "79060", Function.DGS, Decimal("0.8"), Status.TITULAIRE)
        )
        uow.commit()
    with app.storage.unit_of_work(read_only=True) as uow:
        assert uow.communes.get("79060") == renamed
        assert uow.communes.get("79049").postcodes == ()
        assert uow.positions.get("p-1").work_time == Decimal("0.8")
        assert uow.communes.count() == 5


def test_update_remove_of_an_unknown_key_is_not_found(app: App) -> None:
    fill(app)
    before = snapshot(app)
    with app.storage.unit_of_work() as uow:
        with pytest.raises(NotFoundError):
            uow.communes.update(Commune("79999", "Nulle-Part", "79", "75"))
        with pytest.raises(NotFoundError):
            uow.communes.update_all([CAUNAY, Commune("79998", "Ailleurs", "79", "75")])
        with pytest.raises(NotFoundError):
            uow.members.remove("m-404")
        with pytest.raises(NotFoundError):
            uow.populations.remove(("79060", 1999))
    assert snapshot(app) == before


def test_remove_deletes_one_record(app: App) -> None:
    fill(app)
    with app.storage.unit_of_work() as uow:
        uow.positions.remove("p-3")
        uow.members.remove("m-2")
        uow.commit()
    with app.storage.unit_of_work(read_only=True) as uow:
        assert uow.members.list() == [ELODIE]
        assert uow.positions.find("p-3") is None
        assert uow.positions.count() == 2


def test_composite_keys_of_populations(app: App) -> None:
    fill(app)
    with app.storage.unit_of_work() as uow:
        uow.populations.add(PopulationFigure("79049", 2022, 1408, 1440))
        assert uow.populations.get(("79060", 2021)) == PopulationFigure("79060", 2021, 283, 290)
        assert [(p.commune, p.vintage) for p in uow.populations.list()] == [
            ("79049", 2022),
            ("79060", 2021),
            ("79060", 2022),
        ]
        assert uow.populations.list({"vintage": 2022, "commune": ("79060",)}) == [
            PopulationFigure("79060", 2022, 280)
        ]
        uow.populations.update(PopulationFigure("79060", 2022, 281, 286))
        uow.populations.remove(("79060", 2021))
        with pytest.raises(ConflictError):
            uow.populations.add(PopulationFigure("79049", 2022, 1, 1))
        uow.commit()
    with app.storage.unit_of_work(read_only=True) as uow:
        assert uow.populations.find(("79060", 2021)) is None
        assert uow.populations.get(("79060", 2022)).totale == 286
        assert uow.populations.count({"commune": "79060"}) == 1


def test_reassign_moves_a_field_and_counts(app: App) -> None:
    fill(app)
    with app.storage.unit_of_work() as uow:
        assert uow.positions.reassign("member_id", "m-1", "m-2") == 2
        assert uow.positions.reassign("member_id", "m-404", "m-2") == 0
        uow.commit()
    with app.storage.unit_of_work(read_only=True) as uow:
        assert uow.positions.count({"member_id": "m-2"}) == 3
        assert uow.positions.get("p-1").work_time == Decimal("0.50")


def test_reassign_commune_follows_the_successor(app: App) -> None:
    # TER-5: everything attached to a commune that disappeared moves to its successor.
    fill(app)
    with app.storage.unit_of_work() as uow:
        assert uow.reassign_commune("79001", "79060") == {"positions": 1}
        assert uow.reassign_commune("79999", "79060") == {}
        uow.commit()
    with app.storage.unit_of_work(read_only=True) as uow:
        assert uow.positions.get("p-2").commune == "79060"
        assert uow.positions.count({"commune": "79060"}) == 2
        assert uow.populations.count({"commune": "79060"}) == 2  # figures keep their commune


def test_adding_an_existing_key_is_a_conflict(app: App) -> None:
    fill(app)
    with app.storage.unit_of_work() as uow, pytest.raises(ConflictError):
        uow.communes.add(Commune("79060", "Doublon", "79", "75"))
    with app.storage.unit_of_work() as uow, pytest.raises(ConflictError):
        uow.members.add_all([Member("m-9", "A", "B"), Member("m-9", "C", "D")])
    with app.storage.unit_of_work(read_only=True) as uow:
        assert uow.communes.get("79060") == CAUNAY
        assert uow.members.find("m-9") is None


def test_a_refused_write_leaves_the_unit_of_work_usable(app: App) -> None:
    """PostgreSQL aborts a transaction on an error: the backend's savepoints keep it going."""
    fill(app)
    anne = Member("m-9", "Anne", "Roy")
    with app.storage.unit_of_work() as uow:
        with pytest.raises(ConflictError):
            uow.communes.add(Commune("79060", "Doublon", "79", "75"))
        assert uow.communes.get("79060") == CAUNAY
        uow.members.add(anne)
        assert uow.positions.reassign("commune", "79001", "79060") == 1
        uow.commit()
    with app.storage.unit_of_work(read_only=True) as uow:
        assert uow.members.get("m-9") == anne
        assert uow.positions.get("p-2").commune == "79060"


def test_leaving_the_block_without_commit_rolls_back(app: App) -> None:
    fill(app)
    before = snapshot(app)
    with app.storage.unit_of_work() as uow:
        uow.communes.add(Commune("79100", "Champdeniers", "79", "75"))
        uow.positions.remove("p-3")
        uow.reassign_commune("79001", "79060")
        assert uow.communes.count() == 6  # the unit of work sees its own writes
    assert snapshot(app) == before


def test_an_error_half_way_leaves_storage_exactly_as_before(app: App) -> None:
    fill(app)
    before = snapshot(app)
    new = [Commune(f"7910{i}", f"Commune {i}", "79", "75") for i in range(3)]
    with pytest.raises(ConflictError), app.storage.unit_of_work() as uow:
        uow.communes.add_all(new)
        uow.members.update(Member("m-1", "Élodie", "Rousseau-Martin"))
        uow.populations.update(PopulationFigure("79060", 2021, 1, 1))
        uow.communes.add(CAUNAY)
        uow.commit()
    assert snapshot(app) == before


def test_commit_is_all_or_nothing_across_collections(app: App) -> None:
    fill(app)
    with app.storage.unit_of_work() as uow:
        uow.members.add(Member("m-3", "Zoé", "Bernard"))
        uow.positions.add(
            Position("p-4", "m-3", "79049", Function.SGM, Decimal("0.2"), Status.STAGIAIRE)
        )
        uow.commit()
    after = snapshot(app)
    assert [m.id for m in after["members"]] == ["m-1", "m-2", "m-3"]
    assert after["positions"][-1].member_id == "m-3"
    assert {name for name in after if not name.endswith("_search")} == {
        c.name for c in COLLECTIONS
    }  # the snapshot also holds SQLite's text indexes


def test_decimal_filter_compares_values_not_spellings(app: App) -> None:
    fill(app)  # SGM's work time was stored as Decimal("0.50")
    with app.storage.unit_of_work(read_only=True) as uow:
        assert uow.positions.list({"work_time": Decimal("0.5")}) == [SGM]
        assert uow.positions.count({"work_time": (Decimal("0.5"), Decimal("1.0"))}) == 2


def test_datetime_filter_compares_instants_not_zones(app: App) -> None:
    fill(app)  # the outbox message was created at NOW, 10:30 in Paris
    with app.storage.unit_of_work(read_only=True) as uow:
        assert uow.outbox.count({"created_at": NOW.astimezone(dt.UTC)}) == 1


# --- Every collection through every backend -----------------------------------------------------
#
# One record per collection built from its class's type hints (and a second one with every optional
# field None), written in one unit of work, read back in another: a new collection whose fields
# the SQL column map, the row reader or the converter cannot carry fails here, on every backend.

MOMENT = dt.datetime(2025, 3, 14, 10, 30, 15, 250000, tzinfo=ZoneInfo("Europe/Paris"))

#: Text fields whose validators want a particular shape, by field name: one value per sample.
TEXT_BY_NAME: dict[str, tuple[Any, Any]] = {
    "code": ("79060", "79049"),
    "insee": ("79060", "79049"),
    "commune": ("79060", "79049"),
    "host_commune": ("79060", "79049"),
    "departement": ("79", "2A"),
    "region": ("75", "94"),
    "arrondissement": ("792", "791"),
    "siren": (siren("21790060"), siren("21790049")),
    "epci": (siren("24790061"), siren("24790062")),
    "email": ("elodie.rousseau@caunay.fr", "jean.peroux@brioux.fr"),
    "recipient": ("elodie.rousseau@caunay.fr", "jean.peroux@brioux.fr"),
    "siret": ("21790030700018", "21770309000019"),  # a commune's SIRET (TAR-4)
}

#: Fields of particular classes whose validators want more than their type (rules of the domain).
SPECIAL: dict[tuple[str, str], tuple[Any, Any]] = {
    ("Departement", "code"): ("79", "2A"),
    ("Commune", "ept"): ("200057867", None),  # a SIREN (migration 20)
    ("Intervention", "kind"): (ServiceKind.TRAINEE_ACCOMPANIMENT, ServiceKind.ADVICE),  # TAR-6
    ("TownHall", "opening_hours"): ("lun. 9h-12h, jeu. 14h-18h", ""),
    ("Objective", "indicators"): (("taux_participation",), ("taux_satisfaction",)),
    ("Partner", "years"): ((2024, 2025), ()),
    ("Session", "end"): (dt.time(12, 0), dt.time(17, 30)),
    ("RecurringSeries", "rule"): ("FREQ=MONTHLY;COUNT=3", "FREQ=WEEKLY;COUNT=2"),
    ("Space", "kind"): (SpaceKind.DEPARTMENTAL, SpaceKind.DEPARTMENTAL),  # no EPCI: CHA-3
    ("Space", "epci"): (None, None),
    ("Network", "kind"): (NetworkKind.COMMUNITY, NetworkKind.DEPARTMENTAL),  # NET-1: the EPCI
    ("Survey", "kind"): (SurveyKind.SATISFACTION, SurveyKind.NEEDS),  # EVT-9: the event
    ("Seat", "kind"): (SeatKind.REFERENT, SeatKind.CDG_ELECTED),  # follow-up, steering (NET-2, 3)
    ("BudgetLine", "year"): (2025, 2026),  # NET-8: a year of the calendar
    ("Speaker", "partner_id"): (None, "partner-1"),  # NET-8: a member (0), a partner (1)
}


def _optional(hint: Any) -> tuple[Any, bool]:
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return hint, False


def sample_value(hint: Any, name: str, n: int) -> Any:
    """A value of type ``hint`` for field ``name`` of sample ``n`` (0 or 1)."""
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return list(hint)[n % len(hint)]
    if hint is bool:
        return n == 0
    if hint is int:
        return n + 1
    if hint is str:
        return TEXT_BY_NAME[name][n] if name in TEXT_BY_NAME else f"{name}-{n} é"
    if hint is bytes:
        return b"%PDF-1.4 \x00\xff" if n == 0 else b""
    if hint is Decimal:
        return (Decimal("0.50"), Decimal("1"))[n]  # 0.50: the digits as written come back
    if hint is dt.datetime:
        return MOMENT if n == 0 else MOMENT.astimezone(dt.UTC) + dt.timedelta(days=200)
    if hint is dt.date:
        return dt.date(2025, 3, 14) + dt.timedelta(days=n)
    if hint is dt.time:
        return dt.time(9, 30 + n)
    if typing.get_origin(hint) is tuple:
        return (sample_value(typing.get_args(hint)[0], name, n),)
    if typing.get_origin(hint) is dict:  # e.g. a reassignment's counts per collection
        key, value = typing.get_args(hint)
        return {sample_value(key, name, n): sample_value(value, name, n)}
    if attrs.has(hint):
        return sample(hint, n)
    raise TypeError(f"no sample value for {name}: {hint!r}; add one to sample_value")


def sample(record: type, n: int, fixed: dict[str, Any] | None = None) -> Any:
    """Sample ``n`` of ``record``: sample 1 leaves every optional field None."""
    hints = typing.get_type_hints(record)
    values: dict[str, Any] = {}
    for field in attrs.fields(record):
        inner, optional = _optional(hints[field.name])
        if not field.init:
            continue
        if (record.__name__, field.name) in SPECIAL:
            values[field.name] = SPECIAL[record.__name__, field.name][n]
        elif optional and n == 1:
            values[field.name] = None
        elif fixed and field.name in fixed:
            values[field.name] = fixed[field.name]
        else:
            values[field.name] = sample_value(inner, field.name, n)
    return record(**values)


def samples() -> list[tuple[Collection[Any], list[Any]]]:
    """Two records per collection, a collection after those it refers to; a reference names the
    referred record of the same sample."""
    built: dict[str, list[Any]] = {}
    ordered: list[tuple[Collection[Any], list[Any]]] = []
    waiting = list(COLLECTIONS)
    while waiting:
        ready = [c for c in waiting if all(t in built for _, t in c.references)]
        assert ready, f"references in a cycle: {[c.name for c in waiting]}"
        for collection in ready:
            records = []
            for n in (0, 1):
                fixed = {
                    field: COLLECTION_OF[type(built[target][n])].key_of(built[target][n])
                    for field, target in collection.references
                }
                records.append(sample(collection.record, n, fixed))
            built[collection.name] = records
            ordered.append((collection, records))
            waiting.remove(collection)
    return ordered


def same_values(a: Any, b: Any) -> bool:
    """Equal, field by field, with the same types (``True`` is not ``1``)."""
    if attrs.has(type(a)):
        return type(a) is type(b) and all(
            same_values(getattr(a, f.name), getattr(b, f.name)) for f in attrs.fields(type(a))
        )
    if isinstance(a, tuple | list):
        return type(a) is type(b) and len(a) == len(b) and all(map(same_values, a, b))
    return type(a) is type(b) and a == b


def test_a_sample_of_every_collection_round_trips(app: App) -> None:
    written = samples()
    assert {c.name for c, _ in written} == {c.name for c in COLLECTIONS}
    with app.storage.unit_of_work() as uow:
        for collection, records in written:
            uow.repo(collection.record).add_all(records)
        uow.commit()
    failures = []
    with app.storage.unit_of_work(read_only=True) as uow:
        for collection, records in written:
            repo = uow.repo(collection.record)
            expected = sorted(records, key=lambda r: unstructure(collection.key_of(r)))
            try:
                listed = repo.list()
                found = [repo.get(collection.key_of(r)) for r in expected]
            except Exception as exc:  # name the collection, whatever went wrong
                failures.append(f"{collection.name}: {type(exc).__name__}: {exc}")
                continue
            if not all(map(same_values, listed, expected)) or len(listed) != len(expected):
                failures.append(f"{collection.name}: list() gives {listed!r}")
            if not all(map(same_values, found, expected)):
                failures.append(f"{collection.name}: get() gives {found!r}")
    assert not failures, "\n".join(failures)


def test_the_unit_of_work_annotations_name_every_collection() -> None:
    hints = typing.get_type_hints(UnitOfWork)
    annotated = {
        name: typing.get_args(hint)[0]
        for name, hint in hints.items()
        if typing.get_origin(hint) is Repository
    }
    assert annotated == {c.name: c.record for c in COLLECTIONS}


def test_repositories_are_built_on_first_use_and_reached_by_record_class(app: App) -> None:
    with app.storage.unit_of_work(read_only=True) as uow:
        assert "members" not in vars(uow)
        members = uow.repo(Member)
        assert members is uow.members is uow.repository("members")
        assert members.collection.record is Member
        assert "members" in vars(uow) and "communes" not in vars(uow)
        with pytest.raises(ValidationError):
            uow.repo(str)
        with pytest.raises(ValidationError):
            uow.repository("membres")


def test_not_found_names_the_kind_of_record_in_french(app: App) -> None:
    with app.storage.unit_of_work(read_only=True) as uow, pytest.raises(NotFoundError) as caught:
        uow.repo(Member).get("m-404")
    assert str(caught.value).startswith("membre introuvable : 'm-404'")


def test_a_backend_setting_its_repositories_in_init_still_works() -> None:
    from rsgm_core.plugins.memory import MemoryRepository, MemoryStorage, MemoryUnitOfWork

    class OldStyle(MemoryUnitOfWork):  # as backends were written before repositories were lazy
        def __init__(self, storage: MemoryStorage) -> None:
            super().__init__(storage)
            self.built = {c.name: MemoryRepository(c, self) for c in COLLECTIONS}
            for name, repo in self.built.items():
                setattr(self, name, repo)

    with OldStyle(MemoryStorage()) as uow:
        assert uow.repo(Member) is uow.members is uow.built["members"]
        uow.members.add(ELODIE)
        uow.commit()


def test_filters_on_booleans_enums_dates_and_an_empty_one_of(app: App) -> None:
    # On SQLite these run as SQL text on the driver's connection; an empty one-of goes through
    # SQLAlchemy: every backend gives the same answers.
    fill(app)
    with app.storage.unit_of_work(read_only=True) as uow:
        assert [p.id for p in uow.positions.list({"permanent": False})] == ["p-2"]
        assert uow.positions.count({"permanent": True}) == 2
        assert [p.id for p in uow.positions.list({"status": Status.TITULAIRE})] == ["p-1"]
        assert [p.id for p in uow.positions.list({"start": dt.date(2024, 9, 1)})] == ["p-1"]
        assert [p.id for p in uow.positions.list({"end": None, "member_id": "m-1"})] == ["p-1"]
        assert uow.positions.list({"id": []}) == [] and uow.positions.count({"id": ()}) == 0
        assert uow.positions.find("p-404") is None and uow.positions.find("p-3") == OTHER
        assert uow.populations.find(("79060", 2021)) == uow.populations.get(("79060", 2021))
