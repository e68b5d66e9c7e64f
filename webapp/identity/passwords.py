"""Password hashing with argon2id (argon2-cffi's defaults follow RFC 9106).

The cost is a process-wide setting (``PASSWORD_HASH_PROFILE``): production keeps the RFC 9106
low-memory profile; the test suite uses argon2-cffi's CHEAPEST profile so hundreds of test
users don't cost minutes. Hashes record their own parameters, so either verifies the other.
"""

from __future__ import annotations

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 8

_hasher = PasswordHasher()
# Verifying against this keeps "unknown e-mail" as slow as "wrong password".
_dummy_hash = _hasher.hash("vitrine-dummy-password")


def configure(profile_name: str) -> None:
    """Use one of argon2-cffi's named profiles (e.g. ``RFC_9106_LOW_MEMORY``)."""
    global _hasher, _dummy_hash
    _hasher = PasswordHasher.from_parameters(getattr(profiles, profile_name))
    _dummy_hash = _hasher.hash("vitrine-dummy-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _dummy_hash, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False
