"""``rsgm init``: a new CDG's profile (``rsgm.toml``) and database in one command, with its first
administrator (CHA-2), then what to do next."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import string
from pathlib import Path
from typing import Any

from rsgm_core.cli.common import ENV_CONFIG
from rsgm_core.domain.links import new_secret
from rsgm_core.errors import ConflictError, ValidationError
from rsgm_core.profile_file import PROFILE_NAME, cdg_code_from, example_profile, parse_profile

__all__ = ["register"]

DATABASE_NAME = "rsgm.db"


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "init",
        help="créer le profil rsgm.toml et la base d'un CDG, avec son premier administrateur",
        description="Crée, dans le dossier courant (ou --dossier), un profil rsgm.toml commenté "
        "et la base de données d'un CDG, et y nomme son premier administrateur (CHA-2). "
        "Ne remplace jamais un profil ou une base existants.",
    )
    parser.add_argument("--cdg", metavar="NOM_COURT", help='nom court du CDG, ex. "CDG 77"')
    parser.add_argument("--nom", metavar="NOM", help="nom complet (défaut : le nom court)")
    parser.add_argument(
        "--departements",
        nargs="+",
        metavar="CODE",
        help="départements du territoire, ex. 77 ou 78 91 95 (TER-7)",
    )
    parser.add_argument(
        "--administrateur",
        required=True,
        metavar="COURRIEL",
        help="adresse nominative du premier administrateur, un agent du CDG (CHA-2)",
    )
    parser.add_argument(
        "--administrateur-nom",
        dest="admin_name",
        metavar='"PRÉNOM NOM"',
        help="défaut : déduit de l'adresse (marie.durand@… → Marie Durand)",
    )
    parser.add_argument(
        "--profil", metavar="EXEMPLE", help="partir d'un profil d'exemple livré (cdg79)"
    )
    parser.add_argument("--dossier", metavar="DOSSIER", default=".", help="défaut : ici")
    parser.add_argument(
        "--db",
        metavar="CHEMIN",
        help=f"fichier SQLite (relatif au dossier) ou URL de base (défaut : {DATABASE_NAME})",
    )
    parser.set_defaults(handler=_init)


def _init(args: argparse.Namespace) -> int:
    folder = Path(args.dossier)
    profile_path = folder / PROFILE_NAME
    if profile_path.exists():
        raise ConflictError(
            f"un profil existe déjà : {profile_path} ; rsgm init ne le remplace pas "
            "(supprimez-le ou choisissez un autre --dossier)",
            value=str(profile_path),
        )
    departements = _departements(args.departements)
    database = args.db or DATABASE_NAME
    database_file = None if "://" in database else (folder / database)
    if database_file is not None and database_file.exists():
        raise ConflictError(
            f"une base existe déjà : {database_file} ; rsgm init ne la remplace pas "
            "(pour la mettre à jour : rsgm db upgrade)",
            value=str(database_file),
        )
    first_name, last_name = _names(args.administrateur, args.admin_name)
    text = _profile_text(args, departements, database)
    settings = parse_profile(text, folder=folder.resolve(), name=str(profile_path))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        schema = _create_database(settings, args.administrateur, first_name, last_name)
        _write_new(profile_path, text)
    except BaseException:
        if database_file is not None:
            database_file.unlink(missing_ok=True)
        raise
    _print_next_steps(settings, profile_path, folder, schema, args, first_name, last_name)
    return 0


def _departements(values: list[str] | None) -> tuple[str, ...]:
    return tuple(code for value in values or () for code in re.split(r"[,\s]+", value) if code)


def _names(email: str, given: str | None) -> tuple[str, str]:
    """The administrator's first and last names: as given, else from ``prenom.nom@…``."""
    if given:
        first, _, last = given.strip().partition(" ")
    else:
        local = email.partition("@")[0]
        first, _, last = local.partition(".")
        first, last = (_capitalised(part) for part in (first, last.replace(".", " ")))
    if not first.strip() or not last.strip():
        raise ValidationError(
            f"nom de l'administrateur introuvable dans {email!r} : précisez "
            '--administrateur-nom "Prénom Nom"',
            rule="CHA-2",
            value=email,
        )
    return first.strip(), last.strip()


def _capitalised(part: str) -> str:
    return "-".join(word.capitalize() for word in part.split("-"))


def _profile_text(args: argparse.Namespace, departements: tuple[str, ...], database: str) -> str:
    today = dt.date.today()
    if not args.profil:
        if not args.cdg or not departements:
            raise ValidationError(
                "précisez --cdg NOM_COURT et --departements CODE… (ou partez d'un exemple "
                "avec --profil cdg79)",
                rule="TER-7",
            )
        return new_profile(
            short_name=args.cdg, name=args.nom, departements=departements, database=database,
            today=today, actor=args.administrateur,
        )  # fmt: skip
    example = example_profile(args.profil).read_text(encoding="utf-8")
    header = (
        f"# Copié du profil d'exemple « {args.profil} » par rsgm init le "
        f"{today.isoformat()}.\n# Vérifiez chaque valeur : les politiques et la grille "
        "tarifaire ci-dessous sont celles de l'exemple,\n# pas forcément les vôtres.\n#\n"
    )
    if args.cdg:
        block = identity_block(short_name=args.cdg, name=args.nom)
        example = re.sub(r"(?ms)^\[cdg\]\n.*?(?=^\[)", lambda _: block + "\n", example, count=1)
        # another CDG's board never adopted these grids: the decision is the new CDG's to name
        example = re.sub(
            r'(?m)^adopte_par = ".*"$',
            lambda _: 'adopte_par = ""  # la délibération de votre conseil d\'administration',
            example,
        )
    elif args.nom:
        example = re.sub(r'(?m)^nom = ".*"$', lambda _: f"nom = {_quoted(args.nom)}", example)
    if departements:
        codes = ", ".join(_quoted(code) for code in departements)
        example = re.sub(
            r"(?m)^departements = \[.*\]$", lambda _: f"departements = [{codes}]", example
        )
    secret = f'secret = "{new_secret()}"  # tiré au hasard par rsgm init : confidentiel (NOT-3)'
    example, found = re.subn(r"(?m)^# secret = .*$", lambda _: secret, example, count=1)
    if not found:
        example = example.rstrip("\n") + f"\n\n[web]\n{secret}\n"
    base = (
        "\n[base]\n# La base de données : un fichier SQLite (relatif à ce fichier) ou une URL.\n"
        f"url = {_quoted(database)}\n"
    )
    animation = (
        "\n[animation]\n# Qui agit sans --par ni $RSGM_ACTEUR (CHA-2) : un membre, par son adresse.\n"
        f"acteur = {_quoted(args.administrateur)}\n"
    )
    return header + example.rstrip("\n") + "\n" + animation + base


def new_profile(
    *,
    short_name: str,
    name: str | None,
    departements: tuple[str, ...],
    database: str,
    today: dt.date,
    actor: str = "",
) -> str:
    """A new CDG's commented profile: what ``rsgm init`` knows written, every other key commented
    with its choices, so that the file loads as written."""
    template = (Path(__file__).parents[1] / "profiles" / "_nouveau.toml").read_text("utf-8")
    return string.Template(template).substitute(
        nom_court=short_name,
        date=today.isoformat(),
        identite=identity_block(short_name=short_name, name=name),
        departements=", ".join(_quoted(code) for code in departements),
        par_departement="true" if len(departements) > 1 else "false",
        base=_quoted(database),
        acteur=_quoted(actor),
        secret=new_secret(),
    )


def identity_block(*, short_name: str, name: str | None) -> str:
    """The ``[cdg]`` section of a new profile: names given, the rest commented."""
    code = cdg_code_from(short_name)
    return f"""[cdg]
# Le nom complet du CDG, sur les attestations, le rapport annuel et les factures.
nom = {_quoted(name or short_name)}
# Le nom court, dans les titres et les messages.
nom_court = {_quoted(short_name)}
# Le code du CDG dans ses grilles tarifaires et ses exports (minuscules, sans espace).
code = {_quoted(code)}
# Qui signe les attestations, où (« fait à … ») et en quelle qualité : tant que ces trois clés
# manquent, une attestation est refusée plutôt que signée par personne.
# lieu = "Ville du siège"
# signataire = "Prénom Nom"
# qualite_signataire = "Président du {short_name}"
# L'adresse postale, sur plusieurs lignes, en tête des documents.
# adresse = \"\"\"
# numéro et rue
# code postal et ville\"\"\"
# Le SIRET du CDG (14 chiffres), porté sur les factures (TAR-4, TAR-8).
# siret = "…"
# Le courriel de contact du réseau.
# courriel = "reseau-sgm@…"
# Un logo et une image de signature (PNG ou JPEG), chemins relatifs à ce fichier.
# logo = "logo.png"
# signature = "signature.png"
"""


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _create_database(settings: Any, email: str, first_name: str, last_name: str) -> int:
    import rsgm_core

    with rsgm_core.open(settings=settings) as app:
        counts = app.info()["counts"]
        if any(counts.values()):
            raise ConflictError(
                f"la base {app.storage.info()['url']} contient déjà des données ; rsgm init ne "
                "crée qu'une base neuve",
                value=str(app.storage.info()["url"]),
            )
        member = app.members.add(first_name, last_name, email=email)
        app.access.add_staff(member.id, administrator=True)
        return int(app.storage.info()["schema_version"])


def _write_new(path: Path, text: str) -> None:
    try:
        with path.open("x", encoding="utf-8") as out:
            out.write(text)
    except FileExistsError:
        raise ConflictError(f"un profil existe déjà : {path}", value=str(path)) from None


def _print_next_steps(
    settings: Any,
    profile_path: Path,
    folder: Path,
    schema: int,
    args: argparse.Namespace,
    first_name: str,
    last_name: str,
) -> None:
    cdg = settings.cdg
    departements = settings.departements
    print(f"profil du {cdg.short_name} écrit : {profile_path}")
    print(f"base créée : {settings.database} (schéma {schema})")
    print(
        f"premier administrateur : {first_name} {last_name} <{args.administrateur}>, "
        "agent du CDG (CHA-2)"
    )
    web = settings.plugin("web")
    print(
        "secret des liens personnels tiré au hasard et écrit dans [web] secret : gardez-le "
        "confidentiel (NOT-3)"
    )
    if not web.get("public_url"):
        print(
            "attention : pas d'adresse publique ([web] url_publique) : les messages partiront "
            "sans lien personnel tant qu'elle manque"
        )
    elif ".example" in str(web["public_url"]):
        print(
            f"attention : [web] url_publique est l'adresse d'exemple {web['public_url']} : "
            "remplacez-la par celle de votre application avant d'envoyer des messages"
        )
    if os.environ.get(ENV_CONFIG):
        print(
            f"attention : ${ENV_CONFIG} est défini et passe avant ce profil ; "
            f"retirez-le ou passez --config {profile_path}"
        )
    scope = " ".join(f"--departement {code}" for code in departements)
    step = 1
    print("\nEt maintenant :")
    if folder.resolve() != Path.cwd().resolve():
        print(f"  {step}. Placez-vous dans le dossier du profil : cd {folder}")
        step += 1
    print(
        f"  {step}. Complétez rsgm.toml : le lieu, le signataire et sa qualité (attestations), "
        "l'adresse et le SIRET (factures), votre grille tarifaire si vous en avez une."
    )
    print(
        f"  {step + 1}. Importez le recensement de votre territoire (données Etalab "
        "« découpage administratif ») :\n"
        f"       rsgm census import --source DOSSIER_ETALAB {scope}"
    )
    print(
        f"  {step + 2}. Importez vos membres depuis un tableur (CSV ou XLSX), d'abord à l'essai :\n"
        "       rsgm members import membres.csv --essai\n"
        "       rsgm members import membres.csv"
    )
    print(
        f"  {step + 3}. Lisez docs/configuration.md (chaque clé du profil) et "
        "docs/tutorial-adopt.md (la suite : réseau, événements)."
    )
