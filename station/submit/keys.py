"""The outbox's data key: 256-bit AES-GCM, kept in the OS keyring when there is one.

Without a usable keyring (a headless field laptop, CI) the key lives in a 0600 file next to the
outbox, which still keeps the personal data out of backups and copies of the database alone.
"""

from __future__ import annotations

import base64
import logging
import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from station.submit.errors import OutboxCorruptError, OutboxError

__all__ = ["KEYRING_SERVICE", "SealedBox", "load_or_create_key"]

log = logging.getLogger(__name__)

KEYRING_SERVICE = "cccd-station-outbox"
_NONCE_LEN = 12


def _keyring_get(name: str) -> str | None:
    try:
        import keyring
        from keyring.backends import fail

        if isinstance(keyring.get_keyring(), fail.Keyring):
            return None
        value = keyring.get_password(KEYRING_SERVICE, name)
        return value if isinstance(value, str) else None
    except Exception:  # any backend failure means "no keyring here"
        return None


def _keyring_set(name: str, value: str) -> bool:
    try:
        import keyring
        from keyring.backends import fail

        if isinstance(keyring.get_keyring(), fail.Keyring):
            return False
        keyring.set_password(KEYRING_SERVICE, name, value)
        return keyring.get_password(KEYRING_SERVICE, name) == value
    except Exception:
        return False


def _read_key_file(path: Path) -> bytes | None:
    try:
        raw = path.read_bytes().strip()
    except FileNotFoundError:
        return None
    key = base64.b64decode(raw)
    if len(key) != 32:
        raise OutboxError(f"key file {path} does not hold a 256-bit key")
    return key


def _write_key_file(path: Path, key: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(base64.b64encode(key) + b"\n")
        fh.flush()
        os.fsync(fh.fileno())


def load_or_create_key(key_file: Path, *, use_keyring: bool = True) -> bytes:
    """The outbox key: keyring entry named after ``key_file``'s outbox, else the key file.

    An existing key file always wins (so a keyring appearing later does not orphan old items).
    """
    existing = _read_key_file(key_file)
    if existing is not None:
        return existing
    entry = str(key_file.resolve())
    if use_keyring:
        stored = _keyring_get(entry)
        if stored is not None:
            return base64.b64decode(stored)
    key = secrets.token_bytes(32)
    if use_keyring and _keyring_set(entry, base64.b64encode(key).decode("ascii")):
        log.info("outbox key stored in the OS keyring")
        return key
    try:
        _write_key_file(key_file, key)
    except FileExistsError:  # another process won the race: use its key
        again = _read_key_file(key_file)
        assert again is not None
        return again
    log.info("outbox key stored in a 0600 key file")
    return key


class SealedBox:
    """AES-GCM with the item id as associated data, so a ciphertext cannot be moved to another row."""

    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)

    def seal(self, plaintext: bytes, context: str) -> bytes:
        nonce = secrets.token_bytes(_NONCE_LEN)
        return nonce + self._aead.encrypt(nonce, plaintext, context.encode("utf-8"))

    def open(self, sealed: bytes, context: str) -> bytes:
        from cryptography.exceptions import InvalidTag

        try:
            return self._aead.decrypt(sealed[:_NONCE_LEN], sealed[_NONCE_LEN:], context.encode("utf-8"))
        except (InvalidTag, ValueError) as exc:
            raise OutboxCorruptError("outbox item failed authenticated decryption") from exc
