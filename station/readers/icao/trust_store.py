"""The station's CSCA trust store: the country signing certificates passive authentication
chains Document Signers to, plus their CRLs, kept in a directory with where each came from.

Vietnam's CSCA is not in the ICAO PKD; it arrives inside the German (BSI) CSCA master list, a
CMS SignedData ``.ml`` file. Importing a master list checks its CMS signature and whether its
signer was issued by a CSCA in the list itself. Policy (documented for clerks and auditors):

* signature invalid (content altered, wrong key, signer certificate missing) → the whole
  master list is REFUSED, nothing from it is stored;
* signature valid but the signer is not issued by a CSCA in the list (nor in the store) →
  the certificates are stored, marked ``signer_untrusted`` in their provenance, and the
  import report says so;
* signature valid and signer issued by a listed CSCA → stored, marked ``valid``.

Certificates are stored by SHA-256 fingerprint, so importing the same file twice changes nothing.
Layout: ``csca/<fp>.der``, ``crl/<fp>.der``, ``index.json`` (provenance).
"""

from __future__ import annotations

import builtins
import datetime as dt
import hashlib
import json
import logging
import os
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, ClassVar

from asn1crypto import cms, core, pem
from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509

from station.readers.errors import MalformedDataError
from station.readers.icao.passive_auth import (
    SignatureUnsupportedError,
    verify_certificate_signature,
    verify_cms_signer,
    verify_crl_signature,
)
from station.readers.icao.sod import parse_signed_data

__all__ = [
    "ENV_TRUST_DIR",
    "OID_CSCA_MASTER_LIST",
    "CscaMasterList",
    "ImportReport",
    "MasterListReport",
    "MasterListStatus",
    "Provenance",
    "TrustStore",
    "TrustStoreError",
    "TrustedCertificate",
    "default_trust_dir",
    "parse_master_list",
]

log = logging.getLogger(__name__)

ENV_TRUST_DIR = "STATION_TRUST_DIR"
OID_CSCA_MASTER_LIST = "2.23.136.1.1.2"
_ASN1_ERRORS = (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError)


class TrustStoreError(Exception):
    """The trust store directory cannot be read or written."""


# ---------------------------------------------------------------- master list ASN.1 (9303-12 §9)


class _CertificateSet(core.SetOf):  # type: ignore[misc]  # asn1crypto is untyped
    _child_spec: ClassVar[type[Any]] = asn1_x509.Certificate


class CscaMasterList(core.Sequence):  # type: ignore[misc]  # asn1crypto is untyped
    _fields: ClassVar[list[tuple[Any, ...]]] = [
        ("version", core.Integer),
        ("cert_list", _CertificateSet),
    ]


class MasterListStatus(StrEnum):
    VALID = "valid"
    SIGNER_UNTRUSTED = "signer_untrusted"
    INVALID = "invalid"


@dataclass(frozen=True)
class ParsedMasterList:
    certificates: tuple[asn1_x509.Certificate, ...]
    status: MasterListStatus
    signer_subject: str | None
    reason: str | None
    undecodable: int = 0
    """Listed certificates that do not decode (skipped, not imported)."""


def _human(name: asn1_x509.Name) -> str:
    return str(name.human_friendly)


def parse_master_list(data: bytes, *, extra_anchors: Sequence[asn1_x509.Certificate] = ()) -> ParsedMasterList:
    """Decode a CSCA master list and judge its signature (see the module docstring for the policy).

    ``extra_anchors`` are CSCAs already trusted that may also have issued the signer.
    """
    signed = parse_signed_data(data, file="master list")
    if signed.content_type != OID_CSCA_MASTER_LIST:
        raise MalformedDataError(f"eContentType {signed.content_type} is not cscaMasterList", file="master list")
    try:
        content = CscaMasterList.load(signed.econtent, strict=True)
        listed = list(content["cert_list"])
    except _ASN1_ERRORS as exc:
        raise MalformedDataError(f"bad CscaMasterList: {exc}", file="master list") from exc
    # Real lists carry hundreds of countries' CSCAs; one badly encoded certificate must not
    # keep Vietnam's out, so undecodable entries are counted and left aside.
    decodable: list[asn1_x509.Certificate] = []
    for cert in listed:
        try:
            cert.native  # noqa: B018 -- decode now, not during a later check
        except _ASN1_ERRORS:
            continue
        decodable.append(cert)
    certificates = tuple(decodable)
    undecodable = len(listed) - len(decodable)
    signer = signed.signer_certificate()
    if signer is None:
        return ParsedMasterList(
            certificates, MasterListStatus.INVALID, None, "không có chứng thư của bên ký", undecodable
        )
    subject = _human(signer.subject)
    try:
        reason = verify_cms_signer(signed, signer)
    except (SignatureUnsupportedError, *_ASN1_ERRORS) as exc:
        reason = f"không kiểm tra được chữ ký ({exc})"
    if reason is not None:
        return ParsedMasterList(certificates, MasterListStatus.INVALID, subject, reason, undecodable)
    for anchor in (*certificates, *extra_anchors):
        if anchor.subject != signer.issuer:
            continue
        try:
            if verify_certificate_signature(signer, anchor):
                return ParsedMasterList(certificates, MasterListStatus.VALID, subject, None, undecodable)
        except (SignatureUnsupportedError, *_ASN1_ERRORS):
            continue
    return ParsedMasterList(
        certificates,
        MasterListStatus.SIGNER_UNTRUSTED,
        subject,
        "bên ký danh sách không do CSCA nào trong danh sách cấp",
        undecodable,
    )


# ---------------------------------------------------------------- records


@dataclass(frozen=True)
class Provenance:
    """Where one stored object came from."""

    source: str
    kind: str
    """"master_list", "certificate" or "crl"."""
    master_list_status: str | None = None
    imported_at: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "kind": self.kind,
            "master_list_status": self.master_list_status,
            "imported_at": self.imported_at,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Provenance:
        return cls(
            str(data["source"]), str(data["kind"]), data.get("master_list_status"), str(data.get("imported_at", ""))
        )


def _country_of(name: asn1_x509.Name) -> str:
    native = name.native if isinstance(name.native, dict) else {}
    return str(native.get("country_name") or "??").upper()


@dataclass(frozen=True)
class TrustedCertificate:
    """A stored CSCA certificate and its provenance."""

    fingerprint: str
    certificate: asn1_x509.Certificate
    sources: tuple[Provenance, ...]

    @property
    def country(self) -> str:
        return _country_of(self.certificate.subject)

    @property
    def subject(self) -> str:
        return _human(self.certificate.subject)

    @property
    def not_before(self) -> dt.datetime:
        value: dt.datetime = self.certificate["tbs_certificate"]["validity"]["not_before"].native
        return value

    @property
    def not_after(self) -> dt.datetime:
        value: dt.datetime = self.certificate["tbs_certificate"]["validity"]["not_after"].native
        return value

    def to_json(self) -> dict[str, Any]:
        return {
            "country": self.country,
            "subject": self.subject,
            "not_before": self.not_before.isoformat(),
            "not_after": self.not_after.isoformat(),
            "fingerprint_sha256": self.fingerprint,
            "sources": [s.to_json() for s in self.sources],
        }


@dataclass(frozen=True)
class MasterListReport:
    source: str
    status: MasterListStatus
    signer_subject: str | None
    reason: str | None
    certificates: int
    by_country: dict[str, int]
    undecodable: int = 0


@dataclass
class ImportReport:
    """What one ``import_path`` call did, for the CLI and the UI to show."""

    added: list[TrustedCertificate] = field(default_factory=list)
    already_present: list[TrustedCertificate] = field(default_factory=list)
    crls_added: list[str] = field(default_factory=list)
    crls_already_present: list[str] = field(default_factory=list)
    master_lists: list[MasterListReport] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    """(source, reason): readable input deliberately not stored (invalid master list, not a CA...)."""
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    """(source, reason): files named explicitly that are not certificates, CRLs or master lists."""
    skipped: list[tuple[str, str]] = field(default_factory=list)
    """(source, reason): files met while walking a folder that hold no CSCA (keys, DS certificates...)."""

    def by_country(self) -> dict[str, int]:
        """CSCAs per country among those this import touched (new or already present)."""
        unique = {c.fingerprint: c for c in (*self.added, *self.already_present)}
        counts = Counter(c.country for c in unique.values())
        return dict(sorted(counts.items()))

    def merge(self, other: ImportReport) -> None:
        self.added += other.added
        self.already_present += other.already_present
        self.crls_added += other.crls_added
        self.crls_already_present += other.crls_already_present
        self.master_lists += other.master_lists
        self.refused += other.refused
        self.unreadable += other.unreadable
        self.skipped += other.skipped


# ---------------------------------------------------------------- the store


def default_trust_dir() -> Path:
    """``$STATION_TRUST_DIR`` if set, else ``trust`` in the user data directory."""
    override = os.environ.get(ENV_TRUST_DIR)
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_data_dir("cccd-station")) / "trust"


def _fingerprint(der: bytes) -> str:
    return hashlib.sha256(der).hexdigest()


def _is_ca(cert: asn1_x509.Certificate) -> bool:
    constraints = cert.basic_constraints_value
    if constraints is None or not constraints["ca"].native:
        return False
    usage = cert.key_usage_value
    return usage is None or "key_cert_sign" in usage.native


_PEM_FILE = re.compile(rb"^\s*-----BEGIN ")


class TrustStore:
    """CSCA certificates and CRLs persisted under one directory."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = Path(directory) if directory is not None else default_trust_dir()
        self._certs: dict[str, TrustedCertificate] | None = None
        self._crls: dict[str, tuple[asn1_crl.CertificateList, tuple[Provenance, ...]]] | None = None

    # ------------------------------------------------------------ persistence

    @property
    def _index_path(self) -> Path:
        return self.directory / "index.json"

    def _load(self) -> None:
        if self._certs is not None:
            return
        certs: dict[str, TrustedCertificate] = {}
        crls: dict[str, tuple[asn1_crl.CertificateList, tuple[Provenance, ...]]] = {}
        index: dict[str, Any] = {"certificates": {}, "crls": {}}
        try:
            if self._index_path.exists():
                index = json.loads(self._index_path.read_text(encoding="utf-8"))
            for fp, entry in index.get("certificates", {}).items():
                der = (self.directory / "csca" / f"{fp}.der").read_bytes()
                sources = tuple(Provenance.from_json(s) for s in entry.get("sources", []))
                certs[fp] = TrustedCertificate(fp, asn1_x509.Certificate.load(der), sources)
            for fp, entry in index.get("crls", {}).items():
                der = (self.directory / "crl" / f"{fp}.der").read_bytes()
                sources = tuple(Provenance.from_json(s) for s in entry.get("sources", []))
                crls[fp] = (asn1_crl.CertificateList.load(der), sources)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise TrustStoreError(f"kho tin cậy tại {self.directory} bị hỏng hoặc không đọc được: {exc}") from exc
        self._certs, self._crls = certs, crls

    def _save(self) -> None:
        assert self._certs is not None and self._crls is not None
        index = {
            "version": 1,
            "certificates": {fp: {"sources": [s.to_json() for s in c.sources]} for fp, c in self._certs.items()},
            "crls": {fp: {"sources": [s.to_json() for s in src]} for fp, (_, src) in self._crls.items()},
        }
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            tmp = self._index_path.with_suffix(".json.tmp")
            tmp.write_text(json.dumps(index, ensure_ascii=False, indent=1), encoding="utf-8")
            os.replace(tmp, self._index_path)
        except OSError as exc:
            raise TrustStoreError(f"không ghi được kho tin cậy tại {self.directory}: {exc}") from exc

    def _write_object(self, folder: str, fp: str, der: bytes) -> None:
        path = self.directory / folder / f"{fp}.der"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists():
                path.write_bytes(der)
        except OSError as exc:
            raise TrustStoreError(f"không ghi được {path}: {exc}") from exc

    # ------------------------------------------------------------ queries

    def crl_count(self) -> int:
        self._load()
        assert self._crls is not None
        return len(self._crls)

    def find_issuers(self, issuer: asn1_x509.Name, authority_key_id: bytes | None) -> list[asn1_x509.Certificate]:
        """CSCAs named ``issuer`` whose SKI matches ``authority_key_id`` (a CSCA without SKI matches any)."""
        self._load()
        assert self._certs is not None
        found = []
        for entry in self._certs.values():
            cert = entry.certificate
            if cert.subject != issuer:
                continue
            ski = cert.key_identifier
            if authority_key_id is not None and ski is not None and ski != authority_key_id:
                continue
            found.append(cert)
        return found

    def has_country(self, country: str) -> bool:
        self._load()
        assert self._certs is not None
        return any(entry.country == country.upper() for entry in self._certs.values())

    def crls_for(self, csca: asn1_x509.Certificate) -> list[asn1_crl.CertificateList]:
        """Stored CRLs issued under ``csca``'s name; the caller checks their signatures."""
        self._load()
        assert self._crls is not None
        return [crl for crl, _ in self._crls.values() if crl.issuer == csca.subject]

    # ------------------------------------------------------------ import

    def _add_certificate(self, cert: asn1_x509.Certificate, provenance: Provenance, report: ImportReport) -> None:
        assert self._certs is not None
        der = cert.dump()
        fp = _fingerprint(der)
        existing = self._certs.get(fp)
        if existing is None:
            self._write_object("csca", fp, der)
            entry = TrustedCertificate(fp, asn1_x509.Certificate.load(der), (provenance,))
            self._certs[fp] = entry
            report.added.append(entry)
            return
        if not any(
            (s.source, s.kind, s.master_list_status)
            == (provenance.source, provenance.kind, provenance.master_list_status)
            for s in existing.sources
        ):
            existing = TrustedCertificate(fp, existing.certificate, (*existing.sources, provenance))
            self._certs[fp] = existing
        report.already_present.append(existing)

    def _add_crl(self, crl: asn1_crl.CertificateList, provenance: Provenance, report: ImportReport) -> None:
        assert self._crls is not None
        der = crl.dump()
        fp = _fingerprint(der)
        if fp in self._crls:
            report.crls_already_present.append(fp)
            return
        self._write_object("crl", fp, der)
        self._crls[fp] = (asn1_crl.CertificateList.load(der), (provenance,))
        report.crls_added.append(fp)
        issuers = self.find_issuers(crl.issuer, crl.authority_key_identifier)
        try:
            verified = any(verify_crl_signature(crl, csca) for csca in issuers)
        except (SignatureUnsupportedError, *_ASN1_ERRORS):
            verified = False
        if not verified:
            log.info("CRL %s stored; its CSCA is not in the store yet, so it is checked when used", fp[:16])

    def _import_master_list(self, data: bytes, source: str, now: str, report: ImportReport) -> None:
        assert self._certs is not None
        anchors = [c.certificate for c in self._certs.values()]
        parsed = parse_master_list(data, extra_anchors=anchors)
        counts = Counter(_country_of(c.subject) for c in parsed.certificates)
        report.master_lists.append(
            MasterListReport(
                source,
                parsed.status,
                parsed.signer_subject,
                parsed.reason,
                len(parsed.certificates),
                dict(sorted(counts.items())),
                parsed.undecodable,
            )
        )
        if parsed.status is MasterListStatus.INVALID:
            report.refused.append((source, f"chữ ký danh sách CSCA không hợp lệ: {parsed.reason}"))
            return
        provenance = Provenance(source, "master_list", parsed.status.value, now)
        for cert in parsed.certificates:
            self._add_certificate(cert, provenance, report)

    def _import_single(
        self,
        item: asn1_x509.Certificate | asn1_crl.CertificateList,
        source: str,
        now: str,
        report: ImportReport,
        explicit: bool,
    ) -> None:
        if isinstance(item, asn1_crl.CertificateList):
            self._add_crl(item, Provenance(source, "crl", None, now), report)
        elif _is_ca(item):
            self._add_certificate(item, Provenance(source, "certificate", None, now), report)
        else:
            reason = f"không phải chứng thư CSCA: {_human(item.subject)}"
            (report.refused if explicit else report.skipped).append((source, reason))

    def _import_bytes(self, data: bytes, source: str, report: ImportReport, explicit: bool = True) -> None:
        now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        if _PEM_FILE.match(data):
            items = _read_pem_bundle(data)
            for item in items:
                self._import_single(item, source, now, report, explicit)
            return
        kind, value = _sniff_der(data)
        if kind == "master_list":
            self._import_master_list(data, source, now, report)
        elif isinstance(value, asn1_x509.Certificate | asn1_crl.CertificateList):
            self._import_single(value, source, now, report, explicit)

    def import_bytes(self, data: bytes, source: str) -> ImportReport:
        """Import one file's content; ``source`` is what provenance records (usually the file name)."""
        self._load()
        report = ImportReport()
        try:
            self._import_bytes(data, source, report)
        except MalformedDataError as exc:
            report.unreadable.append((source, str(exc)))
        self._save()
        return report

    def import_path(self, path: Path) -> ImportReport:
        """Import a master list, certificate, PEM bundle, CRL, or a folder of those (recursively)."""
        self._load()
        path = Path(path)
        report = ImportReport()
        for file, is_explicit in _files(path):
            try:
                data = file.read_bytes()
            except OSError as exc:
                report.unreadable.append((str(file), f"không đọc được tệp: {exc.strerror or exc}"))
                continue
            sub = ImportReport()
            try:
                self._import_bytes(data, file.name, sub, is_explicit)
            except MalformedDataError as exc:
                if is_explicit or file.suffix.lower() in _KNOWN_SUFFIXES - {".pem"}:
                    sub.unreadable.append((str(file), str(exc)))
                else:  # a folder's private keys, READMEs...: not ours to judge
                    sub.skipped.append((str(file), str(exc)))
            report.merge(sub)
        self._save()
        return report

    def list(self) -> builtins.list[TrustedCertificate]:
        """All stored CSCAs, by country then subject."""
        self._load()
        assert self._certs is not None
        return sorted(self._certs.values(), key=lambda c: (c.country, c.subject, c.fingerprint))


_KNOWN_SUFFIXES = {".ml", ".der", ".cer", ".crt", ".pem", ".crl", ".p7b", ".p7c"}


def _files(path: Path) -> Iterator[tuple[Path, bool]]:
    if path.is_dir():
        for child in sorted(path.rglob("*")):
            if child.is_file() and not child.name.startswith("."):
                yield child, False
    else:
        yield path, True


def _read_pem_bundle(data: bytes) -> list[asn1_x509.Certificate | asn1_crl.CertificateList]:
    items: list[asn1_x509.Certificate | asn1_crl.CertificateList] = []
    try:
        for label, _headers, der in pem.unarmor(data, multiple=True):
            if label in ("CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE"):
                cert = asn1_x509.Certificate.load(der, strict=label != "TRUSTED CERTIFICATE")
                cert.native  # noqa: B018
                items.append(cert)
            elif label == "X509 CRL":
                crl = asn1_crl.CertificateList.load(der, strict=True)
                crl.native  # noqa: B018
                items.append(crl)
    except _ASN1_ERRORS as exc:
        raise MalformedDataError(f"bad PEM: {exc}", file="PEM") from exc
    if not items:
        raise MalformedDataError("PEM holds no certificate or CRL", file="PEM")
    return items


def _sniff_der(data: bytes) -> tuple[str, asn1_x509.Certificate | asn1_crl.CertificateList | None]:
    """Tell a master list, a certificate and a CRL apart by trying each structure strictly."""
    try:
        info = asn1_x509.Certificate.load(data, strict=True)
        info.native  # noqa: B018
        return "certificate", info
    except _ASN1_ERRORS:
        pass
    try:
        crl = asn1_crl.CertificateList.load(data, strict=True)
        crl.native  # noqa: B018
        return "crl", crl
    except _ASN1_ERRORS:
        pass
    try:
        content_info = cms.ContentInfo.load(data, strict=True)
        if content_info["content_type"].native == "signed_data":
            return "master_list", None
    except _ASN1_ERRORS:
        pass
    raise MalformedDataError("neither a certificate, a CRL nor a CSCA master list", file="import")
