"""The headers a kind of import recognises (MEM-1, MEM-12): one vocabulary per kind of sheet,
read by the one header reader of :mod:`~.member_import` (:func:`~.member_import.read_header`).

The members' vocabulary is :mod:`~.import_vocabulary`'s; the élus' import brings its own
(:mod:`~.elu_import`). Headers compare folded (accents, case, hyphens and apostrophes ignored).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import attrs

from rsgm_core.domain.directory import fold

__all__ = ["HeaderVocabulary"]


@attrs.frozen
class HeaderVocabulary:
    """Field → its folded header synonyms (``fields``), field → its French name (``labels``,
    also accepted in ``--colonne`` and ``--par-defaut``), the fields a sheet must have
    (``required``) and the rule its refusals name."""

    fields: Mapping[str, tuple[str, ...]]
    labels: Mapping[str, str]
    required: tuple[str, ...]
    rule: str = "MEM-1"
    _aliases: dict[str, str] = attrs.field(init=False, factory=dict, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        aliases = {alias: f for f, names in self.fields.items() for alias in names}
        aliases |= {fold(label): f for f, label in self.labels.items()}
        self._aliases.update(aliases)

    def field_of(self, name: str, *, header: bool = True) -> str | None:
        """The field a header stands for; with ``header=False`` a field's own name first."""
        key = fold(name or "")
        if not header and key.replace(" ", "_") in self.fields:
            return key.replace(" ", "_")
        return self._aliases.get(key) or self._aliases.get(re.sub(r"\s*\(.*\)$", "", key))
