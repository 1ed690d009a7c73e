"""The toolbox (KNB-1..KNB-4): resources, who publishes them, their freshness, their versions and a
ranked accent-insensitive search.

A resource is published in the departmental space only (CHA-3); animators publish, contributors
propose drafts once the space's contribution phase is open (CHA-5). A published resource past its
review date is stale; editing a published resource makes a new version and keeps the previous one.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence

import attrs

from rsgm_core.domain.access import Role
from rsgm_core.domain.directory import fold
from rsgm_core.errors import RuleViolation, ValidationError

__all__ = [
    "Resource",
    "ResourceKind",
    "ResourceStatus",
    "SearchHit",
    "archive",
    "edit",
    "propose",
    "publish",
    "search",
    "stale",
]


class ResourceKind(enum.Enum):
    """KNB-1."""

    PRACTICAL_SHEET = "fiche pratique"
    TEMPLATE = "modèle"
    FAQ = "question-réponse"
    LEGAL_WATCH = "veille juridique"
    TUTORIAL = "tutoriel"
    ANNUAL_CALENDAR = "calendrier annuel du SGM"
    KIT = "kit"


class ResourceStatus(enum.Enum):
    DRAFT = "brouillon"
    PUBLISHED = "publiée"
    ARCHIVED = "archivée"


@attrs.frozen
class Resource:
    """One version of a resource: ``id`` names the resource, ``version`` this state of it."""

    id: str
    version: int
    kind: ResourceKind
    title: str
    body: str  # Markdown
    themes: tuple[str, ...]
    author_id: str
    status: ResourceStatus
    review_on: dt.date | None = None
    software: tuple[str, ...] = ()  # for a tutorial: the business software it teaches
    shared_with_partners: bool = False  # KNB-2: regional cooperation with partner CDGs
    published_on: dt.date | None = None

    def __attrs_post_init__(self) -> None:
        if not self.title.strip():
            raise ValidationError("ressource sans titre", rule="KNB-1", value=self.title)
        if not self.themes:
            raise ValidationError(
                f"la ressource « {self.title} » n'a aucun thème", rule="KNB-1", value=self.themes
            )
        if self.kind is ResourceKind.TUTORIAL and not self.software:
            raise ValidationError(
                f"le tutoriel « {self.title} » ne nomme pas son logiciel",
                rule="KNB-1",
                value=self.title,
            )


def propose(resource: Resource, *, role: Role, contributions_open: bool) -> Resource:
    """KNB-2: an animator drafts at any time; a contributor once the contribution phase is open."""
    if resource.status is not ResourceStatus.DRAFT:
        raise ValidationError(
            "une proposition est un brouillon", rule="KNB-2", value=resource.status.value
        )
    if role is Role.CONTRIBUTOR and not contributions_open:
        raise RuleViolation(
            "l'espace est en phase de consultation : les contributions ne sont pas encore ouvertes",
            rule="CHA-5",
            value=role.value,
        )
    if role not in (Role.ANIMATOR, Role.CONTRIBUTOR, Role.ADMINISTRATOR):
        raise RuleViolation(
            f"un {role.value} ne propose pas de ressource", rule="KNB-2", value=role.value
        )
    return resource


def publish(resource: Resource, *, role: Role, on: dt.date, review_on: dt.date) -> Resource:
    """KNB-2, KNB-3: only animators publish, with a review date to come."""
    if role not in (Role.ANIMATOR, Role.ADMINISTRATOR):
        raise RuleViolation(
            f"seuls les animateurs publient dans la boîte à outils (rôle : {role.value})",
            rule="KNB-2",
            value=role.value,
        )
    if resource.status is ResourceStatus.ARCHIVED:
        raise RuleViolation(
            "une ressource archivée ne se republie pas", rule="KNB-3", value=resource.id
        )
    if review_on <= on:
        raise ValidationError(
            f"date de revue {review_on.isoformat()} déjà passée à la publication du {on.isoformat()}",
            rule="KNB-3",
            value=review_on,
        )
    return attrs.evolve(
        resource, status=ResourceStatus.PUBLISHED, review_on=review_on, published_on=on
    )


def edit(current: Resource, **changes: object) -> Resource:
    """KNB-3: editing a published resource makes version n + 1; a draft is edited in place."""
    if current.status is ResourceStatus.ARCHIVED:
        raise RuleViolation(
            "une ressource archivée ne se modifie pas", rule="KNB-3", value=current.id
        )
    bump = 1 if current.status is ResourceStatus.PUBLISHED else 0
    return attrs.evolve(current, version=current.version + bump, **changes)  # type: ignore[arg-type]


def archive(resource: Resource) -> Resource:
    return attrs.evolve(resource, status=ResourceStatus.ARCHIVED)


def stale(resources: Iterable[Resource], today: dt.date) -> list[Resource]:
    """KNB-3: published resources past their review date, the oldest first."""
    found = [
        r
        for r in resources
        if r.status is ResourceStatus.PUBLISHED and r.review_on is not None and r.review_on < today
    ]
    return sorted(found, key=lambda r: (r.review_on, r.title))


@attrs.frozen
class SearchHit:
    resource: Resource
    score: float


_WORD = re.compile(r"[a-z0-9]+")
# Where a word is found counts: a title hit says more than one in the body (documented ranking).
_WEIGHTS = {"title": 3.0, "themes": 2.0, "body": 1.0}


def _words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


@functools.lru_cache(maxsize=8192)
def _fields(resource: Resource) -> dict[str, Counter[str]]:
    # A resource is a frozen value: its words are counted once and reused by later searches.
    return {
        "title": Counter(_words(resource.title)),
        "themes": Counter(w for t in resource.themes for w in _words(t)),
        "body": Counter(_words(resource.body)),
    }


def search(
    resources: Sequence[Resource],
    words: str = "",
    *,
    kind: ResourceKind | None = None,
    theme: str | None = None,
    software: str | None = None,
) -> list[SearchHit]:
    """KNB-4: published resources matching every filter and every word, most relevant first.

    Matching is accent- and case-insensitive on whole words and word prefixes ("etat" finds
    "État"). The score sums, for each query word, its occurrences weighted by where they are
    (title 3, themes 2, body 1), damped by ``1 + log`` so a long body does not win by length,
    and scaled by the word's rarity among the candidates (inverse document frequency)."""
    wanted = _words(words)
    theme_key, software_key = fold(theme or ""), fold(software or "")
    candidates = [
        r
        for r in resources
        if r.status is ResourceStatus.PUBLISHED
        and (kind is None or r.kind is kind)
        and (not theme_key or theme_key in {fold(t) for t in r.themes})
        and (not software_key or software_key in {fold(s) for s in r.software})
    ]
    if not wanted:
        return [SearchHit(r, 0.0) for r in sorted(candidates, key=lambda r: fold(r.title))]
    fields = {r.id: _fields(r) for r in candidates}

    def occurrences(resource: Resource, word: str) -> dict[str, int]:
        return {
            name: sum(n for w, n in counts.items() if w.startswith(word))
            for name, counts in fields[resource.id].items()
        }

    found_in = {word: {r.id: occurrences(r, word) for r in candidates} for word in set(wanted)}
    rarities = {
        word: math.log(
            1 + len(candidates) / max(1, sum(1 for f in by_id.values() if any(f.values())))
        )
        for word, by_id in found_in.items()
    }
    hits = []
    for resource in candidates:
        score = 0.0
        for word in wanted:
            found = found_in[word][resource.id]
            if not any(found.values()):
                break
            rarity = rarities[word]
            score += rarity * sum(_WEIGHTS[f] * (1 + math.log(n)) for f, n in found.items() if n)
        else:
            hits.append(SearchHit(resource, round(score, 6)))
    return sorted(hits, key=lambda h: (-h.score, fold(h.resource.title)))
