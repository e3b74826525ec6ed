"""Load the built-in banks, demo loops, demo users and candidates: `make run`'s set-up.

Idempotent: running it twice changes nothing the second time.
"""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from accounts.management.commands.create_demo_users import DEMO_PASSWORD, DEMO_USERS
from accounts.models import User
from candidates.demo import load_demo_candidates
from interviews.demo import load_demo_loops
from outcomes.demo import load_demo_cohort
from scoring.demo import load_demo_scorecards

BANKS_DIR = Path(settings.BASE_DIR) / "fixtures" / "banks"
DEMO_LOOPS = Path(settings.BASE_DIR) / "fixtures" / "demo" / "loops.yaml"
DEMO_CANDIDATES = Path(settings.BASE_DIR) / "fixtures" / "demo" / "candidates.yaml"
DEMO_SCORECARDS = Path(settings.BASE_DIR) / "fixtures" / "demo" / "scorecards.yaml"


class Command(BaseCommand):
    help = (
        "Import the built-in banks and demo loops, create the demo users, then add the demo "
        "candidates (local runs only)."
    )

    def handle(self, *args, **options):
        bank_files = sorted(str(p) for p in BANKS_DIR.glob("*.yaml"))
        if bank_files:
            call_command("import_bank", *bank_files, stdout=self.stdout)
        built = load_demo_loops(DEMO_LOOPS)
        names = "; ".join(loop.name for loop in built)
        self.stdout.write(f"Demo loops built and published: {names or 'none new'}.")
        call_command("create_demo_users", stdout=self.stdout)
        # Added by the demo recruiter, through the same services as the screens.
        loaded = load_demo_candidates(DEMO_CANDIDATES, by=User.objects.get(username="recruiter"))
        self.stdout.write(loaded.summary())
        # Then their interviewers' scorecards, written and submitted as each would.
        self.stdout.write(load_demo_scorecards(DEMO_SCORECARDS).summary())
        # A past cohort of the DevOps loop, hired and reviewed: the outcome pages' data.
        self.stdout.write(load_demo_cohort(by=User.objects.get(username="recruiter")).summary())
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, first, last, groups, superuser in DEMO_USERS:
            roles = ", ".join(groups) + (" + admin" if superuser else "")
            self.stdout.write(f"  {username:<13} {first} {last} ({roles})")
