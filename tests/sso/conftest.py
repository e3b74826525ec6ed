"""A real OpenID Connect provider for the single sign-on tests (tests/oidc_provider/).

`oidc_provider` (session): django-oauth-toolkit's provider in its own process on
127.0.0.1 at a free port, its own SQLite file and a fresh RSA key in a temporary
directory; torn down at the end. `sso_app` points Loopwright at it for one test.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.browser.conftest import (  # noqa: F401  (the browser fixtures, re-used here)
    browser_context_args,
    browser_type_launch_args,
    page,
    site,
)

PROVIDER_DIR = Path(__file__).resolve().parent.parent / "oidc_provider"
CLIENT_ID = "loopwright-tests"
CLIENT_SECRET = "loopwright-tests-secret"
PROVIDER_ID = "company"
PROVIDER_NAME = "Company SSO"
IDP_PASSWORD = "idp-password-1"
GROUP_MAP = {"hiring-panel": ["interviewer"], "talent": ["recruiter"]}


@dataclass
class Provider:
    url: str  # the issuer: http://127.0.0.1:<port>/o
    env: dict

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=PROVIDER_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def person(self, username: str, *, groups: tuple[str, ...] = (), **fields) -> None:
        """Create or change a person at the provider (their groups replaced)."""
        self.manage(
            "idp_user",
            username,
            "--password",
            IDP_PASSWORD,
            "--email",
            fields.get("email", f"{username}@example.com"),
            "--first-name",
            fields.get("first_name", username.title()),
            "--last-name",
            fields.get("last_name", "Example"),
            "--groups",
            ",".join(groups),
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_rsa_key(path: Path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def wait_until_up(url: str, process: subprocess.Popen, log: Path, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"The test identity provider exited: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"The test identity provider did not answer {url}: {log.read_text()[-2000:]}")


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    data = tmp_path_factory.mktemp("oidc_provider")
    write_rsa_key(data / "oidc.key")
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env |= {"DJANGO_SETTINGS_MODULE": "idp.settings", "IDP_DATA_DIR": str(data)}
    provider = Provider(url="", env=env)
    provider.manage("migrate", "-v0")
    port = free_port()
    log = data / "server.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=PROVIDER_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        provider.url = f"http://127.0.0.1:{port}/o"
        wait_until_up(f"{provider.url}/.well-known/openid-configuration", process, log)
        yield provider
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def sso_provider_settings(issuer: str, **overrides) -> dict:
    """SOCIALACCOUNT_PROVIDERS for one OpenID Connect provider, as config/sso_settings.py builds."""
    app_settings = {
        "server_url": issuer,
        "oauth_pkce_enabled": True,
        "groups_claim": "groups",
        "group_map": GROUP_MAP,
        "allowed_email_domains": [],
    } | overrides
    app = {
        "provider_id": PROVIDER_ID,
        "name": PROVIDER_NAME,
        "client_id": CLIENT_ID,
        "secret": CLIENT_SECRET,
        "settings": app_settings,
    }
    return {"openid_connect": {"APPS": [app]}}


@pytest.fixture
def sso_app(oidc_provider, site, settings):  # noqa: F811 (the fixture, not a redefinition)
    """Loopwright signs in through the test provider (a client registered for `site`)."""
    oidc_provider.manage(
        "idp_client",
        "--client-id",
        CLIENT_ID,
        "--secret",
        CLIENT_SECRET,
        "--redirect-uri",
        f"{site}/accounts/oidc/{PROVIDER_ID}/login/callback/",
    )
    settings.SOCIALACCOUNT_PROVIDERS = sso_provider_settings(oidc_provider.url)
    # The live server's first page imports half the project (13 s on a loaded 2-core
    # machine): load it once here, not inside a browser step's 10 s timeout.
    with urllib.request.urlopen(f"{site}/accounts/login/", timeout=120) as response:
        assert response.status == 200
    return oidc_provider
