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


# --- Bounded decoding (issue 12, item 9) ---------------------------------------------------------

# Runs in a fresh interpreter, so its peak resident memory (VmHWM: the high-water mark of the
# process's own memory since exec) belongs to this work alone. Pillow allocates pixels with
# malloc, which tracemalloc does not see.
_PEAK_RSS_SCRIPT = """
import re, sys
import django
django.setup()
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from orders.photos import photo_clean

def peak_kb():
    with open("/proc/self/status") as status:
        return int(re.search(r"VmHWM:\\s+(\\d+) kB", status.read()).group(1))

def peak_growth_mb(path):
    data = open(path, "rb").read()
    before = peak_kb()
    try:
        photo_clean(SimpleUploadedFile("p.png", data))
        outcome = "accepted"
    except ValidationError as exc:
        outcome = exc.code
    return outcome, (peak_kb() - before) / 1024

for path in sys.argv[1:]:  # in this order: the high-water mark only ever grows
    print(*peak_growth_mb(path))
"""


def test_a_png_bomb_is_refused_from_its_header_without_its_pixels_ever_being_allocated(
        tmp_path):
    """The 107 KB PNG of 5000 x 5000 pixels from the issue (380 MB at its peak to decode and
    re-encode before): the peak memory of a fresh process does not move. The same measurement
    does see the decode of an accepted 4000 x 4000 photo."""
    import os
    import subprocess
    import sys

    from tests.services import REPO

    bomb, control = tmp_path / "bomb.png", tmp_path / "control.png"
    Image.new("RGBA", (5000, 5000), (200, 30, 30, 255)).save(bomb)
    Image.new("RGBA", (4000, 4000), (200, 30, 30, 255)).save(control)
    assert bomb.stat().st_size < 150_000
    env = {**os.environ, "HELPDESK_READ_DOT_ENV": "false"}
    env.pop("RETURN_PHOTO_MAX_PIXELS", None)
    result = subprocess.run([sys.executable, "-c", _PEAK_RSS_SCRIPT, str(bomb), str(control)],
                            cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
                            check=True)
    (bomb_outcome, bomb_mb), (control_outcome, control_mb) = (
        line.split() for line in result.stdout.strip().split("\n")[-2:])
    assert (bomb_outcome, float(bomb_mb) < 8) == ("too_many_pixels", True), result.stdout
    # 16 megapixels at 4 bytes each: the harness does see a decode when there is one.
    assert (control_outcome, float(control_mb) > 48) == ("accepted", True), result.stdout


def _jpeg(size, **options) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, format="JPEG", **options)
    return out.getvalue()


def test_a_large_phone_jpeg_is_decoded_at_a_reduced_scale_within_the_budget(settings):
    settings.RETURN_PHOTO_MAX_PIXELS = 4096 * 4096
    clean = photo_clean(upload(_jpeg((8064, 6048))))  # a 48-megapixel phone photo
    assert (clean.width, clean.height) == (4032, 3024)
    with Image.open(clean.content) as image:
        assert image.size == (4032, 3024)


def test_a_progressive_jpeg_over_the_budget_is_refused_it_cannot_be_decoded_smaller(settings):
    settings.RETURN_PHOTO_MAX_PIXELS = 1000 * 1000
    with pytest.raises(ValidationError) as exc:
        photo_clean(upload(_jpeg((1200, 1000), progressive=True)))
    assert exc.value.code == "too_many_pixels"
    assert photo_clean(upload(_jpeg((1200, 1000)))).width == 600  # baseline: at 1/2


def test_a_webp_may_have_a_quarter_of_the_pixel_budget(settings):
    settings.RETURN_PHOTO_MAX_PIXELS = 400 * 400
    out = io.BytesIO()
    Image.new("RGB", (200, 200)).save(out, format="WEBP")
    assert photo_clean(upload(out.getvalue(), name="a.webp")).width == 200
    out = io.BytesIO()
    Image.new("RGB", (201, 200)).save(out, format="WEBP")
    with pytest.raises(ValidationError) as exc:
        photo_clean(upload(out.getvalue(), name="a.webp"))
    assert exc.value.code == "too_many_pixels"


def test_pillows_own_bomb_limit_reads_as_too_many_pixels():
    # A JPEG header claiming 20000 x 20000 pixels: Pillow refuses to open it at all.
    data = _jpeg((16, 16))
    sof = data.index(b"\xff\xc0")
    data = data[:sof + 5] + (20000).to_bytes(2, "big") * 2 + data[sof + 9:]
    with pytest.raises(ValidationError) as exc:
        photo_clean(upload(data))
    assert exc.value.code == "too_many_pixels"


def test_a_multi_picture_jpeg_from_a_phone_camera_keeps_its_first_picture():
    first, second = Image.new("RGB", (60, 40), (200, 0, 0)), Image.new("RGB", (60, 40))
    out = io.BytesIO()
    first.save(out, format="MPO", save_all=True, append_images=[second])
    clean = photo_clean(upload(out.getvalue()))
    assert (clean.content_type, clean.width) == ("image/jpeg", 60)
    with Image.open(clean.content) as image:
        assert image.format == "JPEG" and getattr(image, "n_frames", 1) == 1
        assert image.getpixel((5, 5))[0] > 180


def test_an_animated_png_keeps_only_its_first_frame():
    frames = [Image.new("RGB", (30, 30), (i * 40, 0, 0)) for i in range(5)]
    out = io.BytesIO()
    frames[0].save(out, format="PNG", save_all=True, append_images=frames[1:])
    clean = photo_clean(upload(out.getvalue(), name="a.png"))
    with Image.open(clean.content) as image:
        assert getattr(image, "n_frames", 1) == 1 and image.getpixel((1, 1))[:3] == (0, 0, 0)


def test_compressed_text_chunks_cannot_inflate_past_a_megabyte():
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    for n in range(3):  # each inflates to 900 KB from about 1 KB
        info.add_text(f"k{n}", "x" * 900_000, zip=True)
    with pytest.raises(ValidationError) as exc:
        photo_clean(upload(png_bytes(size=(10, 10), pnginfo=info), name="a.png"))
    assert exc.value.code == "invalid_image"


def test_comments_icc_profiles_and_xmp_are_not_kept():
    from PIL import ImageCms

    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    Image.new("RGB", (40, 30)).save(out, format="JPEG", icc_profile=icc,
                                    comment=b"secret-comment", xmp=b"<x>secret-xmp</x>")
    data = photo_clean(upload(out.getvalue())).content.read()
    assert b"secret-comment" not in data and b"secret-xmp" not in data
    assert icc[-200:] not in data
    out = io.BytesIO()
    Image.new("RGBA", (40, 30)).save(out, format="PNG", icc_profile=icc)
    with Image.open(photo_clean(upload(out.getvalue(), name="a.png")).content) as image:
        assert "icc_profile" not in image.info


def _photo() -> bytes:
    out = io.BytesIO()
    Image.effect_noise((1200, 1200), 40).convert("RGB").save(out, format="JPEG")
    return out.getvalue()


def test_concurrent_decodes_never_exceed_the_per_process_bound(settings, monkeypatch):
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from orders import photos

    settings.PHOTO_DECODE_CONCURRENCY = 2
    settings.PHOTO_DECODE_WAIT_SECONDS = 60
    active, peak, lock = [0], [0], threading.Lock()
    real = photos._reencode

    def counting(data, plan):  # the real decode, counted
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        try:
            return real(data, plan)
        finally:
            with lock:
                active[0] -= 1

    monkeypatch.setattr(photos, "_reencode", counting)
    data = _photo()
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: photo_clean(upload(data)), range(8)))
    assert len(results) == 8 and peak[0] == 2


def test_an_upload_that_finds_every_decode_slot_busy_is_told_to_try_again(settings,
                                                                           monkeypatch):
    import threading

    from orders import photos

    settings.PHOTO_DECODE_CONCURRENCY = 1
    settings.PHOTO_DECODE_WAIT_SECONDS = 0.2
    inside, release = threading.Event(), threading.Event()
    real = photos._reencode

    def slow(data, plan):
        inside.set()
        release.wait(10)
        return real(data, plan)

    monkeypatch.setattr(photos, "_reencode", slow)
    data = _photo()
    first = threading.Thread(target=photo_clean, args=(upload(data),))
    first.start()
    try:
        assert inside.wait(10)
        with pytest.raises(ValidationError) as exc:
            photo_clean(upload(data))
        assert exc.value.code == "busy"
        assert "Try again" in exc.value.messages[0]
    finally:
        release.set()
        first.join(10)
    monkeypatch.setattr(photos, "_reencode", real)
    assert photo_clean(upload(data)).width == 1200  # the slot came back


def test_uploads_are_throttled_per_account_and_per_address_before_decoding(settings,
                                                                           monkeypatch):
    from django.core.cache import cache

    from orders import photos

    cache.clear()
    settings.PHOTO_UPLOADS_PER_ACCOUNT, settings.PHOTO_UPLOADS_PER_IP = 2, 3
    decoded = []
    real = photos._reencode
    monkeypatch.setattr(photos, "_reencode",
                        lambda data, plan: decoded.append(1) or real(data, plan))
    data = png_bytes()
    photo_clean(upload(data, name="a.png"), account=1, ip="198.51.100.7")
    photo_clean(upload(data, name="a.png"), account=1, ip="198.51.100.7")
    with pytest.raises(ValidationError) as exc:
        photo_clean(upload(data, name="a.png"), account=1, ip="203.0.113.1")
    assert exc.value.code == "rate_limited"
    photo_clean(upload(data, name="a.png"), account=2, ip="198.51.100.7")
    with pytest.raises(ValidationError) as exc:  # the address's fourth, another account
        photo_clean(upload(data, name="a.png"), account=3, ip="198.51.100.7")
    assert exc.value.code == "rate_limited"
    assert len(decoded) == 3
    cache.clear()
