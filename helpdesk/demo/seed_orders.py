"""Demo seed stage: orders with their shipments and tracking, and returns.

Written in bulk with explicit timestamps: the live services would notify people about events
that happened months ago.
"""

import random
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from helpdesk.demo import catalog, people, scripts
from helpdesk.demo.plans import (
    ORDER_COUNT,
    OrderPlan,
    ReturnPlan,
    address_text,
    damaged_order_number,
    latin_city,
    make_reference,
    order_number,
    return_note,
    stage_rng,
    stuck_order_number,
    tracking_events,
)
from helpdesk.demo.seed_base import SeederBase
from orders.models import (
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


class OrdersSeeder(SeederBase):
    """Plans and writes orders (with shipments and tracking) and returns."""

    def plan_orders(self) -> list[OrderPlan]:
        rng = stage_rng(self.seed, "orders")
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
                language=spec.language, city=latin_city(spec.address[1]),
                address=address_text(spec), placed_ago=placed_ago, items=items,
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
        plan.events = tracking_events(rng=rng, warehouse=warehouse, city=plan.city,
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
        city = latin_city(spec.address[1])
        # 1. Electronics, shipped ten days ago; the last scan was a week ago.
        stuck = OrderPlan(
            number=stuck_order_number(), email=spec.email, language=spec.language, city=city,
            address=address_text(spec), placed_ago=11.2,
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
            address=address_text(spec), placed_ago=8.3,
            items=[(products["HM-2001"], 1), (products["HM-2006"], 1)],
            payment_method="Bank card", status=OrderStatus.DELIVERED,
            payment_status=PaymentStatus.PAID, carrier="Marketplace Courier",
            tracking="MC562093318846RU", shipped_ago=7.5, delivered_ago=3.1, eta_ago=3.0,
            shipment_status=ShipmentStatus.DELIVERED,
        )
        damaged.events = tracking_events(rng=rng, warehouse=catalog.WAREHOUSES[0], city=city,
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
        rng = stage_rng(self.seed, "returns")
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
                steps.append((step, ago, return_note(step, order.language), by_agent))
            plan = ReturnPlan(
                reference=make_reference("RT", self.seed, "return", index), order=order,
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
