"""The console's search page and its JSON twin (helpdesk.console.search does the finding)."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from helpdesk.access import is_support_staff
from helpdesk.console.search import MAX_QUERY_CHARS, SearchError, search


def _run(request):
    if not is_support_staff(request.user):
        raise PermissionDenied
    try:
        return search(user=request.user, text=request.GET.get("q")), ""
    except SearchError as exc:
        return None, str(exc)


def search_page(request):
    """GET ?q=... -> every kind's results, or why the query cannot be searched."""
    results, error = _run(request)
    sections = []
    if results is not None:
        sections = [(_("Conversations"), "conversations", results.conversations),
                    (_("Customers"), "customers", results.customers),
                    (_("Orders"), "orders", results.orders),
                    (_("Returns"), "returns", results.returns)]
    status = 400 if error and request.GET.get("q") else 200
    return render(request, "admin/console/search.html", {
        **admin.site.each_context(request), "title": _("Search"),
        "q": (request.GET.get("q") or "")[:MAX_QUERY_CHARS * 2], "results": results,
        "sections": sections, "error": error,
    }, status=status)


def search_json(request):
    """The same results as JSON: title and detail are escaped HTML with <mark> around matches."""
    results, error = _run(request)
    if error:
        return JsonResponse({"error": error}, status=400)
    return JsonResponse(results.as_json())
