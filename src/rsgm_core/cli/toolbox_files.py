"""``rsgm toolbox show|edit|download`` (KNB-1, KNB-3): a resource read in full, edited into a new
version, and an attached file written to disk."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rsgm_core.cli.actors import actor_names
from rsgm_core.cli.common import (
    actor,
    add_action,
    add_actor_option,
    load_settings,
    open_app,
    print_table,
    whole_number,
)
from rsgm_core.domain.toolbox import ResourceKind, ResourceStatus
from rsgm_core.errors import NotFoundError, ValidationError
from rsgm_core.render.french import plural

__all__ = ["register_actions", "resource_id"]

_STATUS = {
    ResourceStatus.DRAFT: "brouillon",
    ResourceStatus.PUBLISHED: "publiée",
    ResourceStatus.ARCHIVED: "archivée",
}


def register_actions(actions: Any) -> None:
    """The actions added to the ``toolbox`` group of :mod:`rsgm_core.cli.toolbox`."""
    show = add_action(actions, "show", "afficher une ressource, ses pièces jointes", _show)
    show.add_argument("resource", metavar="RESSOURCE", help="identifiant (8 caractères suffisent)")
    show.add_argument("--version", type=whole_number, metavar="VERSION", help="une version passée")

    edit = add_action(
        actions, "edit", "modifier une ressource (nouvelle version si elle est publiée)", _edit
    )
    edit.add_argument("resource", metavar="RESSOURCE", help="identifiant (8 caractères suffisent)")
    edit.add_argument("--titre", dest="title", metavar="TITRE")
    edit.add_argument("--type", choices=[k.value for k in ResourceKind], dest="kind")
    edit.add_argument("--theme", action="append", dest="themes", metavar="THEME",
                      help="remplace les thèmes ; répétable")  # fmt: skip
    edit.add_argument("--logiciel", action="append", dest="software", metavar="LOGICIEL",
                      help="remplace les logiciels ; répétable")  # fmt: skip
    edit.add_argument("--texte", dest="body", metavar="TEXTE", help="nouveau corps en Markdown")
    edit.add_argument("--fichier-texte", type=Path, dest="body_file", metavar="FICHIER")
    shared = edit.add_mutually_exclusive_group()
    shared.add_argument("--partagee", action="store_const", const=True, dest="shared",
                        help="partager avec les CDG partenaires")  # fmt: skip
    shared.add_argument("--non-partagee", action="store_const", const=False, dest="shared",
                        help="ne plus partager avec les CDG partenaires")  # fmt: skip
    add_actor_option(edit, "qui modifie (l'auteur ou un animateur)")

    download = add_action(
        actions, "download", "enregistrer une pièce jointe dans un fichier", _download
    )
    download.add_argument(
        "id", metavar="ID",
        help="identifiant de la pièce jointe, ou de sa ressource si elle n'en a qu'une",
    )  # fmt: skip
    download.add_argument("--sortie", "-o", "--output", required=True, type=Path,
                          dest="output", metavar="FICHIER")  # fmt: skip
    download.add_argument("--nom", dest="name", metavar="NOM",
                          help="la pièce jointe de ce nom, parmi celles de la ressource")  # fmt: skip
    download.add_argument("--remplacer", action="store_true", dest="replace",
                          help="remplacer le fichier s'il existe déjà")  # fmt: skip


def resource_id(app: Any, ref: str) -> str:
    """KNB-1: a resource by its id or 8 characters or more of it (unique), else a French
    error naming the value."""
    wanted = ref.strip()
    known = [r.id for r in app.toolbox.list_resources()]
    if wanted in known:
        return wanted
    found = [i for i in known if len(wanted) >= 8 and i.startswith(wanted)]
    if len(found) == 1:
        return found[0]
    if not found:
        raise NotFoundError(
            f"ressource introuvable : {ref!r} (identifiant, ou ses 8 premiers caractères au moins)",
            rule="KNB-1",
            value=ref,
        )
    raise ValidationError(
        f"identifiant ambigu : {ref!r} désigne {len(found)} ressources ; donnez-en davantage",
        rule="KNB-1",
        value=ref,
    )


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} o"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} Ko"
    return f"{size / 1024 / 1024:.1f} Mo".replace(".", ",")


def _show(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        key = resource_id(app, args.resource)
        resource = app.toolbox.get(key, args.version)
        files = app.toolbox.list_attachments(resource_id=key)
        followers = app.toolbox.list_followers(resource_id=key)
        names = actor_names(app, [resource.author_id, resource.published_by])
    print(f"« {resource.title} » ({resource.id})")
    print(f"  type : {resource.kind.value}   statut : {_STATUS[resource.status]}   "
          f"version : {resource.version}")  # fmt: skip
    print(f"  auteur : {names.get(resource.author_id, resource.author_id)}")
    print(f"  thèmes : {', '.join(resource.themes)}")
    if resource.software:
        print(f"  logiciels : {', '.join(resource.software)}")
    if resource.published_on:
        who = names.get(resource.published_by or "", "")
        print(f"  publiée le {resource.published_on:%d/%m/%Y}" + (f" par {who}" if who else ""))
    if resource.review_on:
        print(f"  prochaine revue : {resource.review_on:%d/%m/%Y}")
    print(
        f"  partagée avec les CDG partenaires : {'oui' if resource.shared_with_partners else 'non'}"
    )
    print(f"  abonnés prévenus des nouvelles versions : {len(followers)}")
    if files:
        print("  pièces jointes :")
        print_table(
            ("pièce jointe", "nom", "type", "taille"),
            [(f.id[:8], f.name, f.media_type, _size(f.size)) for f in files],
        )
    else:
        print("  pièces jointes : aucune")
    print()
    print(resource.body.rstrip() or "(corps vide)")
    return 0


def _edit(args: argparse.Namespace) -> int:
    load_settings(args)  # a missing profile is said first
    if args.body is not None and args.body_file is not None:
        raise ValidationError(
            "--texte et --fichier-texte s'excluent", rule="KNB-3", value="--fichier-texte"
        )
    body = args.body_file.read_text(encoding="utf-8") if args.body_file else args.body
    if all(
        v is None for v in (args.title, args.kind, args.themes, args.software, body, args.shared)
    ):
        raise ValidationError(
            "rien à modifier : donnez --titre, --type, --theme, --logiciel, --texte, "
            "--fichier-texte ou --partagee/--non-partagee",
            rule="KNB-3",
            value=args.resource,
        )
    by = actor(args)
    with open_app(args) as app:
        key = resource_id(app, args.resource)
        before = app.toolbox.get(key)
        edited = app.toolbox.edit(
            key, by=by, kind=args.kind, title=args.title, body=body, themes=args.themes,
            software=args.software, shared_with_partners=args.shared,
        )  # fmt: skip
        followers = len(app.toolbox.list_followers(resource_id=key))
    if edited.version == before.version:
        print(f"« {edited.title} » modifiée (brouillon, version {edited.version})")
    else:
        print(
            f"« {edited.title} » : nouvelle version {edited.version} publiée (la version "
            f"{before.version} est conservée) ; "
            f"{plural(followers, 'abonné prévenu', 'abonnés prévenus')}"
        )
    return 0


def _download(args: argparse.Namespace) -> int:
    load_settings(args)  # a missing profile is said first
    output: Path = args.output
    if output.is_dir():
        raise ValidationError(
            f"{output} est un dossier : donnez le chemin du fichier à écrire (--sortie FICHIER)",
            rule="KNB-1",
            value=str(output),
        )
    if output.exists() and not args.replace:
        raise ValidationError(
            f"le fichier {output} existe déjà : ajoutez --remplacer pour l'écraser",
            rule="KNB-1",
            value=str(output),
        )
    with open_app(args) as app:
        attachment = app.toolbox.get_attachment(args.id, name=args.name)
        content = app.toolbox.content(attachment)
        resource = app.toolbox.get(attachment.resource_id)
    output.write_bytes(content)
    print(
        f"pièce jointe « {attachment.name} » de « {resource.title} » enregistrée dans {output} "
        f"({_size(len(content))})"
    )
    return 0
