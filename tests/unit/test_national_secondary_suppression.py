"""IND-3 secondary suppression: no suppressed count of the national export can be recomputed from
the published cells, totals and rates.

The attacker tries every published value, and every sum, difference, product and quotient of two
published values (a rate times a count, a total minus a cell, …), plus each table's total minus
its published cells, against every suppressed value. A formula "recovers" a hidden value when it
equals it as a function of the underlying counts, not by coincidence: each published and hidden
value is an expression over the raw counts, and a formula counts only if it gives the hidden value
for the real counts and for several random other counts as well (polynomial identity testing).
Rates are taken exact (the attacker's best case; the export rounds them to 0.001).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from decimal import Decimal
from fractions import Fraction

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from rsgm_core.domain.national import SMALL, RateSource, Table, anonymised_rates

Counts = Mapping[str, Mapping[str, int]]  # table -> cell -> count
Expr = Callable[[Counts, Mapping[str, int]], Fraction | None]  # (cells, free atoms) -> value


@attrs.frozen
class RateSpec:
    key: str
    numerator: str  # "table.cell", "table" (its total) or "free:NAME" (a count never published)
    denominator: str


def _count(ref: str, cells: Counts, free: Mapping[str, int]) -> int:
    if ref.startswith("free:"):
        return free[ref]
    name, _, cell = ref.partition(".")
    return cells[name][cell] if cell else sum(cells[name].values())


def _rate_expr(spec: RateSpec) -> Expr:
    def value(cells: Counts, free: Mapping[str, int]) -> Fraction | None:
        den = _count(spec.denominator, cells, free)
        return None if den == 0 else Fraction(_count(spec.numerator, cells, free), den)

    return value


def _ref_expr(ref: str) -> Expr:
    return lambda cells, free: Fraction(_count(ref, cells, free))


def publish(
    counts: Counts, specs: list[RateSpec], free: Mapping[str, int]
) -> tuple[list[Table], dict[str, str | None]]:
    tables = [Table.anonymised(name, dict(cells)) for name, cells in counts.items()]
    sources = {}
    for spec in specs:
        num, den = _count(spec.numerator, counts, free), _count(spec.denominator, counts, free)
        sources[spec.key] = RateSource(
            None if den == 0 else Decimal(num) / Decimal(den),
            num,
            den,
            None if spec.numerator.startswith("free:") else spec.numerator,
            None if spec.denominator.startswith("free:") else spec.denominator,
        )
    return tables, anonymised_rates(tables, sources)


def recovered(counts: Counts, specs: list[RateSpec], free: Mapping[str, int]) -> list[str]:
    """The hidden values some formula over the published ones gives back, with the formula."""
    tables, rates = publish(counts, specs, free)
    published: list[tuple[str, Expr]] = []
    hidden: list[tuple[str, Expr]] = []
    bound_attacks: list[str] = []
    for table in tables:
        for cell, shown in table.cells.items():
            ref = f"{table.name}.{cell}"
            (hidden if shown is None else published).append((ref, _ref_expr(ref)))
        (hidden if table.total is None else published).append((table.name, _ref_expr(table.name)))
        secret = [c for c, v in table.cells.items() if v is None]
        if table.total is not None and secret:
            # hidden cells are at least 1 (zeros are published): their sum S is known, so one
            # hidden cell is S, and k hidden cells summing to k are all 1
            rest = table.total - sum(v for v in table.cells.values() if v is not None)
            if len(secret) == 1 or rest == len(secret):
                bound_attacks.append(f"{table.name}: total - publiées = {rest}")
    for spec in specs:
        if rates[spec.key] is not None:
            published.append((spec.key, _rate_expr(spec)))
    free_refs = sorted(free)
    rng = random.Random(1234)
    worlds: list[tuple[Counts, Mapping[str, int]]] = [(counts, free)]
    for _ in range(3):  # other counts, same structure
        worlds.append(
            (
                {n: {c: rng.randint(1_000, 1_000_000) for c in cs} for n, cs in counts.items()},
                {r: rng.randint(1_000, 1_000_000) for r in free_refs},
            )
        )

    def formulas() -> list[tuple[str, Callable[[Counts, Mapping[str, int]], Fraction | None]]]:
        out: list[tuple[str, Callable[[Counts, Mapping[str, int]], Fraction | None]]] = list(
            published
        )
        ops: dict[str, Callable[[Fraction, Fraction], Fraction | None]] = {
            "+": lambda a, b: a + b,
            "-": lambda a, b: a - b,
            "*": lambda a, b: a * b,
            "/": lambda a, b: None if b == 0 else a / b,
        }
        for name_a, fa in published:
            for name_b, fb in published:
                for sym, op in ops.items():

                    def f(
                        c: Counts, r: Mapping[str, int], fa: Expr = fa, fb: Expr = fb, op=op
                    ) -> Fraction | None:
                        a, b = fa(c, r), fb(c, r)
                        return None if a is None or b is None else op(a, b)

                    out.append((f"{name_a} {sym} {name_b}", f))
        return out

    found = list(bound_attacks)
    candidates = formulas()
    for target, ft in hidden:
        truth = [ft(c, r) for c, r in worlds]
        for formula, f in candidates:
            if all(f(c, r) == t for (c, r), t in zip(worlds, truth, strict=True)):
                found.append(f"{target} = {formula}")
                break
    return found


def _counts() -> st.SearchStrategy[dict[str, dict[str, int]]]:
    cell = st.one_of(st.integers(0, 4), st.integers(0, 30))  # many small counts
    table = st.dictionaries(st.sampled_from("abcd"), cell, min_size=1, max_size=4)
    return st.dictionaries(st.sampled_from(["t1", "t2", "t3"]), table, min_size=1, max_size=3)


@st.composite
def activity(draw: st.DrawFn) -> tuple[dict[str, dict[str, int]], list[RateSpec], dict[str, int]]:
    counts = draw(_counts())
    refs = [n for n in counts] + [f"{n}.{c}" for n, cs in counts.items() for c in cs]
    free = {f"free:{i}": draw(st.integers(0, 30)) for i in range(2)}
    specs = []
    for i in range(draw(st.integers(0, 5))):
        table = draw(st.sampled_from(sorted(counts)))
        cell = draw(st.sampled_from(sorted(counts[table])))
        kind = draw(st.sampled_from(["cell/total", "cell/cell", "free", "free/total"]))
        if kind == "cell/total":
            num, den = f"{table}.{cell}", table
        elif kind == "cell/cell":
            num, den = f"{table}.{cell}", draw(st.sampled_from(refs))
        elif kind == "free":
            num, den = "free:0", "free:1"
        else:
            num, den = "free:0", table
        specs.append(RateSpec(f"taux_{i}", num, den))
    return counts, specs, free


@settings(max_examples=150, deadline=None)
@given(activity())
def test_no_suppressed_count_is_recovered_from_published_cells_and_rates_IND_3(
    case: tuple[dict[str, dict[str, int]], list[RateSpec], dict[str, int]],
) -> None:
    counts, specs, free = case
    tables, _ = publish(counts, specs, free)
    for table in tables:
        for value in [*table.cells.values(), table.total]:
            assert value is None or value == 0 or value >= SMALL
    assert recovered(counts, specs, free) == []


def _participation(
    presents: int, absents: int, not_registered: int
) -> tuple[Counts, list[RateSpec]]:
    counts = {
        "participation": {
            "presents": presents,
            "inscrits_absents": absents,
            "invites_non_inscrits": not_registered,
        }
    }
    return counts, [RateSpec("taux_participation", "participation.presents", "participation")]


def test_a_rate_times_a_published_total_does_not_give_a_hidden_count_back_IND_3() -> None:
    # the case: 3 present of 20 invited; before, 0.150 x 20 gave the hidden 3 back
    counts, specs = _participation(3, 11, 6)
    tables, rates = publish(counts, specs, {})
    assert tables[0].cells["presents"] is None and tables[0].total == 20
    assert rates == {"taux_participation": None}
    assert recovered(counts, specs, {}) == []


def test_the_attacker_finds_what_a_rate_on_a_hidden_cell_would_give_back_IND_3() -> None:
    """The attack itself works: published without secondary suppression, the rate gives the
    hidden count back (so an empty result above means something)."""
    counts, specs = _participation(3, 11, 6)
    tables = [Table.anonymised("participation", counts["participation"])]
    published = [
        ("participation", lambda c, r: Fraction(sum(c["participation"].values()))),
        ("taux", _rate_expr(specs[0])),
    ]
    target = _ref_expr("participation.presents")
    product = published[0][1](counts, {}), published[1][1](counts, {})
    assert tables[0].cells["presents"] is None
    assert product[0] is not None and product[1] is not None
    assert product[0] * product[1] == target(counts, {})


def test_a_rate_on_fewer_than_5_persons_is_suppressed_IND_3() -> None:
    tables = [Table.anonymised("t", {"a": 40})]
    rates = anonymised_rates(
        tables,
        {
            "one_respondent": RateSource(Decimal(1), 1, 1),
            "four": RateSource(Decimal("0.75"), 3, 4),
            "five": RateSource(Decimal("0.6"), 3, 5),
            "unknown": RateSource(None, 0, 40),
        },
    )
    assert rates == {"one_respondent": None, "four": None, "five": "0.600", "unknown": None}
