"""Built-in French message templates (NOT-2), read from ``rsgm_core/templates/fr/``.

A template named ``x`` is the files ``x.subject.txt``, ``x.txt`` and optionally ``x.html``
(Jinja2 syntax). A CDG overrides any of them by implementing ``rsgm_message_template`` and
answering for the names it rewrites.
"""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING

from rsgm_core.hookspecs import hookimpl

if TYPE_CHECKING:
    from rsgm_core.domain.messages import MessageTemplate


@hookimpl(trylast=True)
def rsgm_message_template(name: str, locale: str) -> MessageTemplate | None:
    if not locale.startswith("fr") or not name.replace("_", "").isalnum():
        return None
    folder = resources.files("rsgm_core") / "templates" / "fr"
    subject, text, html = (
        folder / f"{name}.subject.txt",
        folder / f"{name}.txt",
        folder / f"{name}.html",
    )
    if not (subject.is_file() and text.is_file()):
        return None
    from rsgm_core.domain.messages import MessageTemplate  # when a message is written

    return MessageTemplate(
        name=name,
        subject=subject.read_text(encoding="utf-8").strip(),
        text=text.read_text(encoding="utf-8"),
        html=html.read_text(encoding="utf-8") if html.is_file() else None,
    )
