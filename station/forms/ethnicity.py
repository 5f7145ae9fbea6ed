"""Ethnic group of the card → MA_DANTOC code for BHXH.

Codes are those of the list of Vietnam's 54 ethnic groups issued with Quyết định
121-TCTK/PPCĐ (02/3/1979) of the Tổng cục Thống kê, which QĐ 130/QĐ-BYT (as amended by
QĐ 4750/QĐ-BYT) prescribes for MA_DANTOC; 55 and 56 are the two extra codes of the
health-insurance list. Cards print the group in many spellings ("H'Mông", "Mông",
"Khmer", "Khơ Me"...): lookup ignores case, diacritics, spaces, hyphens and apostrophes,
and a table of known alternative names covers the rest. An unknown spelling returns
None: the clerk picks the code, it is never guessed.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["ETHNIC_GROUPS", "ethnic_code", "ethnic_name", "fold"]

ETHNIC_GROUPS: dict[str, str] = {
    "01": "Kinh",
    "02": "Tày",
    "03": "Thái",
    "04": "Hoa",
    "05": "Khơ-me",
    "06": "Mường",
    "07": "Nùng",
    "08": "HMông",
    "09": "Dao",
    "10": "Gia-rai",
    "11": "Ngái",
    "12": "Ê-đê",
    "13": "Ba-na",
    "14": "Xơ-đăng",
    "15": "Sán Chay",
    "16": "Cơ-ho",
    "17": "Chăm",
    "18": "Sán Dìu",
    "19": "Hrê",
    "20": "Mnông",
    "21": "Ra-glai",
    "22": "Xtiêng",
    "23": "Bru-Vân Kiều",
    "24": "Thổ",
    "25": "Giáy",
    "26": "Cơ-tu",
    "27": "Gié-Triêng",
    "28": "Mạ",
    "29": "Khơ-mú",
    "30": "Co",
    "31": "Tà-ôi",
    "32": "Chơ-ro",
    "33": "Kháng",
    "34": "Xinh-mun",
    "35": "Hà Nhì",
    "36": "Chu-ru",
    "37": "Lào",
    "38": "La Chí",
    "39": "La Ha",
    "40": "Phù Lá",
    "41": "La Hủ",
    "42": "Lự",
    "43": "Lô Lô",
    "44": "Chứt",
    "45": "Mảng",
    "46": "Pà Thẻn",
    "47": "Cơ Lao",
    "48": "Cống",
    "49": "Bố Y",
    "50": "Si La",
    "51": "Pu Péo",
    "52": "Brâu",
    "53": "Ơ Đu",
    "54": "Rơ-măm",
    "55": "Người nước ngoài",
    "56": "Không xác định",
}

# Other names and spellings seen on cards and in registers, folded like the input.
_ALIASES: dict[str, str] = {
    "viet": "01",
    "nguoikinh": "01",
    "khmer": "05",
    "khome": "05",
    "khmerkrom": "05",
    "hmong": "08",
    "mong": "08",
    "meo": "08",
    "han": "04",
    "jrai": "10",
    "giarai": "10",
    "rhade": "12",
    "ede": "12",
    "bahnar": "13",
    "bana": "13",
    "sedang": "14",
    "caolan": "15",
    "sanchi": "15",
    "koho": "16",
    "kho": "16",
    "cham": "17",
    "mnong": "20",
    "raglai": "21",
    "stieng": "22",
    "vankieu": "23",
    "bru": "23",
    "katu": "26",
    "gietrieng": "27",
    "khmu": "29",
    "taoi": "31",
    "paco": "31",
    "chro": "32",
    "xinhmun": "34",
    "hanhi": "35",
    "churu": "36",
    "lachi": "38",
    "pathen": "46",
    "colao": "47",
    "boy": "49",
    "pupeo": "51",
    "brau": "52",
    "odu": "53",
    "romam": "54",
    "nuocngoai": "55",
}


def fold(text: str) -> str:
    """Lower-case ASCII skeleton of a name: no diacritics, spaces, hyphens or apostrophes."""
    decomposed = unicodedata.normalize("NFD", text.strip().lower()).replace("đ", "d")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]", "", stripped)


_BY_FOLDED: dict[str, str] = {fold(name): code for code, name in ETHNIC_GROUPS.items()}
_BY_FOLDED.update(_ALIASES)


def ethnic_code(name: str | None) -> str | None:
    """MA_DANTOC for an ethnic group as printed on a card, or None when not recognised."""
    if not name:
        return None
    key = fold(name)
    if key.startswith("dantoc"):
        key = key[len("dantoc") :]
    if key.isdigit():
        padded = key.zfill(2)
        return padded if padded in ETHNIC_GROUPS else None
    return _BY_FOLDED.get(key)


def ethnic_name(code: str) -> str | None:
    return ETHNIC_GROUPS.get(code)
