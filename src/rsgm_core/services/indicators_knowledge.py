"""IND-1 figures of the toolbox (KNB-3) and of advice requests (CNS-2), read from their
collections; before these collections exist in storage the figures are "non disponible"."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from rsgm_core.domain.indicators import Indicator, Period

if TYPE_CHECKING:
    from rsgm_core.ports import UnitOfWork

__all__: list[str] = []  # used by IndicatorService.compute only

_MISSING = "(données non encore enregistrées dans cette version)"


def _knowledge_indicators(
    uow: UnitOfWork, period: Period, communes: set[str] | None
) -> list[Indicator]:
    resources = _list(uow, "resources")
    advice = _list(uow, "advice_requests")
    return [*_toolbox(resources, period), *_advice(advice, period, communes)]


def _list(uow: UnitOfWork, name: str) -> list[Any] | None:
    repo = getattr(uow, name, None)
    if repo is None:
        return None
    return list(repo.list())


def _toolbox(resources: list[Any] | None, period: Period) -> list[Indicator]:
    specs = (
        ("ressources_publiees", "Ressources publiées (boîte à outils)",
         "ressources dont la première version publiée date de la période"),
        ("ressources_mises_a_jour", "Ressources mises à jour",
         "ressources dont une version ultérieure à la première a été publiée dans la période"),
        ("ressources_perimees", "Ressources à revoir",
         "ressources publiées dont la date de revue est passée à la fin de la période"),
    )  # fmt: skip
    if resources is None:
        return [Indicator(k, label, None, f"{f} {_MISSING}") for k, label, f in specs]
    published = [r for r in resources if r.status.name == "PUBLISHED" or r.published_on]
    first: dict[str, Any] = {}
    latest: dict[str, Any] = {}
    for r in sorted(published, key=lambda r: r.version):
        first.setdefault(r.id, r)
        latest[r.id] = r
    new = sum(1 for r in first.values() if r.published_on and r.published_on in period)
    updated = len(
        {
            r.id
            for r in published
            if r.version > first[r.id].version and r.published_on and r.published_on in period
        }
    )
    stale = sum(
        1 for r in latest.values()
        if r.status.name == "PUBLISHED" and r.review_on is not None and r.review_on < period.end
    )  # fmt: skip
    values = (new, updated, stale)
    return [Indicator(k, label, v, f) for (k, label, f), v in zip(specs, values, strict=True)]


def _advice(
    requests: list[Any] | None, period: Period, communes: set[str] | None
) -> list[Indicator]:
    specs = (
        ("demandes_conseil", "Demandes de conseil reçues", "demandes reçues dans la période", ""),
        ("demandes_repondues", "Demandes de conseil répondues", "demandes reçues dans la période et répondues", ""),
        ("delai_reponse_median", "Délai de réponse médian (heures)",
         "médiane des délais réception → réponse des demandes répondues", ""),
        ("delai_reponse_p90", "Délai de réponse, 90e centile (heures)",
         "90e centile (rang le plus proche) des mêmes délais", ""),
    )  # fmt: skip
    if requests is None:
        return [Indicator(k, label, None, f"{f} {_MISSING}", u) for k, label, f, u in specs]
    from rsgm_core.domain.advice import answer_times

    chosen = [
        r for r in requests
        if r.received_at.date() in period and (communes is None or r.commune in communes)
    ]  # fmt: skip
    times = answer_times(chosen)
    values = (len(chosen), times.answered, _hours(times.median_hours), _hours(times.p90_hours))
    return [Indicator(k, label, v, f, u) for (k, label, f, u), v in zip(specs, values, strict=True)]


def _hours(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(round(value, 1)))
