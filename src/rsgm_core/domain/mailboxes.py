"""CHA-6 (revised): an address is a person's, never a shared mailbox.

Shared means a generic local part (``mairie``, ``accueil``, ``contact``, ``secretariat`` or
``secrétariat``, ``info``, ``administration`` and the like), alone, first, or combined only with
other generic words, connectors and the commune's name, whatever the separator (``mairie.aubigny@``,
``mairie-de-voinsles@``, ``secretariat.mairie@``, ``mairie+sgm@``, ``accueil-sauze@``); or a local
part that is the commune's name itself, bare or after ``mairie``/``commune``/``ville``
(``voinsles@wanadoo.fr`` for Voinsles, ``mairie.niort@``). Accents, case and separators are
ignored. :func:`shared_mailbox` says why an address is shared, or ``None``; the members' and the
accounts' checks both use it (``members.validate_email``, ``access.check_nominative``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rsgm_core.domain.directory import fold

__all__ = ["GENERIC_WORDS", "shared_mailbox"]

#: Words that make a local part a shared mailbox, alone or combined (folded: no accent, no case).
GENERIC_WORDS = frozenset(
    {
        "mairie", "accueil", "contact", "secretariat", "info", "infos", "administration",
        "commune", "ville", "courrier", "etatcivil", "urbanisme", "standard", "hoteldeville",
    }
)  # fmt: skip
_CONNECTORS = frozenset({"de", "du", "des", "la", "le", "les", "l", "d", "et", "sur", "en"})
_TOWN_PREFIXES = ("mairie", "commune", "ville", "mairiede", "communede", "villede", "secretariat")


def _squeezed(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(text))  # "Sauzé-entre-Bois" → "sauzeentrebois"


def shared_mailbox(local: str, commune_names: Iterable[str] = ()) -> str | None:
    """Why the local part ``local`` is a shared mailbox (« générique », « de la commune »), or
    ``None`` for a person's (CHA-6)."""
    names = list(commune_names)
    base = fold(local.split("+", 1)[0])  # mairie+sgm: the tag after + changes nothing
    tokens = [t for t in re.split(r"[^a-z0-9]+", base) if t]
    if not tokens:
        return None
    if tokens[0] in GENERIC_WORDS or "".join(tokens) in GENERIC_WORDS:
        return "générique"
    town = {t for name in names for t in re.split(r"[^a-z0-9]+", fold(name)) if t}
    if any(t in GENERIC_WORDS for t in tokens) and all(
        t in GENERIC_WORDS or t in _CONNECTORS or t in town for t in tokens
    ):
        return "générique"
    squeezed = _squeezed(local.split("+", 1)[0])
    for name in names:
        folded = _squeezed(name)
        if folded and (squeezed == folded or any(squeezed == p + folded for p in _TOWN_PREFIXES)):
            return "de la commune"
    return None
