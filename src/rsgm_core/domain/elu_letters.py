"""What writing to élus did (MEM-12, EVT-2): a round of e-mails, a printed mail-merge."""

from __future__ import annotations

import attrs

from rsgm_core.domain.elus import LetterKind

__all__ = ["LetterRound", "MailMerge"]


@attrs.frozen
class LetterRound:
    """MEM-12: one round of a letter by e-mail: ``sent``, the élus it went to this round (by
    name, with their title and place); ``already``, how many had it before; ``to_print``, the
    élus it is for who have no address (for the mail-merge)."""

    kind: LetterKind
    sent: tuple[str, ...] = ()
    already: int = 0
    to_print: tuple[str, ...] = ()
    event_id: str | None = None


@attrs.frozen
class MailMerge:
    """MEM-12: a printable mail-merge, one page per recipient (``recipients`` by name): HTML,
    or PDF with the ``pdf`` extra."""

    kind: LetterKind
    filename: str
    content_type: str
    content: bytes
    recipients: tuple[str, ...] = ()
    event_id: str | None = None

    @property
    def pages(self) -> int:
        return len(self.recipients)
