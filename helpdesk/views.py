from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from accounts.choices import Topic
from accounts.services import user_set_language
from faq.forms import SearchForm
from faq.selectors import category_tiles


def home(request):
    """The help center's front page: search and a tile per topic, linking to its category."""
    by_topic = {}
    for tile in category_tiles(language=translation.get_language()):
        by_topic.setdefault(tile.category.topic, tile)
    tiles = [(value, label, by_topic.get(value)) for value, label in Topic.choices]
    return render(request, "helpcenter/home.html", {"tiles": tiles, "search_form": SearchForm()})


@require_POST
def set_language(request):
    """Switch the interface language; a signed-in user keeps it as their preference."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated:
        user_set_language(user=request.user, language=language)
    return response
