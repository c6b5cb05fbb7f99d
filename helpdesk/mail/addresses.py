"""Header values that can never smuggle in a header or a recipient.

Every name, subject and address that reaches an outgoing email passes through here: control
characters (CR and LF above all) are removed, and addresses are built with
``email.headerregistry.Address`` so a display name is quoted or encoded, never parsed as a
second address.
"""

import re
from email.headerregistry import Address

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")


def header_clean(value: str, limit: int = 200) -> str:
    """One line of text, without control characters, at most ``limit`` characters."""
    return " ".join(_CONTROL.sub(" ", str(value or "")).split())[:limit]


def address_format(email: str, name: str = "") -> str:
    """``"Name" <email>`` with the name safely quoted; ValueError for a bad address."""
    email = (email or "").strip()
    if _CONTROL.search(email) or "," in email or ";" in email:
        raise ValueError("invalid email address")
    try:
        validate_email(email)
    except ValidationError:
        raise ValueError("invalid email address") from None
    local, _, domain = email.rpartition("@")
    return str(Address(display_name=header_clean(name, 100), username=local, domain=domain))
