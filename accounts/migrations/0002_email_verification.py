# Confirmed email addresses (issue 12, accounts.selectors.email_trusted).
#
# Accounts that exist when this runs are left unconfirmed on purpose: nothing recorded so far
# proves who holds an address (sign-up never checked it), and marking them all confirmed would
# hand every address someone signed up with before its owner to the squatter for good. Their
# owners see "confirm your address" on their next visit and confirm with one link; until then
# they get only proof links (confirmation, password reset). Accounts made from inbound mail
# (customers without a password) stay trusted by the rule itself; staff confirm like anyone.
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="email_verified_at",
            field=models.DateTimeField(blank=True, editable=False, null=True,
                                       verbose_name="email verified"),
        ),
    ]
