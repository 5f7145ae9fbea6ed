"""ICAO 9303 reader protocol: APDUs, secure messaging, BAC, file reading, BER-TLV.

No I/O of its own: everything talks to a :class:`Transport` (the PC/SC reader, or a
scripted card in tests). Data-group parsers live in :mod:`station.readers.icao.lds`;
PACE, chip/active authentication and passive authentication in their own modules.
"""

from station.readers.icao.apdu import SW_OK, CommandAPDU, ResponseAPDU, Transport
from station.readers.icao.bac import BacResult, bac_keys, perform_bac, run_bac
from station.readers.icao.crypto import CipherKind
from station.readers.icao.files import (
    EF_CARD_ACCESS,
    EF_COM,
    EF_SOD,
    FileAccessDenied,
    FileNotFound,
    FileReader,
    ProgressCallback,
    dg_file_id,
    file_label,
)
from station.readers.icao.sm import SecureChannel, SecureMessaging
from station.readers.icao.tlv import TLV, TLVHeader, encode_tlv, parse_all, read_header, read_tlv

__all__ = [
    "EF_CARD_ACCESS",
    "EF_COM",
    "EF_SOD",
    "SW_OK",
    "TLV",
    "BacResult",
    "CipherKind",
    "CommandAPDU",
    "FileAccessDenied",
    "FileNotFound",
    "FileReader",
    "ProgressCallback",
    "ResponseAPDU",
    "SecureChannel",
    "SecureMessaging",
    "TLVHeader",
    "Transport",
    "bac_keys",
    "dg_file_id",
    "encode_tlv",
    "file_label",
    "parse_all",
    "perform_bac",
    "read_header",
    "read_tlv",
    "run_bac",
]
