"""Signal receivers of the conversation core, connected in ``HelpdeskConfig.ready``.

They close a user's chat sockets at once when their session ends or their right to it
changes; the sockets' periodic check does the same within CHAT_HEARTBEAT_SECONDS if a hint
is lost.
"""

from helpdesk import realtime

_SECURITY_FIELDS = {"password", "is_active", "is_staff", "is_superuser"}


def on_logged_out(sender, request=None, user=None, **kwargs):
    if user is None or request is None:
        return
    realtime.user_session_ended(user.pk, getattr(request.session, "session_key", None))


def on_user_saved(sender, instance, created=False, update_fields=None, **kwargs):
    if created:
        return
    if update_fields is None or _SECURITY_FIELDS & set(update_fields):
        realtime.user_recheck(instance.pk)


def on_groups_changed(sender, instance, action, reverse=False, pk_set=None, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        realtime.user_recheck(instance.pk)
    else:
        for user_id in pk_set or []:
            realtime.user_recheck(user_id)
