"""The shared directory (MEM-2) and consent (MEM-3): ``app.directory``."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import attrs

from rsgm_core._compat import deprecated, deprecated_aliases
from rsgm_core.domain.directory import (
    Consent,
    ConsentScope,
    DirectoryEntry,
    DirectoryFact,
    FactKind,
    Viewer,
    fold,
    require_consent_scope,
    validate_phone,
)
from rsgm_core.domain.directory_query import DirectoryQuery, entry_of
from rsgm_core.domain.history import check_not_future
from rsgm_core.domain.members import Member, validate_email
from rsgm_core.domain.rgpd import check_editable
from rsgm_core.domain.town_hall import TownHall
from rsgm_core.errors import NotFoundError, RuleViolation
from rsgm_core.ports import UnitOfWork
from rsgm_core.services.directory_edit import edit_entry, edit_town_hall
from rsgm_core.services.members import new_id

if TYPE_CHECKING:
    from typing_extensions import deprecated as typed_deprecated

    from rsgm_core.services.deps import Deps


log = logging.getLogger(__name__)

__all__ = ["DirectoryService", "give_consent_in", "withdraw_consent_in"]


class DirectoryService:
    """``app.directory``: contact details, expertises and software, town halls, consent and
    search (MEM-2, MEM-3)."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    # Contact details and facts (MEM-2)

    def update_contact(
        self,
        member_id: str,
        *,
        email: str | None = None,
        phone: str | None = None,
        photo: str | None = None,
        helper: bool | None = None,
    ) -> Member:
        """Change a member's e-mail (CHA-6, MEM-2), phone (MEM-2), photo or MEM-9 opt-in."""
        new_email = validate_email(email, strict=True) if email is not None else None
        new_phone = validate_phone(phone) if phone else None
        with self.deps.transaction() as uow:
            member = uow.members.get(member_id)
            check_editable(member, "ces coordonnées")  # MEM-11, MEM-4
            if new_email is not None:
                if any(m.id != member_id for m in uow.members.list({"email": new_email})):
                    raise RuleViolation(  # needs storage: the other members' addresses
                        f"un membre a déjà l'adresse {new_email} : une personne, un compte",
                        rule="CHA-6",
                        value=new_email,
                    )
                towns = [uow.communes.get(p.commune).name
                         for p in uow.positions.list({"member_id": member_id})]  # fmt: skip
                validate_email(new_email, commune_names=towns)  # CHA-6: not voinsles@ either
                member = attrs.evolve(member, email=new_email)
            if phone is not None:
                member = attrs.evolve(member, phone=new_phone)
            if photo is not None:
                member = attrs.evolve(member, photo=photo or None)
            if helper is not None:
                member = attrs.evolve(member, helper=helper)
            return uow.members.update(member)

    def set_expertises(self, member_id: str, expertises: Iterable[str]) -> tuple[str, ...]:
        """Replace a member's expertises by terms of the thesaurus (MEM-2)."""
        vocabulary = self.deps.hooks.expertise_thesaurus()
        terms = tuple(dict.fromkeys(vocabulary.resolve(e) for e in expertises))
        with self.deps.transaction() as uow:
            _replace_facts(uow, member_id, FactKind.EXPERTISE, [(t, False) for t in terms])
        return terms

    def set_software(
        self, member_id: str, used: Iterable[str] = (), mastered: Iterable[str] = ()
    ) -> tuple[str, ...]:
        """Replace a member's business software, used or mastered (MEM-2)."""
        vocabulary = self.deps.hooks.business_software()
        chosen = {vocabulary.resolve(s): False for s in used}
        chosen.update({vocabulary.resolve(s): True for s in mastered})
        with self.deps.transaction() as uow:
            _replace_facts(uow, member_id, FactKind.SOFTWARE, list(chosen.items()))
        return tuple(chosen)

    def set_town_hall(
        self,
        commune: str,
        address: str,
        *,
        opening_hours: str = "",
        phone: str | None = None,
        email: str | None = None,
    ) -> TownHall:
        """MEM-2: the town hall of a known commune, hours like ``lun. 9h-12h, jeu. 14h-18h``;
        ``email``, the collectivity's contact address, is where the employer is told of a
        revocation or a sanction (CHA-7, CHA-9): a shared mailbox is expected there."""
        contact = validate_email(email, generic_local_parts=()) if email else None
        hall = TownHall(
            commune, address, opening_hours, validate_phone(phone) if phone else None, contact
        )
        with self.deps.transaction() as uow:
            if uow.communes.find(commune) is None:
                raise NotFoundError(
                    f"commune inconnue : {commune} (importez d'abord le recensement)", value=commune
                )
            if uow.town_halls.find(commune) is None:
                uow.town_halls.add(hall)
            else:
                uow.town_halls.update(hall)
        return hall

    def edit_entry(
        self,
        member_id: str,
        *,
        expertises: Sequence[str] | None = None,
        software_used: Sequence[str] | None = None,
        software_mastered: Sequence[str] | None = None,
        phone: str | None = None,
    ) -> Member:
        """MEM-2: after import, replace a member's expertises, business software (used and
        mastered, together) and/or phone (``""`` clears it) in one unit of work; ``None`` keeps
        a value. Every term is checked against the thesaurus before anything is written."""
        return edit_entry(
            self.deps, member_id, expertises=expertises, software_used=software_used,
            software_mastered=software_mastered, phone=phone,
        )  # fmt: skip

    def edit_town_hall(
        self,
        commune: str,
        *,
        address: str | None = None,
        opening_hours: str | None = None,
        phone: str | None = None,
        email: str | None = None,
    ) -> TownHall:
        """MEM-2: change the town hall of ``commune`` (INSEE code or name) where a value is
        given, keeping the rest (``""`` clears the hours, phone or e-mail); a town hall not yet
        in the directory needs its address."""
        return edit_town_hall(
            self.deps, commune, address=address, opening_hours=opening_hours, phone=phone,
            email=email,
        )  # fmt: skip

    # Consent (MEM-3)

    def give_consent(
        self, member_id: str, scope: ConsentScope | str, *, on: dt.date | None = None
    ) -> Consent:
        """MEM-3: the member consents from ``on`` (today); an existing consent is kept."""
        wanted = require_consent_scope(scope)
        day = check_not_future(
            self.deps.on(on), today=self.deps.today(), what="date du consentement"
        )
        with self.deps.transaction() as uow:
            return give_consent_in(uow, member_id, wanted, day)

    def withdraw_consent(
        self, member_id: str, scope: ConsentScope | str, *, on: dt.date | None = None
    ) -> list[Consent]:
        """MEM-3: withdrawn from ``on`` (today): the entry is hidden again from members."""
        wanted = require_consent_scope(scope)
        day = check_not_future(self.deps.on(on), today=self.deps.today(), what="date du retrait")
        with self.deps.transaction() as uow:
            withdrawn = withdraw_consent_in(uow, member_id, wanted, day)
            if not withdrawn:
                raise NotFoundError(
                    f"aucun consentement « {wanted.value} » en cours pour "
                    f"{uow.members.get(member_id).full_name} : rien à retirer",
                    rule="MEM-3",
                    value=member_id,
                )
        return withdrawn

    def list_consents(self, *, member_id: str) -> list[Consent]:
        """MEM-3: a member's consents, given or withdrawn, oldest first."""
        with self.deps.read() as uow:
            return sorted(
                uow.consents.list({"member_id": member_id}), key=lambda c: (c.given_on, c.id)
            )

    # Reading and searching

    def get_entry(self, member_id: str, *, viewer: Viewer | None = None) -> DirectoryEntry:
        """One member's entry as ``viewer`` may see it; hidden entries are not found (MEM-3)."""
        seen_by = viewer or Viewer()
        with self.deps.read() as uow:
            found, _ = self._entries(uow, seen_by, member_ids=(member_id,), include_departed=True)
        if not found:
            raise NotFoundError(
                "fiche d'annuaire introuvable ou non visible sans consentement", value=member_id
            )
        return found[0]

    def search(
        self,
        *,
        expertise: str | None = None,
        software: str | None = None,
        epci: str | None = None,
        commune: str | None = None,
        viewer: Viewer | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[DirectoryEntry]:
        """MEM-2: active members matching every criterion given, accent- and case-insensitive
        ("etat civil" finds "État civil", "niortais" the CA du Niortais); entries without a
        directory consent only for animators and administrators (MEM-3). By name; ``limit`` and
        ``offset`` give one page: the storage filters, orders and pages where the data is, and
        the details are read for that page only."""
        skills = self._fact_keys(FactKind.EXPERTISE, expertise) if expertise else None
        tools = self._fact_keys(FactKind.SOFTWARE, software) if software else None
        with self.deps.read() as uow:
            codes = None
            if epci or commune:
                codes = tuple(sorted(_communes(uow, epci=epci, commune=commune)))
            found, stale = self._entries(
                uow, viewer or Viewer(), expertises=skills, software=tools, communes=codes,
                limit=limit, offset=offset,
            )  # fmt: skip
        if stale:
            self._refresh_name_keys()
        return found

    def _fact_keys(self, kind: FactKind, wanted: str) -> tuple[str, ...]:
        vocabulary = (
            self.deps.hooks.expertise_thesaurus()
            if kind is FactKind.EXPERTISE
            else self.deps.hooks.business_software()
        )
        return vocabulary.matching(wanted) or (fold(wanted),)

    def _entries(
        self,
        uow: UnitOfWork,
        viewer: Viewer,
        *,
        expertises: tuple[str, ...] | None = None,
        software: tuple[str, ...] | None = None,
        communes: tuple[str, ...] | None = None,
        member_ids: tuple[str, ...] | None = None,
        include_departed: bool = False,
        limit: int | None = None,
        offset: int = 0,
    ) -> tuple[list[DirectoryEntry], int]:
        """The entries of one page, and how many members matching lacked a stored name key."""
        today = self.deps.today()
        query = DirectoryQuery(
            today, viewer, expertises, software, communes, member_ids, include_departed,
            limit, offset,
        )  # fmt: skip
        page = uow.read_directory(query)
        return [entry_of(row, viewer, on=today) for row in page.rows], page.stale_keys

    def _refresh_name_keys(self) -> None:
        """MEM-2: the members found without an up-to-date name key were ordered in Python; write
        their keys so that the next searches order and page where the data is. A database busy
        with another writer (an import) or not writable keeps them for a later search."""
        try:
            with self.deps.transaction() as uow:
                written = uow.refresh_name_keys()
        except Exception as exc:  # best effort: the search has its answer already
            # A busy database (DatabaseBusyError), a read-only file (the driver's error): the
            # keys wait for a later search; the result, ordered in Python, is the same.
            log.info("clés de tri de l'annuaire non écrites (%s) : une prochaine recherche "
                     "les écrira", exc)  # fmt: skip
            return
        log.debug("annuaire : clés de tri de nom écrites : %d", written)

    # Deprecated names kept for one release.

    @deprecated("list_consents()")
    def consents(self, member_id: str) -> list[Consent]:
        """Deprecated: use :meth:`list_consents`."""
        return self.list_consents(member_id=member_id)

    @deprecated("set_expertises() or set_software()")
    def replace_facts(
        self, uow: UnitOfWork, member_id: str, kind: FactKind, terms: Sequence[tuple[str, bool]]
    ) -> None:
        """Deprecated: use :meth:`set_expertises` or :meth:`set_software`."""
        _replace_facts(uow, member_id, kind, terms)

    if TYPE_CHECKING:  # the former name, attached below at run time: typed for a caller's checker

        @typed_deprecated("use app.directory.get_entry()")
        def entry(self, member_id: str, *, viewer: Viewer | None = None) -> DirectoryEntry: ...


deprecated_aliases(DirectoryService, entry="get_entry")


def _replace_facts(
    uow: UnitOfWork, member_id: str, kind: FactKind, terms: Sequence[tuple[str, bool]]
) -> None:
    """Replace a member's facts of one kind inside the caller's unit of work (MEM-2)."""
    check_editable(uow.members.get(member_id), "cette fiche d'annuaire")  # MEM-11, MEM-4
    for fact in uow.directory_facts.list({"member_id": member_id, "kind": kind}):
        uow.directory_facts.remove(fact.id)
    uow.directory_facts.add_all(
        DirectoryFact(new_id(), member_id, kind, term, fold(term), mastered)
        for term, mastered in terms
    )


def _communes(uow: UnitOfWork, *, epci: str | None, commune: str | None) -> set[str]:
    """INSEE codes for an EPCI (SIREN or part of its name) and/or a commune (code or name)."""
    codes: set[str] | None = None
    if epci:
        if epci.isdigit():
            sirens = [epci]
        else:
            key = fold(epci)
            sirens = [e.siren for e in uow.epcis.list() if key in fold(e.name)]
        codes = {c.code for c in uow.communes.list({"epci": sirens})} if sirens else set()
    if commune:
        if uow.communes.find(commune) is not None:
            found = {commune}
        else:
            key = fold(commune)
            found = {c.code for c in uow.communes.list() if fold(c.name) == key}
            if not found:
                raise NotFoundError(f"commune inconnue : {commune!r}", value=commune)
        codes = found if codes is None else codes & found
    return codes or set()


def give_consent_in(uow: UnitOfWork, member_id: str, scope: ConsentScope, day: dt.date) -> Consent:
    """MEM-3 inside the caller's unit of work: the consent current on ``day``, else a new one."""
    check_editable(uow.members.get(member_id), "ce consentement")  # MEM-11, MEM-4
    current = [
        c for c in uow.consents.list({"member_id": member_id, "scope": scope}) if c.current_on(day)
    ]
    if current:
        return current[0]
    return uow.consents.add(Consent(new_id(), member_id, scope, day))


def withdraw_consent_in(
    uow: UnitOfWork, member_id: str, scope: ConsentScope, day: dt.date
) -> list[Consent]:
    """MEM-3 inside the caller's unit of work: the consents withdrawn (none when none ran)."""
    withdrawn = [
        attrs.evolve(c, withdrawn_on=max(day, c.given_on))
        for c in uow.consents.list({"member_id": member_id, "scope": scope})
        if c.withdrawn_on is None
    ]
    if withdrawn:
        uow.consents.update_all(withdrawn)
    return withdrawn
