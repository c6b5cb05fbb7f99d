import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """The email channel's models, moved from helpdesk with their tables (helpdesk.0013)."""

    initial = True

    dependencies = [
        ('helpdesk', '0012_erasure'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The table exists (created by helpdesk's migrations): only the state moves.
            state_operations=[
                migrations.CreateModel(
                    name='ImapState',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('mailbox', models.CharField(max_length=200, unique=True, verbose_name='mailbox')),
                        ('uidvalidity', models.BigIntegerField(default=0, verbose_name='UIDVALIDITY')),
                        ('last_uid', models.BigIntegerField(default=0, verbose_name='last UID read')),
                        ('retry', models.JSONField(blank=True, default=dict, verbose_name='messages to try again')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                    ],
                    options={
                        'verbose_name': 'IMAP mailbox position',
                        'verbose_name_plural': 'IMAP mailbox positions',
                        'db_table': 'helpdesk_imapstate',
                    },
                ),
                migrations.CreateModel(
                    name='InboundEmail',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('message_id', models.CharField(blank=True, max_length=255, verbose_name='Message-ID')),
                        ('sha256', models.CharField(max_length=64, unique=True, verbose_name='SHA-256 of the raw message')),
                        ('source', models.CharField(max_length=16, verbose_name='source')),
                        ('from_address', models.CharField(blank=True, max_length=254, verbose_name='from')),
                        ('from_name', models.CharField(blank=True, max_length=200, verbose_name='sender name')),
                        ('subject', models.CharField(blank=True, max_length=255, verbose_name='subject')),
                        ('status', models.CharField(choices=[('created', 'Started a conversation'), ('appended', 'Added to a conversation'), ('quarantined', 'Quarantined'), ('ignored', 'Ignored')], max_length=12, verbose_name='outcome')),
                        ('reason', models.CharField(blank=True, max_length=40, verbose_name='reason')),
                        ('raw', models.FileField(blank=True, upload_to='inbound/%Y/%m/', verbose_name='raw message')),
                        ('received_at', models.DateTimeField(db_index=True, verbose_name='received')),
                        ('conversation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='inbound_emails', to='helpdesk.conversation', verbose_name='conversation')),
                        ('conversation_message', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='helpdesk.message', verbose_name='message')),
                    ],
                    options={
                        'verbose_name': 'incoming email',
                        'verbose_name_plural': 'incoming emails',
                        'db_table': 'helpdesk_inboundemail',
                        'ordering': ['-received_at'],
                        'indexes': [models.Index(fields=['from_address', 'received_at'], name='inbound_sender_idx')],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('message_id', ''), _negated=True), fields=('message_id',), name='inbound_message_id_unique')],
                    },
                ),
                migrations.CreateModel(
                    name='OutboundEmail',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('reply', 'Reply to a request'), ('ack', 'Acknowledgement of a request'), ('survey', 'Satisfaction survey'), ('reminder', 'Survey reminder'), ('transcript', 'Chat transcript'), ('return', 'Return status'), ('password', 'Password reset'), ('verify', 'Address verification'), ('notice', 'Other notification')], max_length=10, verbose_name='kind')),
                        ('status', models.CharField(choices=[('pending', 'Waiting to be sent'), ('sending', 'Being sent'), ('sent', 'Sent'), ('failed', 'Failed'), ('withheld', 'Not sent: address not verified')], default='pending', max_length=8, verbose_name='status')),
                        ('dedupe_key', models.CharField(blank=True, max_length=120, verbose_name='deduplication key')),
                        ('message_id', models.CharField(max_length=255, unique=True, verbose_name='Message-ID')),
                        ('from_email', models.CharField(max_length=320, verbose_name='from')),
                        ('to', models.JSONField(default=list, verbose_name='to')),
                        ('reply_to', models.CharField(blank=True, max_length=320, verbose_name='reply to')),
                        ('subject', models.CharField(max_length=255, verbose_name='subject')),
                        ('body_text', models.TextField(verbose_name='plain text')),
                        ('body_html', models.TextField(blank=True, verbose_name='HTML')),
                        ('headers', models.JSONField(blank=True, default=dict, verbose_name='extra headers')),
                        ('sealed', models.TextField(blank=True, editable=False, verbose_name='sealed links')),
                        ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='attempts')),
                        ('next_attempt_at', models.DateTimeField(verbose_name='next attempt')),
                        ('claimed_at', models.DateTimeField(blank=True, null=True, verbose_name='claimed')),
                        ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent')),
                        ('last_error', models.TextField(blank=True, verbose_name='last error')),
                        ('created_at', models.DateTimeField(db_index=True, verbose_name='created')),
                        ('conversation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='outbound_emails', to='helpdesk.conversation', verbose_name='conversation')),
                        ('conversation_message', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='helpdesk.message', verbose_name='message')),
                    ],
                    options={
                        'verbose_name': 'outgoing email',
                        'verbose_name_plural': 'outgoing emails',
                        'db_table': 'helpdesk_outboundemail',
                        'ordering': ['-created_at'],
                        'indexes': [models.Index(fields=['status', 'next_attempt_at'], name='outbound_status_due_idx')],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('dedupe_key', ''), _negated=True), fields=('dedupe_key',), name='outbound_dedupe_key_unique')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
