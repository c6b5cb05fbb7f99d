"""Build the demo help desk: staff, customers, orders, returns, articles, replies and history.

``seed_demo`` is idempotent. Everything it creates has a stable natural key (an email, an order
number, a reference, a slug, a shortcut) and every random choice comes from
``random.Random`` seeded per stage, so a second run plans exactly the same objects, finds them
all, and writes nothing. Dates are planned as "days before now", so the stories (a parcel
stuck in transit, a recent delivery inside the return window) hold on the day of the seed.

History (delivered orders, closed returns, resolved conversations) is written in bulk with
explicit timestamps instead of replaying the live services: those services notify people
(return emails, chat assignment, websocket broadcasts) about events that happened months ago.
Accounts, articles and the conversations still open today go through the services.
"""

import hashlib
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from accounts.choices import Role, Topic
from accounts.models import AgentProfile, CustomerProfile, MembershipTier, User
from accounts.services import address_create, customer_sign_up
from faq.models import Article, Category
from faq.services import TranslationInput, article_save, category_save
from helpdesk.demo import catalog, people, replies, scripts
from helpdesk.demo.articles import CATEGORIES
from helpdesk.models import (
    AuthorRole,
    CannedReply,
    Channel,
    Conversation,
    Message,
    MessageKind,
    Priority,
    RatingSource,
    SatisfactionRating,
    Status,
    Team,
)
from helpdesk.services.conversations import conversation_open, message_post
from orders.models import (
    REFERENCE_ALPHABET,
    Order,
    OrderItem,
    OrderStatus,
    PaymentStatus,
    ReturnEvent,
    ReturnItem,
    ReturnReason,
    ReturnRequest,
    ReturnStatus,
    Shipment,
    ShipmentStatus,
    TrackingEvent,
)
from orders.services import return_fee

logger = logging.getLogger(__name__)

DEFAULT_SEED = 2026
ORDER_COUNT = 200
CONVERSATION_COUNT = 260
HISTORY_DAYS = 180
# The stories of product.md, told by the demo customer.
STUCK_ORDER_SUFFIX = "0901"
DAMAGED_ORDER_SUFFIX = "0902"

Out = Callable[[str], None]


def _rng(seed: int, stage: str) -> random.Random:
    """One independent stream per stage, so adding to one stage never reshuffles another."""
    return random.Random(f"{seed}:{stage}")


def _reference(prefix: str, seed: int, kind: str, index: int) -> str:
    rng = _rng(seed, f"{kind}:{index}")
    return prefix + "-" + "".join(rng.choice(REFERENCE_ALPHABET) for _ in range(8))


def account_number(email: str) -> str:
    """A customer's stable eight-digit account number (the first half of order numbers)."""
    digest = hashlib.sha256(email.encode()).hexdigest()
    return str(10_000_000 + int(digest[:12], 16) % 90_000_000)


def order_number(email: str, index: int) -> str:
    return f"{account_number(email)}-{index:04d}"


def stuck_order_number() -> str:
    return order_number(people.CUSTOMER_EMAIL, int(STUCK_ORDER_SUFFIX))


def damaged_order_number() -> str:
    return order_number(people.CUSTOMER_EMAIL, int(DAMAGED_ORDER_SUFFIX))


# --- Plans ------------------------------------------------------------------------------------
# Times are "days ago" (floats); negative means in the future.


@dataclass
class OrderPlan:
    number: str
    email: str
    language: str
    city: str
    address: str
    placed_ago: float
    items: list[tuple[catalog.Product, int]]
    payment_method: str
    status: str = OrderStatus.DELIVERED
    payment_status: str = PaymentStatus.PAID
    carrier: str = ""
    tracking: str = ""
    shipped_ago: float | None = None
    delivered_ago: float | None = None
    eta_ago: float | None = None
    shipment_status: str = ""
    events: list[tuple[float, str, str, str]] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((p.price * q for p, q in self.items), Decimal("0.00"))


@dataclass
class ReturnPlan:
    reference: str
    order: OrderPlan
    item_index: int
    reason: str
    status: str
    description: str
    # (status, days ago, note, by an agent?)
    steps: list[tuple[str, float, str, bool]]
    agent_email: str


@dataclass
class ConversationPlan:
    reference: str
    email: str
    language: str
    channel: str
    topic: str
    subject: str
    order_number: str | None
    team: str
    agent_email: str | None
    status: str
    priority: int
    created_ago: float
    # (role "c"/"a"/"n", text, days ago)
    messages: list[tuple[str, str, float]]
    assigned_ago: float | None
    resolved_ago: float | None
    rating: tuple[int, str, str, float] | None  # score, comment, source, days ago


def _first_name(full_name: str, language: str) -> str:
    if language == people.ZH:
        return full_name  # Chinese names are addressed in full
    return full_name.split(" ")[0]


def _latin_city(city: str) -> str:
    return catalog.CITY_LATIN.get(city, city)


def _tracking_events(*, rng: random.Random, warehouse: str, city: str, shipped_ago: float,
                     transit: float, delivered: bool, stuck_after: float | None = None):
    """The carrier's scans from label to doorstep; only those that happened by now."""
    hub = catalog.HUBS.get(city, catalog.HUBS["Moscow"])
    at = [
        (shipped_ago + 0.12, warehouse, ShipmentStatus.LABEL_CREATED,
         "Shipping label created"),
        (shipped_ago, warehouse, ShipmentStatus.IN_TRANSIT, "Handed over to the carrier"),
        (shipped_ago - transit * 0.35, hub, ShipmentStatus.IN_TRANSIT,
         "Arrived at sorting centre"),
        (shipped_ago - transit * 0.5, hub, ShipmentStatus.IN_TRANSIT,
         f"Departed sorting centre, in transit to {city}"),
        (shipped_ago - transit * 0.8, f"{city}, local delivery hub", ShipmentStatus.IN_TRANSIT,
         "Arrived in the destination city"),
        (shipped_ago - transit + 0.2 + rng.random() * 0.1, f"{city}, pickup point",
         ShipmentStatus.OUT_FOR_DELIVERY, "Arrived at the pickup point"),
        (shipped_ago - transit, f"{city}, pickup point", ShipmentStatus.DELIVERED,
         "Delivered to the recipient"),
    ]
    if stuck_after is not None:
        at = [e for e in at if e[0] >= stuck_after]
    if not delivered:
        at = [e for e in at if e[0] > 0 and e[2] != ShipmentStatus.DELIVERED]
    return at


class DemoSeeder:
    """Plans the demo data deterministically and writes what is missing."""

    def __init__(self, *, out: Out, seed: int = DEFAULT_SEED, now: datetime | None = None):
        self.out = out
        self.seed = seed
        self.now = now or timezone.now()
        self.created: dict[str, int] = {}
        self.new_user_ids: list[int] = []

    def at(self, days_ago: float) -> datetime:
        return self.now - timedelta(days=days_ago)

    def progress(self, label: str, done: int, total: int, new: int) -> None:
        self.created[label] = new
        self.out(f"{label} {done}/{total}" + (f" ({new} new)" if new else ""))

    # --- run ------------------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        with transaction.atomic():
            self.seed_staff()
            self.seed_customers()
            self.seed_articles()
            self.seed_canned_replies()
            order_plans = self.plan_orders()
            return_plans = self.plan_returns(order_plans)
            self.seed_orders(order_plans)
            self.seed_returns(return_plans)
            self.seed_conversations(self.plan_conversations(order_plans))
            self.set_passwords()
        return self.created

    # --- people ---------------------------------------------------------------------------

    def seed_staff(self) -> None:
        teams = {}
        for spec in people.TEAMS:
            team, _ = Team.objects.get_or_create(name=spec.name,
                                                 defaults={"topics": list(spec.topics)})
            teams[spec.name] = team
        groups = {g.name: g for g in Group.objects.filter(name__in=[Role.AGENT, Role.MANAGER])}
        existing = {e.lower() for e in User.objects.filter(
            email__in=[s.email for s in people.STAFF] + [people.ADMIN_EMAIL]
        ).values_list("email", flat=True)}
        new = 0
        joined = self.at(400)
        if people.ADMIN_EMAIL not in existing:
            admin = User.objects.create_superuser(email=people.ADMIN_EMAIL, password=None,
                                                  full_name="Demo Admin", date_joined=joined)
            self.new_user_ids.append(admin.pk)
            new += 1
        for spec in people.STAFF:
            if spec.email in existing:
                continue
            user = User.objects.create_user(email=spec.email, password=None,
                                            full_name=spec.full_name, language=spec.language,
                                            is_staff=True, date_joined=joined)
            user.groups.add(groups[spec.role])
            self.new_user_ids.append(user.pk)
            new += 1
            if spec.role == Role.AGENT:
                team = teams[spec.team]
                team.members.add(user)
                AgentProfile.objects.create(
                    user=user, languages=list(spec.languages), skills=list(team.topics),
                    max_concurrent_chats=spec.max_chats,
                )
        total = len(people.STAFF) + 1
        self.progress("staff", total, total, new)

    def seed_customers(self) -> None:
        rng = _rng(self.seed, "customers")
        existing = {e.lower() for e in User.objects.filter(
            email__in=[c.email for c in people.CUSTOMERS]).values_list("email", flat=True)}
        new = 0
        # Hashing the password properly once (not thirty times) keeps the seed fast: the
        # accounts are made with a cheap hasher and then all given the one strong hash.
        fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        with override_settings(PASSWORD_HASHERS=fast):
            for spec in people.CUSTOMERS:
                joined_ago = 250 + rng.random() * 400
                if spec.email in existing:
                    continue
                user = customer_sign_up(email=spec.email, password=people.DEMO_PASSWORD,
                                        full_name=spec.full_name, language=spec.language)
                User.objects.filter(pk=user.pk).update(date_joined=self.at(joined_ago))
                CustomerProfile.objects.filter(user=user).update(
                    phone=spec.phone,
                    tier=MembershipTier.PREMIUM if spec.premium else MembershipTier.STANDARD,
                )
                line1, city, region, postal = spec.address
                address_create(user=user, label=_home_label(spec.language),
                               recipient=spec.full_name, phone=spec.phone, line1=line1,
                               city=city, region=region, postal_code=postal, country="RU")
                self.new_user_ids.append(user.pk)
                new += 1
        total = len(people.CUSTOMERS)
        self.progress("customers", total, total, new)

    def set_passwords(self) -> None:
        if self.new_user_ids:
            User.objects.filter(pk__in=self.new_user_ids).update(
                password=make_password(people.DEMO_PASSWORD))

    # --- help center ----------------------------------------------------------------------

    def seed_articles(self) -> None:
        rng = _rng(self.seed, "articles")
        existing_categories = set(Category.objects.values_list("slug", flat=True))
        existing = set(Article.objects.values_list("slug", flat=True))
        total = sum(len(c.articles) for c in CATEGORIES)
        new = 0
        for position, spec in enumerate(CATEGORIES):
            if spec.slug in existing_categories:
                category = Category.objects.get(slug=spec.slug)
            else:
                category = category_save(slug=spec.slug, topic=spec.topic, icon=spec.icon,
                                         position=position, names=spec.translations)
            for article_position, article in enumerate(spec.articles):
                views = int(rng.paretovariate(1.2) * 40)
                if article.slug in existing:
                    continue
                saved = article_save(
                    slug=article.slug, category=category, position=article_position,
                    translations={lang: TranslationInput(title=t.title, summary=t.summary,
                                                         body=t.body)
                                  for lang, t in article.translations.items()},
                )
                Article.objects.filter(pk=saved.pk).update(views=views)
                new += 1
        self.progress("articles", total, total, new)

    def seed_canned_replies(self) -> None:
        existing = set(CannedReply.objects.values_list("shortcut", flat=True))
        wanted = [
            CannedReply(title=title, shortcut=replies.shortcut(spec.key, lang), language=lang,
                        topic=spec.topic, body=body)
            for spec in replies.REPLIES
            for lang, (title, body) in spec.translations.items()
        ]
        missing = [r for r in wanted if r.shortcut not in existing]
        CannedReply.objects.bulk_create(missing)
        self.progress("canned replies", len(wanted), len(wanted), len(missing))

    # --- orders ---------------------------------------------------------------------------

    def plan_orders(self) -> list[OrderPlan]:
        rng = _rng(self.seed, "orders")
        customers = people.CUSTOMERS
        weights = [3 if c.premium else 2 for c in customers]
        counters: dict[str, int] = {}
        plans = []
        for _ in range(ORDER_COUNT):
            spec = rng.choices(customers, weights)[0]
            bucket = rng.random()
            if bucket < 0.12:
                placed_ago = rng.uniform(0.05, 7)
            elif bucket < 0.35:
                placed_ago = rng.uniform(7, 30)
            else:
                placed_ago = rng.uniform(30, 240)
            if spec.email == people.CUSTOMER_EMAIL:
                # The demo customer's only recent orders are the two stories.
                placed_ago = max(placed_ago, 45.0)
            category_pool = rng.sample(catalog.PRODUCTS, k=rng.choice([1, 1, 1, 2, 2, 3]))
            items = [(p, rng.choice([1, 1, 1, 1, 2, 3])) for p in category_pool]
            method = rng.choice(catalog.PAYMENT_METHODS)
            cancel_roll, fail_roll = rng.random(), rng.random()
            handling = rng.uniform(0.2, 1.5)
            transit = rng.uniform(1.5, 6.5)
            eta_slack = rng.uniform(0.0, 1.5)
            carrier = rng.choice(list(catalog.CARRIERS))
            tracking_digits = rng.randrange(10**11, 10**12)
            warehouse = rng.choice(catalog.WAREHOUSES)
            event_rng = random.Random(rng.random())
            counters[spec.email] = counters.get(spec.email, 0) + 1
            plan = OrderPlan(
                number=order_number(spec.email, counters[spec.email]), email=spec.email,
                language=spec.language, city=_latin_city(spec.address[1]),
                address=_address_text(spec), placed_ago=placed_ago, items=items,
                payment_method=method,
            )
            self._order_timeline(plan, rng=event_rng, cancel_roll=cancel_roll,
                                 fail_roll=fail_roll, handling=handling, transit=transit,
                                 eta_slack=eta_slack, carrier=carrier,
                                 tracking_digits=tracking_digits, warehouse=warehouse)
            plans.append(plan)
        plans.extend(self._story_orders(rng))
        return plans

    def _order_timeline(self, plan: OrderPlan, *, rng, cancel_roll, fail_roll, handling,
                        transit, eta_slack, carrier, tracking_digits, warehouse) -> None:
        cod = plan.payment_method == "Cash on delivery"
        if cancel_roll < 0.07 and plan.placed_ago > handling:
            plan.status = OrderStatus.CANCELLED
            plan.payment_status = (PaymentStatus.FAILED if fail_roll < 0.5 or cod
                                   else PaymentStatus.REFUNDED)
            return
        shipped_ago = plan.placed_ago - handling
        if shipped_ago <= 0:
            plan.status = (OrderStatus.PROCESSING if plan.placed_ago > 0.1
                           else OrderStatus.PLACED)
            plan.payment_status = PaymentStatus.PENDING if (
                cod or plan.status == OrderStatus.PLACED) else PaymentStatus.PAID
            return
        plan.carrier = carrier
        plan.tracking = f"{catalog.CARRIERS[carrier]}{tracking_digits}RU"
        plan.shipped_ago = shipped_ago
        plan.eta_ago = shipped_ago - transit - eta_slack
        delivered = shipped_ago - transit > 0
        plan.events = _tracking_events(rng=rng, warehouse=warehouse, city=plan.city,
                                       shipped_ago=shipped_ago, transit=transit,
                                       delivered=delivered)
        if delivered:
            plan.status = OrderStatus.DELIVERED
            plan.delivered_ago = shipped_ago - transit
            plan.payment_status = PaymentStatus.PAID
            plan.shipment_status = ShipmentStatus.DELIVERED
        else:
            plan.status = OrderStatus.SHIPPED
            plan.payment_status = PaymentStatus.PENDING if cod else PaymentStatus.PAID
            plan.shipment_status = plan.events[-1][2]

    def _story_orders(self, rng: random.Random) -> list[OrderPlan]:
        spec = people.CUSTOMERS[0]
        assert spec.email == people.CUSTOMER_EMAIL
        products = catalog.PRODUCTS_BY_SKU
        city = _latin_city(spec.address[1])
        # 1. Electronics, shipped ten days ago; the last scan was a week ago.
        stuck = OrderPlan(
            number=stuck_order_number(), email=spec.email, language=spec.language, city=city,
            address=_address_text(spec), placed_ago=11.2,
            items=[(products["EL-1001"], 1), (products["EL-1004"], 1)],
            payment_method="Bank card", status=OrderStatus.SHIPPED,
            payment_status=PaymentStatus.PAID, carrier="CDEK",
            tracking="CD804417730925RU", shipped_ago=10.4, eta_ago=4.0,
            shipment_status=ShipmentStatus.IN_TRANSIT,
        )
        stuck.events = [
            (10.55, "Kazan, fulfilment centre", ShipmentStatus.LABEL_CREATED,
             "Shipping label created"),
            (10.4, "Kazan, fulfilment centre", ShipmentStatus.IN_TRANSIT,
             "Handed over to the carrier"),
            (9.7, catalog.HUBS["Kazan"], ShipmentStatus.IN_TRANSIT, "Arrived at sorting centre"),
            (7.1, catalog.HUBS["Kazan"], ShipmentStatus.IN_TRANSIT,
             "Departed sorting centre, in transit to Moscow"),
        ]
        # 2. A home product delivered three days ago: inside the return window.
        damaged = OrderPlan(
            number=damaged_order_number(), email=spec.email, language=spec.language, city=city,
            address=_address_text(spec), placed_ago=8.3,
            items=[(products["HM-2001"], 1), (products["HM-2006"], 1)],
            payment_method="Bank card", status=OrderStatus.DELIVERED,
            payment_status=PaymentStatus.PAID, carrier="Marketplace Courier",
            tracking="MC562093318846RU", shipped_ago=7.5, delivered_ago=3.1, eta_ago=3.0,
            shipment_status=ShipmentStatus.DELIVERED,
        )
        damaged.events = _tracking_events(rng=rng, warehouse=catalog.WAREHOUSES[0], city=city,
                                          shipped_ago=7.5, transit=4.4, delivered=True)
        return [stuck, damaged]

    def seed_orders(self, plans: list[OrderPlan]) -> None:
        existing = set(Order.objects.filter(number__in=[p.number for p in plans])
                       .values_list("number", flat=True))
        missing = [p for p in plans if p.number not in existing]
        users = self._users_by_email()
        orders = Order.objects.bulk_create([
            Order(
                number=p.number, customer=users[p.email], status=p.status,
                payment_status=p.payment_status, payment_method=p.payment_method,
                currency="RUB", total=p.total, shipping_address=p.address,
                placed_at=self.at(p.placed_ago),
                delivered_at=self.at(p.delivered_ago) if p.delivered_ago is not None else None,
            )
            for p in missing
        ])
        items, shipments = [], []
        for order, plan in zip(orders, missing, strict=True):
            items.extend(
                OrderItem(order=order, sku=product.sku, name=product.name(plan.language),
                          category=product.category, quantity=qty, unit_price=product.price)
                for product, qty in plan.items
            )
            if plan.shipped_ago is not None:
                shipments.append(Shipment(
                    order=order, carrier=plan.carrier, tracking_number=plan.tracking,
                    status=plan.shipment_status, shipped_at=self.at(plan.shipped_ago),
                    estimated_delivery=timezone.localdate(self.at(plan.eta_ago)),
                    delivered_at=(self.at(plan.delivered_ago)
                                  if plan.delivered_ago is not None else None),
                ))
        OrderItem.objects.bulk_create(items, batch_size=500)
        Shipment.objects.bulk_create(shipments, batch_size=500)
        by_order = {s.order_id: s for s in shipments}
        events = [
            TrackingEvent(shipment=by_order[order.pk], occurred_at=self.at(ago),
                          location=location, status=status, description=description)
            for order, plan in zip(orders, missing, strict=True) if order.pk in by_order
            for ago, location, status, description in plan.events
        ]
        TrackingEvent.objects.bulk_create(events, batch_size=500)
        self.progress("orders", len(plans), len(plans), len(missing))

    # --- returns --------------------------------------------------------------------------

    def plan_returns(self, orders: list[OrderPlan]) -> list[ReturnPlan]:
        """A handful of returns in every status, each on a different delivered order.

        Refunds change the order's payment status in the plan, before orders are written.
        """
        rng = _rng(self.seed, "returns")
        window = settings.RETURN_WINDOW_DAYS
        agents = [s.email for s in people.STAFF if s.team == people.TEAM_PAYMENTS.name]
        used: set[str] = set()

        def pick(min_ago: float, max_ago: float, email: str | None = None) -> OrderPlan | None:
            candidates = [o for o in orders if o.status == OrderStatus.DELIVERED
                          and o.number not in used and o.delivered_ago is not None
                          and min_ago <= o.delivered_ago <= max_ago
                          and o.number != damaged_order_number()
                          and (o.email == email if email else o.email != people.CUSTOMER_EMAIL)]
            if not candidates:
                return None
            chosen = rng.choice(candidates)
            used.add(chosen.number)
            return chosen

        wanted = [  # (status, reason, delivered at least / at most days ago, customer)
            (ReturnStatus.REFUNDED, ReturnReason.DAMAGED, 60, 200, people.CUSTOMER_EMAIL),
            (ReturnStatus.REQUESTED, ReturnReason.DAMAGED, 1.5, 10, None),
            (ReturnStatus.REQUESTED, ReturnReason.CHANGED_MIND, 1, 20, None),
            (ReturnStatus.APPROVED, ReturnReason.WRONG_ITEM, 4, 25, None),
            (ReturnStatus.RECEIVED, ReturnReason.DEFECTIVE, 8, 28, None),
            (ReturnStatus.REFUNDED, ReturnReason.NOT_AS_DESCRIBED, 30, 200, None),
            (ReturnStatus.REFUNDED, ReturnReason.CHANGED_MIND, 30, 200, None),
            (ReturnStatus.REFUNDED, ReturnReason.DEFECTIVE, 15, 200, None),
            (ReturnStatus.REJECTED, ReturnReason.CHANGED_MIND, 20, 200, None),
            (ReturnStatus.CANCELLED, ReturnReason.CHANGED_MIND, 20, 200, None),
        ]
        plans = []
        for index, (status, reason, min_ago, max_ago, email) in enumerate(wanted):
            order = pick(min_ago, max_ago, email)
            offsets = [rng.uniform(0.5, min(8, window - 1)), rng.uniform(0.1, 1.0),
                       rng.uniform(1.5, 4), rng.uniform(0.5, 2)]
            item_index = rng.randrange(3)
            agent = rng.choice(agents)
            if order is None:
                continue
            requested = order.delivered_ago - min(offsets[0], order.delivered_ago * 0.6)
            chain = {
                ReturnStatus.REQUESTED: [ReturnStatus.REQUESTED],
                ReturnStatus.APPROVED: [ReturnStatus.REQUESTED, ReturnStatus.APPROVED],
                ReturnStatus.REJECTED: [ReturnStatus.REQUESTED, ReturnStatus.REJECTED],
                ReturnStatus.CANCELLED: [ReturnStatus.REQUESTED, ReturnStatus.CANCELLED],
                ReturnStatus.RECEIVED: [ReturnStatus.REQUESTED, ReturnStatus.APPROVED,
                                        ReturnStatus.RECEIVED],
                ReturnStatus.REFUNDED: [ReturnStatus.REQUESTED, ReturnStatus.APPROVED,
                                        ReturnStatus.RECEIVED, ReturnStatus.REFUNDED],
            }[status]
            steps, ago = [], requested
            for step_index, step in enumerate(chain):
                if step_index:
                    # Steps keep their order and never reach into the future.
                    ago = max(ago - offsets[step_index], ago * 0.5)
                by_agent = step in (ReturnStatus.APPROVED, ReturnStatus.REJECTED,
                                    ReturnStatus.REFUNDED)
                steps.append((step, ago, _return_note(step, order.language), by_agent))
            plan = ReturnPlan(
                reference=_reference("RT", self.seed, "return", index), order=order,
                item_index=item_index % len(order.items), reason=reason, status=status,
                description=scripts.RETURN_DESCRIPTIONS[reason][order.language],
                steps=steps, agent_email=agent,
            )
            if status == ReturnStatus.REFUNDED:
                product, qty = order.items[plan.item_index]
                refund = product.price * qty - return_fee(reason=reason)
                order.payment_status = (PaymentStatus.REFUNDED if refund >= order.total
                                        else PaymentStatus.PARTIALLY_REFUNDED)
            plans.append(plan)
        return plans

    def seed_returns(self, plans: list[ReturnPlan]) -> None:
        existing = set(ReturnRequest.objects.filter(reference__in=[p.reference for p in plans])
                       .values_list("reference", flat=True))
        users = self._users_by_email()
        new = 0
        for plan in plans:
            if plan.reference in existing:
                continue
            order = Order.objects.get(number=plan.order.number)
            item = list(order.items.order_by("id"))[plan.item_index]
            fee = return_fee(reason=plan.reason)
            request = ReturnRequest.objects.create(
                reference=plan.reference, order=order, customer=order.customer,
                status=plan.status, reason=plan.reason, description=plan.description,
                fee=fee, refund_amount=max(item.unit_price * item.quantity - fee, Decimal("0")),
            )
            ReturnItem.objects.create(return_request=request, order_item=item,
                                      quantity=item.quantity)
            events = ReturnEvent.objects.bulk_create([
                ReturnEvent(return_request=request, status=status, note=note,
                            actor=users[plan.agent_email] if by_agent else (
                                order.customer if status in (ReturnStatus.REQUESTED,
                                                             ReturnStatus.CANCELLED) else None))
                for status, _ago, note, by_agent in plan.steps
            ])
            for event, (_status, ago, _note, _by) in zip(events, plan.steps, strict=True):
                ReturnEvent.objects.filter(pk=event.pk).update(created_at=self.at(ago))
            ReturnRequest.objects.filter(pk=request.pk).update(
                created_at=self.at(plan.steps[0][1]), updated_at=self.at(plan.steps[-1][1]))
            new += 1
        self.progress("returns", len(plans), len(plans), new)

    # --- conversations --------------------------------------------------------------------

    def plan_conversations(self, orders: list[OrderPlan]) -> list[ConversationPlan]:
        rng = _rng(self.seed, "conversations")
        by_topic: dict[str, list[scripts.Script]] = {}
        for script in scripts.SCRIPTS:
            by_topic.setdefault(script.topic, []).append(script)
        topics = [Topic.ORDERS, Topic.RETURNS, Topic.PAYMENT, Topic.ACCOUNT, Topic.PROMOTIONS,
                  Topic.MEMBERSHIP, Topic.TECHNICAL]
        topic_weights = [30, 20, 15, 10, 8, 7, 10]
        channels = [Channel.CHAT, Channel.EMAIL, Channel.WEB, Channel.PHONE]
        channel_weights = [50, 20, 20, 10]
        customers = {c.email: c for c in people.CUSTOMERS}
        staff = {s.email: s for s in people.STAFF}
        recent_orders = [o for o in orders if o.placed_ago <= HISTORY_DAYS
                         and o.number not in (stuck_order_number(), damaged_order_number())]
        plans = []
        for index in range(CONVERSATION_COUNT):
            # Every draw happens on every iteration, so the plan never depends on the date.
            topic = rng.choices(topics, topic_weights)[0]
            script = rng.choice(by_topic[topic])
            channel = rng.choices(channels, channel_weights)[0]
            order = rng.choice(recent_orders)
            other = rng.choice(people.CUSTOMERS)
            created_roll, lag = rng.random(), rng.random()
            waits = [rng.random() for _ in range(8)]
            outcome, score_roll, comment_roll, comment_pick = (rng.random(), rng.random(),
                                                               rng.random(), rng.random())
            agent_pick, priority_roll, survey_delay = rng.random(), rng.random(), rng.random()
            if index < 2:  # the demo customer's own past requests
                other = customers[people.CUSTOMER_EMAIL]
                script = by_topic[[Topic.PROMOTIONS, Topic.PAYMENT][index]][index]
                topic = script.topic
            if script.needs_order:
                customer = customers[order.email]
                if topic == Topic.ORDERS and order.shipped_ago is not None:
                    start = order.shipped_ago - (order.shipped_ago - max(
                        order.delivered_ago or 0, 0)) * (0.3 + 0.6 * lag)
                elif topic == Topic.RETURNS and order.delivered_ago is not None:
                    start = order.delivered_ago - min(order.delivered_ago * 0.8, 2 + 10 * lag)
                else:
                    start = order.placed_ago - min(order.placed_ago * 0.5, 0.05 + 1.5 * lag)
            else:
                customer = other
                start = 0.05 + (HISTORY_DAYS - 0.05) * (created_roll ** 1.3)
            team = (people.TEAM_ORDERS if topic in people.TEAM_ORDERS.topics
                    else people.TEAM_PAYMENTS)
            members = [s for s in people.STAFF if s.team == team.name]
            speakers = [s for s in members if customer.language in s.languages] or members
            agent = speakers[int(agent_pick * len(speakers))]
            plans.append(self._conversation_plan(
                index=index, customer=customer, script=script, channel=channel,
                order=order if script.needs_order else None, start=max(start, 0.02),
                team=team.name, agent=staff[agent.email], waits=waits, outcome=outcome,
                score_roll=score_roll, comment_roll=comment_roll, comment_pick=comment_pick,
                priority_roll=priority_roll, survey_delay=survey_delay,
            ))
        return plans

    def _conversation_plan(self, *, index, customer, script, channel, order, start, team,
                           agent, waits, outcome, score_roll, comment_roll, comment_pick,
                           priority_roll, survey_delay) -> ConversationPlan:
        language = customer.language
        subject, lines = script.translations[language]
        minute = 1 / 1440
        if channel == Channel.CHAT:
            first_wait, gap = (0.5 + 6 * waits[0]) * minute, (1 + 4 * waits[1]) * minute
        elif channel == Channel.PHONE:
            first_wait, gap = (0.2 + 2 * waits[0]) * minute, (0.5 + 2 * waits[1]) * minute
        else:
            first_wait, gap = (15 + 600 * waits[0]) * minute, (30 + 500 * waits[1]) * minute
        eta = order.eta_ago if order and order.eta_ago is not None else -2
        fill = {
            "name": _first_name(customer.full_name, language),
            "agent": _first_name(agent.full_name, agent.language),
            "order": order.number if order else "",
            "date": timezone.localdate(self.at(min(eta, -1))).isoformat(),
        }
        # Open conversations are the recent ones; everything older is settled.
        is_open = start < 1.5 and outcome < 0.6
        shown = lines if not is_open else lines[:2 + int(waits[7] * (len(lines) - 2))]
        messages, ago = [], start
        assigned_ago = start - first_wait * 0.6
        for i, (role, text) in enumerate(shown):
            if i == 1:
                ago = start - first_wait
            elif i:
                ago -= gap * (0.5 + waits[2 + i % 5]) if role != "n" else minute
            messages.append((role, text.format(**fill), max(ago, 0.001)))
        # Assigned before (or when) the first answer was written, never in the future.
        assigned_ago = max(assigned_ago, messages[1][2])
        last = messages[-1][2]
        status, resolved_ago, rating = Status.RESOLVED, None, None
        if is_open:
            status = Status.PENDING if shown[-1][0] == "a" else Status.OPEN
        else:
            resolved_ago = max(last - (2 if channel == Channel.CHAT else 30) * minute, 0.0005)
            if outcome > 0.92:
                status = Status.CLOSED
            if outcome < 0.7:
                score = _score(score_roll)
                source = RatingSource.CHAT if channel == Channel.CHAT else RatingSource.SURVEY
                rated_ago = resolved_ago - (minute if source == RatingSource.CHAT
                                            else (0.1 + 2 * survey_delay))
                comments = (scripts.LOW_COMMENTS if score <= 3 else scripts.HIGH_COMMENTS)[language]
                comment = ""
                if score <= 2 or (score == 3 and comment_roll < 0.5) or comment_roll < 0.3:
                    comment = comments[int(comment_pick * len(comments))]
                rating = (score, comment, source, max(rated_ago, 0.0002))
        priority = Priority.NORMAL
        if customer.premium and priority_roll < 0.4:
            priority = Priority.HIGH
        elif script.topic == Topic.PAYMENT and priority_roll < 0.3:
            priority = Priority.HIGH
        elif priority_roll > 0.93:
            priority = Priority.LOW
        return ConversationPlan(
            reference=_reference("HD", self.seed, "conversation", index), email=customer.email,
            language=language, channel=channel, topic=script.topic,
            subject=subject.format(**fill), order_number=order.number if order else None,
            team=team, agent_email=agent.email, status=status, priority=priority,
            created_ago=start, messages=messages, assigned_ago=assigned_ago,
            resolved_ago=resolved_ago, rating=rating,
        )

    def seed_conversations(self, plans: list[ConversationPlan]) -> None:
        existing = set(Conversation.objects.filter(reference__in=[p.reference for p in plans])
                       .values_list("reference", flat=True))
        missing = [p for p in plans if p.reference not in existing]
        users = self._users_by_email()
        teams = {t.name: t for t in Team.objects.all()}
        orders = {o.number: o for o in Order.objects.filter(
            number__in={p.order_number for p in missing if p.order_number})}
        live = [p for p in missing if p.status in (Status.OPEN, Status.PENDING)]
        history = [p for p in missing if p not in live]
        self._write_history(history, users=users, teams=teams, orders=orders)
        for plan in live:
            self._write_live(plan, users=users, teams=teams, orders=orders)
        self.progress("conversations", len(plans), len(plans), len(missing))
        ratings = sum(1 for p in plans if p.rating)
        self.progress("ratings", ratings, ratings,
                      sum(1 for p in missing if p.rating))

    def _write_history(self, plans, *, users, teams, orders) -> None:
        conversations = Conversation.objects.bulk_create([
            Conversation(
                reference=p.reference, customer=users[p.email], channel=p.channel,
                status=p.status, topic=p.topic, priority=p.priority, language=p.language,
                subject=p.subject[:200], order=orders.get(p.order_number),
                team=teams[p.team], assignee=users[p.agent_email],
                last_seq=len(p.messages), created_at=self.at(p.created_ago),
                queued_at=self.at(p.created_ago) if p.channel == Channel.CHAT else None,
                assigned_at=self.at(p.assigned_ago),
                first_response_at=self.at(_first_agent_message(p)),
                resolved_at=self.at(p.resolved_ago),
            )
            for p in plans
        ], batch_size=200)
        messages, ratings = [], []
        for conversation, plan in zip(conversations, plans, strict=True):
            for seq, (role, text, ago) in enumerate(plan.messages, start=1):
                messages.append(self._message(conversation, plan, seq, role, text, ago,
                                              users=users, read=True))
            if plan.rating:
                score, comment, source, ago = plan.rating
                ratings.append(SatisfactionRating(conversation=conversation, score=score,
                                                  comment=comment, source=source,
                                                  created_at=self.at(ago)))
        Message.objects.bulk_create(messages, batch_size=500)
        SatisfactionRating.objects.bulk_create(ratings, batch_size=500)
        # updated_at is auto_now: bring it back to the conversation's last activity.
        for conversation, plan in zip(conversations, plans, strict=True):
            conversation.updated_at = self.at(plan.resolved_ago)
        Conversation.objects.bulk_update(conversations, ["updated_at"], batch_size=200)

    def _write_live(self, plan: ConversationPlan, *, users, teams, orders) -> None:
        """Conversations still open today go through the services, then get their times."""
        customer, agent = users[plan.email], users[plan.agent_email]
        # A chat would wait in the queue for assignment; an open one is shown as written.
        channel = Channel.WEB if plan.channel == Channel.CHAT else plan.channel
        conversation = conversation_open(
            customer=customer, channel=channel, topic=plan.topic,
            description=plan.messages[0][1], order=orders.get(plan.order_number),
            subject=plan.subject[:200], language=plan.language,
        )
        for role, text, _ago in plan.messages[1:]:
            message_post(conversation=conversation,
                         author=customer if role == "c" else agent,
                         author_role=AuthorRole.CUSTOMER if role == "c" else AuthorRole.AGENT,
                         body=text,
                         kind=MessageKind.NOTE if role == "n" else MessageKind.MESSAGE)
        first_response = _first_agent_message(plan)
        Conversation.objects.filter(pk=conversation.pk).update(
            reference=plan.reference, channel=channel, status=plan.status,
            priority=plan.priority, team=teams[plan.team], assignee=agent,
            created_at=self.at(plan.created_ago), queued_at=None,
            assigned_at=self.at(plan.assigned_ago),
            first_response_at=self.at(first_response) if first_response is not None else None,
            updated_at=self.at(plan.messages[-1][2]),
        )
        stored = list(Message.objects.filter(conversation=conversation).order_by("seq"))
        for message, (_role, _text, ago) in zip(stored, plan.messages, strict=True):
            message.created_at = self.at(ago)
        Message.objects.bulk_update(stored, ["created_at"])

    def _message(self, conversation, plan, seq, role, text, ago, *, users, read) -> Message:
        is_customer = role == "c"
        created = self.at(ago)
        return Message(
            conversation=conversation, seq=seq,
            author=users[plan.email] if is_customer else users[plan.agent_email],
            author_role=AuthorRole.CUSTOMER if is_customer else AuthorRole.AGENT,
            kind=MessageKind.NOTE if role == "n" else MessageKind.MESSAGE,
            body=text, created_at=created,
            read_at=created + timedelta(seconds=40) if read and role != "n" else None,
        )

    def _users_by_email(self) -> dict[str, User]:
        emails = [s.email for s in people.STAFF] + [c.email for c in people.CUSTOMERS]
        return {u.email: u for u in User.objects.filter(email__in=emails)}


def _first_agent_message(plan: ConversationPlan) -> float | None:
    return next((ago for role, _text, ago in plan.messages if role == "a"), None)


def _score(roll: float) -> int:
    """Mostly 4 and 5, with a tail of unhappy customers."""
    for score, upto in ((5, 0.58), (4, 0.82), (3, 0.89), (2, 0.945), (1, 1.0)):
        if roll < upto:
            return score
    return 5


def _home_label(language: str) -> str:
    return {"ru": "Дом", "zh-hans": "家"}.get(language, "Home")


def _address_text(spec: people.CustomerSpec) -> str:
    line1, city, region, postal = spec.address
    return "\n".join([spec.full_name, line1, f"{city}, {region}", postal, spec.phone])


def _return_note(status: str, language: str) -> str:
    return scripts.RETURN_NOTES.get(status, {}).get(language, "")


def seed_demo(*, out: Out, seed: int = DEFAULT_SEED, now: datetime | None = None) -> dict:
    """Create whatever part of the demo data is missing; return what was created per kind."""
    return DemoSeeder(out=out, seed=seed, now=now).run()
