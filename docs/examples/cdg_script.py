"""A CDG's year in one script, written against ``rsgm_core``'s public names only.

Usage: ``python cdg_script.py [cdg.db]`` (no argument: in memory). The clock starts on
14 March 2025 and is moved by hand, so the script prints the same lines whatever the day.
"""

import argparse
import datetime as dt
from decimal import Decimal

import rsgm_core
from rsgm_core import Capacity, NewPosition, Role, ServiceKind, SessionPlan, format_indicator
from rsgm_core.testing import Clock

SAMPLE = rsgm_core.sample_census()  # Deux-Sèvres, shipped
PROFILE = rsgm_core.example_profile("cdg79")  # CDG 79's identity, policies and 2025 grid
AGENTS = (  # first name, last name, commune, function, share of a full-time post
    ("Claire", "Martin", "79307", "sgm", Decimal(1)),
    ("Julien", "Bernard", "79019", "secretaire_de_mairie", Decimal("0.5")),
)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Une année du réseau des SGM des Deux-Sèvres")
    parser.add_argument("db", nargs="?", help="fichier SQLite à créer (défaut : en mémoire)")
    db = parser.parse_args(argv).db
    clock = Clock(dt.date(2025, 3, 14))
    # A CDG passes its own rsgm.toml, with its [smtp] section. No mail server here: the messages
    # go to the "rsgm.outbox" logger, an explicit transport (NOT-3); without any, they would stay
    # queued and the script would say so on standard error.
    profile = PROFILE.read_text(encoding="utf-8") + "\n[extensions.log]\nenabled = true\n"
    settings = rsgm_core.Settings.from_toml(profile, folder=PROFILE.parent)
    with rsgm_core.open(
        f"sqlite:///{db}" if db else "memory://", settings=settings, clock=clock
    ) as app:
        census = app.census.import_(SAMPLE, ["79"])
        print(f"Recensement : {census.counts['communes']} communes, {census.counts['epcis']} EPCI")
        claire, julien = (
            app.members.add(first, last, email=f"{first}.{last}@example.org".lower(),
                            position=NewPosition(commune, function, work_time=share))
            for first, last, commune, function, share in AGENTS
        )  # fmt: skip

        # CHA-2: the first administrator is named at set-up; every administrative act names who
        # does it (by=: a member's id or e-mail address)
        admin = app.members.add("Anne", "Chevalier", email="anne.chevalier@cdg79.example.org")
        app.access.add_staff(admin.id, administrator=True)
        by = admin.id

        day = SessionPlan(dt.date(2025, 5, 15), "CDG 79, Niort", capacity=30)
        planned = app.events.plan("Journée réseau des SGM", "journée réseau", "présentiel", [day])
        session = planned.sessions[0]
        for member in (claire, julien):
            app.registrations.register(session.id, member.id)
        clock.set(session.date)  # the day of the session: the sheet is signed
        sheet = app.registrations.sign_in(session.id, by=by)  # names people: CDG staff exports it
        app.registrations.attend(session.id, [claire.id])
        rates = app.registrations.rates(planned.event.id)
        certificates = app.registrations.list_certificates(event_id=planned.event.id)
        print(f"{planned.event.title} : {len(sheet.members)} inscrits, {rates.attendees} présent, "
              f"{len(certificates)} attestation pour {certificates[0].member.full_name}")  # fmt: skip


        quote = app.memberships.quote("79307", year=2025)
        membership = app.memberships.join("79307", by=by, year=2025)
        app.memberships.sign_convention("79307", by=by, reference="CONV-2025-01")
        app.billing.add_intervention("79307", ServiceKind.SPECIFIC_INTERVENTION, 90, by=by,
                                     description="préparation du budget")  # fmt: skip
        invoice = next(i for i in app.billing.bill(year=2025, by=by) if i.insee == "79307")
        print(f"Adhésion de {quote.commune.name} ({quote.population} hab.) : {membership.fee} € ; "
              f"facture {invoice.year} : {invoice.total} €")  # fmt: skip

        app.charters.publish("Charte d'utilisation", "Accès sur invitation du CDG.", by=by)
        app.charters.sign("79307", "Gérard Roux", Capacity.MAYOR)
        app.charters.sign("79307", "Claire Martin", Capacity.SGM)
        space = app.access.create_departmental_space(by=by)
        grant = app.access.grant(claire.id, space.id, Role.CONTRIBUTOR, by=by)
        print(f"Plateforme : {claire.full_name}, {grant.role.value} de « {space.name} »")

        report = app.indicators.annual_report(year=2025)
        participation = format_indicator(report.indicator("taux_participation"))
        print(f"Rapport d'activité {report.year} : {len(report.events)} événement, "
              f"participation {participation}")  # fmt: skip


if __name__ == "__main__":
    main()
