"""The project's one ``NotFound``.

Every ``access_*`` function (accounts, orders, faq, the conversation core, the surveys) raises
it for "missing" and "not yours" alike, so an id in a URL, a form or a websocket frame never
tells one from the other (Zulip's ``access_stream_by_id`` pattern). A view lets it pass:
``helpdesk.middleware.NotFoundMiddleware`` answers it with the 404 page, in the visitor's
language, in one place. A websocket consumer catches it and answers with its own error code.
"""


class NotFound(Exception):
    """The object does not exist or the user may not see it (deliberately the same)."""
