"""Writes for CPD: activities, their evidence, objectives and drafts. Each in a transaction.

`activity_check` is the one place an activity's input is judged against the rules (R2, R4.3);
the form's live preview, the form and the API all go through it, so they can't disagree.
"""

import re
import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from PIL import Image

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


# The names a file of each type may have; a name that says otherwise is refused (R4.4).
_EXTENSIONS_OF = {
    "application/pdf": {".pdf"},
    "image/png": {".png"},
    "image/jpeg": {".jpg", ".jpeg", ".jpe", ".jfif"},
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {".docx"},
}
_TYPE_LABEL = {
    "application/pdf": "a PDF",
    "image/png": "a PNG image",
    "image/jpeg": "a JPEG image",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "a Word document",
}
# Web page code inside an image or a PDF makes a polyglot: harmless as we serve it (an attachment
# with its detected type and nosniff), but an attacker's file all the same. A .docx is a zip, so
# its parts are compressed and never show such text. The patterns are long enough that the
# random bytes of a compressed image match one about once in 100,000 files of 10 MB.
_MARKUP = re.compile(
    rb"<(?:script|iframe|object|embed)[\s>/]|<(?:html|body)[\s>]|<!doctype\s+html"
    rb"|javascript:|\bon(?:load|error)\s*=",
    re.IGNORECASE,
)
_IMAGE_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG"}
_MAX_IMAGE_PIXELS = 50_000_000  # decoding a bigger image could take the worker's memory


def _stated_extension(name: str) -> str:
    """The name's extension when it looks like one (`.PNG`, `.docx`), else ''."""
    match = re.search(r"\.[A-Za-z0-9]{1,8}$", name)
    return match.group(0).lower() if match else ""


def _contains_markup(upload: UploadedFile) -> bool:
    tail = b""
    for chunk in upload.chunks():
        if _MARKUP.search(tail + chunk):
            return True
        tail = chunk[-32:]  # a tag split across two chunks is still found
    return False


def _decodes_as(upload: UploadedFile, image_format: str) -> bool:
    """Pillow reads the whole image, in the format its first bytes claim."""
    try:
        with Image.open(upload, formats=[image_format]) as image:
            if image.width * image.height > _MAX_IMAGE_PIXELS:
                return False
            image.load()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return False
    return True


def evidence_check(upload: UploadedFile) -> str:
    """The file's real type from its bytes (R4.4); raises with a message for the person.

    Refused: too big or empty; a type other than PDF, PNG, JPEG or .docx; a name whose extension
    says another type than the content (a PDF named .png); an image that doesn't decode; an image
    or PDF with web page code inside (a polyglot). Folders in the name are dropped by Django's
    upload parser and by `safe_file_name`, never refused.
    """
    limit = settings.EVIDENCE_MAX_BYTES
    name = upload.name
    if upload.size > limit:
        raise ValidationError(
            f"“{name}” is {upload.size / 1_048_576:.1f} MB; files can be at most "
            f"{limit / 1_048_576:.0f} MB."
        )
    if upload.size == 0:
        raise ValidationError(f"“{name}” is empty.")
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in EVIDENCE_TYPES:
        raise ValidationError(
            f"“{name}” isn't a PDF, PNG, JPEG or Word (.docx) file. Only those can be "
            "uploaded as evidence."
        )
    mime = kind.mime
    extension = _stated_extension(name)
    if extension and extension not in _EXTENSIONS_OF[mime]:
        raise ValidationError(
            f"“{name}” is {_TYPE_LABEL[mime]} but its name ends in {extension}. Rename it to end "
            f"in {EVIDENCE_TYPES[mime]}, or choose the file you meant."
        )
    try:
        if mime in _IMAGE_FORMATS and not _decodes_as(upload, _IMAGE_FORMATS[mime]):
            raise ValidationError(
                f"“{name}” can't be read as {_TYPE_LABEL[mime]}: it is damaged, too large, or "
                "not an image. Save it again as a PNG or JPEG and upload that."
            )
        scanned = mime in _IMAGE_FORMATS or mime == "application/pdf"
        if scanned and _contains_markup(upload):
            raise ValidationError(
                f"“{name}” has web page code hidden inside it, so it can't be accepted. "
                "Upload the original document or photo."
            )
    finally:
        upload.seek(0)
    return mime


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
