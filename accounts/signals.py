"""Signals of the accounts app. The apps above (helpdesk, orders) connect to them in their
``AppConfig.ready()``; accounts never imports them."""

from django.dispatch import Signal

# Sent after commit when the owner of ``user.email`` proved it (a link sent there was
# followed). Receivers let in what waited for it, e.g. inbound mail held from that address.
# Arguments: user.
email_verified = Signal()

# Sent inside the erasure's transaction (accounts.erasure.customer_erase), before the account
# itself is anonymised, so each app above erases its own data of the customer in the same
# transaction (a receiver that raises rolls the whole erasure back). Receivers schedule file
# deletions with ``transaction.on_commit``. Arguments: user, email (the address before erasure).
customer_erasing = Signal()

# Sent when a superuser removed a staff member's two-factor devices
# (accounts.two_factor.two_factor_reset): sessions verified with them must stop working now,
# including open chat sockets. Arguments: user.
two_factor_reset = Signal()
