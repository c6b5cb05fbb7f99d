from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpdeskConfig(AppConfig):
    name = "helpdesk"
    verbose_name = _("Help desk")

    def ready(self):
        from helpdesk import checks  # noqa: F401 - registers the system checks

        self._connect_chat_signals()
        self._connect_account_signals()

    def _connect_account_signals(self):
        from accounts.signals import customer_erasing, two_factor_reset
        from helpdesk import erasure, realtime

        customer_erasing.connect(erasure.on_customer_erasing, dispatch_uid="helpdesk_erasure")
        # The sockets of a staff member whose devices were reset re-check their session (and
        # close: its device is gone) now rather than at the next heartbeat.
        two_factor_reset.connect(lambda sender, user, **kw: realtime.user_recheck(user.pk),
                                 dispatch_uid="helpdesk_two_factor_reset", weak=False)

    def _connect_chat_signals(self):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.signals import user_logged_out
        from django.db.models.signals import m2m_changed, post_save

        from helpdesk import signals

        user_model = get_user_model()
        user_logged_out.connect(signals.on_logged_out, dispatch_uid="helpdesk_chat_logout")
        post_save.connect(signals.on_user_saved, sender=user_model,
                          dispatch_uid="helpdesk_chat_user_saved")
        m2m_changed.connect(signals.on_groups_changed, sender=user_model.groups.through,
                            dispatch_uid="helpdesk_chat_groups_changed")
        from helpdesk.models import Team

        m2m_changed.connect(signals.on_team_members_clearing, sender=Team.members.through,
                            dispatch_uid="helpdesk_chat_team_members_clearing")
        m2m_changed.connect(signals.on_team_members_changed, sender=Team.members.through,
                            dispatch_uid="helpdesk_chat_team_members_changed")
