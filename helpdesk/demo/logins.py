"""The demo logins, as printed by ``seed_demo`` and ``show_demo_logins``."""

from dataclasses import dataclass

from django.conf import settings

from accounts.models import User
from helpdesk.demo import people


@dataclass(frozen=True)
class Login:
    role: str
    email: str
    name: str
    where: str


def demo_logins() -> list[Login]:
    """The demo accounts that exist in the database, in the order worth trying them."""
    site = settings.SITE_URL
    wanted = [("manager", people.MANAGER_EMAIL, f"{site}/admin/reports/"),
              ("agent", people.AGENT_EMAIL, f"{site}/admin/")]
    wanted += [("agent", s.email, f"{site}/admin/") for s in people.STAFF
               if s.role == "agent" and s.email != people.AGENT_EMAIL]
    wanted += [("customer", people.CUSTOMER_EMAIL, f"{site}/"),
               ("customer", people.CUSTOMERS[10].email, f"{site}/"),
               ("customer", people.CUSTOMERS[20].email, f"{site}/"),
               ("admin", people.ADMIN_EMAIL, f"{site}/admin/")]
    users = {u.email: u for u in User.objects.filter(email__in=[w[1] for w in wanted])}
    return [Login(role, email, users[email].full_name, where)
            for role, email, where in wanted if email in users]


def write_logins(stdout, *, style) -> None:
    logins = demo_logins()
    if not logins:
        stdout.write(style.WARNING("No demo accounts yet: run `python manage.py seed_demo`."))
        return
    stdout.write("")
    stdout.write(style.MIGRATE_HEADING(
        f"Demo logins (password for every account: {people.DEMO_PASSWORD})"))
    width = max(len(login.email) for login in logins)
    for login in logins:
        stdout.write(f"  {login.role:<9} {login.email:<{width}}  {login.name:<18} {login.where}")
    stdout.write(f"  password  {people.DEMO_PASSWORD}")
    stdout.write("")
