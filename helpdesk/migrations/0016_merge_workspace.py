# The merge of the four branches of issue 16 that each added a 0015 (inbox, macros and calls,
# search, the customer story); none depends on another.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('helpdesk', '0015_inbox_saved_views_indexes'),
        ('helpdesk', '0015_macros_and_calls'),
        ('helpdesk', '0015_search_indexes'),
        ('helpdesk', '0015_story_conversation_returns'),
    ]

    operations = [
    ]
