"""The session engine (``SESSION_ENGINE``): Django's database sessions, and a signed-in
session's chat sockets follow it when it gets a new key.

Changing one's own password keeps that browser signed in (``update_session_auth_hash``), and
so does signing in again: both call ``cycle_key``, which moves the session's data to a new key
and deletes the old one. A chat socket checks its session by key (on every periodic check and
at once on a password change), so it found its key gone and closed with 4401 while its user
stayed signed in. Once the session is saved under its new key (holding the new password's
hash), its user's sockets are told the old and the new key (``user.session_rotated``); the ones
opened with the old key check the new one from then on. The sockets of every other session
still close: their sessions hold the old password's hash.
"""

from asgiref.sync import sync_to_async
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

from helpdesk import realtime


class SessionStore(DatabaseSessionStore):
    def cycle_key(self):
        old_key, user_id = self.session_key, self.get(SESSION_KEY)
        super().cycle_key()
        self._remember_rotation(old_key, user_id)

    async def acycle_key(self):
        old_key, user_id = self.session_key, await self.aget(SESSION_KEY)
        await super().acycle_key()
        self._remember_rotation(old_key, user_id)

    def save(self, must_create=False):
        super().save(must_create=must_create)
        self._announce_rotation()

    async def asave(self, must_create=False):
        await super().asave(must_create=must_create)
        await sync_to_async(self._announce_rotation)()

    def _remember_rotation(self, old_key, user_id) -> None:
        if old_key and user_id is not None:
            self._rotated_from = (old_key, str(user_id))

    def _announce_rotation(self) -> None:
        """Tell the user's sockets the new key of a session rotated since its last save. At
        once, not after commit: the new row is saved, and the old key's sockets are about to
        fail their check."""
        rotated = self.__dict__.pop("_rotated_from", None)
        if rotated is None or str(self._get_session().get(SESSION_KEY)) != rotated[1]:
            return
        try:
            user_id = int(rotated[1])
        except ValueError:
            return
        realtime.send_now(realtime.user_group(user_id), {
            "type": "user.session_rotated", "old": rotated[0], "new": self.session_key})
