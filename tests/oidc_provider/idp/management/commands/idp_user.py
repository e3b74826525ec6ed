"""Create or change a person at the identity provider, groups replaced by the given ones."""

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--password", required=True)
        parser.add_argument("--email", required=True)
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--groups", default="", help="comma-separated group names")

    def handle(self, username: str, **options) -> None:
        user, _ = User.objects.get_or_create(username=username)
        user.email = options["email"]
        user.first_name = options["first_name"]
        user.last_name = options["last_name"]
        user.set_password(options["password"])
        user.save()
        names = [name.strip() for name in options["groups"].split(",") if name.strip()]
        user.groups.set([Group.objects.get_or_create(name=name)[0] for name in names])
        self.stdout.write(f"{username}: {', '.join(names) or 'no groups'}")
