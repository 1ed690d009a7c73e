"""IND-2: the annual activity report as Markdown, as one self-contained HTML page with inline
SVG charts (participation per event, coverage per EPCI, arrivals and departures per month), and
as PDF (``pdf`` extra). French formatting throughout."""

from __future__ import annotations

import datetime as dt
import re
from html import escape
from typing import TYPE_CHECKING

from rsgm_core.domain.governance import ObjectiveKind
from rsgm_core.domain.indicators import NOT_AVAILABLE, AnnualReport, Indicator
from rsgm_core.domain.report_sections import ReportPart
from rsgm_core.errors import MissingExtraError
from rsgm_core.render.formatting import format_date, format_number, format_percent
from rsgm_core.render.french import plural
from rsgm_core.render.report_charts import Bar, bar_charts, month_chart

if TYPE_CHECKING:
    from decimal import Decimal

__all__ = ["SECTIONS", "format_indicator", "render_html", "render_markdown", "render_pdf"]

SECTIONS = (
    "1. Description du réseau",
    "2. Actions et évaluation",
    "3. Projets pour l'année à venir",
)


_KINDS = {ObjectiveKind.STRATEGIC: "stratégique", ObjectiveKind.OPERATIONAL: "opérationnel"}


def format_indicator(indicator: Indicator, *, locale: str = "fr_FR") -> str:
    """An indicator's value as text: a rate as a percentage with one decimal, a count as a
    number, and "non disponible" when the data is absent (never 0)."""
    if indicator.value is None:
        return NOT_AVAILABLE
    if indicator.unit == "%":
        return format_percent(indicator.value, locale=locale, decimals=1)
    return format_number(indicator.value, locale=locale)


_RULE_ID = re.compile(r"\s*\([A-Z]{3}-\d+\)")


def _label(indicator: Indicator) -> str:
    """An indicator's label as the report prints it: a document for élus and the board carries
    no rule ID ("Ressources à revoir (KNB-3)" is "Ressources à revoir"); they stay in errors."""
    return _RULE_ID.sub("", indicator.label)


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
    rows = [(_label(i), format_indicator(i)) for i in report.member_figures]
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
        + ", ".join(f"{_label(i)} : {format_indicator(i)}" for i in o.indicators)
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


def _md_sections(report: AnnualReport, part: ReportPart) -> list[str]:
    """The sections the parts with their own records add to ``part`` (IND-2)."""
    out: list[str] = []
    for section in report.sections:
        if section.part is not part:
            continue
        out += [f"### {section.title}", ""]
        if section.is_empty:
            out += [section.empty, ""]
            continue
        out += [f"- {line}" for line in section.lines]
        if section.table is not None and section.table.rows:
            out += ([""] if section.lines else []) + _md_table(
                list(section.table.head), [list(r) for r in section.table.rows]
            )
        out.append("")
    return out


def render_markdown(report: AnnualReport) -> str:
    """The report as Markdown, French formatting throughout."""
    lines = [
        f"# {report.title}",
        "",
        *[f"> {line}\n" for line in _heading(report)],
        *([f"{report.issuer.name}", ""] if report.issuer else []),
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
    lines += _md_sections(report, ReportPart.DESCRIPTION)
    lines += [f"## {SECTIONS[1]}", "", "### Indicateurs de l'année", ""]
    lines += _md_table(
        ["Indicateur", "Valeur"], [[_label(i), format_indicator(i)] for i in report.indicators]
    )
    lines += ["", "### Événements et leurs indicateurs", ""]
    lines += _md_table(_EVENT_HEAD, _event_rows(report)) if report.events else ["Aucun événement."]
    lines += ["", "### Couverture territoriale par EPCI", ""]
    lines += _md_table(*_coverage_table(report))
    lines += ["", "### Boîte à outils et demandes de conseil", ""]
    lines += _md_table(
        ["Indicateur", "Valeur"], [[_label(i), format_indicator(i)] for i in report.knowledge]
    )
    lines += ["", *_md_sections(report, ReportPart.ACTIONS)]
    lines += [f"## {SECTIONS[2]}", ""]
    lines += [f"- {p}" for p in report.projects] or ["Aucun projet saisi par l'animateur."]
    if any(section.part is ReportPart.PROJECTS for section in report.sections):
        lines += ["", *_md_sections(report, ReportPart.PROJECTS)]
    signature = _signature(report)
    if signature:  # IND-2: signed by the CDG of the profile
        lines += ["", "  \n".join(signature)]
    return "\n".join(lines) + "\n"


# -- HTML, SVG and PDF --------------------------------------------------------------------------

#: A4 with 15 mm side margins: 180 mm of text, the width of every chart (report_charts.WIDTH).
#: Text at 9 pt or more; tables of fixed layout whose cells wrap, their header repeated on each
#: page; the page's number in the bottom margin.
_CSS = """
@page{size:A4;margin:18mm 15mm 20mm 15mm;
@bottom-center{content:"FOOTER";font:9pt "DejaVu Sans","Liberation Sans",Arial,sans-serif;color:#555}}
html{font-family:"DejaVu Sans","Liberation Sans",Arial,sans-serif;font-size:10pt;line-height:1.35;color:#222}
body{margin:0}
@media screen{body{max-width:180mm;margin:2rem auto;padding:0 1rem}}
h1{font-size:17pt;color:#1d4e89;margin:0 0 3mm}
h2{font-size:13pt;border-bottom:2px solid #1d4e89;padding-bottom:1mm;margin:8mm 0 3mm;break-after:avoid}
h3{font-size:11pt;margin:5mm 0 2mm;break-after:avoid}
ul{padding-left:6mm}
.emetteur{color:#444;margin:0 0 3mm}
table{border-collapse:collapse;width:100%;table-layout:fixed;margin:2mm 0 4mm;font-size:9pt}
thead{display:table-header-group}tr{break-inside:avoid}
td,th{border:1px solid #b9c3cf;padding:1mm 1.5mm;vertical-align:top;overflow-wrap:anywhere;hyphens:auto}
th{background:#eef3f9;color:#17406f;font-weight:normal;text-align:left;overflow-wrap:break-word}td.n,th.n{text-align:right}td.n{hyphens:manual}td.d{white-space:nowrap}
.kpis{display:grid;grid-template-columns:repeat(3,1fr);gap:2.5mm}
.kpi{border:1px solid #cdd9e8;border-radius:2mm;padding:2mm 3mm;font-size:9pt;break-inside:avoid}
.kpi b{display:block;font-size:13pt;color:#1d4e89}
figure{margin:2mm 0 5mm;break-inside:avoid}figure svg{display:block;max-width:100%;height:auto}
.alerte{border-left:4px solid #b35c00;padding:2mm 3mm;background:#fff4e5}
.signature{margin:10mm 0 0 50%;break-inside:avoid}
"""

#: the widths of the events table's columns (their sum is 100 %): the date never wraps, the
#: "Satisfaction" column is wide enough for its header and "100,0 %"
_EVENT_WIDTHS = (14.5, 25, 9.5, 9.5, 11.5, 15, 15)


def _day(report: AnnualReport, day: dt.date, *, short: bool = False) -> str:
    """A date as the events table writes it ("1er déc. 2026", never wrapped: its column fits
    it); ``short``, for a chart's label, without the year when it is the report's."""
    return format_date(day, format="d MMM" if short and day.year == report.year else "d MMM yyyy")


def _html_table(
    head: list[str],
    rows: list[list[str]],
    *,
    numeric_from: int = 1,
    widths: tuple[float, ...] = (),
    dates: int | None = None,
) -> str:
    cols = "".join(f'<col style="width:{w}%">' for w in widths)
    th = "".join(
        f"<th{' class=n' if i >= numeric_from else ''}>{escape(h)}</th>" for i, h in enumerate(head)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f"<td{' class=n' if i >= numeric_from else ' class=d' if i == dates else ''}>"
            f"{escape(c)}</td>"
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    colgroup = f"<colgroup>{cols}</colgroup>" if cols else ""
    return f"<table>{colgroup}<thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def _participation_chart(report: AnnualReport) -> str:
    bars = [
        Bar(
            f"{_day(report, e.first_date, short=True)} — {e.title}",  # three webinars of one title: by date
            e.participation,
            None if e.participation is None else
            f"{_pct(e.participation)} ({format_number(e.attendees)} / {format_number(e.invited)})",
        )
        for e in report.events
    ]  # fmt: skip
    return _figures(bar_charts(
        "graphique-participation", "Participation par événement (présents / invités)", bars,
        axis="Participation : présents / invités", legend="présents / invités de l'événement",
    ))  # fmt: skip


def _coverage_chart(report: AnnualReport) -> str:
    bars = [
        Bar(c.name, c.share, None if c.share is None else
            f"{_pct(c.share)} ({format_number(c.covered)} / {format_number(c.communes)})")
        for c in report.coverage
    ]  # fmt: skip
    return _figures(bar_charts(
        "graphique-couverture", "Couverture des communes de moins de 3 500 habitants par EPCI",
        bars, axis="Part des communes < 3 500 hab. ayant au moins un membre actif",
        legend="communes couvertes / communes < 3 500 hab. de l'EPCI",
    ))  # fmt: skip


def _figures(charts: list[str]) -> str:
    return "".join(f"<figure>{chart}</figure>" for chart in charts)


def _moves_chart(report: AnnualReport) -> str:
    return month_chart(
        "graphique-mouvements", "Arrivées et départs par mois",
        [(m.month, m.arrivals, m.departures) for m in report.moves],
        series=("arrivées", "départs"), axis="Nombre de membres",
        empty=f"Aucune arrivée ni aucun départ en {report.year}",
    )  # fmt: skip


def _issuer(report: AnnualReport) -> str:
    cdg = report.issuer
    if cdg is None:
        return ""
    lines = "".join(f"<br>{escape(line)}" for line in cdg.address_lines)
    return f'<p class="emetteur"><strong>{escape(cdg.name)}</strong>{lines}</p>'


def _signature(report: AnnualReport) -> list[str]:
    """IND-2: "Fait à <place>, le <date>", the signatory and their title, when the profile's
    [cdg] names them (nothing is invented otherwise)."""
    cdg = report.issuer
    if cdg is None or not (cdg.place and cdg.signatory_name and cdg.signatory_title):
        return []
    return [
        f"Fait à {cdg.place}, le {format_date(report.generated_on)}.",
        cdg.signatory_name,
        cdg.signatory_title,
    ]


def _footer(report: AnnualReport) -> str:
    text = f"Rapport d'activité {report.year} — {report.cdg or 'réseau des SGM'}"
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")
    return f'{text} — page " counter(page) " sur " counter(pages) "'


def _html_sections(report: AnnualReport, part: ReportPart) -> str:
    """The sections the parts with their own records add to ``part`` (IND-2)."""
    out: list[str] = []
    for section in report.sections:
        if section.part is not part:
            continue
        out.append(f"<h3>{escape(section.title)}</h3>")
        if section.is_empty:
            out.append(f"<p>{escape(section.empty)}</p>")
            continue
        if section.lines:
            out.append("<ul>" + "".join(f"<li>{escape(x)}</li>" for x in section.lines) + "</ul>")
        table = section.table
        if table is not None and table.rows:
            out.append(
                _html_table(
                    list(table.head),
                    [list(r) for r in table.rows],
                    numeric_from=len(table.head)
                    if table.numeric_from is None
                    else table.numeric_from,
                )
            )
    return "".join(out)


def render_html(report: AnnualReport) -> str:
    """The report as one self-contained HTML page with inline SVG charts, laid out for A4."""

    def items(lines: list[str]) -> str:
        return "<ul>" + "".join(f"<li>{escape(x)}</li>" for x in lines) + "</ul>"

    kpis = "".join(
        f'<div class="kpi">{escape(_label(i))}<b>{escape(format_indicator(i))}</b></div>'
        for i in report.indicators
    )
    objectives = _objectives(report) or ["Aucun objectif enregistré."]
    events = [[_day(report, e.first_date), *row[1:]] for e, row in zip(report.events, _event_rows(report), strict=True)]  # fmt: skip
    value_table = ["Indicateur", "Valeur"], [[_label(i), format_indicator(i)] for i in report.knowledge]  # fmt: skip
    signature = _signature(report)
    body = [
        f"<h1>{escape(report.title)}</h1>", _issuer(report),
        *[f'<p class="alerte">{escape(line)}</p>' for line in _heading(report)],
        f"<p>Édité le {format_date(report.generated_on)}.</p>",
        f'<section id="description"><h2>{SECTIONS[0]}</h2>',
        "<h3>Origine</h3>", items(_origin(report)),
        "<h3>Membres</h3>", items([f"{a} : {b}" for a, b in _members(report)]),
        "<h3>Organisation</h3>", items(_organisation(report)),
        "<h3>Objectifs</h3>", items(objectives),
        "<h3>Moyens</h3>", items(_means(report)),
        _html_sections(report, ReportPart.DESCRIPTION), "</section>",
        f'<section id="actions"><h2>{SECTIONS[1]}</h2>',
        f'<h3>Indicateurs de l\'année</h3><div class="kpis">{kpis}</div>',
        "<h3>Participation par événement</h3>", _participation_chart(report),
        _html_table(_EVENT_HEAD, events, numeric_from=2, widths=_EVENT_WIDTHS, dates=0)
        if report.events else "<p>Aucun événement.</p>",
        "<h3>Couverture territoriale par EPCI</h3>", _coverage_chart(report),
        _html_table(*_coverage_table(report), widths=(24,)) if report.target_below else "",
        "<h3>Arrivées et départs par mois</h3><figure>", _moves_chart(report), "</figure>",
        "<h3>Boîte à outils et demandes de conseil</h3>",
        _html_table(*value_table, widths=(75, 25)),
        _html_sections(report, ReportPart.ACTIONS), "</section>",
        f'<section id="projets"><h2>{SECTIONS[2]}</h2>',
        items(list(report.projects)) if report.projects else "<p>Aucun projet saisi par l'animateur.</p>",
        _html_sections(report, ReportPart.PROJECTS), "</section>",
        f'<p class="signature">{"<br>".join(escape(x) for x in signature)}</p>' if signature else "",
    ]  # fmt: skip
    css = _CSS.replace('"FOOTER"', f'"{_footer(report)}"')
    return (
        '<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8">'
        f"<title>{escape(report.title)}</title><style>{css}</style></head>"
        f"<body>{''.join(body)}</body></html>\n"
    )


def render_pdf(report: AnnualReport) -> bytes:
    """The report as an A4 PDF (the ``pdf`` extra: WeasyPrint)."""
    try:
        import weasyprint
    except ImportError:
        raise MissingExtraError("le rapport en PDF", "pdf", "weasyprint") from None
    return weasyprint.HTML(string=render_html(report)).write_pdf()
