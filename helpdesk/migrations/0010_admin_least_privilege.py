# Placeholder reserved for the admin least-privilege and audit work (issue 12).
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("helpdesk", "0009_message_author_recent"),
    ]

    operations = []
