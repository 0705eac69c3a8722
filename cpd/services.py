"""Writes for CPD: activities, their evidence, objectives and drafts. Each in a transaction.

`activity_check` is the one place an activity's input is judged against the rules (R2, R4.3);
the form's live preview, the form and the API all go through it, so they can't disagree.
"""

import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from accounts.models import User
from register.models import Cycle, Registrant
from register.selectors import cycle_containing

from . import rules
from .models import (
    Activity,
    ActivityDraft,
    ActivityType,
    Evidence,
    GatewayCourse,
    Objective,
    Qualification,
)

# R4.4: the types allowed, as detected from the bytes (never the name).
EVIDENCE_TYPES = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
}


@dataclass
class ActivityInput:
    """What a registrant enters for an activity, with the API's field names (API.md)."""

    title: str = ""
    activity_type: ActivityType | None = None
    type_description: str = ""
    principle: str = ""
    hours: Decimal | None = None
    gateway_course: GatewayCourse | None = None
    gateway_credits: Decimal | None = None
    assessed: bool = False  # a Gateway course that was formally assessed
    qualification: Qualification | None = None
    qualification_credit_value: int | None = None
    instalments: int = 1
    end_test: bool = False
    impact_behaviour: bool = False
    behaviour_statement: str = ""
    impact_working_practice: bool = False
    working_practice_statement: str = ""
    reflection: str = ""
    completed_on: date | None = None
    objective: Objective | None = None


@dataclass
class ActivityCheck:
    """The verdict on an input: its credits if valid, else a message per field."""

    breakdown: rules.CreditBreakdown | None = None
    cycle: Cycle | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    @property
    def ok(self) -> bool:
        return not self.errors


def _resolve_catalogue_values(data: ActivityInput) -> None:
    # A catalogue entry fixes its value: what the registrant typed can't contradict it.
    if data.gateway_course is not None:
        data.gateway_credits = data.gateway_course.credits
        data.assessed = data.gateway_course.assessed
    if data.qualification is not None:
        data.qualification_credit_value = data.qualification.credit_value


def activity_check(
    *, registrant: Registrant, data: ActivityInput, as_of: date, for_preview: bool = False
) -> ActivityCheck:
    """Judge `data` against R2, R4.3 and R3.1. With `for_preview`, only what the credits need:
    the preview shouldn't shout about a reflection not yet written."""
    _resolve_catalogue_values(data)
    check = ActivityCheck()
    try:
        check.breakdown = rules.activity_credits(
            principle=data.principle,
            hours=data.hours,
            gateway_credits=data.gateway_credits,
            qualification_credit_value=data.qualification_credit_value,
            instalments=data.instalments,
            end_test=data.end_test,
            impact_behaviour=data.impact_behaviour,
            impact_working_practice=data.impact_working_practice,
        )
    except rules.CreditRuleError as error:
        check.add(error.field, error.message)
    if for_preview:
        return check
    if not data.title.strip():
        check.add("title", "Give the activity a title.")
    if data.activity_type is None:
        check.add("activity_type", "Choose the type of activity.")
    elif data.activity_type.needs_description and not data.type_description.strip():
        check.add("type_description", "Describe the activity, as its type is “Other”.")  # R2.9
    if not data.reflection.strip():
        check.add(
            "reflection", "Write a reflective statement: what you learnt and its impact."
        )  # R4.3
    if data.impact_behaviour and not data.behaviour_statement.strip():
        check.add(
            "behaviour_statement", "Describe the impact on your behaviour to claim it."
        )  # R4.3
    if data.impact_working_practice and not data.working_practice_statement.strip():
        check.add(
            "working_practice_statement",
            "Describe the impact on your working practice to claim it.",  # R4.3
        )
    if data.objective is not None and data.objective.registrant_id != registrant.pk:
        check.add("objective", "Choose one of your own objectives.")
    if data.completed_on is None:
        check.add("completed_on", "Enter the date you completed the activity.")
    else:
        try:
            rules.validate_completed_on(
                completed_on=data.completed_on, joined_on=registrant.joined_on, as_of=as_of
            )
        except rules.CreditRuleError as error:
            check.add(error.field, error.message)
        else:
            check.cycle = cycle_containing(registrant=registrant, day=data.completed_on)  # R3.1
            if check.cycle is None:
                check.add("completed_on", "That date isn't in any of your CPD cycles.")
    return check


def _activity_fields(data: ActivityInput, check: ActivityCheck) -> dict[str, object]:
    principle = rules.Principle(data.principle)
    personal = principle is rules.Principle.PERSONAL
    is_qualification = data.qualification_credit_value is not None
    return {
        "cycle": check.cycle,
        "title": data.title.strip(),
        "activity_type": data.activity_type,
        "type_description": data.type_description.strip(),
        "principle": principle.value,
        "hours": data.hours if personal else None,
        "gateway_course": None if personal else data.gateway_course,
        "gateway_credits": None if personal or is_qualification else data.gateway_credits,
        "qualification": data.qualification if is_qualification else None,
        "qualification_credit_value": data.qualification_credit_value if is_qualification else None,
        "end_test": data.end_test and personal,
        "gateway_assessed": data.assessed and not personal and not is_qualification,
        "assessed": rules.is_assessed(  # R2.8
            principle=principle,
            end_test=data.end_test,
            gateway_assessed=data.assessed,
            is_qualification=is_qualification or data.activity_type.is_qualification,
        ),
        "impact_behaviour": data.impact_behaviour,
        "behaviour_statement": data.behaviour_statement.strip() if data.impact_behaviour else "",
        "impact_working_practice": data.impact_working_practice,
        "working_practice_statement": (
            data.working_practice_statement.strip() if data.impact_working_practice else ""
        ),
        "reflection": data.reflection.strip(),
        "completed_on": data.completed_on,
        "objective": data.objective,
    }


def _raise_unless_ok(check: ActivityCheck) -> None:
    if not check.ok:
        raise ValidationError(check.errors)


@transaction.atomic
def activity_create(
    *, registrant: Registrant, data: ActivityInput, as_of: date, user: User | None = None
) -> list[Activity]:
    """Record an activity; a qualification in N instalments becomes N equal records (R2.6),
    the impact bonuses on the first only (each at most once across the instalments)."""
    check = activity_check(registrant=registrant, data=data, as_of=as_of)
    _raise_unless_ok(check)
    fields = _activity_fields(data, check)
    if data.instalments == 1:
        activity = Activity.objects.create(
            registrant=registrant,
            credits=check.breakdown.total,
            credits_explanation=check.breakdown.explanation,
            **fields,
        )
        _clear_draft(user=user, key="new")
        return [activity]
    group = uuid.uuid4()
    created = []
    for number in range(1, data.instalments + 1):
        first = number == 1
        breakdown = rules.activity_credits(
            principle=data.principle,
            qualification_credit_value=data.qualification_credit_value,
            instalments=data.instalments,
            instalment_number=number,
            impact_behaviour=data.impact_behaviour and first,
            impact_working_practice=data.impact_working_practice and first,
        )
        instalment_fields = dict(fields)
        if not first:
            instalment_fields.update(
                impact_behaviour=False,
                behaviour_statement="",
                impact_working_practice=False,
                working_practice_statement="",
            )
        created.append(
            Activity.objects.create(
                registrant=registrant,
                instalment_group=group,
                instalment_number=number,
                instalments=data.instalments,
                credits=breakdown.total,
                credits_explanation=breakdown.explanation,
                **instalment_fields,
            )
        )
    _clear_draft(user=user, key="new")
    return created


class ActivityLocked(ValidationError):
    pass


def _refuse_if_in_audit(activity: Activity) -> None:
    if activity.in_audit:
        raise ActivityLocked("This activity is being audited, so it can't be changed or deleted.")


@transaction.atomic
def activity_update(
    *, activity: Activity, data: ActivityInput, as_of: date, user: User | None = None
) -> Activity:
    """Change an activity. An instalment keeps its place in its group: its share of the
    qualification, and a bonus only if no other instalment claims it (R2.6)."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    _refuse_if_in_audit(activity)
    data.instalments = 1  # the split is decided when recording
    if activity.instalment_group:
        data.qualification_credit_value = activity.qualification_credit_value
        data.qualification = activity.qualification
        data.principle = rules.Principle.SHARED.value
    check = activity_check(registrant=activity.registrant, data=data, as_of=as_of)
    breakdown = check.breakdown
    if activity.instalment_group and check.ok:
        others = Activity.objects.filter(instalment_group=activity.instalment_group).exclude(
            pk=activity.pk
        )
        try:
            rules.validate_instalment_bonuses(
                impact_behaviour=data.impact_behaviour,
                impact_working_practice=data.impact_working_practice,
                behaviour_already_claimed=others.filter(impact_behaviour=True).exists(),
                working_practice_already_claimed=others.filter(
                    impact_working_practice=True
                ).exists(),
            )
        except rules.CreditRuleError as error:
            check.add(error.field, error.message)
        breakdown = rules.activity_credits(
            principle=rules.Principle.SHARED,
            qualification_credit_value=activity.qualification_credit_value,
            instalments=activity.instalments,
            instalment_number=activity.instalment_number,
            impact_behaviour=data.impact_behaviour,
            impact_working_practice=data.impact_working_practice,
        )
    _raise_unless_ok(check)
    for name, value in _activity_fields(data, check).items():
        setattr(activity, name, value)
    activity.credits = breakdown.total
    activity.credits_explanation = breakdown.explanation
    activity.save()
    _clear_draft(user=user, key=str(activity.pk))
    return activity


@transaction.atomic
def activity_delete(*, activity: Activity) -> None:
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    _refuse_if_in_audit(activity)
    files = [evidence.file.name for evidence in activity.evidence.all()]
    activity.delete()
    transaction.on_commit(lambda: [Evidence.file.field.storage.delete(name) for name in files])


def evidence_check(upload: UploadedFile) -> str:
    """The file's real type from its first bytes (R4.4); raises with a message for the person."""
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            f"“{upload.name}” is {upload.size / 1_048_576:.1f} MB; files can be at most "
            f"{limit / 1_048_576:.0f} MB."
        )
    if upload.size == 0:
        raise ValidationError(f"“{upload.name}” is empty.")
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in EVIDENCE_TYPES:
        raise ValidationError(
            f"“{upload.name}” isn't a PDF, PNG, JPEG or Word (.docx) file. Only those can be "
            "uploaded as evidence."
        )
    return kind.mime


def safe_file_name(name: str) -> str:
    # Keep only the last part of what the browser sent: no folders, no control characters.
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable()).strip() or "evidence"
    return cleaned[:200]


@transaction.atomic
def evidence_add(*, activity: Activity, upload: UploadedFile, user: User) -> Evidence:
    mime = evidence_check(upload)
    evidence = Evidence(
        activity=activity,
        original_name=safe_file_name(upload.name),
        content_type=mime,
        extension=EVIDENCE_TYPES[mime],
        size=upload.size,
        uploaded_by=user,
    )
    evidence.file.save("upload", upload, save=False)
    evidence.save()
    return evidence


@transaction.atomic
def evidence_delete(*, evidence: Evidence) -> None:
    _refuse_if_in_audit(evidence.activity)
    name = evidence.file.name
    evidence.delete()
    transaction.on_commit(lambda: Evidence.file.field.storage.delete(name))


@transaction.atomic
def objective_save(*, registrant: Registrant, objective: Objective | None, **fields) -> Objective:
    """Create or change a PDP objective (R4.1)."""
    if objective is None:
        return Objective.objects.create(registrant=registrant, **fields)
    for name, value in fields.items():
        setattr(objective, name, value)
    objective.save()
    return objective


@transaction.atomic
def objective_delete(*, objective: Objective) -> None:
    """Remove a PDP objective; its activities stay, unlinked (R4.2)."""
    objective.delete()


def draft_save(*, user: User, key: str, data: dict[str, object]) -> ActivityDraft:
    draft, _ = ActivityDraft.objects.update_or_create(user=user, key=key, defaults={"data": data})
    return draft


def _clear_draft(*, user: User | None, key: str) -> None:
    if user is not None:
        ActivityDraft.objects.filter(user=user, key=key).delete()


def draft_discard(*, user: User, key: str) -> None:
    _clear_draft(user=user, key=key)
