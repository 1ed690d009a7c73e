"""The directory's reads where the data is (MEM-2, MEM-3, MEM-9) give what the records give.

On random data, on every backend: a SQL backend's directory page (filtered by criteria and
consent, ordered by folded name from its stored keys or, for members whose key is missing or out
of date, in Python, then paged) equals the ports' default computed from the records; its MEM-9
ranking, a score computed and ordered in SQL, equals the domain's :func:`rank_helpers`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rsgm_core
from rsgm_core import App
from rsgm_core.domain.directory import (
    Consent,
    ConsentScope,
    DirectoryFact,
    FactKind,
    Viewer,
    ViewerRole,
    fold,
)
from rsgm_core.domain.directory_query import DirectoryQuery
from rsgm_core.domain.members import Function, Lifecycle, Member, Position, Status
from rsgm_core.domain.territory import Commune, Epci, EpciKind, FinancingMode
from rsgm_core.domain.town_hall import TownHall
from rsgm_core.plugins.sql.lite import LiteUnitOfWork
from rsgm_core.ports import UnitOfWork
from tests.helpers import BACKENDS_WITH_LITE, backend_url, current_sqlite_url


@pytest.fixture(params=BACKENDS_WITH_LITE)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Every backend, and a SQLite file opened at the current schema, whose reads run on the
    driver alone (``LiteUnitOfWork``): the directory's SQL runs there too."""
    return backend_url(request, tmp_path)


def test_a_current_sqlite_file_reads_the_directory_in_sql_on_the_driver_MEM_2(
    tmp_path: Path,
) -> None:
    with rsgm_core.open(current_sqlite_url(tmp_path)) as app, app.deps.read() as uow:
        assert isinstance(uow, LiteUnitOfWork)
        assert type(uow).read_directory is not UnitOfWork.read_directory
        assert type(uow).find_helpers is not UnitOfWork.find_helpers


ON = dt.date(2025, 3, 14)
EPCIS = ("200041317", "200069755", "247900798")
COMMUNES = (  # code, name, departement, arrondissement, EPCI
    ("79001", "Aiffres", "79", "792", "200041317"),
    ("79002", "Airvault", "79", "791", "200069755"),
    ("79003", "Allonne", "79", "792", "200041317"),
    ("79004", "Amailloux", "79", "791", None),
    ("86001", "Adriers", "86", None, "247900798"),
    ("17001", "Agudelle", "17", "171", None),
)
# Names whose folded forms collide, differ only by accents, case or hyphens: the order's traps.
NAMES = ("Émile", "emile", "Eric", "Élodie", "Zoé", "zoe", "Jean-Pierre", "jean pierre",
         "Œdipe", "Oeuvre", "Ångström", "angstrom", "Ñu", "nu", "Zélie", "Abel")  # fmt: skip
TERMS = (
    (FactKind.EXPERTISE, "État civil"), (FactKind.EXPERTISE, "Urbanisme"),
    (FactKind.EXPERTISE, "Élections"), (FactKind.SOFTWARE, "Berger-Levrault"),
    (FactKind.SOFTWARE, "JVS-Mairistem"), (FactKind.SOFTWARE, "Cosoluce"),
)  # fmt: skip
KEYS = tuple(fold(t) for _, t in TERMS)
_ids = itertools.count()

days = st.one_of(st.none(), st.dates(ON - dt.timedelta(days=3), ON + dt.timedelta(days=3)))
people = st.lists(
    st.fixed_dictionaries(
        {
            "first": st.sampled_from(NAMES),
            "last": st.sampled_from(NAMES),
            "lifecycle": st.sampled_from(list(Lifecycle)),
            "erased": st.booleans(),
            "helper": st.booleans(),
            "phone": st.sampled_from([None, "+33549123456"]),
            "photo": st.sampled_from([None, "photo.jpg"]),
            "places": st.lists(st.tuples(st.sampled_from(COMMUNES), days, days), max_size=3),
            # one fact per term, as the directory keeps them (mastered or not, never both)
            "terms": st.dictionaries(st.sampled_from(TERMS), st.booleans(), max_size=4),
            "consents": st.lists(
                st.tuples(st.sampled_from(list(ConsentScope)), days, days), max_size=2
            ),
            "renamed": st.sampled_from([None, *NAMES]),
        }
    ),
    max_size=10,
)


def _census(uow: UnitOfWork) -> None:
    if uow.communes.count():
        return
    uow.epcis.add_all(
        Epci(siren, f"Communauté {siren[-3:]}", EpciKind.CC, FinancingMode.FPU) for siren in EPCIS
    )
    uow.communes.add_all(
        Commune(code, name, dep, "75", arrondissement=arr, epci=epci)
        for code, name, dep, arr, epci in COMMUNES
    )
    uow.town_halls.add_all(
        [
            TownHall("79001", "1 place de la Mairie", "lun. 9h-12h", "+33549000000"),
            TownHall("79003", "2 rue de l'Église"),
        ]
    )


def _store(app: App, drawn: list[dict[str, Any]], refresh: str) -> None:
    """The members drawn, with their positions, facts and consents; every name key written
    before some members are renamed (some keys then out of date: ordered in Python), after
    (every key up to date: ordered by the database), or not at all."""
    with app.deps.transaction() as uow:
        _census(uow)
        members, positions, facts, consents = [], [], [], []
        for person in drawn:
            member_id = f"m{next(_ids):05d}"
            members.append(
                Member(
                    member_id,
                    str(person["first"]),
                    str(person["last"]),
                    lifecycle=person["lifecycle"],
                    helper=bool(person["helper"]),
                    phone=person["phone"],
                    photo=person["photo"],
                    erased_on=ON - dt.timedelta(days=9) if person["erased"] else None,
                )
            )
            for (code, *_), start, end in person["places"]:
                if start is not None and end is not None and end < start:
                    start, end = end, start
                positions.append(
                    Position(f"p{next(_ids):05d}", member_id, code, Function.SGM,
                             Decimal("0.5"), Status.TITULAIRE, start=start, end=end)
                )  # fmt: skip
            for (kind, term), mastered in person["terms"].items():
                facts.append(
                    DirectoryFact(f"f{next(_ids):05d}", member_id, kind, term, fold(term),
                                  mastered=mastered and kind is FactKind.SOFTWARE)
                )  # fmt: skip
            for scope, given, until in person["consents"]:
                given = given or ON - dt.timedelta(days=30)
                if until is not None and until < given:
                    given, until = until, given
                consents.append(Consent(f"c{next(_ids):05d}", member_id, scope, given, until))
        uow.members.add_all(members)
        uow.positions.add_all(positions)
        uow.directory_facts.add_all(facts)
        uow.consents.add_all(consents)
        if refresh == "before":
            uow.refresh_name_keys()
        renamed = [
            attrs.evolve(m, last_name=str(p["renamed"]))
            for m, p in zip(members, drawn, strict=True)
            if p["renamed"] is not None
        ]
        uow.members.update_all(renamed)
        if refresh == "after":
            uow.refresh_name_keys()


queries = st.fixed_dictionaries(
    {
        "viewer": st.sampled_from(
            [
                Viewer(),
                Viewer(ViewerRole.ANIMATOR),
                Viewer(ViewerRole.ADMINISTRATOR),
                Viewer(ViewerRole.MEMBER, "m00003"),
            ]
        ),
        "expertises": st.one_of(st.none(), st.sets(st.sampled_from(KEYS), max_size=2)),
        "software": st.one_of(st.none(), st.sets(st.sampled_from(KEYS), max_size=2)),
        "communes": st.one_of(st.none(), st.sets(st.sampled_from([c[0] for c in COMMUNES]))),
        "include_departed": st.booleans(),
        "limit": st.one_of(st.none(), st.integers(0, 6)),
        "offset": st.integers(0, 4),
    }
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(drawn=people, refresh=st.sampled_from(["before", "after", "after", "no"]), wanted=queries)
def test_a_directory_page_read_where_the_data_is_equals_the_records_MEM_2_MEM_3(
    app: App, drawn: list[dict[str, Any]], refresh: str, wanted: dict[str, Any]
) -> None:
    _store(app, drawn, refresh)
    chosen = {
        k: None if wanted[k] is None else tuple(sorted(wanted[k]))
        for k in ("expertises", "software", "communes")
    }
    query = DirectoryQuery(
        ON,
        wanted["viewer"],
        **chosen,
        include_departed=wanted["include_departed"],
        limit=wanted["limit"],
        offset=wanted["offset"],
    )
    with app.deps.read() as uow:
        fast = uow.read_directory(query)
        from_records = UnitOfWork.read_directory(uow, query)
        assert fast.rows == from_records.rows
        for member_id in {r.member_id for r in from_records.rows}:  # get_entry's query
            one = DirectoryQuery(ON, query.viewer, member_ids=(member_id,), include_departed=True)
            assert uow.read_directory(one).rows == UnitOfWork.read_directory(uow, one).rows


asked = st.lists(st.sampled_from(KEYS), max_size=3)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(drawn=people, target=st.sampled_from(COMMUNES), skills=asked, tools=asked)
def test_the_activation_score_computed_in_sql_ranks_as_the_domain_does_MEM_9(
    app: App,
    drawn: list[dict[str, Any]],
    target: tuple[str, ...],
    skills: list[str],
    tools: list[str],
) -> None:
    _store(app, drawn, refresh="no")
    with app.deps.read() as uow:
        commune = uow.communes.get(target[0])
        fast = uow.find_helpers(commune, expertises=skills, software=tools, on=ON)
        ranked = UnitOfWork.find_helpers(uow, commune, expertises=skills, software=tools, on=ON)
    assert fast == ranked
    assert [h.score for h in fast] == sorted((h.score for h in fast), reverse=True)


def test_a_search_writes_the_missing_name_keys_and_then_pages_in_the_database_MEM_2(
    app: App,
) -> None:
    with app.deps.transaction() as uow:
        _census(uow)
        uow.members.add_all(
            [Member("k1", "Zoé", "Émile"), Member("k2", "Abel", "emile"), Member("k3", "A", "Eric")]
        )
        uow.positions.add_all(
            Position(f"kp{i}", f"k{i}", "79001", Function.SGM, Decimal("0.5"), Status.TITULAIRE)
            for i in (1, 2, 3)
        )
    staff = Viewer(ViewerRole.ANIMATOR)
    first = app.directory.search(commune="79001", viewer=staff, limit=2)
    assert [e.member_id for e in first] == ["k2", "k1"]  # emile, abel < emile, zoe < eric
    with app.deps.read() as uow:
        keys = uow.member_name_keys.list({"member_id": ["k1", "k2", "k3"]})
        query = DirectoryQuery(ON, staff, communes=("79001",), limit=2)
        page = uow.read_directory(query)
    assert [(k.member_id, k.last_key, k.first_key) for k in keys] == (
        [("k1", "emile", "zoe"), ("k2", "emile", "abel"), ("k3", "eric", "a")]
        if app.storage.info()["backend"] != "memory"
        else []
    )
    assert page.stale_keys == 0
    assert [r.member_id for r in page.rows] == ["k2", "k1"]
    assert [e.member_id for e in app.directory.search(commune="79001", viewer=staff)] == [
        "k2",
        "k1",
        "k3",
    ]


def test_a_search_answers_while_another_writer_keeps_the_database_MEM_2(
    tmp_path: Path, rsgm_clock: Any
) -> None:
    """The name keys wait for a later search; the answer, ordered in Python, is the same."""
    path = tmp_path / "busy.db"
    with rsgm_core.open(f"sqlite:///{path}?timeout=0", clock=rsgm_clock) as app:
        with app.deps.transaction() as uow:
            _census(uow)
            uow.members.add_all([Member("b1", "Zoé", "Émile"), Member("b2", "Abel", "emile")])
            uow.positions.add_all(
                Position(f"bp{i}", f"b{i}", "79001", Function.SGM, Decimal("0.5"),
                         Status.TITULAIRE)
                for i in (1, 2)
            )  # fmt: skip
        writer = sqlite3.connect(path)
        writer.execute("BEGIN IMMEDIATE")  # another process writing (an import)
        try:
            staff = Viewer(ViewerRole.ANIMATOR)
            found = app.directory.search(commune="79001", viewer=staff)
        finally:
            writer.rollback()
            writer.close()
        assert [e.member_id for e in found] == ["b2", "b1"]
        with app.deps.read() as uow:
            assert uow.member_name_keys.count() == 0
        app.directory.search(commune="79001", viewer=staff)  # now free: the keys are written
        with app.deps.read() as uow:
            assert uow.member_name_keys.count() == 2
