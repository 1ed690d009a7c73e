"""The printable mail-merge of a letter to élus (MEM-12): one page per recipient, the CDG of the
profile's ``[cdg]`` as the sender (name, address, "fait à …, le …", signatory), the recipient's
name, title and postal address, then the letter's text. HTML, or PDF with the ``pdf`` extra
(WeasyPrint): a page break between recipients."""

from __future__ import annotations

import html
from collections.abc import Sequence

import attrs

from rsgm_core.domain.profile import CdgIdentity
from rsgm_core.errors import MissingExtraError

__all__ = ["Letter", "mail_merge_html", "mail_merge_pdf"]

_STYLE = """
@page { size: A4; margin: 2cm; }
body { font-family: serif; font-size: 11pt; }
.letter { page-break-after: always; break-after: page; }
.letter:last-child { page-break-after: auto; break-after: auto; }
.sender { margin-bottom: 1.5cm; }
.recipient { margin-left: 9cm; margin-bottom: 1cm; }
.place { margin-left: 9cm; margin-bottom: 1cm; }
.subject { font-weight: bold; margin-bottom: 0.8cm; }
.signature { margin-left: 9cm; margin-top: 1cm; }
"""


@attrs.frozen
class Letter:
    """One page: the recipient's block (lines), the subject and the body (plain text)."""

    recipient: tuple[str, ...]
    subject: str
    body: str


def _lines(lines: Sequence[str]) -> str:
    return "<br>".join(html.escape(line) for line in lines if line)


def _paragraphs(text: str) -> str:
    blocks = [b.strip() for b in text.split("\n\n") if b.strip()]
    return "\n".join(f"<p>{_lines(b.splitlines())}</p>" for b in blocks)


def mail_merge_html(letters: Sequence[Letter], *, cdg: CdgIdentity, dated: str, title: str) -> str:
    """The pages of ``letters`` in one HTML document; ``dated``: the day, written out."""
    place, signatory, quality = cdg.signature_block()
    sender = _lines([cdg.name, *cdg.address_lines, cdg.email or ""])
    pages = [
        f"""<section class="letter">
<div class="sender">{sender}</div>
<div class="recipient">{_lines(letter.recipient)}</div>
<div class="place">{html.escape(f"À {place}, le {dated}")}</div>
<div class="subject">Objet : {html.escape(letter.subject)}</div>
{_paragraphs(letter.body)}
<div class="signature">{_lines([quality, signatory])}</div>
</section>"""
        for letter in letters
    ]
    return (
        f'<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>\n"
        + "\n".join(pages)
        + "\n</body></html>\n"
    )


def mail_merge_pdf(document: str) -> bytes:
    """The HTML mail-merge as a PDF, one page per letter (the ``pdf`` extra)."""
    try:
        import weasyprint
    except ImportError:
        raise MissingExtraError("le publipostage en PDF", "pdf", "weasyprint") from None
    return bytes(weasyprint.HTML(string=document).write_pdf())
