from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.admin_base import ReadOnlyAdmin, ReadOnlyInline
from accounts.admin_two_factor import reset_two_factor
from accounts.models import Address, AgentProfile, CustomerProfile, User

# Set only by the services (last_login by sign-in, email_verified_at by the owner's proof):
# read-only for everyone, superusers included.
USER_DERIVED_FIELDS = ["last_login", "date_joined", "email_verified_at"]


class CustomerProfileInline(ReadOnlyInline, admin.StackedInline):
    model = CustomerProfile


class AgentProfileInline(ReadOnlyInline, admin.StackedInline):
    """Read-only here; managers change capacity and skills on the agent profile's own page,
    through ``helpdesk.services.staff.agent_profile_update``."""

    model = AgentProfile


class AddressInline(ReadOnlyInline, admin.TabularInline):
    model = Address


class UserManagersOnly:
    """Added, changed and deleted only by those who manage users (superusers), whatever
    permissions anyone holds. On the user admin this also guards the password form
    (/<id>/password/) and the add form."""

    def has_add_permission(self, request):
        return services.can_manage_users(request.user)

    def has_change_permission(self, request, obj=None):
        return services.can_manage_users(request.user)

    def has_delete_permission(self, request, obj=None):
        return services.can_manage_users(request.user)


@admin.register(User)
class UserAdmin(UserManagersOnly, DjangoUserAdmin):
    """Only superusers add, change or delete users, set passwords, staff and roles
    (``services.can_manage_users``), whatever permissions a role holds; managers read."""

    ordering = ["email"]
    list_display = ["email", "full_name", "language", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_active", "groups", "language"]
    search_fields = ["email", "full_name"]
    show_full_result_count = False
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("full_name", "language")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups",
                                       "user_permissions")}),
        (_("Important dates"), {"fields": USER_DERIVED_FIELDS}),
    )
    # What others than superusers see (read-only): no password hash, no per-user permissions.
    reader_fieldsets = (
        (None, {"fields": ("email",)}),
        (_("Personal info"), {"fields": ("full_name", "language")}),
        (_("Roles"), {"fields": ("is_active", "is_staff", "groups")}),
        (_("Important dates"), {"fields": USER_DERIVED_FIELDS}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",),
                "fields": ("email", "full_name", "password1", "password2")}),
    )
    readonly_fields = USER_DERIVED_FIELDS
    inlines = [CustomerProfileInline, AgentProfileInline, AddressInline]
    actions = [reset_two_factor]

    def get_fieldsets(self, request, obj=None):
        if obj is not None and not services.can_manage_users(request.user):
            return self.reader_fieldsets
        return super().get_fieldsets(request, obj)

    def save_model(self, request, obj, form, change):
        services.user_admin_save(
            by=request.user, user=obj, changed=form.changed_data,
            groups=form.cleaned_data.get("groups"),
            user_permissions=form.cleaned_data.get("user_permissions"),
        )

    def save_related(self, request, form, formsets, change):
        # The roles were set by user_admin_save; the inlines are read-only.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


@admin.register(CustomerProfile)
class CustomerProfileAdmin(ReadOnlyAdmin):
    """The customer edits it in My account; staff read it."""

    list_display = ["user", "tier", "phone"]
    list_filter = ["tier"]
    search_fields = ["user__email", "user__full_name", "phone"]
    list_select_related = ["user"]
    show_full_result_count = False


# Groups are the roles (helpdesk.roles): only superusers see or change them here.
admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(UserManagersOnly, DjangoGroupAdmin):
    def has_module_permission(self, request):
        return services.can_manage_users(request.user)

    def has_view_permission(self, request, obj=None):
        return services.can_manage_users(request.user)
