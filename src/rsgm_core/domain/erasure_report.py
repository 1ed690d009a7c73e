"""MEM-11: what an erasure really did, as ``app.rgpd.erase`` reports it: per collection, the
records removed, those kept with the person anonymised (blanked, redacted or coarsened, as the
collection declares) and those that only mentioned them and lost the mention; and whether the
storage's checkpoint made the old bytes leave its files. Pure: the service counts, this module
holds the values and their French wording."""

from __future__ import annotations

import datetime as dt

import attrs

from rsgm_core.domain.privacy import Erasure

__all__ = ["CollectionErasure", "ErasureReport"]


@attrs.frozen
class CollectionErasure:
    """MEM-11: what the erasure did in one collection: ``removed`` records that only described
    the person, ``anonymised`` records about them kept as ``erasure`` says (anonymised, redacted
    or coarsened), ``mentions`` records about someone else or no one whose mention of the person
    was cut."""

    collection: str
    label: str
    erasure: Erasure
    removed: int = 0
    anonymised: int = 0
    mentions: int = 0

    @property
    def total(self) -> int:
        return self.removed + self.anonymised + self.mentions

    def describe(self) -> str:
        """One line in French: « signature : 2 anonymisés », « fiche d'annuaire : 1 supprimé »
        (the records counted, « enregistrements », set the agreement)."""
        parts = []
        if self.removed:
            parts.append(_counted(self.removed, "supprimé"))
        if self.anonymised:
            verb = self.erasure.value if self.erasure is not Erasure.NONE else "anonymisé"
            parts.append(_counted(self.anonymised, verb))
        if self.mentions:
            parts.append(f"{self.mentions} dont la mention a été retirée")
        return f"{self.label} : {', '.join(parts)}"


@attrs.frozen
class ErasureReport:
    """MEM-11: what :meth:`RgpdService.erase` did for ``member_id``, erased on ``erased_on`` by
    ``by`` (a member id): the member record anonymised (``False`` when the person had been
    erased already: nothing was done), the collections touched (those untouched are left out),
    and ``checkpointed``: whether the storage's checkpoint completed, so that the erased values
    are gone from its files (``False``: a reader kept the journal open; run the erasure again
    once it has finished, it only checkpoints)."""

    member_id: str
    erased_on: dt.date
    by: str
    anonymised: bool
    collections: tuple[CollectionErasure, ...] = ()
    checkpointed: bool = True

    @property
    def removed(self) -> int:
        return sum(c.removed for c in self.collections)

    @property
    def changed(self) -> int:
        return sum(c.anonymised + c.mentions for c in self.collections)

    def lines(self) -> list[str]:
        """The report in French, one line per fact, for the command line and the logs."""
        if not self.anonymised:
            head = f"{self.member_id[:8]} : données déjà effacées, rien de plus à effacer"
        else:
            head = (
                f"{self.member_id[:8]} : personne anonymisée le "
                f"{self.erased_on.strftime('%d/%m/%Y')} : nom, e-mail, téléphone et photo "
                "effacés de sa fiche"
            )
        lines = [head]
        if self.collections:
            lines.append(
                f"{_counted(self.removed, 'enregistrement supprimé', 'enregistrements supprimés')}, "
                f"{_counted(self.changed, 'modifié')} dans "
                f"{_counted(len(self.collections), 'collection')} :"
            )
            lines.extend(f"  {c.describe()}" for c in self.collections)
        elif self.anonymised:
            lines.append("aucun autre enregistrement ne la nommait")
        if self.checkpointed:
            lines.append(
                "point de contrôle fait : les anciennes valeurs ont quitté les fichiers de la base "
                "et l'index de recherche"
            )
        else:
            lines.append(
                "point de contrôle incomplet : un lecteur ouvert garde le journal de la base, où "
                "les anciennes valeurs restent ; relancez l'effacement quand il aura fini (MEM-11)"
            )
        return lines


def _counted(count: int, singular: str, plural: str | None = None) -> str:
    """``count`` and the words agreeing with it: 0 and 1 take the singular, as in French."""
    return f"{count} {singular if count < 2 else plural or singular + 's'}"
