"""The software map (KNB-5) and the export of the published toolbox to a platform (KNB-2)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import attrs

from rsgm_core.domain.directory import ConsentScope, FactKind
from rsgm_core.domain.toolbox import Resource, ResourceStatus, latest_versions
from rsgm_core.domain.toolbox_records import ResourceAttachment
from rsgm_core.errors import NotFoundError, ValidationError
from rsgm_core.render.toolbox_markdown import markdown_tree, slug
from rsgm_core.services.survey_core import declared_software

if TYPE_CHECKING:
    from rsgm_core.services.deps import Deps

__all__ = [
    "ATTACHMENTS_FOLDER",
    "SoftwareUse",
    "ToolboxExport",
    "export_toolbox",
    "export_toolbox_files",
    "find_attachment",
    "map_columns",
    "software_map",
]


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
    the members who master it, with what the software survey's answers declared (SUR-2). A member without directory consent counts for the commune but is
    not named (MEM-3)."""
    today = deps.today()
    with deps.read() as uow:
        facts = uow.directory_facts.list({"kind": FactKind.SOFTWARE})
        facts = [*facts, *declared_software(uow)]  # SUR-2: what the software survey declared
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


@attrs.frozen
class ToolboxExport:
    """KNB-2: what an export of the published toolbox wrote under its folder: ``pages`` (relative
    path -> text: one page per resource and the index), ``files`` (relative paths of the
    attached files written, byte for byte) and the number of ``resources`` exported."""

    folder: Path
    pages: Mapping[str, str]
    files: tuple[str, ...]
    resources: int


#: KNB-2: the folder of the export that holds the attached files, one sub-folder per resource.
ATTACHMENTS_FOLDER = "pieces-jointes"


def export_toolbox(deps: Deps, platform: str, folder: Path) -> dict[str, str]:
    """KNB-2: the pages of :func:`export_toolbox_files` (which also writes the attached files)."""
    return dict(export_toolbox_files(deps, platform, folder).pages)


def export_toolbox_files(deps: Deps, platform: str, folder: Path) -> ToolboxExport:
    """KNB-2: the published toolbox written under ``folder`` for ``platform``. The exporter's
    ``render_toolbox(resources, attachments, *, options)`` gives the tree (path -> text); an
    exporter without it gets the default tree (one Markdown file per resource and an index).
    The attached files themselves are written under ``pieces-jointes/<resource>/``; every file
    is read and decoded before the first one is written."""
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
        stored = uow.resource_attachments.list({"resource_id": [r.id for r in resources]})
    for a in stored:
        files.setdefault(a.resource_id, []).append(a.name)
    contents = _attached_files(resources, stored)
    render = getattr(exporter, "render_toolbox", None)
    options: Mapping[str, Any] = deps.settings.plugin(platform)
    tree = render(resources, files, options=options) if render else markdown_tree(resources, files)
    for path, text in tree.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    for path, content in contents.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    return ToolboxExport(folder, dict(tree), tuple(contents), len(resources))


def _attached_files(
    resources: list[Resource], stored: list[ResourceAttachment]
) -> dict[str, bytes]:
    """KNB-1, KNB-2: relative path -> bytes of every attached file of the published resources,
    one folder per resource (its title and id), names made safe (no folder part) and unique."""
    titles = {r.id: f"{slug(r.title)}-{r.id[:8]}" for r in resources}
    found: dict[str, bytes] = {}
    for a in sorted(stored, key=lambda a: (titles[a.resource_id], a.name, a.id)):
        try:
            content = base64.b64decode(a.content, validate=True)
        except (binascii.Error, ValueError, TypeError):
            raise ValidationError(
                f"pièce jointe {a.name!r} : contenu illisible (du base64 attendu) ; rien n'a été "
                "exporté",
                rule="KNB-1",
                value=a.id,
            ) from None
        name = PurePosixPath(a.name.replace("\\", "/")).name.strip() or "piece-jointe"
        if name in {".", ".."}:
            name = "piece-jointe"
        stem, dot, ext = name.rpartition(".")
        path, n = f"{ATTACHMENTS_FOLDER}/{titles[a.resource_id]}/{name}", 1
        while path in found:
            n += 1
            shown = f"{stem} ({n}).{ext}" if dot and stem else f"{name} ({n})"
            path = f"{ATTACHMENTS_FOLDER}/{titles[a.resource_id]}/{shown}"
        found[path] = content
    return found


def find_attachment(deps: Deps, ref: str, *, name: str | None) -> ResourceAttachment:
    """KNB-1: an attached file by its id (or its first 8 characters or more), or by the id of
    its resource when that resource has one file (else ``name`` chooses among its files)."""
    wanted = ref.strip()
    with deps.read() as uow:
        found = uow.resource_attachments.find(wanted) if wanted else None
        if found is not None:
            return found
        if len(wanted) >= 8:
            every = uow.resource_attachments.list()
            by_prefix = [a for a in every if a.id.startswith(wanted)]
            if len(by_prefix) == 1:
                return by_prefix[0]
            of_resource = [a for a in every if a.resource_id.startswith(wanted)]
        else:
            of_resource = []
    if not of_resource:
        raise NotFoundError(
            f"pièce jointe introuvable : {ref!r} (identifiant d'une pièce jointe ou de sa "
            "ressource, 8 caractères au moins)",
            rule="KNB-1",
            value=ref,
        )
    if len({a.resource_id for a in of_resource}) > 1:
        raise ValidationError(
            f"identifiant ambigu : {ref!r} désigne plusieurs ressources ; donnez-en davantage",
            rule="KNB-1",
            value=ref,
        )
    if name is not None:
        chosen = [a for a in of_resource if a.name == name]
        if len(chosen) == 1:
            return chosen[0]
    if name is None and len(of_resource) == 1:
        return of_resource[0]
    names = ", ".join(sorted(a.name for a in of_resource))
    what = f"aucune pièce jointe « {name} »" if name is not None else "plusieurs pièces jointes"
    raise ValidationError(
        f"{what} pour la ressource {of_resource[0].resource_id} : choisissez par son nom ({names})",
        rule="KNB-1",
        value=name if name is not None else ref,
    )
