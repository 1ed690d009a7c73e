"""The ``rsgm`` command line: a thin layer over the same services a CDG's application calls.

Every command works on a SQLite file (``--db``, else ``$RSGM_DB``, else the user data directory) and
fails with a one-line French message and a non-zero exit status, never a traceback.
"""

from __future__ import annotations

import argparse
import errno
import os
import sys
from collections.abc import Sequence
from typing import Any, NamedTuple

from rsgm_core.cli.language import CATALOG, FrenchParser
from rsgm_core.errors import RsgmError

__all__ = ["COMMANDS", "Command", "FrenchParser", "build_parser", "main"]

EXIT_ERROR = 2
#: An exception no rule raised (a defect, sysexits' EX_SOFTWARE): bad input is always EXIT_ERROR.
EXIT_DEFECT = 70
#: Set to show the Python trace of such a defect instead of the one-line message.
ENV_TRACEBACK = "RSGM_TRACEBACK"

#: The operating system's usual refusals, in French (its own words are English).
_OS_ERRORS = {
    errno.ENOENT: "fichier ou dossier introuvable",
    errno.EACCES: "permission refusée",
    errno.EPERM: "opération non permise",
    errno.EISDIR: "c'est un dossier, pas un fichier",
    errno.ENOTDIR: "ce n'est pas un dossier",
    errno.EEXIST: "existe déjà",
    errno.ENOSPC: "plus de place sur le disque",
    errno.EROFS: "système de fichiers en lecture seule",
    errno.ENAMETOOLONG: "nom de fichier trop long",
    errno.ENOTEMPTY: "le dossier n'est pas vide",
    errno.EBUSY: "ressource occupée",
    errno.EIO: "erreur d'entrée-sortie",
    errno.ELOOP: "trop de liens symboliques",
    errno.EFBIG: "fichier trop gros",
    errno.EMFILE: "trop de fichiers ouverts",
    errno.EINVAL: "argument invalide pour le système",
    errno.EXDEV: "déplacement impossible entre deux disques",
    errno.ETXTBSY: "fichier en cours d'utilisation",
    errno.EDQUOT: "quota de disque dépassé",
    errno.ECONNREFUSED: "connexion refusée",
    errno.ETIMEDOUT: "délai de connexion dépassé",
    errno.EHOSTUNREACH: "hôte injoignable",
    errno.ENETUNREACH: "réseau injoignable",
}


def os_error_text(exc: OSError) -> str:
    """The operating system's refusal in French (its own words are English): the usual ones
    by name, the others by their code, never the English text."""
    if exc.errno in _OS_ERRORS:
        return _OS_ERRORS[exc.errno]
    if exc.errno:
        return f"erreur du système ({errno.errorcode.get(exc.errno, exc.errno)})"
    return "erreur du système"


class Command(NamedTuple):
    """One top-level command of ``rsgm``: its name, the module that builds its parser (a
    ``register(commands)`` function), the one line ``rsgm --help`` shows, and other spellings."""

    name: str
    module: str  # under rsgm_core.cli ("census"), or a full name ("rsgm_core.demo")
    help: str
    aliases: tuple[str, ...] = ()

    @property
    def module_name(self) -> str:
        return self.module if "." in self.module else f"rsgm_core.cli.{self.module}"


#: Every top-level command, in the order ``rsgm --help`` lists them. The command line imports a
#: command's module only when that command runs; the help line here must be the one its
#: ``register`` gives (tests/unit/test_cli_startup.py checks both). Adding a command is one line.
COMMANDS: tuple[Command, ...] = (
    Command("init", "init", "créer le profil rsgm.toml et la base d'un CDG, avec son premier administrateur"),
    Command("db", "db", "créer, mettre à jour ou décrire la base"),
    Command("census", "census", "recensement des communes du territoire"),
    Command("outbox", "outbox", "boîte d'envoi des messages"),
    Command("tariffs", "tariffs", "grilles tarifaires du pack d'adhésion"),
    Command("membership", "tariffs", "adhésions annuelles des communes"),
    Command("convention", "tariffs", "conventions d'adhésion"),
    Command("interventions", "tariffs", "interventions facturées à l'heure"),
    Command("members", "members", "membres du réseau, parcours, données personnelles"),
    Command("directory", "members", "annuaire partagé"),
    Command("onboarding", "onboarding", "parcours d'intégration des arrivants (MEM-5)"),
    Command("tutors", "tutors", "tutorat des arrivants jusqu'au bilan à 3 mois (MEM-13)"),
    Command("network", "network", "réseaux, entraide, continuité"),
    Command("partners", "network", "annuaire des partenaires (MEM-10)"),
    Command("local-networks", "local_networks", "réseaux locaux existants (NET-7)"),
    Command("elus", "elus", "les élus : maires, adjoints, présidents d'EPCI, administrateurs du CDG (MEM-12)"),
    Command("events", "events", "événements du réseau : planning, inscriptions, suivi"),
    Command("cdg-calendar", "cdg_calendar", "autres événements du CDG, à éviter (EVT-11)"),
    Command("calendar", "surveys", "agenda iCalendar du réseau (EVT-8)"),
    Command("surveys", "surveys", "questionnaires (SUR-1, SUR-2, EVT-9)"),
    Command("newsletter", "surveys", "lettre d'information (EVT-10)"),
    Command("history", "history", "historique d'un réseau antérieur à sa saisie (EVT-12)"),
    Command("charter", "access", "charte d'utilisation de la plateforme (CHA-1, CHA-8)"),
    Command("access", "access", "accès aux espaces de la plateforme (CHA-2..CHA-9)"),
    Command("export", "access", "exports vers une plateforme collaborative"),
    Command("indicators", "indicators", "indicateurs du réseau (IND-1)"),
    Command("report", "indicators", "rapport d'activité annuel (IND-2)"),
    Command("national", "indicators", "synthèse nationale anonymisée (IND-3)", ("aggregate",)),
    Command("toolbox", "toolbox", "boîte à outils du réseau (KNB-1..KNB-4)"),
    Command("software", "toolbox", "logiciels métier du territoire (KNB-5)"),
    Command("advice", "advice", "demandes de conseil (CNS-1, CNS-2)"),
    Command("groups", "working_groups", "groupes de travail du réseau (NET-5)"),
    Command("suggestions", "suggestions", "suggestions des membres (NET-6)"),
    Command("budget", "means", "lignes de budget du réseau (NET-8)"),
    Command("venues", "means", "lieux des rencontres (NET-8)"),
    Command("speakers", "means", "intervenants des séances (NET-8, MEM-10)"),
    Command("animation-time", "means", "temps des animateurs (NET-8)"),
    Command("means", "means", "les moyens du réseau d'une année (NET-8)"),
    Command("links", "links", "lien personnel d'une personne pour un usage (NOT-3)"),
    Command("link-requests", "link_requests", "demander aux membres d'agir par leur lien personnel (NOT-3)"),
    Command("serve", "serve", "servir les pages des liens personnels et des animateurs (extension web)"),
    Command("web", "serve", "outils de l'application web"),
    Command("demo", "rsgm_core.demo", "démonstration hors ligne sur l'échantillon des Deux-Sèvres"),
)  # fmt: skip


class _Version(argparse._VersionAction):
    """``--version``: the version is read (``importlib.metadata``, a third of the import time)
    only when asked for."""

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        from rsgm_core import __version__

        self.version = f"rsgm {__version__}"
        super().__call__(parser, *args, **kwargs)


def command_named(argv: Sequence[str]) -> Command | None:
    """The command ``argv`` runs (its first word that is not an option), if it is one."""
    words = iter(argv)
    for word in words:
        if word == "--":
            word = next(words, "")
        elif word.startswith("-"):
            continue
        return next((c for c in COMMANDS if word == c.name or word in c.aliases), None)
    return None


def build_parser(*, lazy: bool = False, command: str | None = None) -> argparse.ArgumentParser:
    """The ``rsgm`` parser. Whole by default (every command's options: the docs, the tests);
    with ``lazy``, only ``command``'s module is imported and its parser built, the other
    commands being their name and help line (what ``rsgm --help`` shows)."""
    from importlib import import_module

    parser = FrenchParser(
        prog="rsgm",
        description="Animer le réseau des secrétaires généraux de mairie d'un centre de gestion.",
    )
    parser.add_argument(
        "--version", action=_Version, help=CATALOG["show program's version number and exit"]
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMANDE", parser_class=FrenchParser)
    commands.required = True
    wanted = {c.module_name for c in COMMANDS if not lazy or command in (c.name, *c.aliases)}
    registered: set[str] = set()
    for entry in COMMANDS:
        if entry.module_name in wanted:
            if entry.module_name not in registered:
                import_module(entry.module_name).register(commands)
                registered.add(entry.module_name)
        else:  # a name and its help line; chosen all the same (`rsgm -- cmd`): the whole parser
            stub = commands.add_parser(entry.name, help=entry.help, aliases=list(entry.aliases))
            stub.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
            stub.set_defaults(handler=None)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else list(argv)
    chosen = command_named(words)
    parser = build_parser(lazy=True, command=chosen.name if chosen else None)
    for arg in words:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:  # bytes that are not UTF-8 reach argv as lone surrogates
            shown = arg.encode("utf-8", "backslashreplace").decode("ascii", "replace")
            print(f"rsgm : erreur : argument illisible (pas de l'UTF-8) : {shown}", file=sys.stderr)
            return EXIT_ERROR
    args = parser.parse_args(words)
    if getattr(args, "handler", 0) is None:  # a command command_named did not see: all of it
        args = build_parser().parse_args(words)
    try:
        return int(args.handler(args) or 0)
    except RsgmError as exc:
        print(f"rsgm : erreur : {exc}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:  # `rsgm … | head`: the reader left, which is not an error
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silences the flush at exit
        return 0
    except KeyboardInterrupt:
        print("rsgm : interrompu, rien n'a été enregistré de l'opération en cours", file=sys.stderr)
        return 130
    except OSError as exc:
        where = f" : {exc.filename}" if exc.filename else ""
        print(f"rsgm : erreur : {os_error_text(exc)}{where}", file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:  # a defect of rsgm, not of the input: no trace, yet never hidden
        if os.environ.get(ENV_TRACEBACK):
            raise
        print(
            f"rsgm : erreur inattendue, un défaut de rsgm ({type(exc).__name__} : {exc}) ; "
            f"signalez-le avec la commande lancée ({ENV_TRACEBACK}=1 affiche la trace)",
            file=sys.stderr,
        )
        return EXIT_DEFECT


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
