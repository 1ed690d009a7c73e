"""Personal links (NOT-3): what a link is for, how long it lives, and its signed token.

A token is ``<payload>.<signature>``, both base64url without padding: the payload is the purpose's
one-letter code, the person's id, the object's id (an event, a registration, a survey, a consent
scope, or nothing), the expiry as a Unix time and a random nonce, separated by ``|``; the
signature is HMAC-SHA256 of the payload with the CDG's secret, truncated to 128 bits. Checking it
tries the current secret, then each previous one (a rotation keeps old links valid for their
lifetime). Pure functions: the clock and the storage are the caller's.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import enum
import hashlib
import hmac
import secrets
from collections.abc import Sequence

import attrs

from rsgm_core.errors import RuleViolation, ValidationError

__all__ = [
    "LIFETIMES",
    "MIN_SECRET_LENGTH",
    "LinkPurpose",
    "LinkRefusal",
    "SignedLink",
    "UsedLink",
    "check_public_url",
    "check_purpose",
    "check_secret",
    "link_id",
    "new_secret",
    "read_token",
    "sign_token",
]

#: A secret shorter than this is refused: 32 characters of ``secrets.token_urlsafe`` carry
#: about 190 bits.
MIN_SECRET_LENGTH = 32

_SIGNATURE_BYTES = 16  # HMAC-SHA256 truncated to 128 bits (RFC 2104 §5 allows it)


class LinkPurpose(enum.Enum):
    """What a personal link lets its person do (NOT-3); the value is the word of ``rsgm links``."""

    REGISTER = "inscription"
    CANCEL = "annulation"
    CONSENT = "consentement"
    WITHDRAW_CONSENT = "retrait"
    SURVEY = "questionnaire"
    DIRECTORY = "annuaire"
    ACCESS = "acces"
    UNSUBSCRIBE = "desabonnement"
    SUGGESTION = "suggestion"  # NET-6

    @property
    def label(self) -> str:
        """What the link does, in French: « s'inscrire à une session »."""
        return _LABELS[self]

    @property
    def code(self) -> str:
        """The one letter that stands for the purpose in a token and in the link's path."""
        return _CODES[self]

    @property
    def single_use(self) -> bool:
        """Refused once used, where a second use would do harm (NOT-3)."""
        return self in _SINGLE_USE

    @property
    def needs_object(self) -> bool:
        """Whether the link names an object (an event, a registration, a survey, a scope)."""
        return self in _WITH_OBJECT


_LABELS = {
    LinkPurpose.REGISTER: "s'inscrire à une session",
    LinkPurpose.CANCEL: "annuler son inscription",
    LinkPurpose.CONSENT: "donner son consentement à l'annuaire",
    LinkPurpose.WITHDRAW_CONSENT: "retirer son consentement à l'annuaire",
    LinkPurpose.SURVEY: "répondre au questionnaire",
    LinkPurpose.DIRECTORY: "mettre à jour sa fiche de l'annuaire",
    LinkPurpose.ACCESS: "demander l'accès à la plateforme",
    LinkPurpose.UNSUBSCRIBE: "se désabonner des envois",
    LinkPurpose.SUGGESTION: "faire une suggestion au réseau",
}
_CODES = {
    LinkPurpose.REGISTER: "i",
    LinkPurpose.CANCEL: "a",
    LinkPurpose.CONSENT: "c",
    LinkPurpose.WITHDRAW_CONSENT: "r",
    LinkPurpose.SURVEY: "q",
    LinkPurpose.DIRECTORY: "f",
    LinkPurpose.ACCESS: "p",
    LinkPurpose.UNSUBSCRIBE: "d",
    LinkPurpose.SUGGESTION: "s",
}
_BY_CODE = {code: purpose for purpose, code in _CODES.items()}
_SINGLE_USE = frozenset({LinkPurpose.CANCEL, LinkPurpose.SURVEY, LinkPurpose.ACCESS})
_WITH_OBJECT = frozenset(
    {
        LinkPurpose.REGISTER,
        LinkPurpose.CANCEL,
        LinkPurpose.CONSENT,
        LinkPurpose.WITHDRAW_CONSENT,
        LinkPurpose.SURVEY,
    }
)

#: How long a link lives from the day it is issued, per purpose. Registration and cancellation
#: links end earlier, at the start of their session (the service bounds them); none lives
#: longer than this.
LIFETIMES: dict[LinkPurpose, dt.timedelta] = {
    LinkPurpose.REGISTER: dt.timedelta(days=120),
    LinkPurpose.CANCEL: dt.timedelta(days=120),
    LinkPurpose.CONSENT: dt.timedelta(days=30),
    LinkPurpose.WITHDRAW_CONSENT: dt.timedelta(days=30),
    LinkPurpose.SURVEY: dt.timedelta(days=30),
    LinkPurpose.DIRECTORY: dt.timedelta(days=30),
    LinkPurpose.ACCESS: dt.timedelta(days=30),
    LinkPurpose.UNSUBSCRIBE: dt.timedelta(days=365),
    LinkPurpose.SUGGESTION: dt.timedelta(days=90),
}


class LinkRefusal(enum.Enum):
    """Why a link is refused; each has a French explanation with what to do."""

    TAMPERED = "altéré"
    EXPIRED = "expiré"
    REUSED = "déjà utilisé"
    WRONG_PURPOSE = "mauvais usage"
    GONE = "personne absente"


@attrs.frozen
class SignedLink:
    """What a valid token says: purpose, person, object, expiry (zone-aware, UTC) and its id."""

    purpose: LinkPurpose
    member_id: str
    object_id: str | None
    expires_at: dt.datetime
    id: str  # link_id(token): what a single-use link records once used; never the token


def check_public_url(url: str) -> str:
    """NOT-3: the public base address links start from: ``https://`` (``http://`` only on the
    machine itself, for trying a web application out), no query nor fragment; without its final
    ``/``."""
    from urllib.parse import urlsplit

    parts = urlsplit(url.strip())
    local = parts.hostname in ("localhost", "127.0.0.1", "::1")
    if parts.scheme != "https" and not (parts.scheme == "http" and local):
        raise ValidationError(
            f"adresse publique invalide : {url!r} ; une adresse https://… est attendue "
            "(http:// seulement pour localhost)",
            rule="NOT-3",
            value=url,
        )
    if not parts.hostname or parts.query or parts.fragment:
        raise ValidationError(
            f"adresse publique invalide : {url!r} ; écrivez l'adresse de base, sans « ? » ni « # »",
            rule="NOT-3",
            value=url,
        )
    return url.strip().rstrip("/")


def check_secret(secret: str) -> str:
    """NOT-3: a signing secret of at least :data:`MIN_SECRET_LENGTH` characters (its value is
    never put in the error)."""
    if not isinstance(secret, str) or len(secret.strip()) < MIN_SECRET_LENGTH:
        raise ValidationError(
            f"secret trop court : au moins {MIN_SECRET_LENGTH} caractères aléatoires sont "
            "attendus (« rsgm init » en écrit un)",
            rule="NOT-3",
            value=None,
        )
    return secret.strip()


def check_purpose(signed: SignedLink, wanted: LinkPurpose) -> None:
    """NOT-3: a link is used only for its purpose (a registration link on a cancellation page
    is refused)."""
    if signed.purpose is not wanted:
        raise RuleViolation(
            f"ce lien sert à {signed.purpose.label}, pas à {wanted.label} : ouvrez le lien "
            "du message qui correspond",
            rule="NOT-3",
            value=LinkRefusal.WRONG_PURPOSE,
        )


def new_secret() -> str:
    """A fresh random secret for a profile's ``[web] secret`` (43 url-safe characters)."""
    return secrets.token_urlsafe(32)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(secret: str, payload: bytes) -> bytes:
    return hmac.new(secret.encode("utf-8"), payload, hashlib.sha256).digest()[:_SIGNATURE_BYTES]


def link_id(token: str) -> str:
    """The id under which a used link is recorded: a hash of the token, never the token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()[:32]


def sign_token(
    purpose: LinkPurpose,
    member_id: str,
    object_id: str | None,
    expires_at: dt.datetime,
    secret: str,
) -> str:
    """The signed token of a link (NOT-3)."""
    if expires_at.tzinfo is None:
        raise ValidationError("échéance de lien sans fuseau horaire", rule="NOT-3", value=None)
    for name, value in (("personne", member_id), ("objet", object_id or "")):
        if "|" in value:
            raise ValidationError(f"{name} invalide pour un lien : {value!r}", rule="NOT-3")
    fields = (purpose.code, member_id, object_id or "", str(int(expires_at.timestamp())),
              _b64(secrets.token_bytes(6)))  # fmt: skip
    payload = "|".join(fields).encode("utf-8")
    return f"{_b64(payload)}.{_b64(_signature(secret, payload))}"


def read_token(token: str, secrets_in_force: Sequence[str], *, now: dt.datetime) -> SignedLink:
    """The link a token stands for, if one of ``secrets_in_force`` signed it and it has not
    expired at ``now``; else a :class:`RuleViolation` (NOT-3) whose ``value`` is the
    :class:`LinkRefusal`. The token itself is never put in the error."""
    tampered = RuleViolation(
        "ce lien a été altéré ou n'est pas un lien de ce CDG : copiez-le en entier depuis le "
        "message reçu, ou demandez un nouveau lien à l'équipe d'animation",
        rule="NOT-3",
        value=LinkRefusal.TAMPERED,
    )
    payload_text, dot, signature_text = token.strip().partition(".")
    if not dot or not payload_text or not signature_text:
        raise tampered
    try:
        payload, signature = _unb64(payload_text), _unb64(signature_text)
    except (binascii.Error, ValueError):
        raise tampered from None
    if _b64(payload) != payload_text or _b64(signature) != signature_text:
        # One spelling per link: base64 decoding ignores a last character's spare bits and
        # characters outside its alphabet, and a used single-use link, recorded under its
        # token's hash, must not act again respelled (NOT-3).
        raise tampered
    if not any(hmac.compare_digest(signature, _signature(s, payload)) for s in secrets_in_force):
        raise tampered
    try:
        code, member_id, object_id, expires, _nonce = payload.decode("utf-8").split("|")
        purpose = _BY_CODE[code]
        expires_at = dt.datetime.fromtimestamp(int(expires), dt.UTC)
    except (UnicodeDecodeError, ValueError, KeyError):
        raise tampered from None
    if now >= expires_at:
        raise RuleViolation(
            f"ce lien pour {purpose.label} a expiré le "
            f"{expires_at.astimezone(now.tzinfo):%d/%m/%Y à %H:%M} : demandez un nouveau lien "
            "à l'équipe d'animation",
            rule="NOT-3",
            value=LinkRefusal.EXPIRED,
        )
    return SignedLink(purpose, member_id, object_id or None, expires_at, link_id(token.strip()))


@attrs.frozen
class UsedLink:
    """A single-use link once used (NOT-3, migration 17): its id (a hash of the token, never the
    token), purpose, person and when."""

    id: str
    purpose: LinkPurpose
    member_id: str
    used_at: dt.datetime
