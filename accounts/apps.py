from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_login_failed

        from . import throttling

        # After axes' own receivers (axes is installed first), so its counts are known.
        user_login_failed.connect(
            throttling.record_login_failed, dispatch_uid="accounts.login_failed"
        )
        user_locked_out.connect(throttling.record_locked_out, dispatch_uid="accounts.locked_out")
        mfa_ready()


def mfa_ready() -> None:
    """Two-factor: audit receivers, the audited admin, the requirement decided at sign-in."""
    from django.contrib.auth.signals import user_logged_in

    from . import mfa, mfa_required

    mfa.connect()
    user_logged_in.connect(mfa_required.on_logged_in, dispatch_uid="accounts.mfa_required")
