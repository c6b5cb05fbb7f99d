"""The demo's plans: what ``seed_demo`` will write, as plain data, and the pure helpers.

Nothing here touches the database. Times are "days ago" (floats); negative means in the future.
"""

import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from helpdesk.demo import catalog, people, scripts
from orders.models import REFERENCE_ALPHABET, OrderStatus, PaymentStatus, ShipmentStatus

DEFAULT_SEED = 2026
ORDER_COUNT = 200
CONVERSATION_COUNT = 260
HISTORY_DAYS = 180
# The stories of product.md, told by the demo customer.
STUCK_ORDER_SUFFIX = "0901"
DAMAGED_ORDER_SUFFIX = "0902"

Out = Callable[[str], None]


def stage_rng(seed: int, stage: str) -> random.Random:
    """One independent stream per stage, so adding to one stage never reshuffles another."""
    return random.Random(f"{seed}:{stage}")


def make_reference(prefix: str, seed: int, kind: str, index: int) -> str:
    rng = stage_rng(seed, f"{kind}:{index}")
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


def first_name(full_name: str, language: str) -> str:
    if language == people.ZH:
        return full_name  # Chinese names are addressed in full
    return full_name.split(" ")[0]


def latin_city(city: str) -> str:
    return catalog.CITY_LATIN.get(city, city)


def tracking_events(*, rng: random.Random, warehouse: str, city: str, shipped_ago: float,
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


def first_agent_message(plan: ConversationPlan) -> float | None:
    return next((ago for role, _text, ago in plan.messages if role == "a"), None)


def rating_score(roll: float) -> int:
    """Mostly 4 and 5, with a tail of unhappy customers."""
    for score, upto in ((5, 0.58), (4, 0.82), (3, 0.89), (2, 0.945), (1, 1.0)):
        if roll < upto:
            return score
    return 5


def home_label(language: str) -> str:
    return {"ru": "Дом", "zh-hans": "家"}.get(language, "Home")


def address_text(spec: people.CustomerSpec) -> str:
    line1, city, region, postal = spec.address
    return "\n".join([spec.full_name, line1, f"{city}, {region}", postal, spec.phone])


def return_note(status: str, language: str) -> str:
    return scripts.RETURN_NOTES.get(status, {}).get(language, "")
