from django.db import migrations


def create_roles(apps, schema_editor):
    from helpdesk.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("helpdesk", "0001_initial"),
        ("accounts", "0001_initial"),
        ("orders", "0001_initial"),
        ("faq", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
