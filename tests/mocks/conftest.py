"""Fixtures for the virtual-card tests: a minimal reader side written here, independently.

The reader-side helpers below are deliberately small and separate from ``station.readers.icao``
(only the crypto primitives are shared), so the card is checked against the specification and
not against the station's own reader.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator

import pytest

from hardware_mocks.virtual_cccd import VirtualCCCD
from hardware_mocks.vpcd import VpcdCard
from station.identity import Identity
from station.readers.icao import crypto
from station.readers.icao.crypto import CipherKind


def _tlv(tag: int, value: bytes) -> bytes:
    tag_bytes = tag.to_bytes((tag.bit_length() + 7) // 8 or 1, "big")
    n = len(value)
    if n < 0x80:
        length = bytes((n,))
    elif n < 0x100:
        length = bytes((0x81, n))
    else:
        length = bytes((0x82,)) + n.to_bytes(2, "big")
    return tag_bytes + length + value


def _objects(data: bytes) -> dict[int, bytes]:
    out: dict[int, bytes] = {}
    i = 0
    while i < len(data):
        tag = data[i]
        i += 1
        first = data[i]
        i += 1
        if first < 0x80:
            n = first
        else:
            k = first & 0x7F
            n = int.from_bytes(data[i : i + k], "big")
            i += k
        out[tag] = data[i : i + n]
        i += n
    return out


class MiniReaderSM:
    """Reader side of 9303-11 secure messaging, in as few lines as the spec allows."""

    def __init__(self, kind: CipherKind, ks_enc: bytes, ks_mac: bytes, ssc: int) -> None:
        self.kind, self.ks_enc, self.ks_mac, self.ssc = kind, ks_enc, ks_mac, ssc
        self.block = kind.block_size

    def _ssc(self) -> bytes:
        return self.ssc.to_bytes(self.block, "big")

    def _mac(self, data: bytes) -> bytes:
        padded = crypto.iso9797_pad(self._ssc() + data, self.block)
        if self.kind is CipherKind.DES3:
            return crypto.retail_mac(self.ks_mac, padded, pad=False)
        return crypto.aes_cmac(self.ks_mac, padded)

    def _iv(self) -> bytes:
        return b"\x00" * 8 if self.kind is CipherKind.DES3 else crypto.aes_ecb_encrypt(self.ks_enc, self._ssc())

    def _enc(self, data: bytes) -> bytes:
        padded = crypto.iso9797_pad(data, self.block)
        if self.kind is CipherKind.DES3:
            return crypto.des3_cbc_encrypt(self.ks_enc, padded)
        return crypto.aes_cbc_encrypt(self.ks_enc, padded, self._iv())

    def _dec(self, data: bytes) -> bytes:
        if self.kind is CipherKind.DES3:
            return crypto.iso9797_unpad(crypto.des3_cbc_decrypt(self.ks_enc, data))
        return crypto.iso9797_unpad(crypto.aes_cbc_decrypt(self.ks_enc, data, self._iv()))

    def wrap(
        self, ins: int, p1: int, p2: int, data: bytes = b"", le: int | None = None, *, extended: bool = False
    ) -> bytes:
        self.ssc += 1
        header = bytes((0x0C, ins, p1, p2))
        body = b""
        if data:
            body += _tlv(0x85, self._enc(data)) if ins & 1 else _tlv(0x87, b"\x01" + self._enc(data))
        if le is not None:
            if extended:
                body += _tlv(0x97, (le % 65536).to_bytes(2, "big"))
            else:
                body += _tlv(0x97, bytes((le % 256,)))
        mac = self._mac(crypto.iso9797_pad(header, self.block) + body)
        body += _tlv(0x8E, mac)
        if extended:
            return header + b"\x00" + len(body).to_bytes(2, "big") + body + b"\x00\x00"
        return header + bytes((len(body),)) + body + b"\x00"

    def unwrap(self, response: bytes) -> tuple[bytes, int]:
        self.ssc += 1
        body, sw = response[:-2], int.from_bytes(response[-2:], "big")
        if not body:
            return b"", sw  # plain error: the card dropped the session
        objects = _objects(body)
        assert body[-10:-8] == b"\x8e\x08", "DO'8E' must close the response"
        mac_input = body[:-10]
        assert self._mac(mac_input) == objects[0x8E], "response MAC does not verify"
        assert int.from_bytes(objects[0x99], "big") == sw
        data = b""
        if 0x87 in objects:
            assert objects[0x87][0] == 0x01
            data = self._dec(objects[0x87][1:])
        elif 0x85 in objects:
            data = self._dec(objects[0x85])
        return data, sw


Transmit = Callable[[bytes], bytes]


def mini_bac(transmit: Transmit, mrz_information: str) -> MiniReaderSM:
    """BAC as a reader does it (9303-11 §4.3), returning the session."""
    seed = hashlib.sha1(mrz_information.encode()).digest()[:16]
    k_enc = crypto.derive_key(seed, 1, CipherKind.DES3)
    k_mac = crypto.derive_key(seed, 2, CipherKind.DES3)
    challenge = transmit(bytes.fromhex("0084000008"))
    assert challenge[-2:] == b"\x90\x00"
    rnd_ic = challenge[:8]
    rnd_ifd, k_ifd = os.urandom(8), os.urandom(16)
    e_ifd = crypto.des3_cbc_encrypt(k_enc, rnd_ifd + rnd_ic + k_ifd)
    m_ifd = crypto.retail_mac(k_mac, e_ifd)
    answer = transmit(bytes.fromhex("0082000028") + e_ifd + m_ifd + b"\x28")
    assert answer[-2:] == b"\x90\x00", answer.hex()
    e_ic, m_ic = answer[:32], answer[32:40]
    assert crypto.retail_mac(k_mac, e_ic) == m_ic
    r = crypto.des3_cbc_decrypt(k_enc, e_ic)
    assert r[:8] == rnd_ic and r[8:16] == rnd_ifd
    ks_seed = bytes(a ^ b for a, b in zip(k_ifd, r[16:32], strict=True))
    return MiniReaderSM(
        CipherKind.DES3,
        crypto.derive_key(ks_seed, 1, CipherKind.DES3),
        crypto.derive_key(ks_seed, 2, CipherKind.DES3),
        int.from_bytes(rnd_ic[4:] + rnd_ifd[4:], "big"),
    )


@pytest.fixture
def sample_identity() -> Identity:
    """The profile's MRZ example person (synthetic), with every DG13 field filled."""
    return Identity(
        id_number="001093047064",
        old_id_number="123456789",
        full_name="Ứng Hoàng Hiệp",
        date_of_birth="1993-01-05",
        sex="Nam",
        nationality="Việt Nam",
        ethnicity="Kinh",
        religion="Không",
        place_of_origin="Xã Hải Hậu, Tỉnh Ninh Bình",
        place_of_residence="Tổ 5, Phường Ba Đình, Thành phố Hà Nội",
        identifying_marks="Nốt ruồi C:1cm trên trước đầu lông mày trái",
        date_of_issue="2021-04-10",
        date_of_expiry="2033-01-05",
        father_name="Ứng Văn Hùng",
        mother_name="Trần Thị Lan",
        spouse_name="Lê Thị Thủy",
        source="manual",
    )


@pytest.fixture(scope="session")
def mock_pki(tmp_path_factory: pytest.TempPathFactory) -> object:
    """One test PKI for the session (generating keys is the slow part of personalisation)."""
    from hardware_mocks import pki

    return pki.load_or_create(tmp_path_factory.mktemp("pki"))


@pytest.fixture
def card(sample_identity: Identity, mock_pki: object) -> VirtualCCCD:
    return VirtualCCCD.from_identity(sample_identity, pki=mock_pki)


@pytest.fixture
def running_card(card: VirtualCCCD, pcscd: None, vpcd_port: int) -> Iterator[VpcdCard]:
    runner = VpcdCard(card, port=vpcd_port, reinsert_delay=0.3)
    runner.start()
    assert runner.wait_connected(10), f"the virtual card could not reach vpcd on port {vpcd_port}"
    yield runner
    runner.stop()


@pytest.fixture
def mini_reader() -> tuple[type[MiniReaderSM], Callable[[Transmit, str], MiniReaderSM]]:
    return MiniReaderSM, mini_bac
