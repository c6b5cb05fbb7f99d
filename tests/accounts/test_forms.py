from django.test import RequestFactory

from accounts.forms import axes_username


def test_axes_counts_failures_under_the_lower_case_email():
    request = RequestFactory().post("/accounts/login/", {"username": " Olga@Example.COM "})
    assert axes_username(request, None) == "olga@example.com"
    assert axes_username(request, {"username": "OLGA@example.com"}) == "olga@example.com"
