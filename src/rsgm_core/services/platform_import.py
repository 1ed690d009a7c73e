"""The platform's history (EVT-12, CHA-2): the member list exported from the collaboration
platform (Interstis's "export des membres", a CSV or XLSX file) recorded as what the platform
already holds, so that the next delta export (:mod:`.platform_export`) starts from it instead of
recreating every account.

Columns are found by name (e-mail, given and family names, organisation, spaces, roles). Each
account is matched to a member by e-mail; an account matching no one, or a space the CDG has not
declared, is reported and left out (the library does not manage what it does not know). The
state recorded holds the matched accounts and their memberships, with the spaces named as the
export names them; it is recorded like an export, so the next delta is computed from it."""

from __future__ import annotations

import re
from collections.abc import Generator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from rsgm_core.domain.access import Role
from rsgm_core.domain.access_records import PlatformExport
from rsgm_core.domain.authorization import Operation
from rsgm_core.domain.directory import fold
from rsgm_core.domain.platform import PlatformMembership, PlatformState, PlatformUser
from rsgm_core.errors import NotFoundError, SourceDataError, ValidationError
from rsgm_core.services.authorization import authorize
from rsgm_core.services.member_import import read_table
from rsgm_core.services.platform_export import _platform_state, exporter_named, space_label

if TYPE_CHECKING:
    from rsgm_core.services.deps import Deps

__all__ = ["PlatformImport", "UnmatchedAccount", "import_platform_accounts", "open_table"]

RULE = "EVT-12"

_COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "email": ("E-mail", ("email", "e mail", "courriel", "adresse electronique", "mail",
                         "adresse e mail", "identifiant")),
    "first_name": ("Prénom", ("prenom", "first name", "firstname")),
    "last_name": ("Nom", ("nom", "nom de famille", "last name", "lastname")),
    "organisation": ("Organisation", ("organisation", "collectivite", "structure", "organisme",
                                      "etablissement", "employeur")),
    "spaces": ("Espaces", ("espaces", "espace", "groupes", "groupe", "communautes")),
    "roles": ("Rôles", ("roles", "role", "profil", "profils", "droits")),
}  # fmt: skip
_ROLES = {
    **{fold(r.value): r for r in Role},
    "admin": Role.ADMINISTRATOR, "administrateur": Role.ADMINISTRATOR,
    "gestionnaire": Role.ANIMATOR, "moderateur": Role.ANIMATOR,
    "membre": Role.CONTRIBUTOR, "participant": Role.CONTRIBUTOR, "redacteur": Role.CONTRIBUTOR,
    "lecteur": Role.VISITOR, "invite": Role.VISITOR, "observateur": Role.VISITOR,
}  # fmt: skip


@attrs.frozen
class UnmatchedAccount:
    """An account of the platform's list that matches no member by e-mail."""

    line: int
    email: str
    name: str


@attrs.frozen
class PlatformImport:
    """What importing the platform's member list recorded (or would, ``dry_run``): the accounts
    matched to members, those matching no one, the spaces unknown here, and the accounts the
    next delta will suspend because no access is recorded for them here."""

    platform: str
    source: str
    dry_run: bool
    matched: tuple[str, ...]
    memberships: int
    unmatched: tuple[UnmatchedAccount, ...]
    unknown_spaces: tuple[str, ...]
    without_access: tuple[str, ...]
    export_id: str | None


def open_table(path: Path, rule: str = RULE) -> tuple[list[str], Generator[list[str], None, None]]:
    """The header and rows of a CSV or XLSX file; a file that cannot be read is a French error
    naming it (not found, a folder, no permission, an invalid name)."""
    try:
        return read_table(path)
    except FileNotFoundError:
        raise NotFoundError(f"fichier introuvable : {path}", rule=rule, value=str(path)) from None
    except (OSError, ValueError) as exc:
        reason = (
            "c'est un dossier" if isinstance(exc, IsADirectoryError)
            else "accès refusé" if isinstance(exc, PermissionError)
            else "nom de fichier invalide" if isinstance(exc, ValueError)
            else "erreur de lecture"
        )  # fmt: skip
        raise SourceDataError(
            f"fichier illisible ({reason})", source=str(path), rule=rule, value=str(path)
        ) from None


def _columns(headers: Sequence[str], path: Path) -> dict[str, int]:
    folded = [fold(h or "") for h in headers]
    found = {}
    for field, (_, names) in _COLUMNS.items():
        index = next((i for i, h in enumerate(folded) if h in names), None)
        if index is not None:
            found[field] = index
    missing = [_COLUMNS[f][0] for f in ("email", "spaces") if f not in found]
    if missing:
        raise SourceDataError(
            f"{path.name} : {'colonnes absentes' if len(missing) > 1 else 'colonne absente'} : "
            f"{', '.join(missing)} (en-têtes lus : "
            f"{', '.join(repr(h) for h in headers)})",
            source=str(path),
            rule=RULE,
            value=", ".join(missing),
        )
    return found


def _split(cell: str) -> list[str]:
    return [t.strip() for t in re.split(r"[,;|\n]", cell or "") if t.strip()]


def import_platform_accounts(
    deps: Deps, path: Path, *, by: str, platform: str, dry_run: bool
) -> PlatformImport:
    """Read the platform's member list and record it as the state the platform holds."""
    exporter_named(deps, platform)  # a platform with no export is refused here
    headers, rows = open_table(path)
    columns = _columns(headers, path)
    try:
        records = [(line, cells) for line, cells in enumerate(rows, start=2) if any(cells)]
    finally:
        rows.close()

    def cell(cells: list[str], field: str) -> str:
        index = columns.get(field)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    problems: list[str] = []
    cdg = deps.settings.cdg
    with deps.transaction() as uow:
        actor = authorize(uow, by, Operation.PLATFORM_EXPORT, on=deps.today())
        members = {m.email.lower(): m for m in uow.members.list() if m.email}
        spaces = {}
        for space in uow.spaces.list():
            spaces[fold(space.name)] = space_label(space.name, cdg)
            spaces[fold(space_label(space.name, cdg))] = space_label(space.name, cdg)
        current = _platform_state(uow, deps.today(), cdg)
        computed = {u.email: u for u in current.users}
        users, memberships, unmatched, unknown = [], [], [], set()
        for line, cells in records:
            email = cell(cells, "email").lower()
            if not email:
                problems.append(f"ligne {line}, colonne « E-mail » : adresse manquante ({RULE})")
                continue
            member = members.get(email)
            if member is None:
                name = f"{cell(cells, 'first_name')} {cell(cells, 'last_name')}".strip()
                unmatched.append(UnmatchedAccount(line, email, name))
                continue
            names, roles = _split(cell(cells, "spaces")), _split(cell(cells, "roles"))
            if len(roles) not in (0, 1, len(names)):
                problems.append(
                    f"ligne {line}, colonne « Rôles » : {cell(cells, 'roles')!r} : un rôle, ou un "
                    f"par espace ({len(names)} espaces) ({RULE})"
                )
                continue
            for index, name in enumerate(names):
                label = spaces.get(fold(name))
                given = roles[index] if len(roles) == len(names) else (roles or [""])[0]
                role = _ROLES.get(fold(given)) if given else Role.VISITOR
                if role is None:
                    problems.append(
                        f"ligne {line}, colonne « Rôles » : {given!r} : rôle inconnu (valeurs : "
                        f"{', '.join(r.value for r in Role)}) ({RULE})"
                    )
                elif label is None:
                    unknown.add(name)
                else:
                    memberships.append(PlatformMembership(member.email or email, label, role.value))
            users.append(
                computed.get(member.email or "")
                or PlatformUser(member.email or email, member.first_name, member.last_name,
                                cell(cells, "organisation"))
            )  # fmt: skip
        if problems:
            raise ValidationError(
                f"{path.name} : {len(problems)} problème{'s' if len(problems) > 1 else ''}, rien "
                "n'a été enregistré :\n" + "\n".join(f"  {p}" for p in problems),
                rule=RULE,
                value=str(path),
            )
        state = PlatformState.of(users, memberships)
        still = {m.email for m in current.memberships}
        without = tuple(sorted({m.email for m in state.memberships} - still))
        export_id = None
        if not dry_run:
            number = uow.platform_exports.count({"platform": platform}) + 1
            export_id = f"{platform}-{number:06d}"
            uow.platform_exports.add(
                PlatformExport(export_id, platform, deps.now(), True, state, exported_by=actor.id)
            )
    return PlatformImport(
        platform, path.name, dry_run, tuple(u.email for u in state.users), len(state.memberships),
        tuple(unmatched), tuple(sorted(unknown)), without, export_id,
    )  # fmt: skip
