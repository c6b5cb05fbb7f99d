"""What managers configure: canned replies, business hours, holidays, tags, and what apps register
(the reports' SLA targets).

The admin's forms build the row and call these to save or delete it, so the rule (who may)
lives here with the audit entry (helpdesk.audit records the change while staff act). Agents
read these rows; nothing else writes them.
"""

from django.core.exceptions import PermissionDenied
from django.db import models, transaction

from helpdesk.models import BusinessHours, CannedReply, Holiday, Tag

# The models these services write; an app adds its own in its AppConfig.ready().
_configuration_models: set[type[models.Model]] = {CannedReply, BusinessHours, Holiday, Tag}


def configuration_model_register(model: type[models.Model]) -> None:
    """Let managers save and delete ``model``'s rows through these services (the reports' SLA
    targets). Called from the app's ``AppConfig.ready()``."""
    _configuration_models.add(model)


def _require(by, obj: models.Model, action: str) -> None:
    if not isinstance(obj, tuple(_configuration_models)):
        raise TypeError(f"{type(obj).__name__} is not configuration")
    opts = obj._meta
    if not (by.is_authenticated and by.is_active and by.is_staff
            and by.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")):
        raise PermissionDenied


@transaction.atomic
def configuration_save(*, by, obj: models.Model) -> models.Model:
    """Validate and save a new or changed configuration row for ``by`` (add/change permission)."""
    _require(by, obj, "add" if obj._state.adding else "change")
    obj.full_clean()
    obj.save()
    return obj


@transaction.atomic
def configuration_delete(*, by, obj: models.Model) -> None:
    """Delete a configuration row for ``by`` (delete permission)."""
    _require(by, obj, "delete")
    obj.delete()
