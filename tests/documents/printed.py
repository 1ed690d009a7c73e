"""What the printed-document tests read in a PDF with pdfplumber (a PDF text-position reader that
the project does not use to write them): every character with its box, size and page, and the
filled rectangles of the charts' bars."""

from __future__ import annotations

import io
import itertools
from typing import Any

import attrs
import pdfplumber

from rsgm_core.render.report_charts import BAR_COLOURS

MM = 72 / 25.4  # PDF points per millimetre
#: the report's @page margins (render/report.py): top, right, bottom, left, in mm
MARGINS = (18.0, 15.0, 20.0, 15.0)
#: the fill colours of the charts' bars (render/report_charts.py), as pdfplumber reads them
SLACK = 0.5  # points: rounding of the PDF's coordinates


@attrs.frozen
class Page:
    number: int
    width: float
    height: float
    chars: list[dict[str, Any]]
    bars: list[dict[str, Any]]
    text: str  # the page's text, its spaces (no-break ones too) as single spaces


def _rgb(colour: str) -> tuple[float, float, float]:
    return tuple(int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


def _is_bar(rect: dict[str, Any]) -> bool:
    fill = rect.get("non_stroking_color")
    if not rect.get("fill") or not isinstance(fill, (tuple, list)) or len(fill) != 3:
        return False
    return any(
        all(abs(a - b) < 0.01 for a, b in zip(fill, _rgb(c), strict=True)) for c in BAR_COLOURS
    )


def read_pdf(content: bytes) -> list[Page]:
    pages = []
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            text = page.extract_text() or ""
            text = " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())
            bars = [r for r in page.rects if _is_bar(r)]
            pages.append(
                Page(number, float(page.width), float(page.height), list(page.chars), bars, text)
            )
    return pages


def outside_margins(pages: list[Page]) -> list[str]:
    """The characters that lie outside the page's margins: the body in the text box, the page
    number in the bottom margin but 8 mm or more from the paper's edge."""
    top, right, bottom, left = (m * MM for m in MARGINS)
    found = []
    for page in pages:
        for c in page.chars:
            footer = c["top"] >= page.height - bottom - SLACK
            low = page.height - (8 * MM if footer else bottom)
            if (
                c["x0"] < left - SLACK
                or c["x1"] > page.width - right + SLACK
                or c["top"] < top - SLACK
                or c["bottom"] > low + SLACK
            ):
                found.append(
                    f"page {page.number}: {c['text']!r} at x {c['x0'] / MM:.1f}-"
                    f"{c['x1'] / MM:.1f} mm, y {c['top'] / MM:.1f}-{c['bottom'] / MM:.1f} mm"
                )
    return found


def smaller_than(pages: list[Page], points: float) -> list[str]:
    return [
        f"page {p.number}: {c['text']!r} at {c['size']:.2f} pt"
        for p in pages
        for c in p.chars
        if c["size"] < points - 0.01 and c["text"].strip()
    ]


def over_bars(pages: list[Page]) -> list[str]:
    """The characters printed over a bar of a chart (a label or a value overlapping it)."""
    found = []
    for page in pages:
        for c in page.chars:
            if not c["text"].strip():
                continue
            for r in page.bars:
                if (
                    c["x0"] < r["x1"] - SLACK
                    and c["x1"] > r["x0"] + SLACK
                    and c["top"] < r["bottom"] - SLACK
                    and c["bottom"] > r["top"] + SLACK
                ):
                    found.append(f"page {page.number}: {c['text']!r} over a bar")
    return found


def overlapping(pages: list[Page]) -> list[str]:
    """Characters of one line printed over each other (a cell's text running into the next
    cell, a label into a value): on each line, each character starts where the one before ends,
    give or take the kerning of a pair (a fifth of the font's size)."""
    found = []
    for page in pages:
        lines: dict[int, list[dict[str, Any]]] = {}
        for c in page.chars:
            if c["text"].strip():
                lines.setdefault(round(c["top"]), []).append(c)
        for chars in lines.values():
            chars.sort(key=lambda c: c["x0"])
            for before, after in itertools.pairwise(chars):
                if after["x0"] < before["x1"] - 0.2 * before["size"]:  # kerning: "Ta", "Vo"
                    found.append(
                        f"page {page.number}: {before['text']!r} and {after['text']!r} overlap "
                        f"at {after['x0'] / MM:.1f} mm, {after['top'] / MM:.1f} mm"
                    )
    return found


def text_of(pages: list[Page]) -> str:
    return " ".join(p.text for p in pages)
