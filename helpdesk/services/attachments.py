"""Screenshots and photos sent in a chat.

An image is accepted only when Pillow recognises it from its content as JPEG, PNG or WebP,
within the byte and pixel limits, and decodes completely; what is stored is a fresh
re-encoding of its pixels (``orders.photos.photo_clean``: one implementation for the whole
product). Files are never served from a public URL: ``helpdesk.chat.views.attachment`` checks
access and sends them as an attachment-safe image with ``nosniff``.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.downloads import download_name
from helpdesk.models import Attachment, Conversation
from helpdesk.services.conversations import chat_message_send
from helpdesk.services.messages import Posted
from orders.photos import photo_clean


def attachment_post(*, conversation: Conversation, user, as_agent: bool, upload,
                    client_id: str, caption: str = "", ip: str | None = None) -> Posted:
    """Post ``upload`` (an UploadedFile) as a message with one image attachment.

    Validation happens before anything is written; the image counts against the user's and
    ``ip``'s photo throttle before it is decoded (``photo_clean``). Resending with the same
    ``client_id`` returns the first message and stores nothing new.
    """
    if upload is None:
        raise ValidationError({"file": _("Choose an image to send.")})
    if upload.size > settings.CHAT_ATTACHMENT_MAX_BYTES:
        raise ValidationError({"file": _("An image can be at most %(size)d MB.") % {
            "size": settings.CHAT_ATTACHMENT_MAX_BYTES // (1024 * 1024)}})
    try:
        clean = photo_clean(upload, account=user.pk, ip=ip)
    except ValidationError as exc:
        raise ValidationError({"file": exc.error_list}) from None  # codes kept (busy, ...)
    original = download_name(getattr(upload, "name", ""), fallback="image")
    with transaction.atomic():
        posted = chat_message_send(conversation=conversation, user=user, as_agent=as_agent,
                                   body=caption, client_id=client_id, allow_empty=True)
        if posted.created:
            assert clean.content.name is not None  # a checked upload is named
            ext = clean.content.name.rsplit(".", 1)[-1]
            clean.content.name = f"{secrets.token_hex(16)}.{ext}"
            Attachment.objects.create(
                message=posted.message, file=clean.content, original_name=original,
                content_type=clean.content_type, size=clean.content.size,
                width=clean.width, height=clean.height,
            )
    return posted
