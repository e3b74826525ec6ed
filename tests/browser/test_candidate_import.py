"""A recruiter imports a Greenhouse export in Chromium: upload → preview → confirm.

Everything by keyboard from the candidate list's "Import CSV" link: the file chooser,
the preset and loop selects, the preview's confirm button. A second upload of the same
file previews as unchanged. Screenshots at 1366 and 390 px go to /tmp/shots.
"""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from candidates.models import Application, Candidate
from tests.factories import make_published_loop, make_user

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots")
EXPORT = (
    "Candidate ID,First Name,Last Name,Email,Phone,Application ID,Websites,Job,Source\n"
    "gh-101,Ada,Lovelace,ada@example.org,+44 20 1,gh-app-1,https://ada.dev,SRE,Referral\n"
    "gh-102,Grace,Hopper,grace@example.org,,gh-app-2,,SRE,LinkedIn\n"
    'gh-103,Alan,Turing,alan@example.org,,gh-app-3,"https://alan.dev, https://b.dev",SRE,\n'
)


def shoot(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})


def tab_to(page: Page, locator, limit: int = 60) -> None:
    """Press Tab until `locator` has the focus (it must be reachable by keyboard)."""
    for _ in range(limit):
        if locator.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{locator} is not reachable with Tab")


@pytest.fixture
def recruiter(site, page, transactional_db):
    # The live server's first page compiles the URLconf and templates: on a loaded
    # 2-core machine that alone can pass the 10 s default, so it gets longer once.
    page.goto(f"{site}/accounts/login/", timeout=60_000)
    return make_user("rhea", groups=("recruiter",), first_name="Rhea", last_name="Vogel")


def test_a_recruiter_imports_an_ats_export_by_keyboard(site, logged_in_page, recruiter, tmp_path):
    loop = make_published_loop()
    export = tmp_path / "greenhouse-export.csv"
    export.write_text(EXPORT, encoding="utf-8")
    page = logged_in_page(recruiter)

    page.goto(f"{site}/candidates/")
    link = page.get_by_role("link", name="Import CSV")
    tab_to(page, link)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Import candidates", level=1)).to_be_visible()
    shoot(page, "candidate-import-upload")

    chooser_input = page.get_by_label("Candidate file (CSV)")
    tab_to(page, chooser_input)
    chooser_input.set_input_files(str(export))
    preset = page.get_by_label("Exported from")
    tab_to(page, preset)
    preset.select_option("greenhouse")
    default_loop = page.get_by_label("Loop for rows without one")
    tab_to(page, default_loop)
    default_loop.select_option(loop.key)
    check = page.get_by_role("button", name="Check the file")
    tab_to(page, check)
    page.keyboard.press("Enter")

    summary = page.locator("#import-summary")
    expect(summary).to_contain_text("3 candidate rows checked: 3 new, 0 updated, 0 unchanged")
    expect(page.get_by_text("Columns not imported: Phone, Job, Source.")).to_be_visible()
    expect(page.locator(".import-row-new")).to_have_count(3)
    assert not Candidate.objects.exists()
    shoot(page, "candidate-import-preview")

    confirm = page.get_by_role("button", name="Import 3 rows")
    tab_to(page, confirm)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Imported")).to_be_visible()
    assert Candidate.objects.count() == 3
    assert set(Application.objects.values_list("external_id", flat=True)) == {
        "gh-app-1",
        "gh-app-2",
        "gh-app-3",
    }
    assert Candidate.objects.get(external_id="gh-103").links == [
        "https://alan.dev",
        "https://b.dev",
    ]

    # The same file again: every row unchanged, nothing to add.
    page.goto(f"{site}/candidates/import/")
    page.get_by_label("Candidate file (CSV)").set_input_files(str(export))
    page.get_by_label("Exported from").select_option("greenhouse")
    page.get_by_label("Loop for rows without one").select_option(loop.key)
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("#import-summary")).to_contain_text("0 new, 0 updated, 3 unchanged")


def test_a_refused_file_lists_its_problems_and_offers_no_confirm(
    site, logged_in_page, recruiter, tmp_path
):
    bad = tmp_path / "bad.csv"
    bad.write_text("name,email\nAda Lovelace,ada-at-example.org\n=cmd,x@example.org\n")
    page = logged_in_page(recruiter)

    page.goto(f"{site}/candidates/import/")
    page.get_by_label("Candidate file (CSV)").set_input_files(str(bad))
    page.get_by_role("button", name="Check the file").click()

    problems = page.locator("#import-problems")
    expect(problems).to_contain_text(
        "row 2, column “email” (B): “ada-at-example.org” is not an email address."
    )
    expect(problems).to_contain_text("row 3, column “name” (A)")
    expect(page.get_by_role("button", name="Import 2 rows")).to_have_count(0)
    shoot(page, "candidate-import-refused")


def test_other_columns_are_chosen_on_the_preview_page(site, logged_in_page, recruiter, tmp_path):
    odd = tmp_path / "odd.csv"
    odd.write_text("Full name,E-mail,Ref\nGrace Hopper,grace@example.org,X-9\n")
    page = logged_in_page(recruiter)

    page.goto(f"{site}/candidates/import/")
    page.get_by_label("Candidate file (CSV)").set_input_files(str(odd))
    page.get_by_label("Exported from").select_option("manual")
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="Choose the columns")).to_be_visible()
    shoot(page, "candidate-import-mapping")

    page.get_by_label("Name:", exact=True).select_option("Full name")
    page.get_by_label("Email:", exact=True).select_option("E-mail")
    page.get_by_label("Candidate external id").select_option("Ref")
    submit = page.get_by_role("button", name="Check with these columns")
    tab_to(page, submit)
    page.keyboard.press("Enter")
    expect(page.locator("#import-summary")).to_contain_text("1 new")
    page.get_by_role("button", name="Import 1 row").click()
    expect(page.get_by_role("heading", name="Imported")).to_be_visible()
    assert Candidate.objects.get().external_id == "X-9"
