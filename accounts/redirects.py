"""Where a form may send its user afterwards: the one rule for every ``next``."""

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, default: str = "") -> str:
    """The request's ``next`` (POST first, then GET) if it stays on this site: a path, or this
    host over the request's own scheme (HTTPS required when the request is HTTPS); else
    ``default``. Never a link to another site (an open redirect)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
