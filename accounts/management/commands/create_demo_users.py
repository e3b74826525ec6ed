"""Create the demo people of a local run, so that every persona can be tried at once.

Never in production: demo users with a published password would be a back door.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from accounts.permissions import role_groups

DEMO_PASSWORD = "loopwright-demo"
DEMO_USERS = [
    # username, first name, last name, groups, superuser
    ("recruiter", "Rhea", "Recruiter", ("recruiter",), False),
    ("interviewer1", "Ines", "Okafor", ("interviewer",), False),
    ("interviewer2", "Jonas", "Berg", ("interviewer",), False),
    ("interviewer3", "Mei", "Tanaka", ("interviewer",), False),
    ("committee", "Carmen", "Diaz", ("committee",), False),
    ("admin", "Ada", "Admin", ("recruiter",), True),
]


class Command(BaseCommand):
    help = "Create (or reset) the demo users of a local run."

    @transaction.atomic
    def handle(self, *args, **options):
        if not settings.LOCAL_RUN:
            raise CommandError("Demo users exist only on local runs (DEBUG or LOOPWRIGHT_LOCAL).")
        created = 0
        for username, first, last, groups, superuser in DEMO_USERS:
            user, was_created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@demo.loopwright.test",
                },
            )
            created += was_created
            user.is_superuser = user.is_staff = superuser
            user.is_active = True
            if was_created or not user.check_password(DEMO_PASSWORD):
                user.set_password(DEMO_PASSWORD)
            user.save()
            user.groups.set(role_groups(groups))
        existing = len(DEMO_USERS) - created
        self.stdout.write(f"Demo users: {created} created, {existing} already there.")
