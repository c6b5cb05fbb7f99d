"""Which help article a visitor read last, kept in their session.

The article page notes it (``article_read_note``); the help desk reads it back when the visitor
then opens a conversation (``article_last_read``), so the reports can tell which articles did
not answer the question. faq knows nothing of conversations: it only keeps the note.

The note is one article (the last one read) and the time it was read, in epoch seconds (the
session stores JSON). Logging in keeps it (Django's ``login`` cycles the session key but keeps
its data), so an article read before signing in still counts.
"""

from __future__ import annotations

import time
from datetime import timedelta

from faq.models import Article

SESSION_KEY = "faq_last_article"


def article_read_note(*, session, article: Article, now: float | None = None) -> None:
    """Note in ``session`` that its visitor read ``article`` (a published one) just now."""
    session[SESSION_KEY] = {"id": article.pk, "at": time.time() if now is None else now}


def article_last_read(*, session, within: timedelta, now: float | None = None) -> int | None:
    """The id of the article the visitor read last, if read within ``within``; else None.

    The id is what the session holds: whether it is still a published article is for the
    caller to check (it may have been unpublished since).
    """
    note = session.get(SESSION_KEY)
    if not isinstance(note, dict):
        return None
    article_id, read_at = note.get("id"), note.get("at")
    if (not isinstance(article_id, int) or isinstance(article_id, bool)
            or not isinstance(read_at, int | float)):
        return None
    age = (time.time() if now is None else now) - read_at
    if not 0 <= age <= within.total_seconds():
        return None
    return article_id
