from django.shortcuts import render
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from accounts.choices import Topic
from accounts.services import user_set_language


def home(request):
    """The help center's front page: search and the topic tiles."""
    return render(request, "helpcenter/home.html", {"topics": Topic.choices})


@require_POST
def set_language(request):
    """Switch the interface language; a signed-in user keeps it as their preference."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated:
        user_set_language(user=request.user, language=language)
    return response
