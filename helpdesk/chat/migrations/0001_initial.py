import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """Read receipts, moved from helpdesk with their table (helpdesk.0013)."""

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
                    name='ReadReceipt',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('role', models.CharField(choices=[('customer', 'Customer'), ('agent', 'Agent'), ('system', 'System')], max_length=10, verbose_name='role')),
                        ('seq', models.PositiveIntegerField(default=0, verbose_name='read up to')),
                        ('read_at', models.DateTimeField(verbose_name='read')),
                        ('conversation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='read_receipts', to='helpdesk.conversation', verbose_name='conversation')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reader')),
                    ],
                    options={
                        'verbose_name': 'read receipt',
                        'verbose_name_plural': 'read receipts',
                        'db_table': 'helpdesk_readreceipt',
                        'constraints': [models.UniqueConstraint(fields=('conversation', 'user'), name='read_receipt_unique')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
