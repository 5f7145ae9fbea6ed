"""From the card's QR to its chip, and back: access keys from QR data, and the QR↔chip agreement check.

The QR gives everything the chip's access control needs, so the clerk only taps the card:
the CAN (PACE) is the last six digits of the personal number, and the BAC key comes from the
document number (last nine digits), the date of birth and the expiry date, which the card does not
print in the QR but follows from DOB and issue date by the renewal-age rule (``mrz.cccd_expiry``).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from station.identity import FIELD_LABELS, Check, Identity, Verification
from station.readers.mrz import MRZError, cccd_expiry, cccd_mrz_information
from station.readers.qr import QrKeyFields

__all__ = ["COMPARED_FIELDS", "ChipAccessKeys", "access_keys_from_qr", "compare_qr_chip"]


@dataclass(frozen=True)
class ChipAccessKeys:
    """What the chip session needs to open the card without typing anything."""

    can: str
    document_number: str
    date_of_birth: dt.date | None
    date_of_expiry: dt.date | None
    mrz_information: str | None
    """BAC key seed (document number, DOB, expiry with check digits; the no-expiry fillers for a card
    that never expires); None when not derivable (year-only birth date, unknown issue date).
    PACE with the CAN works in every case."""

    @property
    def has_bac_key(self) -> bool:
        return self.mrz_information is not None


def access_keys_from_qr(qr: Identity | QrKeyFields) -> ChipAccessKeys:
    """CAN and BAC key material from a QR identity (or, when its text was lost, its digits)."""
    if isinstance(qr, Identity):
        dob = qr.birth_date
        issued = dt.date.fromisoformat(qr.date_of_issue) if qr.date_of_issue else None
        printed_expiry = dt.date.fromisoformat(qr.date_of_expiry) if qr.date_of_expiry else None
    else:
        dob, issued, printed_expiry = qr.date_of_birth, qr.date_of_issue, None
    expiry, expiry_known = printed_expiry, printed_expiry is not None
    if not expiry_known and dob is not None and issued is not None:
        try:
            expiry, expiry_known = cccd_expiry(dob, issued), True  # None: the card never expires
        except MRZError:  # issued before birth: no rule applies, PACE-CAN only
            expiry = None
    mrz_info = cccd_mrz_information(qr.id_number, dob, expiry) if dob is not None and expiry_known else None
    return ChipAccessKeys(
        can=qr.id_number[-6:],
        document_number=qr.id_number[-9:],
        date_of_birth=dob,
        date_of_expiry=expiry,
        mrz_information=mrz_info,
    )


COMPARED_FIELDS: dict[str, str] = {
    name: FIELD_LABELS[name]
    for name in (
        "id_number",
        "old_id_number",
        "full_name",
        "date_of_birth",
        "sex",
        "place_of_residence",
        "date_of_issue",
        "father_name",
        "mother_name",
    )
}
"""Fields both the QR and the chip carry, with the Vietnamese label a mismatch is reported under."""


def _normal(value: str, field: str) -> str:
    text = unicodedata.normalize("NFC", value).casefold()
    if field == "place_of_residence":
        # The 2021 QR writes the address with its own spacing ("Tổ 5,Phường X"): only whitespace may differ.
        return "".join(text.split())
    return " ".join(text.split())


def compare_qr_chip(qr: Identity, chip: Identity) -> Check:
    """``verification.qr_matches_chip``: every field both carry must agree (after NFC/space/case folding).

    A field that one side lacks is not compared (the 2021 QR has no parents' names; DG13's old
    number is reported, not confirmed). A mismatch names the fields, never their values.
    """
    compared: list[str] = []
    different: list[str] = []
    for field, label in COMPARED_FIELDS.items():
        left, right = getattr(qr, field), getattr(chip, field)
        if left is None or right is None:
            continue
        compared.append(label)
        if _normal(str(left), field) != _normal(str(right), field):
            different.append(label)
    if not compared:
        return Check.not_run("Không có trường chung để so sánh mã QR với chip.")
    if different:
        return Check.failed("Mã QR không khớp với chip ở: " + "; ".join(different) + ".")
    return Check.passed(f"Mã QR khớp với chip ({len(compared)} trường: {', '.join(compared)}).")


def with_qr_check(chip: Identity, qr: Identity) -> Identity:
    """The chip reading with ``verification.qr_matches_chip`` filled from the card's QR."""
    verification = (chip.verification or Verification()).with_check("qr_matches_chip", compare_qr_chip(qr, chip))
    return chip.model_copy(update={"verification": verification})
