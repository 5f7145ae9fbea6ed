"""Province and commune codes for an address, across the 1 July 2025 reform.

Since 1 July 2025 Vietnam has 34 provinces and 3,321 communes (districts are gone); the
codes come from PyPI ``vietnam-provinces``. Cards issued before then print the old
"ward, district, province" address of the 63 provinces; the old → new mapping is read from
the data file ``data/converter_2025.json`` of PyPI ``vietnamadminunits``. We never import
or call that library: its ``convert_address`` sends an address that has a street to an
online geocoder (personal data leaving the machine) and, without a street, silently picks a
"default" ward for the 471 old wards that were DIVIDED among several new ones. Here:

- ``current``: the address already names a post-reform commune and province: codes looked up.
- ``mapped``: an old ward that went whole into one new commune: that commune, with codes.
- ``needs_confirmation``: an old ward divided among several communes: the new province is
  known, the candidates are listed, and the clerk picks one.
- ``unmapped``: the units could not be recognised: the clerk enters them.

Only the administrative part (the last two or three comma-separated parts) is matched; the
street and house number never leave the text they came from.

Codes always come from ``vietnam-provinces`` (Cục Thống kê list); the converter file is used
for names only, matched by key. The two packages disagree on the code of 121 of the 3,321
communes (e.g. Phường Cửa Nam, Hà Nội: 00073 here, 00082 in vietnamadminunits' own table).

Address values (what an address field stores): ``text`` (post-reform wording when the
commune is known, else as printed), ``province_code``/``province_name``,
``commune_code``/``commune_name``, ``status``, and when mapped or pending ``original_text``;
a pending one also carries ``street`` and ``candidates`` ([{code, name}]).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

from station.forms.errors import AddressDataError

__all__ = [
    "REFORM_DATE",
    "AddressResolution",
    "Commune",
    "Province",
    "commune_by_code",
    "communes_of_province",
    "province_by_code",
    "resolve_address",
]

REFORM_DATE = dt.date(2025, 7, 1)

Status = Literal["current", "mapped", "needs_confirmation", "unmapped"]

# Type words of each level, longest first, as they start a key ("quanbadinh").
_PROVINCE_PREFIXES = ("thanhpho", "tinh")
_DISTRICT_PREFIXES = ("thanhpho", "thixa", "huyen", "quan")
_WARD_PREFIXES = ("thitran", "phuong", "dackhu", "xa")
# Abbreviations clerks and older cards use, expanded before matching. Single letters only
# count with a dot or a digit after them, so "Tân An" never loses its "T".
_ABBREVIATIONS: dict[tuple[str, ...], list[tuple[str, str]]] = {
    _PROVINCE_PREFIXES: [(r"^t\.?\s*p\b\.?\s*", "thành phố "), (r"^t\.\s*", "tỉnh ")],
    _DISTRICT_PREFIXES: [
        (r"^t\.?\s*p\b\.?\s*", "thành phố "),
        (r"^t\.?\s*x\b\.?\s*", "thị xã "),
        (r"^q(?:\.\s*|\s*(?=\d))", "quận "),
        (r"^h\.\s*", "huyện "),
    ],
    _WARD_PREFIXES: [
        (r"^t\.?\s*t\b\.?\s*", "thị trấn "),
        (r"^p(?:\.\s*|\s*(?=\d))", "phường "),
        (r"^x\.\s*", "xã "),
    ],
}
_PROVINCE_ALIASES = {k: "Thành phố Hồ Chí Minh" for k in ("hcm", "tphcm", "thanhphohcm", "tphochiminh")}
_ISLAND_DISTRICTS = frozenset({"huyenbachlongvi", "huyenconco", "huyenhoangsa", "huyenlyson", "huyencondao"})


@dataclass(frozen=True)
class Province:
    code: str
    name: str


@dataclass(frozen=True)
class Commune:
    code: str
    name: str
    province_code: str
    province_name: str


@dataclass(frozen=True)
class AddressResolution:
    """Outcome of matching one address text; ``to_value`` is what an address field stores."""

    status: Status
    text: str
    street: str = ""
    province: Province | None = None
    commune: Commune | None = None
    candidates: tuple[Commune, ...] = field(default_factory=tuple)

    @property
    def new_text(self) -> str:
        """The address written with post-reform units when they are known, else as given."""
        if self.commune is None or self.status == "current":
            return self.text
        parts = [p for p in (self.street, self.commune.name, self.commune.province_name) if p]
        return ", ".join(parts)

    def to_value(self) -> dict[str, Any]:
        value: dict[str, Any] = {
            "text": self.new_text,
            "province_code": self.province.code if self.province else None,
            "province_name": self.province.name if self.province else None,
            "commune_code": self.commune.code if self.commune else None,
            "commune_name": self.commune.name if self.commune else None,
            "status": self.status,
        }
        if self.status != "current" and self.new_text != self.text:
            value["original_text"] = self.text
        if self.candidates:
            value["original_text"] = self.text
            value["street"] = self.street
            value["candidates"] = [{"code": c.code, "name": c.name} for c in self.candidates]
        return value


# ----------------------------------------------------------------------------- keys


def _fold(text: str) -> str:
    """Lower case without diacritics, one character for one (so positions still line up)."""
    out = []
    for char in unicodedata.normalize("NFC", text.lower()):
        base = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
        out.append("d" if char == "đ" else (base[:1] or char))
    return "".join(out)


def _ascii_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", _fold(text))


def _accented_key(text: str) -> str:
    return re.sub(r"[\W_]", "", unicodedata.normalize("NFC", text.lower()))


def _strip_zeros(key: str) -> str:
    """'phuong01' and 'phuong1' are the same ward."""
    return re.sub(r"(?<![0-9])0+(?=[0-9])", "", key)


def _strip_prefix(key: str, prefixes: tuple[str, ...]) -> str:
    """Key without its type word; an accented key ('xãminhquán') loses the accented word."""
    for prefix in prefixes:
        for form in (prefix, _ACCENTED_PREFIXES.get(prefix, prefix)):
            if key.startswith(form) and len(key) > len(form):
                return key[len(form) :]
    return key


_ACCENTED_PREFIXES = {
    "thanhpho": "thànhphố",
    "tinh": "tỉnh",
    "thixa": "thịxã",
    "huyen": "huyện",
    "quan": "quận",
    "thitran": "thịtrấn",
    "phuong": "phường",
    "dackhu": "đặckhu",
    "xa": "xã",
}
_TYPE_WORDS = {"thanhpho": "thanh pho", "thixa": "thi xa", "thitran": "thi tran", "dackhu": "dac khu"}


@dataclass(frozen=True)
class _Given:
    """One address part as keys: as written, and the readings without a leading type word.

    "Phương Canh" may be the commune Phương Canh or "Phường Canh" typed without tone marks,
    and "Quản Bạ" the district Quản Bạ or "Quận Bạ": both readings are kept."""

    ascii_full: str
    ascii_bare: frozenset[str]
    accented_full: str
    accented_bare: frozenset[str]


def _given(text: str, prefixes: tuple[str, ...]) -> _Given:
    text = unicodedata.normalize("NFC", text).strip()
    alias = _PROVINCE_ALIASES.get(_ascii_key(text)) if prefixes is _PROVINCE_PREFIXES else None
    text = alias or text
    for pattern, replacement in _ABBREVIATIONS[prefixes]:
        text = re.sub(pattern, replacement, text, count=1, flags=re.IGNORECASE)
    folded = _fold(text)
    bares = [text]
    for prefix in prefixes:
        # Type words are matched as words ("phường bến thành"); their keys have no spaces.
        word = _TYPE_WORDS.get(prefix, prefix)
        if folded.startswith(word + " "):
            bares.append(text[len(word) + 1 :])
            break
    return _Given(
        ascii_full=_strip_zeros(_ascii_key(text)),
        ascii_bare=frozenset(_strip_zeros(_ascii_key(b)) for b in bares),
        accented_full=_strip_zeros(_accented_key(text)),
        accented_bare=frozenset(_strip_zeros(_accented_key(b)) for b in bares),
    )


EXACT = 2
"""Score of a unit written with its type word ("Phường Bến Thành"); a bare name scores 1."""


def _matches(candidate: str, given: _Given, prefixes: tuple[str, ...]) -> int:
    """3 for an accented key (names that differ only by diacritics), 2 exact, 1 without type word, 0 else."""
    accented = not candidate.isascii()
    full, bares = (given.accented_full, given.accented_bare) if accented else (given.ascii_full, given.ascii_bare)
    if not full:
        return 0
    cand = _strip_zeros(candidate)
    if full == cand:
        return EXACT + 1 if accented else EXACT
    return 1 if _strip_zeros(_strip_prefix(candidate, prefixes)) in bares else 0


# ----------------------------------------------------------------------------- data


def _admin_units_data_file() -> Path:
    spec = importlib.util.find_spec("vietnamadminunits")  # locates the package without running it
    if spec is None or not spec.submodule_search_locations:
        raise AddressDataError("thiếu gói Python «vietnamadminunits» (dữ liệu chuyển đổi địa giới 2025)")
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "converter_2025.json"
    if not path.is_file():
        raise AddressDataError(f"gói «vietnamadminunits» thiếu tệp dữ liệu {path.name}")
    return path


@dataclass(frozen=True)
class _NewUnits:
    provinces: dict[str, Province]  # code → province
    communes: dict[str, Commune]  # code → commune
    province_by_key: dict[str, Province]  # 'thanhphohanoi', 'tinhcaobang'
    commune_keys: dict[str, dict[str, list[Commune]]]  # province code → key → communes


@cache
def _new_units() -> _NewUnits:
    try:
        from vietnam_provinces import Province as VpProvince
        from vietnam_provinces import VietNamDivisionType, Ward
    except ImportError as exc:  # pragma: no cover - the dependency is declared
        raise AddressDataError("thiếu gói Python «vietnam-provinces» (danh mục đơn vị hành chính 2025)") from exc
    provinces: dict[str, Province] = {}
    by_key: dict[str, Province] = {}
    for p in VpProvince.iter_all():
        province = Province(code=f"{int(p.code):02d}", name=p.name)
        provinces[province.code] = province
        key = _ascii_key(p.name)
        by_key[("tinh" + key) if p.division_type == VietNamDivisionType.TINH else key] = province
    communes: dict[str, Commune] = {}
    keys: dict[str, dict[str, list[Commune]]] = {code: {} for code in provinces}
    for w in Ward.iter_all():
        prov = provinces[f"{int(w.province_code):02d}"]
        commune = Commune(code=f"{int(w.code):05d}", name=w.name, province_code=prov.code, province_name=prov.name)
        communes[commune.code] = commune
        table = keys[prov.code]
        table.setdefault(_ascii_key(w.name), []).append(commune)
        table.setdefault(_accented_key(w.name), []).append(commune)
    return _NewUnits(provinces, communes, by_key, keys)


@dataclass(frozen=True)
class _OldUnits:
    tree: dict[str, dict[str, set[str]]]  # old province key → district key → ward keys ('' for island districts)
    new_province: dict[str, str]  # old province key → new province key
    undivided: dict[str, str]  # 'p_d_w' → new commune key
    divided: dict[str, list[str]]  # 'p_d_w' → new commune keys


@cache
def _old_units() -> _OldUnits:
    try:
        data = json.loads(_admin_units_data_file().read_text(encoding="utf-8"))
        tree: dict[str, dict[str, set[str]]] = {}
        new_province = {old: new for new, olds in data["DICT_PROVINCE"].items() for old in olds}
        undivided: dict[str, str] = {}
        for wards in data["DICT_PROVINCE_WARD_NO_DIVIDED"].values():
            for new_key, olds in wards.items():
                for old in olds:
                    undivided[old] = new_key
        divided: dict[str, list[str]] = {}
        for wards in data["DICT_PROVINCE_WARD_DIVIDED"].values():
            for old, news in wards.items():
                divided[old] = [n["newWardKey"] for n in news]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise AddressDataError(f"không đọc được dữ liệu chuyển đổi địa giới 2025: {exc}") from exc
    for old in (*undivided, *divided):
        p, d, w = old.split("_", 2)
        tree.setdefault(p, {}).setdefault(d, set()).add(w)
    return _OldUnits(tree, new_province, undivided, divided)


# ----------------------------------------------------------------------------- lookups


def province_by_code(code: str) -> Province | None:
    return _new_units().provinces.get(code.zfill(2)) if code.isdigit() else None


def commune_by_code(code: str) -> Commune | None:
    return _new_units().communes.get(code.zfill(5)) if code.isdigit() else None


def communes_of_province(province_code: str) -> list[Commune]:
    return [c for c in _new_units().communes.values() if c.province_code == province_code.zfill(2)]


def _new_commune(province: Province, key: str) -> Commune | None:
    found = _new_units().commune_keys[province.code].get(key, [])
    return found[0] if len(found) == 1 else None


def _scored(candidates: list[str], given: str, prefixes: tuple[str, ...]) -> tuple[int, list[str]]:
    """Best score and the candidates reaching it: exact spellings win over prefix-free ones."""
    keys = _given(given, prefixes)
    scored = [(score, c) for c in candidates if (score := _matches(c, keys, prefixes))]
    if not scored:
        return 0, []
    top = max(score for score, _ in scored)
    return top, [c for score, c in scored if score == top]


def _best(candidates: list[str], given: str, prefixes: tuple[str, ...]) -> list[str]:
    return _scored(candidates, given, prefixes)[1]


def _split(text: str) -> list[str]:
    return [p.strip(" .") for p in unicodedata.normalize("NFC", text).split(",") if p.strip(" .")]


def _match_current(parts: list[str]) -> tuple[Province, Commune, str, bool] | None:
    """Post-reform reading: province, commune, street, and whether the commune had its type word."""
    if len(parts) < 2:
        return None
    units = _new_units()
    provinces = _best(list(units.province_by_key), parts[-1], _PROVINCE_PREFIXES)
    if len(provinces) != 1:
        return None
    province = units.province_by_key[provinces[0]]
    keys = list(units.commune_keys[province.code])
    score, matched = _scored(keys, parts[-2], _WARD_PREFIXES)
    communes = {c.code: c for k in matched for c in units.commune_keys[province.code][k]}
    if len(communes) != 1:
        return None
    return province, next(iter(communes.values())), ", ".join(parts[:-2]), score >= EXACT


def _match_old(parts: list[str]) -> list[tuple[str, str, str, str]]:
    """Every (province, district, ward, street) of the old units the address can be read as."""
    if len(parts) < 2:
        return []
    old = _old_units()
    found: list[tuple[str, str, str, str]] = []
    for p in _best(list(old.tree), parts[-1], _PROVINCE_PREFIXES):
        for d in _best(list(old.tree[p]), parts[-2], _DISTRICT_PREFIXES):
            wards = old.tree[p][d]
            if "" in wards and d in _ISLAND_DISTRICTS:
                found.append((p, d, "", ", ".join(parts[:-2])))
            if len(parts) >= 3:
                named = [w for w in wards if w]
                found.extend((p, d, w, ", ".join(parts[:-3])) for w in _best(named, parts[-3], _WARD_PREFIXES))
    return found


def _resolve_old(text: str, match: tuple[str, str, str, str]) -> AddressResolution:
    p, d, w, street = match
    old = _old_units()
    units = _new_units()
    province = units.province_by_key.get(old.new_province.get(p, ""))
    if province is None:
        return AddressResolution(status="unmapped", text=text)
    triple = f"{p}_{d}_{w}"
    if triple in old.undivided:
        commune = _new_commune(province, old.undivided[triple])
        if commune is not None:
            return AddressResolution(status="mapped", text=text, street=street, province=province, commune=commune)
    elif triple in old.divided:
        candidates = tuple(c for key in old.divided[triple] if (c := _new_commune(province, key)) is not None)
        if len(candidates) == 1:
            only = candidates[0]
            return AddressResolution(status="mapped", text=text, street=street, province=province, commune=only)
        return AddressResolution(
            status="needs_confirmation", text=text, street=street, province=province, candidates=candidates
        )
    return AddressResolution(status="unmapped", text=text, street=street, province=province)


def resolve_address(text: str | None, *, issued: dt.date | None = None) -> AddressResolution:
    """Province and commune, with codes, for an address printed on a card or typed by a clerk.

    ``issued`` (the card's date of issue) settles the rare text that reads both as a
    post-reform address and as an old one: cards issued from 1 July 2025 print new units.
    """
    text = unicodedata.normalize("NFC", text or "").strip()
    parts = _split(text)
    current = _match_current(parts)
    olds = _match_old(parts)
    new_card = issued is not None and issued >= REFORM_DATE
    if current is not None and (new_card or (not olds and current[3])):
        # A bare name ("Ba Đình, Hà Nội") on a card from before the reform may be an old
        # district with the ward left out: only a new card or the type word settles it.
        province, commune, street, _ = current
        return AddressResolution(status="current", text=text, street=street, province=province, commune=commune)
    if len(olds) == 1 and (current is None or (issued is not None and not new_card)):
        return _resolve_old(text, olds[0])
    if current is None and not olds:
        return AddressResolution(status="unmapped", text=text)
    # Several readings: offer every commune any of them leads to, never pick one.
    readings = [_resolve_old(text, m) for m in olds]
    if current is not None:
        readings.append(AddressResolution(status="current", text=text, province=current[0], commune=current[1]))
    candidates: dict[str, Commune] = {}
    for r in readings:
        for c in (r.commune, *r.candidates):
            if c is not None:
                candidates[c.code] = c
    provinces = {c.province_code for c in candidates.values()}
    shared = province_by_code(next(iter(provinces))) if len(provinces) == 1 else None
    if not candidates:
        return AddressResolution(status="unmapped", text=text)
    return AddressResolution(
        status="needs_confirmation", text=text, province=shared, candidates=tuple(candidates.values())
    )
