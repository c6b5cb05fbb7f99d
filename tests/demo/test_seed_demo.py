"""The demo data: `seed_demo` builds the stories of product.md, idempotently.

The seed runs twice, once for the whole module, inside a transaction that is rolled back when
the module ends; each test then runs in a savepoint of its own.
"""

import io
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Max, Min
from django.test import RequestFactory
from django.utils import timezone

from accounts.choices import Language, Role, Topic
from accounts.models import AgentProfile, CustomerProfile, MembershipTier, User
from faq.models import Article, ArticleStatus, ArticleTranslation, Category, SearchDocument
from faq.rendering import render_markdown
from helpdesk.demo import people
from helpdesk.demo.seed import damaged_order_number, stuck_order_number
from helpdesk.models import (
    AuthorRole,
    CannedReply,
    Channel,
    Conversation,
    Message,
    MessageKind,
    SatisfactionRating,
    Status,
    Team,
)
from orders.models import (
    Order,
    OrderItem,
    OrderStatus,
    PaymentStatus,
    ProductCategory,
    ReturnEvent,
    ReturnRequest,
    ReturnStatus,
    Shipment,
    ShipmentStatus,
    TrackingEvent,
)
from orders.services import order_returnable_quantities

pytestmark = pytest.mark.django_db

COUNTED = [User, CustomerProfile, AgentProfile, Team, Category, Article, ArticleTranslation,
           CannedReply, Order, OrderItem, Shipment, TrackingEvent, ReturnRequest, ReturnEvent,
           Conversation, Message, SatisfactionRating]


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        first = io.StringIO()
        call_command("seed_demo", stdout=first)
        after_first = _counts()
        second = io.StringIO()
        call_command("seed_demo", stdout=second)
        after_second = _counts()
        yield SimpleNamespace(first=first.getvalue(), second=second.getvalue(),
                              after_first=after_first, after_second=after_second)
        transaction.set_rollback(True)


def _printed_logins(output: str) -> tuple[str, list[tuple[str, str]]]:
    password = re.search(r"password for every account: (\S+?)\)", output).group(1)
    logins = re.findall(r"^\s+(manager|agent|customer|admin)\s+(\S+@\S+)", output, re.M)
    return password, logins


# --- the command ------------------------------------------------------------------------------


def test_first_run_reports_progress_per_kind(seeded):
    for line in ["staff 8/8", "customers 30/30", "articles 41/41", "orders 202/202",
                 "conversations 260/260"]:
        assert line in seeded.first


def test_second_run_creates_nothing(seeded):
    assert seeded.after_second == seeded.after_first
    assert "nothing to do" in seeded.second
    assert "new)" not in seeded.second


def test_printed_logins_authenticate_with_the_printed_password(seeded):
    password, logins = _printed_logins(seeded.first)
    roles = {role for role, _ in logins}
    emails = {email for _, email in logins}
    assert {"manager", "agent", "customer"} <= roles
    assert {people.MANAGER_EMAIL, people.AGENT_EMAIL, people.CUSTOMER_EMAIL} <= emails
    for _role, email in logins:
        request = RequestFactory().post("/accounts/login/")
        user = authenticate(request=request, username=email, password=password)
        assert user is not None and user.email == email
    request = RequestFactory().post("/accounts/login/")
    assert authenticate(request=request, username=people.CUSTOMER_EMAIL,
                        password="wrong-" + password) is None


def test_show_demo_logins_prints_the_same_logins(seeded):
    out = io.StringIO()
    call_command("show_demo_logins", stdout=out)
    assert _printed_logins(out.getvalue()) == _printed_logins(seeded.first)
    assert Order.objects.count() == seeded.after_first["Order"]  # prints, never writes


# --- people -----------------------------------------------------------------------------------


def test_staff_have_roles_teams_and_agent_profiles(seeded):
    manager = User.objects.get(email=people.MANAGER_EMAIL)
    assert manager.is_staff and manager.is_manager and not manager.is_agent
    agents = User.objects.filter(groups__name=Role.AGENT)
    assert agents.count() == 6
    teams = {t.name: t for t in Team.objects.annotate(n=Count("members"))}
    assert set(teams) >= {"Orders & Delivery", "Payments & Returns"}
    assert all(teams[name].n == 3 for name in ["Orders & Delivery", "Payments & Returns"])
    for agent in agents:
        assert agent.is_staff and agent.is_agent
        profile = agent.agent_profile
        assert profile.languages and set(profile.languages) <= set(Language.values)
        assert profile.skills and set(profile.skills) <= set(Topic.values)
        assert profile.max_concurrent_chats >= 1
        assert agent.teams.count() == 1
    spoken = {lang for p in AgentProfile.objects.all() for lang in p.languages}
    assert spoken == set(Language.values)


def test_customers_are_varied_and_signed_up_as_customers(seeded):
    customers = User.objects.filter(groups__name=Role.CUSTOMER)
    assert customers.count() == 30
    assert set(customers.values_list("language", flat=True)) == set(Language.values)
    premium = CustomerProfile.objects.filter(tier=MembershipTier.PREMIUM).count()
    assert 3 <= premium <= 15
    assert not customers.filter(is_staff=True).exists()
    assert all(c.addresses.filter(is_default=True).count() == 1 for c in customers)
    ru = customers.get(email="ivan.sokolov@example.com")
    assert ru.full_name == "Иван Соколов" and ru.addresses.get().city == "Москва"


# --- orders and returns -----------------------------------------------------------------------


def test_orders_have_items_payments_and_consistent_tracking(seeded):
    now = timezone.now()
    assert Order.objects.count() >= 200
    statuses = set(Order.objects.values_list("status", flat=True))
    assert {OrderStatus.DELIVERED, OrderStatus.SHIPPED, OrderStatus.CANCELLED} <= statuses
    assert not Order.objects.annotate(n=Count("items")).filter(n=0).exists()
    assert Order.objects.filter(delivered_at__gte=now - timedelta(days=30)).count() >= 10
    orders = Order.objects.prefetch_related("items", "shipments__events")
    for order in orders:
        assert order.total == sum(i.line_total for i in order.items.all())
        shipments = list(order.shipments.all())
        if order.status in (OrderStatus.PLACED, OrderStatus.PROCESSING, OrderStatus.CANCELLED):
            assert not shipments
            continue
        (shipment,) = shipments
        events = list(shipment.events.all())
        assert shipment.carrier and shipment.tracking_number
        assert order.placed_at < shipment.shipped_at
        assert events and all(e.occurred_at <= now and e.location for e in events)
        assert [e.occurred_at for e in events] == sorted(e.occurred_at for e in events)
        assert events[0].status == ShipmentStatus.LABEL_CREATED
        if order.status == OrderStatus.DELIVERED:
            assert shipment.status == events[-1].status == ShipmentStatus.DELIVERED
            assert order.delivered_at == shipment.delivered_at == events[-1].occurred_at
        else:
            assert shipment.status == events[-1].status != ShipmentStatus.DELIVERED
            assert order.delivered_at is None
        if order.payment_status == PaymentStatus.PENDING:
            assert order.payment_method == "Cash on delivery"


def test_the_order_that_did_not_arrive(seeded):
    order = Order.objects.get(number=stuck_order_number())
    assert order.customer.email == people.CUSTOMER_EMAIL
    assert order.status == OrderStatus.SHIPPED and order.payment_status == PaymentStatus.PAID
    assert order.items.filter(category=ProductCategory.ELECTRONICS).exists()
    shipment = order.shipments.get()
    assert shipment.status == ShipmentStatus.IN_TRANSIT
    assert shipment.estimated_delivery < timezone.localdate() - timedelta(days=2)
    last = shipment.events.last()
    assert last.status == ShipmentStatus.IN_TRANSIT
    assert last.occurred_at < timezone.now() - timedelta(days=5)
    # The demo customer has no other parcel on its way to confuse the story.
    assert not Order.objects.filter(customer=order.customer,
                                    status=OrderStatus.SHIPPED).exclude(pk=order.pk).exists()


def test_the_damaged_home_product_can_still_be_returned(seeded):
    order = Order.objects.get(number=damaged_order_number())
    assert order.customer.email == people.CUSTOMER_EMAIL
    assert order.status == OrderStatus.DELIVERED
    home = order.items.get(category=ProductCategory.HOME, sku="HM-2001")
    assert order.delivered_at > timezone.now() - timedelta(days=7)
    assert order_returnable_quantities(order=order)[home.pk] == home.quantity
    assert not order.returns.exists()


def test_returns_in_every_status_with_ordered_timelines(seeded):
    returns = ReturnRequest.objects.prefetch_related("events", "items")
    assert set(returns.values_list("status", flat=True)) == set(ReturnStatus.values)
    for request in returns:
        events = list(request.events.all())
        assert events[0].status == ReturnStatus.REQUESTED
        assert events[-1].status == request.status
        times = [e.created_at for e in events]
        assert times == sorted(times) and times[-1] <= timezone.now()
        assert request.created_at == times[0] >= request.order.delivered_at
        assert request.items.count() >= 1
        assert request.order.customer_id == request.customer_id
        if request.status == ReturnStatus.REFUNDED:
            assert request.order.payment_status in (PaymentStatus.REFUNDED,
                                                    PaymentStatus.PARTIALLY_REFUNDED)
        if request.status == ReturnStatus.REJECTED:
            assert events[-1].note and events[-1].actor.is_staff


# --- help center ------------------------------------------------------------------------------


def test_every_topic_has_a_category_of_published_articles_in_three_languages(seeded):
    assert set(Category.objects.values_list("topic", flat=True)) == set(Topic.values)
    assert Article.objects.count() >= 40
    assert not Article.objects.exclude(status=ArticleStatus.PUBLISHED).exists()
    for category in Category.objects.prefetch_related("translations"):
        assert {t.language for t in category.translations.all()} == set(Language.values)
    for article in Article.objects.prefetch_related("translations"):
        translations = {t.language: t for t in article.translations.all()}
        assert set(translations) == set(Language.values), article.slug
        assert 80 <= len(translations["en"].body.split()) <= 250, article.slug
        assert re.search("[а-яё]", translations["ru"].body), article.slug
        assert re.search("[\u4e00-\u9fff]", translations["zh-hans"].body), article.slug
        assert all(t.title and t.summary for t in translations.values())
        for translation in translations.values():
            html = render_markdown(translation.body)
            assert "<p>" in html and "| ---" not in html and "**" not in html, article.slug
    # Saved through faq.services, so search finds every translation.
    published = SearchDocument.objects.filter(is_published=True)
    assert published.count() == ArticleTranslation.objects.count()


def test_the_stories_have_their_articles(seeded):
    late = Article.objects.get(slug="order-delayed-or-late")
    damaged = Article.objects.get(slug="return-damaged-item")
    assert late.category.topic == Topic.ORDERS and damaged.category.topic == Topic.RETURNS
    assert "late" in late.translations.get(language="en").title.lower()
    assert "damaged" in damaged.translations.get(language="en").title.lower()


def test_delayed_shipment_reply_exists_in_three_languages_with_placeholders(seeded):
    delayed = CannedReply.objects.filter(shortcut__startswith="delayed-shipment-")
    assert set(delayed.values_list("language", flat=True)) == set(Language.values)
    for reply in delayed:
        for placeholder in ["{customer_name}", "{order_number}", "{estimated_delivery}"]:
            assert placeholder in reply.body


# --- conversations ----------------------------------------------------------------------------


def test_six_months_of_conversations_across_channels_topics_and_agents(seeded):
    span = Conversation.objects.aggregate(first=Min("created_at"), last=Max("created_at"))
    assert span["last"] - span["first"] > timedelta(days=150)
    assert set(Conversation.objects.values_list("channel", flat=True)) == set(Channel.values)
    assert set(Conversation.objects.values_list("topic", flat=True)) == set(Topic.values)
    assert Conversation.objects.values("assignee").distinct().count() == 6
    assert Conversation.objects.values("team").distinct().count() == 2
    settled = Conversation.objects.filter(status__in=[Status.RESOLVED, Status.CLOSED]).count()
    assert settled / Conversation.objects.count() > 0.8
    assert Message.objects.filter(kind=MessageKind.NOTE).exists()
    assert Message.objects.filter(author_role=AuthorRole.CUSTOMER).exists()
    assert Conversation.objects.filter(customer__email=people.CUSTOMER_EMAIL).exists()


def test_history_timestamps_are_consistent(seeded):
    now = timezone.now()
    conversations = Conversation.objects.prefetch_related("messages")
    for conv in conversations:
        messages = list(conv.messages.all())
        assert [m.seq for m in messages] == list(range(1, conv.last_seq + 1))
        times = [m.created_at for m in messages]
        assert times == sorted(times)
        assert conv.created_at <= times[0] and times[-1] <= now
        assert messages[0].author_role == AuthorRole.CUSTOMER
        if conv.channel == Channel.CHAT:
            assert conv.queued_at == conv.created_at
        assert conv.created_at <= conv.assigned_at <= conv.first_response_at
        first_answer = next(m for m in messages if m.author_role == AuthorRole.AGENT
                            and m.kind == MessageKind.MESSAGE)
        assert conv.first_response_at == first_answer.created_at
        if conv.status in (Status.RESOLVED, Status.CLOSED):
            assert conv.first_response_at <= conv.resolved_at <= now
            assert times[-1] <= conv.resolved_at
        else:
            assert conv.resolved_at is None
        assert conv.assignee.teams.filter(pk=conv.team_id).exists()


def test_ratings_are_mostly_good_and_low_ones_explain_why(seeded):
    ratings = SatisfactionRating.objects.select_related("conversation")
    scores = [r.score for r in ratings]
    assert len(scores) > 100
    assert sum(s >= 4 for s in scores) / len(scores) > 0.7
    low = [r for r in ratings if r.score <= 2]
    assert low and all(r.comment for r in low)
    for rating in ratings:
        conv = rating.conversation
        assert conv.status in (Status.RESOLVED, Status.CLOSED)
        assert rating.created_at >= conv.resolved_at
        assert rating.source == ("chat" if conv.channel == Channel.CHAT else "survey")


def test_the_demo_contact_page_shows_business_hours_and_live_requests_have_due_times(
        seeded, client):
    """The demo sets no business hours: the contact page used to show the phone "closed" every
    day; the one engine's default (Monday to Friday, 9 to 18) applies to it as to the SLA."""
    from django.urls import reverse

    from helpdesk import sla

    html = client.get(reverse("contact")).content.decode()
    assert html.count("09:00–18:00") == 5
    live = Conversation.objects.filter(status__in=[Status.OPEN, Status.PENDING])
    assert live.exists()
    for conv in live.prefetch_related("messages"):
        public = [m for m in conv.messages.all() if m.kind == MessageKind.MESSAGE]
        owed = conv.status == Status.OPEN and public[-1].author_role == AuthorRole.CUSTOMER
        assert (conv.response_due_at is not None) == owed, conv.reference
        if conv.status in sla.CLEARED_BY:
            assert conv.response_due_at is None
