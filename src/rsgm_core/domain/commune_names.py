"""Finding a commune by the name a spreadsheet gives it (MEM-1).

Names compare folded: accents, case, hyphens and apostrophes ignored, « St »/« Ste » read as
« Saint »/« Sainte », « s/ » as « sur », and an article put after the name (« Ferté-sous-Jouarre
(La) ») read in front. Homonyms (there are 11 « Saint-Martin » in France, several in one region)
are told apart by the department when the sheet has one, else by the CDG's departments; what is
still ambiguous is reported with the candidates (name, code, department).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import attrs

from rsgm_core.domain.directory import fold
from rsgm_core.domain.territory import Commune

__all__ = ["CommuneIndex", "CommuneMatch", "looks_like_code", "name_key"]

_CODE = re.compile(r"(?:\d{5}|2[AaBb]\d{3})")
_ARTICLE_AFTER = re.compile(r"^(.*?)\s*\((le|la|les|l)\)$")
_WORDS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes", "s/": "sur"}


def looks_like_code(text: str) -> bool:
    """An INSEE code (5 characters: digits, or 2A/2B for Corsica)."""
    return bool(_CODE.fullmatch(text.strip()))


def name_key(name: str) -> str:
    """The comparable form of a commune's name: « St-Germain-sur-Morin » and « SAINT GERMAIN SUR
    MORIN » give the same key; « Ferté-sous-Jouarre (La) » that of « La Ferté-sous-Jouarre »."""
    text = (name or "").strip().replace("s/", " sur ").replace("S/", " sur ")
    folded = fold(text)
    moved = _ARTICLE_AFTER.match(folded)
    if moved:
        folded = f"{moved.group(2)} {moved.group(1)}"
    words = [_WORDS.get(w, w) for w in re.split(r"[\s()]+", folded) if w]
    return " ".join(words)


def _department_code(text: str) -> str:
    text = (text or "").strip().upper()
    return text.zfill(2) if text.isdigit() and len(text) < 2 else text


@attrs.frozen
class CommuneMatch:
    """What a name resolves to: one ``commune``, or a French ``problem`` (with the candidates)."""

    commune: Commune | None
    problem: str | None = None
    candidates: tuple[Commune, ...] = ()


class CommuneIndex:
    """The stored communes by code and by name key, for one import."""

    def __init__(self, communes: Iterable[Commune], departements: Sequence[str] = ()) -> None:
        self.by_code: dict[str, Commune] = {}
        self.by_name: dict[str, list[Commune]] = {}
        for commune in communes:
            self.by_code[commune.code] = commune
            self.by_name.setdefault(name_key(commune.name), []).append(commune)
        self.departements = tuple(departements)

    def by_name_in(self, name: str, departement: str = "") -> CommuneMatch:
        """The commune called ``name``; homonyms resolved by ``departement`` (the sheet's), else by
        the CDG's departments."""
        found = self.by_name.get(name_key(name), [])
        current = [c for c in found if c.active] or found
        if not current:
            return CommuneMatch(None, f"commune introuvable : « {name} »")
        dep = _department_code(departement)
        if dep:
            current = [c for c in current if c.departement == dep]
            if not current:
                where = ", ".join(_describe(c) for c in found)
                return CommuneMatch(
                    None, f"aucune commune « {name} » dans le département {dep} (connues : {where})"
                )
        if len(current) > 1 and self.departements:
            ours = [c for c in current if c.departement in self.departements]
            current = ours or current
        if len(current) == 1:
            return CommuneMatch(current[0])
        listed = " ; ".join(_describe(c) for c in current)
        return CommuneMatch(
            None,
            f"commune ambiguë : « {name} » désigne plusieurs communes ({listed}) : "
            "donnez le code INSEE ou le département",
            tuple(current),
        )


def _describe(commune: Commune) -> str:
    return f"{commune.name}, {commune.code}, département {commune.departement}"
