"""Render message templates with Jinja2: autoescape for HTML, strict about unknown fields, and
Babel formatting filters for dates and amounts (NOT-2, TAR-7)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from rsgm_core.domain.messages import RenderedMessage
from rsgm_core.errors import ValidationError

if TYPE_CHECKING:
    import jinja2

    from rsgm_core.domain.messages import MessageTemplate
    from rsgm_core.settings import Settings


@cache
def _environment(locale: str, autoescape: bool) -> jinja2.Environment:
    import jinja2

    from rsgm_core.render import formatting

    env = jinja2.Environment(autoescape=autoescape, undefined=jinja2.StrictUndefined)
    env.filters["date_long"] = lambda d: formatting.format_date(d, locale=locale)
    env.filters["money"] = lambda a: formatting.format_money(a, locale=locale)
    env.filters["number"] = lambda n: formatting.format_number(n, locale=locale)
    return env


@lru_cache(maxsize=256)
def _compiled(locale: str, autoescape: bool, source: str) -> jinja2.Template:
    # Compiling costs milliseconds; a round queues thousands of messages from a few templates.
    return _environment(locale, autoescape).from_string(source)


def render_template(
    template: MessageTemplate, context: Mapping[str, Any], settings: Settings, *, today: dt.date
) -> RenderedMessage:
    """Subject, text and HTML of ``template`` with ``context`` (and ``today``); an unknown field
    or a syntax error is a :class:`ValidationError` naming the template (NOT-2)."""
    import jinja2

    values = {"today": today, **context}
    try:
        subject = _compiled(settings.locale, False, template.subject).render(values)
        text = _compiled(settings.locale, False, template.text).render(values)
        html = (
            _compiled(settings.locale, True, template.html).render(values)
            if template.html
            else None
        )
    except jinja2.UndefinedError as exc:
        raise ValidationError(
            f"le modèle {template.name!r} utilise un champ absent : {exc.message}",
            rule="NOT-2",
            value=template.name,
        ) from exc
    except jinja2.TemplateSyntaxError as exc:
        raise ValidationError(
            f"le modèle {template.name!r} est mal écrit (ligne {exc.lineno}) : {exc.message}",
            rule="NOT-2",
            value=template.name,
        ) from exc
    return RenderedMessage(" ".join(subject.split()), text, html)
