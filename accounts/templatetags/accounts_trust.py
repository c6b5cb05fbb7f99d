"""Template access to the trust rules of accounts.selectors."""

from django import template

from accounts.selectors import email_trusted as _email_trusted

register = template.Library()


@register.filter
def email_trusted(user) -> bool:
    """``{% if user|email_trusted %}``: accounts.selectors.email_trusted for a signed-in user."""
    return bool(getattr(user, "is_authenticated", False)) and _email_trusted(user)
