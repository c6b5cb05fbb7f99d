from django.db import migrations


def sync_roles(apps, schema_editor):
    from helpdesk.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    """Least privilege in the admin (issue 12): agents and managers view rows and change them
    only through services; no role keeps a permission on users; agents read business hours
    and holidays (helpdesk.roles)."""

    dependencies = [
        ("helpdesk", "0009_message_author_recent"),
        ("accounts", "0002_email_verification"),
        ("orders", "0003_order_placed_idx"),
        ("faq", "0005_search_tiers"),
    ]

    operations = [
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
