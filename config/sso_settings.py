"""OpenID Connect single sign-on, read from the environment (README, "Single sign-on").

Imported at the end of config/settings.py.
"""

SOCIALACCOUNT_PROVIDERS: dict = {}
