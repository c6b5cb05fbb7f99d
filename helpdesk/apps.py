from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _

from accounts.signals import customer_erasing, two_factor_reset
from helpdesk import (
    checks,  # noqa: F401 - registers the system checks
    realtime,
    receivers,
)
from orders.signals import return_requested


class HelpdeskConfig(AppConfig):
    name = "helpdesk"
    verbose_name = _("Help desk")

    def ready(self):
        # Imported here, not at the top: they import models, which exist once apps are loaded.
        from django.contrib.auth import get_user_model

        from helpdesk import business_hours, erasure
        from helpdesk.models import BusinessHours, Holiday, Team
        from helpdesk.services import returns

        # A changed schedule is used at once by this process (the others: within a minute).
        for model in (BusinessHours, Holiday):
            for signal in (post_save, post_delete):
                signal.connect(business_hours.forget, sender=model,
                               dispatch_uid=f"helpdesk_schedule_{model.__name__}_{signal}")

        customer_erasing.connect(erasure.on_customer_erasing, dispatch_uid="helpdesk_erasure")
        # A requested return opens or joins the customer's conversation (services.returns).
        return_requested.connect(returns.on_return_requested,
                                 dispatch_uid="helpdesk_return_requested")
        # The sockets of a staff member whose devices were reset re-check their session (and
        # close: its device is gone) now rather than at the next heartbeat.
        two_factor_reset.connect(lambda sender, user, **kw: realtime.user_recheck(user.pk),
                                 dispatch_uid="helpdesk_two_factor_reset", weak=False)

        # A user's chat sockets close at once when their session ends or their right to it
        # changes (helpdesk.receivers).
        user_model = get_user_model()
        user_logged_out.connect(receivers.on_logged_out, dispatch_uid="helpdesk_chat_logout")
        post_save.connect(receivers.on_user_saved, sender=user_model,
                          dispatch_uid="helpdesk_chat_user_saved")
        m2m_changed.connect(receivers.on_groups_changed, sender=user_model.groups.through,
                            dispatch_uid="helpdesk_chat_groups_changed")
        m2m_changed.connect(receivers.on_team_members_clearing, sender=Team.members.through,
                            dispatch_uid="helpdesk_chat_team_members_clearing")
        m2m_changed.connect(receivers.on_team_members_changed, sender=Team.members.through,
                            dispatch_uid="helpdesk_chat_team_members_changed")
