# Placeholder reserved for the erasure work (issue 12); operations added there.
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0002_email_verification"),
    ]

    operations = []
