"""The census of the function and the national common core in the national export (IND-3,
IND-4, SUR-2), and the comparison of a campaign of the core with its T0 in the merge.

**The census of the function.** Over the communes under 3,500 (TER-3, the legal scope: the same
for every CDG, so that the national sums mean one thing), on the export's date:

* figures about communes, not persons, published as they are (``indicators``): the communes
  under 3,500 (``communes_moins_3500``), those of the CDG's target public
  (``communes_public_cible``), the communes of the target public with nobody in post
  (``communes_vacantes``) and its rate (``taux_vacance``). A vacant commune has no one to
  disclose;
* tables of persons (:class:`~rsgm_core.domain.national.Table`, small cells suppressed):
  ``recensement_fonctions`` (communes by function in place, vacant ones apart, so its total is
  the communes with someone in post: one commune with a DGS is one or a few persons),
  ``recensement_statuts`` and ``recensement_quotites`` (posts held, by status and by work-time
  band), ``recensement_ages`` (persons in post by age band of IND-4, each person once).

**Secondary disclosure through totals.** Each table is suppressed by
:func:`~rsgm_core.domain.national.suppress`: its cells of 1 to 4, then complementary cells until
no hidden cell equals the total minus the published ones, and the whole table when its total is
under 5. The tables of posts share their total (every post has a status and a work time), which
gives nothing more: the two tables cut the same posts along different lines, so no cell of one is
the difference of cells of the other. ``communes_vacantes`` is published beside
``recensement_fonctions``: their sum is ``communes_public_cible`` only when the target public is
the legal scope, and then it gives the table's total, which is published anyway.

**The national common core** (SUR-2): per campaign (:class:`CoreCampaign`), the persons asked and
those who answered (each a count of persons, suppressed under 5, and the response rate unless
one of them is), and per question one table of answers with the same suppression. The merge
sums them by campaign year over the CDGs and compares each campaign with the baseline (T0):
the share of each answer in both, and the difference in points, computed on published cells
only (a share computed on fewer than 5 answers is not given).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import attrs

from rsgm_core.domain.ages import AGE_BANDS, UNKNOWN_BAND, band_of
from rsgm_core.domain.census_report import VACANT, CensusReport
from rsgm_core.domain.coarse import NO_EPCI, CoarsePosition, attribute
from rsgm_core.domain.members import Function, Status
from rsgm_core.domain.national import SMALL, Table, suppress
from rsgm_core.domain.national_core import CoreCampaign
from rsgm_core.errors import ValidationError

__all__ = [
    "WORK_TIME_BANDS",
    "CoreComparison",
    "census_of_function",
    "compare_with_t0",
    "comparisons",
    "core_section",
    "export_day",
    "merge_core",
    "parse_core",
]

#: Work-time bands of the posts (key, lower bound included); full time is exactly 1.
WORK_TIME_BANDS: tuple[tuple[str, Decimal], ...] = (
    ("temps_complet", Decimal(1)),
    ("de_80_a_99", Decimal("0.8")),
    ("de_50_a_79", Decimal("0.5")),
    ("moins_de_50", Decimal(0)),
)
_SEVERAL = "plusieurs_fonctions"


def _key(label: str) -> str:
    """A function's key as exported: its enum value (``sgm``, ``dgs`` …)."""
    return next((f.value for f in Function if f.label == label), label)


def _work_time_band(work_time: Decimal) -> str:
    return next(key for key, low in WORK_TIME_BANDS if work_time >= low)


def _rate(numerator: int, denominator: int) -> str | None:
    if denominator < SMALL:
        return None
    value = Decimal(numerator) / Decimal(denominator)
    return str(value.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP))


def census_of_function(
    report: CensusReport, *, target_below: int, coarse: Iterable[CoarsePosition] = ()
) -> tuple[list[Table], dict[str, str | int | None]]:
    """IND-3, IND-4: the census tables of the export and its figures about communes, from the
    census report (TER-6) on the export's date and the coarse positions of the erased persons
    (MEM-11) of its territory, so that an erasure changes no total: a coarse position counts its
    post; one that was its commune's only one fills a vacant commune of its EPCI and stratum
    (:func:`~rsgm_core.domain.coarse.attribute`, as coverage does). An erased person's age is
    gone: they count as « non renseigné »."""
    functions: Counter[str] = Counter()
    statuses = Counter({s.value: 0 for s in Status})
    work_times = Counter({key: 0 for key, _ in WORK_TIME_BANDS})
    people: dict[str, int | None] = {}
    target = vacant = 0
    vacant_rows: dict[str, tuple[str, str]] = {}
    in_target: dict[str, bool] = {}
    for row in report.rows:
        in_target[row.code] = row.population < target_below
        target += in_target[row.code]
        if not row.agents:
            vacant += in_target[row.code]
            vacant_rows[row.code] = (row.epci or NO_EPCI, row.stratum)
            continue
        held = {a.function for a in row.agents}
        functions[_key(next(iter(held))) if len(held) == 1 else _SEVERAL] += 1
        for agent in row.agents:
            statuses[agent.status] += 1
            work_times[_work_time_band(Decimal(agent.work_time))] += 1
            people[agent.member_id or f"{agent.name}|{agent.email}"] = agent.birth_year
    taken: set[str] = set()
    erased = [p for p in coarse if p.small and p.active_on(report.on)]
    for position in sorted(erased, key=lambda p: p.id):  # MEM-11
        statuses[position.status.value] += 1
        work_times[_work_time_band(position.work_time)] += 1
        people.setdefault(position.member_id, None)
        if position.sole:
            filled = attribute([position], vacant_rows, taken)
            taken |= filled
            for code in filled:
                functions[position.function.value] += 1
                vacant -= in_target[code]
    ages = Counter({band.key: 0 for band in (*AGE_BANDS, UNKNOWN_BAND)})
    for birth_year in people.values():
        ages[band_of(birth_year, year=report.on.year).key] += 1
    tables = [
        Table.anonymised("recensement_fonctions", dict(sorted(functions.items()))),
        Table.anonymised("recensement_statuts", dict(statuses)),
        Table.anonymised("recensement_quotites", dict(work_times)),
        Table.anonymised("recensement_ages", dict(ages)),
    ]
    figures: dict[str, str | int | None] = {
        "communes_moins_3500": len(report.rows),
        "communes_public_cible": target,
        "communes_vacantes": vacant,
        "taux_vacance": _rate(vacant, target),  # communes, not persons: no cell to protect
    }
    assert VACANT not in functions  # vacant communes are counted apart, never in the table
    return tables, figures


def core_section(campaigns: Sequence[CoreCampaign]) -> list[dict[str, Any]]:
    """SUR-2, IND-3: each campaign of the national core, anonymised: persons asked and
    respondents under 5 suppressed, the response rate only on published counts, and each
    question's answers as a suppressed table. Campaigns by year."""
    out = []
    for campaign in sorted(campaigns, key=lambda c: (c.year, c.label)):
        counts, _ = suppress({"invites": campaign.invited}, campaign.invited)
        answered, _ = suppress({"repondants": campaign.respondents}, campaign.respondents)
        invited, respondents = counts["invites"], answered["repondants"]
        rate = None
        if invited is not None and respondents is not None:
            rate = _rate(min(respondents, invited), invited)
        questions = {}
        for question, answers in sorted(campaign.answers.items()):
            cells, total = suppress(dict(answers))
            questions[question] = {"cells": cells, "total": total}
        out.append({
            "label": campaign.label, "year": campaign.year, "baseline": campaign.baseline,
            "invited": invited, "respondents": respondents, "response_rate": rate,
            "questions": questions,
        })  # fmt: skip
    return out


def _count(value: Any, where: str, source: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError(
            f"{source} : {where} : {value!r} n'est pas un effectif", rule="IND-3", value=value
        )
    if 0 < value < SMALL:
        raise ValidationError(
            f"{source} : {where} : effectif {value} publié sous le seuil de {SMALL}",
            rule="IND-3",
            value=value,
        )
    return value


def parse_core(data: Any, *, source: str) -> list[dict[str, Any]]:
    """The core section of an export as read back: refused when malformed or when it publishes
    a count of 1 to 4 persons (IND-3)."""
    if data is None:
        return []
    if not isinstance(data, list):
        raise ValidationError(
            f"{source} : « core » doit être une liste", rule="IND-3", value=type(data).__name__
        )
    out = []
    for campaign in data:
        if not isinstance(campaign, dict) or not isinstance(campaign.get("year"), int):
            raise ValidationError(
                f"{source} : campagne du socle commun mal formée", rule="IND-3", value=campaign
            )
        for key in ("invited", "respondents"):
            _count(campaign.get(key), f"campagne {campaign['year']}, {key}", source)
        questions = campaign.get("questions") or {}
        if not isinstance(questions, dict):
            raise ValidationError(
                f"{source} : questions du socle mal formées", rule="IND-3", value=questions
            )
        for question, table in questions.items():
            cells = table.get("cells") if isinstance(table, dict) else None
            if not isinstance(cells, dict):
                raise ValidationError(
                    f"{source} : question {question!r} mal formée", rule="IND-3", value=question
                )
            for answer, value in [*cells.items(), ("total", table.get("total"))]:
                _count(value, f"question {question!r}, réponse {answer!r}", source)
        out.append(campaign)
    return out


def merge_core(cores: Iterable[Sequence[Mapping[str, Any]]]) -> dict[int, dict[str, Any]]:
    """The campaigns of several CDGs summed by year: persons asked and respondents (published
    ones; ``complete`` false when a CDG suppressed one), and each question's published cells
    and totals. A year is the baseline when a CDG marked its campaign so."""
    years: dict[int, dict[str, Any]] = {}
    for core in cores:
        for campaign in core:
            merged = years.setdefault(campaign["year"], {
                "labels": [], "baseline": False, "invited": 0, "respondents": 0,
                "complete": True, "cdgs": 0, "questions": {},
            })  # fmt: skip
            merged["cdgs"] += 1
            if campaign.get("label") and campaign["label"] not in merged["labels"]:
                merged["labels"].append(campaign["label"])
            merged["baseline"] = merged["baseline"] or bool(campaign.get("baseline"))
            for key in ("invited", "respondents"):
                if campaign.get(key) is None:
                    merged["complete"] = False
                else:
                    merged[key] += campaign[key]
            for question, table in (campaign.get("questions") or {}).items():
                into = merged["questions"].setdefault(
                    question, {"cells": {}, "total": 0, "complete": True, "hidden": []}
                )
                if table.get("total") is None:
                    into["complete"] = False
                else:
                    into["total"] += table["total"]
                for answer, value in table["cells"].items():
                    into["cells"][answer] = into["cells"].get(answer, 0) + (value or 0)
                    if value is None:
                        into["complete"] = False
                        if answer not in into["hidden"]:
                            into["hidden"].append(answer)
    return dict(sorted(years.items()))


@attrs.frozen
class CoreComparison:
    """SUR-2, IND-3: one answer of one question, its share at T0 and in the campaign compared
    (``None`` when computed on fewer than 5 answers) and the difference in points."""

    question: str
    answer: str
    t0: Decimal | None
    share: Decimal | None

    @property
    def points(self) -> Decimal | None:
        if self.t0 is None or self.share is None:
            return None
        return ((self.share - self.t0) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _share(cells: Mapping[str, int], answer: str, hidden: Iterable[str]) -> Decimal | None:
    known = sum(cells.values())
    if known < SMALL or answer in hidden:
        return None
    share = Decimal(cells.get(answer, 0)) / Decimal(known)
    return share.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def compare_with_t0(
    t0: Mapping[str, Mapping[str, int]],
    campaign: Mapping[str, Mapping[str, int]],
    *,
    hidden_t0: Mapping[str, Iterable[str]] | None = None,
    hidden: Mapping[str, Iterable[str]] | None = None,
) -> list[CoreComparison]:
    """SUR-2: each answer of each question asked in both campaigns, its share among the
    published answers at T0 and now. Shares are computed on the published cells (a suppressed
    cell counts in neither numerator nor denominator, so a suppressed count is never given
    back); an answer that some CDG suppressed (``hidden``: question -> answers) has no share, and
    neither has a question with fewer than 5 published answers."""
    out = []
    for question in sorted(set(t0) & set(campaign)):
        before, now = t0[question], campaign[question]
        was = tuple((hidden_t0 or {}).get(question, ()))
        is_ = tuple((hidden or {}).get(question, ()))
        for answer in sorted(set(before) | set(now)):
            out.append(CoreComparison(
                question, answer, _share(before, answer, was), _share(now, answer, is_)
            ))  # fmt: skip
    return out


def comparisons(years: Mapping[int, Mapping[str, Any]]) -> dict[str, Any]:
    """The T0 comparison of the merge: the first baseline year against every later year."""
    baselines = [year for year, c in years.items() if c["baseline"]]
    if not baselines:
        return {}
    t0 = min(baselines)
    before = {q: t["cells"] for q, t in years[t0]["questions"].items()}
    hidden_t0 = {q: t["hidden"] for q, t in years[t0]["questions"].items()}
    out: dict[str, Any] = {"t0": t0, "campagnes": {}}
    for year, merged in years.items():
        if year <= t0:
            continue
        now = {q: t["cells"] for q, t in merged["questions"].items()}
        out["campagnes"][str(year)] = [
            {"question": c.question, "answer": c.answer,
             "t0": None if c.t0 is None else str(c.t0),
             "share": None if c.share is None else str(c.share),
             "points": None if c.points is None else str(c.points)}
            for c in compare_with_t0(
                before, now, hidden_t0=hidden_t0,
                hidden={q: t["hidden"] for q, t in merged["questions"].items()},
            )
        ]  # fmt: skip
    return out


def export_day(year: int, today: dt.date) -> dt.date:
    """The census of an export of ``year``: on 31 December, or today for the current year."""
    return min(dt.date(year, 12, 31), today)
