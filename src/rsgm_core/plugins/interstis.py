"""The Interstis exporter: what an administrator applies on the platform, as CSV (``;``, UTF-8
with BOM, formula cells neutralised) or JSON, with configurable column names
(``docs/plugins/interstis.md``)::

    Settings(plugins={"interstis": {"columns": {"email": "Courriel", "space": "Groupe"}}})
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from rsgm_core.errors import ConfigurationError
from rsgm_core.hookspecs import hookimpl

if TYPE_CHECKING:
    from rsgm_core.domain.platform import PlatformState
    from rsgm_core.domain.toolbox import Resource
    from rsgm_core.settings import Settings

NAME = "interstis"

#: Field → header; every row has every field, empty when it does not apply.
DEFAULT_COLUMNS: dict[str, str] = {
    "action": "Action",
    "email": "Adresse électronique",
    "first_name": "Prénom",
    "last_name": "Nom",
    "collectivity": "Collectivité",
    "space": "Espace",
    "role": "Rôle",
}

CREATE = "créer le compte"
JOIN = "ajouter à l'espace"
LEAVE = "retirer de l'espace"
SUSPEND = "suspendre le compte"


def columns(options: Mapping[str, Any]) -> dict[str, str]:
    """The default headers overridden by ``options["columns"]``; an unknown field or an empty
    or repeated header is refused."""
    wanted = options.get("columns") or {}
    if not isinstance(wanted, Mapping):
        raise ConfigurationError("interstis : « columns » doit associer des champs à des en-têtes")
    unknown = sorted(set(wanted) - set(DEFAULT_COLUMNS))
    if unknown:
        raise ConfigurationError(
            f"interstis : champ inconnu dans « columns » : {', '.join(unknown)} "
            f"(champs : {', '.join(DEFAULT_COLUMNS)})",
            value=unknown,
        )
    merged = {**DEFAULT_COLUMNS, **{k: str(v).strip() for k, v in wanted.items()}}
    headers = list(merged.values())
    if "" in headers or len(set(headers)) != len(headers):
        raise ConfigurationError(
            "interstis : en-têtes de colonnes vides ou en double", value=headers
        )
    return merged


def rows(state: PlatformState) -> list[dict[str, str]]:
    """One row per thing to do: accounts to create, memberships to add or withdraw, accounts to
    suspend, in that order."""
    blank = dict.fromkeys(DEFAULT_COLUMNS, "")
    people = {u.email: u for u in state.users}
    found = [
        {**blank, "action": CREATE, "email": u.email, "first_name": u.first_name,
         "last_name": u.last_name, "collectivity": u.collectivity}
        for u in state.users
    ]  # fmt: skip
    for action, memberships in ((JOIN, state.memberships), (LEAVE, state.removed)):
        for m in memberships:
            user = people.get(m.email)
            found.append(
                {**blank, "action": action, "email": m.email, "space": m.space, "role": m.role,
                 "first_name": user.first_name if user else "",
                 "last_name": user.last_name if user else ""}
            )  # fmt: skip
    found += [{**blank, "action": SUSPEND, "email": email} for email in state.suspended]
    return found


class InterstisExporter:
    name = NAME
    formats = ("csv", "json")

    def render(
        self, state: PlatformState, *, format: str, full: bool, options: Mapping[str, Any]
    ) -> str:
        from rsgm_core.render.exports import to_csv, to_json

        names = columns(options)
        found = rows(state)
        if format == "csv":
            return to_csv(list(names.values()), [[r[f] for f in names] for r in found])
        return to_json(
            {
                "plateforme": NAME,
                "export": "complet" if full else "différentiel",
                "lignes": [{names[f]: r[f] for f in names} for r in found],
            }
        )

    def render_toolbox(
        self,
        resources: Sequence[Resource],
        attachments: Mapping[str, Iterable[str]],
        *,
        options: Mapping[str, Any],
    ) -> dict[str, str]:
        """KNB-2: the published toolbox for Interstis' document space: one Markdown file per
        resource, in one folder per kind, and an ``index.md``."""
        from rsgm_core.render.toolbox_markdown import markdown_tree  # when exporting only

        return markdown_tree(resources, attachments)


@hookimpl
def rsgm_platform_exporters() -> list[InterstisExporter]:
    return [InterstisExporter()]


@hookimpl
def rsgm_configure(settings: Settings) -> None:
    columns(settings.plugin(NAME))  # a bad mapping fails at open, not at the first export
