"""Checking what an uploaded photo really is, and re-encoding it.

A file is accepted only when Pillow recognises it as JPEG, PNG or WebP from its content (its
name and the browser's content type are ignored), its size and pixel count are within the
limits, and it decodes completely. What is stored is a fresh image built from the decoded
pixels: no metadata (EXIF with GPS, comments, ICC text chunks) and no bytes appended to or
hidden in the original survive.
"""

import io
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

# Pillow format name -> (content type, extension)
ALLOWED_FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}


@dataclass(frozen=True)
class CleanPhoto:
    content: ContentFile
    content_type: str
    width: int
    height: int


def _invalid() -> ValidationError:
    return ValidationError(
        _("This file is not a photo we can accept. Upload a JPEG, PNG or WebP image."),
        code="invalid_image",
    )


def photo_clean(upload) -> CleanPhoto:
    """Check ``upload`` (a Django UploadedFile) and return the re-encoded photo.

    Raises ValidationError when the file is too big, is not a JPEG, PNG or WebP image, has
    too many pixels, or does not decode.
    """
    max_bytes = settings.RETURN_PHOTO_MAX_BYTES
    max_pixels = settings.RETURN_PHOTO_MAX_PIXELS
    if upload.size > max_bytes:
        raise ValidationError(
            _("A photo can be at most %(size)d MB.") % {"size": max_bytes // (1024 * 1024)},
            code="too_large",
        )
    upload.seek(0)
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data), formats=list(ALLOWED_FORMATS)) as probe:
            fmt = probe.format
            width, height = probe.size
            # The header alone tells the size: refuse decompression bombs before decoding.
            if width * height > max_pixels:
                raise ValidationError(
                    _("This photo is too large (%(width)d × %(height)d pixels). "
                      "Upload a smaller one.") % {"width": width, "height": height},
                    code="too_many_pixels",
                )
            probe.verify()
        with Image.open(io.BytesIO(data), formats=[fmt]) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            if fmt == "JPEG":
                image = image.convert("RGB")
            elif image.mode not in ("RGB", "RGBA", "L", "LA"):
                image = image.convert("RGBA")
            # A new image from the pixels alone: no info, no EXIF, no trailing bytes.
            fresh = Image.frombytes(image.mode, image.size, image.tobytes())
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError,
            ValueError, EOFError):
        raise _invalid() from None
    content_type, ext = ALLOWED_FORMATS[fmt]
    out = io.BytesIO()
    if fmt == "JPEG":
        fresh.save(out, format="JPEG", quality=88, optimize=True)
    elif fmt == "PNG":
        fresh.save(out, format="PNG", optimize=True)
    else:
        fresh.save(out, format="WEBP", quality=88)
    return CleanPhoto(
        content=ContentFile(out.getvalue(), name=f"photo.{ext}"),
        content_type=content_type, width=fresh.width, height=fresh.height,
    )
