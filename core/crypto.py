"""Encryption at rest of personal identifiers (issue 13: national register numbers).

- ``encrypt`` / ``decrypt``: Fernet (AES-128-CBC + HMAC-SHA256, from ``cryptography``) under
  the keys of ``settings.FIELD_ENCRYPTION_KEYS``: the first one encrypts, every one of them
  decrypts (``MultiFernet``), so that a key can be rotated without downtime: put the new key
  first, keep the old one after it, re-encrypt (``manage.py reencrypt_national_numbers``), then
  drop the old key.
- ``keyed_hash``: HMAC-SHA256 under ``settings.NATIONAL_NUMBER_HASH_KEY``, for exact search of
  an encrypted value (a Fernet token differs at each encryption; the keyed hash does not, and
  without the key a hash cannot be brute-forced over the few billion possible numbers).

The keys come from the environment (``mediation.settings``): required in production, derived
from ``SECRET_KEY`` in development.
"""

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Every Fernet token starts with its version byte 0x80, base64: "gAAAAA".
TOKEN_PREFIX = "gAAAAA"


class DecryptionError(Exception):
    """A stored value no key of ``FIELD_ENCRYPTION_KEYS`` can decrypt."""


@lru_cache(maxsize=8)
def _multi_fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty.")
    try:
        return MultiFernet([Fernet(key.encode("ascii")) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS: each key must be 32 url-safe base64-encoded bytes "
            "(cryptography.fernet.Fernet.generate_key())."
        ) from exc


def fernet() -> MultiFernet:
    return _multi_fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def is_token(value: str) -> bool:
    return value.startswith(TOKEN_PREFIX)


def encrypt(value: str) -> str:
    """``value`` encrypted under the first key (empty stays empty)."""
    if not value:
        return value
    return fernet().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    """The clear text of ``token`` (empty stays empty); ``DecryptionError`` when no key fits."""
    if not token:
        return token
    try:
        return fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError) as exc:
        raise DecryptionError("no key of FIELD_ENCRYPTION_KEYS decrypts this value") from exc


def reencrypt(token: str) -> str:
    """``token`` encrypted again under the first key (what ``MultiFernet.rotate`` does)."""
    if not token:
        return token
    try:
        return fernet().rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken as exc:
        raise DecryptionError("no key of FIELD_ENCRYPTION_KEYS decrypts this value") from exc


def keyed_hash(value: str) -> str:
    """HMAC-SHA256 of ``value`` under ``NATIONAL_NUMBER_HASH_KEY``, hex (empty stays empty)."""
    if not value:
        return ""
    key = settings.NATIONAL_NUMBER_HASH_KEY
    if not key:
        raise ImproperlyConfigured("NATIONAL_NUMBER_HASH_KEY is empty.")
    return hmac.new(key.encode("utf-8"), value.encode("utf-8"), hashlib.sha256).hexdigest()
