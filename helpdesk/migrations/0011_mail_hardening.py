# Placeholder reserved for the inbound/outbound mail hardening (issue 12).
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("helpdesk", "0010_admin_least_privilege"),
    ]

    operations = []
