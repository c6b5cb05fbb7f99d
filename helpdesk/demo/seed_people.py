"""Demo seed stage: staff, teams and customers (accounts go through the services)."""

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.test.utils import override_settings

from accounts.choices import Role
from accounts.models import AgentProfile, CustomerProfile, MembershipTier, User
from accounts.services import address_create, customer_create
from helpdesk.demo import people
from helpdesk.demo.plans import home_label, stage_rng
from helpdesk.demo.seed_base import SeederBase
from helpdesk.models import Team


class PeopleSeeder(SeederBase):
    """Staff with their teams and agent profiles, customers with their addresses."""

    def seed_staff(self) -> None:
        teams = {}
        for spec in people.TEAMS:
            team, _ = Team.objects.get_or_create(name=spec.name,
                                                 defaults={"topics": list(spec.topics)})
            teams[spec.name] = team
        groups = {g.name: g for g in Group.objects.filter(name__in=[Role.AGENT, Role.MANAGER])}
        existing = {e.lower() for e in User.objects.filter(
            email__in=[s.email for s in people.STAFF] + [people.ADMIN_EMAIL]
        ).values_list("email", flat=True)}
        new = 0
        joined = self.at(400)
        if people.ADMIN_EMAIL not in existing:
            admin = User.objects.create_superuser(email=people.ADMIN_EMAIL, password=None,
                                                  full_name="Demo Admin", date_joined=joined)
            self.new_user_ids.append(admin.pk)
            new += 1
        for spec in people.STAFF:
            if spec.email in existing:
                continue
            user = User.objects.create_user(email=spec.email, password=None,
                                            full_name=spec.full_name, language=spec.language,
                                            is_staff=True, date_joined=joined)
            user.groups.add(groups[spec.role])
            self.new_user_ids.append(user.pk)
            new += 1
            if spec.role == Role.AGENT:
                team = teams[spec.team]
                team.members.add(user)
                AgentProfile.objects.create(
                    user=user, languages=list(spec.languages), skills=list(team.topics),
                    max_concurrent_chats=spec.max_chats,
                )
        total = len(people.STAFF) + 1
        self.progress("staff", total, total, new)

    def seed_customers(self) -> None:
        rng = stage_rng(self.seed, "customers")
        existing = {e.lower() for e in User.objects.filter(
            email__in=[c.email for c in people.CUSTOMERS]).values_list("email", flat=True)}
        new = 0
        # Hashing the password properly once (not thirty times) keeps the seed fast: the
        # accounts are made with a cheap hasher and then all given the one strong hash.
        fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        with override_settings(PASSWORD_HASHERS=fast):
            for spec in people.CUSTOMERS:
                joined_ago = 250 + rng.random() * 400
                if spec.email in existing:
                    continue
                user = customer_create(email=spec.email, password=people.DEMO_PASSWORD,
                                       full_name=spec.full_name, language=spec.language)
                User.objects.filter(pk=user.pk).update(date_joined=self.at(joined_ago))
                CustomerProfile.objects.filter(user=user).update(
                    phone=spec.phone,
                    tier=MembershipTier.PREMIUM if spec.premium else MembershipTier.STANDARD,
                )
                line1, city, region, postal = spec.address
                address_create(user=user, label=home_label(spec.language),
                               recipient=spec.full_name, phone=spec.phone, line1=line1,
                               city=city, region=region, postal_code=postal, country="RU")
                self.new_user_ids.append(user.pk)
                new += 1
        total = len(people.CUSTOMERS)
        self.progress("customers", total, total, new)

    def set_passwords(self) -> None:
        # Demo addresses are confirmed as if their owners had followed the link: the demo shows
        # the mail a real customer gets once confirmed (example.com mailboxes receive nothing).
        if self.new_user_ids:
            User.objects.filter(pk__in=self.new_user_ids).update(
                password=make_password(people.DEMO_PASSWORD), email_verified_at=self.now)
