"""The toolbox (KNB-1..KNB-4): resources, who publishes them, their freshness, their versions and a
ranked accent-insensitive search.

A resource is published in the departmental space only (CHA-3); animators publish, contributors
propose drafts once the space's contribution phase is open (CHA-5). A published resource past its
review date is stale; editing a published resource makes a new version and keeps the previous one.
"""

from __future__ import annotations

import datetime as dt
import enum
import operator
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import attrs

from rsgm_core.domain.access import Grant, Role, Space
from rsgm_core.domain.charters import SpaceKind
from rsgm_core.domain.directory import fold
from rsgm_core.domain.text import Weights, query_tokens, rank
from rsgm_core.errors import RuleViolation, ValidationError

__all__ = [
    "SEARCH_FIELDS",
    "Resource",
    "ResourceKind",
    "ResourceStatus",
    "SearchHit",
    "archive",
    "by_title",
    "check_edit",
    "departmental_role",
    "edit",
    "hits",
    "latest_by",
    "latest_versions",
    "propose",
    "publish",
    "query_tokens",
    "search",
    "stale",
    "wanted",
]


R = TypeVar("R")


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
    #: CHA-2: the CDG staff member who published or archived this version (member ids); None
    #: before migration 18.
    published_by: str | None = None
    archived_by: str | None = None

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
            f"date de revue {review_on:%d/%m/%Y} déjà passée à la publication du {on:%d/%m/%Y}",
            rule="KNB-3",
            value=review_on,
        )
    return attrs.evolve(
        resource, status=ResourceStatus.PUBLISHED, review_on=review_on, published_on=on
    )


_RANK = {Role.ADMINISTRATOR: 0, Role.ANIMATOR: 1, Role.CONTRIBUTOR: 2, Role.VISITOR: 3}


def departmental_role(
    member_id: str, spaces: Iterable[Space], *, administrator: bool, grants: Iterable[Grant]
) -> tuple[Role, bool]:
    """KNB-2 (CHA-3, CHA-5): the member's role in the departmental space (an administrator of
    the CDG is an administrator; else their highest active grant there) and whether its
    contributions are open. Without a departmental space, or without access to it, refused."""
    departmental = [s for s in spaces if s.kind is SpaceKind.DEPARTMENTAL]
    if not departmental:
        raise RuleViolation(
            "aucun espace départemental : la boîte à outils y est publiée", rule="KNB-2", value=None
        )
    space = departmental[0]
    if administrator:
        return Role.ADMINISTRATOR, not space.read_only
    roles = [
        g.role for g in grants if g.space_id == space.id and g.member_id == member_id and g.active
    ]
    if not roles:
        raise RuleViolation(
            f"{member_id} n'a pas accès à l'espace départemental « {space.name} »",
            rule="KNB-2",
            value=member_id,
        )
    return min(roles, key=_RANK.__getitem__), not space.read_only


def check_edit(current: Resource, *, role: Role, contributions_open: bool) -> None:
    """KNB-2, KNB-3: animators edit a published resource; a draft is edited by whoever may
    propose one (an animator, or a contributor once contributions are open)."""
    if current.status is ResourceStatus.PUBLISHED and role not in (
        Role.ANIMATOR,
        Role.ADMINISTRATOR,
    ):
        raise RuleViolation(
            f"seuls les animateurs modifient une ressource publiée (rôle : {role.value})",
            rule="KNB-2",
            value=role.value,
        )
    propose(
        attrs.evolve(current, status=ResourceStatus.DRAFT),
        role=role,
        contributions_open=contributions_open,
    )


def edit(
    current: Resource,
    *,
    kind: ResourceKind | None = None,
    title: str | None = None,
    body: str | None = None,
    themes: Sequence[str] | None = None,
    software: Sequence[str] | None = None,
    shared_with_partners: bool | None = None,
) -> Resource:
    """KNB-3: editing a published resource makes version n + 1; a draft is edited in place. A
    field left ``None`` keeps its value."""
    if current.status is ResourceStatus.ARCHIVED:
        raise RuleViolation(
            "une ressource archivée ne se modifie pas", rule="KNB-3", value=current.id
        )
    bump = 1 if current.status is ResourceStatus.PUBLISHED else 0
    return attrs.evolve(
        current,
        version=current.version + bump,
        kind=current.kind if kind is None else kind,
        title=current.title if title is None else title.strip(),
        body=current.body if body is None else body,
        themes=current.themes if themes is None else tuple(themes),
        software=current.software if software is None else tuple(software),
        shared_with_partners=(
            current.shared_with_partners if shared_with_partners is None else shared_with_partners
        ),
    )


def archive(resource: Resource, *, role: Role) -> Resource:
    """KNB-2: only animators archive a resource."""
    if role not in (Role.ANIMATOR, Role.ADMINISTRATOR):
        raise RuleViolation(
            f"seuls les animateurs archivent une ressource (rôle : {role.value})",
            rule="KNB-2",
            value=role.value,
        )
    return attrs.evolve(resource, status=ResourceStatus.ARCHIVED)


def stale(resources: Iterable[Resource], *, on: dt.date) -> list[Resource]:
    """KNB-3: published resources past their review date on ``on``, the oldest first."""
    found = [
        r
        for r in resources
        if r.status is ResourceStatus.PUBLISHED and r.review_on is not None and r.review_on < on
    ]
    return sorted(found, key=lambda r: (r.review_on, r.title))


@attrs.frozen
class SearchHit:
    """KNB-4: a current published version and its relevance (BM25, 0 without words)."""

    resource: Resource
    score: float


#: KNB-4: where a word is found counts: a title hit says more than a theme, a theme more than the
#: body (the weights of the BM25 ranking, :mod:`rsgm_core.domain.text`).
SEARCH_FIELDS: Weights = (("title", 3.0), ("themes", 2.0), ("body", 1.0))


def wanted(
    resource: Resource,
    *,
    kind: ResourceKind | None = None,
    theme: str | None = None,
    software: str | None = None,
) -> bool:
    """KNB-4's filters: published, of the kind, with the theme, for the software (folded)."""
    return (
        resource.status is ResourceStatus.PUBLISHED
        and (kind is None or resource.kind is kind)
        and (not theme or fold(theme) in {fold(t) for t in resource.themes})
        and (not software or fold(software) in {fold(s) for s in resource.software})
    )


def latest_by(
    records: Iterable[R], name: Callable[[R], Any], version: Callable[[R], Any]
) -> list[R]:
    """Of the versions of each record (``name`` tells which record), the highest, in name order.
    Also what ``Collection.latest`` gives for any versioned collection."""
    latest: dict[Any, R] = {}
    for record in records:
        key = name(record)
        if key not in latest or version(record) > version(latest[key]):
            latest[key] = record
    return [latest[key] for key in sorted(latest)]


def latest_versions(resources: Iterable[Resource]) -> list[Resource]:
    """The current state of each resource: its highest version, in id order."""
    return latest_by(resources, operator.attrgetter("id"), operator.attrgetter("version"))


def hits(
    scored: Iterable[tuple[Resource, float]],
    *,
    kind: ResourceKind | None = None,
    theme: str | None = None,
    software: str | None = None,
) -> list[SearchHit]:
    """KNB-4: the scored current versions passing the filters, in the order given: the
    ranking's (best first, equal scores in id order), or titles' without words."""
    return [
        SearchHit(resource, score)
        for resource, score in scored
        if wanted(resource, kind=kind, theme=theme, software=software)
    ]


def by_title(resources: Iterable[Resource]) -> list[Resource]:
    """The order of a search without words."""
    return sorted(resources, key=lambda r: (fold(r.title), r.id))


def search(
    resources: Sequence[Resource],
    words: str = "",
    *,
    kind: ResourceKind | None = None,
    theme: str | None = None,
    software: str | None = None,
) -> list[SearchHit]:
    """KNB-4: the current published versions matching every filter and holding every word, most
    relevant first; ``resources`` is the whole collection, every version.

    Words are matched accent- and case-insensitively, as whole words or word starts ("etat" finds
    "État"); the score is BM25 with the weights of :data:`SEARCH_FIELDS`, its statistics taken over
    the current versions (:func:`rsgm_core.domain.text.rank`). Without words, the matches come in
    title order with a score of 0."""
    current = latest_versions(resources)
    query = query_tokens(words)
    if not query:
        return hits(
            ((r, 0.0) for r in by_title(current)), kind=kind, theme=theme, software=software
        )
    return hits(rank(current, query, SEARCH_FIELDS), kind=kind, theme=theme, software=software)
