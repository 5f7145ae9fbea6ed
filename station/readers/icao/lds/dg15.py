"""DG15: the active-authentication public key (SubjectPublicKeyInfo, RSA or EC), tag 6F."""

from __future__ import annotations

from dataclasses import dataclass

from asn1crypto import keys

from station.readers.errors import MalformedDataError

__all__ = ["DG15", "DG15Spec", "parse_dg15"]


class DG15Spec(keys.PublicKeyInfo):  # type: ignore[misc]  # asn1crypto is untyped
    """[APPLICATION 15] SubjectPublicKeyInfo."""

    explicit = ((1, 15),)


@dataclass(frozen=True, slots=True)
class DG15:
    public_key_info: keys.PublicKeyInfo
    raw: bytes

    @property
    def algorithm(self) -> str:
        """ "rsa" or "ec" (anything else is parsed but not usable for AA)."""
        return str(self.public_key_info.algorithm)

    @property
    def spki_der(self) -> bytes:
        """The SubjectPublicKeyInfo alone, as ``cryptography`` loads it."""
        return bytes(keys.PublicKeyInfo.load(self.public_key_info.dump()).dump(force=True))


def parse_dg15(data: bytes) -> DG15:
    try:
        spec = DG15Spec.load(data, strict=True)
        _ = spec.native  # asn1crypto parses lazily: fail here on a broken key
        inner = keys.PublicKeyInfo({"algorithm": spec["algorithm"], "public_key": spec["public_key"]})
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError) as exc:  # asn1crypto
        raise MalformedDataError(f"not a DG15 (6F SubjectPublicKeyInfo): {exc}", file="DG15") from exc
    return DG15(inner, bytes(data))
