"""The agent's search: conversations, customers, orders and returns from one box.

What is found, for a support staff member (``helpdesk.access.is_support_staff``):
- conversations they may see (``visible_conversations``) by reference, subject or the text of
  any message, internal notes included (the console shows notes to every agent);
- customers of those conversations by name, email or phone (the console reaches a customer
  through a conversation, so a customer is found when the user may see one of theirs);
- orders and returns as ``orders.access`` shows them to staff, by order number, tracking number
  or return reference.
Each result links to the console conversation where the agent acts: the conversation itself, or
for a customer, an order or a return the latest conversation about that order, else the
customer's latest conversation, that the user may see (none: shown without a link).

PostgreSQL: words go through full-text search over ``helpdesk_search_vector(text)`` (migration
0015: the 'russian' configuration, which stems Latin words as 'english' does, and Chinese runs
as their two-character pieces), served by expression GIN indexes on message bodies and
subjects: no trigger and no application code per message, the chat's fast path is unchanged
(the index's own upkeep about doubles a message INSERT's cost: tests/benchmarks/console_search).
Candidates are read newest first in slices of ids (``SLICES``), so a common word costs no more
than a rare one; visibility is then one query of ``visible_conversations``. Names, emails and
phones use pg_trgm (typos in names); misspelt words are corrected from the help center's
dictionary (``faq.search``), as the FAQ search does. SQLite: bounded substring matches over
the same fields, the same corrections.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from os.path import commonprefix

from django.contrib.auth import get_user_model
from django.contrib.postgres.lookups import TrigramWordSimilar
from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import OperationalError, connection, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Replace
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from faq.search import backend as faq_backend
from faq.search.text import (
    CJK_RUN,
    ParsedQuery,
    best_corrections,
    bigrams,
    is_cjk,
    parse_query,
    snippet,
    stem,
)
from helpdesk.access import visible_conversations
from helpdesk.models import Conversation, Message, MessageKind
from orders.access import visible_orders, visible_returns
from orders.models import Order, Shipment

MAX_QUERY_CHARS = 100
PER_KIND = 10
# Messages matched before ranking (newest first): a word in a third of all messages costs no
# more than a rare one.
CANDIDATES = 400
SNIPPET_WIDTH = 160
# Every search statement on PostgreSQL is cut off after this long (the page says so).
STATEMENT_TIMEOUT_MS = 3000
# An identifier typed or pasted: a reference, an order or tracking number.
_IDENTIFIER = re.compile(r"^[A-Za-z0-9-]{4,60}$")
_DIGITS = re.compile(r"\d")
# A reference (orders.models.make_reference: a prefix, a hyphen, random letters and digits)
# may well have no digit at all: about one in eleven of eight characters drawn from 31.
_REFERENCE = re.compile(r"^[A-Za-z]{2,4}-[A-Za-z0-9]{6,12}$")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"[\d\s()+.-]+")


class SearchError(ValueError):
    """The query cannot be searched; the message says why, in the user's language."""


@dataclass
class Hit:
    kind: str  # conversation | customer | order | return
    title: SafeString
    detail: SafeString
    url: str
    meta: str = ""
    score: float = 0.0


@dataclass
class Results:
    text: str
    query: ParsedQuery
    corrected: str = ""
    conversations: list[Hit] = field(default_factory=list)
    customers: list[Hit] = field(default_factory=list)
    orders: list[Hit] = field(default_factory=list)
    returns: list[Hit] = field(default_factory=list)

    @property
    def total(self) -> int:
        return (len(self.conversations) + len(self.customers) + len(self.orders)
                + len(self.returns))

    def as_json(self) -> dict:
        def rows(hits):
            return [{"kind": h.kind, "title": str(h.title), "detail": str(h.detail),
                     "url": h.url, "meta": h.meta} for h in hits]
        return {"query": self.text, "corrected": self.corrected,
                "conversations": rows(self.conversations), "customers": rows(self.customers),
                "orders": rows(self.orders), "returns": rows(self.returns)}


def clean_query(text: str | None) -> tuple[str, ParsedQuery]:
    """The query as searched, or ``SearchError`` with what is wrong with it."""
    text = " ".join((text or "").split())
    if not text:
        raise SearchError(_("Type a name, an email, a phone, a reference, an order or "
                            "tracking number, or words from a conversation."))
    if len(text) > MAX_QUERY_CHARS:
        raise SearchError(ngettext("The search text is too long: at most %(max)d character.",
                                   "The search text is too long: at most %(max)d characters.",
                                   MAX_QUERY_CHARS) % {"max": MAX_QUERY_CHARS})
    query = parse_query(text)
    if query.is_empty:
        raise SearchError(_("Type letters or digits to search for."))
    return text, query


def search(*, user, text: str | None) -> Results:
    """Everything ``user`` may see that matches ``text``, at most PER_KIND of each kind, best
    first. ``user`` is support staff (the caller checks)."""
    text, query = clean_query(text)
    results = Results(text=text, query=query)
    with _statement_timeout():
        visible = visible_conversations(user=user)
        conversations = _conversations(visible, query=query, text=text)
        if not conversations and "@" not in text:  # an address is not misspelt words
            corrected = _with_corrections(query)
            if corrected is not None:
                conversations = _conversations(visible, query=corrected, text="")
                if conversations:
                    results.query = query = corrected
                    results.corrected = " ".join(
                        a[1] if len(a) > 1 else a[0] for a in corrected.alternatives)
        results.conversations = conversations
        results.customers = _customers(user, visible, query=query, text=text)
        results.orders = _orders(user, visible, query=query, text=text)
        results.returns = _returns(user, visible, query=query, text=text)
    return results


@contextmanager
def _statement_timeout():
    """Every statement inside cut off after STATEMENT_TIMEOUT_MS on PostgreSQL (SET LOCAL in a
    transaction of its own); a cut-off search says so rather than failing the page."""
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(f"SET LOCAL statement_timeout = {int(STATEMENT_TIMEOUT_MS)}")
            yield
    except OperationalError as exc:
        if getattr(exc.__cause__, "sqlstate", None) != "57014":  # query_canceled
            raise
        raise SearchError(_("The search took too long. Try more precise words, a number "
                            "or a reference.")) from exc


def _with_corrections(query: ParsedQuery) -> ParsedQuery | None:
    """``query`` with each misspelt word's nearest words from the help center's dictionary."""
    words = [w for w in query.words if not is_cjk(w) and not _DIGITS.search(w)]
    if not words:
        return None
    candidates = faq_backend().similar_terms(words)
    alternatives, changed = [], False
    for word in query.words:
        known = candidates.get(word, [])
        fixes = [] if word in known else best_corrections(word, known)
        changed = changed or bool(fixes)
        alternatives.append([word, *fixes])
    return ParsedQuery(words=query.words, alternatives=alternatives) if changed else None


def _identifiers(text: str) -> list[str]:
    """The words that could be a reference or a number: words with a digit, and anything
    shaped like a reference (which may have none)."""
    return [t.upper() for t in text.split()[:8]
            if _IDENTIFIER.match(t) and (_DIGITS.search(t) or _REFERENCE.match(t))]


def _mark(text: str, query: ParsedQuery, *, width: int | None = None) -> SafeString:
    """``text`` escaped, the words of ``query`` in <mark> (faq.search.text.snippet)."""
    return snippet(text or "", query, width=width)[0]


def _mark_exact(text: str, needle: str) -> SafeString:
    """``text`` escaped with the (case-insensitive) substring ``needle`` in <mark>."""
    start = text.lower().find(needle.lower()) if needle else -1
    if start < 0:
        return escape(text)
    end = start + len(needle)
    return SafeString(f"{escape(text[:start])}<mark>{escape(text[start:end])}</mark>"
                      f"{escape(text[end:])}")


def _conversation_url(reference: str | None) -> str:
    return reverse("helpdesk_console:conversation", args=[reference]) if reference else ""


# --- conversations ----------------------------------------------------------------------------

def _tsquery_text(query: ParsedQuery) -> str:
    """Every word (any of its spellings), as a prefix; a Chinese run as its two-character
    pieces (the index's lexemes, faq.search.text.bigrams), all of them. Words are letters and
    digits only (faq.search.text.TOKEN): safe in tsquery text."""
    groups = []
    for alternatives in query.alternatives:
        parts = []
        for word in alternatives:
            if is_cjk(word):
                parts.append(f"{word}:*" if len(word) == 1 else
                             "(" + " & ".join(dict.fromkeys(bigrams(word))) + ")")
            else:
                parts.append(f"{word}:*")
        groups.append("(" + " | ".join(dict.fromkeys(parts)) + ")")
    return " & ".join(groups)


def _conversations(visible: QuerySet[Conversation], *, query: ParsedQuery,
                   text: str) -> list[Hit]:
    """Conversations by reference (first) and by words, best first. The backends name
    candidates; one query of ``visible`` keeps the user's (so the access rule stays the one in
    helpdesk.access) and reads what the results show."""
    ids = _identifiers(text)
    if connection.vendor == "postgresql":
        candidates = _conversations_pg(query=query)
    else:
        candidates = _conversations_sqlite(visible, query=query)
    if not candidates and not ids:
        return []
    found = {c.pk: c for c in visible.filter(Q(pk__in=list(candidates)) | Q(reference__in=ids))
             .select_related("customer").order_by()
             .only("reference", "subject", "topic", "status", "customer__full_name",
                   "customer__email", "customer__erased_at")}
    ranked = []
    for conv in found.values():
        score, newest, body = candidates.get(conv.pk, (0.0, 0, ""))
        if conv.reference in ids:
            score += 10.0
        ranked.append((score, newest, conv, body))
    ranked.sort(key=lambda r: (-r[0], -r[1], -r[2].pk))
    hits = []
    for score, _newest, conv, body in ranked[:PER_KIND]:
        title = SafeString(f"{_mark_exact(conv.reference, text)} · "
                           f"{_mark(conv.subject or conv.get_topic_display(), query)}")
        hits.append(Hit(
            kind="conversation", title=title,
            detail=_mark(body, query, width=SNIPPET_WIDTH) if body else SafeString(""),
            url=_conversation_url(conv.reference),
            meta=f"{conv.customer.get_full_name()} · {conv.get_status_display()}",
            score=score,
        ))
    return hits


# The message table is read newest first in slices of these fractions of its ids, each a
# bitmap AND of the search index and the primary key's range: a word in every tenth message
# stops in the first slice, a rare one reads the postings of all of them (one index scan's
# worth). Only the rows of the slices reached are read from the table.
SLICES = (0.02, 0.1, 0.4, 1.0)


def _sliced(select: str, params: list, *, id_column: str, top: int) -> tuple[str, list]:
    """``select`` (ending in a WHERE clause, with ``params``) once per slice of ids up to
    ``top``, newest first, as UNION ALL branches, with their parameters."""
    branches: list[str] = []
    all_params: list = []
    upper = None
    for fraction in SLICES:
        lower = top - int(top * fraction)
        # The newest slice has no upper bound: rows added since ``top`` was read belong to it.
        branch = f"{select} AND {id_column} > %s"
        branch_params = [*params, lower]
        if upper is not None:
            branch += f" AND {id_column} <= %s"
            branch_params.append(upper)
        branches.append(f"({branch})")
        all_params += branch_params
        upper = lower
    return "\n UNION ALL ".join(branches), all_params


_top_cache: dict[str, tuple[float, tuple]] = {}
TOP_IDS_SECONDS = 60.0


def _top_ids() -> tuple[int | None, int | None]:
    """The newest message and conversation ids, read at most once a minute per process and
    database (newer rows still fall in the newest slice, which has no upper bound)."""
    import time

    key = connection.settings_dict["NAME"]
    cached = _top_cache.get(key)
    if cached is not None and time.monotonic() - cached[0] < TOP_IDS_SECONDS:
        return cached[1]
    with connection.cursor() as cursor:
        cursor.execute("SELECT (SELECT max(id) FROM helpdesk_message),"
                       " (SELECT max(id) FROM helpdesk_conversation)")
        top = cursor.fetchone()
    if top[0] is not None:
        _top_cache[key] = (time.monotonic(), top)
    return top


Candidates = dict[int, tuple[float, int, str]]  # conversation -> (score, newest match, its text)


def _conversations_pg(*, query: ParsedQuery) -> Candidates:
    """The conversations of the newest CANDIDATES matching messages and subjects, whoever may
    see them (the caller filters). Score: a matching subject counts 3, each matching message 1
    (at most 5); the newest matching message's text is the snippet."""
    tsq = _tsquery_text(query)
    if not tsq:
        return {}
    top_message, top_conversation = _top_ids()
    if top_message is None:
        return {}
    messages, message_params = _sliced(
        "SELECT m.id, m.conversation_id, m.body FROM helpdesk_message m "
        "WHERE helpdesk_search_vector(m.body) @@ (SELECT query FROM q) AND m.kind <> %s",
        [str(MessageKind.EVENT)], id_column="m.id", top=top_message)
    subjects, subject_params = _sliced(
        "SELECT c.id FROM helpdesk_conversation c "
        "WHERE helpdesk_search_vector(c.subject) @@ (SELECT query FROM q)",
        [], id_column="c.id", top=top_conversation)
    with connection.cursor() as cursor:
        cursor.execute(f"""
            WITH q AS MATERIALIZED (SELECT to_tsquery('russian', %s) AS query),
            hits AS ({messages} LIMIT {CANDIDATES}),
            subjects AS ({subjects} LIMIT {CANDIDATES})
            SELECT conversation_id, least(count(*), 5), max(id),
                   (array_agg(body ORDER BY id DESC))[1] FROM hits
             GROUP BY conversation_id
            UNION ALL
            SELECT id, 3, 0, '' FROM subjects
        """, [tsq, *message_params, *subject_params])  # noqa: S608 - constants and our SQL
        rows = cursor.fetchall()
    found: Candidates = {}
    for conv_id, score, newest, body in rows:
        old = found.get(conv_id, (0.0, 0, ""))
        found[conv_id] = (old[0] + float(score), max(old[1], newest), old[2] or body)
    return found


def _contains(field_name: str, needle: str) -> Q:
    """``field`` contains ``needle`` whatever its case; SQLite's LIKE folds ASCII only, so a
    Cyrillic word is also tried as written at the start of a sentence and in capitals."""
    cond = Q(**{f"{field_name}__icontains": needle})
    if connection.vendor != "postgresql" and not needle.isascii():
        for variant in {needle.capitalize(), needle.upper(), needle.title()} - {needle}:
            cond |= Q(**{f"{field_name}__contains": variant})
    return cond


def _like_q(field: str, query: ParsedQuery) -> Q:
    """Every word (any spelling) somewhere in ``field``: a Chinese run as typed, a word by the
    letters it shares with its stem, so "delivered" finds "delivery" (as on PostgreSQL)."""
    cond = Q()
    for alternatives in query.alternatives:
        any_of = Q()
        for word in alternatives:
            needle = word if is_cjk(word) else commonprefix([word, stem(word)]) or word
            any_of |= _contains(field, needle)
        cond &= any_of
    return cond


def _conversations_sqlite(visible, *, query: ParsedQuery) -> Candidates:
    """The same as ``_conversations_pg`` by substring matches, among ``visible``, bounded."""
    messages = (Message.objects.filter(_like_q("body", query), conversation__in=visible)
                .exclude(kind=MessageKind.EVENT)
                .order_by("-id").values_list("conversation_id", "id", "body")[:CANDIDATES])
    found: Candidates = {}
    for conv_id, message_id, body in messages:
        score, newest, text = found.get(conv_id, (0.0, message_id, body))
        found[conv_id] = (min(score + 1.0, 5.0), newest, text)
    subjects = (visible.filter(_like_q("subject", query)).order_by("-pk")
                .values_list("pk", flat=True)[:CANDIDATES])
    for conv_id in subjects:
        score, newest, text = found.get(conv_id, (0.0, 0, ""))
        found[conv_id] = (score + 3.0, newest, text)
    return found


# --- customers, orders, returns ---------------------------------------------------------------

def _digits_of(field_name: str):
    """The field without the separators people type in phone numbers (both databases)."""
    expr = F(field_name)
    for separator in (" ", "-", "(", ")", "+", "."):
        expr = Replace(expr, Value(separator), Value(""))
    return expr


def _latest_conversation(visible, *, customer_ref: str, order_ref: str | None = None):
    """The reference of the latest visible conversation about the order, else the customer's."""
    def latest(**filters):
        return Subquery(visible.filter(**filters).order_by("-created_at", "-pk")
                        .values("reference")[:1])
    if order_ref is None:
        return latest(customer=OuterRef(customer_ref))
    return Coalesce(latest(order=OuterRef(order_ref)), latest(customer=OuterRef(customer_ref)))


CUSTOMER_CANDIDATES = 100


def _union_ids(querysets) -> list[int]:
    first, *rest = [qs.values_list("pk", flat=True) for qs in querysets]
    found = first.union(*rest) if rest else first
    return list(found[:CUSTOMER_CANDIDATES])


def _customers(user, visible, *, query: ParsedQuery, text: str) -> list[Hit]:
    if _identifiers(text) == [text.upper()] and "@" not in text and not _PHONE.fullmatch(text):
        return []  # one reference or number: no one's name, email or phone
    """Candidates by each indexed way in (email, name words, phone digits; a name's typos only
    when those find nothing), at most CUSTOMER_CANDIDATES, then the ones with a conversation
    the user may see."""
    User = get_user_model()
    postgres = connection.vendor == "postgresql"
    customers = User.objects.filter(is_staff=False).order_by()
    digits = "".join(_DIGITS.findall(text))
    phone = len(digits) >= 5 and bool(_PHONE.fullmatch(text))
    arms = [customers.filter(email=text.lower())]
    if postgres and CJK_RUN.search(text):
        # Chinese names: by their two-character pieces in a full-text index (trigrams need
        # three characters; most Chinese names have two or three).
        arms.append(customers.filter(pk__in=RawSQL(
            "SELECT id FROM accounts_user WHERE helpdesk_search_vector(full_name)"
            " @@ to_tsquery('russian', %s)", [_tsquery_text(query)])))
    elif not phone:
        # A whole address is found by the unique index; a part of one by trigrams.
        if not _EMAIL.fullmatch(text):
            arms.append(customers.filter(email__icontains=text))
        words = Q()
        for word in query.words:
            words &= _contains("full_name", word)
        arms.append(customers.filter(words))
    # A phone typed with or without spaces, dashes or brackets: its digits in the stored one's.
    elif postgres:
        arms.append(customers.filter(pk__in=RawSQL(
            "SELECT user_id FROM accounts_customerprofile"
            " WHERE helpdesk_phone_digits(phone) LIKE %s", [f"%{digits}%"])))
    else:
        arms.append(customers.annotate(phone_digits=_digits_of("customer_profile__phone"))
                    .filter(phone_digits__contains=digits))
    candidates = _union_ids(arms)
    if not candidates and postgres and not phone and not CJK_RUN.search(text):
        candidates = _union_ids([customers.filter(
            TrigramWordSimilar(F("full_name"), Value(text)))])  # typos in names
    qs = (User.objects.filter(pk__in=candidates)
          .filter(Exists(visible.filter(customer=OuterRef("pk"))))
          .annotate(latest=_latest_conversation(visible, customer_ref="pk"))
          .select_related("customer_profile"))
    if postgres:
        qs = qs.annotate(similarity=TrigramWordSimilarity(text, "full_name")).order_by(
            "-similarity", "-pk")
    else:
        qs = qs.order_by("-pk")
    hits = []
    for customer in qs[:PER_KIND]:
        profile = getattr(customer, "customer_profile", None)
        phone = profile.phone if profile is not None else ""
        detail = _mark_exact(customer.email, text)
        if phone:
            detail = SafeString(f"{detail} · {_mark_exact(phone, digits if digits in phone else text)}")
        name = customer.get_full_name()
        hits.append(Hit(kind="customer", title=_mark(name, query), detail=detail,
                        url=_conversation_url(customer.latest),
                        meta=customer.latest or ""))
    return hits


def _orders(user, visible, *, query: ParsedQuery, text: str) -> list[Hit]:
    ids = _identifiers(text)
    if not ids:
        return []
    numbers = set(ids)
    # Each number by its own unique or plain index, rather than one OR across a join.
    by_number = Order.objects.filter(number__in=numbers).order_by().values_list("pk", flat=True)
    by_tracking = (Shipment.objects.filter(tracking_number__in=numbers).order_by()
                   .values_list("order_id", flat=True))
    candidates = list(by_number.union(by_tracking)[:CANDIDATES])
    qs = (visible_orders(user=user).filter(pk__in=candidates)
          .select_related("customer")
          .annotate(latest=_latest_conversation(visible, customer_ref="customer_id",
                                                order_ref="pk"))
          .order_by("-placed_at"))
    orders = list(qs[:PER_KIND])
    tracking: dict[int, list[str]] = {}
    for order_id, number in (Shipment.objects
                             .filter(order__in=[o.pk for o in orders])
                             .values_list("order_id", "tracking_number")):
        tracking.setdefault(order_id, []).append(number)
    hits = []
    for order in orders:
        numbers_shown = [_mark_exact(t, t if t.upper() in numbers else "")
                         for t in tracking.get(order.pk, [])]
        hits.append(Hit(
            kind="order",
            title=_mark_exact(order.number, order.number if order.number.upper() in numbers
                              else ""),
            detail=SafeString(" · ".join([escape(order.customer.get_full_name()),
                                          *numbers_shown])),
            url=_conversation_url(order.latest), meta=order.get_status_display(),
        ))
    return hits


def _returns(user, visible, *, query: ParsedQuery, text: str) -> list[Hit]:
    ids = _identifiers(text)
    if not ids:
        return []
    qs = (visible_returns(user=user).filter(reference__in=ids)
          .select_related("customer", "order")
          .annotate(latest=_latest_conversation(visible, customer_ref="customer_id",
                                                order_ref="order_id"))
          .order_by("-created_at"))
    return [Hit(kind="return", title=_mark_exact(r.reference, r.reference),
                detail=SafeString(" · ".join([escape(r.customer.get_full_name()),
                                              escape(r.order.number)])),
                url=_conversation_url(r.latest), meta=r.get_status_display())
            for r in qs[:PER_KIND]]


