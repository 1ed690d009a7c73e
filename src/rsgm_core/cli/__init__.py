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

from rsgm_core.cli.language import FrenchParser
from rsgm_core.errors import RsgmError

__all__ = ["FrenchParser", "main"]

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


def build_parser() -> argparse.ArgumentParser:
    from rsgm_core import __version__, demo
    from rsgm_core.cli import (
        access,
        advice,
        census,
        db,
        elus,
        events,
        history,
        indicators,
        init,
        link_requests,
        links,
        members,
        network,
        onboarding,
        outbox,
        serve,
        surveys,
        tariffs,
        toolbox,
    )

    parser = FrenchParser(
        prog="rsgm",
        description="Animer le réseau des secrétaires généraux de mairie d'un centre de gestion.",
    )
    parser.add_argument("--version", action="version", version=f"rsgm {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMANDE", parser_class=FrenchParser)
    commands.required = True
    for module in (
        init,
        db,
        census,
        outbox,
        tariffs,
        members,
        onboarding,
        network,
        elus,
        events,
        surveys,
        history,
        access,
        indicators,
        toolbox,
        advice,
        links,
        link_requests,
        serve,
        demo,
    ):
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    for arg in sys.argv[1:] if argv is None else argv:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:  # bytes that are not UTF-8 reach argv as lone surrogates
            shown = arg.encode("utf-8", "backslashreplace").decode("ascii", "replace")
            print(f"rsgm : erreur : argument illisible (pas de l'UTF-8) : {shown}", file=sys.stderr)
            return EXIT_ERROR
    args = parser.parse_args(argv)
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
