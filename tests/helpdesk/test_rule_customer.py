"""One rule makes a customer account (``accounts.services.customer_create``): signing up and
an email from an unknown sender give the same account (the customer role and nothing else, a
profile with the default choices, a language we offer); only the sign-up has a password."""

import pytest
from django.contrib.auth.models import Group

from accounts.choices import Role
from accounts.models import CustomerProfile, User
from accounts.services import sign_up_request
from helpdesk.mail.inbound import email_ingest

pytestmark = pytest.mark.django_db


def by_sign_up(email, name, language):
    sign_up_request(email=email, password="a-long-pass-phrase-1", full_name=name,
                    language=language)


TEXT = {"ru": "Где мой заказ 70000123? Посылка так и не пришла.",
        "de": "Wo ist meine Bestellung 70000123? Das Paket ist nicht angekommen."}


def by_email(email, name, language):
    # The sender's language is guessed from the text (helpdesk.mail.parsing).
    raw = (f"From: {name} <{email}>\r\nTo: help@help.test\r\nSubject: 70000123\r\n"
           f"Message-ID: <{email}-{language}@example.com>\r\nMIME-Version: 1.0\r\n"
           f"Content-Type: text/plain; charset=utf-8\r\n\r\n{TEXT[language]}\r\n")
    assert email_ingest(raw.encode(), source="test").status == "created"


def account(email):
    user = User.objects.get(email=email)
    profile = CustomerProfile.objects.filter(user=user).values().get()
    profile.pop("id"), profile.pop("user_id")
    return {"groups": set(user.groups.values_list("name", flat=True)), "profile": profile,
            "staff": (user.is_staff, user.is_superuser, user.is_active),
            "permissions": set(user.get_all_permissions()), "name": user.full_name,
            "language": user.language, "verified": user.email_verified_at is not None}


@pytest.mark.parametrize("language,expected", [("ru", "ru"), ("de", "en")])
def test_both_paths_make_the_same_customer(language, expected):
    Group.objects.get_or_create(name=Role.CUSTOMER)
    by_sign_up("anna@example.com", "Anna Petrova", language)
    by_email("boris@example.com", "Anna Petrova", language)
    signed_up, emailed = account("anna@example.com"), account("boris@example.com")
    assert signed_up == emailed
    assert signed_up["groups"] == {Role.CUSTOMER} and signed_up["staff"] == (False, False, True)
    assert signed_up["language"] == expected and not signed_up["verified"]
    assert User.objects.get(email="anna@example.com").has_usable_password()
    assert not User.objects.get(email="boris@example.com").has_usable_password()


def test_an_email_sender_without_a_name_is_called_by_the_address():
    raw = (b"From: ivan.k@example.com\r\nTo: help@help.test\r\nSubject: Hello\r\n"
           b"Message-ID: <noname@example.com>\r\nContent-Type: text/plain\r\n\r\nHello\r\n")
    assert email_ingest(raw, source="test").status == "created"
    assert User.objects.get(email="ivan.k@example.com").full_name == "ivan.k"
