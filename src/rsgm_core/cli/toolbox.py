"""``rsgm toolbox add|publish|archive|search|stale|history|export`` (KNB-1..KNB-4) and
``rsgm software map`` (KNB-5); ``show``, ``edit`` and ``download`` are in
:mod:`rsgm_core.cli.toolbox_files`, the advice requests in :mod:`rsgm_core.cli.advice`."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from rsgm_core.cli import toolbox_files
from rsgm_core.cli.actors import actor_names, shown
from rsgm_core.cli.common import (
    actor,
    add_action,
    add_actor_option,
    add_group,
    open_app,
    print_table,
)
from rsgm_core.cli.naming import MEMBER_HELP, RECORD_HELP, resolve, short
from rsgm_core.domain.toolbox import ResourceKind, ResourceStatus
from rsgm_core.render.formatting import format_date
from rsgm_core.render.french import plural
from rsgm_core.render.text import relevance


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"date invalide : {value!r} (AAAA-MM-JJ)") from None


def register(commands: Any) -> None:
    actions = add_group(commands, "toolbox", "boîte à outils du réseau (KNB-1..KNB-4)")
    add = add_action(actions, "add", "proposer une ressource (brouillon)", _add)
    add.add_argument("title", metavar="TITRE")
    add.add_argument("--type", required=True, choices=[k.value for k in ResourceKind], dest="kind")
    add.add_argument("--theme", action="append", default=[], dest="themes", help="répétable")
    add.add_argument("--logiciel", action="append", default=[], dest="software")
    add.add_argument("--auteur", required=True, dest="author", metavar="MEMBRE", help=MEMBER_HELP)
    add.add_argument("--texte", default="", dest="body", help="corps en Markdown")
    add.add_argument("--fichier-texte", type=Path, dest="body_file", metavar="FICHIER",
                     help="le corps en Markdown, lu dans un fichier")  # fmt: skip
    add.add_argument("--piece-jointe", action="append", default=[], type=Path, dest="files")
    add.add_argument(
        "--partagee", action="store_true", dest="shared", help="avec les CDG partenaires"
    )
    publish = add_action(actions, "publish", "publier une ressource (animateurs)", _publish)
    publish.add_argument("resource", metavar="RESSOURCE", help=RECORD_HELP)
    add_actor_option(publish, "l'animateur (agent du CDG) qui publie")
    publish.add_argument(
        "--revue", required=True, type=_date, dest="review_on", metavar="AAAA-MM-JJ"
    )
    archive = add_action(actions, "archive", "archiver une ressource", _archive)
    archive.add_argument("resource", metavar="RESSOURCE", help=RECORD_HELP)
    add_actor_option(archive, "l'animateur (agent du CDG) qui archive")
    search = add_action(actions, "search", "rechercher (classement par pertinence)", _search)
    search.add_argument("words", nargs="*", metavar="MOT")
    search.add_argument("--type", choices=[k.value for k in ResourceKind], dest="kind")
    search.add_argument("--theme")
    search.add_argument("--logiciel", dest="software")
    stale = add_action(actions, "stale", "ressources publiées à revoir", _stale)
    stale.add_argument("--au", type=_date, dest="on", metavar="AAAA-MM-JJ")
    history = add_action(actions, "history", "versions d'une ressource", _history)
    history.add_argument("resource", metavar="RESSOURCE", help=RECORD_HELP)
    export = add_action(actions, "export", "exporter la boîte à outils publiée", _export)
    export.add_argument("--plateforme", default="interstis", dest="platform")
    export.add_argument("--dossier", required=True, type=Path, dest="folder")

    toolbox_files.register_actions(actions)  # show, edit, download

    s_actions = add_group(commands, "software", "logiciels métier du territoire (KNB-5)")
    map_ = add_action(s_actions, "map", "carte des logiciels par EPCI", _map)
    map_.add_argument("--epci", metavar="SIREN")
    map_.add_argument("--format", choices=("table", "csv", "json"), default="table")


def _add(args: argparse.Namespace) -> int:
    body = args.body_file.read_text(encoding="utf-8") if args.body_file else args.body
    files = [(path.name, path.read_bytes()) for path in args.files]
    with open_app(args) as app:
        resource = app.toolbox.add(
            args.kind, args.title, body, themes=args.themes,
            by=resolve(app, "members", args.author),
            software=args.software, shared_with_partners=args.shared, attachments=files,
        )  # fmt: skip
    print(f"ressource {short(resource.id)} : « {resource.title} » ({resource.status.value})")
    return 0


def _publish(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        resource = app.toolbox.publish(
            resolve(app, "resources", args.resource), by=actor(args), review_on=args.review_on
        )
    print(
        f"« {resource.title} » publiée, version {resource.version}, revue le "
        + (format_date(resource.review_on) if resource.review_on else "non prévue")
    )
    return 0


def _archive(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        resource = app.toolbox.archive(resolve(app, "resources", args.resource), by=actor(args))
    print(f"« {resource.title} » archivée")
    return 0


def _search(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        hits = app.toolbox.search(
            " ".join(args.words), kind=args.kind, theme=args.theme, software=args.software
        )
    if not hits:
        print("aucune ressource ne correspond")
        return 0
    print_table(
        ("pertinence", "ressource", "type", "titre", "thèmes"),
        [
            (
                shown,
                short(h.resource.id),
                h.resource.kind.value,
                h.resource.title,
                ", ".join(h.resource.themes),
            )
            for h, shown in zip(hits, relevance(hits), strict=True)
        ],
    )
    return 0


def _stale(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        found = app.toolbox.list_stale_resources(on=args.on)
    if not found:
        print("aucune ressource à revoir")
        return 0
    print_table(
        ("revue prévue", "ressource", "titre"),
        [(r.review_on, short(r.id), r.title) for r in found],
    )
    return 0


def _history(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        versions = app.toolbox.list_versions(resource_id=resolve(app, "resources", args.resource))
        names = actor_names(app, [x for r in versions for x in (r.published_by, r.archived_by)])

    def by(member_id: str | None, done: object) -> str:
        return "" if done is None and member_id is None else shown(names, member_id)

    print_table(
        ("version", "statut", "titre", "publiée le", "publiée par", "archivée par", "revue"),
        [
            (r.version, r.status.value, r.title, r.published_on,
             by(r.published_by, r.published_on),
             by(r.archived_by, r.status.value if r.status is ResourceStatus.ARCHIVED else None),
             r.review_on)
            for r in versions
        ],
        numeric={0},
    )  # fmt: skip
    return 0


def _export(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        done = app.toolbox.export_files(args.platform, args.folder)
    print(
        f"{plural(done.resources, 'ressource publiée exportée', 'ressources publiées exportées')} "
        f"dans {args.folder} : {plural(len(done.pages), 'page')} et "
        f"{plural(len(done.files), 'pièce jointe', 'pièces jointes')}"
    )
    return 0
    return 0


def _map(args: argparse.Namespace) -> int:
    from rsgm_core.render.exports import to_csv, to_json
    from rsgm_core.services.toolbox_export import map_columns

    with open_app(args) as app:
        rows = app.toolbox.software_map(epci=args.epci)
    header, cells = map_columns(rows)
    if args.format == "csv":
        print(to_csv(header, cells), end="")
    elif args.format == "json":
        print(to_json([dict(zip(header, row, strict=True)) for row in cells]))
    elif not rows:
        print("aucun logiciel métier renseigné dans l'annuaire")
    else:
        print_table(header, cells)
    return 0
