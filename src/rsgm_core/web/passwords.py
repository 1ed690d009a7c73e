"""Animators' passwords for the web pages (CHA-2's back office, docs/web.md): hashed with the
standard library's ``hashlib.scrypt``, written in the profile as ``scrypt$N$r$p$salt$hash``
(base64url), never in clear. Standard library only: ``rsgm web hash-password`` works without the
``web`` extra."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets

from rsgm_core.errors import ValidationError

__all__ = ["PREFIX", "check_hash", "hash_password", "verify_password"]

PREFIX = "scrypt"
#: scrypt's cost: N = 2**14, r = 8, p = 1 uses 16 MiB and about 50 ms per check (RFC 7914's
#: interactive-login parameters), enough to make guessing a leaked hash slow.
_N, _R, _P = 2**14, 8, 1
_LENGTH = 32
_MAXMEM = 64 * 1024 * 1024
_MIN_PASSWORD = 12


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _derive(password: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=_MAXMEM, dklen=length
    )


def hash_password(password: str) -> str:
    """The profile's ``mot_de_passe`` for ``password``: ``scrypt$16384$8$1$<salt>$<hash>``; a
    password shorter than 12 characters is refused."""
    if not isinstance(password, str) or len(password) < _MIN_PASSWORD:
        raise ValidationError(
            f"mot de passe trop court : au moins {_MIN_PASSWORD} caractères sont attendus",
            rule="CHA-2",
            value=None,
        )
    salt = secrets.token_bytes(16)
    digest = _derive(password, salt, _N, _R, _P, _LENGTH)
    return f"{PREFIX}${_N}${_R}${_P}${_b64(salt)}${_b64(digest)}"


def _parts(stored: str) -> tuple[int, int, int, bytes, bytes]:
    fields = stored.strip().split("$")
    if len(fields) != 6 or fields[0] != PREFIX:
        raise ValueError("not a scrypt hash")
    n, r, p = (int(x) for x in fields[1:4])
    if n < 2 or n & (n - 1) or not 0 < r <= 64 or not 0 < p <= 16 or 128 * r * n > _MAXMEM:
        raise ValueError("scrypt parameters out of range")
    try:
        salt, digest = _unb64(fields[4]), _unb64(fields[5])
    except (binascii.Error, ValueError):
        raise ValueError("bad base64") from None
    if len(salt) < 8 or len(digest) < 16:
        raise ValueError("salt or digest too short")
    return n, r, p, salt, digest


def check_hash(stored: str) -> str:
    """``stored`` if it is a hash :func:`hash_password` wrote, else a French error (which never
    repeats the value: it may be a password written in clear by mistake)."""
    try:
        _parts(stored)
    except ValueError:
        raise ValidationError(
            "une empreinte « scrypt$… » est attendue, jamais le mot de passe en clair : "
            "produisez-la avec « rsgm web hash-password »",
            rule="CHA-2",
            value=None,
        ) from None
    return stored.strip()


#: Checked when the address is unknown, so that a wrong address costs as long as a wrong password.
_DUMMY = f"{PREFIX}${_N}${_R}${_P}${_b64(b'rsgm-dummy-salt!')}${_b64(bytes(_LENGTH))}"


def verify_password(password: str, stored: str | None) -> bool:
    """Whether ``password`` matches ``stored`` (a :func:`hash_password` hash), in constant time;
    ``stored=None`` (an unknown address) still spends the time of a check and answers no."""
    n, r, p, salt, digest = _parts(stored or _DUMMY)
    found = _derive(password, salt, n, r, p, len(digest))
    return stored is not None and hmac.compare_digest(found, digest)
