"""The published toolbox as a folder tree (export to the platform): one Markdown file per resource,
grouped by kind, and an ``index.md`` listing them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from rsgm_core.domain.directory import fold
from rsgm_core.domain.toolbox import Resource, ResourceKind, ResourceStatus
from rsgm_core.render.formatting import format_date

__all__ = ["markdown_tree", "slug"]


def slug(text: str) -> str:
    """``"Fiche pratique : l'état civil"`` -> ``"fiche-pratique-l-etat-civil"`` (at most 60)."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:60].strip("-") or "ressource"


def _page(resource: Resource, files: Iterable[str]) -> str:
    lines = [
        f"# {resource.title}",
        "",
        f"- Type : {resource.kind.value}",
        f"- Thèmes : {', '.join(resource.themes)}",
    ]
    if resource.software:
        lines.append(f"- Logiciels : {', '.join(resource.software)}")
    lines.append(f"- Version : {resource.version}")
    if resource.published_on:
        lines.append(f"- Publiée le {format_date(resource.published_on)}")
    if resource.review_on:
        lines.append(f"- Prochaine revue le {format_date(resource.review_on)}")
    if resource.shared_with_partners:
        lines.append("- Partagée avec les CDG partenaires")
    lines += ["", resource.body.rstrip(), ""]
    names = list(files)
    if names:
        lines += ["## Pièces jointes", "", *(f"- {n}" for n in names), ""]
    return "\n".join(lines)


def markdown_tree(
    resources: Iterable[Resource], attachments: Mapping[str, Iterable[str]] | None = None
) -> dict[str, str]:
    """Relative path -> Markdown text, for the published resources only (current versions)."""
    published = sorted(
        (r for r in resources if r.status is ResourceStatus.PUBLISHED),
        key=lambda r: (list(ResourceKind).index(r.kind), fold(r.title)),
    )
    tree: dict[str, str] = {}
    index = ["# Boîte à outils du réseau", ""]
    current_kind = None
    for resource in published:
        if resource.kind is not current_kind:
            current_kind = resource.kind
            index += [f"## {resource.kind.value.capitalize()}", ""]
        path = f"{slug(resource.kind.value)}/{slug(resource.title)}-{resource.id[:8]}.md"
        tree[path] = _page(resource, (attachments or {}).get(resource.id, ()))
        index.append(f"- [{resource.title}]({path})")
    tree["index.md"] = "\n".join([*index, ""])
    return tree
