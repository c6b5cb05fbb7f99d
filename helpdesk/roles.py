"""The three roles as auth groups, and the permissions each one carries.

Agents and managers work in the admin (they are staff); customers never are. A migration calls
``sync_roles`` so every database has the groups; later migrations call it again when models
are added. Permissions that do not exist yet (a model added later) are skipped.
"""

from accounts.choices import Role

# app_label -> model -> actions
_AGENT = {
    "accounts": {"user": ["view"], "customerprofile": ["view"], "address": ["view"],
                 "agentprofile": ["view", "change"]},
    "orders": {"order": ["view"], "orderitem": ["view"], "shipment": ["view"],
               "trackingevent": ["view"], "returnrequest": ["view", "change"],
               "returnitem": ["view"], "returnevent": ["view", "add"]},
    "faq": {"category": ["view"], "categorytranslation": ["view"], "article": ["view"],
            "articletranslation": ["view"]},
    "helpdesk": {"team": ["view"], "conversation": ["view", "add", "change"],
                 "message": ["view", "add"], "attachment": ["view", "add"],
                 "cannedreply": ["view"], "satisfactionrating": ["view"],
                 "slatarget": ["view"]},
}

_ALL = ["view", "add", "change", "delete"]
_MANAGER = {
    "accounts": {"user": ["view", "change"], "customerprofile": ["view", "change"],
                 "address": ["view"], "agentprofile": _ALL},
    "orders": {m: _ALL for m in ["order", "orderitem", "shipment", "trackingevent",
                                 "returnrequest", "returnitem", "returnevent"]},
    "faq": {m: _ALL for m in ["category", "categorytranslation", "article",
                              "articletranslation"]},
    "helpdesk": {**{m: _ALL for m in ["team", "conversation", "message", "attachment",
                                      "cannedreply", "satisfactionrating", "slatarget"]},
                 # The email channel's logs: managers review them (quarantine, failed
                 # sends, low survey ratings); agents never see unchecked inbound mail.
                 "outboundemail": ["view", "change"], "inboundemail": ["view", "change"],
                 "survey": ["view", "change"]},
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
