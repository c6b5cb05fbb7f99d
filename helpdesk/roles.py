"""The three roles as auth groups, and the permissions each one carries.

Agents and managers work in the admin (they are staff); customers never are. A migration calls
``sync_roles`` so every database has the groups; later migrations call it again when models
are added or permissions change. Permissions that do not exist yet (a model added later) are
skipped.

Least privilege (issue 12): the model admin is for reading. Agents and managers view rows;
what they change goes through a service with its access check (the console, an admin action
or a small admin form). A permission to change below means that service-backed way, never
editing the row by hand: the admin classes refuse raw edits whatever the permissions say
(``accounts.admin_base.ReadOnlyAdmin``). Users, roles and passwords are managed by superusers
only (``accounts.services.can_manage_users``); no role carries a permission on them.
"""

from accounts.choices import Role

_VIEW = ["view"]
_EDIT = ["view", "add", "change", "delete"]

# app_label -> model -> actions
_AGENT = {
    # The customers of their conversations are shown in the console beside each one.
    "accounts": {"agentprofile": _VIEW},
    "orders": {**{m: _VIEW for m in ["order", "orderitem", "shipment", "trackingevent",
                                     "returnitem", "returnevent"]},
               # change: approve, reject, receive and refund (orders.services), nothing else.
               "returnrequest": ["view", "change"]},
    "faq": {m: _VIEW for m in ["category", "categorytranslation", "article",
                               "articletranslation"]},
    "helpdesk": {m: _VIEW for m in ["team", "conversation", "message", "attachment",
                                    "cannedreply", "satisfactionrating", "businesshours",
                                    "holiday", "tag"]},
    "reports": {"slatarget": _VIEW},
}

_MANAGER = {
    "accounts": {"user": _VIEW, "customerprofile": _VIEW, "address": _VIEW,
                 # change: capacity, languages and skills (agent_profile_update).
                 "agentprofile": ["view", "change"]},
    "orders": {**{m: _VIEW for m in ["order", "orderitem", "shipment", "trackingevent",
                                     "returnitem", "returnevent"]},
               "returnrequest": ["view", "change"]},
    # Content and configuration managers edit; the admin saves through the services.
    "faq": {m: _EDIT for m in ["category", "categorytranslation", "article",
                               "articletranslation"]},
    "helpdesk": {**{m: _VIEW for m in ["conversation", "message", "attachment",
                                       "satisfactionrating"]},
                 # change: the members (team_members_set); names and topics are superusers'.
                 "team": ["view", "change"],
                 **{m: _EDIT for m in ["cannedreply", "businesshours", "holiday", "tag"]}},
    "reports": {"slatarget": _EDIT},
    # The email channel's logs and the surveys: managers review them (quarantine, failed
    # sends, low survey ratings) with actions that call the services; agents never see
    # unchecked inbound mail.
    "mail": {"outboundemail": ["view", "change"], "inboundemail": ["view", "change"]},
    "surveys": {"survey": ["view", "change"]},
}

ROLE_PERMISSIONS: dict[str, dict[str, dict[str, list[str]]]] = {
    Role.CUSTOMER: {},
    Role.AGENT: _AGENT,
    Role.MANAGER: _MANAGER,
}


def codenames(spec: dict[str, dict[str, list[str]]]) -> list[tuple[str, str]]:
    return [(app, f"{action}_{model}")
            for app, models in spec.items() for model, actions in models.items()
            for action in actions]


def sync_roles(apps, extra: dict[str, list[tuple[str, str]]] | None = None) -> None:
    """Create the role groups and set their permissions (idempotent)."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, spec in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = codenames(spec) + list((extra or {}).get(role, []))
        perms = [p for app, code in wanted
                 for p in Permission.objects.filter(content_type__app_label=app, codename=code)]
        group.permissions.set(perms)
