"""The chat pages, the upload and rating endpoints, attachment access, and the agent console."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from helpdesk.models import Attachment, Channel, Conversation, Message, SatisfactionRating
from helpdesk.services.attachments import attachment_post
from helpdesk.services.conversations import conversation_resolve, note_add
from tests.chat.conftest import make_agent
from tests.factories import CustomerFactory, OrderFactory

pytestmark = pytest.mark.django_db


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 120, 0)).save(out, format="PNG")
    return out.getvalue()


def test_prechat_form_opens_a_chat_with_own_order_when_an_agent_is_present(client, customer):
    make_agent()
    order = OrderFactory(customer=customer)
    client.force_login(customer)
    response = client.get("/chat/")
    assert response.status_code == 200 and b'data-testid="chat-available"' in response.content
    response = client.post("/chat/", {"topic": "orders", "order": order.number,
                                      "description": "Where is it?", "client_id": "f1"})
    conv = Conversation.objects.get(customer=customer)
    assert response.status_code == 302 and response.url == f"/chat/{conv.reference}/"
    assert (conv.channel, conv.order) == (Channel.CHAT, order)
    page = client.get(response.url)
    assert page.status_code == 200 and conv.reference.encode() in page.content
    assert b"<script>" not in page.content  # no inline script (CSP)


def test_prechat_refuses_someone_elses_order_next_to_the_field(client, customer):
    other_order = OrderFactory(customer=CustomerFactory())
    client.force_login(customer)
    response = client.post("/chat/", {"topic": "orders", "order": other_order.number,
                                      "description": "x"})
    assert response.status_code == 200
    assert "order" in response.context["form"].errors
    assert not Conversation.objects.exists()


def test_without_agents_the_form_leaves_a_written_request(client, customer):
    client.force_login(customer)
    client.post("/chat/", {"topic": "payment", "description": "Charged twice"})
    assert Conversation.objects.get(customer=customer).channel == Channel.WEB


def test_upload_returns_an_ack_and_attachments_are_served_only_to_participants(
        client, customer, chat, other_customer):
    client.force_login(customer)
    response = client.post(f"/chat/{chat.reference}/upload/",
                           {"client_id": "u1", "file": SimpleUploadedFile("a.png", png())})
    ack = response.json()
    message = Message.objects.get(pk=ack["id"])
    assert ack == {"type": "ack", "conversation": chat.reference, "client_id": "u1",
                   "id": message.pk, "seq": message.seq}
    att = Attachment.objects.get(message=message)
    served = client.get(f"/chat/attachments/{att.pk}/")
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served["Content-Security-Policy"]
    client.force_login(other_customer)
    assert client.get(f"/chat/attachments/{att.pk}/").status_code == 404
    bad = client.post(f"/chat/{chat.reference}/upload/",
                      {"client_id": "u2", "file": SimpleUploadedFile("a.png", b"GIF89a..")})
    assert bad.status_code == 404  # not their conversation: same answer as missing


def test_an_image_in_an_internal_note_is_never_served_to_the_customer(client, customer, chat,
                                                                       agent):
    note = note_add(conversation=chat, agent=agent, body="see photo")
    att = Attachment.objects.create(message=note.message, file=SimpleUploadedFile("n.png", png()),
                                    original_name="n.png", content_type="image/png", size=10)
    client.force_login(customer)
    assert client.get(f"/chat/attachments/{att.pk}/").status_code == 404
    client.force_login(agent)
    assert client.get(f"/chat/attachments/{att.pk}/").status_code == 200


def test_rating_after_resolution(client, customer, chat, agent):
    client.force_login(customer)
    assert client.post(f"/chat/{chat.reference}/rate/", {"score": 5}).status_code == 400
    conversation_resolve(conversation=chat, by=agent)
    response = client.post(f"/chat/{chat.reference}/rate/", {"score": 4, "comment": "ok"})
    assert response.status_code == 302
    assert SatisfactionRating.objects.get(conversation=chat).score == 4


def test_console_is_for_agents_and_shows_the_customer_sidebar_without_leaking(
        client, customer, chat, agent):
    attachment_post(conversation=chat, user=customer, as_agent=False, client_id="i",
                    upload=SimpleUploadedFile("a.png", png()))
    client.force_login(customer)
    assert client.get("/admin/console/").status_code == 302  # not staff: admin login
    client.force_login(agent)
    inbox = client.get("/admin/console/?box=all")
    assert inbox.status_code == 200 and chat.reference.encode() in inbox.content
    page = client.get(f"/admin/console/{chat.reference}/")
    assert page.status_code == 200 and customer.email.encode() in page.content
    response = client.post(f"/admin/console/{chat.reference}/resolve/")
    assert response.status_code == 302
    chat.refresh_from_db()
    assert chat.status == "resolved"


def test_agent_status_switch(client, agent):
    client.force_login(agent)
    client.post("/admin/console/status/", {"status": "away"})
    agent.agent_profile.refresh_from_db()
    assert agent.agent_profile.status == "away"


def test_every_help_center_page_links_to_the_chat(client, customer):
    for url in ("/", "/help/", "/contact/", "/accounts/login/"):
        assert b'<a href="/chat/" data-testid="nav-chat">' in client.get(url).content, url
    client.force_login(customer)
    home = client.get("/").content
    assert b'href="/chat/"' in home and b'href="/requests/"' in home


def test_an_online_agent_without_a_connected_console_gets_no_chat(client, customer):
    make_agent(present=False)  # status online, console closed
    client.force_login(customer)
    assert b'data-testid="chat-unavailable"' in client.get("/chat/").content
    client.post("/chat/", {"topic": "orders", "description": "Late"})
    assert Conversation.objects.get(customer=customer).channel == Channel.WEB


def test_written_request_from_the_chat_form_lands_in_my_requests(client, customer):
    client.force_login(customer)
    response = client.post("/chat/", {"topic": "payment", "description": "Charged twice",
                                      "client_id": "w1"})
    conv = Conversation.objects.get(customer=customer)
    assert response.status_code == 302 and response.url == f"/requests/{conv.reference}/"
    page = client.get(response.url)
    assert "will answer by email" in page.content.decode()
    assert conv.reference in client.get("/requests/").content.decode()
    # Its chat page address leads to the request page too.
    assert client.get(f"/chat/{conv.reference}/").url == f"/requests/{conv.reference}/"


def test_prechat_form_takes_order_topic_and_description_from_the_link(client, customer):
    order = OrderFactory(customer=customer)
    client.force_login(customer)
    form = client.get(f"/chat/?order={order.number}&topic=returns&description=Broken").context[
        "form"]
    assert form["order"].value() == order.number
    assert form["topic"].value() == "returns" and form["description"].value() == "Broken"


def test_inbox_rows_give_the_tab_list_and_counts_for_the_live_console(client, customer, chat,
                                                                     other_customer):
    agent = make_agent(present=False)
    client.force_login(customer)
    assert client.get("/admin/console/rows/").status_code == 302  # customers: admin login
    client.force_login(agent)
    data = client.get("/admin/console/rows/?box=waiting").json()
    assert data["box"] == "waiting" and data["counts"]["waiting"] == 1
    assert [r["reference"] for r in data["rows"]] == [chat.reference]
    row = data["rows"][0]
    assert row["url"] == f"/admin/console/{chat.reference}/"
    assert (row["customer"], row["status"], row["assignee"]) == ("Ann Customer", "waiting", "")
    from helpdesk.services.assignment import conversation_assign

    conversation_assign(conversation=chat, agent=agent)
    assert client.get("/admin/console/rows/?box=waiting").json()["rows"] == []
    mine = client.get("/admin/console/rows/?box=mine").json()["rows"]
    assert [(r["reference"], r["assignee"]) for r in mine] == [(chat.reference, "Agent")]
    conversation_resolve(conversation=chat, by=agent)
    assert client.get("/admin/console/rows/?box=mine").json()["rows"] == []
