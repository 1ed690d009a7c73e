"""Printable documents of an event: the sign-in sheet (EVT-5), attendance certificates (EVT-6) and
the tracking table (EVT-7).

HTML is rendered by Jinja2 with autoescape on (a name typed as ``<b>`` is printed, not
interpreted); CSV goes through :func:`rsgm_core.render.exports.to_csv` (``;``, BOM, formula cells
neutralised); XLSX needs the ``xlsx`` extra (openpyxl) and PDF the ``pdf`` extra (WeasyPrint).
"""

from __future__ import annotations

import base64
import datetime as dt
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2

from rsgm_core.domain.events import (
    CERTIFICATE_TITLE,
    CertificateRow,
    Event,
    Registration,
    Session,
    TrackingRow,
)
from rsgm_core.domain.messages import Attachment
from rsgm_core.errors import ConfigurationError, MissingExtraError
from rsgm_core.render.exports import Money, Rate, to_csv, to_xlsx
from rsgm_core.render.formatting import format_date
from rsgm_core.render.messages import install_filters

if TYPE_CHECKING:
    from rsgm_core.domain.members import Member
    from rsgm_core.domain.profile import CdgIdentity
    from rsgm_core.settings import Settings

__all__ = [
    "TRACKING_HEADERS",
    "certificate_attachment",
    "certificate_attachments",
    "certificate_html",
    "certificate_identity",
    "certificate_pdf",
    "certificate_stem",
    "certificate_stems",
    "sign_in_csv",
    "sign_in_html",
    "tracking_csv",
    "tracking_table",
    "tracking_xlsx",
]

_ENV = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
install_filters(_ENV)  # élision, articles, plural agreement, French dates

#: A4 with 20 mm margins, text at 11 pt (10 pt for the mentions): the sheet and the certificates
#: print inside their margins (tests/documents/test_printed_certificate.py)
_PAGE = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>{{ title }}</title>
<style>
@page { size: A4; margin: 20mm; }
html { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 11pt;
       line-height: 1.45; color: #222; }
body { margin: 0; }
@media screen { body { max-width: 170mm; margin: 2rem auto; padding: 0 1rem; } }
h1 { font-size: 16pt; color: #1d4e89; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
th, td { border: 1px solid #444; padding: 1.5mm 2mm; text-align: left; overflow-wrap: anywhere; }
th.n { width: 12%; }
td.signature { width: 35%; height: 10mm; }
header.cdg { border-bottom: 2px solid #1d4e89; padding-bottom: 4mm; margin-bottom: 14mm;
             overflow: hidden; }
header.cdg img.logo { float: right; max-height: 25mm; max-width: 60mm; }
header.cdg p { margin: 0; }
h1.titre { text-align: center; text-transform: uppercase; letter-spacing: 0.08em;
           font-size: 20pt; margin: 0 0 12mm; }
p.corps { font-size: 12pt; }
p.mention { font-size: 10pt; color: #444; font-style: italic; margin-top: 8mm; }
p.fait { margin-top: 12mm; }
p.signatory { margin-left: 55%; break-inside: avoid; }
p.signatory img { max-height: 30mm; max-width: 60mm; }
</style></head><body>
{% block body %}{% endblock %}
</body></html>"""

_SIGN_IN = _ENV.from_string(
    _PAGE.replace(
        "{% block body %}{% endblock %}",
        """<h1>Feuille d'émargement</h1>
<p><strong>{{ event.title }}</strong> ({{ event.kind.value }}, {{ event.format.value }})<br>
{{ day }}, {{ hours }}, {{ session.place }}</p>
<table><thead><tr><th class="n">N°</th><th>Nom</th><th>Prénom</th><th>Signature</th></tr></thead><tbody>
{% for member in members %}<tr><td>{{ loop.index }}</td><td>{{ member.last_name }}</td>
<td>{{ member.first_name }}</td><td class="signature"></td></tr>
{% endfor %}</tbody></table>
<p>{{ members | length | pluriel('inscrit') }}.</p>""",
    )
)

_CERTIFICATE = _ENV.from_string(
    _PAGE.replace(
        "{% block body %}{% endblock %}",
        """<header class="cdg">
{% if logo %}<img class="logo" src="{{ logo }}" alt="{{ cdg.short_name }}">{% endif %}
<p><strong>{{ cdg.name }}</strong>{% for line in cdg.address_lines %}<br>{{ line }}{% endfor %}</p>
</header>
<h1 class="titre">{{ title }}</h1>
<p class="corps">{{ cdg.signatory_name }}, {{ cdg.signatory_title }}, atteste que
<strong>{{ member.first_name }} {{ member.last_name }}</strong>
a participé à la rencontre du réseau des secrétaires généraux de mairie
«&nbsp;<strong>{{ event.title }}</strong>&nbsp;» ({{ event.kind.value }}), le {{ day }}, {{ session.place }},
{{ hours }}.</p>
{% if event.topics %}<p class="corps">Sujets abordés : {{ event.topics | join(', ') }}.</p>{% endif %}
<p class="mention">Cette attestation de présence ne vaut pas attestation de formation.</p>
<p class="fait">Fait à {{ cdg.place }}, le {{ today }}.</p>
<p class="signatory">
{% if signature %}<img src="{{ signature }}" alt="signature"><br>{% endif %}
{{ cdg.signatory_name }}<br>{{ cdg.signatory_title }}</p>""",
    )
)


def _hour(moment: dt.time) -> str:
    """A time the French way, never cut at the end of a line: "9 h 30", "14 h" (no-break
    spaces)."""
    return f"{moment.hour}\u00a0h" + (f"\u00a0{moment.minute:02d}" if moment.minute else "")


def _hours(session: Session) -> str:
    return f"de {_hour(session.start)} à {_hour(session.end)}"


_IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
                ".svg": "image/svg+xml", ".gif": "image/gif"}  # fmt: skip


def certificate_identity(cdg: CdgIdentity | None) -> CdgIdentity:
    """EVT-6: the CDG that signs the certificates; none configured is a
    :class:`ConfigurationError` naming the profile's ``[cdg]`` section, never an anonymous
    "le centre de gestion atteste"."""
    if cdg is None:
        raise ConfigurationError(
            "attestation de présence impossible : l'identité du CDG n'est pas configurée ; "
            "renseignez la section [cdg] du profil (nom, adresse, lieu, signataire, "
            "qualite_signataire)",
            rule="EVT-6",
            value="[cdg]",
        )
    cdg.signature_block()  # a place, a signatory and a title, or the [cdg] keys to add
    return cdg


def _image(path: Path | None, key: str) -> str | None:
    """An image file of the profile as a ``data:`` URI, so that the HTML and the PDF carry it."""
    if path is None:
        return None
    kind = _IMAGE_TYPES.get(path.suffix.lower())
    if kind is None:
        raise ConfigurationError(
            f"[cdg] {key} : format d'image non pris en charge : {path} (PNG, JPEG, SVG ou GIF)",
            value=str(path),
        )
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise ConfigurationError(
            f"[cdg] {key} : image illisible : {path} ({exc.strerror or exc})", value=str(path)
        ) from None
    return f"data:{kind};base64,{base64.b64encode(content).decode('ascii')}"


def _sorted(members: Sequence[Member]) -> list[Member]:
    return sorted(members, key=lambda m: (m.last_name.casefold(), m.first_name.casefold()))


def sign_in_html(
    event: Event, session: Session, members: Sequence[Member], *, locale: str = "fr_FR"
) -> str:
    """EVT-5: the printable sign-in sheet of one session, registrants by name."""
    return _SIGN_IN.render(
        title=f"Feuille d'émargement - {event.title}", event=event, session=session,
        members=_sorted(members), day=format_date(session.date, locale), hours=_hours(session),
    )  # fmt: skip


def sign_in_csv(event: Event, session: Session, members: Sequence[Member]) -> str:
    rows = [
        (i, m.last_name, m.first_name, m.email or "", "")
        for i, m in enumerate(_sorted(members), start=1)
    ]
    return to_csv(("n°", "nom", "prénom", "courriel", "signature"), rows)


def certificate_html(
    event: Event,
    session: Session,
    member: Member,
    *,
    today: dt.date,
    locale: str = "fr_FR",
    cdg: CdgIdentity | None = None,
) -> str:
    """EVT-6: an "attestation de présence" for one attendee, made by ``cdg`` (its name, address,
    "fait à <place>, le <today>", signatory, optional logo and signature image); without an
    identity, a :class:`ConfigurationError` naming the profile's ``[cdg]`` section."""
    identity = certificate_identity(cdg)
    return _CERTIFICATE.render(
        title=CERTIFICATE_TITLE.capitalize(), event=event, session=session, member=member,
        day=format_date(session.date, locale), today=format_date(today, locale), cdg=identity,
        hours=_hours(session),
        logo=_image(identity.logo, "logo"), signature=_image(identity.signature_image, "signature"),
    )  # fmt: skip


def certificate_pdf(html: str) -> bytes:
    try:
        import weasyprint
    except ImportError:
        raise MissingExtraError("l'attestation en PDF", "pdf", "weasyprint") from None
    return weasyprint.HTML(string=html).write_pdf()


def certificate_attachment(
    event: Event,
    session: Session,
    member: Member,
    *,
    pdf: bool,
    settings: Settings,
    on: dt.date | None = None,
    stem: str | None = None,
) -> Attachment:
    """EVT-6: the attestation of one attendee as a mail attachment, dated ``on`` (default: today
    by the settings' clock), made by the CDG of ``settings.cdg``, in a file named by
    :func:`certificate_stem` (or ``stem``)."""
    day = on or settings.now().astimezone(settings.zone).date()
    html = certificate_html(
        event, session, member, today=day, locale=settings.locale, cdg=settings.cdg
    )
    stem = stem or certificate_stem(event, session, member)
    if pdf:
        return Attachment(f"{stem}.pdf", "application/pdf", certificate_pdf(html))
    return Attachment(f"{stem}.html", "text/html; charset=utf-8", html.encode("utf-8"))


def certificate_attachments(
    event: Event,
    rows: Sequence[CertificateRow],
    *,
    pdf: bool,
    settings: Settings,
    on: dt.date | None = None,
) -> list[Attachment]:
    """EVT-6: the attestations of ``rows`` (``app.registrations.list_certificates``), one file
    each: names that would collide (two attendees named Meyer, Anne) get the member's short id,
    so a folder holds as many files as there are attendees."""
    stems = certificate_stems(event, rows)
    return [
        certificate_attachment(
            event, row.session, row.member, pdf=pdf, settings=settings, on=on, stem=stem
        )
        for row, stem in zip(rows, stems, strict=True)
    ]


#: the longest part an event's title takes in a file name (the rest is cut at a word)
_TITLE_CHARS = 40


def certificate_stem(event: Event, session: Session, member: Member) -> str:
    """EVT-6: ``attestation-presence-<date>-<event>-<family name>-<given name>`` in lower-case
    ASCII (accents dropped), e.g. ``attestation-presence-2026-09-03-journee-reseau-des-sgm-meyer-anne``."""
    title = _slug(event.title, "evenement")
    if len(title) > _TITLE_CHARS:
        title = title[: _TITLE_CHARS + 1].rsplit("-", 1)[0] or title[:_TITLE_CHARS]
    return "-".join((
        "attestation-presence", session.date.isoformat(), title,
        _slug(member.last_name, "membre"), _slug(member.first_name, "membre"),
    ))  # fmt: skip


def certificate_stems(event: Event, rows: Sequence[CertificateRow]) -> list[str]:
    """The file stems of ``rows`` (:func:`certificate_stem`), each unique: a stem shared by two
    rows (or differing only in case) gets ``-<short id>`` of the member, longer when needed."""
    stems = [certificate_stem(event, r.session, r.member) for r in rows]
    counts: dict[str, int] = {}
    for stem in stems:
        counts[stem.casefold()] = counts.get(stem.casefold(), 0) + 1
    taken = {s.casefold() for s in stems if counts[s.casefold()] == 1}
    out = []
    for stem, row in zip(stems, rows, strict=True):
        if counts[stem.casefold()] > 1:
            ident = _slug(row.member.id, "x") + "-" + row.registration.id  # always unique
            for size in (8, 12, len(ident)):
                candidate = f"{stem}-{ident[:size]}"
                if candidate.casefold() not in taken:
                    break
            stem = candidate
        taken.add(stem.casefold())
        out.append(stem)
    return out


def _slug(text: str, empty: str = "membre") -> str:
    """``text`` in lower-case ASCII letters and digits joined by single hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = "".join(c if c.isalnum() else " " for c in ascii_text.lower()).split()
    return "-".join(words) or empty


TRACKING_HEADERS = (
    "événement", "date(s)", "lieu(x)", "taux de participation (%)", "sujets abordés", "coût (€)",
    "coût par participant (€)",
)  # fmt: skip


def tracking_table(rows: Sequence[TrackingRow]) -> tuple[list[str], list[list[object]]]:
    """EVT-7 as typed cells, shared by the CSV and the XLSX: one row per event, then one date
    column per session ("date" for one-session events, "séance 1", "séance 2"… when an event
    has several), so that every session date is a date a spreadsheet sorts and filters."""
    sessions = max((len(r.dates) for r in rows), default=1) or 1
    dates = ["date"] if sessions == 1 else [f"séance {n}" for n in range(1, sessions + 1)]
    headers = [TRACKING_HEADERS[0], *dates, *TRACKING_HEADERS[2:]]
    table: list[list[object]] = [
        [
            r.title,
            *r.dates, *([None] * (sessions - len(r.dates))),
            " ; ".join(dict.fromkeys(r.places)),
            None if r.participation is None else Rate(r.participation),
            ", ".join(r.topics),
            Money(r.cost),
            None if r.cost_per_attendee is None else Money(r.cost_per_attendee),
        ]
        for r in rows
    ]  # fmt: skip
    return headers, table


def tracking_csv(rows: Sequence[TrackingRow], *, locale: str = "fr_FR") -> str:
    """EVT-7: the tracking table, one row per event, as the guide's; numbers and dates in the
    CSV convention of :mod:`rsgm_core.render.exports` (``locale`` is kept for callers: a CSV's
    cells are numbers, not text formatted for a language)."""
    headers, table = tracking_table(rows)
    return to_csv(headers, table)


def tracking_xlsx(rows: Sequence[TrackingRow]) -> bytes:
    """EVT-7 as a workbook: every session date as a date, rates as percentages, amounts as
    numbers in euros."""
    headers, table = tracking_table(rows)
    sessions = len(headers) - len(TRACKING_HEADERS) + 1
    widths = (40, *([12] * sessions), 30, 14, 40, 12, 14)
    return to_xlsx("Tableau de suivi", headers, table, widths=widths)


def registrants(registrations: Sequence[Registration]) -> list[str]:
    """Member ids of the confirmed registrations, the sign-in sheet's rows."""
    from rsgm_core.domain.events import RegistrationStatus

    return [r.member_id for r in registrations if r.status is RegistrationStatus.CONFIRMED]
