"""ORM statements compiled once per kind of user, their parameters filled per call.

Compiling an ORM statement cost about a quarter of the chat's CPU per message (decision 0011).
The statements the chat runs per message depend, in shape, only on the kind of user
(``shape_key``); the values (conversation, cursor, user, the start of the rate window) are
parameters. So each is compiled once from the core's own querysets (``visible_conversations``,
``messages_visible_to``, ``recent_messages_of``) with stand-in values, and the stand-ins'
positions among the parameters are filled per call (``Marked.bind``): the SQL stays the ORM's.
"""

import copy
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from types import SimpleNamespace

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Exists, OuterRef

from helpdesk.access import visible_conversations
from helpdesk.chat.consumers.chat_auth import Identity
from helpdesk.models import Attachment
from helpdesk.selectors import messages_visible_to
from helpdesk.services import messages as msg_services

# Stand-ins for the inputs of a statement while it is compiled once (in the range of every
# integer column and positive, so no lookup on an unsigned column drops them; a date no
# message has).
_SINCE = datetime(2001, 2, 3, 4, 5, 6, 789012, tzinfo=UTC)
_MARKS = {2_000_000_011: "conversation", 2_000_000_013: "cursor", 2_000_000_017: "user",
          _SINCE: "since"}
_statements = threading.local()


def shape_key(ident: Identity) -> tuple:
    """What ``visible_conversations`` and ``messages_visible_to`` branch on: agent or customer,
    and the user's active, staff and role flags. Statements are compiled once per shape."""
    user = ident.user
    key = (ident.as_agent, user.is_active, user.is_staff)
    if user.is_staff:
        key += (user.is_manager, user.is_agent)
    return key


@dataclass
class Marked:
    """An ORM statement compiled once with stand-in values, whose parameter positions are
    filled per call (``bind``); ``sql`` is None when the user may see nothing at all."""
    sql: str | None
    slots: list
    template: list
    compiler: object

    def bind(self, **values) -> tuple[str, list] | None:
        if self.sql is None:
            return None
        return self.sql, [values[slot] if slot else p
                          for slot, p in zip(self.slots, self.template, strict=True)]


def compile_marked(build, ident: Identity, alias: str, required=("conversation",)) -> Marked:
    """Compile ``build(stand_in_user, marks)`` (a queryset) for users of ``ident``'s shape.

    ``marks`` maps "conversation", "cursor", "user" and "since" to stand-in values; the
    statement is compiled for a copy of the user with the stand-in id, and the stand-ins'
    positions among the parameters become the slots ``bind`` fills.
    """
    marks = {v: k for k, v in _MARKS.items()}
    stand_in = copy.copy(ident.user)
    stand_in.pk = marks["user"]
    compiler = build(stand_in, marks).query.get_compiler(using=alias)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:  # the user may see nothing at all
        return Marked(None, [], [], compiler)
    slots = [_MARKS.get(p) if isinstance(p, int | datetime) and not isinstance(p, bool)
             else None for p in params]
    if not set(required) <= set(slots):
        raise RuntimeError("compiled chat statement: a parameter was not found")
    return Marked(sql, slots, list(params), compiler)


# --- the live delivery ------------------------------------------------------------------------

DELIVERY_COLUMNS = ("pk", "seq", "conversation__last_seq", "conversation__reference",
                    "author_role", "author_id", "author__full_name", "author__email", "kind",
                    "event", "body", "client_id", "created_at", "has_attachments",
                    "author__erased_at")


def row_frames(rows: list[tuple], upto: int) -> list[dict]:
    """Message frames from ``DELIVERY_COLUMNS`` rows with ``seq <= upto``; attachments are
    loaded (one query) only for the messages that have some."""
    from django.contrib.auth import get_user_model

    short_name = get_user_model().get_short_name
    rows = [r for r in rows if r[1] <= upto]
    files: dict[int, list] = {}
    with_files = [r[0] for r in rows if r[13]]
    if with_files:
        for a in Attachment.objects.filter(message_id__in=with_files).order_by("pk"):
            files.setdefault(a.message_id, []).append(a)
    return [
        {"type": "message", **msg_services.message_frame(
            id=pk, seq=seq, reference=reference, author_role=role,
            # the User's own rule, applied to the columns it reads
            author_name=short_name(SimpleNamespace(full_name=full_name, email=email,
                                                   erased_at=erased_at))
            if author_id is not None else "",
            kind=kind, event=event, body=body, client_id=client_id, created_at=created_at,
            attachments=files.get(pk, []))}
        for (pk, seq, _last, reference, role, author_id, full_name, email, kind, event, body,
             client_id, created_at, _files, erased_at) in rows
    ]


def delivery_queryset(user, as_agent: bool, conversation_id: int, cursor: int):
    return (
        messages_visible_to(conversation=conversation_id, as_agent=as_agent, after_seq=cursor)
        .filter(conversation__in=visible_conversations(user=user).values("pk"))
        .select_related(None).prefetch_related(None)
        .annotate(has_attachments=Exists(Attachment.objects.filter(message=OuterRef("pk"))))
        .values_list(*DELIVERY_COLUMNS)
    )


def delivery_rows(ident: Identity, conversation_id: int, cursor: int) -> list[tuple]:
    """The rows of ``delivery_queryset``, its SQL compiled once per thread and shape.
    Django's converters still run on the rows. tests/chat/test_chat_db.py checks the result
    against a freshly compiled statement for each kind of user."""
    key = (connection.alias, *shape_key(ident))
    cache = _statements.__dict__.setdefault("delivery", {})
    entry = cache.get(key)
    if entry is None:
        entry = cache[key] = compile_marked(
            lambda user, m: delivery_queryset(user, ident.as_agent, m["conversation"],
                                              m["cursor"]),
            ident, connection.alias, required=("conversation", "cursor"))
    bound = entry.bind(conversation=conversation_id, cursor=cursor, user=ident.user.pk)
    if bound is None:
        return []
    with connection.cursor() as cur:
        cur.execute(*bound)
        rows = cur.fetchall()
    return list(entry.compiler.results_iter([rows], tuple_expected=True))
