"""IND-2: the annual report's charts as inline SVG, made to be printed on A4 and read by a CDG's
board: an axis with its graduations and its title, the value written beside or above each bar,
a legend, text at 9.75 pt (13 px) and long labels wrapped on two lines, or cut with "…" and their
full text in an SVG ``<title>`` (a tooltip on screen).

Every chart is :data:`WIDTH` px wide: 680 CSS px is 180 mm, the text width of an A4 page with
15 mm margins, so a chart printed at its size never crosses a margin. The widths of texts are
estimated from :data:`EM` (wider than DejaVu Sans and Liberation Sans on average), so a label
ends before the bars begin.
"""

from __future__ import annotations

from decimal import Decimal
from html import escape
from typing import TYPE_CHECKING

import attrs

from rsgm_core.domain.indicators import NOT_AVAILABLE
from rsgm_core.render.formatting import format_number, format_percent

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = [
    "BAR_COLOURS", "EM", "FONT", "PER_CHART", "WIDTH", "Bar", "bar_chart", "bar_charts", "month_chart",
    "text_width", "wrap_label",
]  # fmt: skip

#: the chart's width in CSS px: 180 mm, the text width of an A4 page with 15 mm margins
WIDTH = 680
#: the font size of every text of a chart, in CSS px (13 px = 9.75 pt)
FONT = 13
#: the width of an average character, in em, used to wrap labels (DejaVu Sans: about 0.58)
EM = 0.62
_LINE = FONT + 4
#: the bars' colours (not used elsewhere on the page: a test finds the bars by them)
BAR_COLOURS = ("#2b5f9e", "#2a7f62", "#c2571a")
_BLUE, _GREEN, _ORANGE = BAR_COLOURS
_GREY, _INK = "#d0d7e2", "#222"


@attrs.frozen
class Bar:
    """One bar of :func:`bar_chart`: its label, its share in [0, 1] (``None``: not available),
    and the text written after it (default: the share as a percentage)."""

    label: str
    value: Decimal | None
    text: str | None = None


_NARROW = frozenset(" .,:;'!|()[]/-iljtfr")
_WIDE = frozenset("mwMW@%")


def text_width(text: str) -> float:
    """An upper estimate of ``text``'s width in px at :data:`FONT` (DejaVu Sans, Liberation Sans
    and Arial are narrower): capitals and wide letters count more than :data:`EM`, narrow ones
    less."""
    em = 0.0
    for char in text:
        if char in _WIDE:
            em += 1.0
        elif char in _NARROW:
            em += 0.36
        elif char.isupper():
            em += 0.76
        else:
            em += EM
    return em * FONT


def wrap_label(label: str, width: float, lines: int = 2) -> tuple[list[str], bool]:
    """``label`` on at most ``lines`` lines of ``width`` px (:func:`text_width`); the second
    element says whether it was cut (then ended with "…", the full text going into the chart's
    ``<title>``)."""
    out: list[str] = [""]
    for word in label.split():
        candidate = f"{out[-1]} {word}".strip()
        if text_width(candidate) <= width:
            out[-1] = candidate
        elif len(out) < lines and text_width(word) <= width:
            out.append(word)
        else:
            while candidate and text_width(candidate + "…") > width:
                candidate = candidate[:-1]
            out[-1] = candidate.rstrip() + "…"
            return out, True
    return out, False


def _text(x: float, y: float, text: str, *, anchor: str = "start", weight: str = "") -> str:
    bold = ' font-weight="bold"' if weight else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{FONT}" text-anchor="{anchor}" '
        f'fill="{_INK}"{bold}>{escape(text)}</text>'
    )


def _svg(chart_id: str, title: str, height: int, body: list[str]) -> str:
    return (
        f'<svg id="{chart_id}" class="graphique" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" font-family="DejaVu Sans, Liberation Sans, Arial, '
        f'sans-serif"><title>{escape(title)}</title>{"".join(body)}</svg>'
    )


def _legend(y: float, items: Sequence[tuple[str, str]]) -> list[str]:
    parts, x = [], 0.0
    for colour, text in items:
        parts.append(f'<rect x="{x:.1f}" y="{y - 11:.1f}" width="12" height="12" fill="{colour}"/>')
        parts.append(_text(x + 18, y, text))
        x += 18 + text_width(text) + 24
    return parts


def _scale_top(largest: Decimal) -> tuple[Decimal, Decimal]:
    """The axis' end and step for shares up to ``largest``: whole percents, 4 or 5 steps."""
    for top, step in (("0.05", "0.01"), ("0.1", "0.02"), ("0.2", "0.05"), ("0.25", "0.05"),
                      ("0.5", "0.1")):  # fmt: skip
        if largest <= Decimal(top):
            return Decimal(top), Decimal(step)
    return Decimal(1), Decimal("0.25")


def bar_chart(chart_id: str, title: str, bars: Sequence[Bar], *, axis: str, legend: str) -> str:
    """Horizontal bars of shares with their labels on the left (wrapped, or cut with the full
    text in a ``<title>``), the value after each bar, a graduated axis in percent and its
    ``axis`` title under it, and a ``legend`` above."""
    label_width, x0, x1 = 230.0, 240.0, 520.0  # 160 px after the bars: "100,0 % (120 / 120)"
    wrapped = [wrap_label(b.label, label_width) for b in bars]
    row = 2 * _LINE + 8 if any(len(lines) > 1 for lines, _ in wrapped) else _LINE + 10
    top = 30
    largest = max((b.value for b in bars if b.value is not None), default=Decimal(0))
    end, step = _scale_top(Decimal(largest))
    plot_bottom = top + row * max(1, len(bars))
    parts = _legend(16, [(_BLUE, legend)])

    def x_of(value: Decimal) -> float:
        return x0 + float(min(value, end) / end) * (x1 - x0)

    tick = Decimal(0)
    while tick <= end:
        x = x_of(tick)
        parts.append(  # a tick under the axis: no line crosses the values written on the right
            f'<line x1="{x:.1f}" y1="{plot_bottom}" x2="{x:.1f}" y2="{plot_bottom + 4}" '
            f'stroke="{_INK}"/>'
        )
        parts.append(_text(x, plot_bottom + _LINE, format_percent(tick), anchor="middle"))
        tick += step
    parts.append(
        f'<line x1="{x0}" y1="{plot_bottom}" x2="{x1}" y2="{plot_bottom}" stroke="{_INK}"/>'
    )
    half = text_width(axis) / 2  # centred under the bars, but never past the chart's edges
    centre = min(max((x0 + x1) / 2, half), WIDTH - half)
    parts.append(_text(centre, plot_bottom + 2 * _LINE + 4, axis, anchor="middle"))
    if not bars:
        parts.append(_text(x0 + 8, top + _LINE, "aucune donnée pour l'année"))
    for index, (bar, (lines, _)) in enumerate(zip(bars, wrapped, strict=True)):
        y = top + index * row
        parts.append(f"<g><title>{escape(bar.label)}</title>")
        first = y + (row - len(lines) * _LINE) / 2 + FONT - 1
        parts += [_text(0, first + i * _LINE, line) for i, line in enumerate(lines)]
        middle = y + row / 2
        if bar.value is None:
            parts.append(_text(x0 + 6, middle + FONT / 2 - 2, NOT_AVAILABLE))
        else:
            width = max(1.0, x_of(bar.value) - x0)
            parts.append(
                f'<rect x="{x0}" y="{middle - 8:.1f}" width="{width:.1f}" height="16" '
                f'fill="{_BLUE}"/>'
            )
            text = bar.text or format_percent(bar.value, decimals=1)
            parts.append(_text(x0 + width + 6, middle + FONT / 2 - 2, text))
        parts.append("</g>")
    height = plot_bottom + 2 * _LINE + 12
    return _svg(chart_id, title, height, parts)


#: the most bars in one chart: a longer list is drawn as several charts, each on one page
PER_CHART = 14


def bar_charts(
    chart_id: str, title: str, bars: Sequence[Bar], *, axis: str, legend: str
) -> list[str]:
    """:func:`bar_chart` by :data:`PER_CHART` bars (ids ``chart_id``, ``chart_id-2`` …, titles
    ending with "(suite)"), so that no chart is taller than a page."""
    chunks = [bars[i : i + PER_CHART] for i in range(0, len(bars), PER_CHART)] or [bars]
    return [
        bar_chart(
            chart_id if n == 0 else f"{chart_id}-{n + 1}", title if n == 0 else f"{title} (suite)",
            chunk, axis=axis, legend=legend,
        )
        for n, chunk in enumerate(chunks)
    ]  # fmt: skip


_MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")  # fmt: skip


def _integer_step(top: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if top / step <= 5:
            return step
    return -(-top // 5)


def month_chart(
    chart_id: str,
    title: str,
    months: Sequence[tuple[str, int, int]],
    *,
    series: tuple[str, str],
    axis: str,
    empty: str,
) -> str:
    """Two bars per month (``(YYYY-MM, first, second)``), the count written above each bar that
    is not zero, a graduated vertical axis in whole numbers (its title ``axis`` above it), the
    months under the bars, and a legend with each series' total; ``empty`` is written across the
    chart when every count is zero."""
    x0, x1, top, bottom = 48.0, float(WIDTH - 6), 56.0, 236.0
    largest = max([0, *(max(a, d) for _, a, d in months)])
    step = _integer_step(max(1, largest))
    end = step * -(-max(1, largest) // step)
    totals = (sum(a for _, a, _ in months), sum(d for _, _, d in months))
    parts = _legend(16, [
        (_GREEN, f"{series[0]} ({format_number(totals[0])})"),
        (_ORANGE, f"{series[1]} ({format_number(totals[1])})"),
    ])  # fmt: skip
    parts.append(_text(0, top - 22, axis))

    def y_of(count: int) -> float:
        return bottom - (bottom - top) * count / end

    for tick in range(0, end + 1, step):
        y = y_of(tick)
        parts.append(f'<line x1="{x0}" y1="{y:.1f}" x2="{x1}" y2="{y:.1f}" stroke="{_GREY}"/>')
        parts.append(_text(x0 - 6, y + FONT / 2 - 2, format_number(tick), anchor="end"))
    parts.append(f'<line x1="{x0}" y1="{top - 6}" x2="{x0}" y2="{bottom}" stroke="{_INK}"/>')
    parts.append(f'<line x1="{x0}" y1="{bottom}" x2="{x1}" y2="{bottom}" stroke="{_INK}"/>')
    slot = (x1 - x0) / max(1, len(months))
    bar = min(22.0, (slot - 6) / 2)
    for index, (month, first, second) in enumerate(months):
        centre = x0 + slot * (index + 0.5)
        for offset, count, colour in ((-bar, first, _GREEN), (0.0, second, _ORANGE)):
            if not count:
                continue
            y = y_of(count)
            parts.append(
                f'<rect x="{centre + offset:.1f}" y="{y:.1f}" width="{bar:.1f}" '
                f'height="{bottom - y:.1f}" fill="{colour}"><title>{escape(month)} : '
                f"{count}</title></rect>"
            )
            parts.append(_text(centre + offset + bar / 2, y - 4, format_number(count), anchor="middle"))  # fmt: skip
        label = _MONTHS[int(month[5:]) - 1] if len(months) <= 12 else month[2:]
        parts.append(_text(centre, bottom + _LINE, label, anchor="middle"))
    if not any(totals):
        parts.append(_text((x0 + x1) / 2, (top + bottom) / 2, empty, anchor="middle"))
    return _svg(chart_id, title, int(bottom + _LINE + 10), parts)
