"""One exception hierarchy for the whole library, rooted at :class:`RsgmError`.

Every error carries a French message meant for the end user (an animator reading the command line,
a mayor's office reading a web page), the offending value, and the ID of the business rule it enforces
(see ``RULES.md``) when there is one. Callers catch :class:`RsgmError` to handle anything the library
refuses; they never see a bare ``KeyError`` or ``ValueError`` from the public API.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "ConfigurationError",
    "ConflictError",
    "DatabaseBusyError",
    "DeliveryError",
    "MissingExtraError",
    "NotFoundError",
    "PermissionDeniedError",
    "PluginError",
    "RsgmError",
    "RuleViolation",
    "SourceDataError",
    "StorageError",
    "UnsupportedSchemaError",
    "ValidationError",
]

_UNSET: Any = object()


class RsgmError(Exception):
    """Base of every error the library raises on purpose.

    ``message`` is French and complete: it names the bad value and, when a rule applies, ends with the
    rule ID in brackets (``… [TER-1]``), so that a log line alone says what to fix.
    """

    def __init__(self, message: str, *, rule: str | None = None, value: Any = _UNSET) -> None:
        self.message = message
        self.rule = rule
        self.value = None if value is _UNSET else value
        self.has_value = value is not _UNSET
        super().__init__(f"{message} [{rule}]" if rule else message)


class ValidationError(RsgmError):
    """A value is malformed: a bad INSEE code, an unparsable date, a negative duration."""


class RuleViolation(RsgmError):
    """A well-formed request that a business rule forbids; ``rule`` always names the rule."""

    def __init__(self, message: str, *, rule: str, value: Any = _UNSET) -> None:
        super().__init__(message, rule=rule, value=value)


class PermissionDeniedError(RuleViolation):
    """CHA-2: the acting person (``by``) holds no role that may do this administrative act;
    the message names them, the role they lack and the rule. A :class:`RuleViolation`, so that
    callers catching rule refusals catch it too."""


class NotFoundError(RsgmError):
    """The thing asked for does not exist in storage."""


class ConflictError(RsgmError):
    """A write collides with existing data: a duplicate key, or a record changed by someone else."""


class SourceDataError(ValidationError):
    """An input file (census JSON, spreadsheet) is malformed; the message names the file and value."""

    def __init__(
        self, message: str, *, source: str, rule: str | None = None, value: Any = _UNSET
    ) -> None:
        self.source = source
        super().__init__(f"{source} : {message}", rule=rule, value=value)


class StorageError(RsgmError):
    """The storage backend failed or cannot be opened."""


class DatabaseBusyError(StorageError):
    """Another writer kept the database longer than the busy timeout: nothing was written; try
    again once it is done (reads never wait on a writer)."""


class UnsupportedSchemaError(StorageError):
    """The database was written by a newer version of rsgm_core than the one running."""


class PluginError(RsgmError):
    """A plugin is broken: an unknown hook name, a hook with the wrong arguments, a bad result."""


class MissingExtraError(RsgmError):
    """An optional dependency is needed for this feature; the message gives the install command."""

    def __init__(self, feature: str, extra: str, module: str) -> None:
        super().__init__(
            f"{feature} demande le module « {module} » : installez-le avec "
            f"« pip install 'rsgm_core[{extra}]' »",
            value=module,
        )
        self.extra = extra


class ConfigurationError(RsgmError):
    """The settings or a plugin's options are missing or malformed (raised by ``Settings`` or
    ``rsgm_core.open``, never later), or the clock given to ``open`` reads a time without a zone
    (raised at its reading)."""


class DeliveryError(RsgmError):
    """A notifier could not hand a message over (NOT-1).

    ``permanent`` tells the outbox what to do: a permanent failure (an SMTP 5xx reply to the
    recipient or the content) puts the message in the dead-letter list at once; a temporary one
    (4xx, time-out, connection refused) keeps it queued for a later attempt. ``code`` is the
    transport's reply code when there is one.
    """

    def __init__(
        self, message: str, *, permanent: bool, code: int | None = None, value: Any = _UNSET
    ) -> None:
        self.permanent = permanent
        self.code = code
        super().__init__(message, rule="NOT-1", value=value)
