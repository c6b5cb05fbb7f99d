"""The model admin is for reading: the base of every admin page whose rows services write.

Agents and managers change things through the console and through admin actions or small
forms that call a service with its access check; nobody, superusers included, adds, edits or
deletes such rows by hand, whatever permissions a role is given. A model admin that allows a
change says so explicitly and saves through a service
(tests/helpdesk/test_admin_privilege.py holds the list).

Here in accounts, the lowest app, so that the accounts, orders and helpdesk admins share it.
"""

from django.contrib import admin


def all_field_names(model, exclude=()) -> list[str]:
    """Every concrete field and many-to-many of ``model``, for read-only display."""
    opts = model._meta
    return [f.name for f in [*opts.fields, *opts.many_to_many]
            if f.name not in exclude and not f.auto_created]


class _NoWrites:
    """Nobody adds, changes or deletes here; every field is shown read-only."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [*all_field_names(self.model, exclude=self.exclude or ()),
                *self.readonly_fields]


class ReadOnlyAdmin(_NoWrites, admin.ModelAdmin):
    """Viewable by whoever holds the view permission; added, changed, deleted by nobody."""


class ReadOnlyInline(_NoWrites):
    """For inlines: shown with their parent, never added, changed or deleted there."""

    extra = 0
    can_delete = False
    show_change_link = False
