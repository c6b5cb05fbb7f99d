"""Run in a process of its own against an empty database (``DATABASE_URL``) by
tests/helpdesk/test_migrations.py: migrate to the schema before the models left the core
(helpdesk 0012, reports 0001), give the role groups what they held then and put rows in every
table that moves, with content types referred to by the admin log and the audit log; then run
the migrations that move the models, and print both snapshots as JSON.

``python -m tests.helpdesk.migration_check`` prints ``{"before": ..., "after": ...}``; with
``--interrupted`` a first ``migrate`` stops after the apps' first migrations, and its
post_migrate creates the moved models' content types under their new labels (with fresh
permissions), before the rest runs.
"""

import json
import os
import sys
from datetime import UTC, datetime, time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
django.setup()

from django.db import connection  # noqa: E402
from django.db.migrations.executor import MigrationExecutor  # noqa: E402

NEW_APPS = {"chat", "mail", "surveys"}
BEFORE = {"helpdesk": "0012_erasure", "reports": "0001_conversation_timing"}
MOVE = {"helpdesk": "0013_models_to_apps", "reports": "0002_slatarget", "chat": "0001_initial",
        "mail": "0001_initial", "surveys": "0001_initial"}
# model -> (app before, app after)
MOVED = {"readreceipt": ("helpdesk", "chat"), "outboundemail": ("helpdesk", "mail"),
         "inboundemail": ("helpdesk", "mail"), "imapstate": ("helpdesk", "mail"),
         "survey": ("helpdesk", "surveys"), "slatarget": ("helpdesk", "reports")}
TABLES = ["helpdesk_readreceipt", "helpdesk_outboundemail", "helpdesk_inboundemail",
          "helpdesk_imapstate", "helpdesk_survey", "helpdesk_slatarget"]
# What the role groups held of the moved models before (helpdesk/roles.py at 0010), which the
# current roles give under the new labels.
OLD_GRANTS = {
    "agent": ["view_slatarget"],
    "manager": ["view_slatarget", "add_slatarget", "change_slatarget", "delete_slatarget",
                "view_outboundemail", "change_outboundemail", "view_inboundemail",
                "change_inboundemail", "view_survey", "change_survey"],
}
NOW = datetime(2026, 5, 4, 10, 30, tzinfo=UTC)


def leaves(executor, pinned):
    targets = []
    for app, name in executor.loader.graph.leaf_nodes():
        if app in pinned:
            targets.append((app, pinned[app]))
        elif app not in NEW_APPS:
            targets.append((app, name))
    return targets


def rows():
    out = {}
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"SELECT * FROM {table} ORDER BY id")  # noqa: S608 - fixed names
            names = [c[0] for c in cursor.description]
            out[table] = [{k: str(v) for k, v in zip(names, row, strict=True)}
                          for row in cursor.fetchall()]
    return out


def snapshot(apps):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    types = {f"{ct.app_label}.{ct.model}": ct.pk for ct in ContentType.objects.filter(
        model__in=list(MOVED))}
    groups = {g.name: sorted(g.permissions.values_list("pk", flat=True))
              for g in Group.objects.order_by("name")}
    AdminLog = apps.get_model("admin", "LogEntry")
    AuditLog = apps.get_model("auditlog", "LogEntry")
    logs = {
        "admin": sorted((e.object_id, e.content_type_id) for e in AdminLog.objects.all()),
        "audit": sorted((e.object_pk, e.content_type_id) for e in AuditLog.objects.all()),
    }
    return {"rows": rows(), "content_types": types, "groups": groups, "logs": logs,
            "content_type_count": ContentType.objects.count()}


def fill(apps):
    """Rows in every moved table, and what refers to their content types."""
    get = apps.get_model
    User, Group, Permission = get("accounts", "User"), get("auth", "Group"), get("auth",
                                                                                "Permission")
    for role, codenames in OLD_GRANTS.items():
        group = Group.objects.get(name=role)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="helpdesk",
                                                         codename__in=codenames))
    customer = User.objects.create(email="old-customer@example.com", full_name="Old Customer",
                                   password="!", language="en")
    agent = User.objects.create(email="old-agent@example.com", full_name="Old Agent",
                                password="!", language="en", is_staff=True)
    conversation = get("helpdesk", "Conversation").objects.create(
        reference="HD-MOVE-1", customer=customer, channel="email", status="resolved",
        topic="orders", created_at=NOW, resolved_at=NOW, last_seq=1)
    message = get("helpdesk", "Message").objects.create(
        conversation=conversation, seq=1, author=agent, author_role="agent", body="Hello",
        created_at=NOW)
    get("helpdesk", "ReadReceipt").objects.create(conversation=conversation, user=customer,
                                                  role="customer", seq=1, read_at=NOW)
    outbound = get("helpdesk", "OutboundEmail").objects.create(
        kind="reply", status="sent", conversation=conversation, conversation_message=message,
        dedupe_key=f"reply:{message.pk}", message_id="<move-1@example.com>",
        from_email="Help Desk <support@example.com>", to=["old-customer@example.com"],
        subject="Re: Hello", body_text="Hello", next_attempt_at=NOW, sent_at=NOW,
        created_at=NOW)
    get("helpdesk", "InboundEmail").objects.create(
        message_id="<in-1@example.com>", sha256="a" * 64, source="imap",
        from_address="old-customer@example.com", subject="Hello", status="appended",
        reason="reply", conversation=conversation, conversation_message=message,
        received_at=NOW)
    get("helpdesk", "ImapState").objects.create(mailbox="INBOX", uidvalidity=7, last_uid=42)
    get("helpdesk", "Survey").objects.create(
        conversation=conversation, customer=customer, status="sent", token_hash="b" * 64,
        sent_at=NOW, expires_at=NOW, created_at=NOW)
    target = get("helpdesk", "SlaTarget").objects.create(
        tier="standard", channel="email", first_response_minutes=480, resolution_minutes=2880)
    get("reports", "ConversationTiming").objects.create(
        conversation=conversation, created_at=NOW, schedule_key="k", computed_at=NOW)
    get("helpdesk", "BusinessHours").objects.create(weekday=0, opens_at=time(9),
                                                    closes_at=time(18))
    ContentType = get("contenttypes", "ContentType")
    get("admin", "LogEntry").objects.create(
        action_time=NOW, user=agent, object_id=str(outbound.pk), object_repr="reply",
        action_flag=2, change_message="[]",
        content_type=ContentType.objects.get(app_label="helpdesk", model="outboundemail"))
    get("auditlog", "LogEntry").objects.create(
        content_type=ContentType.objects.get(app_label="helpdesk", model="slatarget"),
        object_pk=str(target.pk), object_id=target.pk, object_repr="Standard / Email",
        action=1, changes={"first_response_minutes": ["240", "480"]}, timestamp=NOW)


def references():
    """Through the models as they are now: every foreign key and content type resolves."""
    from auditlog.models import LogEntry as AuditLog
    from django.contrib.admin.models import LogEntry as AdminLog
    from django.contrib.contenttypes.models import ContentType

    from helpdesk.chat.models import ReadReceipt
    from helpdesk.mail.models import ImapState, InboundEmail, OutboundEmail
    from helpdesk.reports.models import ConversationTiming, SlaTarget
    from helpdesk.surveys.models import Survey

    outbound = OutboundEmail.objects.get()
    return {
        "content_types": {f"{m._meta.label_lower}": ContentType.objects.get_for_model(m).pk
                          for m in (ReadReceipt, OutboundEmail, InboundEmail, ImapState, Survey,
                                    SlaTarget)},
        "outbound": [outbound.conversation.reference, outbound.conversation_message.body],
        "inbound": InboundEmail.objects.get().conversation.reference,
        "receipt": ReadReceipt.objects.get().conversation.reference,
        "survey": [Survey.objects.get().conversation.reference,
                   Survey.objects.get().conversation.survey.pk],
        "reverse": [outbound.conversation.outbound_emails.count(),
                    outbound.conversation.read_receipts.count()],
        "sla": SlaTarget.objects.get().first_response_minutes,
        "timing": ConversationTiming.objects.get().conversation.reference,
        "admin_log": type(AdminLog.objects.get().get_edited_object()).__name__,
        "audit_log": AuditLog.objects.get().content_type.model_class().__name__,
    }


def main():
    executor = MigrationExecutor(connection)
    before_targets = leaves(executor, BEFORE)
    executor.migrate(before_targets)
    old_apps = executor.loader.project_state(before_targets).apps
    fill(old_apps)
    before = snapshot(old_apps)

    if "--interrupted" in sys.argv:
        from django.apps import apps as live_apps
        from django.contrib.contenttypes.management import create_contenttypes

        executor = MigrationExecutor(connection)
        executor.migrate(leaves(executor, {**BEFORE, **{app: MOVE[app] for app in NEW_APPS}}))
        for app in ("chat", "mail", "surveys", "reports"):
            create_contenttypes(live_apps.get_app_config(app), verbosity=0)

    executor = MigrationExecutor(connection)
    move_targets = leaves(executor, MOVE)
    executor.migrate(move_targets)
    after = snapshot(executor.loader.project_state(move_targets).apps)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # and on to the latest
    print(json.dumps({"before": before, "after": after, "references": references()}))  # noqa: T201


if __name__ == "__main__":
    main()
