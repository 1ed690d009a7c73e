"""The tools that keep the former names working for one release."""

from __future__ import annotations

from typing import ClassVar

import attrs
import pytest

from rsgm_core._compat import DeprecatedTuple, keyword_only, renamed_keywords


@attrs.frozen
class Pair(DeprecatedTuple):
    """A result that was ``(name, items)`` with ``items`` a list."""

    name: str
    items: tuple[int, ...]

    _legacy_lists: ClassVar[tuple[str, ...]] = ("items",)


def test_a_former_tuple_unpacks_with_the_types_it_had() -> None:
    pair = Pair("a", (1, 2))
    with pytest.warns(DeprecationWarning, match=r"read its attributes \(name, items\)"):
        name, items = pair
    assert (name, items) == ("a", [1, 2]) and isinstance(items, list)
    with pytest.warns(DeprecationWarning):
        assert pair[1] == [1, 2] and len(pair) == 2
    assert pair  # always true, without a warning


class Service:
    @renamed_keywords(event="event_id")
    @keyword_only("on", after=2)
    def record(self, member_id: str, *, event_id: str = "", on: str | None = None) -> tuple:
        return member_id, event_id, on


def test_stacked_shims_name_the_callers_line() -> None:
    with pytest.warns(DeprecationWarning) as caught:
        assert Service().record("m", "2025-03-01", event="e") == ("m", "e", "2025-03-01")  # type: ignore[call-arg]
    assert {w.filename for w in caught} == {__file__}
