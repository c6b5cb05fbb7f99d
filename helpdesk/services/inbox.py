"""The agent console's inbox writes: saved views, tags on a conversation, bulk actions.

Tags themselves are configuration: managers create, rename and delete them in the admin
(``configuration_save``, the manager role's tag permissions); agents put existing tags on the
conversations they may see. A saved view belongs to one agent: only they list and delete it.

A bulk action runs the one service of that action (``conversation_transfer``,
``conversation_resolve``, ``conversation_tag_add``) once per conversation, each in its own
transaction after ``access_conversation``: a conversation the agent may not see or a service's
refusal is reported for that conversation, and the others keep their result.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from common.errors import NotFound
from helpdesk.access import access_conversation
from helpdesk.models import SavedView, Tag, Team
from helpdesk.selectors import inbox_query_parse
from helpdesk.services.conversations import conversation_resolve, conversation_transfer
from helpdesk.services.tags import conversation_tag_add, require_staff

SAVED_VIEWS_MAX = 30
BULK_MAX = 100
BULK_ACTIONS = ("assign", "transfer", "tag", "resolve")


def saved_view_save(*, owner, name: str, params) -> SavedView:
    """Save the inbox's current filters and sort (``params``, validated as the inbox reads
    them) under ``name`` for ``owner``; the same name replaces that view."""
    require_staff(owner)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the view a name.")})
    if len(name) > (SavedView._meta.get_field("name").max_length or 0):
        raise ValidationError({"name": _("The name is too long.")})
    query, errors = inbox_query_parse(params, tag_names=Tag.objects.values_list("name", flat=True))
    if errors:
        raise ValidationError({"query": list(errors.values())})
    with transaction.atomic():
        existing = SavedView.objects.select_for_update().filter(owner=owner, name=name).first()
        if existing is not None:
            existing.query = query.as_params()
            existing.save(update_fields=["query"])
            return existing
        if SavedView.objects.filter(owner=owner).count() >= SAVED_VIEWS_MAX:
            raise ValidationError(
                _("At most %(count)d saved views: delete one first.")
                % {"count": SAVED_VIEWS_MAX}, code="limit")
        try:
            with transaction.atomic():
                return SavedView.objects.create(owner=owner, name=name, query=query.as_params())
        except IntegrityError:  # the same name saved at the same moment
            raise ValidationError({"name": _("A view of that name exists.")}) from None


def saved_view_delete(*, owner, pk) -> None:
    """Delete ``owner``'s saved view ``pk``; another agent's or a missing one is NotFound."""
    require_staff(owner)
    try:
        deleted, _rows = SavedView.objects.filter(owner=owner, pk=int(pk)).delete()
    except (TypeError, ValueError):
        raise NotFound(pk) from None
    if not deleted:
        raise NotFound(pk)


@dataclass(frozen=True)
class BulkOutcome:
    reference: str
    ok: bool
    message: str = ""


def conversations_bulk(*, by, references, action: str, agent=None, team: Team | None = None,
                       tag: Tag | None = None) -> list[BulkOutcome]:
    """Apply ``action`` (assign to ``agent``, transfer to ``team``, ``tag``, resolve) to each
    conversation ``by`` may see, one transaction each; one outcome per reference."""
    require_staff(by)
    if action not in BULK_ACTIONS:
        raise ValidationError(_("Choose an action."), code="invalid")
    if ((action == "assign" and agent is None) or (action == "transfer" and team is None)
            or (action == "tag" and tag is None)):
        raise ValidationError(_("Choose whom or what the action applies."), code="invalid")
    references = list(dict.fromkeys(r for r in references if r))
    if not references:
        raise ValidationError(_("Select at least one conversation."), code="empty")
    if len(references) > BULK_MAX:
        raise ValidationError(_("At most %(count)d at once: select fewer.") % {"count": BULK_MAX},
                              code="limit")
    outcomes = []
    for reference in references:
        try:
            with transaction.atomic():
                conv = access_conversation(user=by, reference=reference)
                if action == "assign":
                    conversation_transfer(conversation=conv, by=by, to_agent=agent)
                elif action == "transfer":
                    conversation_transfer(conversation=conv, by=by, to_team=team)
                elif action == "tag":
                    assert tag is not None  # checked above
                    conversation_tag_add(conversation=conv, by=by, tag=tag)
                else:
                    conversation_resolve(conversation=conv, by=by)
        except NotFound:
            outcomes.append(BulkOutcome(reference, False,
                                        _("not found, or not yours to change")))
        except ValidationError as exc:
            outcomes.append(BulkOutcome(reference, False, " ".join(exc.messages)))
        else:
            outcomes.append(BulkOutcome(reference, True))
    return outcomes
