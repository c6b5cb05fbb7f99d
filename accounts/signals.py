"""Signals of the accounts app. The apps above (helpdesk, orders) connect to them in their
``AppConfig.ready()``; accounts never imports them."""

from django.dispatch import Signal

# Sent after commit when the owner of ``user.email`` proved it (a link sent there was
# followed). Receivers let in what waited for it, e.g. inbound mail held from that address.
# Arguments: user.
email_verified = Signal()
