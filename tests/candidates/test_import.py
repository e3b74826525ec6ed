"""The candidate CSV import: new, update (upsert), unchanged, applications, presets, mapping.

Set up through the services and the import itself, as a recruiter would; every outcome
is read back from the database.
"""

import pytest

from accounts.models import AuditEntry
from candidates.importing import ImportRefused, preview, run_import
from candidates.models import Application, Candidate
from candidates.services import change_status
from tests.candidates import import_setup
from tests.candidates.import_setup import NATIVE_HEADER, csv_bytes, native_file, native_row
from tests.factories import make_application, make_candidate, make_published_loop

loop, member = import_setup.loop, import_setup.member  # fixtures


def test_a_native_file_creates_candidates_and_their_applications(recruiter, loop, member):
    content = csv_bytes(
        NATIVE_HEADER,
        native_row(1, loop.key, committee_emails="ROBIN@example.com", recruiter_notes="Kind"),
        native_row(2),
    )

    result = run_import(content, by=recruiter)

    assert result.counts()["new"] == 2 and result.applications == 1
    first = Candidate.objects.get(external_id="ats-1")
    assert (first.name, first.email, first.links) == (
        "Person 1",
        "person1@example.org",
        ["https://example.org/p1"],
    )
    assert first.recruiter_notes == "Kind" and first.created_by == recruiter
    application = first.applications.get()
    assert (application.loop, application.external_id) == (loop, "app-1")
    assert list(application.committee.all()) == [member]
    assert not Candidate.objects.get(external_id="ats-2").applications.exists()
    entry = AuditEntry.objects.get(verb="candidates.imported")
    assert (entry.actor, entry.data["new"], entry.data["applications"]) == (recruiter, 2, 1)


def test_the_same_file_twice_changes_nothing_and_says_unchanged(recruiter, loop, member):
    content = native_file(loop.key, committee_emails="robin@example.com")
    run_import(content, by=recruiter)
    before = list(Candidate.objects.values_list("pk", "updated_at"))
    applications = list(Application.objects.values_list("pk", "updated_at"))

    again = preview(content)
    done = run_import(content, by=recruiter)

    assert again.counts()["unchanged"] == 3 and "3 unchanged" in again.summary()
    assert (done.counts()["new"], done.counts()["updated"], done.applications) == (0, 0, 0)
    assert list(Candidate.objects.values_list("pk", "updated_at")) == before
    assert list(Application.objects.values_list("pk", "updated_at")) == applications


def test_a_row_matching_an_existing_candidate_by_email_updates_them(recruiter):
    existing = make_candidate("Old Name", email="Person1@Example.org")

    plan = preview(native_file(n=1))
    run_import(native_file(n=1), by=recruiter)

    row = plan.rows[0]
    assert (row.action, row.candidate, row.changes) == (
        "update",
        existing,
        ["name", "external id", "links"],
    )
    existing.refresh_from_db()
    assert (existing.name, existing.external_id) == ("Person 1", "ats-1")
    assert Candidate.objects.count() == 1
    assert AuditEntry.objects.filter(verb="candidate.updated", actor=recruiter).exists()


def test_a_row_matching_by_external_id_updates_even_a_changed_email(recruiter):
    run_import(native_file(n=1), by=recruiter)

    content = csv_bytes(NATIVE_HEADER, native_row(1, email="new.address@example.org"))
    assert preview(content).rows[0].changes == ["email"]
    run_import(content, by=recruiter)

    assert Candidate.objects.get().email == "new.address@example.org"


def test_an_empty_optional_cell_keeps_what_the_candidate_has(recruiter):
    run_import(native_file(n=1, recruiter_notes="Keep me"), by=recruiter)

    content = csv_bytes(NATIVE_HEADER, native_row(1, links="", recruiter_notes=""))
    assert preview(content).rows[0].action == "unchanged"
    run_import(content, by=recruiter)

    candidate = Candidate.objects.get()
    assert (candidate.links, candidate.recruiter_notes) == (["https://example.org/p1"], "Keep me")


def test_no_second_application_while_one_is_open_on_the_loop_key(recruiter, loop):
    candidate = make_candidate("Person 1", email="person1@example.org")
    open_one = make_application(candidate, loop)
    content = csv_bytes(NATIVE_HEADER, native_row(1, loop.key, application_external_id=""))

    plan = preview(content)
    run_import(content, by=recruiter)

    assert plan.rows[0].application == open_one and not plan.rows[0].new_application
    assert candidate.applications.count() == 1


def test_a_closed_application_lets_a_new_one_start(recruiter, loop):
    run_import(native_file(loop.key, n=1, application_external_id=""), by=recruiter)
    change_status(Application.objects.get(), Application.Status.REJECTED, by=recruiter)

    result = run_import(native_file(loop.key, n=1, application_external_id=""), by=recruiter)

    assert result.applications == 1 and Application.objects.count() == 2


def test_an_application_external_id_makes_the_reimport_idempotent_after_closing(recruiter, loop):
    run_import(native_file(loop.key, n=1), by=recruiter)
    change_status(Application.objects.get(), Application.Status.HIRED, by=recruiter)

    result = run_import(native_file(loop.key, n=1), by=recruiter)

    assert result.applications == 0 and Application.objects.count() == 1


def test_the_loop_key_starts_on_the_newest_published_version(recruiter, loop):
    from interviews.services import new_loop_version, publish_loop

    newer = new_loop_version(loop, by=None)
    publish_loop(newer, by=None, confirmed=True)

    run_import(native_file(loop.key, n=1), by=recruiter)

    assert Application.objects.get().loop == newer


def test_a_default_loop_applies_to_rows_without_one(recruiter, loop):
    result = run_import(native_file(n=2), by=recruiter, default_loop=loop.key)

    assert result.applications == 2
    assert set(Application.objects.values_list("loop", flat=True)) == {loop.pk}


def test_a_changed_committee_updates_the_open_application(recruiter, loop, member):
    run_import(native_file(loop.key, n=1), by=recruiter)

    content = native_file(loop.key, n=1, committee_emails="robin@example.com")
    assert preview(content).rows[0].application_changes == ["committee"]
    run_import(content, by=recruiter)

    assert list(Application.objects.get().committee.all()) == [member]


def test_a_dry_run_writes_nothing(recruiter, loop):
    result = run_import(native_file(loop.key), by=recruiter, dry_run=True)

    assert result.counts()["new"] == 3 and "would be started" in result.summary()
    assert (
        not Candidate.objects.exists()
        and not AuditEntry.objects.filter(verb="candidates.imported").exists()
    )


def test_an_error_in_row_50_saves_nothing(recruiter, loop):
    rows = [native_row(i, loop.key) for i in range(1, 61)]
    rows[48] = native_row(49, loop.key, email="not-an-address")  # spreadsheet row 50

    with pytest.raises(ImportRefused) as refused:
        run_import(csv_bytes(NATIVE_HEADER, *rows), by=recruiter)

    assert [str(p) for p in refused.value.preview.problems] == [
        "row 50, column “email” (B): “not-an-address” is not an email address."
    ]
    assert not Candidate.objects.exists() and not Application.objects.exists()


def test_a_failure_while_saving_rolls_back_the_rows_already_saved(recruiter, loop, monkeypatch):
    from integrations import events

    real = events.application_created
    calls = []

    def failing(application):
        calls.append(application)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real(application)

    monkeypatch.setattr(events, "application_created", failing)
    from integrations.models import WebhookSubscription

    WebhookSubscription.objects.create(
        name="ATS", url="https://ats.example/hook", events=["application.created"], secret="s" * 32
    )

    with pytest.raises(RuntimeError):
        run_import(native_file(loop.key, n=5), by=recruiter)

    assert len(calls) == 3
    assert not Candidate.objects.exists() and not Application.objects.exists()


def test_new_candidates_get_the_services_audit_entries_and_webhook_events(recruiter, loop, member):
    from integrations.models import WebhookDelivery, WebhookSubscription

    WebhookSubscription.objects.create(
        name="ATS", url="https://ats.example/hook", events=["application.created"], secret="s" * 32
    )

    run_import(native_file(loop.key, n=2, committee_emails="robin@example.com"), by=recruiter)

    verbs = list(AuditEntry.objects.filter(actor=recruiter).values_list("verb", flat=True))
    assert verbs.count("candidate.created") == 2 and verbs.count("application.started") == 2
    assert verbs.count("application.committee_changed") == 2
    assert WebhookDelivery.objects.filter(event="application.created").count() == 2


def test_checking_a_large_file_takes_a_fixed_number_of_queries(
    recruiter, loop, member, django_assert_max_num_queries
):
    def content(n):
        return native_file(loop.key, n=n, committee_emails="robin@example.com")

    run_import(content(5), by=recruiter)
    with django_assert_max_num_queries(8):
        small = preview(content(5))
    with django_assert_max_num_queries(8):
        large = preview(content(400))
    assert small.counts()["unchanged"] == 5 and large.counts()["new"] == 395


# --- Duplicates ---------------------------------------------------------------------


def test_two_rows_with_one_email_are_refused_at_the_second(recruiter):
    content = csv_bytes(NATIVE_HEADER, native_row(1), native_row(2, email="PERSON1@example.org"))

    plan = preview(content)

    assert [str(p) for p in plan.problems] == [
        "row 3, column “email” (B): Row 2 has the same email: one row per candidate."
    ]


def test_two_rows_with_one_external_id_are_refused(recruiter):
    content = csv_bytes(NATIVE_HEADER, native_row(1), native_row(2, external_id="ats-1"))

    assert [p.where for p in preview(content).problems] == ["row 3, column external_id"]


def test_two_rows_reaching_one_candidate_are_refused(recruiter):
    run_import(native_file(n=1), by=recruiter)  # Person 1: ats-1, person1@example.org
    # Row 2 finds them by external id (with a new email), row 3 by their email.
    clash = csv_bytes(
        NATIVE_HEADER,
        native_row(1, email="moved@example.org"),
        native_row(9, email="person1@example.org", external_id=""),
    )

    problems = preview(clash).problems

    assert [str(p) for p in problems] == [
        "row 3, column “email” (B): Row 2 updates the same candidate."
    ]


def test_an_email_shared_by_two_candidates_asks_for_the_external_id(recruiter):
    make_candidate("Twin A", email="twin@example.org")
    make_candidate("Twin B", email="twin@example.org")

    plan = preview(
        csv_bytes(NATIVE_HEADER, native_row(1, email="twin@example.org", external_id=""))
    )

    assert [str(p) for p in plan.problems] == [
        "row 2, column “email” (B): 2 candidates have this email: add their external id to say "
        "which one."
    ]


def test_an_email_of_a_candidate_with_another_external_id_is_refused(recruiter):
    run_import(native_file(n=1), by=recruiter)

    plan = preview(csv_bytes(NATIVE_HEADER, native_row(1, external_id="ats-OTHER")))

    assert [p.where for p in plan.problems] == ["row 2, column external_id"]
    assert "ats-1" in plan.problems[0].message


def test_an_application_external_id_of_another_candidate_is_refused(recruiter, loop):
    run_import(native_file(loop.key, n=1), by=recruiter)

    content = csv_bytes(NATIVE_HEADER, native_row(2, loop.key, application_external_id="app-1"))
    plan = preview(content)

    assert [str(p) for p in plan.problems] == [
        "row 2, column “application_external_id” (F): Another candidate's application has "
        "this external id."
    ]


def test_an_erased_candidates_external_id_is_refused(recruiter):
    from candidates.privacy import erase_candidate

    run_import(native_file(n=1), by=recruiter)
    erase_candidate(Candidate.objects.get(), by=recruiter)

    plan = preview(native_file(n=1))

    assert [p.where for p in plan.problems] == ["row 2, column external_id"]
    assert "erased" in plan.problems[0].message


# --- Presets and the manual mapping ---------------------------------------------------

PRESET_FILES = {
    "greenhouse": (
        [
            "Candidate ID",
            "First Name",
            "Last Name",
            "Email",
            "Phone",
            "Application ID",
            "Websites",
            "Job",
        ],
        [
            "gh-1",
            "Ada",
            "Lovelace",
            "ada@example.org",
            "+44 1",
            "gh-app-1",
            "https://ada.dev",
            "SRE",
        ],
    ),
    "lever": (
        ["Opportunity ID", "Contact ID", "Name", "Emails", "Links", "Posting", "Stage"],
        [
            "opp-1",
            "c-1",
            "Ada Lovelace",
            "ada@example.org, ada@old.example.org",
            "https://ada.dev",
            "SRE",
            "New",
        ],
    ),
    "workday": (
        [
            "Candidate ID",
            "Candidate Name",
            "Email Address",
            "Job Application ID",
            "Website",
            "Job Requisition",
        ],
        ["wd-1", "Ada Lovelace", "ada@example.org", "JA-1", "https://ada.dev", "R-10"],
    ),
    "teamtailor": (
        ["id", "first-name", "last-name", "email", "linkedin-url", "job-application-id", "tags"],
        ["tt-1", "Ada", "Lovelace", "ada@example.org", "https://ada.dev", "tt-app-1", "sre"],
    ),
    "ashby": (
        ["Candidate ID", "Name", "Email", "Application ID", "LinkedIn", "Current Stage", "Source"],
        [
            "as-1",
            "Ada Lovelace",
            "ada@example.org",
            "as-app-1",
            "https://ada.dev",
            "Screen",
            "Referral",
        ],
    ),
}


@pytest.mark.parametrize("preset", sorted(PRESET_FILES))
def test_each_ats_preset_reads_its_export(recruiter, loop, preset):
    header, row = PRESET_FILES[preset]

    result = run_import(csv_bytes(header, row), by=recruiter, preset=preset, default_loop=loop.key)

    candidate = Candidate.objects.get()
    assert (candidate.name, candidate.email, candidate.links) == (
        "Ada Lovelace",
        "ada@example.org",
        ["https://ada.dev"],
    )
    assert (
        candidate.external_id == row[header.index(header[0] if preset != "lever" else "Contact ID")]
    )
    application = candidate.applications.get()
    assert application.loop == loop and application.external_id.endswith("1")
    assert result.columns.ignored  # the export's other columns, listed as not imported


def test_an_ats_preset_names_the_missing_email_column(recruiter):
    content = csv_bytes(["Candidate ID", "First Name", "Last Name"], ["1", "Ada", "L"])

    plan = preview(content, preset="greenhouse")

    assert [str(p) for p in plan.problems] == [
        "row 1: The email column is missing: “Email” or “Email Address” or “Personal Email”."
    ]


def test_the_loopwright_preset_reads_a_loop_column_added_to_an_export(recruiter, loop):
    header, row = PRESET_FILES["greenhouse"]
    content = csv_bytes([*header, "Loop"], [*row, loop.key])

    assert preview(content, preset="greenhouse").applications == 1


def test_a_manual_mapping_reads_any_header(recruiter, loop):
    content = csv_bytes(
        ["Full name", "E-mail", "Ref", "Pipeline"],
        ["Grace Hopper", "grace@example.org", "X-9", loop.key],
    )
    mapping = {"name": "Full name", "email": "E-mail", "external_id": "Ref", "loop": "Pipeline"}

    run_import(content, by=recruiter, preset="manual", mapping=mapping)

    candidate = Candidate.objects.get()
    assert (candidate.name, candidate.email, candidate.external_id) == (
        "Grace Hopper",
        "grace@example.org",
        "X-9",
    )
    assert candidate.applications.get().loop == loop


def test_a_manual_mapping_without_email_is_refused_at_the_header(recruiter):
    content = csv_bytes(["Full name", "E-mail"], ["Grace Hopper", "grace@example.org"])

    plan = preview(content, preset="manual", mapping={"name": "Full name"})

    assert [p.row for p in plan.problems] == [1]
    assert "email column is missing" in plan.problems[0].message


def test_a_manual_mapping_naming_a_column_not_in_the_file_is_refused(recruiter):
    content = csv_bytes(["Full name", "E-mail"], ["Grace Hopper", "grace@example.org"])

    plan = preview(content, preset="manual", mapping={"name": "Full name", "email": "Mail"})

    assert "Email: no such column." in [p.message for p in plan.problems]


def test_another_published_loop_is_untouched(recruiter, loop):
    other = make_published_loop()
    run_import(native_file(other.key, n=1), by=recruiter)

    assert Application.objects.get().loop == other


def test_an_existing_candidate_gets_the_new_application_with_its_external_id(recruiter, loop):
    candidate = make_candidate("Person 1", email="person1@example.org")

    result = run_import(native_file(loop.key, n=1), by=recruiter)

    assert result.rows[0].action == "update" and result.applications == 1
    assert candidate.applications.get().external_id == "app-1"
