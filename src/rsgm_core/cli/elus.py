"""``rsgm elus import|list|add|end|letters|print`` (MEM-12): the élus of the territory, one
record per mandate, imported from a spreadsheet (the member import's options; a dry run unless
``--enregistrer``), listed, written to by e-mail or by a printed mail-merge (EVT-2)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rsgm_core.cli.common import actor, add_action, add_actor_option, add_group, open_app
from rsgm_core.cli.dates import iso_date
from rsgm_core.cli.members_import import _pairs, _plural
from rsgm_core.domain.elu_import import ELU_LABELS
from rsgm_core.domain.elus import EluRole, LetterKind
from rsgm_core.services.elu_import import EluImportReport

__all__ = ["register"]

_FIELDS = ", ".join(ELU_LABELS.values())
_KINDS = {"lancement": LetterKind.LAUNCH, "epci": LetterKind.EPCI,
          "information": LetterKind.EVENT_INFORMATION, "retour": LetterKind.EVENT_FEEDBACK}  # fmt: skip
_KIND_HELP = (
    "lancement (courrier aux maires), epci (courrier aux présidents d'EPCI), information "
    "(information des maires d'un événement), retour (retour aux élus après un événement)"
)


def register(commands: Any) -> None:
    actions = add_group(
        commands,
        "elus",
        "les élus : maires, adjoints, présidents d'EPCI, administrateurs du CDG (MEM-12)",
    )
    imp = add_action(
        actions,
        "import",
        "importer un tableur d'élus (CSV ou XLSX), à l'essai sauf --enregistrer",
        _import,
    )
    imp.add_argument("path", metavar="FICHIER", type=Path)
    imp.add_argument("--colonne", action="append", default=[], metavar="EN-TÊTE=CHAMP",
                     help=f'lire une colonne comme un champ (répétable) ; champs : {_FIELDS}')  # fmt: skip
    imp.add_argument("--ignorer", action="append", default=[], metavar="EN-TÊTE",
                     help="laisser de côté une colonne (répétable)")  # fmt: skip
    imp.add_argument("--par-defaut", action="append", default=[], dest="defaults", metavar="CHAMP=VALEUR",
                     help='valeur des cellules vides d\'un champ (répétable), ex. "début=2026-03-22"')  # fmt: skip
    imp.add_argument("--mise-a-jour", action="store_true", dest="update",
                     help="rafraîchir les coordonnées des mandats déjà enregistrés")  # fmt: skip
    imp.add_argument("--election", type=iso_date, metavar="AAAA-MM-JJ",
                     help="date d'une élection municipale : les mandats en cours des communes et "
                     "EPCI du fichier prennent fin la veille (renouvellement, historique gardé)")  # fmt: skip
    imp.add_argument("--enregistrer", action="store_true",
                     help="enregistrer pour de bon (sans cette option : essai, rien n'est enregistré)")  # fmt: skip
    add_actor_option(imp)
    show = add_action(actions, "list", "lister les élus en fonction (ou tous les mandats)", _list)
    show.add_argument(
        "--le",
        type=iso_date,
        dest="on",
        metavar="AAAA-MM-JJ",
        help="en fonction ce jour-là (défaut : aujourd'hui)",
    )
    show.add_argument("--mandat", choices=[r.value for r in EluRole], help="un seul mandat")
    show.add_argument(
        "--historique", action="store_true", help="tous les mandats, terminés compris"
    )
    end = add_action(
        actions, "end", "terminer un mandat (et ce qui en dépend : signature, siège)", _end
    )
    end.add_argument("elu", metavar="ÉLU", help="identifiant, adresse ou « Prénom Nom »")
    end.add_argument(
        "--le",
        type=iso_date,
        dest="on",
        metavar="AAAA-MM-JJ",
        help="dernier jour du mandat (défaut : aujourd'hui)",
    )
    add_actor_option(end)
    erase = add_action(
        actions, "erase", "effacer un élu qui n'est pas membre du réseau (droit à l'effacement)",
        _erase,
    )  # fmt: skip
    erase.add_argument("elu", metavar="ÉLU", help="identifiant, adresse ou « Prénom Nom »")
    erase.add_argument("--oui", action="store_true", required=True, help="confirmer")
    add_actor_option(erase, "l'administrateur du CDG qui efface")
    letters = add_action(
        actions,
        "letters",
        "écrire aux élus par courriel (messages envoyés par la messagerie du réseau)",
        _letters,
    )
    letters.add_argument("kind", metavar="COURRIER", choices=list(_KINDS), help=_KIND_HELP)
    letters.add_argument(
        "--evenement", dest="event", metavar="EVENEMENT", help="l'événement (information, retour)"
    )
    add_actor_option(letters)
    merge = add_action(
        actions, "print", "publipostage à imprimer : une page par élu (HTML, ou PDF)", _print
    )
    merge.add_argument("kind", metavar="COURRIER", choices=list(_KINDS), help=_KIND_HELP)
    merge.add_argument(
        "--evenement", dest="event", metavar="EVENEMENT", help="l'événement (information, retour)"
    )
    merge.add_argument("--pdf", action="store_true", help="en PDF (extra « pdf »)")
    merge.add_argument(
        "--tous", action="store_true", help="à tous, même à ceux qui l'ont déjà reçu"
    )
    merge.add_argument(
        "--sortie", "-o", "--output", dest="output", metavar="FICHIER", required=True
    )
    add_actor_option(merge)


def _import(args: argparse.Namespace) -> int:
    by = actor(args)
    with open_app(args) as app:
        report = app.elus.import_elus(
            args.path, by=by, mapping=_pairs(args.colonne, "EN-TÊTE=CHAMP"), ignore=args.ignorer,
            defaults=_pairs(args.defaults, "CHAMP=VALEUR"), update=args.update,
            election=args.election, dry_run=not args.enregistrer,
        )  # fmt: skip
    print_report(report)
    return 0 if report.ok else 1


def print_report(report: EluImportReport) -> None:
    if report.header is not None:
        read = ", ".join(
            f"« {report.header.headers[i]} » → {ELU_LABELS[f]}"
            for i, f in sorted(report.header.columns.items())
        )
        print(f"colonnes lues : {read}")
    for problem in report.file_problems:
        print(f"fichier : {problem}")
    for group in report.groups():
        allowed = f" (valeurs admises : {group.allowed})" if group.allowed else ""
        print(f"{group.kind}{allowed} [{group.rule}] : {_plural(len(group.lines), 'ligne')}")
        for row in report.rows:
            for issue in row.issues:
                if issue.kind == group.kind:
                    print(f"  ligne {row.line} ({row.name or '?'}) : {issue.message}")
    for row in report.rows:
        if not row.problems:
            detail = f" : {' ; '.join(row.changes)}" if row.changes else ""
            print(f"ligne {row.line} ({row.name}) : {row.action}{detail}")
    if report.ended_mandates:
        print("mandats terminés par l'élection : " + ", ".join(report.ended_mandates))
    rejected = len(report.problems)
    if not report.ok:
        print(f"{_plural(rejected, 'ligne')} en erreur : rien n'a été importé")
        return
    counts = (
        f"{_plural(report.members, 'nouveau mandat')}, {_plural(report.updated, 'mandat')} mis à "
        f"jour, {_plural(report.ended, 'mandat')} terminé{'s' if report.ended > 1 else ''}"
    )
    if report.written:
        print(f"enregistré : {counts}")
    else:
        print(
            f"à enregistrer : {counts} (essai : rien n'a été importé ; --enregistrer pour le faire)"
        )


def _list(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        found = app.elus.list_elus(on=args.on, role=args.mandat, history=args.historique)
        with app.deps.read() as uow:
            from rsgm_core.services.elus import place_name

            places = {e.id: place_name(uow, e) for e in found}
    if not found:
        print("aucun élu enregistré (rsgm elus import)")
        return 0
    for elu in found:
        until = f" au {elu.end:%d/%m/%Y}" if elu.end else ""
        contact = elu.email or (elu.address_lines[0] if elu.address_lines else "sans coordonnées")
        print(
            f"{elu.full_name}, {elu.title}, {places[elu.id]}, du {elu.start:%d/%m/%Y}{until} — {contact} [{elu.id[:8]}]"
        )
    print(_plural(len(found), "mandat"))
    return 0


def _end(args: argparse.Namespace) -> int:
    by = actor(args)
    with open_app(args) as app:
        ended = app.elus.end(args.elu, by=by, on=args.on)
    print(f"mandat de {ended.full_name} ({ended.title}) terminé le {ended.end:%d/%m/%Y} : sa "
          "signature de la charte et son siège au comité de pilotage prennent fin avec lui")  # fmt: skip
    return 0


def _erase(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        elu = app.elus.get_elu(args.elu)
        report = app.rgpd.erase_elu(elu.id, by=actor(args))
    print(f"effacement de {elu.full_name} ({elu.title}) : ses mandats supprimés, son nom, son "
          "adresse et son téléphone retirés des courriers et messages")  # fmt: skip
    for line in report.lines()[1:]:  # MEM-11: what was really done, and the checkpoint
        print(line)
    return 0


def _event(app: Any, ref: str | None) -> str | None:
    from rsgm_core.cli.events import resolve_id

    return resolve_id(app, "events", ref) if ref else None


def _letters(args: argparse.Namespace) -> int:
    by = actor(args)
    with open_app(args) as app:
        done = app.elus.send_letters(_KINDS[args.kind], by=by, event_id=_event(app, args.event))
    print(f"« {done.kind.value} » : {_plural(len(done.sent), 'courriel')} mis en file d'envoi"
          + (f" ({', '.join(done.sent)})" if done.sent else ""))  # fmt: skip
    if done.already:
        print(f"déjà écrit : {done.already}")
    if done.to_print:
        print(
            f"sans adresse électronique, à imprimer (rsgm elus print {args.kind}) : "
            + ", ".join(done.to_print)
        )
    return 0


def _print(args: argparse.Namespace) -> int:
    by = actor(args)
    with open_app(args) as app:
        merge = app.elus.print_letters(
            _KINDS[args.kind],
            by=by,
            event_id=_event(app, args.event),
            pdf=args.pdf,
            everyone=args.tous,
        )
    Path(args.output).write_bytes(merge.content)
    if not merge.pages:
        print(f"aucun élu à qui imprimer « {merge.kind.value} » : {args.output} n'a aucune page")
        return 0
    print(f"{_plural(merge.pages, 'page')} écrite{'s' if merge.pages > 1 else ''} dans {args.output} "
          f"(« {merge.kind.value} », enregistré comme envoyé par courrier) : " + ", ".join(merge.recipients))  # fmt: skip
    return 0
