"""One CCCD chip session: access key → reads → ``Identity`` + ``Verification``.

This is where ICAO 9303 meets the CCCD profile (shared/vectors/cccd-profile.md):

* access: PACE with the CAN (last 6 digits of the personal number) or the MRZ when the card
  offers it in EF.CardAccess; BAC with the MRZ key when it does not, or refuses PACE (6982);
* reads in the order that puts a name on screen first: DG13, DG1, EF.SOD, DG14 (then chip
  authentication, re-keying the session), DG15 (then active authentication), DG2 last;
* proof: passive authentication of every file read against the trust store.

Nothing half-read leaves this module: the ``Identity`` is built only when every step ended,
and any failure raises a :class:`~station.readers.errors.ReaderError`.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from pydantic import ValidationError

from station.identity import Check, CheckStatus, Identity, Source, Verification
from station.readers.errors import (
    AccessKeyMissingError,
    AuthenticationProtocolError,
    CardProtocolError,
    MalformedDataError,
    ReaderError,
    StatusWordError,
)
from station.readers.icao import (
    EF_CARD_ACCESS,
    EF_SOD,
    CommandAPDU,
    FileAccessDenied,
    FileNotFound,
    FileReader,
    ResponseAPDU,
    SecureChannel,
    Transport,
    dg_file_id,
    perform_bac,
)
from station.readers.icao.active_auth import perform_active_auth
from station.readers.icao.chip_auth import perform_chip_auth
from station.readers.icao.lds import DG1, DG2, DG13
from station.readers.icao.lds.dg13 import dg13_date_to_iso
from station.readers.icao.lds.dg14 import DG14, parse_dg14
from station.readers.icao.lds.dg15 import parse_dg15
from station.readers.icao.pace import PaceNotSupported, PacePassword, perform_pace
from station.readers.icao.passive_auth import TrustAnchors, verify_passive
from station.readers.icao.security_infos import parse_security_infos
from station.readers.mrz import MRZError, cccd_mrz_information, parse_td1

__all__ = [
    "LDS_AID",
    "AccessKey",
    "AccessProtocol",
    "ChipReading",
    "ChipSession",
    "ReadCancelled",
    "ReadProgress",
    "identity_from_data_groups",
]

log = logging.getLogger(__name__)

LDS_AID = bytes.fromhex("A0000002471001")
_SELECT_APPLET = CommandAPDU(0x00, 0xA4, 0x04, 0x0C, LDS_AID)


class ReadCancelled(ReaderError):
    """The clerk (or the window closing) cancelled the reading."""

    clerk_message = "Đã hủy đọc thẻ."


class AccessProtocol(StrEnum):
    PACE = "PACE"
    BAC = "BAC"


@dataclass(frozen=True)
class AccessKey:
    """What opens the chip: the CAN for PACE, the MRZ information for BAC (or PACE-MRZ)."""

    can: str | None = None
    mrz_information: str | None = None

    def __post_init__(self) -> None:
        if self.can is not None and not (len(self.can) == 6 and self.can.isdigit()):
            raise ValueError("the CAN is 6 digits")
        if self.can is None and self.mrz_information is None:
            raise ValueError("an access key needs a CAN or MRZ data")

    @classmethod
    def from_mrz(cls, text: str) -> AccessKey:
        """From the three MRZ lines; the 12-digit number in them also gives the CAN."""
        td1 = parse_td1(text)
        can = td1.id_number[-6:] if td1.id_number else None
        return cls(can=can, mrz_information=td1.mrz_information)

    @classmethod
    def for_cccd(
        cls,
        id_number: str,
        date_of_birth: dt.date | None = None,
        expiry: dt.date | None = None,
        *,
        never_expires: bool = False,
    ) -> AccessKey:
        """From the printed 12-digit number (CAN), plus DOB and expiry when known (BAC fallback)."""
        if not (len(id_number) == 12 and id_number.isdigit()):
            raise ValueError("số định danh cá nhân phải gồm 12 chữ số")
        mrz = None
        if date_of_birth is not None and (expiry is not None or never_expires):
            mrz = cccd_mrz_information(id_number, date_of_birth, expiry)
        return cls(can=id_number[-6:], mrz_information=mrz)


@dataclass(frozen=True, slots=True)
class ReadProgress:
    """One progress step: ``label`` is "truy cập" for access control or a file name (DG13...)."""

    label: str
    done: int
    total: int


@dataclass(frozen=True)
class ChipReading:
    identity: Identity
    protocol: AccessProtocol
    data_groups: dict[int, bytes] = field(repr=False)
    sod: bytes | None = field(default=None, repr=False)


ProgressSink = Callable[[ReadProgress], None]
PartialSink = Callable[[Identity], None]

ACCESS_STEP = "truy cập"


class _Guarded:
    """A transport that stops at the next APDU once the reading is cancelled."""

    def __init__(self, inner: Transport, cancel: threading.Event | None) -> None:
        self._inner = inner
        self._cancel = cancel

    @property
    def max_apdu_data(self) -> int:
        return self._inner.max_apdu_data

    def transmit(self, command: CommandAPDU) -> ResponseAPDU:
        if self._cancel is not None and self._cancel.is_set():
            raise ReadCancelled("reading cancelled")
        return self._inner.transmit(command)


class ChipSession:
    """Reads one card once. Create a new session for each insertion."""

    def __init__(
        self,
        transport: Transport,
        key: AccessKey,
        *,
        trust: TrustAnchors | None = None,
        read_photo: bool = True,
        authenticate_chip: bool = True,
        on_progress: ProgressSink | None = None,
        on_partial: PartialSink | None = None,
        cancel: threading.Event | None = None,
    ) -> None:
        self._channel = SecureChannel(_Guarded(transport, cancel))
        self._key = key
        self._trust = trust
        self._read_photo = read_photo
        self._authenticate_chip = authenticate_chip
        self._on_progress = on_progress
        self._on_partial = on_partial
        self._protocol: AccessProtocol | None = None
        self._chip_auth_passed = False
        self._dg14: DG14 | None = None
        self._card_access: bytes | None = None
        self._card_access_read = False

    # ------------------------------------------------------------------ access

    def _progress(self, label: str, done: int, total: int) -> None:
        if self._on_progress is not None:
            self._on_progress(ReadProgress(label, done, total))

    def _select_applet(self) -> None:
        response = self._channel.transmit(_SELECT_APPLET)
        if not response.ok:
            raise StatusWordError(response.sw, "SELECT LDS application")

    def _pace_infos(self) -> bytes | None:
        """EF.CardAccess, read in plain by file id (some cards refuse SELECT MF with 6D00).

        Read once per session: on re-authentication the LDS application is selected and a
        card may not find the MF's EF.CardAccess from there.
        """
        if self._card_access_read:
            return self._card_access
        self._card_access_read = True
        try:
            self._card_access = FileReader(self._channel).read(EF_CARD_ACCESS, "EF.CardAccess")
        except (FileNotFound, FileAccessDenied):
            self._card_access = None
        except StatusWordError as exc:
            log.info("EF.CardAccess not readable (SW %04X): no PACE", exc.sw)
            self._card_access = None
        return self._card_access

    def _access(self) -> None:
        """PACE when the card offers it, else BAC; leaves the LDS application selected under SM."""
        self._channel.sm = None
        card_access = self._pace_infos()
        if card_access is not None:
            password = (
                PacePassword.can(self._key.can)
                if self._key.can is not None
                else PacePassword.mrz(self._key.mrz_information or "")
            )
            try:
                infos = parse_security_infos(card_access)
                perform_pace(self._channel, password, infos)
            except PaceNotSupported as exc:
                log.info("PACE not available (%s); falling back to BAC", exc)
            except MalformedDataError as exc:
                log.warning("EF.CardAccess unreadable (%s); falling back to BAC", exc)
            else:
                self._select_applet()
                self._protocol = AccessProtocol.PACE
                return
        if self._key.mrz_information is None:
            raise AccessKeyMissingError("the card offers only BAC and no MRZ data was given")
        self._channel.sm = None
        self._select_applet()
        perform_bac(self._channel, self._key.mrz_information)
        self._protocol = AccessProtocol.BAC

    def _reauthenticate(self) -> None:
        """After a secure-messaging error the card has dropped the session: open it again."""
        log.info("re-establishing the secure session")
        self._access()
        if self._chip_auth_passed and self._dg14 is not None:
            result = perform_chip_auth(self._channel, self._dg14)
            if not result.passed:
                raise AuthenticationProtocolError("chip authentication failed on re-authentication")

    # -------------------------------------------------------------- the read

    def read(self) -> ChipReading:
        try:
            return self._read()
        except ReaderError:
            raise
        except MRZError as exc:
            raise CardProtocolError(f"DG1 MRZ unreadable: {exc}") from exc

    def _read(self) -> ChipReading:
        self._progress(ACCESS_STEP, 0, 1)
        self._access()
        self._progress(ACCESS_STEP, 1, 1)
        assert self._protocol is not None
        reader = FileReader(
            self._channel,
            reauthenticate=self._reauthenticate,
            progress=self._progress,
        )
        groups: dict[int, bytes] = {}

        def read_dg(number: int) -> bytes | None:
            try:
                content = reader.read(dg_file_id(number), f"DG{number}")
            except (FileNotFound, FileAccessDenied) as exc:
                log.info("DG%d not read (SW %04X)", number, exc.sw)
                return None
            groups[number] = content
            return content

        if read_dg(13) is not None and self._on_partial is not None:
            self._on_partial(identity_from_data_groups(groups))  # names on screen before anything else
        if read_dg(1) is None and 13 not in groups:
            raise CardProtocolError("the card has neither DG13 nor DG1: not a CCCD")
        if 13 not in groups and self._on_partial is not None:
            self._on_partial(identity_from_data_groups(groups))
        try:
            sod = reader.read(EF_SOD, "EF.SOD")
        except (FileNotFound, FileAccessDenied):
            sod = None

        verification = Verification()
        if self._authenticate_chip:
            verification = self._clone_checks(read_dg, verification)
        else:
            skipped = Check.not_run("Không chạy theo cấu hình của trạm.")
            verification = verification.with_check("chip_authentication", skipped).with_check(
                "active_authentication", skipped
            )
        if self._read_photo:
            read_dg(2)
        verification = self._passive(sod, groups, verification)
        identity = identity_from_data_groups(groups, verification)
        return ChipReading(identity, self._protocol, groups, sod)

    def _clone_checks(self, read_dg: Callable[[int], bytes | None], verification: Verification) -> Verification:
        dg14_raw = read_dg(14)
        if dg14_raw is None:
            ca = Check.not_supported("Thẻ không có DG14: không xác thực chip được.")
        else:
            ca = self._chip_auth(dg14_raw)
        verification = verification.with_check("chip_authentication", ca)

        dg15_raw = read_dg(15)
        if dg15_raw is None:
            aa = Check.not_supported("Thẻ không có DG15: không xác thực chủ động được.")
        else:
            aa = self._active_auth(dg15_raw)
        return verification.with_check("active_authentication", aa)

    def _chip_auth(self, dg14_raw: bytes) -> Check:
        try:
            self._dg14 = parse_dg14(dg14_raw)
        except MalformedDataError as exc:
            log.warning("DG14 does not parse: %s", exc)
            return Check.failed("DG14 hỏng, không đọc được khóa xác thực chip: thẻ có thể bị làm giả.")
        result = perform_chip_auth(self._channel, self._dg14)
        if result.passed:
            self._chip_auth_passed = True
        elif result.status is CheckStatus.FAILED:
            log.warning("chip authentication failed: %s", result.reason)
            # The old session is gone with the failed protocol: reopen it to finish reading.
            self._reauthenticate()
        return result.check

    def _active_auth(self, dg15_raw: bytes) -> Check:
        try:
            dg15 = parse_dg15(dg15_raw)
        except MalformedDataError as exc:
            log.warning("DG15 does not parse: %s", exc)
            return Check.failed("DG15 hỏng, không đọc được khóa xác thực chủ động: thẻ có thể bị làm giả.")
        aa_info = self._dg14.active_authentication_info if self._dg14 is not None else None
        result = perform_active_auth(self._channel, dg15, aa_info)
        if result.status is CheckStatus.FAILED:
            log.warning("active authentication failed: %s", result.reason)
        if self._channel.broken:
            self._reauthenticate()
        return result.check

    def _passive(self, sod: bytes | None, groups: dict[int, bytes], verification: Verification) -> Verification:
        if sod is None:
            detail = "Thẻ không có EF.SOD: không kiểm tra được tính toàn vẹn dữ liệu."
            return (
                verification.with_check("data_group_hashes", Check.not_supported(detail))
                .with_check("sod_signature", Check.not_supported(detail))
                .with_check("certificate_chain", Check.not_supported(detail))
            )
        trust = self._trust if self._trust is not None else _EmptyTrust()
        return verify_passive(sod, groups, trust).apply(verification)


class _EmptyTrust:
    """No trust store configured: signatures still verify, the chain ends unknown."""

    def find_issuers(self, issuer: object, authority_key_id: bytes | None) -> list[object]:
        return []

    def crls_for(self, csca: object) -> list[object]:
        return []

    def has_country(self, country: str) -> bool:
        return False


# ----------------------------------------------------------------- mapping


def _sex(value: str | None, *, file: str) -> str:
    text = unicodedata.normalize("NFC", (value or "").strip()).lower()
    if text in ("nam", "m", "male"):
        return "Nam"
    if text in ("nữ", "nu", "f", "female"):
        return "Nữ"
    raise MalformedDataError(f"sex {value!r} is neither Nam nor Nữ", file=file)


def _iso(value: str | None, *, file: str, what: str) -> str | None:
    if not value:
        return None
    try:
        return dg13_date_to_iso(value)
    except ValueError as exc:
        raise MalformedDataError(f"{what} is not a date", file=file) from exc


def identity_from_data_groups(groups: dict[int, bytes], verification: Verification | None = None) -> Identity:
    """Build the record from DG13 (Vietnamese text with diacritics), DG1 and DG2.

    DG1 and DG13 must name the same person number; DG1 alone (no DG13) still gives a
    record, with the name as the MRZ prints it (no diacritics).
    """
    dg1 = DG1(groups[1]) if 1 in groups else None
    td1 = dg1.td1 if dg1 is not None else None
    face: bytes | None = None
    if 2 in groups:
        face = DG2(groups[2]).face.to_jpeg()
    try:
        if 13 in groups:
            dg13 = DG13(groups[13])
            if td1 is not None and td1.id_number and dg13.id_number and td1.id_number != dg13.id_number:
                raise MalformedDataError("DG1 and DG13 name different personal numbers", file="DG13")
            old = dg13.old_id_number
            return Identity(
                id_number=dg13.id_number or (td1.id_number if td1 else ""),
                old_id_number=old if old and len(old) == 9 and old.isdigit() else None,
                full_name=dg13.full_name or "",
                date_of_birth=_iso(dg13.date_of_birth, file="DG13", what="date of birth") or "",
                sex=_sex(dg13.sex, file="DG13"),
                nationality=dg13.nationality,
                ethnicity=dg13.ethnicity,
                religion=dg13.religion,
                place_of_origin=dg13.place_of_origin,
                place_of_residence=dg13.place_of_residence,
                identifying_marks=dg13.identifying_marks,
                date_of_issue=_iso(dg13.date_of_issue, file="DG13", what="date of issue"),
                date_of_expiry=_iso(dg13.date_of_expiry, file="DG13", what="date of expiry"),
                father_name=dg13.father_name,
                mother_name=dg13.mother_name,
                spouse_name=dg13.spouse_name,
                face_jpeg=face,
                source=Source.CHIP,
                verification=verification,
            )
        if td1 is None or not td1.id_number or td1.date_of_birth is None:
            raise MalformedDataError("DG1 lacks the personal number or date of birth", file="DG1")
        dob = td1.date_of_birth
        surname, given = td1.name
        return Identity(
            id_number=td1.id_number,
            full_name=" ".join(part for part in (surname, given) if part),
            date_of_birth=dob.isoformat() if isinstance(dob, dt.date) else dob.to_iso(),
            sex=_sex(td1.sex, file="DG1"),
            nationality="Việt Nam" if td1.nationality == "VNM" else td1.nationality,
            date_of_expiry=td1.expiry.isoformat() if td1.expiry else None,
            face_jpeg=face,
            source=Source.CHIP,
            verification=verification,
        )
    except ValidationError as exc:
        fields = ", ".join(str(err["loc"][0]) for err in exc.errors() if err["loc"])
        raise MalformedDataError(f"chip data does not form a valid identity ({fields})", file="DG13") from exc
