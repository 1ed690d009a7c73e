"""Render message templates with Jinja2: autoescape for HTML, strict about unknown fields, Babel
formatting filters for dates and amounts (NOT-2, TAR-7) and French-text filters for élision,
articles and plural agreement (:func:`install_filters`)."""

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

    env = jinja2.Environment(autoescape=autoescape, undefined=jinja2.StrictUndefined)
    install_filters(env, locale)
    return env


def install_filters(env: jinja2.Environment, locale: str = "fr_FR") -> None:
    """The formatting and French-text filters of every message and document template:

    - ``date_long`` ("1er décembre 2026"), ``date_short`` ("01/12/2026"), ``money``, ``number``;
    - ``de`` ("d'Élodie", "de Jean"), ``de_lieu`` ("du Tallud"), ``a_lieu`` ("au Tallud");
    - ``avec_article(kind, preposition)`` on an event title ("à la « Journée … »", "au
      « Webinaire … »"), and its shortcuts ``a_article`` ("à"), ``de_article`` ("de"),
      ``article`` (none), and ``prefixe_article(kind, preposition)``, what comes before the
      quoted title (for HTML that marks the title up);
    - ``pluriel(noun, plural=None)`` on a count ("1 membre", "2 membres").

    The French filters are :mod:`rsgm_core.render.french`'s helpers."""
    from rsgm_core.render import formatting, french

    env.filters["date_long"] = lambda d: formatting.format_date(d, locale=locale)
    env.filters["date_short"] = formatting.format_date_short
    env.filters["money"] = lambda a: formatting.format_money(a, locale=locale)
    env.filters["number"] = lambda n: formatting.format_number(n, locale=locale)
    env.filters["de"] = french.de
    env.filters["de_lieu"] = french.de_lieu
    env.filters["a_lieu"] = french.a_lieu
    env.filters["avec_article"] = french.with_article
    env.filters["a_article"] = lambda title, kind=None: french.with_article(title, kind, "à")
    env.filters["de_article"] = lambda title, kind=None: french.with_article(title, kind, "de")
    env.filters["article"] = lambda title, kind=None: french.with_article(title, kind)
    env.filters["prefixe_article"] = french.article_prefix
    env.filters["pluriel"] = french.plural


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
