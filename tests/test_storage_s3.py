"""With S3_BUCKET set, CVs and packets live in an S3 bucket: saved, downloaded, erased.

moto's in-process S3 stands in for the service (nothing leaves this machine); the
storage is django-storages' S3Storage exactly as config/settings.py configures it.
"""

import os
import subprocess
import sys

import boto3
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from moto import mock_aws

from candidates.privacy import erase_candidate
from scoring.models import Packet
from tests.candidates import PDF, upload
from tests.factories import make_application, make_candidate

BUCKET = "loopwright-test"


@pytest.fixture
def bucket(settings, monkeypatch):
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "eu-west-1",
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        s3 = boto3.client("s3", region_name="eu-west-1")
        s3.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
        )
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "bucket_name": BUCKET,
                    "region_name": "eu-west-1",
                    "default_acl": "private",
                    "file_overwrite": False,
                },
            },
        }
        yield s3


def keys(s3) -> list[str]:
    return [item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def test_a_cv_goes_to_the_bucket_downloads_and_is_erased_with_its_candidate(
    bucket, client, recruiter, django_capture_on_commit_callbacks
):
    candidate = make_candidate("Casey Candidate", cv=upload(), by=recruiter)
    (key,) = keys(bucket)
    assert key == candidate.cv.name
    client.force_login(recruiter)

    response = client.get(reverse("candidates:candidate_cv", args=[candidate.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF

    with django_capture_on_commit_callbacks(execute=True):
        erase_candidate(candidate, by=recruiter)
    assert keys(bucket) == []


def test_a_packet_is_stored_in_the_bucket_and_downloads_from_it(bucket, client, recruiter):
    application = make_application(committee=[], by=recruiter)
    # Rendering first, then ready with its file: a ready packet always has one (constraint).
    packet = Packet.objects.create(application=application, status="rendering", pages=1)
    packet.file.save("packet.pdf", ContentFile(b"%PDF-1.7 packet"), save=False)
    packet.status = "ready"
    packet.save()
    assert keys(bucket) == [packet.file.name]
    client.force_login(recruiter)

    response = client.get(reverse("scoring:packet_download", args=[packet.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7 packet"


def test_settings_use_the_bucket_only_when_one_is_named():
    code = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings');"
        "django.setup(); from django.conf import settings as s;"
        "o = s.STORAGES['default'].get('OPTIONS', {});"
        "print(s.STORAGES['default']['BACKEND'], o.get('bucket_name'), o.get('endpoint_url'))"
    )
    env = {**os.environ, "LOOPWRIGHT_LOCAL": "true"}
    env.pop("S3_BUCKET", None)
    plain = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    env |= {"S3_BUCKET": "cvs", "S3_ENDPOINT_URL": "https://minio.example:9000"}
    s3 = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)

    assert plain.stdout.split() == ["django.core.files.storage.FileSystemStorage", "None", "None"]
    assert s3.stdout.split() == [
        "storages.backends.s3.S3Storage",
        "cvs",
        "https://minio.example:9000",
    ]
