"""The channels' and features' models leave the core for their apps (issue 13), tables and all.

Only Django's state moves: each app's first migration creates its models over the existing
tables (``Meta.db_table`` keeps the helpdesk_ names; indexes and constraints keep theirs), and
this one deletes them from helpdesk. No row is copied. Then the content types of the moved
models are renamed to their new app, so their ids, and with them the permissions, the role
groups' grants, the admin log and the audit log's entries, stay as they were; and the roles
are synchronised with the new labels (helpdesk.roles).
"""

from django.contrib.contenttypes.models import ContentType as LiveContentType
from django.db import migrations

from helpdesk.roles import sync_roles as roles_sync

# model -> the app it moved to
MOVED = {
    "readreceipt": "chat",
    "outboundemail": "mail",
    "inboundemail": "mail",
    "imapstate": "mail",
    "survey": "surveys",
    "slatarget": "reports",
}


def _relabel(apps, source_of, target_of):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model, app in MOVED.items():
        source, target = source_of(app), target_of(app)
        old = ContentType.objects.filter(app_label=source, model=model).first()
        if old is None:
            continue  # a database that never had it: created under the new label later
        # A content type under the new label exists only if a migrate run stopped between the
        # app's first migration and this one (its post_migrate created it, with fresh
        # permissions nobody was granted yet): the old row, which everything refers to, wins.
        ContentType.objects.filter(app_label=target, model=model).delete()
        old.app_label = target
        old.save(update_fields=["app_label"])
    ContentType.objects.clear_cache()
    # The running process's own cache of content types, which may hold the old labels.
    LiveContentType.objects.clear_cache()


def content_types_to_apps(apps, schema_editor):
    _relabel(apps, source_of=lambda app: "helpdesk", target_of=lambda app: app)


def content_types_to_helpdesk(apps, schema_editor):
    _relabel(apps, source_of=lambda app: app, target_of=lambda app: "helpdesk")


def sync_roles(apps, schema_editor):
    roles_sync(apps)


class Migration(migrations.Migration):

    dependencies = [
        ("helpdesk", "0012_erasure"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("chat", "0001_initial"),
        ("mail", "0001_initial"),
        ("surveys", "0001_initial"),
        ("reports", "0002_slatarget"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ReadReceipt"),
                migrations.DeleteModel(name="OutboundEmail"),
                migrations.DeleteModel(name="InboundEmail"),
                migrations.DeleteModel(name="ImapState"),
                migrations.DeleteModel(name="Survey"),
                migrations.DeleteModel(name="SlaTarget"),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_to_apps, content_types_to_helpdesk),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
