"""Register (or update) the OpenID Connect client Loopwright signs in through."""

from django.core.management.base import BaseCommand
from oauth2_provider.models import Application


class Command(BaseCommand):
    def add_arguments(self, parser) -> None:
        parser.add_argument("--client-id", required=True)
        parser.add_argument("--secret", required=True)
        parser.add_argument("--redirect-uri", required=True)

    def handle(self, *args, client_id: str, secret: str, redirect_uri: str, **options) -> None:
        Application.objects.filter(client_id=client_id).delete()
        Application.objects.create(
            name="Loopwright",
            client_id=client_id,
            client_secret=secret,  # hashed on save
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=redirect_uri,
            algorithm=Application.RS256_ALGORITHM,
            skip_authorization=True,
        )
        self.stdout.write(f"client {client_id} → {redirect_uri}")
