import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """Surveys, moved from helpdesk with their table (helpdesk.0013)."""

    initial = True

    dependencies = [
        ('helpdesk', '0012_erasure'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The table exists (created by helpdesk's migrations): only the state moves.
            state_operations=[
                migrations.CreateModel(
                    name='Survey',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('scheduled', 'Scheduled'), ('sent', 'Sent'), ('reminded', 'Reminder sent'), ('answered', 'Answered'), ('skipped', 'Not sent'), ('expired', 'Expired')], default='scheduled', max_length=10, verbose_name='status')),
                        ('reason', models.CharField(blank=True, max_length=20, verbose_name='reason not sent')),
                        ('due_at', models.DateTimeField(blank=True, null=True, verbose_name='next step due')),
                        ('token_hash', models.CharField(blank=True, max_length=64, null=True, unique=True, verbose_name='token hash')),
                        ('reminder_token_hash', models.CharField(blank=True, max_length=64, null=True, unique=True, verbose_name='reminder token hash')),
                        ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent')),
                        ('reminded_at', models.DateTimeField(blank=True, null=True, verbose_name='reminded')),
                        ('expires_at', models.DateTimeField(blank=True, null=True, verbose_name='links expire')),
                        ('answered_at', models.DateTimeField(blank=True, null=True, verbose_name='answered')),
                        ('needs_review', models.BooleanField(default=False, verbose_name='needs review')),
                        ('created_at', models.DateTimeField(verbose_name='created')),
                        ('conversation', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='survey', to='helpdesk.conversation', verbose_name='conversation')),
                        ('customer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='surveys', to=settings.AUTH_USER_MODEL, verbose_name='customer')),
                    ],
                    options={
                        'verbose_name': 'satisfaction survey',
                        'verbose_name_plural': 'satisfaction surveys',
                        'db_table': 'helpdesk_survey',
                        'ordering': ['-created_at'],
                        'indexes': [models.Index(fields=['due_at'], name='survey_due_idx'), models.Index(fields=['customer', 'sent_at'], name='survey_customer_sent_idx')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
