"""Security headers that Django's own middleware does not set; the one place a ``NotFound``
becomes a 404."""

from django.conf import settings
from django.http import Http404

from common.errors import NotFound

# No inline script anywhere: every page loads its JavaScript from /static/. The admin keeps
# inline style attributes of Django's own templates, so only there are inline styles allowed.
_BASE_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data: blob:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def content_security_policy(path: str) -> str:
    policy = dict(_BASE_POLICY)
    if path.startswith("/admin/"):
        policy["style-src"] = "'self' 'unsafe-inline'"
    return "; ".join(f"{key} {value}" for key, value in policy.items())


class SecurityHeadersMiddleware:
    """Add the Content Security Policy and a Permissions Policy to every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", content_security_policy(request.path))
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
        )
        if not settings.DEBUG:
            response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


class NotFoundMiddleware:
    """Answer a view's ``NotFound`` (common.errors: missing or not yours, deliberately the same)
    as Django answers ``Http404``: the 404 page (``handler404``), in the visitor's language,
    so no view converts it by hand."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, NotFound):
            # Raised here, it reaches Django's own handler of the view's exceptions, which
            # renders the 404 page exactly as for an Http404 raised by the view.
            raise Http404 from exception
        return None
