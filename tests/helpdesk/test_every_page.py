"""Every page every role can reach, on the seeded demo: no server error, and no page a role
must not reach.

The demo is seeded once for the module (inside a transaction rolled back at the end), with
the shapes it lacks added through the services: a customer who just signed up, a chat waiting
in the queue with an image and a note, a file on another team's conversation, a problem
report, a return with a photo, a second address, an FAQ vote and a search that found nothing,
business hours, a holiday and an SLA target, an inbound email, a failed sign-in, and the mail
that sign-up, a password reset and the surveys send.

The roles: visitors in each language; customers who together have every shape of a customer
and of their conversations, orders, returns and shipments (``_customers_of_every_shape``);
the superuser, the manager, an agent and an agent of the other team.

No page is listed here. They are found (tests/helpdesk/crawler.py) from the URL conf (every
pattern without parameters), the admin registry (every page of every registered model, for a
sample of its objects that covers their shapes), the demo data (every conversation in the
console), the links in that mail, and the links, images, forms and script data of every page
opened, so a page added later is opened without editing this file;
``test_every_route_is_requested_by_some_role`` fails for a route nobody reached.

The crawl runs in production mode (DEBUG off, hashed static files from collectstatic, HTTPS,
the second factor required of superusers) for every page, and in development mode (DEBUG on,
as ``make run``) for one page of each pattern.
"""

import io
import logging
import re
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date
from datetime import time as dt_time
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib import admin as django_admin
from django.contrib.admin.utils import quote
from django.contrib.auth import authenticate
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.db.models import Q
from django.test import Client, RequestFactory, TestCase, override_settings
from django.urls import resolve, reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image

from accounts.choices import Role
from accounts.models import MembershipTier, User
from accounts.services import address_create, password_reset_request, sign_up_request
from faq.models import Article
from faq.services import no_result_search_record, vote_cast
from helpdesk.console.views import BOXES
from helpdesk.demo import people
from helpdesk.demo.seed import damaged_order_number, stuck_order_number
from helpdesk.mail.inbound import email_ingest
from helpdesk.models import (
    Attachment,
    BusinessHours,
    CannedReply,
    Channel,
    Conversation,
    Holiday,
    Tag,
    Team,
)
from helpdesk.reports.models import SlaTarget
from helpdesk.services.attachments import attachment_post
from helpdesk.services.calls import call_log
from helpdesk.services.configuration import configuration_save
from helpdesk.services.conversations import conversation_open, note_add
from helpdesk.services.inbox import saved_view_save
from helpdesk.services.macros import macro_personal_save
from helpdesk.services.order_problems import OrderProblem, order_problem_report
from helpdesk.services.tags import conversation_tag_add
from helpdesk.surveys.services import surveys_run
from orders.models import Order, ReturnReason, ReturnRequest, Shipment
from orders.services import return_request_create
from tests.helpdesk.crawler import (
    CrawlResult,
    admin_urls,
    crawl,
    normalize,
    open_page,
    parameterless_urls,
    route_key,
    route_of,
    shape_sample,
    url_patterns,
)

pytestmark = pytest.mark.django_db
logger = logging.getLogger(__name__)

# Objects per registered model whose change page each staff role opens (the shape sample
# takes one per distinct shape first; the demo has fewer shapes than this per model).
ADMIN_OBJECTS_PER_MODEL = 60
# Pages of one pattern (and set of parameter names) a staff role opens from links, beyond
# the objects above ("again": of a pattern an earlier role opened, whose pages differ for
# this one only in the rows they list).
STAFF_LINKS_PER_PATTERN = {"first": 4, "again": 1}
# Pages of one route with a query string (filters, sorting, search, drill-downs).
QUERIES_PER_ROUTE = {"first": 24, "again": 4, "customer": 8, "anonymous": 24}
# Pages of a pattern anonymous visitors open in full (the FAQ) that a signed-in role opens too.
PUBLIC_PAGES_PER_PATTERN = 2
# Links of one pattern taken from the mail the fixture sends (a survey per conversation).
MAIL_LINKS_PER_PATTERN = 3
# A guard against a crawl that runs away (a link that makes a new page of itself).
MAX_PAGES = {"production": 8000, "development": 2000}

# Routes no role can find a link to, and why that is right. Any other route nobody requests
# fails the coverage test.
NOT_PAGES = {
    "admin:view_on_site": "linked from a change page when the model has get_absolute_url",
}


@dataclass(frozen=True)
class RoleSpec:
    name: str
    user_id: int | None
    language: str = "en"
    staff: bool = False
    development: bool = False  # also crawled in development mode (one page per pattern)
    production: bool = True  # crawled in production mode (every page)

    @property
    def anonymous(self) -> bool:
        return self.user_id is None


INBOUND_MAIL = (
    f"From: Emma Wilson <{people.CUSTOMER_EMAIL}>\r\nTo: support@example.com\r\n"
    "Subject: Invoice for my last order\r\nMessage-ID: <every-page@example.com>\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n\r\nCould you send me the invoice?\r\n"
).encode()


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 12), (200, 40, 40)).save(out, format="PNG")
    return out.getvalue()


def _mail_links(messages) -> list[str]:
    site = urlsplit(settings.SITE_URL).netloc
    links = []
    for message in messages:
        texts = [message.body] + [content for content, _type in
                                  getattr(message, "alternatives", [])]
        for text in texts:
            for url in re.findall(r"https?://[^\s\"'<>]+", str(text)):
                parts = urlsplit(url)
                if parts.netloc == site and parts.path.strip("/"):
                    links.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return links


def _add_missing_shapes() -> dict:
    """Through the services, what the demo has none of; return the new customer and the links
    of the mail sent."""
    customer = User.objects.get(email=people.CUSTOMER_EMAIL)
    agent = User.objects.get(email=people.AGENT_EMAIL)
    before = len(mail.outbox)
    with TestCase.captureOnCommitCallbacks(execute=True):
        newcomer = sign_up_request(email="newcomer@example.com", password=people.DEMO_PASSWORD,
                                   full_name="Nora Newcomer", language="en")
        sign_up_request(email=people.CUSTOMER_EMAIL, password=people.DEMO_PASSWORD,
                        full_name="Someone Else")
        password_reset_request(email=people.CUSTOMER_EMAIL)
        surveys_run()
    mail_links = _mail_links(mail.outbox[before:])
    # A chat waiting in the queue, with an image and a note.
    chat = conversation_open(customer=customer, channel=Channel.CHAT, topic="orders",
                             order=Order.objects.get(number=stuck_order_number()),
                             description="My parcel is still not here.")
    attachment_post(conversation=chat, user=customer, as_agent=False,
                    upload=SimpleUploadedFile("parcel.png", _png(), "image/png"),
                    client_id="every-page-photo")
    note_add(conversation=chat, agent=agent, body="Checked with the carrier.")
    # A file (never shown inline) on a conversation of the other team, as inbound mail leaves.
    theirs = (Conversation.objects.exclude(team__in=agent.teams.all()).exclude(team=None)
              .filter(channel=Channel.EMAIL).order_by("pk").first())
    Attachment.objects.create(
        message=theirs.messages.order_by("seq").first(),
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="receipt.pdf"),
        original_name="receipt.pdf", content_type="application/pdf", size=15)
    order_problem_report(customer=customer, order=chat.order, problem=OrderProblem.values[0],
                         description="Still nothing.")
    damaged = Order.objects.get(number=damaged_order_number())
    item = damaged.items.get(sku="HM-2001")
    return_request_create(customer=customer, order=damaged, quantities={item.pk: 1},
                          reason=ReturnReason.values[0], description="Cracked on arrival.",
                          photos=[SimpleUploadedFile("crack.png", _png(), "image/png")])
    vote_cast(article=Article.objects.order_by("pk").first(), user=newcomer, helpful=False,
              comment="Not my case.")
    no_result_search_record(query="warp drive", language="en")
    address_create(user=customer, label="Work", recipient=customer.full_name,
                   line1="1 Arbat St", city="Moscow", postal_code="119002")
    # The settings the reports read, as a superuser keeps them.
    admin_user = User.objects.get(email=people.ADMIN_EMAIL)
    for row in (BusinessHours(weekday=0, opens_at=dt_time(9), closes_at=dt_time(18)),
                Holiday(date=date(2026, 1, 1), name="New Year"),
                SlaTarget(tier=MembershipTier.STANDARD, channel=Channel.EMAIL,
                          first_response_minutes=240, resolution_minutes=1440)):
        configuration_save(by=admin_user, obj=row)
    # The agent's personal macro and a phone call they logged (issue 16).
    macro_personal_save(by=agent, macro=CannedReply(title="My greeting", language="en",
                                                    body="Hello {customer_name}"))
    call_log(by=agent, customer=customer, direction="inbound", phone_number="+79162041837",
             duration_seconds=95, outcome="resolved", notes="Asked about the courier.")
    # Tags (one on a conversation, one to add) and each staff member's saved inbox view.
    fragile = configuration_save(by=admin_user, obj=Tag(name="fragile"))
    configuration_save(by=admin_user, obj=Tag(name="vip"))
    for conv in Conversation.objects.order_by("pk")[:3]:
        conversation_tag_add(conversation=conv, by=admin_user, tag=fragile)
    for email in (people.AGENT_EMAIL, people.MANAGER_EMAIL, people.ADMIN_EMAIL):
        saved_view_save(owner=User.objects.get(email=email), name="Breached",
                        params={"sla": "breached"})
    # Inbound mail, and a failed sign-in (the lockout's records).
    email_ingest(INBOUND_MAIL, source="every-page")
    authenticate(request=RequestFactory().post(reverse("accounts:login")),
                 username=people.CUSTOMER_EMAIL, password="not-the-password")
    return {"newcomer": newcomer, "mail_links": mail_links}


def _customers_of_every_shape(newcomer) -> list[User]:
    """Customers who together have every shape of a customer and of what a customer sees
    (conversations, orders, returns, shipments): the newcomer with nothing, the demo's own
    customer, then the owners of a shape sample of each, preferring customers already taken."""
    chosen = [newcomer.pk, User.objects.get(email=people.CUSTOMER_EMAIL).pk]
    customers = User.objects.filter(groups__name=Role.CUSTOMER, is_staff=False)
    chosen += shape_sample(customers, cap=100, prefer=Q(pk__in=chosen))
    for model, owner in ((Conversation, "customer"), (Order, "customer"),
                         (ReturnRequest, "customer"), (Shipment, "order__customer")):
        sample = shape_sample(model.objects.all(), cap=100,
                              prefer=Q(**{f"{owner}__in": list(chosen)}))
        chosen += model.objects.filter(pk__in=sample).values_list(f"{owner}_id", flat=True)
    users = User.objects.in_bulk(set(chosen))
    return [users[pk] for pk in dict.fromkeys(chosen)]


def _roles(newcomer) -> list[RoleSpec]:
    agent = User.objects.get(email=people.AGENT_EMAIL)
    agent_teams = set(agent.teams.values_list("pk", flat=True))
    other_agent = (User.objects.filter(groups__name=Role.AGENT, is_staff=True)
                   .exclude(teams__in=agent_teams).exclude(teams=None).order_by("email").first())
    roles = [RoleSpec(f"anonymous-{code}", None, code, development=True)
             for code, _name in settings.LANGUAGES]
    for user in _customers_of_every_shape(newcomer):
        roles.append(RoleSpec(f"customer {user.email}", user.pk, user.language,
                              development=user.pk == newcomer.pk
                              or user.email == people.CUSTOMER_EMAIL))
    # The superuser first: who sees most explores the filters and links; the others then
    # open what only they may see, and sample what an earlier role already opened.
    roles += [
        RoleSpec(f"superuser {people.ADMIN_EMAIL}",
                 User.objects.get(email=people.ADMIN_EMAIL).pk, staff=True, development=True),
        RoleSpec(f"manager {people.MANAGER_EMAIL}",
                 User.objects.get(email=people.MANAGER_EMAIL).pk, staff=True, development=True),
        RoleSpec(f"agent {agent.email}", agent.pk, staff=True, development=True),
        RoleSpec(f"agent of another team {other_agent.email}", other_agent.pk, staff=True),
    ]
    # The console and the admin in every language (a translation can break a page alone):
    # one page of each pattern as an agent speaking each language no staff role above does.
    spoken = set(User.objects.filter(pk__in=[r.user_id for r in roles if r.staff])
                 .values_list("language", flat=True))
    for code, _name in settings.LANGUAGES:
        speaker = (User.objects.filter(groups__name=Role.AGENT, is_staff=True, language=code)
                   .order_by("email").first())
        if code not in spoken and speaker is not None:
            roles.append(RoleSpec(f"agent speaking {code} {speaker.email}", speaker.pk,
                                  staff=True, development=True, production=False))
    return roles


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    from helpdesk.celery import app

    media = tmp_path_factory.mktemp("every-page-media")
    storages = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(media)}}}
    eager = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    try:
        with django_db_blocker.unblock(), transaction.atomic(), override_settings(
                STORAGES=storages, MEDIA_ROOT=str(media),
                EMAIL_BACKEND="helpdesk.mail.backend.OutboxBackend",  # as in production
                EMAIL_DELIVERY_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            started = time.monotonic()
            call_command("seed_demo", "--no-logins", stdout=io.StringIO())
            extra = _add_missing_shapes()
            yield SimpleNamespace(media=media, storages=storages, roles=_roles(extra["newcomer"]),
                                  mail_links=extra["mail_links"],
                                  seconds=time.monotonic() - started)
            transaction.set_rollback(True)
    finally:
        app.conf.task_always_eager, app.conf.task_eager_propagates = eager


@pytest.fixture(scope="module")
def production_static(tmp_path_factory):
    """The static files as production serves them: collected, hashed, compressed."""
    root = tmp_path_factory.mktemp("every-page-static")
    storages = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
    with override_settings(STATIC_ROOT=str(root), STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root


MODES = ["production", "development"]


@pytest.fixture
def site_mode(request, settings, demo, production_static):
    """Settings of one mode, on top of the demo's media."""
    mode = request.param
    storages = dict(demo.storages)
    settings.MEDIA_ROOT = str(demo.media)
    if mode == "production":
        storages["staticfiles"] = {
            "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
        settings.STATIC_ROOT = str(production_static)
        settings.DEBUG = False
        settings.SUPERUSER_REQUIRE_2FA = True
        settings.SECURE_SSL_REDIRECT = True
        settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    else:
        storages["staticfiles"] = {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
        settings.DEBUG = True
    settings.STORAGES = storages
    return mode


# --- the crawl ------------------------------------------------------------------------------

_CRAWLS: dict[str, dict[str, CrawlResult]] = {}


def _client(role: RoleSpec) -> Client:
    client = Client(raise_request_exception=False)
    if role.anonymous:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = role.language
        return client
    user = User.objects.get(pk=role.user_id)
    client.force_login(user)
    if user.is_staff:
        # As after the second factor (required of superusers in production).
        device, _created = TOTPDevice.objects.get_or_create(
            user=user, name="every-page", defaults={"confirmed": True})
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def _seeds(role: RoleSpec, demo) -> list[str]:
    seeds = parameterless_urls()
    if role.name == f"anonymous-{settings.LANGUAGE_CODE}":
        per_route: Counter = Counter()
        for link in demo.mail_links:
            per_route[route_key(link)] += 1
            if per_route[route_key(link)] <= MAIL_LINKS_PER_PATTERN:
                seeds.append(link)
    if role.anonymous:
        return seeds
    user = User.objects.get(pk=role.user_id)
    if not role.staff:
        # The page a problem report's form redirects to (nothing links to it).
        seeds += [reverse("report_problem_sent", args=[c.order.number, c.reference])
                  for c in Conversation.objects.filter(customer=user).exclude(order=None)
                  .select_related("order").order_by("-pk")[:2]]
        return seeds
    seeds += [f"{reverse('helpdesk_console:inbox')}?box={box}" for box, _label in BOXES]
    seeds += [f"{reverse('helpdesk_console:rows')}?box={box}" for box, _label in BOXES]
    # Logging a call: the customer found by their email (the page links to the call form).
    seeds.append(f"{reverse('helpdesk_console:call_find')}?q={people.CUSTOMER_EMAIL}")
    # The manager opens every conversation in the console; the others, whose pages differ
    # only in who asks, a sample of every shape of those they may see.
    conversations = Conversation.objects.all()
    if not user.is_manager:
        conversations = conversations.filter(pk__in=_visible_to(user.pk))
    if user.is_superuser or not user.is_manager:
        conversations = conversations.filter(
            pk__in=shape_sample(conversations, cap=ADMIN_OBJECTS_PER_MODEL))
    seeds += [reverse("helpdesk_console:conversation", args=[c.reference])
              for c in conversations.order_by("pk").only("reference")]
    seeds += admin_urls(user, cap=ADMIN_OBJECTS_PER_MODEL)
    return seeds


def _cap(role: RoleSpec, mode: str, public: set, explored: set):
    """How many pages of one pattern the role opens (see ``crawler.crawl``)."""

    def cap(key, is_seed):
        route, names = key
        if mode == "development":
            return 1
        if is_seed:
            return None
        if role.anonymous:
            return QUERIES_PER_ROUTE["anonymous"] if names == "?" else None
        if route in public:
            return PUBLIC_PAGES_PER_PATTERN
        if not role.staff:
            return QUERIES_PER_ROUTE["customer"] if names == "?" else None
        kind = "again" if key in explored else "first"
        return (QUERIES_PER_ROUTE if names == "?" else STAFF_LINKS_PER_PATTERN)[kind]

    return cap


def _crawl_every_role(mode: str, demo) -> dict[str, CrawlResult]:
    """Crawl as each role, once per mode for the module (anonymous visitors first: what they
    reach is the public site, which signed-in roles then only sample)."""
    if mode in _CRAWLS:
        return _CRAWLS[mode]
    # Each failure is reported with its exception; a logged traceback per page would only
    # slow the crawl down.
    request_log = logging.getLogger("django.request")
    level = request_log.level
    request_log.setLevel(logging.CRITICAL)
    public: set = set()
    explored: set = set()
    results: dict[str, CrawlResult] = {}
    try:
        for role in demo.roles:
            if not (role.development if mode == "development" else role.production):
                continue
            result = crawl(_client(role), role=role.name, seeds=_seeds(role, demo),
                           cap=_cap(role, mode, public, explored), secure=mode == "production")
            if role.anonymous:
                public |= {v.route[0] for v in result.answered(200)}
            if role.staff:
                explored |= {v.route for v in result.visits.values()}
                explored |= {(v.route[0], "?") for v in result.visits.values() if v.route[1]}
            results[role.name] = result
            seconds = sum(v.seconds for v in result.visits.values())
            logger.info("%s %s: %d pages in %.1f s", mode, role.name, len(result.visits), seconds)
    finally:
        request_log.setLevel(level)
    _CRAWLS[mode] = results
    return results


def _route_name(url: str) -> str:
    route = route_of(urlsplit(url).path)
    return route.name if route else ""


@pytest.mark.parametrize("site_mode", MODES, indirect=True)
def test_no_page_answers_a_server_error_for_any_role(site_mode, demo):
    started = time.process_time()
    results = _crawl_every_role(site_mode, demo)
    failures = [f for result in results.values() for f in result.failures]
    assert not failures, f"{len(failures)} pages failed:\n" + "\n".join(failures)
    broken = [link for result in results.values() for link in result.broken_links]
    assert not broken, f"{len(broken)} links to no page:\n" + "\n".join(broken)
    pages = sum(len(r.visits) for r in results.values())
    logger.info(
        "%s: %d pages for %d roles, %.1f s of CPU", site_mode, pages, len(results),
        time.process_time() - started)
    assert pages < MAX_PAGES[site_mode]


@pytest.mark.parametrize("site_mode", ["production"], indirect=True)
def test_every_route_is_requested_by_some_role(site_mode, demo):
    """A route no role requested is a page this test does not check: link it from a page,
    give the demo an object that has it, or say in NOT_PAGES why it is not a page."""
    results = _crawl_every_role(site_mode, demo)
    requested = {v.route[0] for result in results.values() for v in result.visits.values()}
    # An admin page of one object of a model that has none has no URL to open.
    empty = {"admin/{}/{}/".format(*m._meta.label_lower.split("."))
             for m in django_admin.site._registry if not m._default_manager.exists()}
    missing = [f"{route.name or '(unnamed)'} {route.route}"
               for route, _has_params in url_patterns()
               if route.route not in requested and route.name not in NOT_PAGES
               and route.name.split(":")[-1] not in {"logout"}
               # The admin's own redirects: an object's old URL and the catch-all.
               and not (route.name == "" and route.route.startswith("admin/"))
               and not ("<path:object_id>" in route.route
                        and route.route.startswith(tuple(empty)))]
    assert not missing, "routes no role requested:\n" + "\n".join(missing)


def _role(demo, prefix: str) -> RoleSpec:
    return next(r for r in demo.roles if r.name.startswith(prefix))


@pytest.mark.parametrize("site_mode", ["production"], indirect=True)
def test_each_role_reached_its_own_pages(site_mode, demo):
    """The crawl really ran signed in: each role got its own pages, not login redirects."""
    results = _crawl_every_role(site_mode, demo)

    def opened(role_prefix, name) -> set[str]:
        result = results[_role(demo, role_prefix).name]
        return {urlsplit(v.url).path for v in result.answered(200) if _route_name(v.url) == name}

    for language, _name in settings.LANGUAGES:
        assert len(opened(f"anonymous-{language}", "faq:article")) == Article.objects.count()
    customer = f"customer {people.CUSTOMER_EMAIL}"
    own = Order.objects.filter(customer__email=people.CUSTOMER_EMAIL).count()
    assert len(opened(customer, "orders:order_detail")) == own
    for name in ["orders:return_detail", "orders:return_photo", "requests:detail", "chat:page",
                 "chat:attachment", "my_data", "report_problem_sent"]:
        assert opened(customer, name), name
    assert opened("anonymous-en", "surveys:rate")
    agent = _role(demo, "agent ")
    visible = set(Conversation.objects.filter(pk__in=_visible_to(agent.user_id))
                  .values_list("reference", flat=True))
    console = {path.split("/")[-2] for path in opened("agent ", "helpdesk_console:conversation")}
    assert console <= visible and len(console) > 10
    manager_console = opened("manager", "helpdesk_console:conversation")
    assert len(manager_console) == Conversation.objects.count()
    assert opened("manager", "reports:dashboard") and opened("manager", "reports:export")
    assert opened("agent of another team", "email:attachment_download")
    assert opened("superuser", "admin:index")


@pytest.mark.parametrize("site_mode", ["production"], indirect=True)
def test_inbox_counts_are_the_rows_of_each_tab_for_every_staff_member(site_mode, demo):
    """The demo's agents share teams of three: a count over a join with the team members
    once showed "Mine 6" above two rows."""
    checked = 0
    for user in User.objects.filter(is_staff=True).order_by("email"):
        client = _client(RoleSpec(user.email, user.pk, staff=True))
        for box, _label in BOXES:
            response = client.get(f"{reverse('helpdesk_console:rows')}?box={box}", secure=True)
            if response.status_code == 403:  # staff without the agent or manager role
                continue
            data = response.json()
            assert data["counts"][box] == len(data["rows"]), (user.email, box, data["counts"])
            checked += bool(data["rows"])
    assert checked > 10


# --- what a role must not reach -------------------------------------------------------------


def _visible_to(agent_id: int):
    """The conversations an agent may see, as docs/architecture.md states the rule: those of
    their teams, their own, and the unassigned queue."""
    teams = Team.objects.filter(members=agent_id).values("pk")
    return Conversation.objects.filter(
        Q(assignee_id=agent_id) | Q(team__in=teams) | Q(team=None, assignee=None)
    ).values("pk")


def _conversation_of(url: str) -> Conversation | None:
    """The conversation a help-center or console URL shows (by reference or attachment)."""
    path = urlsplit(url).path
    match = resolve(path)
    if "reference" in match.kwargs:
        return Conversation.objects.filter(reference=match.kwargs["reference"]).first()
    if match.view_name in ("chat:attachment", "email:attachment_download"):
        attachment = Attachment.objects.filter(pk=match.kwargs["pk"]).first()
        return attachment.message.conversation if attachment else None
    return None


class Refusals:
    """Pages opened that must refuse: a redirect (to sign in), 403, 404, or 405."""

    def __init__(self):
        self.problems: list[str] = []
        self.checked = 0

    def check(self, client, url, *, role):
        self.checked += 1
        status, _body, error = open_page(client, url, secure=True)
        if status not in (302, 403, 404, 405) or error:
            self.problems.append(f"{role}: GET {url} -> {status} {error}".rstrip())


def _crawled(demo, results) -> list[RoleSpec]:
    return [role for role in demo.roles if role.name in results]


def _reached(results, names) -> dict:
    """One URL answered 200 per route pattern, over the crawls of ``names``."""
    return {v.route: v.url for n in names for v in results[n].answered(200)}


@pytest.mark.parametrize("site_mode", ["production"], indirect=True)
def test_visitors_and_customers_reach_no_staff_page(site_mode, demo):
    results = _crawl_every_role(site_mode, demo)
    outsiders = [r for r in _crawled(demo, results) if not r.staff]
    staff = [r.name for r in _crawled(demo, results) if r.staff]
    outsider_routes = _reached(results, [r.name for r in outsiders])
    staff_only = [url for route, url in _reached(results, staff).items()
                  if route not in outsider_routes]
    assert len(staff_only) > 50
    refusals = Refusals()
    for role in outsiders:
        client = _client(role)
        for url in staff_only:
            refusals.check(client, url, role=role.name)
    assert not refusals.problems, "\n".join(refusals.problems)


@pytest.mark.parametrize("site_mode", ["production"], indirect=True)
def test_no_customer_reaches_another_customers_pages(site_mode, demo):
    """Orders, returns, photos, requests, chats, attachments, addresses: every page with an
    object in its URL that a customer reached and no visitor did is refused to every other
    customer and to visitors."""
    results = _crawl_every_role(site_mode, demo)
    roles = _crawled(demo, results)
    anonymous_routes = _reached(results, [r.name for r in roles if r.anonymous])
    customers = [r for r in roles if not r.staff and not r.anonymous]
    private = {  # one page of each pattern per customer
        role.name: list({v.route: v.url for v in results[role.name].answered(200)
                         if v.route not in anonymous_routes and "<" in v.route[0]}.values())
        for role in customers
    }
    assert private[f"customer {people.CUSTOMER_EMAIL}"]
    refusals = Refusals()
    for role in [*customers, _role(demo, "anonymous-en")]:
        client = _client(role)
        for owner, urls in private.items():
            if owner != role.name:
                for url in urls:
                    refusals.check(client, url, role=role.name)
    assert refusals.checked > 200
    assert not refusals.problems, "\n".join(refusals.problems)


@pytest.mark.parametrize("site_mode", ["production"], indirect=True)
def test_an_agent_reaches_no_conversation_of_another_team(site_mode, demo):
    """In the console, the help center's attachments and the admin: an agent opens only the
    conversations of their teams, their own and the unassigned queue; and no admin object
    the admin does not list for them."""
    results = _crawl_every_role(site_mode, demo)
    roles = _crawled(demo, results)
    managers = [r.name for r in roles if r.name.startswith(("manager", "superuser"))]
    everything = {v.url for n in managers for v in results[n].answered(200)}
    everything |= {reverse("helpdesk_console:conversation", args=[c.reference])
                   for c in Conversation.objects.all()}
    request = RequestFactory().get("/admin/")
    refusals = Refusals()
    for role in roles:
        if not role.name.startswith("agent"):
            continue
        client = _client(role)
        visible = set(_visible_to(role.user_id).values_list("pk", flat=True))
        hidden_urls = [url for url in sorted(everything)
                       if (conv := _conversation_of(url)) is not None and conv.pk not in visible]
        assert len(hidden_urls) > 50
        for url in hidden_urls:
            refusals.check(client, url, role=role.name)
        request.user = User.objects.get(pk=role.user_id)
        for model, model_admin in django_admin.site._registry.items():
            listed = model_admin.get_queryset(request)
            if model is Conversation:
                assert not listed.exclude(pk__in=visible).exists(), role.name
            info = model._meta.app_label, model._meta.model_name
            for pk in shape_sample(model._default_manager.exclude(pk__in=listed.values("pk")),
                                   cap=10):
                for view in ("change", "history"):
                    url = reverse(f"admin:{info[0]}_{info[1]}_{view}", args=[quote(pk)])
                    refusals.check(client, url, role=role.name)
    assert not refusals.problems, "\n".join(refusals.problems)


@pytest.mark.parametrize("site_mode", ["production"], indirect=True)
def test_only_superusers_reach_the_pages_that_manage_users(site_mode, demo):
    """Adding a user or a group and setting a password: the superuser opens these pages,
    managers and agents are refused."""
    results = _crawl_every_role(site_mode, demo)
    superuser = _role(demo, "superuser")
    # Django's UserAdmin names its password page after auth.User whatever the user model.
    password = "admin:auth_user_password_change"
    managing = [v.url for v in results[superuser.name].answered(200)
                if _route_name(v.url) in (password, "admin:accounts_user_add",
                                          "admin:auth_group_add")]
    assert len({_route_name(url) for url in managing}) == 3
    staff = User.objects.filter(is_staff=True).values_list("pk", flat=True)
    managing += [reverse(password, args=[pk]) for pk in staff]
    refusals = Refusals()
    for role in _crawled(demo, results):
        if role.staff and role is not superuser:
            client = _client(role)
            for url in managing:
                refusals.check(client, url, role=role.name)
    assert not refusals.problems, "\n".join(refusals.problems)


def test_normalize_keeps_the_site_and_drops_what_is_not_a_page():
    base = "http://testserver/help/"
    assert normalize("articles/x/#top", base) == "/help/articles/x/"
    assert normalize("https://elsewhere.example/", base) is None
    assert normalize(settings.STATIC_URL + "css/site.css", base) is None
    assert normalize(reverse("accounts:logout"), base) is None
    assert normalize("/accounts/login/?next=/orders/", base) == "/accounts/login/"
