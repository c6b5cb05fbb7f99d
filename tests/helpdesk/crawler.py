"""A small same-site crawler for the every-page test (tests/helpdesk/test_every_page.py).

It opens pages with Django's test client as one signed-in user (GET only), follows the links,
image sources, ``data-*-url`` attributes and GET forms it finds, and records every answer.
A page is a failure when it answers 5xx or raises, including while a streamed body (a CSV
export) is being read. Each page runs in a savepoint that is rolled back, so every page sees the
same data and a failed statement on PostgreSQL cannot poison the pages after it.
"""

import functools
import json
import time
import traceback
from collections import Counter, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from django.conf import settings
from django.contrib.admin.utils import quote
from django.db import models, transaction
from django.db.models import Case, Q, Value, When
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404

REPO = Path(__file__).resolve().parents[2]

# Never opened: a GET here would end the session the crawl runs in.
NEVER_OPEN_NAMES = {"logout"}
# Left out of a page's identity, so "the login page with next=/x/" is one page, not one per x.
IGNORED_PARAMS = {"next", "_changelist_filters", "csrfmiddlewaretoken"}
# A word the demo's FAQ, orders and conversations contain, for search boxes.
SEARCH_TERM = "order"


@dataclass(frozen=True)
class Route:
    """A URL pattern as the resolver knows it (``name`` with namespaces, ``route`` its text)."""

    name: str
    route: str


@functools.lru_cache(maxsize=20000)
def route_of(path: str) -> Route | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return Route(match.view_name or "", match.route)


def url_patterns() -> list[tuple[Route, bool]]:
    """Every pattern of the URL conf, each with whether it takes parameters."""
    found: list[tuple[Route, bool]] = []

    def walk(patterns, prefix: str, namespace: str, params: bool) -> None:
        for p in patterns:
            # As ResolverMatch.route joins them, so the two can be compared.
            text = prefix + str(p.pattern).removeprefix("^") if prefix else str(p.pattern)
            has_params = params or bool(p.pattern.regex.groupindex) or "<" in str(p.pattern)
            if isinstance(p, URLResolver):
                ns = namespace
                if p.namespace:
                    ns = f"{namespace}{p.namespace}:"
                walk(p.url_patterns, text, ns, has_params)
            elif isinstance(p, URLPattern):
                name = f"{namespace}{p.name}" if p.name else ""
                found.append((Route(name, text), has_params))

    walk(get_resolver().url_patterns, "", "", False)
    return found


def parameterless_urls() -> list[str]:
    """The URL of every named pattern that takes no parameters."""
    urls = []
    for route, has_params in url_patterns():
        if has_params or not route.name or route.name.split(":")[-1] in NEVER_OPEN_NAMES:
            continue
        try:
            urls.append(reverse(route.name))
        except Exception:  # noqa: BLE001,S112 - a pattern that reverses only with arguments
            continue
    return urls


class _Links(HTMLParser):
    """Collect what a browser would open from a page without running its script."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self._form: dict | None = None
        self._json: list[str] | None = None

    def handle_data(self, data):
        if self._json is not None:
            self._json.append(data)

    def _json_urls(self, value) -> None:
        """The URLs a page's script reads from its JSON data (``json_script``)."""
        if isinstance(value, dict):
            for key, item in value.items():
                if (key == "url" or key.endswith("_url")) and isinstance(item, str):
                    self.urls.append(item)
                else:
                    self._json_urls(item)
        elif isinstance(value, list):
            for item in value:
                self._json_urls(item)

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "script" and a.get("type") == "application/json":
            self._json = []
        if tag == "a" and a.get("href"):
            self.urls.append(a["href"])
        elif tag in ("img", "iframe") and a.get("src"):
            self.urls.append(a["src"])
        for key, value in a.items():
            if key.startswith("data-") and key.endswith("-url") and value.startswith("/"):
                self.urls.append(value)
        if a.get("data-ajax--url") and a.get("data-app-label"):
            # Django's autocomplete widget: the script asks this URL with these parameters.
            query = {"app_label": a["data-app-label"], "model_name": a.get("data-model-name", ""),
                     "field_name": a.get("data-field-name", ""), "term": ""}
            self.urls.append(f"{a['data-ajax--url']}?{urlencode(query)}")
        if tag == "form":
            if a.get("method", "get").lower() == "get":
                self._form = {"action": a.get("action", ""), "fields": []}
            else:
                # Opened with GET too: a page that takes POST answers 405 or shows its form.
                self.urls.append(a.get("action") or ".")
                self._form = None
        elif self._form is not None and tag in ("input", "select", "textarea"):
            kind = a.get("type", "text").lower()
            name = a.get("name")
            if not name or kind in ("submit", "button", "image", "file", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            value = a.get("value", "")
            if tag == "select":
                self._form["fields"].append([name, None])  # the first option, below
                return
            if not value and kind in ("text", "search") or tag == "textarea":
                value = SEARCH_TERM
            self._form["fields"].append([name, value])
        elif self._form is not None and tag == "option":
            fields = self._form["fields"]
            if fields and fields[-1][1] is None:
                fields[-1][1] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "script" and self._json is not None:
            try:
                self._json_urls(json.loads("".join(self._json)))
            except ValueError:
                pass
            self._json = None
        if tag == "form" and self._form is not None:
            query = urlencode([(k, v or "") for k, v in self._form["fields"]])
            self.urls.append(f"{self._form['action'] or '.'}?{query}")
            self._form = None


def links_of(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    parser.close()
    return parser.urls


def normalize(url: str, base: str) -> str | None:
    """The same-site URL a link points to, without fragment and ignored parameters; None for
    another site, a static file, or a page never opened."""
    full = urljoin(base, url)
    parts = urlsplit(full)
    if parts.scheme not in ("http", "https", "") or parts.netloc not in ("", "testserver"):
        return None
    path = parts.path or "/"
    if path.startswith(settings.STATIC_URL):
        return None
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if k not in IGNORED_PARAMS]
    route = route_of(path)
    if route is not None and route.name.split(":")[-1] in NEVER_OPEN_NAMES:
        return None
    return path + ("?" + urlencode(query) if query else "")


def identity(url: str) -> str:
    """What makes two URLs the same page for the crawl: sorting a change list by a column is
    one page whichever direction and secondary columns the link carries."""
    parts = urlsplit(url)
    query = []
    for key, value in sorted(parse_qsl(parts.query, keep_blank_values=True)):
        if key == "o":
            value = value.split(".")[0].lstrip("-")
        query.append((key, value))
    return parts.path + ("?" + urlencode(query) if query else "")


def route_key(url: str) -> tuple:
    """The pattern a URL belongs to and the names of its parameters."""
    parts = urlsplit(url)
    route = route_of(parts.path)
    keys = tuple(sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)}))
    return (route.route if route else parts.path, keys)


def where(exc: BaseException) -> str:
    """Where it raised: the innermost template line being rendered, else the innermost frame
    of the project's own code."""
    template = ""
    tb = exc.__traceback__
    while tb is not None:
        node = tb.tb_frame.f_locals.get("self")
        origin, token = getattr(node, "origin", None), getattr(node, "token", None)
        if origin is not None and token is not None and getattr(origin, "name", None):
            name = str(origin.name)
            template = f"{name.removeprefix(str(REPO) + '/')}:{token.lineno}"
        tb = tb.tb_next
    if template:
        return f" at {template}"
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if f.filename.startswith(str(REPO)) and "/.venv/" not in f.filename]
    if not ours:
        return ""
    return f" at {Path(ours[-1].filename).relative_to(REPO)}:{ours[-1].lineno}"


@dataclass
class Visit:
    url: str
    status: int
    route: tuple
    error: str = ""
    seconds: float = 0.0
    via: str = ""  # the page that linked here; empty for a seed


@dataclass
class CrawlResult:
    role: str
    visits: dict[str, Visit] = field(default_factory=dict)

    @property
    def failures(self) -> list[str]:
        return [f"{self.role}: GET {v.url} -> {v.status}{' ' + v.error if v.error else ''}"
                for v in self.visits.values() if v.status >= 500 or v.error]

    @property
    def broken_links(self) -> list[str]:
        """Links that lead this role to a page that does not exist."""
        return [f"{self.role}: {v.via} links to {v.url} -> {v.status}"
                for v in self.visits.values() if v.via and v.status in (404, 410)]

    def answered(self, status: int = 200) -> list[Visit]:
        return [v for v in self.visits.values() if v.status == status]


def open_page(client: Client, url: str, *, secure: bool) -> tuple[int, str, str]:
    """GET ``url`` in a savepoint that is rolled back; return status, body text and error."""
    error = ""
    body = ""
    with transaction.atomic():
        response = client.get(url, secure=secure)
        status = response.status_code
        if response.exc_info:
            exc = response.exc_info[1]
            error = f"{type(exc).__name__}: {str(exc)[:300]}{where(exc)}"
        try:
            if response.streaming:
                data = b"".join(response.streaming_content)
            else:
                data = response.content
            content_type = response.get("Content-Type", "")
            if "html" in content_type:
                body = data.decode(response.charset or "utf-8")
            elif "json" in content_type and status == 200:
                json.loads(data)
        except Exception as exc:  # noqa: BLE001 - the failure is what we report
            error = error or f"{type(exc).__name__} while reading the body: {exc}{where(exc)}"
        if 300 <= status < 400:
            body = f'<a href="{response.get("Location", "")}"></a>'
        transaction.set_rollback(True)
    return status, body, error


def crawl(client: Client, *, role: str, seeds: list[str], cap, secure: bool,
          limit: int = 5000) -> CrawlResult:
    """Open the seeds and everything linked from them (same site, GET only).

    ``cap(key, is_seed)`` says how many pages to open of one pattern and set of parameter
    names (``route_key``), and, for the key ``(route, "?")``, of one pattern with any query
    string; None for all. A link with a query string found on a page of the same path that has
    one is not followed: filters, sorting, search and paging are opened one level deep.
    """
    result = CrawlResult(role)
    queue: deque[tuple[str, str]] = deque((url, "") for url in seeds)
    seen: set[str] = set()
    opened: Counter = Counter()
    while queue and len(result.visits) < limit:
        url, via = queue.popleft()
        is_seed = not via
        ident = identity(url)
        if ident in seen:
            continue
        key = route_key(url)
        keys = [key, (key[0], "?")] if "?" in url else [key]
        if any((n := cap(k, is_seed)) is not None and opened[k] >= n for k in keys):
            continue
        seen.add(ident)
        opened.update(keys)
        started = time.perf_counter()
        status, body, error = open_page(client, url, secure=secure)
        result.visits[ident] = Visit(url, status, key, error, time.perf_counter() - started,
                                     via)
        if not body:
            continue
        has_query = "?" in url
        for link in links_of(body):
            target = normalize(link, "http://testserver" + url)
            if target is None or identity(target) in seen:
                continue
            if has_query and "?" in target and urlsplit(target).path == urlsplit(url).path:
                continue
            queue.append((target, url))
    return result


# --- the admin's objects --------------------------------------------------------------------


def shape_sample(queryset, *, cap: int, prefer: Q | None = None) -> list:
    """Primary keys of ``queryset`` that cover its shapes: one object per value of every
    choice and boolean field, with and without every nullable field and every reverse
    relation, plus the first and the last; at most ``cap``. Among the objects of one shape,
    those matching ``prefer`` are taken first."""
    qs = queryset
    order = ["pk"]
    if prefer is not None:
        qs = qs.annotate(_preferred=Case(When(prefer, then=Value(0)), default=Value(1)))
        order = ["_preferred", "pk"]
    qs = qs.order_by(*order)
    model = qs.model
    picks: list = []

    def add(subset):
        pk = subset.values_list("pk", flat=True).first()
        if pk is not None and pk not in picks:
            picks.append(pk)

    add(qs)
    add(qs.reverse())
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        if f.choices or isinstance(f, models.BooleanField):
            values = queryset.order_by().values_list(f.attname, flat=True).distinct()[:20]
            for value in values:
                add(qs.filter(**{f.attname: value}))
        if f.null:
            for isnull in (True, False):
                add(qs.filter(**{f"{f.attname}__isnull": isnull}))
    for rel in model._meta.related_objects:
        if rel.hidden:
            continue
        for isnull in (False, True):
            add(qs.filter(**{f"{rel.name}__isnull": isnull}))
    return picks[:cap]


def admin_urls(user, *, cap: int) -> list[str]:
    """For every registered model: its change list and add page, the change (or view) page
    of a shape sample of the objects the admin lists for ``user``, and every other page of
    the model's admin that takes only an object id (history, delete, custom views) for the
    first of them. Pages ``user`` may not open are included: they must refuse."""
    from django.contrib import admin

    request = RequestFactory().get("/admin/")
    request.user = user
    urls = []
    for model, model_admin in admin.site._registry.items():
        info = model._meta.app_label, model._meta.model_name
        urls += [reverse("admin:{}_{}_changelist".format(*info)),
                 reverse("admin:{}_{}_add".format(*info))]
        pks = shape_sample(model_admin.get_queryset(request), cap=cap)
        if not pks:
            continue
        change = "{}_{}_change".format(*info)
        urls += [reverse(f"admin:{change}", args=[quote(pk)]) for pk in pks]
        for pattern in model_admin.get_urls():
            if (isinstance(pattern, URLPattern) and pattern.name and pattern.name != change
                    and set(pattern.pattern.converters) == {"object_id"}):
                urls.append(reverse(f"admin:{pattern.name}", args=[quote(pks[0])]))
    return urls
