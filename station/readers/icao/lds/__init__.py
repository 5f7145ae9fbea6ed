"""Parsers of the LDS files the station reads: EF.COM, DG1 (MRZ), DG2 (face), DG13 (Vietnamese particulars).

DG14, DG15 and EF.SOD are kept as bytes by the session and parsed by their own modules.
Every parse error is a :class:`station.readers.errors.MalformedDataError` naming the file and offset.
"""

from station.readers.icao.lds.com import EFCom
from station.readers.icao.lds.common import DG_TAGS, DataGroup, dg_number_for_tag, dg_tag
from station.readers.icao.lds.dg1 import DG1
from station.readers.icao.lds.dg2 import DG2, FaceImage, ImageType, detect_image_type
from station.readers.icao.lds.dg13 import DG13, FIELD_NAMES, NO_EXPIRY_TEXT, DG13Value, dg13_date_to_iso

__all__ = [
    "DG1",
    "DG2",
    "DG13",
    "DG_TAGS",
    "FIELD_NAMES",
    "NO_EXPIRY_TEXT",
    "DG13Value",
    "DataGroup",
    "EFCom",
    "FaceImage",
    "ImageType",
    "detect_image_type",
    "dg13_date_to_iso",
    "dg_number_for_tag",
    "dg_tag",
]
