"""``station qr decode`` / ``station qr parse``."""

from __future__ import annotations

import io
import json
from pathlib import Path

import cv2
import pytest

from hardware_mocks.qr_image import card_frame
from station.cli import main
from station.identity import Identity

PAYLOAD = "079203004321|Đặng Văn Thế|12112003|Nam|Tổ 3, phường Bến Thành|01072024|024813579||Đặng Văn Ước|Lê Thị Tuyết"


def test_decode_images_json_and_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "thẻ 1.png"
    cv2.imencode(".png", card_frame(PAYLOAD, rng=1))[1].tofile(str(good))
    other = tmp_path / "url.png"
    cv2.imwrite(str(other), card_frame("https://example.org", rng=2))
    bad_date = tmp_path / "bad.png"
    cv2.imwrite(str(bad_date), card_frame(PAYLOAD.replace("12112003", "31022003"), rng=3))
    not_image = tmp_path / "notes.txt"
    not_image.write_text("hello")
    missing = tmp_path / "missing.png"

    code = main(["qr", "decode", str(good), str(other), str(bad_date), str(not_image), str(missing), "--json"])
    out, err = capsys.readouterr()
    assert code == 1
    lines = out.strip().splitlines()
    assert len(lines) == 1
    identity = Identity.from_json(lines[0])
    assert identity.full_name == "Đặng Văn Thế" and identity.mother_name == "Lê Thị Tuyết"
    assert json.loads(lines[0])["source"] == "qr"
    errors = err.strip().splitlines()
    assert len(errors) == 4
    for path, line in zip([other, bad_date, not_image, missing], errors, strict=True):
        assert line.startswith(f"{path}: lỗi:")
    assert "Ngày, tháng, năm sinh" in errors[1]
    assert errors[3].endswith("không có tệp này")


def test_decode_human_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    image = tmp_path / "a.jpg"
    cv2.imwrite(str(image), card_frame(PAYLOAD, rng=4))
    assert main(["qr", "decode", str(image)]) == 0
    out = capsys.readouterr().out
    assert "Họ, chữ đệm và tên: Đặng Văn Thế" in out and "CAN: 004321" in out and "can-cuoc-2024" in out
    assert "Ngày, tháng, năm sinh: 12/11/2003" in out


def test_parse_text_and_stdin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    assert main(["qr", "parse", PAYLOAD, "--json"]) == 0
    assert Identity.from_json(capsys.readouterr().out).id_number == "079203004321"
    monkeypatch.setattr("sys.stdin", io.StringIO(PAYLOAD + "\n"))
    assert main(["qr", "parse", "-"]) == 0
    assert "Họ tên mẹ: Lê Thị Tuyết" in capsys.readouterr().out
    assert main(["qr", "parse", PAYLOAD.replace("|Nam|", "|X|")]) == 1
    assert "Giới tính" in capsys.readouterr().err
