"""Signed reply addresses."""

import pytest

from helpdesk.mail.tokens import reply_address, reply_token_parse


@pytest.fixture(autouse=True)
def _domain(settings):
    settings.HELPDESK_REPLY_DOMAIN = "reply.help.test"


def test_a_reply_address_names_its_conversation():
    address = reply_address(123456)
    local = address.split("@")[0]
    assert len(local) <= 64
    token = reply_token_parse(address)
    assert token.valid and token.conversation_id == 123456


def test_mail_systems_that_change_case_keep_the_token_valid():
    assert reply_token_parse(reply_address(42).upper()).conversation_id == 42


def test_changing_the_conversation_or_the_mac_breaks_the_token():
    address = reply_address(42)
    local, domain = address.split("@")
    _prefix, rest = local.split("+")
    conv, mac = rest.split("-")
    other = f"reply+{reply_address(43).split('+')[1].split('-')[0]}-{mac}@{domain}"
    assert reply_token_parse(other).valid is False
    flipped = mac[:-1] + ("a" if mac[-1] != "a" else "b")
    assert reply_token_parse(f"reply+{conv}-{flipped}@{domain}").valid is False
    assert reply_token_parse(f"reply+garbage@{domain}").valid is False


def test_a_token_signed_with_another_secret_is_invalid(settings):
    address = reply_address(42)
    settings.SECRET_KEY = "another-secret-key-of-another-installation-0123456789"
    assert reply_token_parse(address).valid is False


def test_other_addresses_are_not_reply_addresses():
    assert reply_token_parse("support@example.com") is None
    assert reply_token_parse(reply_address(42).replace("reply.help.test", "evil.test")) is None
