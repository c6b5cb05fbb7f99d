# Placeholder reserved for the erasure work (issue 12).
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("helpdesk", "0011_mail_hardening"),
        ("accounts", "0003_erasure"),
    ]

    operations = []
