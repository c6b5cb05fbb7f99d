"""Two-factor sign-in for staff (accounts.two_factor), through the real pages.

Codes are computed here from the secret the enrollment page shows, with RFC 6238 written out
(not with django-otp's own code), so the test proves an authenticator app would work.
"""

import base64
import hashlib
import hmac
import re
import struct
import time

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from tests.factories import PASSWORD, AgentFactory, CustomerFactory, ManagerFactory, UserFactory

pytestmark = pytest.mark.django_db


def rfc6238(secret_b32: str, at: float, step: int = 30, digits: int = 6) -> str:
    secret = secret_b32.replace(" ", "").upper()
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    mac = hmac.new(key, struct.pack(">Q", int(at // step)), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    number = (struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 10 ** digits
    return f"{number:0{digits}d}"


@pytest.fixture(autouse=True)
def _required(settings):
    settings.SUPERUSER_REQUIRE_2FA = True
    settings.STAFF_REQUIRE_2FA = False


@pytest.fixture
def superuser(db):
    return UserFactory(email="root@example.com", full_name="Root Admin", is_staff=True,
                       is_superuser=True)


def password_login(client: Client, user) -> None:
    response = client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]


def enroll(client: Client, next_url: str = "/admin/") -> tuple[str, list[str]]:
    """Walk the enrollment page; return the secret it showed and the backup codes."""
    page = client.get(f"/accounts/two-factor/setup/?next={next_url}")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="data:image/svg+xml' in html  # the QR code, drawn on the server
    secret = re.search(r'data-testid="two-factor-secret">([A-Z2-7 ]+)<', html).group(1)
    done = client.post("/accounts/two-factor/setup/",
                       {"code": rfc6238(secret, time.time()), "next": next_url})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", done.content.decode())
    return secret, codes


def test_superuser_enrolls_after_the_password_then_signs_in_with_a_real_totp_code(superuser):
    client = Client()
    password_login(client, superuser)

    # Password alone: the admin leads to the code page, which leads to enrollment.
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/?next=")
    assert client.get(response["Location"])["Location"].startswith("/accounts/two-factor/setup/")

    secret, codes = enroll(client)
    assert len(codes) == two_factor.BACKUP_CODE_COUNT
    assert client.get("/admin/").status_code == 200
    device = TOTPDevice.objects.get(user=superuser)
    assert device.confirmed
    # Stored as django-otp stores it: the key the page showed, hex.
    assert base64.b32encode(device.bin_key).decode().rstrip("=") == secret.replace(" ", "")

    # A new sign-in asks for the code; a wrong one is refused, the next valid one lets in.
    client.post("/accounts/logout/")
    password_login(client, superuser)
    assert client.get("/admin/console/")["Location"].startswith("/accounts/two-factor/?next=")
    wrong = client.post("/accounts/two-factor/", {"code": "000000", "next": "/admin/console/"})
    assert wrong.status_code == 200
    assert "This code is not valid" in wrong.content.decode()
    # django-otp makes the device wait a second after a failure (doubling with each one).
    time.sleep(1.1)
    # The enrollment used this time step's code; an app shows the next one 30 s later.
    ok = client.post("/accounts/two-factor/",
                     {"code": rfc6238(secret, time.time() + 30), "next": "/admin/console/"})
    assert ok.status_code == 302 and ok["Location"] == "/admin/console/"
    assert client.get("/admin/").status_code == 200


def test_a_code_is_accepted_once(superuser):
    client = Client()
    password_login(client, superuser)
    secret, _codes = enroll(client)
    code = rfc6238(secret, time.time() + 30)
    other = Client()
    password_login(other, superuser)
    assert other.post("/accounts/two-factor/", {"code": code})["Location"] == "/admin/"
    third = Client()
    password_login(third, superuser)
    assert third.post("/accounts/two-factor/", {"code": code}).status_code == 200
    assert third.get("/admin/").status_code == 302


def test_a_backup_code_signs_in_once(superuser):
    client = Client()
    password_login(client, superuser)
    _secret, codes = enroll(client)
    client.post("/accounts/logout/")

    password_login(client, superuser)
    assert client.post("/accounts/two-factor/", {"code": codes[0].upper()}).status_code == 302
    assert client.get("/admin/").status_code == 200
    client.post("/accounts/logout/")

    password_login(client, superuser)
    assert client.post("/accounts/two-factor/", {"code": codes[0]}).status_code == 200
    assert client.get("/admin/").status_code == 302
    assert StaticToken.objects.filter(device__user=superuser).count() == len(codes) - 1


def test_loading_the_enrollment_page_stores_nothing_and_shows_the_same_secret(superuser):
    client = Client()
    password_login(client, superuser)
    first = client.get("/accounts/two-factor/setup/").content.decode()
    second = client.get("/accounts/two-factor/setup/").content.decode()
    pattern = r'data-testid="two-factor-secret">([A-Z2-7 ]+)<'
    assert re.search(pattern, first).group(1) == re.search(pattern, second).group(1)
    assert not TOTPDevice.objects.exists() and not StaticDevice.objects.exists()


def test_a_wrong_enrollment_code_enrolls_nothing(superuser):
    client = Client()
    password_login(client, superuser)
    client.get("/accounts/two-factor/setup/")
    response = client.post("/accounts/two-factor/setup/", {"code": "123456"})
    assert "This code is not valid" in response.content.decode()
    assert not TOTPDevice.objects.exists()
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize("path", ["/admin/", "/admin/console/", "/admin/reports/",
                                  "/admin/accounts/user/", "/", "/accounts/"])
def test_a_half_signed_in_superuser_reaches_no_page_but_the_code_page(superuser, path):
    client = Client()
    password_login(client, superuser)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/?next=")


def test_staff_require_2fa_puts_agents_and_managers_behind_the_code_too(settings):
    agent, manager = AgentFactory(), ManagerFactory()
    for user in (agent, manager):
        client = Client()
        password_login(client, user)
        assert client.get("/admin/console/").status_code == 200  # off by default
    settings.STAFF_REQUIRE_2FA = True
    for user in (agent, manager):
        client = Client()
        password_login(client, user)
        assert client.get("/admin/console/")["Location"].startswith("/accounts/two-factor/")


def test_customers_are_never_asked_for_a_code(settings):
    settings.STAFF_REQUIRE_2FA = True
    customer = CustomerFactory()
    client = Client()
    password_login(client, customer)
    assert client.get("/accounts/").status_code == 200
    assert client.get("/accounts/two-factor/")["Location"] == "/"


def test_code_attempts_are_throttled_per_account_even_for_a_right_code(superuser, settings):
    settings.TWO_FACTOR_ATTEMPTS_PER_ACCOUNT = 3
    client = Client()
    password_login(client, superuser)
    secret, _codes = enroll(client)
    client.post("/accounts/logout/")
    password_login(client, superuser)
    for _ in range(2):  # the enrollment took one attempt of the three
        assert client.post("/accounts/two-factor/", {"code": "000000"}).status_code == 200
    # From another address too: the account's own counter refuses.
    refused = Client(REMOTE_ADDR="10.1.1.1")
    password_login(refused, superuser)
    response = refused.post("/accounts/two-factor/", {"code": rfc6238(secret, time.time() + 30)})
    assert "Too many attempts" in response.content.decode()
    assert refused.get("/admin/").status_code == 302


def test_code_attempts_are_throttled_per_ip_across_accounts(settings):
    settings.TWO_FACTOR_ATTEMPTS_PER_IP = 2
    first = UserFactory(is_staff=True, is_superuser=True)
    second = UserFactory(is_staff=True, is_superuser=True)
    for user in (first, second):
        TOTPDevice.objects.create(user=user, confirmed=True)
    responses = []
    for user in (first, second, first):
        client = Client(REMOTE_ADDR="10.9.9.9")
        password_login(client, user)
        responses.append(client.post("/accounts/two-factor/", {"code": "000000"}).content.decode())
    assert "Too many attempts" not in responses[1]
    assert "Too many attempts" in responses[2]


def test_a_superuser_resets_a_staff_members_devices_and_their_session_must_enroll_again(
        superuser, settings):
    settings.STAFF_REQUIRE_2FA = True
    agent = AgentFactory()
    client = Client()
    password_login(client, agent)
    enroll(client, "/admin/console/")
    assert client.get("/admin/console/").status_code == 200

    assert two_factor.two_factor_reset(actor=superuser, user=agent) == 2  # TOTP + backup codes
    assert not TOTPDevice.objects.filter(user=agent).exists()
    from auditlog.models import LogEntry

    entry = LogEntry.objects.get(additional_data__event="two_factor.reset")
    assert (entry.actor_id, entry.object_pk) == (superuser.pk, str(agent.pk))
    response = client.get("/admin/console/")
    assert response["Location"].startswith("/accounts/two-factor/")
    assert client.get(response["Location"])["Location"].startswith("/accounts/two-factor/setup/")


@pytest.mark.parametrize("make_actor", [AgentFactory, ManagerFactory,
                                        lambda: UserFactory(is_staff=True)])
def test_only_a_superuser_may_reset_two_factor(make_actor):
    agent = AgentFactory()
    TOTPDevice.objects.create(user=agent, confirmed=True)
    with pytest.raises(PermissionDenied):
        two_factor.two_factor_reset(actor=make_actor(), user=agent)
    assert TOTPDevice.objects.filter(user=agent).exists()


def test_django_otps_device_admins_are_not_registered():
    # They show keys and QR codes and would change devices beside the reset service.
    assert not admin.site.is_registered(TOTPDevice)
    assert not admin.site.is_registered(StaticDevice)


def test_the_code_page_sends_on_only_to_this_site(superuser):
    client = Client()
    password_login(client, superuser)
    secret, _codes = enroll(client)
    client.post("/accounts/logout/")
    password_login(client, superuser)
    response = client.post("/accounts/two-factor/", {
        "code": rfc6238(secret, time.time() + 30), "next": "https://evil.example/"})
    assert response["Location"] == "/admin/"


def test_a_superuser_resets_two_factor_from_the_user_admin_and_a_manager_cannot(superuser):
    agent, manager = AgentFactory(), ManagerFactory()
    TOTPDevice.objects.create(user=agent, confirmed=True)
    data = {"action": "reset_two_factor", "_selected_action": [agent.pk]}

    as_manager = Client()
    as_manager.force_login(manager)
    changelist = as_manager.get("/admin/accounts/user/")
    assert changelist.status_code == 200 and "reset_two_factor" not in changelist.content.decode()
    as_manager.post("/admin/accounts/user/", data)
    assert TOTPDevice.objects.filter(user=agent).exists()

    as_superuser = Client()
    as_superuser.force_login(superuser)
    TOTPDevice.objects.create(user=superuser, confirmed=True)
    session = as_superuser.session
    session["otp_device_id"] = TOTPDevice.objects.get(user=superuser).persistent_id
    session.save()
    response = as_superuser.post("/admin/accounts/user/", data, follow=True)
    assert "Two-factor sign-in was reset for 1 user" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=agent).exists()
