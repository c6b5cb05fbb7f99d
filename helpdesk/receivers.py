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


def on_team_members_changed(sender, instance, action, reverse=False, pk_set=None, **kwargs):
    """An agent joined or left a team: the conversations they may see changed, so their sockets
    re-check the ones they joined (live delivery trusts a joined conversation until then)."""
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if reverse:  # user.teams.add(...): the instance is the user
        realtime.user_recheck(instance.pk)
    elif action == "post_clear":  # team.members.clear(): pk_set is not given
        for user_id in getattr(instance, "_members_before_clear", ()):
            realtime.user_recheck(user_id)
    else:
        for user_id in pk_set or []:
            realtime.user_recheck(user_id)


def on_team_members_clearing(sender, instance, action, reverse=False, **kwargs):
    if action == "pre_clear" and not reverse:
        instance._members_before_clear = list(instance.members.values_list("pk", flat=True))
