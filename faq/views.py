"""Help center pages: categories, articles, search, votes, and suggestions for the chat form."""

from django.conf import settings
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from faq import reading, selectors, services
from faq.forms import SearchForm, SuggestForm, VoteForm
from faq.models import ArticleStatus
from faq.rendering import render_cached

CONTACT_PATH = "/contact/"
SUGGESTION_COUNT = 5


def _language(request) -> str:
    language = translation.get_language() or settings.LANGUAGE_CODE
    codes = dict(settings.LANGUAGES)
    return language if language in codes else settings.LANGUAGE_CODE


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@require_GET
def index(request):
    language = _language(request)
    return render(request, "faq/index.html", {
        "tiles": selectors.category_tiles(language=language),
        "search_form": SearchForm(),
    })


@require_GET
def category(request, slug):
    language = _language(request)
    item = selectors.access_category(slug=slug)
    name, description = selectors.category_name(category=item, language=language)
    return render(request, "faq/category.html", {
        "category": item, "name": name, "description": description,
        "cards": selectors.category_articles(category=item, language=language, user=request.user),
        "search_form": SearchForm(),
    })


def _article_context(request, item, *, vote_form=None):
    language = _language(request)
    current, fell_back = selectors.translation_for(article=item, language=language)
    category_name, _description = selectors.category_name(category=item.category,
                                                          language=language)
    body_html = render_cached(
        key=f"{current.pk}:{current.updated_at.timestamp()}", source=current.body
    )
    session_key = request.session.session_key or ""
    return {
        "article": item,
        "translation": current,
        "fell_back": fell_back,
        "body_html": body_html,
        "category_name": category_name,
        "is_draft": item.status != ArticleStatus.PUBLISHED,
        "related": selectors.related_articles(article=item, translation=current,
                                              language=language),
        "vote": selectors.vote_of(article=item, user=request.user, session_key=session_key),
        "vote_form": vote_form or VoteForm(),
        "search_form": SearchForm(),
    }


@require_GET
def article(request, slug):
    item = selectors.access_article(slug=slug, user=request.user)
    context = _article_context(request, item)
    if not context["is_draft"]:
        services.article_view_count(article=item)
        # A conversation opened soon after names this article (helpdesk reads the note).
        reading.article_read_note(session=request.session, article=item)
    return render(request, "faq/article.html", context)


@require_POST
def vote(request, slug):
    item = selectors.access_article(slug=slug, user=None)  # published articles only
    form = VoteForm(request.POST)
    if not form.is_valid():
        if _wants_json(request):
            return JsonResponse({"ok": False, "errors": form.errors.get_json_data()}, status=400)
        context = _article_context(request, item, vote_form=form)
        return render(request, "faq/article.html", context, status=400)
    if not request.user.is_authenticated and not request.session.session_key:
        request.session.save()
    services.vote_cast(
        article=item, user=request.user, session_key=request.session.session_key or "",
        helpful=form.cleaned_data["helpful"], comment=form.cleaned_data["comment"],
        language=_language(request),
    )
    message = _("Thank you for your feedback.")
    if _wants_json(request):
        return JsonResponse({"ok": True, "helpful": form.cleaned_data["helpful"],
                             "message": message})
    messages.success(request, message)
    return redirect(reverse("faq:article", args=[item.slug]) + "#feedback")


@require_GET
def search(request):
    language = _language(request)
    form = SearchForm(request.GET)
    page = None
    if form.is_valid() and form.cleaned_data["q"]:
        query = form.cleaned_data["q"]
        page = selectors.article_search(query=query, language=language)
        if not page.results:
            services.no_result_search_record(query=query, language=language)
    return render(request, "faq/search.html", {
        "search_form": form, "page": page, "contact_path": CONTACT_PATH,
        "tiles": selectors.category_tiles(language=language) if page and not page.results else [],
    })


def _json_error(code: str, message: str, *, field: str = "") -> JsonResponse:
    body = {"error": {"code": code, "message": message}}
    if field:
        body["error"]["field"] = field
    return JsonResponse(body, status=400)


@require_GET
def suggest(request):
    """GET ?q=...&lang=... -> up to five {title, url, snippet, snippet_html} for the chat form."""
    form = SuggestForm(request.GET)
    if not form.is_valid():
        field, errors = next(iter(form.errors.get_json_data().items()))
        return _json_error(f"invalid_{field}", str(errors[0]["message"]), field=field)
    language = form.cleaned_data["lang"] or _language(request)
    if language not in dict(settings.LANGUAGES):
        return _json_error("invalid_lang", _("Unknown language."), field="lang")
    page = selectors.article_search(query=form.cleaned_data["q"], language=language,
                                    limit=SUGGESTION_COUNT)
    return JsonResponse({
        "query": form.cleaned_data["q"],
        "language": language,
        "results": [
            {
                "id": r.article.pk,
                "title": r.title,
                "url": reverse("faq:article", args=[r.article.slug]),
                "language": r.language,
                "snippet": r.snippet_text,
                "snippet_html": str(r.snippet_html),
            }
            for r in page.results
        ],
    })
