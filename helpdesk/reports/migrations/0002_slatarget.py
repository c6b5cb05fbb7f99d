from django.db import migrations, models


class Migration(migrations.Migration):
    """The SLA targets, moved from helpdesk with their table (helpdesk.0013)."""

    dependencies = [
        ('reports', '0001_conversation_timing'),
        ('helpdesk', '0012_erasure'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The table exists (created by helpdesk's migrations): only the state moves.
            state_operations=[
                migrations.CreateModel(
                    name='SlaTarget',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('tier', models.CharField(choices=[('standard', 'Standard'), ('premium', 'Premium')], max_length=16, verbose_name='membership tier')),
                        ('channel', models.CharField(choices=[('chat', 'Live chat'), ('email', 'Email'), ('web', 'Written request'), ('phone', 'Phone')], max_length=8, verbose_name='channel')),
                        ('first_response_minutes', models.PositiveIntegerField(verbose_name='first response within (business minutes)')),
                        ('resolution_minutes', models.PositiveIntegerField(blank=True, help_text='Empty: no resolution target.', null=True, verbose_name='resolution within (business minutes)')),
                    ],
                    options={
                        'verbose_name': 'SLA target',
                        'verbose_name_plural': 'SLA targets',
                        'db_table': 'helpdesk_slatarget',
                        'ordering': ['tier', 'channel'],
                        'constraints': [models.UniqueConstraint(fields=('tier', 'channel'), name='sla_target_tier_channel_unique')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
