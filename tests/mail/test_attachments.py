"""Attachments of email conversations: images inline, every other file only as a download, to
whoever may see the conversation, never from an internal note to a customer."""

from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from helpdesk.mail.inbound import email_ingest
from helpdesk.mail.models import InboundStatus
from helpdesk.models import Attachment
from helpdesk.services.conversations import note_add
from helpdesk.services.messages import message_payload
from tests.mail.factories import AgentFactory, CustomerFactory, ManagerFactory

pytestmark = pytest.mark.django_db
CORPUS = Path(__file__).parent / "corpus"


@pytest.fixture
def owner(db):
    return CustomerFactory(email="anna@example.com")


@pytest.fixture
def ingested(owner):
    result = email_ingest((CORPUS / "attachments.eml").read_bytes(), source="test")
    assert result.status == InboundStatus.CREATED
    return result.inbound


def test_images_link_to_the_inline_view_and_other_files_to_the_download(ingested):
    payload = message_payload(ingested.conversation_message)
    by_name = {a["name"]: a for a in payload["attachments"]}
    (fake,) = [a for name, a in by_name.items() if name.endswith("not-really.png")]
    png, pdf = by_name["kettle.png"], by_name["receipt.pdf"]
    assert png["image"] is True and png["url"] == reverse("chat:attachment", args=[png["id"]])
    for download in (pdf, fake):  # a PDF, and "PNG" bytes that are not an image
        assert download["image"] is False
        assert download["url"] == reverse("email:attachment_download", args=[download["id"]])


def test_a_non_image_is_never_served_inline(client, owner, ingested):
    pdf = Attachment.objects.get(original_name="receipt.pdf")
    client.force_login(owner)
    assert client.get(reverse("chat:attachment", args=[pdf.pk])).status_code == 404
    (link,) = [a["url"] for a in message_payload(ingested.conversation_message)["attachments"]
               if a["id"] == pdf.pk]
    response = client.get(link)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")


def test_customers_download_only_attachments_of_their_own_conversations(client, owner,
                                                                         ingested):
    pdf = Attachment.objects.get(original_name="receipt.pdf")
    url = reverse("email:attachment_download", args=[pdf.pk])
    client.force_login(CustomerFactory())
    stranger = client.get(url)
    missing = client.get(reverse("email:attachment_download", args=[pdf.pk + 1000]))
    assert stranger.status_code == missing.status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(owner)
    assert b"".join(client.get(url).streaming_content) == b"%PDF-1.4 fake receipt"


def test_a_file_on_an_internal_note_is_never_downloaded_by_the_customer(client, owner,
                                                                         ingested):
    agent = AgentFactory()
    note = note_add(conversation=ingested.conversation, agent=agent,
                    body="Carrier claim form").message
    secret = Attachment.objects.create(
        message=note, file=ContentFile(b"claim 42", name="claim.bin"),
        original_name="claim.txt", content_type="text/plain", size=8)
    url = reverse("email:attachment_download", args=[secret.pk])
    client.force_login(owner)  # the customer of this very conversation
    assert client.get(url).status_code == 404
    client.force_login(ManagerFactory())
    assert b"".join(client.get(url).streaming_content) == b"claim 42"
