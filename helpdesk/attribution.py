"""Which help article a new conversation follows, for the reports' "conversations started after
reading an article".

The FAQ article page notes the last article a visitor read in their session
(``faq.reading``); the pre-chat form may also post the suggestion the customer clicked
(``source_article``, filled by static/js/chat.js). The views that open conversations pass what
this module finds to ``conversation_open(source_article_id=...)``, which keeps it only if it
names a published article.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings

from faq.reading import article_last_read
from helpdesk.services.conversations import published_article_id

FORM_FIELD = "source_article"


def attribution_window() -> timedelta:
    return timedelta(minutes=settings.ARTICLE_ATTRIBUTION_MINUTES)


def source_article_for(request) -> int | None:
    """The article the customer read just before this request: the published article they
    clicked among the form's suggestions, else the last article noted in their session within
    ``ARTICLE_ATTRIBUTION_MINUTES``, else None. A forged form value is ignored."""
    if request.method == "POST" and (clicked := published_article_id(
            request.POST.get(FORM_FIELD, ""))) is not None:
        return clicked
    return article_last_read(session=request.session, within=attribution_window())
