"""The photo pipeline: only real images get in, and they get in upright and without metadata."""

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from workshop.models import Photo
from workshop.photos import photo_create, photo_delete, photo_prepare

from .images import GPS_IFD, heic_head, jpeg_bytes, png_bytes, upload


def stored(field) -> Image.Image:
    with field.open("rb") as handle:
        image = Image.open(io.BytesIO(handle.read()))
        image.load()
        return image


def refusal(data: bytes, name: str = "photo.jpg") -> str:
    with pytest.raises(ValidationError) as caught:
        photo_prepare(upload=upload(data, name))
    assert list(caught.value.message_dict) == ["photo"]
    return caught.value.message_dict["photo"][0]


def test_a_phone_photo_is_stored_as_a_jpeg_without_its_gps_or_any_metadata(visit, media_root):
    original = Image.open(io.BytesIO(jpeg_bytes(gps=True)))
    assert original.getexif().get_ifd(GPS_IFD)  # the upload does carry where it was taken

    photo = photo_create(
        booking=visit.booking, upload=upload(jpeg_bytes(gps=True)), actor=visit.advisor
    )

    image = stored(photo.image)
    assert image.format == "JPEG"
    assert dict(image.getexif()) == {}
    assert not image.getexif().get_ifd(GPS_IFD)
    assert not {"exif", "comment", "icc_profile", "xmp"} & set(image.info)
    with photo.image.open("rb") as handle:
        raw = handle.read()
    assert b"Exif" not in raw
    assert b"PhoneCo" not in raw
    assert b"taken at home" not in raw
    assert (photo.width, photo.height) == (64, 32)
    assert photo.uploaded_by == visit.advisor
    assert (media_root / photo.image.name).exists()


def test_the_stored_path_is_random_and_says_nothing_about_the_booking(visit):
    first = photo_create(booking=visit.booking, upload=upload(jpeg_bytes()), actor=visit.advisor)
    second = photo_create(booking=visit.booking, upload=upload(jpeg_bytes()), actor=visit.advisor)
    names = {first.image.name, first.thumbnail.name, second.image.name, second.thumbnail.name}
    assert len(names) == 4
    for name in names:
        assert name.startswith("workshop/photos/")
        assert name.endswith(".jpg")
        assert visit.booking.reference not in name
        assert str(first.key) not in name


@pytest.mark.parametrize(("orientation", "size"), [(1, (64, 32)), (6, (32, 64)), (8, (32, 64))])
def test_the_exif_orientation_is_applied_before_it_is_dropped(visit, orientation, size):
    photo = photo_create(
        booking=visit.booking,
        upload=upload(jpeg_bytes((64, 32), orientation=orientation)),
        actor=visit.advisor,
    )
    assert (photo.width, photo.height) == size
    assert stored(photo.image).size == size


def test_a_thumbnail_is_made_within_480_pixels(visit):
    photo = photo_create(
        booking=visit.booking, upload=upload(jpeg_bytes((1200, 900))), actor=visit.advisor
    )
    assert stored(photo.thumbnail).size == (480, 360)
    assert stored(photo.image).size == (1200, 900)


def test_a_transparent_png_becomes_an_opaque_jpeg(visit):
    photo = photo_create(
        booking=visit.booking, upload=upload(png_bytes(), "scratch.png"), actor=visit.advisor
    )
    image = stored(photo.image)
    assert (image.format, image.mode) == ("JPEG", "RGB")


def test_a_text_file_named_like_a_photo_is_refused(db):
    message = refusal(b"Dear workshop, this is not a photo at all.\n" * 10, "photo.jpg")
    assert message == "This file is not a photo we can read: send a JPEG, PNG or WebP image."


def test_a_truncated_jpeg_is_refused(db):
    data = jpeg_bytes((400, 300))
    assert "not a photo we can read" in refusal(data[: len(data) // 2])


def test_a_gif_is_refused_though_pillow_reads_it(db):
    out = io.BytesIO()
    Image.new("P", (10, 10)).save(out, format="GIF")
    assert "JPEG, PNG or WebP" in refusal(out.getvalue(), "photo.gif")


def test_a_heic_photo_is_refused_with_a_way_out(db):
    message = refusal(heic_head(), "IMG_0001.HEIC")
    assert "HEIC" in message
    assert "JPEG" in message


def test_a_file_over_the_size_limit_is_refused_before_it_is_decoded(settings):
    settings.PHOTO_MAX_BYTES = 1024
    assert refusal(b"\xff" * 1025) == "This file is too large: at most 1.0\xa0KB."


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge canvas: a decompression bomb's calling card."""
    data = bytearray(png_bytes((8, 8), mode="L"))
    header = b"IHDR" + struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = header[4:]
    data[29:33] = struct.pack(">I", zlib.crc32(header) & 0xFFFFFFFF)
    return bytes(data)


def test_a_decompression_bomb_is_refused_from_its_header(db):
    assert Image.open(io.BytesIO(_png_claiming(9000, 9000))).size == (9000, 9000)
    assert refusal(_png_claiming(9000, 9000), "bomb.png") == (
        "This image has too many pixels: at most 50 megapixels."
    )


def test_beyond_pillows_own_limit_the_answer_is_the_same(db):
    assert "too many pixels" in refusal(_png_claiming(30000, 30000), "bomb.png")


def test_deleting_a_photo_removes_its_files_once_committed(
    visit, media_root, django_capture_on_commit_callbacks
):
    photo = photo_create(booking=visit.booking, upload=upload(jpeg_bytes()), actor=visit.advisor)
    files = [media_root / photo.image.name, media_root / photo.thumbnail.name]
    with django_capture_on_commit_callbacks(execute=True):
        photo_delete(photo=photo)
    assert not Photo.objects.exists()
    assert not any(path.exists() for path in files)


def test_a_deleted_booking_takes_its_photos_files_along(
    visit, media_root, django_capture_on_commit_callbacks
):
    photo = photo_create(booking=visit.booking, upload=upload(jpeg_bytes()), actor=visit.advisor)
    path = media_root / photo.image.name
    with django_capture_on_commit_callbacks(execute=True):
        visit.booking.delete()
    assert not path.exists()
