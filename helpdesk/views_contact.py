"""Contact us: every channel with its availability right now."""

from django.shortcuts import render

from helpdesk.services.availability import support_availability


def contact(request):
    return render(request, "helpcenter/contact.html",
                  {"availability": support_availability()})
