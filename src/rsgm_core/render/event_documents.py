"""Printable documents of an event: the sign-in sheet (EVT-5), attendance certificates (EVT-6) and
the tracking table (EVT-7).

HTML is rendered by Jinja2 with autoescape on (a name typed as ``<b>`` is printed, not
interpreted); CSV goes through :func:`rsgm_core.render.exports.to_csv` (``;``, BOM, formula cells
neutralised); XLSX needs the ``xlsx`` extra (openpyxl) and PDF the ``pdf`` extra (WeasyPrint).
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2

from rsgm_core.domain.events import CERTIFICATE_TITLE, Event, Registration, Session, TrackingRow
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
    "certificate_html",
    "certificate_identity",
    "certificate_pdf",
    "sign_in_csv",
    "sign_in_html",
    "tracking_csv",
    "tracking_table",
    "tracking_xlsx",
]

_ENV = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
install_filters(_ENV)  # élision, articles, plural agreement, French dates

_PAGE = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>{{ title }}</title>
<style>
body { font-family: sans-serif; margin: 2cm; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #444; padding: 0.4em; text-align: left; }
td.signature { width: 35%; height: 2.2em; }
@media print { body { margin: 1cm; } }
</style></head><body>
{% block body %}{% endblock %}
</body></html>"""

_SIGN_IN = _ENV.from_string(
    _PAGE.replace(
        "{% block body %}{% endblock %}",
        """<h1>Feuille d'émargement</h1>
<p><strong>{{ event.title }}</strong> ({{ event.kind.value }}, {{ event.format.value }})<br>
{{ day }}, {{ session.start.strftime('%H:%M') }}-{{ session.end.strftime('%H:%M') }}, {{ session.place }}</p>
<table><thead><tr><th>N°</th><th>Nom</th><th>Prénom</th><th>Signature</th></tr></thead><tbody>
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
{% if logo %}<img class="logo" src="{{ logo }}" alt="{{ cdg.short_name }}" style="max-height: 3cm">{% endif %}
<p><strong>{{ cdg.name }}</strong>{% for line in cdg.address_lines %}<br>{{ line }}{% endfor %}</p>
</header>
<h1 style="text-transform: uppercase">{{ title }}</h1>
<p>{{ cdg.signatory_name }}, {{ cdg.signatory_title }}, atteste que
<strong>{{ member.first_name }} {{ member.last_name }}</strong>
a participé à la rencontre du réseau des secrétaires généraux de mairie
« <strong>{{ event.title }}</strong> » ({{ event.kind.value }}), le {{ day }}, {{ session.place }},
de {{ session.start.strftime('%H:%M') }} à {{ session.end.strftime('%H:%M') }}.</p>
{% if event.topics %}<p>Sujets abordés : {{ event.topics | join(', ') }}.</p>{% endif %}
<p>Cette attestation de présence ne vaut pas attestation de formation.</p>
<p class="fait">Fait à {{ cdg.place }}, le {{ today }}.</p>
<p class="signatory" style="margin-left: 50%">
{% if signature %}<img src="{{ signature }}" alt="signature" style="max-height: 3cm"><br>{% endif %}
{{ cdg.signatory_name }}<br>{{ cdg.signatory_title }}</p>""",
    )
)

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
        members=_sorted(members), day=format_date(session.date, locale),
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
) -> Attachment:
    """EVT-6: the attestation of one attendee as a mail attachment, dated ``on`` (default: today
    by the settings' clock), made by the CDG of ``settings.cdg``."""
    day = on or settings.now().astimezone(settings.zone).date()
    html = certificate_html(
        event, session, member, today=day, locale=settings.locale, cdg=settings.cdg
    )
    stem = f"attestation-presence-{session.date.isoformat()}-{_slug(member.last_name)}"
    if pdf:
        return Attachment(f"{stem}.pdf", "application/pdf", certificate_pdf(html))
    return Attachment(f"{stem}.html", "text/html; charset=utf-8", html.encode("utf-8"))


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-") or "membre"


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
