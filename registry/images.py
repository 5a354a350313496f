"""Uploaded images (a sign's photo, a WeChat screenshot as evidence): JPEG or PNG by
content, size- and pixel-capped, re-encoded.

A cadre's phone writes the GPS position of the committee's building (and the phone's make)
into every photo's EXIF; re-encoding from the pixels alone drops all of it. The file name
and the declared content type are ignored: Pillow reads what the bytes are. Each caller
passes its own caps (signs: ``PLAQUE_PHOTO_MAX_*``; off-platform evidence:
``EVIDENCE_MAX_*``). Files are stored privately and served only by views that check who may
see them.
"""

from __future__ import annotations

import io
import uuid
import warnings
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from registry.errors import InvalidInput

ALLOWED_FORMATS = {"JPEG", "PNG"}
# Longest side kept: enough to read a sign's text, small enough for a phone's data plan.
MAX_SIDE = 2048
THUMBNAIL_SIDE = 320


@dataclass(frozen=True)
class Photo:
    image: ContentFile
    thumbnail: ContentFile


def _refuse(message: str, code: str, field: str) -> InvalidInput:
    return InvalidInput(message, code=code, fields={field: [message]})


def _encode(image: Image.Image, side: int) -> bytes:
    copy = image.copy()
    copy.thumbnail((side, side), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    # No exif= and no icc_profile=: nothing of the original's metadata is written.
    copy.save(buffer, format="JPEG", quality=85, optimize=True)
    return buffer.getvalue()


def process(upload, *, byte_cap: int, pixel_cap: int, field: str = "photo") -> Photo:
    """The upload re-encoded as a JPEG and its thumbnail, or a 400 saying what is wrong."""
    size = getattr(upload, "size", None)
    if size is None or size > byte_cap:
        raise _refuse(
            _("The photo is larger than %(mb)s MB.") % {"mb": byte_cap // (1024 * 1024)},
            "photo_too_large",
            field,
        )
    upload.seek(0)
    data = upload.read()
    try:
        with warnings.catch_warnings():
            # Pillow's own Image.MAX_IMAGE_PIXELS guard only warns between the limit and twice
            # it: make the warning an error too. Our (lower) cap is checked from the header,
            # before any pixel is decoded; the process-wide Pillow setting is left alone.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ALLOWED_FORMATS:
                raise _refuse(
                    _("Only JPEG or PNG photos can be uploaded."), "photo_not_image", field
                )
            if image.width * image.height > pixel_cap:
                raise Image.DecompressionBombError
            image.load()
            image = ImageOps.exif_transpose(image)
            if image.mode not in ("RGB", "L"):
                # Transparent PNGs go on white, as they would look printed.
                background = Image.new("RGB", image.size, "white")
                rgba = image.convert("RGBA")
                background.paste(rgba, mask=rgba.getchannel("A"))
                image = background
            elif image.mode == "L":
                image = image.convert("RGB")
            full, thumb = _encode(image, MAX_SIDE), _encode(image, THUMBNAIL_SIDE)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(
            _("The photo has too many pixels (at most %(mp)s million).")
            % {"mp": pixel_cap // 1_000_000},
            "photo_too_large",
            field,
        ) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise _refuse(
            _("The file is not a JPEG or PNG photo, or it is damaged."), "photo_not_image", field
        ) from None
    name = uuid.uuid4().hex
    return Photo(
        image=ContentFile(full, name=f"{name}.jpg"),
        thumbnail=ContentFile(thumb, name=f"{name}-thumb.jpg"),
    )
