"""QR decoder adapters behind one interface: grayscale image in, symbols' bytes out.

Each adapter hands back the symbol's bytes where its library offers them, so the text is decoded
once, by us, as UTF-8 (:mod:`text_repair`), instead of by each library's encoding guess:
zxing-cpp gives ``Barcode.bytes``; zbar gives raw bytes when its ``ZBAR_CFG_BINARY`` option is
available (zbar ≥ 0.23.1), otherwise its guessed text, which we mark so the repair step runs;
OpenCV gives text only. Instances are not thread-safe: give each worker its own.
"""

from __future__ import annotations

import contextlib
import ctypes
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from station.readers.errors import ReaderError

__all__ = [
    "DecodedSymbol",
    "DecoderUnavailableError",
    "GrayImage",
    "OpenCvDecoder",
    "QrDecoder",
    "ZbarDecoder",
    "ZxingDecoder",
    "all_decoders",
    "preload",
    "to_gray",
]

GrayImage = NDArray[np.uint8]


def preload() -> None:
    """Load zbar on the calling thread, before decode threads need it.

    pyzbar's import looks for libzbar with ``ctypes.util.find_library``, which runs ``ldconfig``;
    that fork/exec from a decode thread of a running Qt application was seen to hang the camera.
    """
    with contextlib.suppress(ImportError):
        import pyzbar.pyzbar  # noqa: F401


class DecoderUnavailableError(ReaderError):
    """A decoder library (or its native part, e.g. libzbar0) is not installed."""

    clerk_message = "Thiếu thư viện giải mã QR trên máy này. Báo cho bộ phận kỹ thuật."


@dataclass(frozen=True)
class DecodedSymbol:
    data: bytes
    decoder: str
    raw_bytes: bool
    """True when ``data`` are the symbol's own bytes; False when a library decoded text first."""
    corners: tuple[tuple[float, float], ...] = ()


class QrDecoder(Protocol):
    name: str

    def decode(self, gray: GrayImage) -> list[DecodedSymbol]: ...


def to_gray(image: NDArray[Any]) -> GrayImage:
    """Decoders work on 8-bit grayscale; camera frames arrive BGR."""
    import cv2

    if image.ndim == 2:
        return np.ascontiguousarray(image, dtype=np.uint8)
    code = cv2.COLOR_BGRA2GRAY if image.shape[2] == 4 else cv2.COLOR_BGR2GRAY
    return np.asarray(cv2.cvtColor(image, code), dtype=np.uint8)


class ZxingDecoder:
    """zxing-cpp: fast, robust to rotation and perspective; bytes via ``Barcode.bytes``."""

    name = "zxing-cpp"

    def __init__(self, *, try_harder: bool = True, binarizer: str = "LocalAverage") -> None:
        try:
            import zxingcpp
        except ImportError as exc:
            raise DecoderUnavailableError("zxing-cpp is not installed") from exc
        self._zx = zxingcpp
        self._options: dict[str, Any] = {
            "formats": zxingcpp.BarcodeFormat.QRCode,
            "try_rotate": try_harder,
            "try_downscale": try_harder,
            "try_invert": False,
            "binarizer": getattr(zxingcpp.Binarizer, binarizer),
        }

    def decode(self, gray: GrayImage) -> list[DecodedSymbol]:
        found = []
        for barcode in self._zx.read_barcodes(gray, **self._options):
            if not barcode.valid:
                continue
            pos = barcode.position
            corners = tuple(
                (float(p.x), float(p.y)) for p in (pos.top_left, pos.top_right, pos.bottom_right, pos.bottom_left)
            )
            found.append(DecodedSymbol(bytes(barcode.bytes), self.name, True, corners))
        return found


_ZBAR_QRCODE = 64
_ZBAR_CFG_ENABLE = 0
_ZBAR_CFG_BINARY = 4  # zbar.h (0.23.1+): ENABLE, ADD_CHECK, EMIT_CHECK, ASCII, BINARY
_Y800 = int.from_bytes(b"Y800", "little")


class ZbarDecoder:
    """zbar through pyzbar's ctypes bindings, with raw-bytes output switched on where zbar has it."""

    name = "pyzbar"

    def __init__(self) -> None:
        try:
            from pyzbar import wrapper
        except ImportError as exc:  # pyzbar raises ImportError when libzbar0 is missing
            raise DecoderUnavailableError(f"pyzbar/libzbar0 unavailable: {exc}") from exc
        self._w = wrapper
        self._scanner = wrapper.zbar_image_scanner_create()
        wrapper.zbar_image_scanner_set_config(self._scanner, 0, _ZBAR_CFG_ENABLE, 0)
        wrapper.zbar_image_scanner_set_config(self._scanner, _ZBAR_QRCODE, _ZBAR_CFG_ENABLE, 1)
        status = wrapper.zbar_image_scanner_set_config(self._scanner, _ZBAR_QRCODE, _ZBAR_CFG_BINARY, 1)
        self.raw_bytes: bool = status == 0

    def __del__(self) -> None:
        scanner = getattr(self, "_scanner", None)
        if scanner:
            self._w.zbar_image_scanner_destroy(scanner)

    def decode(self, gray: GrayImage) -> list[DecodedSymbol]:
        w = self._w
        height, width = gray.shape
        pixels = np.ascontiguousarray(gray).tobytes()
        image = w.zbar_image_create()
        try:
            w.zbar_image_set_format(image, _Y800)
            w.zbar_image_set_size(image, width, height)
            w.zbar_image_set_data(image, ctypes.cast(ctypes.c_char_p(pixels), ctypes.c_void_p), len(pixels), None)
            if w.zbar_scan_image(self._scanner, image) <= 0:
                return []
            found = []
            symbol = w.zbar_image_first_symbol(image)
            while symbol:
                data = ctypes.string_at(w.zbar_symbol_get_data(symbol), w.zbar_symbol_get_data_length(symbol))
                corners = tuple(
                    (float(w.zbar_symbol_get_loc_x(symbol, i)), float(w.zbar_symbol_get_loc_y(symbol, i)))
                    for i in range(w.zbar_symbol_get_loc_size(symbol))
                )
                found.append(DecodedSymbol(data, self.name, self.raw_bytes, corners))
                symbol = w.zbar_symbol_next(symbol)
            return found
        finally:
            w.zbar_image_destroy(image)


class OpenCvDecoder:
    """OpenCV's QR detector (the ArUco-based one where available: faster and more tolerant)."""

    name = "opencv"

    def __init__(self) -> None:
        import cv2

        factory = getattr(cv2, "QRCodeDetectorAruco", None) or cv2.QRCodeDetector
        self._detector = factory()

    def decode(self, gray: GrayImage) -> list[DecodedSymbol]:
        text, points, _ = self._detector.detectAndDecode(gray)
        if not text:
            return []
        corners = tuple((float(x), float(y)) for x, y in points.reshape(-1, 2)) if points is not None else ()
        return [DecodedSymbol(text.encode("utf-8"), self.name, False, corners)]


def all_decoders() -> list[QrDecoder]:
    """One instance of each decoder, best first as measured by ``python -m bench.qr_decode``."""
    return [ZxingDecoder(), ZbarDecoder(), OpenCvDecoder()]
