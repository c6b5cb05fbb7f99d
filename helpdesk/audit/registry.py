"""Which models the audit log tracks, and only while staff act.

Tracked: what staff change through the console, the admin and the services (conversations'
routing fields, returns, users and their roles, agent profiles, teams and their members, help
articles, canned replies, hours, holidays, SLA targets). Not tracked: messages (each is its own
record, with author and time, and the chat's hot path must not pay a diff per message), read
marks, presence, the email logs (their admin actions are recorded by ``helpdesk.audit.admin``).

auditlog's receivers compare a saved row with the stored one (a query per save). They are
wrapped so that they run only while a staff member acts (``accounts.audit``): a customer's own
change, a beat job or the chat's assignment run costs nothing and writes nothing.
"""

import functools

from auditlog.receivers import make_log_m2m_changes
from auditlog.registry import auditlog
from django.apps import apps
from django.db.models.signals import m2m_changed, pre_save

from accounts.audit import current_actor, current_remote_addr

# label -> (auditlog.register options, many-to-many fields)
TRACKED: dict[str, tuple[dict, list[str]]] = {
    "accounts.user": ({"include_fields": ["email", "full_name", "is_active", "is_staff",
                                          "is_superuser", "password"],
                       "mask_fields": ["password"],
                       "mask_callable": "helpdesk.audit.registry.masked"},
                      ["groups", "user_permissions"]),
    "auth.group": ({"include_fields": ["name"]}, ["permissions"]),
    "accounts.agentprofile": ({"include_fields": ["status", "max_concurrent_chats",
                                                  "max_open_requests", "languages",
                                                  "skills"]}, []),
    "helpdesk.conversation": ({"include_fields": ["status", "assignee", "team", "topic",
                                                  "priority", "customer"]}, []),
    "helpdesk.team": ({"include_fields": ["name", "topics"]}, ["members"]),
    "helpdesk.cannedreply": ({}, []),
    "helpdesk.businesshours": ({}, []),
    "helpdesk.holiday": ({}, []),
    "reports.slatarget": ({}, []),
    "orders.returnrequest": ({"include_fields": ["status", "refund_amount"]}, []),
    "faq.category": ({}, []),
    "faq.categorytranslation": ({}, []),
    "faq.article": ({"include_fields": ["category", "slug", "status", "position"]}, []),
    "faq.articletranslation": ({"exclude_fields": ["updated_at"]}, []),
}


def masked(value) -> str:
    """A password hash is never written to the log, not even in part: only that it changed."""
    return "***"


def when_staff_acts(receiver):
    """``receiver``, run only while a staff member acts."""

    @functools.wraps(receiver)
    def gated(*args, **kwargs):
        if current_actor() is not None:
            return receiver(*args, **kwargs)
        return None

    gated.staff_gated = True
    return gated


def _attribute(sender, instance, **kwargs):
    """Fill in who and from where on every new entry (auditlog's own receivers leave it
    empty); an entry edited later (scrubbed by an erasure) keeps its own."""
    if not instance._state.adding:
        return
    if instance.actor_id is None:
        actor = current_actor()
        if actor is not None:
            instance.actor = actor
            instance.actor_email = actor.email
    if instance.remote_addr is None:
        instance.remote_addr = current_remote_addr()


def track_staff_changes() -> None:
    """Register the tracked models with auditlog, its receivers gated (once per process)."""
    if getattr(auditlog, "staff_gated", False):
        return
    # auditlog connects the receivers named in its registry's signal table when a model is
    # registered; there is no public way to wrap them (pinned version, pyproject.toml).
    auditlog._signals = {signal: when_staff_acts(receiver)
                         for signal, receiver in auditlog._signals.items()}
    auditlog.staff_gated = True
    log_entry = apps.get_model("auditlog", "LogEntry")
    pre_save.connect(_attribute, sender=log_entry, dispatch_uid="helpdesk_audit_attribute")
    for label, (options, m2m_fields) in TRACKED.items():
        model = apps.get_model(label)
        auditlog.register(model, **options)
        for name in m2m_fields:
            # Ours, not auditlog's m2m_fields option: its receiver would run (and query) on
            # every customer's sign-up, which adds the customer role.
            m2m_changed.connect(when_staff_acts(make_log_m2m_changes(name)),
                                sender=getattr(model, name).through, weak=False,
                                dispatch_uid=f"helpdesk_audit_m2m_{label}_{name}")
