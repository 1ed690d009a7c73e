"""IND-2: the annual activity report as Markdown, as one self-contained HTML page with inline
SVG charts (participation per event, coverage per EPCI, arrivals and departures per month), and
as PDF (``pdf`` extra). French formatting throughout."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from rsgm_core.domain.governance import ObjectiveKind
from rsgm_core.domain.indicators import NOT_AVAILABLE, AnnualReport, Indicator, MonthMoves
from rsgm_core.errors import MissingExtraError
from rsgm_core.render.formatting import format_date, format_number, format_percent
from rsgm_core.render.french import plural

if TYPE_CHECKING:
    from decimal import Decimal

__all__ = ["SECTIONS", "format_indicator", "render_html", "render_markdown", "render_pdf"]

SECTIONS = (
    "1. Description du réseau",
    "2. Actions et évaluation",
    "3. Projets pour l'année à venir",
)
_MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")  # fmt: skip


_KINDS = {ObjectiveKind.STRATEGIC: "stratégique", ObjectiveKind.OPERATIONAL: "opérationnel"}


def format_indicator(indicator: Indicator, *, locale: str = "fr_FR") -> str:
    """An indicator's value as text: a rate as a percentage with one decimal, a count as a
    number, and "non disponible" when the data is absent (never 0)."""
    if indicator.value is None:
        return NOT_AVAILABLE
    if indicator.unit == "%":
        return format_percent(indicator.value, locale=locale, decimals=1)
    return format_number(indicator.value, locale=locale)


def _pct(value: Decimal | None) -> str:
    return NOT_AVAILABLE if value is None else format_percent(value, decimals=1)


def _event_rows(report: AnnualReport) -> list[list[str]]:
    return [
        [
            format_date(e.first_date, format="d MMM yyyy"), e.title, format_number(e.invited),
            format_number(e.registered), format_number(e.attendees),
            _pct(e.participation), _pct(e.satisfaction),
        ]
        for e in report.events
    ]  # fmt: skip


#: IND-2: said in the report when the profile gives no CDG identity (no name is invented).
NO_IDENTITY = (
    "Identité du centre de gestion non renseignée : ajoutez la section [cdg] au profil "
    "(rsgm.toml) pour que le rapport nomme le CDG et ses départements."
)


def _heading(report: AnnualReport) -> list[str]:
    return [] if report.cdg else [NO_IDENTITY]


def _origin(report: AnnualReport) -> list[str]:
    lines = [f"Réseau : {report.network}."] if report.network else []
    if report.created_on:
        lines.append(f"Réseau créé le {format_date(report.created_on)}.")
    if report.purpose:
        lines.append(f"Objet : {report.purpose}")
    if report.charter_scope:
        lines.append(f"Périmètre : {report.charter_scope}")
    return (
        lines if report.created_on or report.purpose or report.charter_scope else
        [*lines, "Origine du réseau non renseignée (charte de fonctionnement à enregistrer)."]
    )  # fmt: skip


def _members(report: AnnualReport) -> list[tuple[str, str]]:
    rows = [(i.label, format_indicator(i)) for i in report.member_figures]
    return [*rows, ("Réseaux communautaires", str(report.community_networks))]


def _organisation(report: AnnualReport) -> list[str]:
    lines = [
        f"{h.role.value.replace('_', ' ').capitalize()} : {', '.join(h.names)}"
        for h in report.organisation
    ]
    return [*lines, f"Instances de gouvernance : {report.committees}"]


def _objectives(report: AnnualReport) -> list[str]:
    return [
        f"({_KINDS.get(o.kind, o.kind.value)}) {o.text} — "
        + ", ".join(f"{i.label} : {format_indicator(i)}" for i in o.indicators)
        for o in report.objectives
    ]


def _counted(indicator: Indicator, singular: str, many: str) -> str:
    """A count with its noun agreeing ("1 événement"), or "non disponible : événements"."""
    if indicator.value is None:
        return f"{many} : {NOT_AVAILABLE}"
    return plural(int(indicator.value), singular, many)


def _means(report: AnnualReport) -> list[str]:
    return [
        plural(report.partners, "partenaire"),
        _counted(report.indicator("evenements"), "événement", "événements") + " dans l'année",
        _counted(
            report.indicator("lettres_envoyees"),
            "lettre d'information envoyée",
            "lettres d'information envoyées",
        ),
    ]


_EVENT_HEAD = [
    "Date",
    "Événement",
    "Invités",
    "Inscrits",
    "Présents",
    "Participation",
    "Satisfaction",
]


def _coverage_table(report: AnnualReport) -> tuple[list[str], list[list[str]]]:
    """IND-1: the legal scope (communes < 3,500) and, beside it, the target public (TER-3)."""
    head = ["EPCI", "Communes couvertes", "Communes < 3 500 hab.", "Couverture"]
    rows = [
        [c.name, format_number(c.covered), format_number(c.communes), _pct(c.share)]
        for c in report.coverage
    ]
    if report.target_below is None:
        return head, rows
    below = f"{report.target_below:,}".replace(",", " ")  # as "3 500" in the labels
    head += [f"Communes < {below} hab. couvertes", f"Communes < {below} hab.", "Couverture cible"]
    for row, c in zip(rows, report.coverage, strict=True):
        row += [
            format_number(c.target_covered or 0),
            format_number(c.target_communes or 0),
            _pct(c.target_share),
        ]
    return head, rows


def _md_table(head: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    out += ["| " + " | ".join(c.replace("|", "/") for c in row) + " |" for row in rows]
    return out


def render_markdown(report: AnnualReport) -> str:
    """The report as Markdown, French formatting throughout."""
    lines = [
        f"# {report.title}",
        "",
        *[f"> {line}\n" for line in _heading(report)],
        f"Édité le {format_date(report.generated_on)}.",
        "",
        f"## {SECTIONS[0]}",
        "",
        "### Origine",
        "",
        *[f"- {line}" for line in _origin(report)],
        "",
        "### Membres",
        "",
        *[f"- {label} : {value}" for label, value in _members(report)],
        "",
        "### Organisation",
        "",
        *[f"- {line}" for line in _organisation(report)],
        "",
        "### Objectifs",
        "",
    ]
    if not report.objectives:
        lines.append("- Aucun objectif enregistré.")
    lines += [f"- {line}" for line in _objectives(report)]
    lines += ["", "### Moyens", "", *[f"- {m}" for m in _means(report)], ""]
    lines += [f"## {SECTIONS[1]}", "", "### Indicateurs de l'année", ""]
    lines += _md_table(
        ["Indicateur", "Valeur"], [[i.label, format_indicator(i)] for i in report.indicators]
    )
    lines += ["", "### Événements et leurs indicateurs", ""]
    lines += _md_table(_EVENT_HEAD, _event_rows(report)) if report.events else ["Aucun événement."]
    lines += ["", "### Couverture territoriale par EPCI", ""]
    lines += _md_table(*_coverage_table(report))
    lines += ["", "### Boîte à outils et demandes de conseil", ""]
    lines += _md_table(
        ["Indicateur", "Valeur"], [[i.label, format_indicator(i)] for i in report.knowledge]
    )
    lines += ["", f"## {SECTIONS[2]}", ""]
    lines += [f"- {p}" for p in report.projects] or ["Aucun projet saisi par l'animateur."]
    return "\n".join(lines) + "\n"


# -- HTML and SVG -------------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{color:#1d4e89}h2{border-bottom:2px solid #1d4e89;padding-bottom:.2rem;margin-top:2.5rem}
table{border-collapse:collapse;width:100%;margin:1rem 0}td,th{border:1px solid #ccc;padding:.3rem .5rem}
th{background:#eef3f9;text-align:left}td.n{text-align:right}.kpis{display:flex;flex-wrap:wrap;gap:.8rem}
.kpi{border:1px solid #cdd9e8;border-radius:.5rem;padding:.6rem .9rem;min-width:11rem}
.kpi b{display:block;font-size:1.4rem;color:#1d4e89}figure{margin:1rem 0}svg text{font-size:11px}
.alerte{border-left:4px solid #b35c00;padding:.4rem .8rem;background:#fff4e5}
"""


def _bars(chart_id: str, title: str, rows: list[tuple[str, Decimal | None]]) -> str:
    """Horizontal bars of shares in [0, 1]; a missing value shows "non disponible"."""
    height = 24 * len(rows) + 30
    parts = [
        f'<svg id="{chart_id}" role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg" '
        f'width="640" height="{height}" viewBox="0 0 640 {height}">',
        f'<title>{escape(title)}</title>',
    ]  # fmt: skip
    for index, (label, value) in enumerate(rows):
        y = 10 + 24 * index
        parts.append(f'<text x="0" y="{y + 14}">{escape(label[:38])}</text>')
        if value is None:
            parts.append(f'<text x="260" y="{y + 14}" fill="#888">{NOT_AVAILABLE}</text>')
            continue
        width = max(1, round(float(value) * 300))
        parts.append(f'<rect x="260" y="{y}" width="{width}" height="18" fill="#1d4e89"/>')
        parts.append(f'<text x="{268 + width}" y="{y + 14}">{_pct(value)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _moves_chart(moves: tuple[MonthMoves, ...]) -> str:
    top = max([1, *(max(m.arrivals, m.departures) for m in moves)])
    width, height, step = 640, 220, 640 // max(1, len(moves))
    parts = [
        f'<svg id="graphique-mouvements" role="img" aria-label="Arrivées et départs par mois" '
        f'xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
        "<title>Arrivées et départs par mois</title>",
        '<rect x="10" y="4" width="10" height="10" fill="#2a9d8f"/><text x="24" y="13">arrivées</text>',
        '<rect x="110" y="4" width="10" height="10" fill="#e76f51"/><text x="124" y="13">départs</text>',
    ]  # fmt: skip
    for index, (month, arrivals, departures) in enumerate(
        (m.month, m.arrivals, m.departures) for m in moves
    ):
        x = index * step + 8
        for offset, count, colour in ((0, arrivals, "#2a9d8f"), (step // 3, departures, "#e76f51")):
            bar = round(150 * count / top)
            parts.append(
                f'<rect x="{x + offset}" y="{190 - bar}" width="{step // 3}" height="{bar}" '
                f'fill="{colour}"><title>{month} : {count}</title></rect>'
            )
        label = _MONTHS[int(month[5:]) - 1] if len(moves) <= 12 else month[2:]
        parts.append(f'<text x="{x}" y="205">{label}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _html_table(head: list[str], rows: list[list[str]], numeric_from: int = 1) -> str:
    th = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td{' class=n' if i >= numeric_from else ''}>{escape(c)}</td>"
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def render_html(report: AnnualReport) -> str:
    """The report as one self-contained HTML page with inline SVG charts."""

    def items(lines: list[str]) -> str:
        return "<ul>" + "".join(f"<li>{escape(x)}</li>" for x in lines) + "</ul>"

    kpis = "".join(
        f'<div class="kpi">{escape(i.label)}<b>{escape(format_indicator(i))}</b></div>'
        for i in report.indicators
    )
    objectives = _objectives(report) or ["Aucun objectif enregistré."]
    participation = [(e.title, e.participation) for e in report.events]
    coverage = [(c.name, c.share) for c in report.coverage]
    body = [
        f"<h1>{escape(report.title)}</h1>",
        *[f'<p class="alerte">{escape(line)}</p>' for line in _heading(report)],
        f"<p>Édité le {format_date(report.generated_on)}.</p>",
        f'<section id="description"><h2>{SECTIONS[0]}</h2>',
        "<h3>Origine</h3>", items(_origin(report)),
        "<h3>Membres</h3>", items([f"{a} : {b}" for a, b in _members(report)]),
        "<h3>Organisation</h3>", items(_organisation(report)),
        "<h3>Objectifs</h3>", items(objectives),
        "<h3>Moyens</h3>", items(_means(report)), "</section>",
        f'<section id="actions"><h2>{SECTIONS[1]}</h2>',
        f'<h3>Indicateurs de l\'année</h3><div class="kpis">{kpis}</div>',
        "<h3>Participation par événement</h3><figure>",
        _bars("graphique-participation", "Participation par événement (présents / invités)", participation),
        "</figure>",
        _html_table(_EVENT_HEAD, _event_rows(report), numeric_from=2) if report.events else "<p>Aucun événement.</p>",
        "<h3>Couverture territoriale par EPCI</h3><figure>",
        _bars("graphique-couverture", "Couverture des communes de moins de 3 500 habitants par EPCI", coverage),
        "</figure>", _html_table(*_coverage_table(report)) if report.target_below else "",
        "<h3>Arrivées et départs par mois</h3><figure>", _moves_chart(report.moves), "</figure>",
        "<h3>Boîte à outils et demandes de conseil</h3>",
        _html_table(["Indicateur", "Valeur"], [[i.label, format_indicator(i)] for i in report.knowledge]),
        "</section>",
        f'<section id="projets"><h2>{SECTIONS[2]}</h2>',
        items(list(report.projects)) if report.projects else "<p>Aucun projet saisi par l'animateur.</p>",
        "</section>",
    ]  # fmt: skip
    return (
        '<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8">'
        f"<title>{escape(report.title)}</title><style>{_CSS}</style></head>"
        f"<body>{''.join(body)}</body></html>\n"
    )


def render_pdf(report: AnnualReport) -> bytes:
    """The report as PDF (the ``pdf`` extra: WeasyPrint)."""
    try:
        import weasyprint
    except ImportError:
        raise MissingExtraError("le rapport en PDF", "pdf", "weasyprint") from None
    return weasyprint.HTML(string=render_html(report)).write_pdf()
