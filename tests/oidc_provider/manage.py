"""The test identity provider's manage.py (tests/oidc_provider/README: how the tests start it)."""

import os
import sys

if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "idp.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
