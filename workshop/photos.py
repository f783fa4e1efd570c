"""The photo pipeline: an upload becomes a stored Photo only as a clean JPEG.

The bytes are checked by content (Pillow decodes them; the name and the declared type are not
trusted), bounded in size and in pixels (a small file can decode to gigabytes), turned upright
by their EXIF orientation and re-encoded from the bare pixels, so no metadata survives: a
phone's EXIF carries where the photo was taken. Storage goes through Django's storage API, so a
local folder and an S3 bucket are the same to this code.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from accounts.models import User
from bookings.models import Booking

from .models import Photo

# What phones and desktops send; anything else is refused rather than guessed at.
READABLE_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})
# A stored photo's longest side: enough to read a scratch, not a 48-megapixel original.
MAX_EDGE = 2560
THUMBNAIL_EDGE = 480
# ISO base media brands of HEIC/HEIF (an iPhone's default), which Pillow cannot decode alone.
_HEIF_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"})


@dataclass(frozen=True)
class PreparedPhoto:
    """An upload that passed every check, re-encoded and not yet stored."""

    image: bytes
    thumbnail: bytes
    width: int
    height: int


def _refuse(message: str) -> ValidationError:
    return ValidationError({"photo": [message]})


def _is_heif(head: bytes) -> bool:
    return head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS


def _unreadable() -> ValidationError:
    return _refuse(_("This file is not a photo we can read: send a JPEG, PNG or WebP image."))


def _decode(data: bytes) -> Image.Image:
    """The decoded image, or ValidationError: checked whole (verify) and then loaded, with the
    pixel count bounded from the header before any pixel is decoded."""
    if _is_heif(data[:16]):
        raise _refuse(
            _(
                "HEIC photos cannot be read here yet: send the photo as JPEG (on an iPhone, "
                "Settings › Camera › Formats › Most Compatible)."
            )
        )
    max_pixels = settings.PHOTO_MAX_PIXELS
    try:
        with warnings.catch_warnings():
            # Pillow's own bomb guard only warns below twice its limit: ours decides.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in READABLE_FORMATS:
                    raise _unreadable()
                if probe.width * probe.height > max_pixels:
                    raise _too_many_pixels(max_pixels)
                probe.verify()
            image = Image.open(io.BytesIO(data))
            image.load()
    except Image.DecompressionBombError as error:
        raise _too_many_pixels(max_pixels) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as error:
        # Not an image, or a truncated or corrupt one (verify and load raise these).
        raise _unreadable() from error
    return image


def _too_many_pixels(max_pixels: int) -> ValidationError:
    return _refuse(
        _("This image has too many pixels: at most %(megapixels)s megapixels.")
        % {"megapixels": max_pixels // 1_000_000}
    )


def _bare_rgb(image: Image.Image) -> Image.Image:
    """Upright RGB pixels with nothing else: a new image built from the pixel data carries no
    EXIF, XMP, ICC profile or comment of the original."""
    upright = ImageOps.exif_transpose(image)
    if upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info:
        rgba = upright.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        upright = flat
    else:
        upright = upright.convert("RGB")
    return Image.frombytes("RGB", upright.size, upright.tobytes())


def _jpeg(image: Image.Image, *, quality: int) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality, optimize=True)
    return out.getvalue()


def photo_prepare(*, upload: UploadedFile) -> PreparedPhoto:
    """Check and re-encode an upload; raises ValidationError({"photo": [...]}) in the active
    language when it is too large, not an image, or an image we cannot read."""
    limit = settings.PHOTO_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise _refuse(_too_large(limit))
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise _refuse(_too_large(limit))
    try:
        clean = _bare_rgb(_decode(data))
    except ValueError as error:  # a pixel mode Pillow cannot convert to RGB
        raise _unreadable() from error
    clean.thumbnail((MAX_EDGE, MAX_EDGE))
    small = clean.copy()
    small.thumbnail((THUMBNAIL_EDGE, THUMBNAIL_EDGE))
    return PreparedPhoto(
        image=_jpeg(clean, quality=85),
        thumbnail=_jpeg(small, quality=80),
        width=clean.width,
        height=clean.height,
    )


def _too_large(limit: int) -> str:
    return _("This file is too large: at most %(limit)s.") % {"limit": filesizeformat(limit)}


def photo_save(*, booking: Booking, prepared: PreparedPhoto, actor: User | None) -> Photo:
    """Store a prepared photo for the booking (files first, then the row)."""
    photo = Photo(booking=booking, width=prepared.width, height=prepared.height, uploaded_by=actor)
    photo.image.save("photo.jpg", ContentFile(prepared.image), save=False)
    photo.thumbnail.save("photo.jpg", ContentFile(prepared.thumbnail), save=False)
    try:
        photo.save()
    except Exception:
        stored = [name for name in (photo.image.name, photo.thumbnail.name) if name]
        _delete_files(stored, photo.image.storage)
        raise
    return photo


def photo_create(*, booking: Booking, upload: UploadedFile, actor: User | None) -> Photo:
    """Check, clean and store one uploaded photo of the booking's car."""
    return photo_save(booking=booking, prepared=photo_prepare(upload=upload), actor=actor)


def photo_delete(*, photo: Photo) -> None:
    """Remove a photo; its files go once the transaction commits (workshop.signals)."""
    photo.delete()


def _delete_files(names: list[str], storage) -> None:
    for name in names:
        if name:
            storage.delete(name)
