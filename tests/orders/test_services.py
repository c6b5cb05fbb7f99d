from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from orders import services
from orders.models import (
    OrderStatus,
    PaymentStatus,
    ReturnEvent,
    ReturnReason,
    ReturnRequest,
    ReturnStatus,
)
from tests.factories import AgentFactory, OrderFactory, OrderItemFactory
from tests.orders.conftest import make_delivered_order, png_upload

pytestmark = pytest.mark.django_db


def items_of(order):
    return list(order.items.order_by("id"))


def create(order, customer=None, quantities=None, reason=ReturnReason.DAMAGED, **kwargs):
    first, _second = items_of(order)
    return services.return_request_create(
        customer=customer or order.customer, order=order,
        quantities=quantities if quantities is not None else {first.pk: 1},
        reason=reason, **kwargs,
    )


@pytest.fixture
def agent(db):
    return AgentFactory()


def test_customer_requests_a_return_and_gets_a_reference_and_a_timeline(order):
    first, second = items_of(order)
    request = services.return_request_create(
        customer=order.customer, order=order, quantities={first.pk: 2, second.pk: 1},
        reason=ReturnReason.DAMAGED, description="The box was crushed",
    )
    assert request.reference.startswith("RT-")
    assert request.status == ReturnStatus.REQUESTED
    assert {(i.order_item_id, i.quantity) for i in request.items.all()} == {
        (first.pk, 2), (second.pk, 1)}
    assert request.fee == Decimal("0.00")
    assert request.refund_amount == Decimal("3990.00")
    assert list(request.events.values_list("status", flat=True)) == [ReturnStatus.REQUESTED]


def test_changed_mind_costs_the_fixed_fee_from_settings(order, settings):
    settings.RETURN_CHANGED_MIND_FEE = "250.00"
    request = create(order, reason=ReturnReason.CHANGED_MIND)
    assert request.fee == Decimal("250.00")
    assert request.refund_amount == Decimal("1250.00")


@pytest.mark.parametrize("reason", [ReturnReason.DAMAGED, ReturnReason.DEFECTIVE,
                                    ReturnReason.WRONG_ITEM])
def test_faulty_items_return_for_free(order, reason):
    assert create(order, reason=reason).fee == Decimal("0.00")


def test_quote_matches_what_the_request_records(order, settings):
    settings.RETURN_CHANGED_MIND_FEE = "199.00"
    first, second = items_of(order)
    quote = services.return_quote(order=order, reason=ReturnReason.CHANGED_MIND,
                                  quantities={first.pk: 1, second.pk: 1})
    assert (quote.items_total, quote.fee, quote.refund) == (
        Decimal("2490.00"), Decimal("199.00"), Decimal("2291.00"))
    request = create(order, quantities={first.pk: 1, second.pk: 1},
                     reason=ReturnReason.CHANGED_MIND)
    assert (request.fee, request.refund_amount) == (quote.fee, quote.refund)


def test_someone_elses_order_is_refused(order, stranger):
    with pytest.raises(ValidationError):
        create(order, customer=stranger)
    assert not ReturnRequest.objects.exists()


def test_undelivered_order_cannot_be_returned(customer):
    order = OrderFactory(customer=customer, status=OrderStatus.SHIPPED)
    item = OrderItemFactory(order=order)
    with pytest.raises(ValidationError, match="delivered"):
        services.return_request_create(customer=customer, order=order,
                                       quantities={item.pk: 1}, reason=ReturnReason.DAMAGED)


def test_return_window_is_enforced(customer, settings):
    settings.RETURN_WINDOW_DAYS = 30
    inside = make_delivered_order(customer, days_ago=29)
    create(inside)
    outside = make_delivered_order(customer, days_ago=31)
    with pytest.raises(ValidationError, match="window"):
        create(outside)


def test_never_more_than_was_bought(order):
    first, _ = items_of(order)  # bought 2
    with pytest.raises(ValidationError) as exc:
        create(order, quantities={first.pk: 3})
    assert "at most 2" in str(exc.value)


def test_item_of_another_order_is_refused(order, strangers_order):
    foreign = items_of(strangers_order)[0]
    with pytest.raises(ValidationError, match="this order"):
        create(order, quantities={foreign.pk: 1})


def test_no_second_open_return_for_the_same_items(order):
    first, second = items_of(order)
    create(order, quantities={first.pk: 1})
    with pytest.raises(ValidationError, match="already in a return"):
        create(order, quantities={first.pk: 1})
    # Other items of the order are still free to return.
    create(order, quantities={second.pk: 1})


def test_rejected_or_cancelled_returns_free_their_items(order, agent):
    first, _ = items_of(order)
    rejected = create(order, quantities={first.pk: 2})
    services.return_reject(return_request=rejected, actor=agent, note="No photos")
    cancelled = create(order, quantities={first.pk: 2})
    services.return_cancel(return_request=cancelled, customer=order.customer)
    assert create(order, quantities={first.pk: 2}).status == ReturnStatus.REQUESTED


def test_refunded_units_count_against_what_was_bought(order, agent):
    first, _ = items_of(order)
    done = create(order, quantities={first.pk: 1})
    services.return_approve(return_request=done, actor=agent)
    services.return_mark_received(return_request=done, actor=agent)
    services.return_refund(return_request=done, actor=agent)
    with pytest.raises(ValidationError, match="at most 1"):
        create(order, quantities={first.pk: 2})
    create(order, quantities={first.pk: 1})


def test_at_most_five_photos(order):
    with pytest.raises(ValidationError) as exc:
        create(order, photos=[png_upload() for _ in range(6)])
    assert "photos" in exc.value.message_dict
    assert not ReturnRequest.objects.exists()


def test_photos_are_stored_reencoded_under_random_names(order):
    request = create(order, photos=[png_upload("../../etc/passwd.png"), png_upload()])
    photos = list(request.photos.all())
    assert len(photos) == 2
    names = [p.file.name for p in photos]
    assert all(n.startswith("returns/") and "passwd" not in n and n.endswith(".png")
               for n in names)
    assert len(set(names)) == 2
    assert photos[0].content_type == "image/png" and photos[0].width == 64


def test_full_lifecycle_records_each_step_with_its_date(order, agent):
    request = create(order)
    services.return_approve(return_request=request, actor=agent, note="Send it back")
    services.return_mark_received(return_request=request, actor=agent)
    refunded = services.return_refund(return_request=request, actor=agent, note="Paid")
    assert refunded.status == ReturnStatus.REFUNDED
    events = list(ReturnEvent.objects.filter(return_request=request))
    assert [e.status for e in events] == ["requested", "approved", "received", "refunded"]
    assert all(e.created_at for e in events)
    assert events[1].note == "Send it back" and events[1].actor == agent


def test_refund_sets_the_orders_payment_status(order, agent):
    order.total = Decimal("3990.00")
    order.save(update_fields=["total"])
    first, second = items_of(order)
    partial = create(order, quantities={first.pk: 1})
    for step in (services.return_approve, services.return_mark_received, services.return_refund):
        step(return_request=partial, actor=agent)
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.PARTIALLY_REFUNDED
    rest = create(order, quantities={first.pk: 1, second.pk: 1})
    for step in (services.return_approve, services.return_mark_received, services.return_refund):
        step(return_request=rest, actor=agent)
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.REFUNDED


@pytest.mark.parametrize("step", ["receive_before_approve", "refund_before_receive",
                                  "approve_twice", "reject_after_approve"])
def test_steps_out_of_order_are_refused(order, agent, step):
    request = create(order)
    if step == "receive_before_approve":
        call = lambda: services.return_mark_received(return_request=request, actor=agent)  # noqa: E731
    elif step == "refund_before_receive":
        services.return_approve(return_request=request, actor=agent)
        call = lambda: services.return_refund(return_request=request, actor=agent)  # noqa: E731
    elif step == "approve_twice":
        services.return_approve(return_request=request, actor=agent)
        call = lambda: services.return_approve(return_request=request, actor=agent)  # noqa: E731
    else:
        services.return_approve(return_request=request, actor=agent)
        call = lambda: services.return_reject(return_request=request, actor=agent, note="x")  # noqa: E731
    events_before = ReturnEvent.objects.count()
    with pytest.raises(ValidationError):
        call()
    assert ReturnEvent.objects.count() == events_before


@pytest.mark.parametrize("who", ["the customer", "staff without a role", "an inactive agent"])
def test_only_staff_who_decide_returns_can_move_one(order, stranger, who):
    """The service checks the actor itself, so no path (admin, console, API) can skip it."""
    request = create(order)
    if who == "the customer":
        actor = order.customer
    elif who == "staff without a role":
        actor = stranger
        actor.is_staff = True
        actor.save(update_fields=["is_staff"])
    else:
        actor = AgentFactory(is_active=False)
    events_before = ReturnEvent.objects.count()
    for step in (services.return_approve, services.return_mark_received, services.return_refund):
        with pytest.raises(PermissionDenied):
            step(return_request=request, actor=actor)
    with pytest.raises(PermissionDenied):
        services.return_reject(return_request=request, actor=actor, note="no")
    request.refresh_from_db()
    assert request.status == ReturnStatus.REQUESTED
    assert ReturnEvent.objects.count() == events_before


def test_reject_needs_a_note(order, agent):
    request = create(order)
    with pytest.raises(ValidationError):
        services.return_reject(return_request=request, actor=agent, note="  ")
    request.refresh_from_db()
    assert request.status == ReturnStatus.REQUESTED


def test_customer_cancels_only_while_requested(order, agent):
    request = create(order)
    services.return_approve(return_request=request, actor=agent)
    with pytest.raises(ValidationError):
        services.return_cancel(return_request=request, customer=order.customer)
    other = create(order, quantities={items_of(order)[1].pk: 1})
    assert services.return_cancel(return_request=other,
                                  customer=order.customer).status == ReturnStatus.CANCELLED


def test_customer_cannot_cancel_someone_elses_return(order, stranger):
    request = create(order)
    with pytest.raises(ValidationError):
        services.return_cancel(return_request=request, customer=stranger)


# --- emails ---------------------------------------------------------------------------------

def test_each_status_change_emails_the_customer_after_commit(
        order, agent, django_capture_on_commit_callbacks, settings):
    settings.SITE_URL = "https://help.example.com"
    with django_capture_on_commit_callbacks(execute=False) as pending:
        request = create(order)
    assert mail.outbox == []  # nothing leaves before the commit
    with django_capture_on_commit_callbacks(execute=True):  # the task's outbox row commits
        for callback in pending:
            callback()
    assert len(mail.outbox) == 1
    assert request.reference in mail.outbox[0].subject
    steps = [
        (services.return_approve, {"note": "Please pack it well"}, "approved"),
        (services.return_mark_received, {}, "received"),
        (services.return_refund, {}, "refunded"),
    ]
    for service, extra, word in steps:
        with django_capture_on_commit_callbacks(execute=True):
            service(return_request=request, actor=agent, **extra)
        message = mail.outbox[-1]
        assert message.to == [order.customer.email]
        assert word in message.subject.lower()
        assert f"https://help.example.com/returns/{request.reference}/" in message.body
    assert len(mail.outbox) == 4
    assert "Please pack it well" in mail.outbox[1].body
    assert settings.RETURN_ADDRESS in mail.outbox[1].body


def test_rejection_email_carries_the_agents_note(order, agent,
                                                 django_capture_on_commit_callbacks):
    request = create(order)
    with django_capture_on_commit_callbacks(execute=True):
        services.return_reject(return_request=request, actor=agent,
                               note="The item was used")
    assert "rejected" in mail.outbox[-1].subject.lower()
    assert "The item was used" in mail.outbox[-1].body


def test_no_email_when_the_change_rolls_back(order, agent, django_capture_on_commit_callbacks):
    from django.db import transaction

    request = create(order)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.return_approve(return_request=request, actor=agent)
            raise RuntimeError("rolled back")
    assert callbacks == [] and mail.outbox == []
    request.refresh_from_db()
    assert request.status == ReturnStatus.REQUESTED


def test_email_is_in_the_customers_language(order, agent, django_capture_on_commit_callbacks):
    order.customer.language = "ru"
    order.customer.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        create(order)
    from django.utils import translation

    with translation.override("ru"):
        expected = str(ReturnStatus.REQUESTED.label)
    assert expected in mail.outbox[-1].subject


def test_customer_who_opted_out_of_order_emails_gets_none(order, agent,
                                                         django_capture_on_commit_callbacks):
    profile = order.customer.customer_profile
    profile.notify_order_updates = False
    profile.save(update_fields=["notify_order_updates"])
    with django_capture_on_commit_callbacks(execute=True):
        request = create(order)
        services.return_approve(return_request=request, actor=agent)
    assert mail.outbox == []


def test_returnable_quantities_reflect_open_and_finished_returns(order, agent):
    first, second = items_of(order)
    assert services.order_returnable_quantities(order=order) == {first.pk: 2, second.pk: 1}
    create(order, quantities={first.pk: 1})
    assert services.order_returnable_quantities(order=order) == {first.pk: 0, second.pk: 1}
    later = timezone.now() + timedelta(days=60)
    assert services.order_returnable_quantities(order=order, now=later) == {
        first.pk: 0, second.pk: 0}
