"""What every use case receives besides its inputs: the ports, never the whole facade.

A use case is a function ``(inputs…, uow, deps) -> result`` or a method of a small collaborator
built on a :class:`Deps`. :meth:`Deps.transaction` is the one place that opens, commits and rolls
back a unit of work for writing; composition calls use cases inside the same unit of work.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import attrs

from rsgm_core.domain.progress import Progress
from rsgm_core.errors import ConfigurationError, ValidationError

if TYPE_CHECKING:
    from rsgm_core.plugin_manager import Hooks
    from rsgm_core.ports import Storage, UnitOfWork
    from rsgm_core.services.outbox import DeliveryReport
    from rsgm_core.settings import Settings

__all__ = ["Deps"]

log = logging.getLogger("rsgm.transaction")
log_outbox = logging.getLogger("rsgm.outbox")


@attrs.frozen
class Deps:
    """The ports of one opened instance: storage, hooks, settings and the clock."""

    storage: Storage
    hooks: Hooks
    settings: Settings
    clock: Callable[[], dt.datetime]
    #: The report of the last delivery after a commit (one item at most): what a command says
    #: of the messages it queued (NOT-3). See :attr:`OutboxService.last_delivery`.
    deliveries: list[DeliveryReport] = attrs.field(factory=list, eq=False, repr=False)

    def now(self) -> dt.datetime:
        """The current zoned time from the clock (a naive one is a configuration error)."""
        moment = self.clock()
        if not isinstance(moment, dt.datetime) or moment.utcoffset() is None:
            raise ConfigurationError(
                f"l'horloge doit donner une date et heure avec fuseau, pas {moment!r}",
                value=moment,
            )
        return moment

    def today(self) -> dt.date:
        """Today in the CDG's zone."""
        return self.now().astimezone(self.settings.zone).date()

    def on(self, day: dt.date | None) -> dt.date:
        """The effective date of a use case: ``on=`` when given, else today."""
        return self.today() if day is None else day

    @contextmanager
    def transaction(self, *, progress: Progress | None = None) -> Iterator[UnitOfWork]:
        """One unit of work for one use case: commit at the end of the block, roll back on any
        exception; then deliver the messages it queued, if it queued any (telling ``progress``
        as they go), and run the observers it registered (never after a rollback)."""
        with _storable_text(), self.storage.unit_of_work() as uow:
            yield uow
            uow.commit()
        # The write is committed: a failure from here on is logged, never raised to the caller,
        # who would otherwise retry a write that happened; every observer still runs.
        if uow.queued_ids:
            self._deliver_queued(uow.queued_ids, progress)
        for callback in uow.after_commit:
            try:
                callback()
            except Exception:
                log.exception(
                    "l'observateur %s a échoué après validation ; les données sont enregistrées",
                    _name(callback),
                )

    def _deliver_queued(self, ids: list[str], progress: Progress | None = None) -> None:
        """After a commit: deliver the messages this transaction queued, and only those (NOT-3),
        then say in French what did not leave, on the ``rsgm.outbox`` logger (a command shows
        its warnings on standard error)."""
        from rsgm_core.render.french import plural

        queued = len(ids)
        self.deliveries.clear()
        if not self.settings.plugin("outbox").get("deliver_after_commit", True):
            log_outbox.info(
                "%s en file, %s par « rsgm outbox send »",
                plural(queued, "message mis", "messages mis"),
                "envoyés" if queued > 1 else "envoyé",
            )
            return
        from rsgm_core.services.outbox import OutboxService

        try:
            # Before the observers: a failing one strands nothing.
            report = OutboxService(self).deliver(ids, progress=progress)
        except Exception:
            log.exception(
                "échec de la remise des messages après validation ; ils restent en attente "
                "pour la prochaine tournée (rsgm outbox send)"
            )
            return
        self.deliveries[:] = [report]
        if not report.complete:
            log_outbox.warning(
                "%s en file : %s", plural(queued, "message mis", "messages mis"), report.summary()
            )

    @contextmanager
    def read(self) -> Iterator[UnitOfWork]:
        """A read-only unit of work: for use cases that only look."""
        with _storable_text(), self.storage.unit_of_work(read_only=True) as uow:
            yield uow


@contextmanager
def _storable_text() -> Iterator[None]:
    """Text a database cannot store or look up (a lone surrogate: bytes that were not UTF-8,
    decoded with ``surrogateescape`` from a command line or a file name) is bad input, refused in
    French like any other once the unit of work has rolled back, never a ``UnicodeEncodeError``
    from the driver."""
    try:
        yield
    except UnicodeEncodeError as exc:
        bad = exc.object[max(exc.start - 20, 0) : exc.end + 20]
        shown = bad.encode("utf-8", "backslashreplace").decode("utf-8")
        raise ValidationError(
            f"texte illisible, ce n'est pas de l'UTF-8 valide : « {shown} »", value=shown
        ) from None


def _name(callback: Callable[[], object]) -> str:
    """What a log line calls an observer: the function a partial wraps, or the callable."""
    while isinstance(callback, functools.partial):
        callback = callback.func
    return getattr(callback, "__qualname__", repr(callback))
