"""The chat socket accepts a staff session that must use two factors only once it is verified."""

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from tests.chat.conftest import Socket, make_agent, run
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def session_of(user, device=None) -> str:
    """A session signed in with the password, verified with ``device`` when given."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if device is not None:
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.create()
    return session.session_key


def test_a_staff_session_without_a_code_is_closed_with_4401_when_2fa_is_required(settings):
    agent = make_agent()
    settings.STAFF_REQUIRE_2FA = True
    key = session_of(agent)

    async def go():
        s = Socket(key)
        await s.comm.connect(timeout=5)
        assert await s.closed_code() == 4401
    run(go)


def test_a_verified_staff_session_is_served_and_closed_when_its_device_is_reset(settings):
    agent = make_agent()
    superuser = UserFactory(is_staff=True, is_superuser=True)
    settings.STAFF_REQUIRE_2FA = True
    device = TOTPDevice.objects.create(user=agent, confirmed=True)
    key = session_of(agent, device)

    async def go():
        s = await Socket(key).open()
        await sync_to_async(two_factor.two_factor_reset)(actor=superuser, user=agent)
        assert await s.closed_code(timeout=3) == 4401
    run(go)


def test_without_the_setting_a_password_session_of_an_agent_is_served(settings):
    settings.STAFF_REQUIRE_2FA = False
    key = session_of(make_agent())

    async def go():
        s = await Socket(key).open()
        await s.close()
    run(go)
