"""Uploads built in the test: real images made with Pillow, and files that only pretend."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

# EXIF tag numbers (TIFF/EXIF 2.3): Orientation, the GPS IFD pointer, GPSLatitude, Make.
ORIENTATION, GPS_IFD, GPS_LATITUDE, MAKE = 0x0112, 0x8825, 0x0002, 0x010F


def jpeg_bytes(
    size: tuple[int, int] = (64, 32),
    *,
    colour: tuple[int, int, int] = (200, 30, 30),
    orientation: int | None = None,
    gps: bool = False,
) -> bytes:
    """A JPEG as a phone writes one: EXIF with the camera's make, its orientation and, with
    `gps`, where it was taken (Shanghai)."""
    image = Image.new("RGB", size, colour)
    exif = Image.Exif()
    exif[MAKE] = "PhoneCo"
    if orientation is not None:
        exif[ORIENTATION] = orientation
    if gps:
        exif.get_ifd(GPS_IFD)[GPS_LATITUDE] = (31.0, 14.0, 0.0)
        exif.get_ifd(GPS_IFD)[0x0001] = "N"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes(), comment=b"taken at home")
    return out.getvalue()


def png_bytes(size: tuple[int, int] = (40, 40), *, mode: str = "RGBA") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (0, 120, 0, 128) if mode == "RGBA" else 0).save(out, format="PNG")
    return out.getvalue()


def upload(
    data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def heic_head() -> bytes:
    """The start of an iPhone's HEIC file: an ISO base media `ftyp` box of brand heic."""
    return b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64
