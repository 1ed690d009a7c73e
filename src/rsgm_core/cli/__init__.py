"""The ``rsgm`` command line: a thin layer over the same services a CDG's application calls.

Every command works on a SQLite file (``--db``, else ``$RSGM_DB``, else the user data directory) and
fails with a one-line French message and a non-zero exit status, never a traceback.
"""

from __future__ import annotations

import argparse
import errno
import os
import re
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from rsgm_core.errors import RsgmError

__all__ = ["main"]

EXIT_ERROR = 2
#: An exception no rule raised (a defect, sysexits' EX_SOFTWARE): bad input is always EXIT_ERROR.
EXIT_DEFECT = 70
#: Set to show the Python trace of such a defect instead of the one-line message.
ENV_TRACEBACK = "RSGM_TRACEBACK"

_ARGPARSE_FR = (
    (r"the following arguments are required: (.*)", r"arguments obligatoires manquants : \1"),
    (
        r"argument (\S+): invalid choice: (.*) \(choose from (.*)\)",
        r"argument \1 : choix invalide \2 (au choix : \3)",
    ),
    (r"argument (\S+): invalid (\w+) value: (.*)", r"argument \1 : valeur invalide \3"),
    (r"argument (\S+): expected one argument", r"argument \1 : une valeur est attendue"),
    (r"unrecognized arguments: (.*)", r"arguments non reconnus : \1"),
    (r"argument (\S+): not allowed with argument (\S+)", r"l'argument \1 ne va pas avec \2"),
    (r"one of the arguments (.*) is required", r"un des arguments \1 est obligatoire"),
    (r"^argument (\S+): ", r"argument \1 : "),  # a converter's own French message follows
)


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
}


_HELP_FR = (
    ("usage: ", "usage : "),
    ("positional arguments:", "arguments :"),
    ("options:", "options :"),
    ("show this help message and exit", "afficher cette aide et quitter"),
    ("show program's version number and exit", "afficher la version et quitter"),
)


class FrenchParser(argparse.ArgumentParser):
    """argparse speaks English; animators read French."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for action in self._actions:  # the -h argparse adds itself
            if action.help and action.help.startswith("show this help"):
                action.help = "afficher cette aide et quitter"

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        # An option's value is named after the option, in French (--prenom PRENOM), not after
        # the English attribute it is stored in (FIRST_NAME).
        takes_value = kwargs.get("action") in (None, "store", "append")
        if takes_value and "metavar" not in kwargs and "choices" not in kwargs:
            long = next((a for a in args if a.startswith("--")), None)
            if long:
                kwargs["metavar"] = long.lstrip("-").upper().replace("-", "_")
        return super().add_argument(*args, **kwargs)

    def format_usage(self) -> str:
        return _french(super().format_usage())

    def format_help(self) -> str:
        return _french(super().format_help())

    def error(self, message: str) -> NoReturn:
        for pattern, replacement in _ARGPARSE_FR:
            message = re.sub(pattern, replacement, message)
        self.exit(EXIT_ERROR, f"{self.prog} : erreur : {message}\n")


def _french(text: str) -> str:
    for english, french in _HELP_FR:
        text = text.replace(english, french)
    return text


def build_parser() -> argparse.ArgumentParser:
    from rsgm_core import __version__, demo
    from rsgm_core.cli import (
        access,
        census,
        db,
        events,
        history,
        indicators,
        init,
        link_requests,
        links,
        members,
        network,
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
        network,
        events,
        surveys,
        history,
        access,
        indicators,
        toolbox,
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
        why = _OS_ERRORS.get(exc.errno or 0, exc.strerror or str(exc))
        print(f"rsgm : erreur : {why} : {exc.filename or ''}", file=sys.stderr)
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
