"""Reference data the portal ships with, loaded by data migrations (and by tests after a flush).

Functions take an app registry: the historical one in a migration, the real one elsewhere.
"""

from cpd.activity_types import ACTIVITY_TYPES

SEED_003 = {
    "accreditation_number": "600/5787/7",
    "title": "ILM Level 3 Award in Service Improvement",
    "awarding_body": "ILM",
    "level": 3,
    "credit_value": 10,
    "guided_learning_hours": 17,
    "duration": "To be completed in 3 years",
    "induction": "At least 2 hours",
    "tutorial_support": "Minimum 3 hours",
    "rules_of_combination": (
        "Learners are required to undertake the single mandatory unit (300) in group 1 to gain "
        "10 credits to achieve this qualification."
    ),
}
SEED_003_UNIT = {
    "code": "8752-300",
    "title": (
        "Undertaking a Small Scale Service Delivery Improvement Project Using Lean Production "
        "Methodologies"
    ),
    "level": 3,
    "credit_value": 10,
    "guided_learning_hours": 17,
    "mandatory": True,
}


def load_catalogues(apps, schema_editor=None) -> None:
    """The activity-type listing of seed 001 (R2.9) and seed 003's qualification (R10.1)."""
    activity_type = apps.get_model("cpd", "ActivityType")
    for position, entry in enumerate(ACTIVITY_TYPES):
        activity_type.objects.update_or_create(
            slug=entry.slug,
            defaults={
                "name": entry.name,
                "group": entry.group,
                "is_reading": entry.is_reading,
                "is_qualification": entry.is_qualification,
                "needs_description": entry.needs_description,
                "position": position,
            },
        )
    qualification_model = apps.get_model("cpd", "Qualification")
    qualification, _ = qualification_model.objects.update_or_create(
        accreditation_number=SEED_003["accreditation_number"], defaults=SEED_003
    )
    apps.get_model("cpd", "QualificationUnit").objects.update_or_create(
        qualification=qualification, code=SEED_003_UNIT["code"], defaults=SEED_003_UNIT
    )
