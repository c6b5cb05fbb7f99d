"""The surveys' part of erasing a customer (connected to ``customer_erasing``): their survey
links stop working and no survey is sent to them any more."""

from django.db.models import Q

from helpdesk.surveys.models import Survey, SurveyStatus


def on_customer_erasing(sender, user, email: str, **kwargs) -> None:
    surveys = Survey.objects.filter(Q(customer=user) | Q(conversation__customer=user))
    surveys.update(token_hash=None, reminder_token_hash=None, due_at=None)
    surveys.filter(status=SurveyStatus.SCHEDULED).update(status=SurveyStatus.SKIPPED,
                                                         reason="erased")
