"""``rsgm toolbox add|publish|archive|search|stale|history|export`` (KNB-1..KNB-4),
``rsgm advice log|answer|to-faq|stats`` (CNS-1, CNS-2) and ``rsgm software map`` (KNB-5)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from rsgm_core.cli.actors import actor_names, shown
from rsgm_core.cli.common import (
    actor,
    add_action,
    add_actor_option,
    add_group,
    open_app,
    print_table,
)
from rsgm_core.domain.advice import Channel
from rsgm_core.domain.bounds import LAST_DAY
from rsgm_core.domain.indicators import Period
from rsgm_core.domain.toolbox import ResourceKind, ResourceStatus
from rsgm_core.errors import ValidationError
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
    add.add_argument("--auteur", required=True, dest="author", help="membre (id ou courriel)")
    add.add_argument("--texte", default="", dest="body", help="corps en Markdown")
    add.add_argument("--fichier-texte", type=Path, dest="body_file", metavar="FICHIER.md")
    add.add_argument("--piece-jointe", action="append", default=[], type=Path, dest="files")
    add.add_argument(
        "--partagee", action="store_true", dest="shared", help="avec les CDG partenaires"
    )
    publish = add_action(actions, "publish", "publier une ressource (animateurs)", _publish)
    publish.add_argument("resource", metavar="RESSOURCE")
    add_actor_option(publish, "l'animateur (agent du CDG) qui publie")
    publish.add_argument(
        "--revue", required=True, type=_date, dest="review_on", metavar="AAAA-MM-JJ"
    )
    archive = add_action(actions, "archive", "archiver une ressource", _archive)
    archive.add_argument("resource", metavar="RESSOURCE")
    add_actor_option(archive, "l'animateur (agent du CDG) qui archive")
    search = add_action(actions, "search", "rechercher (classement par pertinence)", _search)
    search.add_argument("words", nargs="*", metavar="MOT")
    search.add_argument("--type", choices=[k.value for k in ResourceKind], dest="kind")
    search.add_argument("--theme")
    search.add_argument("--logiciel", dest="software")
    stale = add_action(actions, "stale", "ressources publiées à revoir", _stale)
    stale.add_argument("--au", type=_date, dest="on", metavar="AAAA-MM-JJ")
    history = add_action(actions, "history", "versions d'une ressource", _history)
    history.add_argument("resource", metavar="RESSOURCE")
    export = add_action(actions, "export", "exporter la boîte à outils publiée", _export)
    export.add_argument("--plateforme", default="interstis", dest="platform")
    export.add_argument("--dossier", required=True, type=Path, dest="folder")

    a_actions = add_group(commands, "advice", "demandes de conseil (CNS-1, CNS-2)")
    log = add_action(a_actions, "log", "enregistrer une demande", _log)
    log.add_argument("question", metavar="QUESTION")
    log.add_argument("--commune", required=True, metavar="CODE_INSEE")
    log.add_argument("--demandeur", required=True, dest="requester")
    log.add_argument("--canal", required=True, choices=[c.value for c in Channel], dest="channel")
    log.add_argument("--theme", required=True)
    log.add_argument(
        "--orienter", action="store_true", dest="refer", help="vers un volontaire (MEM-9)"
    )
    log.add_argument(
        "--le", type=_date, dest="on", metavar="AAAA-MM-JJ",
        help="jour de réception d'une demande saisie après coup (EVT-12) ; défaut : maintenant",
    )  # fmt: skip
    answer = add_action(a_actions, "answer", "enregistrer la réponse", _answer)
    answer.add_argument("request", metavar="DEMANDE")
    answer.add_argument("answer", metavar="REPONSE")
    answer.add_argument("--minutes", type=int, default=0)
    faq = add_action(a_actions, "to-faq", "transformer en question-réponse anonymisée", _to_faq)
    faq.add_argument("request", metavar="DEMANDE")
    faq.add_argument("--par", required=True, dest="by")
    stats = add_action(a_actions, "stats", "délais de réponse (médiane, 90e centile)", _stats)
    stats.add_argument("--du", type=_date, dest="since", metavar="AAAA-MM-JJ")
    stats.add_argument("--au", type=_date, dest="until", metavar="AAAA-MM-JJ")
    stats.add_argument("--format", choices=("table", "json"), default="table")

    s_actions = add_group(commands, "software", "logiciels métier du territoire (KNB-5)")
    map_ = add_action(s_actions, "map", "carte des logiciels par EPCI", _map)
    map_.add_argument("--epci", metavar="SIREN")
    map_.add_argument("--format", choices=("table", "csv", "json"), default="table")


def _add(args: argparse.Namespace) -> int:
    body = args.body_file.read_text(encoding="utf-8") if args.body_file else args.body
    files = [(path.name, path.read_bytes()) for path in args.files]
    with open_app(args) as app:
        resource = app.toolbox.add(
            args.kind, args.title, body, themes=args.themes, by=args.author,
            software=args.software, shared_with_partners=args.shared, attachments=files,
        )  # fmt: skip
    print(f"ressource {resource.id} : « {resource.title} » ({resource.status.value})")
    return 0


def _publish(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        resource = app.toolbox.publish(args.resource, by=actor(args), review_on=args.review_on)
    print(
        f"« {resource.title} » publiée, version {resource.version}, revue le {resource.review_on}"
    )
    return 0


def _archive(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        resource = app.toolbox.archive(args.resource, by=actor(args))
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
                h.resource.id,
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
        [(str(r.review_on), r.id, r.title) for r in found],
    )
    return 0


def _history(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        versions = app.toolbox.list_versions(resource_id=args.resource)
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
        tree = app.toolbox.export_to_platform(args.platform, args.folder)
    print(f"{len(tree) - 1} ressource(s) publiée(s) exportée(s) dans {args.folder}")
    return 0


def _log(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        request = app.advice.log(
            args.commune, args.requester, args.channel, args.theme, args.question, on=args.on
        )
        received = f", reçue le {args.on:%d/%m/%Y}" if args.on else ""
        print(f"demande {request.id} enregistrée ({request.theme}){received}")
        if args.refer:
            referral = app.advice.refer(request.id)
            chosen = next(
                h for h in referral.helpers if h.member.id == referral.request.referred_to
            )
            print(f"orientée vers {chosen.member.full_name} : {' ; '.join(chosen.reasons)}")
    return 0


def _answer(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        request = app.advice.answer(args.request, args.answer, minutes_spent=args.minutes)
    print(f"réponse enregistrée pour la demande {request.id}")
    return 0


def _to_faq(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        faq = app.advice.to_faq(args.request, by=args.by).resource
    print(f"question-réponse {faq.id} créée (brouillon) : « {faq.title} »")
    return 0


def _hours(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} h".replace(".", ",")


def _period(since: dt.date | None, until: dt.date | None) -> Period | None:
    """``--du``/``--au``: an open end reaches the first or the last request."""
    if since is None and until is None:
        return None
    try:
        return Period(since or dt.date.min, until or LAST_DAY)  # the calendar's window
    except ValidationError as exc:
        raise ValidationError(
            f"période à l'envers : du {since} au {until}", rule="CNS-2", value=since
        ) from exc


def _stats(args: argparse.Namespace) -> int:
    from rsgm_core.render.exports import to_json

    with open_app(args) as app:
        stats = app.advice.stats(period=_period(args.since, args.until))
    if args.format == "json":
        print(to_json({
            "repondues": stats.answered, "en_attente": stats.pending,
            "mediane_heures": stats.median_hours, "centile_90_heures": stats.p90_hours,
        }))  # fmt: skip
        return 0
    print(f"demandes répondues : {stats.answered}, en attente : {stats.pending}")
    print(f"délai médian : {_hours(stats.median_hours)}, 90e centile : {_hours(stats.p90_hours)}")
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
