"""Demo registrants at different points of their cycles, for `seed_demo`."""

import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from accounts.services import user_create
from cpd.models import ActivityType, GatewayCourse, Qualification
from cpd.services import ActivityInput, activity_create, objective_save
from register import rules
from register.models import Cycle, Registrant
from register.services import cycle_open, registrant_join

GATEWAY_COURSES = [
    ("EV high voltage safety awareness", "IMI CPD Gateway", Decimal("10"), True),
    ("Customer experience for service advisors", "IMI CPD Gateway", Decimal("6"), False),
    ("ADAS calibration essentials", "IMI CPD Gateway", Decimal("12"), True),
    ("Leading a workshop team", "IMI CPD Gateway", Decimal("8"), True),
]


def _activity(registrant, today, *, days_ago, **values) -> None:
    values.setdefault("reflection", "What I learnt and how it changed what I know.")
    values["activity_type"] = ActivityType.objects.get(slug=values["activity_type"])
    values["completed_on"] = today - datetime.timedelta(days=days_ago)
    for bonus, statement in (
        ("impact_behaviour", "behaviour_statement"),
        ("impact_working_practice", "working_practice_statement"),
    ):
        if values.get(bonus):
            values.setdefault(statement, "Evidenced in my appraisal.")
    activity_create(registrant=registrant, data=ActivityInput(**values), as_of=today)


def seed_registrants(*, today: datetime.date, password: str, email) -> list[Registrant]:
    for title, provider, credits, assessed in GATEWAY_COURSES:
        GatewayCourse.objects.get_or_create(
            title=title, defaults={"provider": provider, "credits": credits, "assessed": assessed}
        )
    ev = GatewayCourse.objects.get(title="EV high voltage safety awareness")
    made = []

    def person(local, first, last, joined_on):
        user = user_create(
            email=email(local),
            first_name=first,
            last_name=last,
            password=password,
            email_verified=True,
        )
        registrant = registrant_join(
            user=user, joined_on=joined_on, accepted=None, accepted_at=None
        )
        made.append(registrant)
        return registrant

    # Riley: in the final months of a cycle, behind, with reading over the cap.
    riley = person("registrant", "Riley", "Registrant", today - relativedelta(years=2, months=6))
    objective = objective_save(
        registrant=riley,
        objective=None,
        title="Lead the workshop's move to EV work",
        description="Be able to supervise safe work on high-voltage vehicles.",
        measure="Team trained and a safe-working policy in place.",
        agreed_with="Line manager",
        relevance="Half our new work is electric.",
        target_date=today + relativedelta(months=4),
        status="in_progress",
    )
    _activity(
        riley,
        today,
        days_ago=700,
        title="Customer service seminar",
        activity_type="seminar",
        principle="personal",
        hours=Decimal("1"),
        impact_behaviour=True,
    )
    for days in (600, 500, 400, 300):
        _activity(
            riley,
            today,
            days_ago=days,
            title="Leadership articles",
            activity_type="reading",
            principle="personal",
            hours=Decimal("2.5"),
            impact_working_practice=True,
        )
    _activity(
        riley,
        today,
        days_ago=200,
        title="EV safety awareness course",
        activity_type="vehicle-manufacturer-course",
        principle="shared",
        gateway_course=ev,
        impact_behaviour=True,
        objective=objective,
    )
    _activity(
        riley,
        today,
        days_ago=60,
        title="Diagnostics e-learning",
        activity_type="e-learning",
        principle="personal",
        hours=Decimal("3"),
        end_test=True,
    )

    # Sam: joined this membership year (pro-rata target), on track.
    sam = person("sam", "Sam", "Starter", today - relativedelta(months=10))
    _activity(
        sam,
        today,
        days_ago=100,
        title="ADAS calibration essentials",
        activity_type="update-course",
        principle="shared",
        gateway_course=GatewayCourse.objects.get(title="ADAS calibration essentials"),
        impact_working_practice=True,
    )
    _activity(
        sam,
        today,
        days_ago=20,
        title="Workshop on lean methods",
        activity_type="workshop",
        principle="personal",
        hours=Decimal("6"),
    )
    _activity(
        sam,
        today,
        days_ago=10,
        title="Customer experience for service advisors",
        activity_type="update-course",
        principle="shared",
        gateway_course=GatewayCourse.objects.get(title__startswith="Customer experience"),
        impact_behaviour=True,
        impact_working_practice=True,
    )

    # Morgan: target met, with a qualification recorded in instalments.
    morgan = person("morgan", "Morgan", "Met", today - relativedelta(years=1, months=8))
    _activity(
        morgan,
        today,
        days_ago=150,
        title="ILM Level 3 Award in Service Improvement",
        activity_type="vrq",
        principle="shared",
        qualification=Qualification.objects.get(accreditation_number="600/5787/7"),
        instalments=2,
        impact_behaviour=True,
    )

    # Casey: in a second cycle; the first (met) stays readable.
    casey = person("casey", "Casey", "Second", today - relativedelta(years=5, months=7))
    first = casey.cycles.get()
    _activity(
        casey,
        today,
        days_ago=(today - first.start).days - 30,
        title="Level 3 Diploma in Vehicle Maintenance",
        activity_type="nvq",
        principle="shared",
        qualification_credit_value=12,
    )
    first.status = Cycle.Status.MET
    first._change_reason = "End of cycle (R8.1): demo data"
    first.save(update_fields=["status"])
    terms = rules.next_cycle_after(first.end)
    cycle_open(registrant=casey, number=2, terms=terms)
    _activity(
        casey,
        today,
        days_ago=90,
        title="Conference: the future of retail",
        activity_type="conference",
        principle="personal",
        hours=Decimal("6"),
        impact_behaviour=True,
    )
    return made
