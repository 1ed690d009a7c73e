"""``Commune.checked`` and ``PopulationFigure.checked`` (the census import's and the row readers'
constructors) give the records the validating constructors give, and refuse what they refuse,
with the same error (TER-1, TER-2)."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from rsgm_core.domain.territory import MAX_POPULATION, Commune, CommuneStatus, PopulationFigure
from rsgm_core.errors import ValidationError

CODES = st.sampled_from(["79005", "2A004", "97101", "75056", "20004", "7900", "79 05", "", "٧٩٠٠٥"])
SIRENS = st.one_of(
    st.none(),
    st.sampled_from(["217900059", "217900058", "21790005", "abcdefghi", "٢١٧٩٠٠٠٥٩"]),
    st.text("0123456789", min_size=9, max_size=9),
)
DEPARTEMENTS = st.sampled_from(["79", "2A", "971", "20", "96", "7", ""])
FIGURES = st.one_of(
    st.integers(-2, MAX_POPULATION + 2),
    st.sampled_from([0, 1, 3_499, 3_500, MAX_POPULATION]),
    st.none(),
    st.just(True),
    st.just(12.0),
    st.just("12"),
)


def _outcome(build: Any, *args: Any) -> Any:
    try:
        return ("ok", build(*args))
    except ValidationError as exc:
        return ("refused", exc.rule, exc.value, exc.message)


@given(
    code=CODES,
    departement=DEPARTEMENTS,
    siren=SIRENS,
    ept=SIRENS,
    status=st.sampled_from(list(CommuneStatus)),
    successor=st.one_of(st.none(), st.just("79185")),
)
def test_commune_checked_is_the_constructor_TER_1(
    code: str, departement: str, siren: str | None, ept: str | None, status: Any, successor: Any
) -> None:
    args = (code, "Airvault", departement, "75", siren, "792", ("79600",), "200041416", status)
    args = (*args, successor, ept, "EPT" if ept else None)
    for _ in range(2):  # twice: the second time the codes met are known to the fast path
        validated, fast = _outcome(Commune, *args), _outcome(Commune.checked, *args)
        assert fast == validated
        if fast[0] == "ok":
            assert type(fast[1]) is Commune and hash(fast[1]) == hash(validated[1])


@given(code=CODES, vintage=st.integers(2016, 2030), municipale=FIGURES, totale=FIGURES)
def test_population_figure_checked_is_the_constructor_TER_2(
    code: str, vintage: int, municipale: Any, totale: Any
) -> None:
    for _ in range(2):
        validated = _outcome(PopulationFigure, code, vintage, municipale, totale)
        assert _outcome(PopulationFigure.checked, code, vintage, municipale, totale) == validated
