"""The directory's reads where the data is (MEM-2, MEM-3, MEM-9): one query selects, filters by
consent and criteria; the page's details come by three more, for the page shown only; network
activation's ranking (MEM-9) is a score computed and ordered by one query.

These are :meth:`rsgm_core.ports.UnitOfWork.read_directory` and
:meth:`~rsgm_core.ports.UnitOfWork.find_helpers` for the SQL backends; the ports' defaults,
computed from the records, are the reference they must equal (a property test compares them on
random data, on SQLite and PostgreSQL). SQLite's statements go to the driver's connection directly,
PostgreSQL's through SQLAlchemy; both are SQL text with named parameters, ``:name``.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

from rsgm_core.domain.activation import Helper, helper_of
from rsgm_core.domain.directory import ConsentScope, FactKind, NameKey
from rsgm_core.domain.directory_query import (
    DirectoryPage,
    DirectoryQuery,
    DirectoryRow,
    Place,
    name_order,
)
from rsgm_core.domain.members import Lifecycle, Member
from rsgm_core.domain.territory import Commune
from rsgm_core.plugins.sql.layout import layout_of
from rsgm_core.plugins.sql.lite_repository import collector_paused
from rsgm_core.plugins.sql.rows import trusted_reader
from rsgm_core.records import COLLECTION_NAMED

if TYPE_CHECKING:
    from typing import TypeAlias

    from rsgm_core.plugins.sql.backend import SqlUnitOfWork
    from rsgm_core.plugins.sql.lite import LiteUnitOfWork

    # The SQLAlchemy unit of work, or the SQLite file's read-only one on the driver alone.
    Reading: TypeAlias = SqlUnitOfWork | LiteUnitOfWork

__all__ = ["find_helpers", "read_directory"]

_CHUNK = 5_000  # ids bound per IN (…): under SQLite's 32,766 and PostgreSQL's 65,535 parameters
_KINDS = {kind.value: kind for kind in FactKind}
_SCOPES = {scope.value: scope for scope in ConsentScope}
_ACTIVE = '(p."start" IS NULL OR p."start" <= :on) AND (p."end" IS NULL OR p."end" > :on)'


def _rows(uow: Reading, sql: str, params: Mapping[str, Any]) -> Sequence[Sequence[Any]]:
    if uow.driver is not None:
        return uow.driver.execute(sql, params).fetchall()
    import sqlalchemy as sa  # PostgreSQL's path: SQLite's runs on the driver without it

    return cast("SqlUnitOfWork", uow).conn.execute(sa.text(sql), dict(params)).fetchall()


def _marks(prefix: str, values: Sequence[Any], params: dict[str, Any]) -> str:
    """``:p0, :p1, …`` for ``values``, added to ``params``."""
    for index, value in enumerate(values):
        params[f"{prefix}{index}"] = value
    return ", ".join(f":{prefix}{index}" for index in range(len(values)))


def _id_list(uow: Reading, ids: Sequence[str], params: dict[str, Any]) -> str:
    """What ``IN (…)`` holds for ``ids``: on SQLite one JSON array read by ``json_each`` (one bound
    value and one statement text whatever the count, where a mark per id costs a name to bind and
    a statement to compile per count), else a mark per id."""
    if uow.driver is not None and _json_each(uow.driver):
        params["ids"] = json.dumps(list(ids))
        return "SELECT value FROM json_each(:ids)"
    return _marks("i", ids, params)


def _json_each(driver: sqlite3.Connection) -> bool:
    """Whether this SQLite has the JSON functions (built in since 3.38; an option before)."""
    global _JSON
    if _JSON is None:
        try:
            driver.execute("SELECT json_valid('[]')")
            _JSON = True
        except sqlite3.OperationalError:
            _JSON = False
    return _JSON


_JSON: bool | None = None


def _chunks(ids: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


# The directory (MEM-2, MEM-3)


def read_directory(uow: Reading, query: DirectoryQuery) -> DirectoryPage:
    """The page's members, selected, filtered, ordered by their stored name keys and paged in
    SQL; when a member matching lacks an up-to-date key, ordered in Python instead."""
    with collector_paused():  # many small objects, all kept: see collector_paused
        return _read_directory(uow, query)


def _read_directory(uow: Reading, query: DirectoryQuery) -> DirectoryPage:
    if query.empty:
        return DirectoryPage(())
    params: dict[str, Any] = {"on": query.on.isoformat()}
    where = ["m.erased_on IS NULL"]
    if not query.include_departed:
        where.append("m.lifecycle = :active")
        params["active"] = Lifecycle.ACTIVE.value
    for name, kind, keys in (
        ("x", FactKind.EXPERTISE, query.expertises),
        ("s", FactKind.SOFTWARE, query.software),
    ):
        if keys is not None:
            params[f"{name}kind"] = kind.value
            where.append(
                f"m.id IN (SELECT member_id FROM directory_facts WHERE kind = :{name}kind "
                f'AND "key" IN ({_marks(name, sorted(set(keys)), params)}))'
            )
    if query.communes is not None:
        codes = _marks("c", sorted(set(query.communes)), params)
        where.append(
            f"m.id IN (SELECT p.member_id FROM positions p WHERE p.commune IN ({codes}) "
            f"AND {_ACTIVE})"
        )
    if query.member_ids is not None:
        where.append(f"m.id IN ({_marks('i', sorted(set(query.member_ids)), params)})")
    viewer = query.viewer
    if not viewer.staff:  # MEM-3: a current directory consent, or the person themself
        params["directory"] = ConsentScope.DIRECTORY.value
        seen = (
            "EXISTS (SELECT 1 FROM consents k WHERE k.member_id = m.id AND k.scope = :directory "
            "AND k.given_on <= :on AND (k.withdrawn_on IS NULL OR k.withdrawn_on > :on))"
        )
        if viewer.member_id is not None:
            params["viewer"] = viewer.member_id
            seen = f"(m.id = :viewer OR {seen})"
        where.append(seen)
    text = ' COLLATE "C"' if _dialect(uow) == "postgresql" else ""  # code point order
    select = (
        "SELECT m.id, m.first_name, m.last_name, m.email, m.phone, m.photo, "
        "CASE WHEN nk.member_id IS NULL THEN 1 ELSE 0 END AS stale FROM members m "
        "LEFT JOIN member_name_keys nk ON nk.member_id = m.id AND nk.last_name = m.last_name "
        "AND nk.first_name = m.first_name WHERE " + " AND ".join(where)
    )
    order = f" ORDER BY stale DESC, nk.last_key{text}, nk.first_key{text}, m.id{text}"
    end = None if query.limit is None else query.offset + query.limit
    paged = end is not None and query.offset >= 0 and query.limit is not None and query.limit >= 0
    found = _rows(
        uow, select + order + (f" LIMIT {int(end)}" if paged and end is not None else ""), params
    )
    stale = 0
    if found and found[0][6]:  # a member without an up-to-date key (first): order in Python
        if paged:
            found = _rows(uow, select, params)
        stale = sum(1 for row in found if row[6])
        found = sorted(found, key=lambda r: name_order(r[0], r[1], r[2]))
    page = found[query.offset : end]
    if not page:
        return DirectoryPage((), stale)
    details = _details(uow, [row[0] for row in page], query.on, text)
    rows = tuple(DirectoryRow(*row[:6], *details.get(row[0], _NOTHING)) for row in page)
    return DirectoryPage(rows, stale)


_NOTHING: tuple[Any, ...] = ((), (), (), (), False, False)


def refresh_name_keys(uow: SqlUnitOfWork) -> int:
    """Write the name keys missing or out of date (found by one query); how many."""
    rows = _rows(
        uow,
        "SELECT m.id, m.first_name, m.last_name, nk.member_id FROM members m "
        "LEFT JOIN member_name_keys nk ON nk.member_id = m.id WHERE m.erased_on IS NULL AND "
        "(nk.member_id IS NULL OR nk.last_name <> m.last_name OR nk.first_name <> m.first_name)",
        {},
    )
    keys = uow.member_name_keys
    keys.update_all([NameKey.of(i, first, last) for i, first, last, held in rows if held])
    keys.add_all([NameKey.of(i, first, last) for i, first, last, held in rows if not held])
    return len(rows)


def _dialect(uow: Reading) -> str:
    return "sqlite" if uow.driver is not None else cast("SqlUnitOfWork", uow).conn.dialect.name


def _details(uow: Reading, ids: list[str], on: dt.date, text: str) -> dict[str, tuple[Any, ...]]:
    """What the entries of ``ids`` show, by member: expertises, software used, software
    mastered (by folded key), places (by position id), whether a directory and a photo consent
    are current: the fields of :class:`DirectoryRow` after the member's own."""
    found: dict[str, tuple[list[str], list[str], list[str], list[Place], list[bool]]] = {}
    for member_id in ids:
        found[member_id] = ([], [], [], [], [False, False])
    expertise = FactKind.EXPERTISE.value
    for chunk in _chunks(ids):
        params: dict[str, Any] = {"on": on.isoformat()}
        marks = _id_list(uow, chunk, params)
        for member_id, kind, value, mastered in _rows(
            uow,
            "SELECT member_id, kind, value, mastered FROM directory_facts "
            f'WHERE member_id IN ({marks}) ORDER BY "key"{text}, id{text}',
            params,
        ):
            held = found[member_id]
            held[0 if kind == expertise else 2 if mastered else 1].append(value)
        for member_id, *place in _rows(
            uow,
            "SELECT p.member_id, c.code, c.name, e.name, t.address, coalesce(t.opening_hours, ''), "
            "t.phone FROM positions p JOIN communes c ON c.code = p.commune "
            "LEFT JOIN epcis e ON e.siren = c.epci LEFT JOIN town_halls t ON t.commune = c.code "
            f"WHERE p.member_id IN ({marks}) AND {_ACTIVE} ORDER BY p.id{text}",
            params,
        ):
            found[member_id][3].append(Place(*place))
        params.update(directory=ConsentScope.DIRECTORY.value, photo=ConsentScope.PHOTO.value)
        for member_id, listed, photo in _rows(
            uow,
            "SELECT member_id, max(CASE WHEN scope = :directory THEN 1 ELSE 0 END), "
            "max(CASE WHEN scope = :photo THEN 1 ELSE 0 END) FROM consents "
            f"WHERE member_id IN ({marks}) AND given_on <= :on "
            "AND (withdrawn_on IS NULL OR withdrawn_on > :on) GROUP BY member_id",
            params,
        ):
            found[member_id][4][:] = [bool(listed), bool(photo)]
    return {
        member_id: (tuple(skills), tuple(used), tuple(mastered), tuple(places), *flags)
        for member_id, (skills, used, mastered, places, flags) in found.items()
    }


# Network activation (MEM-9)


@functools.cache
def _helpers_sql(skills: int, tools: int, keys: int, dialect: str) -> str:
    """The ranking query for ``skills`` expertises and ``tools`` software asked (``keys``
    distinct keys among them): one row per helper, best first, then by last name and id (code
    point order on any database), with the whole member row, the score's parts, the labels of
    the facts asked that they hold (one column per term asked) and their active positions'
    communes, each as its position id and « Name (code) » joined by the unit separator,
    positions by the record separator (in no particular order: sorted by position id after)."""
    text = ' COLLATE "C"' if dialect == "postgresql" else ""
    concat = "string_agg" if dialect == "postgresql" else "group_concat"
    asked = [
        *(f'max(CASE WHEN kind = :xkind AND "key" = :s{i} THEN value END) AS s{i}'
          for i in range(skills)),
        *(f'max(CASE WHEN kind = :skind AND "key" = :t{i} THEN value END) AS t{i}'
          for i in range(tools)),
        *(f'max(CASE WHEN kind = :skind AND "key" = :t{i} THEN (CASE WHEN mastered THEN 1 '
          f"ELSE 0 END) END) AS tm{i}" for i in range(tools)),
    ]  # fmt: skip
    facts = (
        f"WITH fx AS (SELECT member_id, {', '.join(asked)} FROM directory_facts "
        f'WHERE "key" IN ({", ".join(f":k{i}" for i in range(keys))}) GROUP BY member_id) '
        if asked
        else ""
    )
    got = [
        *(f"max(fx.s{i})" for i in range(skills)),
        *(f"max(fx.t{i})" for i in range(tools)),
        *(f"max(fx.tm{i})" for i in range(tools)),
    ]
    scores = {
        "skills": " + ".join(f"max(CASE WHEN fx.s{i} IS NULL THEN 0 ELSE 1 END)" for i in range(skills)),
        "tools": " + ".join(f"max(CASE WHEN fx.t{i} IS NULL THEN 0 ELSE 1 END)" for i in range(tools)),
        "mastered": " + ".join(f"coalesce(max(fx.tm{i}), 0)" for i in range(tools)),
    }  # fmt: skip
    return (
        f"{facts}SELECT {', '.join(f'm.{c}' for c in _MEMBER_COLUMNS)}, "
        "max(CASE WHEN c.epci = :epci THEN 1 ELSE 0 END) AS same_epci, "
        "max(CASE WHEN c.arrondissement = :arr THEN 1 ELSE 0 END) AS same_arr, "
        "max(CASE WHEN c.departement = :dep THEN 1 ELSE 0 END) AS same_dep, "
        f"{concat}(p.id || :us || c.name || ' (' || c.code || ')', CAST(:rs AS TEXT))"
        + "".join(f", {g}" for g in got)
        + "".join(f", {score} AS {name}" for name, score in scores.items() if score)
        + " FROM members m JOIN positions p ON p.member_id = m.id "
        "JOIN communes c ON c.code = p.commune"
        + (" LEFT JOIN fx ON fx.member_id = m.id" if asked else "")
        + " WHERE m.helper AND m.lifecycle = :active AND m.erased_on IS NULL AND c.code <> :code "
        f"AND {_ACTIVE} GROUP BY m.id ORDER BY same_epci DESC, "
        + "".join(f"{name} DESC, " for name, score in scores.items() if score)
        + f"same_arr DESC, same_dep DESC, m.last_name{text}, m.id{text}"
    )


_MEMBER_COLUMNS = layout_of(COLLECTION_NAMED["members"]).columns


def find_helpers(
    uow: Reading,
    target: Commune,
    *,
    expertises: Sequence[str] = (),
    software: Sequence[str] = (),
    on: dt.date,
) -> list[Helper]:
    """MEM-9's ranking as one query: the score's parts computed and ordered in SQL, each helper's
    whole member row (grouped by its key), reasons and communes from the same rows."""
    with collector_paused():  # many small objects, all kept: see collector_paused
        return _find_helpers(uow, target, expertises=expertises, software=software, on=on)


def _find_helpers(
    uow: Reading,
    target: Commune,
    *,
    expertises: Sequence[str],
    software: Sequence[str],
    on: dt.date,
) -> list[Helper]:
    keys = sorted({*expertises, *software})
    sql = _helpers_sql(len(expertises), len(software), len(keys), _dialect(uow))
    params: dict[str, Any] = {
        "on": on.isoformat(), "active": Lifecycle.ACTIVE.value, "code": target.code,
        "epci": target.epci, "arr": target.arrondissement, "dep": target.departement,
        "xkind": FactKind.EXPERTISE.value, "skind": FactKind.SOFTWARE.value,
        "us": _UNIT, "rs": _RECORD,
    }  # fmt: skip
    params.update({f"s{i}": key for i, key in enumerate(expertises)})
    params.update({f"t{i}": key for i, key in enumerate(software)})
    params.update({f"k{i}": key for i, key in enumerate(keys)})
    read = trusted_reader(Member, _MEMBER_COLUMNS)  # the row's first columns: the whole member
    flags = len(_MEMBER_COLUMNS)  # then the three flags and the communes
    skills, tools = flags + 4, flags + 4 + len(expertises)
    masters = tools + len(software)
    end = masters + len(software)
    found = []
    for row in _rows(uow, sql, params):
        text = row[flags + 3]  # "position id<US>Name (code)", by position id once sorted
        communes = (
            tuple([place.partition(_UNIT)[2] for place in sorted(text.split(_RECORD))])
            if _RECORD in text
            else (text.partition(_UNIT)[2],)
        )
        found.append(
            helper_of(
                read(row),
                communes,
                same_epci=bool(row[flags]),
                skills=[v for v in row[skills:tools] if v is not None],
                tools=[
                    (v, bool(m))
                    for v, m in zip(row[tools:masters], row[masters:end], strict=True)
                    if v is not None
                ],
                same_arrondissement=bool(row[flags + 1]),
                same_departement=bool(row[flags + 2]),
            )
        )
    return found


_UNIT, _RECORD = "\x1f", "\x1e"  # separators of the communes' parts, and of the communes
