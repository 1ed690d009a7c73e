"""TER-2's population used, read by columns for the indicators and the annual report
(``population_figures``, issue 24), equals the figure of ``populations_used``, which reads every
figure as a record: on random figures and years, on every backend, for a few communes (an
``IN`` list), for many (every figure read) and for all (``None``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rsgm_core import App, CommuneStatus
from rsgm_core.domain.territory import PopulationFigure
from rsgm_core.services.populations import population_figures, populations_used
from tests.conftest import SAMPLE

SLOW = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

figures = st.lists(
    st.tuples(
        st.integers(0, 5),  # which of six communes
        st.integers(2015, 2026),  # vintage
        st.integers(0, 5000),  # municipale
        st.one_of(st.none(), st.integers(0, 300)),  # totale - municipale, or unknown
    ),
    max_size=15,
    unique_by=lambda f: (f[0], f[1]),
)


@pytest.fixture
def communes(app: App) -> Iterator[list[str]]:
    """The sample's census (Deux-Sèvres), and six of its current communes without any figure."""
    app.census.import_(SAMPLE, ["79"])
    with app.deps.transaction() as uow:
        codes = [c.code for c in uow.communes.list({"status": CommuneStatus.ACTUELLE})]
        chosen = codes[:: max(1, len(codes) // 6)][:6]
        for figure in uow.populations.list({"commune": chosen}):
            uow.populations.remove((figure.commune, figure.vintage))
    yield chosen


@SLOW
@given(drawn=figures, year=st.integers(2016, 2031))
def test_population_figures_equal_populations_used_TER_2(
    app: App, communes: list[str], drawn: list[Any], year: int
) -> None:
    added = [
        PopulationFigure(communes[c], v, m, None if extra is None else m + extra)
        for c, v, m, extra in drawn
    ]
    with app.deps.transaction() as uow:
        uow.populations.add_all(added)
    try:
        with app.deps.read() as uow:
            for wanted in (communes[:3], communes, None):
                expected = {
                    code: used.population
                    for code, used in populations_used(uow, wanted, year=year).items()
                }
                assert population_figures(uow, wanted, year=year) == expected
            every = [c.code for c in uow.communes.list()]  # more than _MANY: every figure read
            expected = {
                code: used.population
                for code, used in populations_used(uow, every, year=year).items()
            }
            assert population_figures(uow, every, year=year) == expected
            assert population_figures(uow, [], year=year) == {}
    finally:
        with app.deps.transaction() as uow:
            for figure in added:
                uow.populations.remove((figure.commune, figure.vintage))
