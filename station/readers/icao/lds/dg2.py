"""DG2: the encoded face (ICAO 9303-10 §4.7.2), as an ISO/IEC 19794-5 or 39794-5 record.

75 { 7F61 { 02 count, 7F60 { A1 header template, 5F2E (19794-5) or 7F2E (39794-5) } … } }.
The 19794-5 record is a binary layout, parsed field by field to the image; the 39794-5 one
is DER, walked to the first octet string that holds an image. Either way the image bytes
are returned untouched (they are what the SOD hash covers); :meth:`FaceImage.to_jpeg`
converts JPEG 2000 for displays and PDFs that only take JPEG.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from enum import StrEnum

from PIL import Image, UnidentifiedImageError

from station.readers.errors import MalformedDataError
from station.readers.icao.lds.common import DataGroup, dg_tag
from station.readers.icao.tlv import TLV

__all__ = ["DG2", "FaceImage", "ImageType", "detect_image_type"]

_BIOMETRIC_GROUP = 0x7F61
_BIOMETRIC_TEMPLATE = 0x7F60
_ISO19794_DATA = 0x5F2E
_ISO39794_DATA = 0x7F2E

_JPEG_MAGIC = b"\xff\xd8"
_J2K_CODESTREAM_MAGIC = b"\xff\x4f\xff\x51"
_JP2_BOX_MAGIC = b"\x00\x00\x00\x0c\x6a\x50\x20\x20"

_FAC_HEADER = 14  # "FAC\0", version, record length (4), number of images (2)
_FACE_HEADER = 20  # block length (4), feature points (2), gender … pose uncertainty
_FEATURE_POINT = 8
_IMAGE_INFO = 12  # image type, data type, width, height, colour space, source, device, quality


class ImageType(StrEnum):
    JPEG = "image/jpeg"
    JPEG2000 = "image/jp2"


def detect_image_type(data: bytes) -> ImageType | None:
    """By signature: JPEG (FFD8), JPEG 2000 codestream (FF4FFF51) or JP2 file box."""
    if data.startswith(_JPEG_MAGIC):
        return ImageType.JPEG
    if data.startswith(_J2K_CODESTREAM_MAGIC) or data.startswith(_JP2_BOX_MAGIC):
        return ImageType.JPEG2000
    return None


@dataclass(frozen=True, slots=True)
class FaceImage:
    """One face: the encoded image exactly as stored, and where it sits in DG2."""

    data: bytes = field(repr=False)
    type: ImageType
    offset: int
    width: int | None = None
    height: int | None = None
    source_format: str = "ISO/IEC 19794-5"

    def to_jpeg(self, quality: int = 90) -> bytes:
        """JPEG bytes for display: the stored bytes when already JPEG, a Pillow conversion otherwise."""
        if self.type is ImageType.JPEG:
            return self.data
        try:
            with Image.open(io.BytesIO(self.data)) as image:
                rgb = image.convert("RGB")
        except (UnidentifiedImageError, OSError, ValueError) as exc:
            raise MalformedDataError("JPEG 2000 face image does not decode", file="DG2", offset=self.offset) from exc
        out = io.BytesIO()
        rgb.save(out, format="JPEG", quality=quality)
        return out.getvalue()


def _u(data: bytes, start: int, size: int) -> int:
    return int.from_bytes(data[start : start + size], "big")


def _from_iso19794(item: TLV) -> FaceImage:
    data, base = item.value, item.value_offset
    if len(data) < _FAC_HEADER + _FACE_HEADER + _IMAGE_INFO:
        raise MalformedDataError("ISO/IEC 19794-5 record is shorter than its headers", file="DG2", offset=base)
    if data[:4] != b"FAC\x00":
        raise MalformedDataError("ISO/IEC 19794-5 record does not start with 'FAC'", file="DG2", offset=base)
    if _u(data, 12, 2) < 1:
        raise MalformedDataError("ISO/IEC 19794-5 record holds no face", file="DG2", offset=base + 12)
    face = _FAC_HEADER
    block_length = _u(data, face, 4)
    points = _u(data, face + 4, 2)
    info = face + _FACE_HEADER + points * _FEATURE_POINT
    image_start = info + _IMAGE_INFO
    block_end = face + block_length
    if block_length < image_start - face or block_end > len(data) or image_start >= block_end:
        raise MalformedDataError(
            f"face block length {block_length} does not fit the record", file="DG2", offset=base + face
        )
    image = data[image_start:block_end]
    kind = detect_image_type(image)
    if kind is None:
        raise MalformedDataError("face image is neither JPEG nor JPEG 2000", file="DG2", offset=base + image_start)
    return FaceImage(image, kind, base + image_start, _u(data, info + 2, 2), _u(data, info + 4, 2))


def _from_iso39794(item: TLV) -> FaceImage:
    """Depth-first to the first primitive value carrying an image signature."""
    stack = [item]
    while stack:
        node = stack.pop()
        if node.constructed:
            stack.extend(reversed(node.children()))
            continue
        kind = detect_image_type(node.value)
        if kind is not None:
            return FaceImage(node.value, kind, node.value_offset, source_format="ISO/IEC 39794-5")
    raise MalformedDataError("no JPEG or JPEG 2000 image in the ISO/IEC 39794-5 block", file="DG2", offset=item.offset)


class DG2(DataGroup):
    """``faces`` in the order stored; ``face`` is the first (a CCCD stores one)."""

    tag = dg_tag(2)
    label = "DG2"

    faces: tuple[FaceImage, ...]

    def _parse(self, outer: TLV) -> None:
        group = outer.require(_BIOMETRIC_GROUP, "biometric information group")
        count_item = group.require(0x02, "number of instances")
        templates = [c for c in group.children() if c.tag == _BIOMETRIC_TEMPLATE]
        count = int.from_bytes(count_item.value, "big") if count_item.value else 0
        if count != len(templates) or not templates:
            raise self._error(f"announces {count} faces but holds {len(templates)}", count_item.offset)
        faces = []
        for template in templates:
            iso5 = template.child(_ISO19794_DATA)
            if iso5 is not None:
                faces.append(_from_iso19794(iso5))
                continue
            iso39794 = template.child(_ISO39794_DATA)
            if iso39794 is None:
                raise self._error("biometric template has no 5F2E or 7F2E data block", template.offset)
            faces.append(_from_iso39794(iso39794))
        self.faces = tuple(faces)

    @property
    def face(self) -> FaceImage:
        return self.faces[0]
