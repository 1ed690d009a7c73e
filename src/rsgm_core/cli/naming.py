"""How every command names a record and shows one: the same rule everywhere (a full id, an id
prefix of 8 characters or more, or a person's e-mail: ``app.records``), and people shown by name,
communes by name and INSEE code."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rsgm_core.app import App
    from rsgm_core.domain.members import Member

__all__ = [
    "MEMBER_HELP",
    "RECORD_HELP",
    "commune_label",
    "commune_labels",
    "find_member",
    "member_label",
    "of",
    "resolve",
    "short",
]

#: What the help says of an argument naming a person, and of one naming another record.
MEMBER_HELP = "identifiant (ou ses 8 premiers caractères au moins) ou adresse électronique"
RECORD_HELP = "identifiant (ou ses 8 premiers caractères au moins)"


def resolve(app: App, kind: str, ref: str, *, rule: str | None = None) -> str:
    """The full id of the record of ``kind`` that ``ref`` names (:mod:`rsgm_core.services.naming`);
    ``rule``, the rule of the act, is named by a refusal."""
    return app.records.resolve(kind, ref, rule=rule).id


def find_member(app: App, ref: str, *, rule: str | None = None) -> Member:
    """A member by id, id prefix (8 characters or more) or e-mail."""
    return app.members.get(resolve(app, "members", ref, rule=rule))


def of(name: str) -> str:
    """« de Marie Dupont », « d'Élodie Rousseau »: French elides « de » before a vowel."""
    elided = bool(name) and name[0].lower() in "aeiouyàâäéèêëîïôöùûü"
    return f"d'{name}" if elided else f"de {name}"


def member_label(app: App, member_id: str) -> str:
    """``Marie Dupont (Niort, 79191)``: the person, and the communes of their positions."""
    return app.records.resolve("members", member_id).name


def short(record_id: str) -> str:
    """An id as listings show it: its first 8 characters, enough to name it again."""
    return record_id[:8]


def commune_labels(app: App, codes: Iterable[str | None]) -> dict[str, str]:
    """``{"79191": "Niort (79191)"}`` for each code (the bare code for one the census lacks)."""
    wanted = sorted({c for c in codes if c})
    if not wanted:
        return {}
    with app.deps.read() as uow:
        names = {c.code: c.name for c in uow.communes.list({"code": wanted})}
    return {code: f"{names[code]} ({code})" if code in names else code for code in wanted}


def commune_label(app: App, code: str | None) -> str:
    """``Niort (79191)``."""
    return commune_labels(app, [code]).get(code or "", code or "")
