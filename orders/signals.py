"""Signals of the orders app. The help desk connects to them in its ``AppConfig.ready()``;
orders never imports helpdesk."""

from django.dispatch import Signal

# Sent by ``orders.services.return_request_create`` inside its transaction, after the return,
# its items and its first event were written, so a receiver's rows commit or roll back with
# the return (the help desk opens or joins the customer's conversation about it). Receivers
# schedule anything that leaves the database with ``transaction.on_commit``.
# Arguments: return_request.
return_requested = Signal()
