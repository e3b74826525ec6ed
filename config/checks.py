"""Start-up checks: a process that cannot do its job says so as it starts, not per request.

With DEBUG off, static files are served and referenced ({% static %}, in pages and in
packets alike) through collectstatic's manifest. Without it every page and every
packet fails with "Missing staticfiles manifest entry"; with a manifest older than the
code, whatever static file was added since fails. `manage.py check --deploy` reports
it (Django check loopwright.E001), and a Celery worker refuses to start on it
(config/celery.py), since a worker has no other moment to say so.
"""

from django.conf import settings
from django.core.checks import Error, Tags, register

COLLECTSTATIC_HINT = (
    "Run `python manage.py collectstatic --noinput` with the same settings (the Docker "
    "image does it when it is built; docker compose's migrate job does it again)."
)


def static_manifest_errors() -> list[Error]:
    """What is missing from collectstatic's manifest; [] when no manifest is used."""
    from django.contrib.staticfiles.storage import ManifestFilesMixin
    from django.core.files.storage import storages

    storage = storages["staticfiles"]
    if not isinstance(storage, ManifestFilesMixin):
        return []
    manifest, _ = storage.load_manifest()  # (paths, hash); ({}, "") when there is none
    if not manifest:
        return [
            Error(
                f"No static files manifest in {settings.STATIC_ROOT}: every page and every "
                'debrief packet would fail with "Missing staticfiles manifest entry".',
                hint=COLLECTSTATIC_HINT,
                id="loopwright.E001",
            )
        ]
    missing = sorted(set(static_file_names()) - set(manifest))
    if missing:
        shown = ", ".join(missing[:5]) + (
            f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        )
        return [
            Error(
                f"The static files manifest in {settings.STATIC_ROOT} is older than the code: "
                f"{len(missing)} file(s) missing from it ({shown}).",
                hint=COLLECTSTATIC_HINT,
                id="loopwright.E001",
            )
        ]
    return []


def static_file_names() -> list[str]:
    """Every static file the finders know (ours and the apps'), as the manifest names them."""
    from django.contrib.staticfiles.finders import get_finders

    names = []
    for finder in get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            prefix = getattr(storage, "prefix", None)
            names.append(f"{prefix}/{path}" if prefix else path)
    return [name.replace("\\", "/") for name in names]


@register(Tags.staticfiles, deploy=True)
def check_static_manifest(app_configs=None, **kwargs) -> list[Error]:
    return static_manifest_errors()
