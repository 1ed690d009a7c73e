"""The software map (KNB-5) and the export of the published toolbox to a platform (KNB-2)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from rsgm_core.domain.directory import ConsentScope, FactKind
from rsgm_core.domain.toolbox import ResourceStatus, latest_versions
from rsgm_core.errors import NotFoundError
from rsgm_core.render.toolbox_markdown import markdown_tree

if TYPE_CHECKING:
    from rsgm_core.services.deps import Deps

__all__ = ["SoftwareUse", "export_toolbox", "map_columns", "software_map"]


@attrs.frozen
class SoftwareUse:
    """KNB-5: one business software in one EPCI."""

    epci: str  # SIREN, "" for communes outside any EPCI
    epci_name: str
    software: str
    communes: tuple[str, ...]  # "Aubigny (79019)"
    masters: tuple[str, ...]  # members who master it, with directory consent (MEM-3)


def software_map(deps: Deps, *, epci: str | None = None) -> list[SoftwareUse]:
    """KNB-5: from the directory (MEM-2), per EPCI, the communes whose SGM uses each software and
    the members who master it. A member without directory consent counts for the commune but is
    not named (MEM-3)."""
    today = deps.today()
    with deps.read() as uow:
        facts = uow.directory_facts.list({"kind": FactKind.SOFTWARE})
        ids = sorted({f.member_id for f in facts})
        members = {m.id: m for m in uow.members.list({"id": ids})} if ids else {}
        positions = (
            [p for p in uow.positions.list({"member_id": ids}) if p.active_on(today)] if ids else []
        )
        communes = {
            c.code: c for c in uow.communes.list({"code": sorted({p.commune for p in positions})})
        }
        epcis = {e.siren: e for e in uow.epcis.list()}
        consenting = {
            c.member_id
            for c in uow.consents.list({"scope": ConsentScope.DIRECTORY})
            if c.withdrawn_on is None
        }
    where: dict[str, list[str]] = {}
    for p in positions:
        if p.commune in communes:
            where.setdefault(p.member_id, []).append(p.commune)
    cells: dict[tuple[str, str], tuple[set[str], set[str]]] = {}
    for fact in facts:
        member = members.get(fact.member_id)
        for code in where.get(fact.member_id, []):
            siren = communes[code].epci or ""
            used, masters = cells.setdefault((siren, fact.value), (set(), set()))
            used.add(f"{communes[code].name} ({code})")
            if fact.mastered and member is not None and member.id in consenting:
                masters.add(f"{member.first_name} {member.last_name}")
    rows = [
        SoftwareUse(
            siren,
            epcis[siren].name if siren in epcis else "hors EPCI",
            software,
            tuple(sorted(used)),
            tuple(sorted(masters)),
        )
        for (siren, software), (used, masters) in cells.items()
        if epci is None or siren == epci
    ]
    return sorted(rows, key=lambda r: (r.epci_name, r.software))


def map_columns(rows: list[SoftwareUse]) -> tuple[list[str], list[list[Any]]]:
    header = ["EPCI", "Nom de l'EPCI", "Logiciel", "Communes", "Membres qui le maîtrisent"]
    return header, [
        [r.epci, r.epci_name, r.software, ", ".join(r.communes), ", ".join(r.masters)] for r in rows
    ]


def export_toolbox(deps: Deps, platform: str, folder: Path) -> dict[str, str]:
    """KNB-2: the published toolbox written under ``folder`` for ``platform``. The exporter's
    ``render_toolbox(resources, attachments, *, options)`` gives the tree (path -> text); an
    exporter without it gets the default tree (one Markdown file per resource and an index)."""
    exporters = {e.name: e for e in deps.hooks.platform_exporters()}
    if platform not in exporters:
        raise NotFoundError(
            f"plateforme inconnue : {platform!r} (connues : {', '.join(sorted(exporters))})",
            rule="KNB-2",
            value=platform,
        )
    exporter = exporters[platform]
    with deps.read() as uow:
        resources = [
            r for r in latest_versions(uow.resources.list()) if r.status is ResourceStatus.PUBLISHED
        ]
        files: dict[str, list[str]] = {}
        for a in uow.resource_attachments.list({"resource_id": [r.id for r in resources]}):
            files.setdefault(a.resource_id, []).append(a.name)
    render = getattr(exporter, "render_toolbox", None)
    options: Mapping[str, Any] = deps.settings.plugin(platform)
    tree = render(resources, files, options=options) if render else markdown_tree(resources, files)
    for path, text in tree.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return tree
