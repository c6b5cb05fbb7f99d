"""Checking what an uploaded photo really is, and re-encoding it: the one implementation for
return photos, chat images and images arriving by email.

A file is accepted only when Pillow recognises it as JPEG, PNG or WebP from its content (its
name and the browser's content type are ignored), its size and pixel count are within the
limits, and it decodes completely. What is stored is a fresh encoding of the decoded pixels: no
metadata (EXIF with GPS, comments, ICC and XMP, text chunks) and no bytes appended to or hidden
in the original survive.

Decoding is what costs memory (a 107 KB PNG of 5000 x 5000 pixels took 380 MB), so everything
that can refuse a file does so before any pixel is decoded, in this order: the byte size, the
uploader's throttle (``photo_upload_throttle``), the header (``_plan``: format, pixel count,
and for a large JPEG the scale libjpeg may decode it at), then a slot among the process's
``PHOTO_DECODE_CONCURRENCY`` concurrent decodes (waiting at most ``PHOTO_DECODE_WAIT_SECONDS``).

The pixel budget (``RETURN_PHOTO_MAX_PIXELS``, 16.8 megapixels: 4096 x 4096) is what one decode
may produce. A phone's usual 12-megapixel photo (4032 x 3024) and a screenshot of any screen up
to 5K fit. Larger phone photos (24, 48, 50 or 200 megapixels) are JPEGs whose single sequential
scan libjpeg can decode at 1/2, 1/4 or 1/8 of their size, and so they are, never allocating more
than the budget. A progressive or multi-scan JPEG cannot be decoded that way (libjpeg holds the
coefficients of the whole image), nor can PNG or WebP: those must fit the budget as they are.
Only the first picture of an animated PNG or WebP, or of a multi-picture JPEG (MPO, which many
phone cameras write), is decoded and kept.
"""

import io
import logging
import threading
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, PngImagePlugin, UnidentifiedImageError

from accounts.throttles import Limit, throttle_any

logger = logging.getLogger(__name__)

# Pillow format name -> (content type, extension). MPO is a JPEG with further pictures
# appended (depth maps, previews): its first picture is an ordinary JPEG.
ALLOWED_FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "MPO": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}
JPEG_SCALES = (1, 2, 4, 8)  # the reductions libjpeg applies while decoding (Pillow's draft)

# A PNG's compressed text chunks are inflated when it is opened, before its size is known;
# Pillow allows 64 MB of them per image by default. None of them is kept.
PngImagePlugin.MAX_TEXT_MEMORY = 1024 * 1024


@dataclass(frozen=True)
class CleanPhoto:
    content: ContentFile
    content_type: str
    width: int
    height: int


@dataclass(frozen=True)
class _Plan:
    format: str
    width: int
    height: int
    scale: int  # decode at 1/scale (JPEG only)


def _invalid() -> ValidationError:
    return ValidationError(
        _("This file is not a photo we can accept. Upload a JPEG, PNG or WebP image."),
        code="invalid_image",
    )


def photo_upload_throttle(*, account, ip: str | None) -> None:
    """Count one image from ``account`` (a user id) and ``ip``; ValidationError
    ``rate_limited`` when either is over its limit (``PHOTO_UPLOADS_PER_ACCOUNT`` and
    ``PHOTO_UPLOADS_PER_IP`` per ``PHOTO_UPLOADS_WINDOW_SECONDS``)."""
    window = settings.PHOTO_UPLOADS_WINDOW_SECONDS
    if throttle_any(
        scope="photo_upload",
        idents={"account": str(account or ""), "ip": ip or ""},
        limits={"account": Limit(settings.PHOTO_UPLOADS_PER_ACCOUNT, window),
                "ip": Limit(settings.PHOTO_UPLOADS_PER_IP, window)},
    ):
        raise ValidationError(
            _("You have sent many photos in a short time. Wait a few minutes, then try "
              "again."),
            code="rate_limited",
        )


def _too_many_pixels(width: int | None = None, height: int | None = None) -> ValidationError:
    if width is None:
        message = _("This photo has too many pixels. Upload a smaller one.")
    else:
        message = (_("This photo is too large (%(width)d × %(height)d pixels). "
                     "Upload a smaller one.") % {"width": width, "height": height})
    return ValidationError(message, code="too_many_pixels")


def _jpeg_single_scan(data: bytes) -> bool:
    """Whether the JPEG in ``data`` is sequential with all its components in its first scan,
    the one kind libjpeg decodes row by row (and so at a reduced scale without holding the
    whole image). Reads the markers up to the first scan's header, nothing else."""
    pos, components, sequential = 2, None, False
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return False
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        length = int.from_bytes(data[pos + 2:pos + 4], "big")
        if marker in (0xC0, 0xC1):  # baseline or extended sequential, Huffman-coded
            sequential = True
            components = data[pos + 9] if pos + 9 < len(data) else None
        elif 0xC2 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            return False  # progressive, lossless, hierarchical or arithmetic-coded
        elif marker == 0xDA:  # start of scan: how many components it holds
            return (sequential and components is not None and pos + 4 < len(data)
                    and data[pos + 4] == components)
        pos += 2 + length
    return False


def _plan(data: bytes) -> _Plan:
    """Read the header only (Pillow opens lazily) and decide how to decode, or refuse."""
    max_pixels = settings.RETURN_PHOTO_MAX_PIXELS
    try:
        probe = Image.open(io.BytesIO(data), formats=["JPEG", "PNG", "WEBP"])
    except Image.DecompressionBombError:  # Pillow's own check, past 179 megapixels
        raise _too_many_pixels() from None
    with probe:
        fmt = probe.format
        if fmt not in ALLOWED_FORMATS:
            raise _invalid()
        width, height = probe.size
        if fmt == "WEBP":
            # Pillow decodes every WebP through libwebp's animation decoder, which holds two
            # RGBA canvases besides the image: four times the memory of a PNG per pixel.
            max_pixels //= 4
        scale = 1
        if width * height > max_pixels:
            fits = [s for s in JPEG_SCALES
                    if -(-width // s) * -(-height // s) <= max_pixels]
            if fmt not in ("JPEG", "MPO") or not fits or not _jpeg_single_scan(data):
                raise _too_many_pixels(width, height)
            scale = fits[0]
        probe.verify()
    return _Plan(fmt, width, height, scale)


_slots: tuple[int, threading.BoundedSemaphore] | None = None
_slots_lock = threading.Lock()


def _semaphore() -> threading.BoundedSemaphore:
    global _slots
    size = max(1, settings.PHOTO_DECODE_CONCURRENCY)
    with _slots_lock:
        if _slots is None or _slots[0] != size:
            _slots = (size, threading.BoundedSemaphore(size))
        return _slots[1]


@contextmanager
def _decode_slot():
    """Hold one of the process's decode slots; ValidationError ``busy`` when none frees up
    within ``PHOTO_DECODE_WAIT_SECONDS``. Views run in a thread each (Django under ASGI),
    so waiting here blocks only the request that waits."""
    slots = _semaphore()
    if not slots.acquire(timeout=max(0.0, settings.PHOTO_DECODE_WAIT_SECONDS)):
        logger.info("photo refused: all %d decode slots busy", settings.PHOTO_DECODE_CONCURRENCY)
        raise ValidationError(
            _("We are processing many photos right now. Try again in a minute."), code="busy")
    try:
        yield
    finally:
        slots.release()


def _reencode(data: bytes, plan: _Plan) -> tuple[bytes, int, int]:
    """The first picture's pixels, upright, encoded afresh in the same format without any
    metadata; with its width and height."""
    with Image.open(io.BytesIO(data), formats=["JPEG", "PNG", "WEBP"]) as image:
        if plan.scale > 1:
            image.draft(None, (plan.width // plan.scale, plan.height // plan.scale))
        if image.size[0] * image.size[1] > settings.RETURN_PHOTO_MAX_PIXELS:
            raise _too_many_pixels(plan.width, plan.height)  # the draft did not take
        image.load()
        ImageOps.exif_transpose(image, in_place=True)
        pixels = image
        jpeg = plan.format in ("JPEG", "MPO")
        if pixels.mode not in (("RGB", "L") if jpeg else ("RGB", "RGBA", "L", "LA")):
            alpha = "A" in pixels.mode or "transparency" in pixels.info
            pixels = pixels.convert("RGBA" if alpha and not jpeg else "RGB")
        # Saving reads comments, ICC profiles and transparency from ``info``: with it empty
        # only the pixels are written (cheaper than copying them into a new image).
        pixels.info = {}
        out = io.BytesIO()
        if jpeg:
            # No optimize: libjpeg would buffer the whole image's coefficients for it.
            pixels.save(out, format="JPEG", quality=88)
        elif plan.format == "PNG":
            pixels.save(out, format="PNG")
        else:
            pixels.save(out, format="WEBP", quality=88)
        return out.getvalue(), pixels.width, pixels.height


def photo_clean(upload, *, account=None, ip: str | None = None) -> CleanPhoto:
    """Check ``upload`` (a Django UploadedFile) and return the re-encoded photo.

    ``account`` (the uploader's user id) and ``ip`` are throttled before the file is read
    (``photo_upload_throttle``); mail, which has neither, is throttled by sender instead.
    Raises ValidationError when the file is too big, its uploader is over the limit, it is not
    a JPEG, PNG or WebP image, has too many pixels, does not decode, or when all decode slots
    stay busy.
    """
    max_bytes = settings.RETURN_PHOTO_MAX_BYTES
    if upload.size > max_bytes:
        raise ValidationError(
            _("A photo can be at most %(size)d MB.") % {"size": max_bytes // (1024 * 1024)},
            code="too_large",
        )
    if account is not None or ip:
        photo_upload_throttle(account=account, ip=ip)
    upload.seek(0)
    data = upload.read()
    try:
        plan = _plan(data)
        with _decode_slot():
            encoded, width, height = _reencode(data, plan)
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError,
            ValueError, EOFError, MemoryError):
        raise _invalid() from None
    content_type, ext = ALLOWED_FORMATS[plan.format]
    return CleanPhoto(
        content=ContentFile(encoded, name=f"photo.{ext}"),
        content_type=content_type, width=width, height=height,
    )
