"""The restitution document of a questionnaire (SUR-2): an HTML page (and a PDF with the ``pdf``
extra) with the response rate, then each question with its chart (the bars of
:mod:`rsgm_core.render.report_charts`), its mean and median, and its free texts anonymised."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from html import escape

import attrs

from rsgm_core.domain.questionnaires import QuestionKind
from rsgm_core.domain.survey_results import QuestionResult
from rsgm_core.errors import MissingExtraError
from rsgm_core.render.formatting import format_date, format_number, format_percent
from rsgm_core.render.report_charts import Bar, bar_charts

__all__ = ["Restitution", "restitution_html", "restitution_pdf"]


@attrs.frozen
class Restitution:
    """What the document shows: the survey and its figures (no personal data)."""

    title: str
    kind: str
    opened_on: dt.date
    invited: int
    answers: int
    response: Decimal | None
    questions: tuple[QuestionResult, ...]
    cdg: str = ""


def _persons(n: int) -> str:
    return f"{n} personne{'s' if n > 1 else ''}"


def _answered(n: int, *, strong: bool = False) -> str:
    """ "1 personne a répondu", "3 personnes ont répondu", "personne n'a répondu"."""
    if n == 0:
        return "personne n'a répondu"
    who = f"<strong>{_persons(n)}</strong>" if strong else _persons(n)
    return f"{who} {'a' if n == 1 else 'ont'} répondu"


def _bars(result: QuestionResult) -> list[Bar]:
    scale = result.question.kind is QuestionKind.SCALE
    return [
        Bar(
            f"{c.label} sur 5" if scale else c.label,
            c.share,
            f"{format_percent(c.share, decimals=1)} ({c.count})" if c.share is not None else None,
        )
        for c in result.counts
    ]


def _question(index: int, result: QuestionResult) -> str:
    q = result.question
    parts = [
        f'<section class="question"><h2>{index}. {escape(q.text)}</h2>',
        f'<p class="meta">{escape(q.kind.value)} ; {_answered(result.answered)}'
        f"{' (question obligatoire)' if q.required else ''}</p>",
    ]
    if result.mean is not None and result.median is not None:
        parts.append(
            f"<p>Moyenne : {format_number(result.mean, decimals=1)} ; médiane : "
            f"{format_number(result.median, decimals=1)}</p>"
        )
    if not result.answered:
        parts.append("<p>Aucune réponse.</p>")
    elif q.kind is not QuestionKind.TEXT and result.counts:
        legend = "part des personnes qui ont répondu à la question"
        parts += bar_charts(f"q{index}", q.text, _bars(result), axis="part des réponses",
                            legend=legend)  # fmt: skip
    if q.kind is QuestionKind.TEXT and result.texts:
        parts.append('<ul class="textes">')
        parts += [f"<li>{escape(t)}</li>" for t in result.texts]
        parts.append("</ul>")
    parts.append("</section>")
    return "\n".join(parts)


def restitution_html(doc: Restitution) -> str:
    """The restitution as one HTML page (French), printable."""
    rate = (
        format_percent(doc.response, decimals=1) if doc.response is not None else "non calculable"
    )
    head = (
        f"<h1>{escape(doc.title)}</h1>\n"
        f'<p class="meta">{escape(doc.kind.capitalize())} du '
        f"{format_date(doc.opened_on)}{' — ' + escape(doc.cdg) if doc.cdg else ''}</p>\n"
        f"<p>{_answered(doc.answers, strong=True)} sur {_persons(doc.invited)} "
        f"{'invitées' if doc.invited > 1 else 'invitée'} : taux de réponse {rate}.</p>\n"
        '<p class="note">Les réponses écrites sont reproduites sans nom, sans adresse et sans '
        "commune où moins de 5 personnes pourraient être reconnues.</p>"
    )
    body = "\n".join(_question(i, r) for i, r in enumerate(doc.questions, 1))
    style = (
        "body{font-family:'DejaVu Sans',Arial,sans-serif;max-width:46rem;margin:2rem auto;"
        "color:#222}h1{font-size:1.6rem}h2{font-size:1.15rem;margin-top:2rem}"
        ".meta{color:#555}.question{break-inside:avoid}svg{max-width:100%;height:auto}"
        "li{margin:.3rem 0}"
    )
    return (
        '<!DOCTYPE html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
        f"<title>Restitution : {escape(doc.title)}</title>\n<style>{style}</style>\n</head>\n"
        f"<body>\n<main>\n{head}\n{body}\n</main>\n</body>\n</html>\n"
    )


def restitution_pdf(doc: Restitution) -> bytes:
    """The restitution as PDF (the ``pdf`` extra, WeasyPrint)."""
    try:
        import weasyprint
    except ImportError:
        raise MissingExtraError("la restitution en PDF", "pdf", "weasyprint") from None
    return bytes(weasyprint.HTML(string=restitution_html(doc)).write_pdf())
