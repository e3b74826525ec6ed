"""The default self-identification categories: those of the EEOC's EEO-1 report, which
NYC Local Law 144's bias audits also use (sex; race/ethnicity). An admin may change them."""

from django.db import migrations

DEFAULTS = [
    (
        "sex",
        "Sex",
        [("female", "Female"), ("male", "Male")],
    ),
    (
        "race-ethnicity",
        "Race / ethnicity",
        [
            ("hispanic-latino", "Hispanic or Latino"),
            ("white", "White (not Hispanic or Latino)"),
            ("black", "Black or African American (not Hispanic or Latino)"),
            (
                "native-hawaiian-pacific-islander",
                "Native Hawaiian or Other Pacific Islander (not Hispanic or Latino)",
            ),
            ("asian", "Asian (not Hispanic or Latino)"),
            (
                "american-indian-alaska-native",
                "American Indian or Alaska Native (not Hispanic or Latino)",
            ),
            ("two-or-more", "Two or more races (not Hispanic or Latino)"),
        ],
    ),
]


def add_defaults(apps, schema_editor):
    Category = apps.get_model("outcomes", "SelfIdCategory")
    Option = apps.get_model("outcomes", "SelfIdOption")
    for order, (key, label, options) in enumerate(DEFAULTS):
        category, _ = Category.objects.get_or_create(
            key=key, defaults={"label": label, "order": order}
        )
        for option_order, (option_key, option_label) in enumerate(options):
            Option.objects.get_or_create(
                category=category,
                key=option_key,
                defaults={"label": option_label, "order": option_order},
            )


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
