"""Names of downloaded files: nothing invisible or direction-changing survives into a
Content-Disposition header (accounts.downloads), whichever view serves the file."""

import io
from urllib.parse import unquote

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accounts.downloads import download_name
from helpdesk.models import Attachment
from helpdesk.services.attachments import attachment_post
from helpdesk.services.conversations import conversation_open
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

RLO, LRI, ZWJ = "\u202e", "\u2066", "\u200d"
SPOOFED = f"invoice{RLO}gpj.exe"  # shows as "invoiceexe.jpg"


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (1, 2, 3)).save(out, format="PNG")
    return out.getvalue()


def _filename(response) -> str:
    header = response["Content-Disposition"]
    if "filename*=utf-8''" in header:
        return unquote(header.split("filename*=utf-8''", 1)[1])
    return header.split('filename="', 1)[1].rstrip('"')


@pytest.mark.parametrize(("raw", "clean"), [
    (SPOOFED, "invoicegpj.exe"),
    (f"{LRI}photo{ZWJ}.png\u2069", "photo.png"),
    ("report\r\nX-Injected: 1.pdf", "reportX-Injected: 1.pdf"),
    ("../../etc/passwd", "_.._etc_passwd"),
    ("a\u00a0b\u3000c.txt", "a b c.txt"),
    ("Счёт №5.pdf", "Счёт №5.pdf"),
    (f"{RLO}{ZWJ} . ", "download"),
    ("x" * 300 + ".jpeg", "x" * 115 + ".jpeg"),
])
def test_download_names_lose_invisible_and_direction_changing_characters(raw, clean):
    assert download_name(raw) == clean


@pytest.fixture
def conversation(db):
    customer = CustomerFactory()
    return conversation_open(customer=customer, channel="web", topic="orders",
                             description="See the file")


def test_an_emailed_attachment_downloads_under_its_name_without_a_right_to_left_override(
        client, conversation):
    att = Attachment.objects.create(
        message=conversation.messages.get(), file=ContentFile(b"MZ...", name="a.bin"),
        original_name=SPOOFED, content_type="application/octet-stream", size=5)
    client.force_login(conversation.customer)
    response = client.get(reverse("email:attachment_download", args=[att.pk]))
    assert response["Content-Disposition"].startswith("attachment;")
    assert _filename(response) == "invoicegpj.exe"


def test_a_chat_image_is_stored_and_served_without_the_override_in_its_name(
        client, conversation):
    posted = attachment_post(conversation=conversation, user=conversation.customer,
                             as_agent=False, client_id="img-1",
                             upload=SimpleUploadedFile(f"cat{RLO}gnp.exe", _png()))
    att = posted.message.attachments.get()
    assert att.original_name == "catgnp.exe"
    Attachment.objects.filter(pk=att.pk).update(original_name=f"old{RLO}gnp.exe")  # stored before
    client.force_login(conversation.customer)
    response = client.get(reverse("chat:attachment", args=[att.pk]))
    assert response["Content-Disposition"].startswith("inline;")
    assert _filename(response) == "oldgnp.exe"


def test_the_data_export_names_its_file_through_the_same_function(client):
    client.force_login(CustomerFactory())
    response = client.get(reverse("my_data"))
    assert response["Content-Disposition"].startswith('attachment; filename="my-helpdesk-data-')
