"""``rsgm charter publish|sign|status`` (CHA-1, CHA-8: ``app.charters``), ``rsgm access
space|staff|grant|revoke|explain|agree`` (CHA-2..CHA-7: ``app.access``), ``rsgm access
report|sanction|lift|sanctions`` (CHA-9: ``app.moderation``) and ``rsgm export interstis``
(``app.platform``)."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rsgm_core.cli.access_requests import register_requests
from rsgm_core.cli.actors import actor_names, shown
from rsgm_core.cli.common import (
    ENV_ACTOR,
    actor,
    add_action,
    add_actor_option,
    add_group,
    check_output,
    open_app,
    print_table,
)
from rsgm_core.cli.naming import (
    MEMBER_HELP,
    RECORD_HELP,
    commune_label,
    commune_labels,
    member_label,
    resolve,
    short,
)
from rsgm_core.cli.progress import add_quiet_option, progress_line
from rsgm_core.domain.access import Role, SanctionKind
from rsgm_core.domain.access_records import AgreementParty, EmployerNotice, NoticeKind
from rsgm_core.domain.charters import Capacity, SpaceKind
from rsgm_core.domain.profile import CharterChange
from rsgm_core.errors import ValidationError
from rsgm_core.profile_file import profile_actor
from rsgm_core.render.formatting import format_date
from rsgm_core.render.french import plural

if TYPE_CHECKING:
    from rsgm_core.app import App

#: Short names of the capacities on the command line.
CAPACITIES = {
    "maire": Capacity.MAYOR,
    "representant": Capacity.MAYOR_REPRESENTATIVE,
    "sgm": Capacity.SGM,
    "dgs": Capacity.DGS,
    "president-epci": Capacity.EPCI_PRESIDENT,
    "referent": Capacity.COMMUNITY_REFERENT,
    "dgs-epci": Capacity.EPCI_DGS,
}
SPACE_KINDS = {"departemental": SpaceKind.DEPARTMENTAL, "communautaire": SpaceKind.COMMUNITY}


def register(commands: Any) -> None:
    charter = add_group(commands, "charter", "charte d'utilisation de la plateforme (CHA-1, CHA-8)")
    publish = add_action(charter, "publish", "publier une nouvelle version (annoncée)", _publish)
    add_actor_option(publish, "l'administrateur du CDG qui publie")
    publish.add_argument("--titre", required=True, dest="title")
    publish.add_argument(
        "--fichier-texte",
        "--texte",
        required=True,
        metavar="FICHIER",
        dest="text",
        help="le texte de la charte (Markdown)",
    )
    publish.add_argument(
        "--nature", choices=[c.value for c in CharterChange], dest="change",
        help="resigner (changement de fond) ou informer (correction) ; défaut : la politique "
        "« nouvelle_version_charte » du profil (CHA-8)",
    )  # fmt: skip
    publish.add_argument(
        "--le", type=_day, dest="on", metavar="AAAA-MM-JJ",
        help="en vigueur depuis ce jour, pour une charte adoptée avant sa saisie (EVT-12)",
    )  # fmt: skip
    add_action(
        charter, "versions", "versions publiées et qui les a publiées (CHA-2, CHA-8)", _versions
    )
    sign = add_action(charter, "sign", "enregistrer une signature", _sign)
    sign.add_argument("commune", metavar="CODE_INSEE")
    sign.add_argument(
        "--signataire", required=True, dest="signer",
        help="SGM, DGS ou référent : le membre (identifiant, adresse ou nom) qui signe pour "
        "lui-même ; élu : son nom",
    )  # fmt: skip
    sign.add_argument("--qualite", required=True, choices=sorted(CAPACITIES), dest="capacity")
    sign.add_argument("--espace", choices=sorted(SPACE_KINDS), default="departemental")
    sign.add_argument("--version", type=int, help="défaut : la version en vigueur")
    sign.add_argument(
        "--fin-mandat", type=_day, dest="mandate_end", metavar="AAAA-MM-JJ",
        help="élu : fin du mandat (défaut : le prochain renouvellement général, 31 mars)",
    )  # fmt: skip
    sign.add_argument(
        "--le", type=_day, dest="on", metavar="AAAA-MM-JJ",
        help="jour de la signature, pour une charte papier signée avant sa saisie (EVT-12)",
    )  # fmt: skip
    status = add_action(charter, "status", "signatures d'une commune et ce qui manque", _status)
    status.add_argument("commune", metavar="CODE_INSEE")
    signatures = add_action(charter, "signatures", "signatures enregistrées (CHA-1)", _signatures)
    signatures.add_argument("--commune", metavar="CODE_INSEE")
    signatures.add_argument(
        "--a-refaire", action="store_true", dest="needs_personal",
        help="seulement celles qui ne nomment personne (à signer de nouveau en personne)",
    )  # fmt: skip

    access = add_group(commands, "access", "accès aux espaces de la plateforme (CHA-2..CHA-9)")
    space = add_action(
        access, "space", "créer un espace ou changer sa phase (CHA-3, CHA-5)", _space
    )
    add_actor_option(space, "l'administrateur du CDG")
    space.add_argument("--epci", metavar="SIREN", help="espace communautaire de cet EPCI")
    space.add_argument("--lecture-seule", choices=("oui", "non"), dest="read_only")
    space.add_argument(
        "--espace", "--id", dest="space_id", help="espace existant dont changer la phase"
    )
    space.add_argument(
        "--departement", metavar="CODE", help="espace départemental de ce département (TER-7)"
    )
    staff = add_action(access, "staff", "déclarer un agent du CDG (CHA-2)", _staff)
    staff.add_argument("member", metavar="MEMBRE", help=MEMBER_HELP)
    staff.add_argument("--administrateur", action="store_true", dest="administrator")
    add_actor_option(staff, "l'administrateur qui nomme (sauf le premier, nommé par rsgm init)")
    for name, help_, handler in (
        ("grant", "inviter dans un espace (administrateur du CDG)", _grant),
        ("explain", "cette personne peut-elle avoir ce rôle dans cet espace ?", _explain),
    ):
        parser = add_action(access, name, help_, handler)
        parser.add_argument("member", metavar="MEMBRE", help=MEMBER_HELP)
        parser.add_argument("--espace", required=True, dest="space", help=RECORD_HELP)
        parser.add_argument("--role", required=True, choices=[r.value for r in Role])
        if name == "grant":
            add_actor_option(parser, "l'administrateur du CDG qui invite")
        else:  # no default: without --par, the invitation is taken as an administrator's
            parser.add_argument("--par", dest="by", help="l'administrateur qui inviterait")
        parser.add_argument("--commune", metavar="CODE_INSEE")
    revoke = add_action(access, "revoke", "retirer l'accès à un espace ou à tous", _revoke)
    revoke.add_argument("member", metavar="MEMBRE", help=MEMBER_HELP)
    add_actor_option(revoke, "l'administrateur du CDG qui révoque")
    revoke.add_argument("--espace", dest="space", help=f"{RECORD_HELP} ; défaut : tous les espaces")
    revoke.add_argument("--motif", dest="reason", default="révocation par un administrateur")
    report = add_action(access, "report", "signaler un abus (CHA-9)", _report)
    report.add_argument("member", metavar="MEMBRE", help=MEMBER_HELP)
    add_actor_option(report, "qui signale")
    report.add_argument("--motif", dest="reason", required=True)
    sanction = add_action(access, "sanction", "restreindre ou supprimer l'accès (CHA-9)", _sanction)
    sanction.add_argument("member", metavar="MEMBRE", help=MEMBER_HELP)
    add_actor_option(sanction, "l'administrateur du CDG qui sanctionne")
    sanction.add_argument("--mesure", required=True, choices=[k.value for k in SanctionKind])
    sanction.add_argument("--motif", dest="reason", required=True)
    sanction.add_argument("--signalement", dest="report_id", help=RECORD_HELP)
    agree = add_action(
        access, "agree", "accord pour un non-SGM (CHA-4) ou demande d'une commune (CHA-3)", _agree
    )
    agree.add_argument("member", metavar="MEMBRE", help=MEMBER_HELP)
    agree.add_argument("--espace", required=True, dest="space", help=RECORD_HELP)
    agree.add_argument(
        "--partie", required=True, choices=[p.value for p in AgreementParty], dest="party"
    )
    add_actor_option(agree, "qui donne l'accord")
    lift = add_action(access, "lift", "lever une sanction (administrateur du CDG, CHA-9)", _lift)
    lift.add_argument("sanction_id", metavar="SANCTION", help=RECORD_HELP)
    add_actor_option(lift, "l'administrateur du CDG qui lève la sanction")
    lift.add_argument("--motif", dest="reason", required=True, help="motif de la levée")
    sanctions = add_action(access, "sanctions", "lister les sanctions (CHA-9)", _sanctions)
    sanctions.add_argument(
        "member", metavar="MEMBRE", nargs="?", help=f"{MEMBER_HELP} ; défaut : tout le monde"
    )
    sanctions.add_argument(
        "--en-vigueur", action="store_true", dest="active", help="seulement celles non levées"
    )

    register_requests(access)

    export = add_group(commands, "export", "exports vers une plateforme collaborative")
    interstis = add_action(
        export, "interstis", "comptes, espaces et suspensions pour Interstis", _export
    )
    add_actor_option(interstis, "l'administrateur du CDG qui exporte")
    interstis.add_argument(
        "--depuis-dernier",
        "--since-last",
        dest="since_last",
        action="store_true",
        help="seulement les changements depuis le dernier export",
    )
    interstis.add_argument("--format", choices=("csv", "json"), default="csv")
    interstis.add_argument(
        "--sortie", "-o", "--output", dest="output", help="défaut : la sortie standard"
    )
    add_quiet_option(interstis)


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"date AAAA-MM-JJ attendue : {text!r}") from None


def _publish(args: argparse.Namespace) -> int:
    text = Path(args.text).read_text(encoding="utf-8")
    with open_app(args) as app:
        version = app.charters.publish(
            args.title, text, by=actor(args), change=args.change, on=args.on
        )
        users = {g.member_id for g in app.access.list_grants()}  # those told (CHA-8)
        told = sum(1 for member_id in users if app.members.get(member_id).email)
        names = actor_names(app, [version.published_by])
    what = "à signer de nouveau" if version.change is CharterChange.RESIGN else "pour information, les signatures restent valables"  # fmt: skip
    print(f"version {version.version} publiée le {format_date(version.published_on)} par {shown(names, version.published_by)} ({what}) ; {plural(told, 'annonce')} dans la boîte d'envoi")  # fmt: skip
    return 0


def _versions(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        versions = app.charters.list_versions()
        names = actor_names(app, [v.published_by for v in versions])
    rows = [
        (v.version, v.title, v.published_on, v.change.value,
         shown(names, v.published_by))
        for v in versions
    ]  # fmt: skip
    print_table(("version", "titre", "en vigueur le", "nature", "publiée par"), rows, numeric={0})
    print(f"\n{plural(len(versions), 'version')}")
    return 0


def _sign(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        signature = app.charters.sign(
            args.commune, args.signer, CAPACITIES[args.capacity],
            space=SPACE_KINDS[args.espace], version=args.version, mandate_end=args.mandate_end,
            on=args.on,
        )  # fmt: skip
        where = commune_label(app, signature.commune)
    until = f", jusqu'au {format_date(signature.mandate_end)}" if signature.mandate_end else ""
    signed = f", signée le {format_date(signature.signed_on)}" if args.on else ""
    print(f"signature enregistrée pour {where} : {signature.signer} ({signature.capacity.value}), version {signature.version}{signed}{until}")  # fmt: skip
    return 0


def _signatures(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        found = app.charters.list_signatures(
            commune=args.commune, needs_personal=True if args.needs_personal else None
        )
        places = commune_labels(app, [s.commune for s in found])
    print_table(
        ("commune", "version", "date", "signataire", "qualité", "espace", "personnelle"),
        [
            (places.get(s.commune, s.commune), s.version, s.signed_on, s.signer,
             s.capacity.value,
             s.space.value, "à refaire" if s.needs_personal else "oui")
            for s in found
        ],
    )  # fmt: skip
    return 0


def _status(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        status = app.charters.status(args.commune)
        where = commune_label(app, status.commune)
    print(f"commune {where} ; version en vigueur : {status.version or 'aucune'}")
    print_table(
        ("version", "date", "signataire", "qualité", "espace"),
        [
            (s.version, s.signed_on, s.signer, s.capacity.value, s.space.value)
            for s in status.signatures
        ],
    )
    for signature in status.signatures:
        if signature.id in status.lapsed:
            print(f"ne compte plus : {signature.signer} ({signature.capacity.value}) : {status.lapsed[signature.id]}")  # fmt: skip
    for kind, groups in status.missing.items():
        missing = " ; ".join(" ou ".join(sorted(c.value for c in g)) for g in groups)
        print(f"espace {kind.value} : {'complet' if not groups else 'manque ' + missing}")
    return 0


def _space(args: argparse.Namespace) -> int:
    by = actor(args)
    with open_app(args) as app:
        if args.space_id:
            if args.read_only is None:
                raise ValidationError("--lecture-seule oui|non attendu avec --espace", rule="CHA-5")
            space_id = resolve(app, "spaces", args.space_id)
            space = app.access.set_read_only(space_id, args.read_only == "oui", by=by)
        elif args.epci:
            space = app.access.create_community_space(args.epci, by=by)
        else:
            space = app.access.create_departmental_space(by=by, departement=args.departement)
        if args.read_only and not args.space_id:
            space = app.access.set_read_only(space.id, args.read_only == "oui", by=by)
    phase = "consultation" if space.read_only else "contributions ouvertes"
    print(f"espace {space.id} : {space.name} ({phase})")  # the id: short and readable
    return 0


def _staff(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        named_by = args.by or os.environ.get(ENV_ACTOR) or profile_actor(app.deps.settings.source)
        member_id = resolve(app, "members", args.member, rule="CHA-2")
        staff = app.access.add_staff(member_id, administrator=args.administrator, by=named_by)
        who = member_label(app, member_id)
    print(f"agent du CDG enregistré : {who}{' (administrateur)' if staff.administrator else ''}")
    return 0


def _grant(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        member_id = resolve(app, "members", args.member, rule="CHA-2")
        grant = app.access.grant(
            member_id, resolve(app, "spaces", args.space), args.role, by=actor(args),
            commune=args.commune,
        )  # fmt: skip
        who = member_label(app, member_id)
    print(f"accès accordé à {who} : espace {grant.space_id}, rôle {grant.role.value}")
    return 0


def _explain(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        decision = app.access.explain(
            resolve(app, "members", args.member, rule="CHA-2"), args.role, resolve(app, "spaces", args.space),
            by=args.by, commune=args.commune,
        )  # fmt: skip
    if decision.allowed:
        print("accès possible")
        return 0
    for refusal in decision.refusals:
        print(f"[{refusal.rule}] {refusal.message}")
    return 1


def _revoke(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        member_id = resolve(app, "members", args.member, rule="CHA-7")
        space_id = resolve(app, "spaces", args.space) if args.space else None
        revoked = app.access.revoke(
            member_id, by=actor(args), space_id=space_id, reason=args.reason
        )
        who = member_label(app, member_id)
    print(f"{len(revoked)} {'accès révoqués' if len(revoked) > 1 else 'accès révoqué'} pour {who}")
    return 0


def _agree(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        member_id = resolve(app, "members", args.member, rule="CHA-4")
        space_id = resolve(app, "spaces", args.space)
        agreement = app.access.agree(member_id, space_id, args.party, by=actor(args))
        decision = app.access.explain(member_id, Role.VISITOR, space_id)
        who = member_label(app, member_id)
    print(f"accord enregistré : {agreement.party.value}, espace {agreement.space_id}, pour {who}")
    if decision.allowed:
        print("plus rien ne manque : « rsgm access grant » peut inviter")
    for refusal in decision.refusals:
        print(f"manque encore : [{refusal.rule}] {refusal.message}")
    return 0


def _report(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        member_id = resolve(app, "members", args.member, rule="CHA-9")
        report = app.moderation.file_report(member_id, by=actor(args), reason=args.reason)
        who = member_label(app, member_id)
    print(f"signalement enregistré : {short(report.id)}, {who}")
    return 0


def _sanction(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        member_id = resolve(app, "members", args.member, rule="CHA-9")
        report_id = resolve(app, "abuse_reports", args.report_id) if args.report_id else None
        sanction = app.moderation.sanction(
            member_id, args.mesure, by=actor(args), reason=args.reason, report_id=report_id
        )
        unsent = _unsent(app, sanction.member_id)
        who = member_label(app, member_id)
    print(
        f"sanction enregistrée : {sanction.kind.value} (identifiant {short(sanction.id)}) "
        f"pour {who}"
    )
    _warn(unsent)
    return 0


def _unsent(app: App, member_id: str, kind: NoticeKind | None = None) -> list[EmployerNotice]:
    """The notices to the member's employer that could not be sent (no address on record)."""
    return [
        n
        for n in app.moderation.list_notices(member_id=member_id, sendable=False)
        if kind is None or n.kind is kind
    ]


def _warn(unsent: list[EmployerNotice]) -> None:
    for notice in unsent:
        print(f"attention : {notice.detail}", file=sys.stderr)


def _lift(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        sanction = app.moderation.lift_sanction(
            resolve(app, "sanctions", args.sanction_id, rule="CHA-9"),
            by=actor(args),
            reason=args.reason,
        )
        who = member_label(app, sanction.member_id)
        held = app.access.list_grants(member_id=sanction.member_id)
        unsent = _unsent(app, sanction.member_id, NoticeKind.SANCTION_LIFTED)
    print(
        f"sanction levée : {sanction.kind.value} du {format_date(sanction.decided_on)}, pour {who}"
    )
    if sanction.kind is SanctionKind.REMOVAL:
        print("l'accès n'est pas rétabli : invitez de nouveau avec « rsgm access grant »")
    else:
        spaces = ", ".join(f"{g.space_id} ({g.role.value})" for g in held) or "aucun"
        print(f"accès en cours : {spaces}")
    _warn(unsent)
    return 0


def _sanctions(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        member_id = resolve(app, "members", args.member, rule="CHA-9") if args.member else None
        found = app.moderation.list_sanctions(
            member_id=member_id, active=True if args.active else None
        )
        names = {s.member_id: member_label(app, s.member_id) for s in found}
        mails = {s.member_id: app.members.get(s.member_id).email or "" for s in found}
    print_table(
        ("identifiant", "membre", "adresse", "mesure", "décidée le", "motif", "levée le",
         "motif de la levée"),
        [
            (
                short(s.id), names[s.member_id], mails[s.member_id], s.kind.value, s.decided_on, s.reason,
                s.lifted_on, s.lift_reason or "",

            )
            for s in found
        ],
    )  # fmt: skip
    return 0


def _export(args: argparse.Namespace) -> int:
    check_output(args.output)  # the export records its state: refuse an unwritable file first
    with open_app(args) as app:
        with progress_line(args) as progress:
            result = app.platform.export_accounts(
                "interstis",
                by=actor(args),
                since_last=args.since_last,
                format=args.format,
                progress=progress,
            )
        exports = app.platform.list_exports(platform="interstis")
        last = exports[-1].exported_by if exports else None
        names = actor_names(app, [last])
    if args.output:
        Path(args.output).write_text(result.text, encoding="utf-8", newline="")
        what = "rien à appliquer" if result.empty else f"écrit dans {args.output}"
        by = "" if result.empty else f" par {shown(names, last)}"
        print(f"export {'complet' if result.full else 'différentiel'}{by} : {what}")
    else:
        sys.stdout.write(result.text if args.format == "json" else result.text.lstrip("\ufeff"))
    return 0
