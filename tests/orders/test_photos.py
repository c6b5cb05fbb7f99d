import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from orders.photos import photo_clean
from tests.orders.conftest import png_bytes

PHP = b"<?php system($_GET['cmd']); ?>\n"


def upload(data: bytes, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_php_file_renamed_to_jpg_is_rejected():
    with pytest.raises(ValidationError) as exc:
        photo_clean(upload(PHP, name="shell.jpg"))
    assert exc.value.code == "invalid_image"


def test_real_png_is_accepted_and_reencoded_without_metadata_or_payload():
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "secret-location 55.75N 37.61E")
    original = png_bytes(size=(80, 60), pnginfo=info) + PHP  # a payload after IEND
    clean = photo_clean(upload(original, name="x.png", content_type="image/png"))
    data = clean.content.read()
    assert clean.content_type == "image/png"
    assert (clean.width, clean.height) == (80, 60)
    assert data != original
    assert b"secret-location" not in data and b"<?php" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG" and image.size == (80, 60)
        assert image.getpixel((5, 5))[:3] == (200, 30, 30)
        assert "Comment" not in image.info


def test_jpeg_exif_with_gps_is_stripped():
    image = Image.new("RGB", (40, 30), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x8825] = {1: "N", 2: (55.0, 45.0, 0.0)}  # GPS IFD
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    assert b"SpyCam" in out.getvalue()
    clean = photo_clean(upload(out.getvalue()))
    data = clean.content.read()
    assert clean.content_type == "image/jpeg"
    assert b"SpyCam" not in data and b"Exif" not in data


def test_webp_is_accepted():
    out = io.BytesIO()
    Image.new("RGB", (20, 20), (0, 200, 0)).save(out, format="WEBP")
    assert photo_clean(upload(out.getvalue(), name="a.webp")).content_type == "image/webp"


def test_gif_is_not_an_allowed_format():
    out = io.BytesIO()
    Image.new("P", (20, 20)).save(out, format="GIF")
    with pytest.raises(ValidationError):
        photo_clean(upload(out.getvalue(), name="a.jpg"))


def test_image_with_too_many_pixels_is_rejected_before_decoding(settings):
    settings.RETURN_PHOTO_MAX_PIXELS = 25_000_000
    out = io.BytesIO()
    Image.new("1", (6000, 5000)).save(out, format="PNG")  # 30 Mpx, a few KB on disk
    assert len(out.getvalue()) < settings.RETURN_PHOTO_MAX_BYTES
    with pytest.raises(ValidationError) as exc:
        photo_clean(upload(out.getvalue(), name="big.png", content_type="image/png"))
    assert exc.value.code == "too_many_pixels"


def test_file_over_the_size_limit_is_rejected(settings):
    settings.RETURN_PHOTO_MAX_BYTES = 1024 * 1024
    data = png_bytes() + b"\0" * (1024 * 1024)
    with pytest.raises(ValidationError) as exc:
        photo_clean(upload(data, name="a.png"))
    assert exc.value.code == "too_large"


def test_truncated_image_is_rejected():
    out = io.BytesIO()
    Image.effect_noise((200, 200), 50).convert("RGB").save(out, format="JPEG")
    with pytest.raises(ValidationError):
        photo_clean(upload(out.getvalue()[: len(out.getvalue()) // 2]))
