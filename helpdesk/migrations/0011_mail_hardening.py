# Inbound/outbound mail hardening (issue 12): the IMAP poller's retry list, sealed links in
# the outbox (and the rows written before: their live links sealed, or dropped once sent),
# the "withheld" outcome and the "verify" kind.
from django.db import migrations, models


def seal_existing(apps, schema_editor):
    # The rule itself (helpdesk.mail.secrets.seal), not a copy: there is one definition of
    # what a secret in an email is.
    from helpdesk.mail.secrets import seal

    OutboundEmail = apps.get_model("helpdesk", "OutboundEmail")
    for row in OutboundEmail.objects.filter(sealed="").iterator(chunk_size=500):
        values = list((row.headers or {}).values())
        texts, sealed = seal([row.body_text, row.body_html, row.reply_to, *values])
        if not sealed:
            continue
        row.body_text, row.body_html, row.reply_to = texts[:3]
        row.headers = dict(zip((row.headers or {}).keys(), texts[3:], strict=True))
        row.sealed = "" if row.status in ("sent", "withheld") else sealed
        row.save(update_fields=["body_text", "body_html", "reply_to", "headers", "sealed"])


class Migration(migrations.Migration):

    dependencies = [
        ("helpdesk", "0010_admin_least_privilege"),
    ]

    operations = [
        migrations.AddField(
            model_name="imapstate",
            name="retry",
            field=models.JSONField(blank=True, default=dict, verbose_name="messages to try again"),
        ),
        migrations.AddField(
            model_name="outboundemail",
            name="sealed",
            field=models.TextField(blank=True, editable=False, verbose_name="sealed links"),
        ),
        migrations.AlterField(
            model_name="outboundemail",
            name="kind",
            field=models.CharField(choices=[("reply", "Reply to a request"), ("ack", "Acknowledgement of a request"), ("survey", "Satisfaction survey"), ("reminder", "Survey reminder"), ("transcript", "Chat transcript"), ("return", "Return status"), ("password", "Password reset"), ("verify", "Address verification"), ("notice", "Other notification")], max_length=10, verbose_name="kind"),
        ),
        migrations.AlterField(
            model_name="outboundemail",
            name="status",
            field=models.CharField(choices=[("pending", "Waiting to be sent"), ("sending", "Being sent"), ("sent", "Sent"), ("failed", "Failed"), ("withheld", "Not sent: address not verified")], default="pending", max_length=8, verbose_name="status"),
        ),
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
    ]
