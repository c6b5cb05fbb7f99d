from django.db import migrations


def sync_roles(apps, schema_editor):
    from helpdesk.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    """Managers review the email channel's outbox, inbound log and surveys (helpdesk.roles)."""

    dependencies = [
        ("helpdesk", "0006_email_outbox_inbound_surveys"),
    ]

    operations = [
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
