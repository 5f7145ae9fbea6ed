from __future__ import annotations

import datetime as dt
import socket
import subprocess
import sys
from typing import Any

import pytest

from station.forms.admin_units import (
    commune_by_code,
    communes_of_province,
    province_by_code,
    resolve_address,
)


def test_the_2025_dataset_has_34_provinces_and_3321_communes() -> None:
    codes = {f"{n:02d}" for n in range(100)}
    provinces = [p for c in codes if (p := province_by_code(c)) is not None]
    assert len(provinces) == 34
    assert sum(len(communes_of_province(p.code)) for p in provinces) == 3321


@pytest.mark.parametrize(
    ("old", "province", "commune", "name"),
    [
        ("Phường Bến Thành, Quận 1, Thành phố Hồ Chí Minh", "79", "26743", "Phường Bến Thành"),
        ("Xã Sủng Là, Huyện Đồng Văn, Tỉnh Hà Giang", "08", "00733", "Xã Sà Phìn"),
        ("Thị trấn Yên Định, Huyện Hải Hậu, Tỉnh Nam Định", "37", "14215", "Xã Hải Hậu"),
        ("P. Bến Thành, Q.1, TP.HCM", "79", "26743", "Phường Bến Thành"),
    ],
)
def test_undivided_old_wards_map_with_codes(old: str, province: str, commune: str, name: str) -> None:
    r = resolve_address("Số 5 đường Lê Lợi, " + old)
    assert r.status == "mapped"
    assert r.province is not None and r.province.code == province
    assert r.commune is not None and (r.commune.code, r.commune.name) == (commune, name)
    assert r.new_text.startswith("Số 5 đường Lê Lợi, " + name)
    value = r.to_value()
    assert value["original_text"].endswith(old)
    assert value["commune_code"] == commune


def test_divided_old_ward_offers_candidates_and_picks_none() -> None:
    r = resolve_address("Số 12 ngõ 34, Phường Đội Cấn, Quận Ba Đình, Thành phố Hà Nội")
    assert r.status == "needs_confirmation"
    assert r.commune is None
    assert r.province is not None and r.province.code == "01"
    assert {(c.code, c.name) for c in r.candidates} == {("00004", "Phường Ba Đình"), ("00008", "Phường Ngọc Hà")}
    value = r.to_value()
    assert value["commune_code"] is None
    assert value["street"] == "Số 12 ngõ 34"
    assert value["text"] == value["original_text"]


def test_post_reform_address_is_looked_up() -> None:
    r = resolve_address("Thôn Lũng Cú, Xã Sà Phìn, Tỉnh Tuyên Quang")
    assert r.status == "current"
    assert r.commune is not None and r.commune.code == "00733"
    assert r.new_text == "Thôn Lũng Cú, Xã Sà Phìn, Tỉnh Tuyên Quang"


def test_bare_names_on_an_old_card_are_not_trusted() -> None:
    # "Ba Đình, Hà Nội" is both the new Phường Ba Đình and the old Quận Ba Đình with the ward left out.
    old_card = resolve_address("Tổ 3, Ba Đình, Hà Nội", issued=dt.date(2023, 1, 1))
    assert old_card.status == "needs_confirmation"
    new_card = resolve_address("Tổ 3, Ba Đình, Hà Nội", issued=dt.date(2025, 9, 1))
    assert new_card.status == "current" and new_card.commune is not None and new_card.commune.code == "00004"


def test_names_differing_only_by_tone_marks_are_kept_apart() -> None:
    giang = resolve_address("Xã Cẩm Giàng, Thành phố Hải Phòng")
    giang2 = resolve_address("Xã Cẩm Giang, Thành phố Hải Phòng")
    assert giang.commune is not None and giang2.commune is not None
    assert giang.commune.code != giang2.commune.code


@pytest.mark.parametrize("text", ["", None, "không rõ", "Số 1, Phường Không Có, Quận 99, Tỉnh Xa Lạ"])
def test_unrecognised_is_unmapped(text: str | None) -> None:
    r = resolve_address(text)
    assert r.status == "unmapped"
    assert r.commune is None and not r.candidates


def test_code_lookups() -> None:
    commune = commune_by_code("26743")
    assert commune is not None and commune.province_code == "79"
    assert commune_by_code("99999") is None
    assert commune_by_code("abc") is None
    province = province_by_code("1")
    assert province is not None and province.code == "01"


def test_mapping_never_touches_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        raise AssertionError("network access during address mapping")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    # A divided ward WITH a street: exactly what vietnamadminunits would geocode online.
    r = resolve_address("Số 12 ngõ 34 phố Đội Cấn, Phường Đội Cấn, Quận Ba Đình, Thành phố Hà Nội")
    assert r.status == "needs_confirmation"
    assert calls == []


def test_the_geocoding_library_is_never_imported() -> None:
    code = (
        "import sys\n"
        "from station.forms.admin_units import resolve_address\n"
        "r = resolve_address('Số 1, Phường Đội Cấn, Quận Ba Đình, Thành phố Hà Nội')\n"
        "assert r.status == 'needs_confirmation'\n"
        "bad = [m for m in ('geopy', 'vietnamadminunits', 'shapely') if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_every_new_commune_of_the_mapping_has_a_code() -> None:
    # Names from converter_2025.json must each find exactly one commune of vietnam-provinces
    # (which gives the codes), and together reach all 3,321.
    from station.forms.admin_units import _new_commune, _new_units, _old_units

    old, new = _old_units(), _new_units()
    reached: set[str] = set()
    pairs = [(t, [k]) for t, k in old.undivided.items()] + list(old.divided.items())
    for triple, keys in pairs:
        province = new.province_by_key[old.new_province[triple.split("_")[0]]]
        for key in keys:
            commune = _new_commune(province, key)
            assert commune is not None, (triple, key)
            reached.add(commune.code)
    assert len(old.undivided) + len(old.divided) == 10040
    assert len(old.divided) == 471
    assert len(reached) == 3321


def _legacy_wards() -> list[tuple[str, str, str, str]]:
    """Old units with their printed names, from the library's own offline table (no import of it)."""
    import importlib.util
    import sqlite3
    from pathlib import Path

    spec = importlib.util.find_spec("vietnamadminunits")
    assert spec is not None and spec.submodule_search_locations
    db = Path(next(iter(spec.submodule_search_locations))) / "data" / "dataset.db"
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        rows = conn.execute(
            "SELECT province, district, ward, provinceKey || '_' || districtKey || '_' || COALESCE(wardKey, '') "
            "FROM admin_units_legacy"
        ).fetchall()
    return [(str(p), str(d), str(w or ""), str(k)) for p, d, w, k in rows]


def test_old_addresses_as_printed_resolve_like_the_official_mapping() -> None:
    from station.forms.admin_units import _old_units

    old = _old_units()
    rows = _legacy_wards()
    assert len(rows) == 10040
    for province, district, ward, triple in rows[::20]:
        parts = [p for p in ("Thôn 1", ward, district, province) if p]
        r = resolve_address(", ".join(parts), issued=dt.date(2021, 6, 1))
        if triple in old.divided:
            assert r.status == "needs_confirmation", parts
            assert len(r.candidates) >= 2
        else:
            assert r.status == "mapped", parts
            assert r.commune is not None and r.new_text.startswith("Thôn 1, " + r.commune.name)
