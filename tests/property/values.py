"""Hostile and ordinary values for the public-surface fuzzing, built from type annotations.

``for_type(annotation, pool)`` gives a hypothesis strategy for any annotation found in the public
service signatures: text with formula prefixes, control characters, NUL, lone surrogates (what
argv gives for bytes that are not UTF-8), very long and empty strings, huge, negative and zero
integers, NaN and infinite decimals, dates at the ends of the calendar, ids of existing records
(``pool``) and unknown ids, enum members and their spellings. An annotation it cannot build raises
``Unsupported`` so that a new kind of parameter fails the test instead of being skipped.
"""

from __future__ import annotations

import collections.abc as abc
import datetime as dt
import enum
import pathlib
import types
import typing
from decimal import Decimal
from typing import Any

import attrs
from hypothesis import strategies as st

from rsgm_core import RsgmError

#: Text an attacker or a clumsy paste would send.
HOSTILE_TEXT: tuple[str, ...] = (
    "",
    " ",
    "=1+1",
    '=HYPERLINK("http://exemple.invalid";"clic")',
    "+33 1 23 45 67 89",
    "-2+3",
    "@SUM(A1:A2)",
    "\x00",
    "a\x00b",
    "\x07\x1b[31mrouge",
    "ligne\r\nsuivante",
    "\t",
    "\u202egauche",
    "\udcff",
    "x" * 10_000,
    "../../../../etc/passwd",
    "'; DROP TABLE members; --",
    "%s %(x)s {0} {{ 7*7 }}",
    "<script>alert(1)</script>",
    "NaN",
    "inf",
    "-1",
    "0",
    "99999999999999999999999",
    "2025-02-30",
    "0000-01-01",
    "9999-12-31",
    "inconnu-0000",
)

HOSTILE_INTS: tuple[int, ...] = (0, -1, 1, 2**31, -(2**31), 2**63, 10**18, 10**100, -(10**18))

HOSTILE_DECIMALS: tuple[Decimal, ...] = (
    Decimal("NaN"),
    Decimal("sNaN"),
    Decimal("Infinity"),
    Decimal("-Infinity"),
    Decimal("1E+32"),
    Decimal("-1"),
    Decimal("0"),
    Decimal("0.5"),
    Decimal("1E-30"),
    Decimal("9999999999"),
)

HOSTILE_DATES: tuple[dt.date, ...] = (
    dt.date.min,
    dt.date.max,
    dt.date(1900, 1, 1),
    dt.date(2024, 2, 29),
    dt.date(2025, 3, 14),
    dt.date(2100, 12, 31),
)


class Unsupported(Exception):
    """An annotation this module does not know how to fill."""


@attrs.frozen
class Refused:
    """A value whose construction was refused with a typed error (itself a correct outcome)."""

    cls: type
    error: RsgmError


def text(pool: tuple[str, ...]) -> st.SearchStrategy[str]:
    known = [st.sampled_from(pool)] if pool else []
    return st.one_of(*known, st.sampled_from(HOSTILE_TEXT), st.text(max_size=20))


def ints() -> st.SearchStrategy[int]:
    return st.one_of(st.integers(-5, 50), st.sampled_from(HOSTILE_INTS), st.integers(1900, 2100))


def decimals() -> st.SearchStrategy[Decimal]:
    return st.one_of(
        st.sampled_from(HOSTILE_DECIMALS),
        st.decimals(allow_nan=True, allow_infinity=True, places=2),
    )


def dates() -> st.SearchStrategy[dt.date]:
    return st.one_of(
        st.sampled_from(HOSTILE_DATES),
        st.dates(),
        st.dates(dt.date(2023, 1, 1), dt.date(2027, 12, 31)),
    )


def datetimes() -> st.SearchStrategy[dt.datetime]:
    return st.one_of(
        st.datetimes(timezones=st.just(dt.UTC)),
        st.sampled_from(
            [
                dt.datetime(2025, 3, 14, 10, 30, tzinfo=dt.UTC),
                dt.datetime.max.replace(tzinfo=dt.UTC),
            ]
        ),
    )


def paths(folder: pathlib.Path) -> st.SearchStrategy[pathlib.Path]:
    """Paths in the test's folder only: absent, a folder, garbage, empty, or a hostile name."""
    garbage = folder / "garbage.bin"
    if not garbage.exists():
        garbage.write_bytes(b"\x00\xff=1+1;\n" * 50)
        (folder / "empty.csv").write_text("", encoding="utf-8")
        (folder / "dir").mkdir(exist_ok=True)
    names = ["absent.csv", "garbage.bin", "empty.csv", "dir", "sortie.json", "=1+1.csv"]
    return st.sampled_from([folder / name for name in names])


def _construct(cls: type) -> typing.Callable[..., Any]:
    def build(**kwargs: Any) -> Any:
        try:
            return cls(**kwargs)
        except RsgmError as exc:
            return Refused(cls, exc)

    return build


def for_type(tp: Any, pool: tuple[str, ...], folder: pathlib.Path) -> st.SearchStrategy[Any]:
    """A strategy for annotation ``tp`` (resolved, not a string)."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if tp is type(None) or tp is None:
        return st.none()
    if origin in (typing.Union, types.UnionType):
        return st.one_of(*(for_type(a, pool, folder) for a in args))
    if origin is typing.Literal:
        return st.one_of(st.sampled_from(args), text(()))
    if tp is Any:
        return st.one_of(text(pool), ints(), st.none())
    if tp is bool:
        return st.booleans()
    if tp is str:
        return text(pool)
    if tp is int:
        return ints()
    if tp is float:
        return st.floats(allow_nan=True, allow_infinity=True)
    if tp is Decimal:
        return decimals()
    if tp is dt.datetime:
        return datetimes()
    if tp is dt.date:
        return dates()
    if tp is dt.time:
        return st.one_of(st.times(), st.sampled_from([dt.time.min, dt.time.max]))
    if tp is bytes:
        return st.one_of(st.binary(max_size=64), st.just(b""), st.just(b"%PDF-1.4\x00" * 10))
    if isinstance(tp, type) and issubclass(tp, pathlib.PurePath):
        return paths(folder)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return st.sampled_from(list(tp))
    if origin in (list, abc.Sequence, abc.Iterable, abc.Collection, set, frozenset, abc.Set):
        inner = for_type(args[0] if args else str, pool, folder)
        return st.lists(inner, max_size=3).map(frozenset if origin in (set, frozenset) else list)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return st.lists(for_type(args[0], pool, folder), max_size=3).map(tuple)
        return st.tuples(*(for_type(a, pool, folder) for a in args))
    if origin in (dict, abc.Mapping):
        key, value = args or (str, Any)
        return st.dictionaries(
            for_type(key, pool, folder), for_type(value, pool, folder), max_size=3
        )
    if origin is abc.Callable or tp is abc.Callable:
        raise Unsupported(f"callable {tp!r}")
    if isinstance(tp, type) and attrs.has(tp):
        hints = typing.get_type_hints(tp)
        fields = {}
        for field in attrs.fields(tp):
            if not field.init:
                continue
            name = field.alias or field.name
            drawn = for_type(hints[field.name], pool, folder)
            if field.default is not attrs.NOTHING:
                continue  # the default keeps such records plausible; the required fields vary
            fields[name] = drawn
        return st.builds(_construct(tp), **fields)
    raise Unsupported(repr(tp))
