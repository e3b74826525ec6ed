"""Which column of a file holds which field: Loopwright's own header, ATS presets, manual.

The ATS presets' header names are written from general knowledge of what each system's
candidate export usually calls its columns (Greenhouse's candidate export, Lever's
opportunities export, a Workday recruiting report, Teamtailor's candidate export,
Ashby's candidate export); exports are configurable and change, so they were not
checked against a current export of each. Headers are compared normalised (case,
spaces, "_" and "-" ignored: "First Name" = "first_name" = "first-name"); a file whose
headers differ is mapped by hand on the preview page (or `--map`, or the API's `mapping`).
"""

import re
from dataclasses import dataclass, field

# The fields a row can fill; `name` may instead come from first name + last name.
FIELDS = (
    "name",
    "first_name",
    "last_name",
    "email",
    "external_id",
    "links",
    "loop",
    "application_external_id",
    "committee_emails",
    "recruiter_notes",
)
LABELS = {
    "name": "Name",
    "first_name": "First name",
    "last_name": "Last name",
    "email": "Email",
    "external_id": "Candidate external id",
    "links": "Links",
    "loop": "Loop (key)",
    "application_external_id": "Application external id",
    "committee_emails": "Committee emails",
    "recruiter_notes": "Recruiter notes",
}
MANUAL = "manual"
NATIVE = "loopwright"

# Columns no ATS has, which a recruiter adds to an export before importing it.
_LOOPWRIGHT_EXTRAS = {
    "loop": ("loop", "loopwright loop", "loop key"),
    "committee_emails": ("committee emails", "committee", "loopwright committee"),
}


@dataclass(frozen=True)
class Preset:
    key: str
    label: str
    headers: dict[str, tuple[str, ...]]
    # The native format refuses a column it does not know; an ATS export has many
    # (phone, source, stage…), which are listed as ignored instead.
    strict: bool = False
    # Lever's "Emails" cell lists every address of the contact: the first is used.
    first_of_several_emails: bool = False
    note: str = ""
    extras: dict[str, tuple[str, ...]] = field(default_factory=lambda: dict(_LOOPWRIGHT_EXTRAS))

    def aliases(self, name: str) -> tuple[str, ...]:
        return tuple(
            normalise(h) for h in (*self.headers.get(name, ()), *self.extras.get(name, ()))
        )


def normalise(header: str) -> str:
    """ "First Name" / "first_name" / "first-name" / " FIRST  NAME " → "first name"."""
    return re.sub(r"[\s_\-]+", " ", header.replace("\ufeff", "")).strip().casefold()


PRESETS: dict[str, Preset] = {
    NATIVE: Preset(
        NATIVE,
        "Loopwright",
        {name: (name,) for name in FIELDS if name not in ("first_name", "last_name")},
        strict=True,
        note="Loopwright's own columns (docs/candidate-csv.md); an unknown column is refused.",
        extras={},
    ),
    "greenhouse": Preset(
        "greenhouse",
        "Greenhouse",
        {
            "external_id": ("Candidate ID",),
            "name": ("Candidate Name", "Name"),
            "first_name": ("First Name",),
            "last_name": ("Last Name",),
            "email": ("Email", "Email Address", "Personal Email"),
            "application_external_id": ("Application ID",),
            "links": ("Websites", "Website", "LinkedIn Profile", "LinkedIn", "Social Media"),
            "recruiter_notes": ("Notes",),
        },
        note="Greenhouse's candidate export (Candidate ID, First Name, Last Name, Email…).",
    ),
    "lever": Preset(
        "lever",
        "Lever",
        {
            "external_id": ("Contact ID", "Contact"),
            "name": ("Name", "Candidate Name"),
            "email": ("Email", "Emails", "Email Address"),
            "application_external_id": ("Opportunity ID", "Application ID"),
            "links": ("Links", "LinkedIn", "Profile URLs"),
            "recruiter_notes": ("Notes",),
        },
        first_of_several_emails=True,
        note="Lever's opportunities export (Opportunity ID, Contact ID, Name, Emails…).",
    ),
    "workday": Preset(
        "workday",
        "Workday",
        {
            "external_id": ("Candidate ID",),
            "name": ("Candidate Name", "Candidate", "Legal Name", "Name"),
            "first_name": ("First Name", "Given Name"),
            "last_name": ("Last Name", "Family Name"),
            "email": ("Email Address", "Primary Email Address", "Candidate Email", "Email"),
            "application_external_id": ("Job Application ID", "Job Application"),
            "links": ("Website", "Websites", "LinkedIn", "Social Network URLs"),
            "recruiter_notes": ("Notes", "Comments"),
        },
        note="A Workday recruiting report of candidates (Candidate ID, Email Address…).",
    ),
    "teamtailor": Preset(
        "teamtailor",
        "Teamtailor",
        {
            "external_id": ("Candidate ID", "ID"),
            "name": ("Name", "Candidate Name"),
            "first_name": ("First name",),
            "last_name": ("Last name",),
            "email": ("Email", "Email Address"),
            "application_external_id": ("Job application ID", "Application ID"),
            "links": ("LinkedIn URL", "LinkedIn", "LinkedIn profile", "Website"),
            "recruiter_notes": ("Notes",),
        },
        note="Teamtailor's candidate export (ID, First name, Last name, Email, LinkedIn URL…).",
    ),
    "ashby": Preset(
        "ashby",
        "Ashby",
        {
            "external_id": ("Candidate ID", "Ashby ID"),
            "name": ("Name", "Candidate Name", "Candidate"),
            "email": ("Email", "Primary Email", "Primary Email Address"),
            "application_external_id": ("Application ID",),
            "links": ("LinkedIn", "LinkedIn URL", "Website", "GitHub", "GitHub URL", "Portfolio"),
            "recruiter_notes": ("Notes",),
        },
        note="Ashby's candidate export (Candidate ID, Name, Email, LinkedIn…).",
    ),
}
PRESET_CHOICES = [(key, preset.label) for key, preset in PRESETS.items()] + [
    (MANUAL, "Other: choose the columns myself")
]


def preset_for(key: str) -> Preset | None:
    return PRESETS.get(key)


def header_names(preset: Preset, name: str) -> list[str]:
    """The header names a preset reads `name` from, as written (for the docs and pages)."""
    return [*preset.headers.get(name, ()), *preset.extras.get(name, ())]
