"""A virtual CCCD chip: ISO 7816-4 file system, BAC, secure messaging and faults, behind the real pcscd.

The APDU engine is deliberately independent of the station's reader code (only the crypto
primitives and the APDU codec are shared), so that reader bugs show up against it. It answers the
way public readers expect a real card to: SELECT MF refused with 6D00, EF.CardAccess by file id,
READ BINARY with short EF identifiers, extended length and odd INS, 6282 at the end of a file.

Plug it into pcscd with :class:`hardware_mocks.vpcd.VpcdCard`, or call :meth:`VirtualCCCD.handle_apdu`
directly in unit tests. PACE, chip and active authentication are dispatched to handlers that
``hardware_mocks.card_security`` provides (see :meth:`VirtualCCCD.set_handler`); until one is set
those instructions answer 6D00.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from hardware_mocks.card_sm import CardSecureMessaging, CardSMError, encode_tlv, iter_tlvs
from hardware_mocks.vpcd import CardRemoved, LinkModel, VpcdCard
from station.identity import Identity
from station.readers.icao.apdu import CommandAPDU, ResponseAPDU
from station.readers.icao.crypto import (
    CipherKind,
    constant_time_equal,
    derive_key,
    des3_cbc_decrypt,
    des3_cbc_encrypt,
    retail_mac,
)

__all__ = [
    "FID_CARD_ACCESS",
    "FID_COM",
    "FID_SOD",
    "LDS1_AID",
    "CardFaults",
    "CardRemoved",
    "SecurityHandler",
    "VirtualCCCD",
    "dg_fid",
    "main",
]

log = logging.getLogger(__name__)

LDS1_AID = bytes.fromhex("A0000002471001")
FID_MF = 0x3F00
FID_CARD_ACCESS = 0x011C
FID_COM = 0x011E
FID_SOD = 0x011D
DG3 = 3

SW_OK = 0x9000
SW_END_OF_FILE = 0x6282
SW_AUTH_FAILED = 0x6300
SW_WRONG_LENGTH = 0x6700
SW_NO_SM_SUPPORT = 0x6882
SW_SECURITY_STATUS = 0x6982
SW_CONDITIONS = 0x6985
SW_NO_CURRENT_EF = 0x6986
SW_WRONG_DATA = 0x6A80
SW_NOT_FOUND = 0x6A82
SW_WRONG_P1P2 = 0x6A86
SW_LC_INCONSISTENT = 0x6A87
SW_WRONG_OFFSET = 0x6B00
SW_INS_UNSUPPORTED = 0x6D00
SW_CLA_UNSUPPORTED = 0x6E00
SW_UNKNOWN = 0x6F00

SHORT_MAX = 256
EXTENDED_MAX = 65536


def dg_fid(number: int) -> int:
    """LDS1 file identifier of data group ``number`` (DG1 = 0101 ... DG16 = 0110)."""
    return 0x0100 + number


@dataclass
class CardFaults:
    """Misbehaviours a test switches on per read; plain attributes, safe to change between APDUs.

    ``remove_at_apdu`` fires once (the card comes back as a fresh insertion); ``max_le_sw`` is
    0x6700 or 0x6C00 (then the card answers 6Cxx with xx = ``max_le`` mod 256).
    """

    remove_at_apdu: int | None = None
    corrupt_dg: int | None = None
    max_le: int | None = None
    max_le_sw: int = SW_WRONG_LENGTH
    no_extended_length: bool = False
    refuse_pace: bool = False  # MSE:Set AT for PACE answers 6982, as some CCCDs do: readers fall back to BAC


class Access(Enum):
    ALWAYS = "always"
    AUTHENTICATED = "authenticated"  # BAC or PACE done, secure messaging running
    NEVER = "never"  # EAC-protected (DG3): we do not implement terminal authentication


@dataclass(frozen=True)
class _EF:
    fid: int
    content: bytes
    access: Access

    @property
    def sfi(self) -> int:
        return self.fid & 0x1F


SecurityHandler = Callable[["VirtualCCCD", CommandAPDU], ResponseAPDU]
"""Handles one plain (already unwrapped) command, e.g. MSE:Set AT or GENERAL AUTHENTICATE.

It may call :meth:`VirtualCCCD.start_secure_messaging` to install new session keys; they take
effect after the response to this command has left (wrapped with the old keys if any).
"""


def _resp(sw: int, data: bytes = b"") -> ResponseAPDU:
    return ResponseAPDU(data, sw)


class VirtualCCCD:
    """The chip: files, access state, BAC and secure messaging. Not tied to any transport."""

    def __init__(
        self,
        files: Mapping[int, bytes],
        mrz_information: str,
        *,
        card_access: bytes | None = None,
        can: str | None = None,
        faults: CardFaults | None = None,
        rng: Callable[[int], bytes] = os.urandom,
        mf_select_unsupported: bool = True,
    ) -> None:
        """``files`` maps LDS1 file ids (0x011E, 0x011D, 0x0101...) to their full contents."""
        self.mrz_information = mrz_information
        self.can = can
        self.faults = faults if faults is not None else CardFaults()
        self.rng = rng
        self.mf_select_unsupported = mf_select_unsupported
        seed = hashlib.sha1(mrz_information.encode("ascii")).digest()[:16]
        self._bac_enc = derive_key(seed, 1, CipherKind.DES3)
        self._bac_mac = derive_key(seed, 2, CipherKind.DES3)
        self._mf: dict[int, _EF] = {}
        if card_access is not None:
            self._mf[FID_CARD_ACCESS] = _EF(FID_CARD_ACCESS, card_access, Access.ALWAYS)
        self._lds: dict[int, _EF] = {
            fid: _EF(fid, content, Access.NEVER if fid == dg_fid(DG3) else Access.AUTHENTICATED)
            for fid, content in files.items()
        }
        self._handlers: dict[int, SecurityHandler] = {}
        self.chip_auth_key: Any = None  # private keys behind DG14 / DG15, for card_security's handlers
        self.aa_key: Any = None
        self._corrupted: dict[tuple[int, int], bytes] = {}
        self._lock = threading.Lock()
        self.power_on()

    # ------------------------------------------------------------------ state
    def power_on(self) -> None:
        """A fresh insertion or a cold reset: no application selected, no session, no rights."""
        self._in_lds = False
        self._current_ef: _EF | None = None
        self.sm: CardSecureMessaging | None = None
        self._pending_sm: CardSecureMessaging | None = None
        self.access_granted = False
        self._challenge: bytes | None = None
        self._grant_on_switch = False
        self.apdu_count = 0

    def power_off(self) -> None:
        self.power_on()

    def reset(self) -> None:
        self.power_on()

    @property
    def atr(self) -> bytes:
        """ATR of a contactless card per PC/SC part 3, with the ISO 7816-4 card capabilities.

        The third capability byte says whether extended Lc/Le is supported, which is how a
        reader decides to try extended-length READ BINARY.
        """
        caps = bytes((0x94, 0x01, 0x00 if self.faults.no_extended_length else 0x40))
        historical = b"\x80\x73" + caps
        body = bytes((0x80 | len(historical), 0x80, 0x01)) + historical
        tck = 0
        for b in body:
            tck ^= b
        return b"\x3b" + body + bytes((tck,))

    def set_handler(self, ins: int, handler: SecurityHandler | None) -> None:
        """Route INS 22 (MSE), 86 (GENERAL AUTHENTICATE) or 88 (INTERNAL AUTHENTICATE) to a handler."""
        if handler is None:
            self._handlers.pop(ins, None)
        else:
            self._handlers[ins] = handler

    def start_secure_messaging(self, sm: CardSecureMessaging, *, grant_access: bool = True) -> None:
        """Install a new session (BAC, PACE, chip authentication) after the current response."""
        self._pending_sm = sm
        self._grant_on_switch = grant_access

    def random(self, n: int) -> bytes:
        return self.rng(n)

    def drop_session(self) -> None:
        """What the chip does on any SM error or plain command: forget keys and access rights."""
        self.sm = None
        self._pending_sm = None
        self._grant_on_switch = False
        self.access_granted = False

    # ------------------------------------------------------------- files
    def file_content(self, fid: int) -> bytes | None:
        """The bytes the card serves for ``fid`` (with the corrupt-DG fault applied), or None."""
        ef = self._lds.get(fid) or self._mf.get(fid)
        if ef is None:
            return None
        return self._served(ef)

    def _served(self, ef: _EF) -> bytes:
        corrupt = self.faults.corrupt_dg
        if corrupt is None or ef.fid != dg_fid(corrupt):
            return ef.content
        key = (ef.fid, corrupt)
        if key not in self._corrupted:
            # DG1: edit the name line, which no MRZ check digit covers, so only the hash tells.
            start = len(ef.content) - 30 if corrupt == 1 else len(ef.content) // 2
            self._corrupted[key] = _corrupt(ef.content, start)
        return self._corrupted[key]

    def _find(self, fid: int) -> _EF | None:
        if self._in_lds and fid in self._lds:
            return self._lds[fid]
        return self._mf.get(fid)  # EF.CardAccess lives in the MF but is found from anywhere

    def _find_sfi(self, sfi: int) -> _EF | None:
        candidates = list(self._lds.values()) if self._in_lds else []
        candidates += list(self._mf.values())
        return next((ef for ef in candidates if ef.sfi == sfi), None)

    # ------------------------------------------------------------- dispatch
    def handle_apdu(self, raw: bytes) -> bytes:
        """Answer one command APDU (bytes in, response bytes out) as the chip would."""
        with self._lock:
            self.apdu_count += 1
            if self.faults.remove_at_apdu is not None and self.apdu_count >= self.faults.remove_at_apdu:
                self.faults.remove_at_apdu = None
                count = self.apdu_count
                self.power_on()
                raise CardRemoved(f"card pulled at APDU {count}")
            response = self._handle(raw)
            if self._pending_sm is not None:
                self.sm, self._pending_sm = self._pending_sm, None
                self.access_granted = self.access_granted or self._grant_on_switch
                self._grant_on_switch = False
            return response.to_bytes()

    def _handle(self, raw: bytes) -> ResponseAPDU:
        try:
            outer = CommandAPDU.from_bytes(raw)
        except ValueError:
            self.drop_session()
            return _resp(SW_WRONG_LENGTH)
        extended = len(raw) > 5 and raw[4] == 0
        if extended and self.faults.no_extended_length:
            self.drop_session()
            return _resp(SW_WRONG_LENGTH)
        if outer.cla & 0xE0:
            return _resp(SW_CLA_UNSUPPORTED)
        sm_bits = outer.cla & 0x0C
        if sm_bits == 0:
            if self.sm is not None:
                self.drop_session()  # 9303-11 §9.8.1: a plain command aborts secure messaging
            return self._dispatch(outer)
        if sm_bits != 0x0C:
            return _resp(SW_NO_SM_SUPPORT)
        sm = self.sm
        if sm is None:
            return _resp(0x6988)
        try:
            command = sm.unwrap_command(outer)
        except CardSMError as exc:
            log.debug("secure messaging refused: %s", exc)
            self.drop_session()
            return _resp(exc.sw)
        response = self._dispatch(command)
        limit = outer.le if outer.le is not None else (EXTENDED_MAX if extended else SHORT_MAX)
        if sm.wrapped_length(len(response.data), odd_ins=bool(command.ins & 1)) > limit:
            response = _resp(SW_WRONG_LENGTH)  # the protected answer would not fit the outer Le
        return sm.wrap_response(response, odd_ins=bool(command.ins & 1))

    def _dispatch(self, cmd: CommandAPDU) -> ResponseAPDU:
        if cmd.le is not None and cmd.le > SHORT_MAX and self.faults.no_extended_length:
            return _resp(SW_WRONG_LENGTH)
        ins = cmd.ins
        if ins == 0xA4:
            return self._select(cmd)
        if ins in (0xB0, 0xB1):
            return self._read_binary(cmd)
        if ins == 0x84:
            return self._get_challenge(cmd)
        if ins == 0x82:
            return self._external_authenticate(cmd)
        if ins == 0x22 and (cmd.p1, cmd.p2) == (0xC1, 0xA4) and self.faults.refuse_pace:
            return _resp(SW_SECURITY_STATUS)
        handler = self._handlers.get(ins)
        if handler is not None:
            return handler(self, cmd)
        return _resp(SW_INS_UNSUPPORTED)

    # --------------------------------------------------------------- SELECT
    def _select(self, cmd: CommandAPDU) -> ResponseAPDU:
        p1, p2 = cmd.p1, cmd.p2
        if p2 & 0x03 or p2 & 0xF0 or (p2 & 0x0C) not in (0x00, 0x04, 0x0C):
            return _resp(SW_WRONG_P1P2)
        if p1 == 0x04:
            if cmd.data != LDS1_AID:
                return _resp(SW_NOT_FOUND)
            self._in_lds = True
            self._current_ef = None
            if p2 & 0x0C == 0x0C or cmd.le is None:
                return _resp(SW_OK)
            return _resp(SW_OK, encode_tlv(0x6F, encode_tlv(0x84, LDS1_AID)))
        if p1 not in (0x00, 0x02):
            return _resp(SW_WRONG_P1P2)
        if p1 == 0x00 and (not cmd.data or cmd.data == FID_MF.to_bytes(2, "big")):
            if self.mf_select_unsupported:
                return _resp(SW_INS_UNSUPPORTED)
            self._in_lds = False
            self._current_ef = None
            return _resp(SW_OK)
        if len(cmd.data) != 2:
            return _resp(SW_LC_INCONSISTENT)
        ef = self._find(int.from_bytes(cmd.data, "big"))
        if ef is None:
            return _resp(SW_NOT_FOUND)
        self._current_ef = ef
        if p2 & 0x0C == 0x0C or cmd.le is None:
            return _resp(SW_OK)
        fcp = encode_tlv(0x80, len(ef.content).to_bytes(2, "big"))
        fcp += encode_tlv(0x82, b"\x01") + encode_tlv(0x83, ef.fid.to_bytes(2, "big"))
        return _resp(SW_OK, encode_tlv(0x62 if p2 & 0x0C == 0x04 else 0x6F, fcp))

    # ---------------------------------------------------------- READ BINARY
    def _read_binary(self, cmd: CommandAPDU) -> ResponseAPDU:
        if cmd.ins == 0xB0:
            if cmd.p1 & 0x80:
                if cmd.p1 & 0x60:
                    return _resp(SW_WRONG_P1P2)
                ef = self._find_sfi(cmd.p1 & 0x1F)
                if ef is None:
                    return _resp(SW_NOT_FOUND)
                offset = cmd.p2
            else:
                ef = self._current_ef
                offset = (cmd.p1 << 8) | cmd.p2
        else:
            ef, offset_or_sw = self._odd_read_target(cmd)
            if ef is None:
                return _resp(offset_or_sw)
            offset = offset_or_sw
        if ef is None:
            return _resp(SW_NO_CURRENT_EF)
        if ef.access is Access.NEVER or (ef.access is Access.AUTHENTICATED and not self.access_granted):
            return _resp(SW_SECURITY_STATUS)
        self._current_ef = ef
        if cmd.le is None:
            return _resp(SW_WRONG_LENGTH)
        max_le = self.faults.max_le
        if max_le is not None and cmd.le > max_le:
            sw = self.faults.max_le_sw
            return _resp(0x6C00 | (max_le & 0xFF) if sw & 0xFF00 == 0x6C00 else sw)
        content = self._served(ef)
        if offset >= len(content):
            return _resp(SW_WRONG_OFFSET)
        if cmd.ins == 0xB0:
            chunk = content[offset : offset + cmd.le]
            return _resp(SW_OK if len(chunk) == cmd.le else SW_END_OF_FILE, chunk)
        # Odd INS: the data comes back inside DO'53', and Le counts its header too.
        room = _room_in_do53(cmd.le)
        chunk = content[offset : offset + room]
        return _resp(SW_OK if len(chunk) == room else SW_END_OF_FILE, encode_tlv(0x53, chunk))

    def _odd_read_target(self, cmd: CommandAPDU) -> tuple[_EF | None, int]:
        """File and offset of READ BINARY B1; on failure (None, status word)."""
        p1p2 = (cmd.p1 << 8) | cmd.p2
        ef: _EF | None
        if p1p2 == 0:
            ef = self._current_ef
            if ef is None:
                return None, SW_NO_CURRENT_EF
        elif p1p2 < 0x20:
            ef = self._find_sfi(p1p2)
        else:
            ef = self._find(p1p2)
        if ef is None:
            return None, SW_NOT_FOUND
        try:
            objects = list(iter_tlvs(cmd.data))
        except ValueError:
            return None, SW_WRONG_DATA
        offset = next((value for tag, value, _ in objects if tag == 0x54), None)
        if offset is None or not 1 <= len(offset) <= 3:
            return None, SW_WRONG_DATA
        return ef, int.from_bytes(offset, "big")

    # -------------------------------------------------------------------- BAC
    def _get_challenge(self, cmd: CommandAPDU) -> ResponseAPDU:
        if cmd.p1 or cmd.p2:
            return _resp(SW_WRONG_P1P2)
        if cmd.le != 8:
            return _resp(SW_WRONG_LENGTH)
        self._challenge = self.rng(8)
        return _resp(SW_OK, self._challenge)

    def _external_authenticate(self, cmd: CommandAPDU) -> ResponseAPDU:
        """BAC mutual authentication, card side (9303-11 §4.3): check the terminal, answer, key SM."""
        challenge, self._challenge = self._challenge, None
        if challenge is None:
            return _resp(SW_CONDITIONS)
        if len(cmd.data) != 40:
            return _resp(SW_WRONG_LENGTH)
        e_ifd, m_ifd = cmd.data[:32], cmd.data[32:]
        if not constant_time_equal(retail_mac(self._bac_mac, e_ifd), m_ifd):
            return _resp(SW_AUTH_FAILED)
        s = des3_cbc_decrypt(self._bac_enc, e_ifd)
        rnd_ifd, rnd_ic, k_ifd = s[:8], s[8:16], s[16:32]
        if not constant_time_equal(rnd_ic, challenge):
            return _resp(SW_AUTH_FAILED)
        k_ic = self.rng(16)
        e_ic = des3_cbc_encrypt(self._bac_enc, challenge + rnd_ifd + k_ic)
        m_ic = retail_mac(self._bac_mac, e_ic)
        seed = bytes(a ^ b for a, b in zip(k_ifd, k_ic, strict=True))
        ssc = int.from_bytes(challenge[4:] + rnd_ifd[4:], "big")
        session = CardSecureMessaging(
            CipherKind.DES3, derive_key(seed, 1, CipherKind.DES3), derive_key(seed, 2, CipherKind.DES3), ssc
        )
        self.start_secure_messaging(session)
        return _resp(SW_OK, e_ic + m_ic)

    # ------------------------------------------------------- personalisation
    @classmethod
    def from_identity(
        cls,
        identity: Identity,
        face_jpeg: bytes | None = None,
        pki: Any | None = None,
        *,
        faults: CardFaults | None = None,
        rng: Callable[[int], bytes] = os.urandom,
        pki_directory: Path | None = None,
        security_protocols: bool = True,
        pace: bool = True,
        forge_sod: bool = False,
        clone: bool = False,
    ) -> VirtualCCCD:
        """Personalise a card for ``identity``: DG1/DG2/DG13/COM, DG14/DG15, CardAccess and a signed SOD.

        ``pki`` is a ``hardware_mocks.pki.TestPKI``; when None the persisted test PKI is loaded
        (from ``pki_directory`` or its default cache). ``security_protocols`` installs
        ``card_security``'s PACE / chip authentication / active authentication handlers, as on a
        real CCCD; without them INS 22/86/88 answer 6D00 and only BAC opens the card.
        ``pace=False`` is an older card: no EF.CardAccess and no PACE, but chip and active
        authentication still there. ``forge_sod`` and ``clone``: see ``lds_builder.personalise``.
        """
        from hardware_mocks import lds_builder

        personal = lds_builder.personalise(
            identity, face_jpeg, pki, pki_directory=pki_directory, forge_sod=forge_sod, clone=clone, pace=pace
        )
        card = cls(
            personal.files,
            personal.mrz_information,
            card_access=personal.card_access if pace else None,
            can=identity.can,
            faults=faults,
            rng=rng,
        )
        card.chip_auth_key = personal.chip_auth_key
        card.aa_key = personal.aa_key
        if security_protocols:
            from hardware_mocks.card_security import CardSecurityHandlers

            CardSecurityHandlers(pace_refusal=None if pace else SW_WRONG_DATA).install(card)
        return card


def _room_in_do53(le: int) -> int:
    """Largest n such that DO'53' with n bytes (tag + length + n) fits in ``le`` bytes."""
    for header in (2, 3, 4):
        n = le - header
        if n < (0x80, 0x100, 0x10000)[header - 2]:
            return max(n, 0)
    return le - 5


def _corrupt(content: bytes, start: int) -> bytes:
    """Change one letter or digit from ``start`` on, as a forger editing a signed DG would.

    Letters and digits never form TLV headers, JPEG markers or UTF-8 lead bytes, so the file still
    parses and only its hash gives the change away.
    """
    data = bytearray(content)
    for i in range(max(start, 1), len(data)):
        b = data[i]
        if (0x30 <= b <= 0x39 or 0x41 <= b <= 0x5A or 0x61 <= b <= 0x7A) and data[i - 1] != 0xFF:
            data[i] = b - 1 if b in (0x39, 0x5A, 0x7A) else b + 1
            return bytes(data)
    data[-1] ^= 0x01
    return bytes(data)


# --------------------------------------------------------------------------------- CLI


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m hardware_mocks.virtual_cccd",
        description="Thẻ CCCD ảo gắn vào pcscd qua driver vpcd (dành cho thử nghiệm).",
    )
    parser.add_argument("--identity", type=Path, required=True, help="Identity JSON file")
    parser.add_argument("--face", type=Path, help="JPEG for DG2 (default: the identity's face or a synthetic one)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=35963)
    parser.add_argument("--bitrate", type=int, default=424000, help="link bit rate in bit/s (default 424000)")
    parser.add_argument("--turnaround-ms", type=float, default=5.0, help="per-exchange turnaround (default 5 ms)")
    parser.add_argument("--pki-dir", type=Path, help="test PKI directory (default: its cache)")
    parser.add_argument("--remove-at-apdu", type=int, metavar="N", help="pull the card at the N-th APDU")
    parser.add_argument("--corrupt-dg", type=int, metavar="N", help="change DG N after signing")
    parser.add_argument("--max-le", type=int, metavar="N", help="refuse Le above N")
    parser.add_argument("--max-le-sw", choices=["6700", "6C"], default="6700", help="status for --max-le")
    parser.add_argument("--no-extended-length", action="store_true")
    parser.add_argument("--refuse-pace", action="store_true", help="answer 6982 to PACE (readers fall back to BAC)")
    parser.add_argument("--bac-only", action="store_true", help="an older card: no EF.CardAccess, no PACE")
    parser.add_argument("--no-security-protocols", action="store_true", help="no PACE, CA or AA at all (6D00)")
    parser.add_argument("--forge-sod", action="store_true", help="sign EF.SOD with a DS whose CSCA is in no list")
    parser.add_argument("--clone", action="store_true", help="chip keys do not match DG14/DG15 (a copied card)")
    parser.add_argument("--print-mrz", action="store_true", help="print the MRZ and exit")
    parser.add_argument("-v", "--verbose", action="store_true")
    return parser


def main(argv: list[str] | None = None) -> int:
    from hardware_mocks import lds_builder

    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, format="%(message)s")
    try:
        identity = Identity.from_json(args.identity.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"Không đọc được tệp danh tính {args.identity}: {exc}", file=sys.stderr)
        return 2
    if args.print_mrz:
        print("\n".join(lds_builder.td1_mrz(identity)))
        return 0
    face = args.face.read_bytes() if args.face else None
    faults = CardFaults(
        remove_at_apdu=args.remove_at_apdu,
        corrupt_dg=args.corrupt_dg,
        max_le=args.max_le,
        max_le_sw=0x6C00 if args.max_le_sw == "6C" else SW_WRONG_LENGTH,
        no_extended_length=args.no_extended_length,
        refuse_pace=args.refuse_pace,
    )
    card = VirtualCCCD.from_identity(
        identity,
        face,
        faults=faults,
        pki_directory=args.pki_dir,
        security_protocols=not args.no_security_protocols,
        pace=not args.bac_only,
        forge_sod=args.forge_sod,
        clone=args.clone,
    )
    link = LinkModel(bitrate=args.bitrate, turnaround_ms=args.turnaround_ms)
    runner = VpcdCard(card, host=args.host, port=args.port, link=link)
    print(f"Thẻ ảo {identity.masked_id()} đang nối vào vpcd {args.host}:{args.port} (Ctrl+C để dừng)")
    signal.signal(signal.SIGTERM, lambda *_: runner.stop(timeout=0))
    try:
        runner.run_forever()
    except KeyboardInterrupt:
        pass
    finally:
        runner.stop()
    return 0


if __name__ == "__main__":
    # Run the copy imported under its package name, so its classes are the ones other modules see.
    from hardware_mocks.virtual_cccd import main as _main

    raise SystemExit(_main())
