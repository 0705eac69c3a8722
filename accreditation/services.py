"""Writes for accreditation (R9, R10). Each service runs in a transaction, checks its rule through
`accreditation.rules`, and raises `ValidationError` with a message for the person on refusal, so
nothing partial is saved."""

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal

import filetype
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from accounts.services import user_create
from cpd.models import Qualification
from cpd.services import EVIDENCE_TYPES, evidence_check, safe_file_name
from register.models import Registrant

from . import rules
from .models import (
    Attempt,
    AttemptEvidence,
    Award,
    Candidate,
    Centre,
    CentreApproval,
    CentreDevisedAssessment,
    CentreMembership,
    CodeOfConduct,
    CompetenceEvidence,
    Component,
    EqaAction,
    EqaVisit,
    Level,
    LevelReview,
    Route,
    StaffApproval,
    StatementMapping,
    WindowExtension,
)
from .selectors import evidence_facts_for, statements_for

# R9.10: role play may be filmed; these are the video types kept as attempt evidence.
VIDEO_TYPES = {
    "video/mp4": ".mp4",
    "video/quicktime": ".mov",
    "video/webm": ".webm",
    "video/x-matroska": ".mkv",
}


# --- Centres and their people ------------------------------------------------------------------


@transaction.atomic
def centre_membership_add(*, centre: Centre, user: User, role: str) -> CentreMembership:
    """Give `user` a role at `centre`, and the role's group for its permissions."""
    membership, _ = CentreMembership.objects.get_or_create(centre=centre, user=user, role=role)
    user.groups.add(Group.objects.get(name=membership.group_name))
    return membership


@transaction.atomic
def centre_membership_remove(
    *, membership: CentreMembership, keep_an_administrator: bool = False
) -> None:
    """End a role at a centre; the group goes only if no other centre gives the same role. With
    `keep_an_administrator` (the centre's own pages), the last centre administrator stays, so
    someone can still manage the centre; officers in the admin may remove anyone."""
    user, role, group_name = membership.user, membership.role, membership.group_name
    if (
        keep_an_administrator
        and role == CentreMembership.CentreRole.CENTRE_ADMINISTRATOR
        and not CentreMembership.objects.filter(centre_id=membership.centre_id, role=role)
        .exclude(pk=membership.pk)
        .exists()
    ):
        raise ValidationError(
            "The centre needs at least one centre administrator: add another before removing "
            "this one."
        )
    membership.delete()
    if not CentreMembership.objects.filter(user=user, role=role).exists():
        user.groups.remove(*Group.objects.filter(name=group_name))


def _next_centre_number() -> str:
    # Centres are few and applications rare: the highest number plus one, under the unique index.
    last = Centre.objects.filter(number__regex=r"^C\d+$").aggregate(m=Max("number"))["m"]
    number = int(last[1:]) + 1 if last else 1001
    return f"C{number:04d}"


@transaction.atomic
def centre_apply(
    *,
    user: User,
    name: str,
    email: str,
    phone: str,
    address: str,
    offers: Sequence[tuple[Route, Level]],
) -> Centre:
    """A centre applies for the routes and levels it wants to offer (R9.2); the applicant becomes
    its centre administrator."""
    if not offers:
        raise ValidationError({"offers": "Choose at least one route and level to apply for."})
    centre = Centre.objects.create(
        name=name,
        number=_next_centre_number(),
        email=email,
        phone=phone,
        address=address,
        status=Centre.Status.APPLIED,
    )
    for route, level in offers:
        CentreApproval.objects.create(centre=centre, route=route, level=level)
    centre_membership_add(
        centre=centre, user=user, role=CentreMembership.CentreRole.CENTRE_ADMINISTRATOR
    )
    return centre


@transaction.atomic
def centre_approval_request(*, centre: Centre, route: Route, level: Level) -> CentreApproval:
    """An approved centre applies to offer one more route and level (R9.2)."""
    approval, created = CentreApproval.objects.get_or_create(
        centre=centre, route=route, level=level
    )
    if not created and approval.status != CentreApproval.Status.WITHDRAWN:
        raise ValidationError(
            f"The centre already has {route} at level {level.number}: "
            f"{approval.get_status_display().lower()}."
        )
    if not created:
        approval.status = CentreApproval.Status.APPLIED
        approval.decided_at = approval.decided_by = None
        approval.save()
    return approval


@transaction.atomic
def centre_approval_decide(
    *, approval: CentreApproval, status: str, by: User, note: str = "", today: date
) -> CentreApproval:
    """An officer approves, suspends or withdraws a centre for one route and level (R9.2). The
    first approval approves the centre and starts its external quality assurance (R9.9)."""
    if status == CentreApproval.Status.APPLIED:
        raise ValidationError("Choose approve, suspend or withdraw.")
    approval.status = status
    approval.note = note
    approval.decided_at = timezone.now()
    approval.decided_by = by
    approval.save()
    centre = Centre.objects.select_for_update().get(pk=approval.centre_id)
    if status == CentreApproval.Status.APPROVED and centre.status == Centre.Status.APPLIED:
        centre.status = Centre.Status.APPROVED
        centre.approved_on = today
        if centre.next_visit_due is None:
            centre.next_visit_due = rules.next_visit_due(
                last_visit_on=today,
                commercial_risk=centre.commercial_risk,
                assessment_risk=centre.assessment_risk,
            )
        centre.save()
    return approval


@transaction.atomic
def centre_status_set(*, centre: Centre, status: str, today: date) -> Centre:
    """Suspend, withdraw or reinstate a whole centre (R9.2): a suspended or withdrawn centre can't
    register candidates or record assessments."""
    if centre.status == status:
        raise ValidationError(f"{centre} is already {centre.get_status_display().lower()}.")
    if status == Centre.Status.APPROVED and centre.status == Centre.Status.APPLIED:
        raise ValidationError(
            f"{centre} has only applied: approve its routes and levels to approve it (R9.2)."
        )
    centre.status = status
    if status == Centre.Status.APPROVED and centre.approved_on is None:
        centre.approved_on = today
    centre.save()
    return centre


@transaction.atomic
def centre_person_add(
    *, centre: Centre, email: str, first_name: str, last_name: str, role: str
) -> CentreMembership:
    """A centre administrator adds a person to the centre, creating their account if needed."""
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        user = user_create(email=email, first_name=first_name, last_name=last_name)
    if CentreMembership.objects.filter(centre=centre, user=user, role=role).exists():
        label = CentreMembership.CentreRole(role).label.lower()
        article = "an" if label[0] in "aeiou" else "a"
        raise ValidationError({"email": f"{user} is already {article} {label} at this centre."})
    return centre_membership_add(centre=centre, user=user, role=role)


@transaction.atomic
def centre_qualifications_set(*, centre: Centre, qualifications: Iterable[Qualification]) -> None:
    """The catalogued qualifications the centre delivers (R10.1, R10.3)."""
    centre.qualifications.set(qualifications)


# --- Staff approvals and competence evidence (R9.3, R9.7, R10.3) --------------------------------


@transaction.atomic
def staff_approval_request(
    *,
    centre: Centre,
    user: User,
    role: str,
    route: Route | None,
    level: Level | None,
    by: User,
) -> StaffApproval:
    """The centre asks for a person's approval as assessor or IQA for a route and level, or as an
    invigilator (R9.3, R9.7)."""
    if role == StaffApproval.Role.INVIGILATOR:
        route = level = None
    elif route is None or level is None:
        raise ValidationError("Choose the route and level of the approval.")
    elif not centre.approvals.filter(
        route=route, level=level, status=CentreApproval.Status.APPROVED
    ).exists():
        raise ValidationError(
            f"The centre isn't approved for {route} at level {level.number} (R9.2)."
        )
    live = StaffApproval.objects.filter(
        centre=centre,
        user=user,
        role=role,
        route=route,
        level=level,
        status__in=[StaffApproval.Status.REQUESTED, StaffApproval.Status.APPROVED],
    ).first()
    if live is not None:
        raise ValidationError(f"{user} already has this approval: {live.get_status_display()}.")
    approval = StaffApproval.objects.create(
        centre=centre, user=user, role=role, route=route, level=level, requested_by=by
    )
    centre_membership_add(centre=centre, user=user, role=role)
    return approval


def staff_approval_refusals(*, approval: StaffApproval, today: date) -> list[str]:
    """What stops this approval (R9.3), from the person's evidence and CPD status."""
    registrant = Registrant.objects.filter(user_id=approval.user_id).only("status").first()
    return rules.staff_approval_refusals(
        role=approval.role,
        level_number=approval.level.number if approval.level_id else None,
        evidence=evidence_facts_for(user=approval.user),
        as_of=today,
        current_registrant=registrant is not None
        and registrant.status == Registrant.Status.CURRENT,
    )


@transaction.atomic
def staff_approval_decide(
    *, approval: StaffApproval, approve: bool, by: User, note: str = "", today: date
) -> StaffApproval:
    if approval.status != StaffApproval.Status.REQUESTED:
        raise ValidationError(f"This approval is already {approval.get_status_display().lower()}.")
    if approve:
        refusals = staff_approval_refusals(approval=approval, today=today)
        if refusals:
            raise ValidationError(refusals)
    approval.status = StaffApproval.Status.APPROVED if approve else StaffApproval.Status.REJECTED
    approval.decided_at = timezone.now()
    approval.decided_by = by
    approval.note = note
    approval.save()
    return approval


@transaction.atomic
def staff_approval_remove(*, approval: StaffApproval, by: User, reason: str) -> StaffApproval:
    """Approval removed (R9.3): from now on the person can't be recorded on an attempt."""
    if not reason.strip():
        raise ValidationError({"note": "Give the reason the approval is removed."})
    if approval.status != StaffApproval.Status.APPROVED:
        raise ValidationError("Only a current approval can be removed.")
    approval.status = StaffApproval.Status.REMOVED
    approval.decided_at = timezone.now()
    approval.decided_by = by
    approval.note = reason
    approval.save()
    return approval


def _check_upload(upload: UploadedFile, *, allow_video: bool) -> str:
    """The file's real type from its bytes. Documents and photos get every check of CPD evidence
    (size, extension against content, images that decode, no web page code inside); videos of role
    play may be much larger (R9.10)."""
    if upload.size == 0:
        raise ValidationError(f"“{upload.name}” is empty.")
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind else None
    if allow_video and mime in VIDEO_TYPES:
        limit = settings.ACCREDITATION_VIDEO_MAX_BYTES
        if upload.size > limit:
            raise ValidationError(
                f"“{upload.name}” is {upload.size / 1_048_576:.1f} MB; videos can be at most "
                f"{limit / 1_048_576:.0f} MB."
            )
        return mime
    if mime not in EVIDENCE_TYPES:
        kinds = (
            "PDF, PNG, JPEG, Word (.docx) or video (MP4, MOV, WebM, MKV)"
            if allow_video
            else ("PDF, PNG, JPEG or Word (.docx)")
        )
        raise ValidationError(f"“{upload.name}” isn't a {kinds} file.")
    return evidence_check(upload)


@transaction.atomic
def competence_evidence_add(
    *,
    user: User,
    kind: str,
    title: str,
    dated: date,
    level: int | None = None,
    qualification: Qualification | None = None,
    upload: UploadedFile | None = None,
    by: User,
    today: date,
) -> CompetenceEvidence:
    """Occupational competence, assessor award, teaching qualification or CPD evidence of a
    member of centre staff (R9.3, R10.3)."""
    if dated > today:
        raise ValidationError({"dated": "The date can't be in the future."})
    evidence = CompetenceEvidence(
        user=user,
        kind=kind,
        title=title,
        dated=dated,
        level=level,
        qualification=qualification,
        added_by=by,
    )
    if upload is not None:
        evidence.content_type = _check_upload(upload, allow_video=False)
        evidence.original_name = safe_file_name(upload.name)
        evidence.file.save(f"evidence{EVIDENCE_TYPES[evidence.content_type]}", upload, save=False)
    evidence.save()
    return evidence


# --- Candidates (R9.2, R9.4) -------------------------------------------------------------------


def candidate_registration_refusal(*, centre: Centre, route: Route, level: Level) -> str | None:
    """A centre registers candidates only for routes and levels it is approved for (R9.2)."""
    if centre.status != Centre.Status.APPROVED:
        return (
            f"The centre is {centre.get_status_display().lower()}, so it can't register candidates."
        )
    approved = centre.approvals.filter(
        route=route, level=level, status=CentreApproval.Status.APPROVED
    ).exists()
    if not approved:
        return f"The centre isn't approved for {route} at level {level.number}."
    return None


@transaction.atomic
def candidate_register(
    *,
    centre: Centre,
    email: str,
    first_name: str,
    last_name: str,
    route: Route,
    level: Level,
    by: User,
    ao_registration_number: str = "",
    ao_registered_on: date | None = None,
    notify: bool = True,
) -> Candidate:
    refusal = candidate_registration_refusal(centre=centre, route=route, level=level)
    if refusal:
        raise ValidationError({"route": refusal})
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        user = user_create(email=email, first_name=first_name, last_name=last_name)
    elif Candidate.objects.filter(user=user, route=route, level=level).exists():
        raise ValidationError(
            {"email": f"{email} is already a candidate for {route} at level {level.number}."}
        )
    candidate = Candidate.objects.create(
        centre=centre,
        user=user,
        route=route,
        level=level,
        registered_by=by,
        ao_registration_number=ao_registration_number,
        ao_registered_on=ao_registered_on if ao_registration_number else None,
    )
    if notify:
        transaction.on_commit(lambda: _queue_candidate_email(candidate.pk, "candidate-registered"))
    return candidate


def _queue_candidate_email(candidate_id: int, template: str) -> None:
    from .tasks import send_candidate_email

    send_candidate_email.delay(candidate_id, template)


@transaction.atomic
def candidate_accept_code(*, candidate: Candidate, user: User, at: datetime) -> Candidate:
    """The candidate agrees to the Accreditation Code of Conduct in the portal (R9.4)."""
    if candidate.user_id != user.pk:
        raise ValidationError("Only the candidate can accept the Code of Conduct.")
    candidate.code_version = CodeOfConduct.objects.filter(published_on__lte=at.date()).first()
    if candidate.code_version is None:
        raise ValidationError("No Accreditation Code of Conduct is published yet.")
    candidate.code_accepted_at = at
    candidate.save(update_fields=["code_version", "code_accepted_at"])
    return candidate


@transaction.atomic
def candidate_record_registration(
    *, candidate: Candidate, number: str, registered_on: date, today: date
) -> Candidate:
    """The Awarding Organisation registration (R9.4)."""
    if not number.strip():
        raise ValidationError({"ao_registration_number": "Enter the registration number."})
    if registered_on > today:
        raise ValidationError({"ao_registered_on": "The date can't be in the future."})
    candidate.ao_registration_number = number.strip()
    candidate.ao_registered_on = registered_on
    candidate.save(update_fields=["ao_registration_number", "ao_registered_on"])
    return candidate


@transaction.atomic
def candidate_confirm_eligibility(
    *, candidate: Candidate, note: str, by: User, at: datetime
) -> Candidate:
    """The centre confirms the candidate meets the route's pre-requisites (R9.4)."""
    if not note.strip():
        raise ValidationError(
            {"eligibility_note": "Say how the candidate meets the pre-requisites."}
        )
    candidate.eligibility_note = note.strip()
    candidate.eligibility_confirmed_at = at
    candidate.eligibility_confirmed_by = by
    candidate.save(
        update_fields=["eligibility_note", "eligibility_confirmed_at", "eligibility_confirmed_by"]
    )
    return candidate


def candidate_gate_refusals(candidate: Candidate) -> list[str]:
    return rules.assessment_gate_refusals(  # R9.4
        ao_registered=bool(candidate.ao_registration_number),
        eligible=candidate.eligibility_confirmed_at is not None,
        code_accepted=candidate.code_accepted_at is not None,
    )


# --- Attempts (R9.3-R9.7, R9.10) and the award (R9.11) -----------------------------------------


def _approvals_of(user: User | None, centre: Centre) -> list[rules.ApprovalFacts]:
    if user is None:
        return []
    return [
        rules.ApprovalFacts(a.role, a.status, a.route_id, a.level.number if a.level else None)
        for a in StaffApproval.objects.filter(centre=centre, user=user).select_related("level")
    ]


def _online_test_facts(candidate: Candidate, component: Component) -> tuple[int, int]:
    unsuccessful = candidate.attempts.filter(
        component=component, outcome=Attempt.Outcome.REFER
    ).count()
    reviews = candidate.level_reviews.filter(component=component).count()
    return unsuccessful, reviews


@transaction.atomic
def attempt_record(
    *,
    candidate: Candidate,
    component: Component,
    attempted_on: date,
    assessor: User,
    outcome: str,
    by: User,
    today: date,
    invigilator: User | None = None,
    devised_assessment: CentreDevisedAssessment | None = None,
    notes: str = "",
    uploads: Sequence[UploadedFile] = (),
) -> Attempt:
    """Record one attempt of one component, after every check of R9.3-R9.7; award the
    accreditation when it completes the route in the window (R9.11)."""
    # One attempt at a time per candidate: the window and the attempt counts are read-then-write.
    candidate = (
        Candidate.objects.select_for_update()
        .select_related("centre", "level", "route")
        .get(pk=candidate.pk)
    )
    centre = candidate.centre
    errors: dict[str, list[str]] = {}

    def refuse(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if centre.status != Centre.Status.APPROVED:
        refuse("__all__", f"The centre is {centre.get_status_display().lower()}: no assessments.")
    for message in candidate_gate_refusals(candidate):  # R9.4
        refuse("__all__", message)
    if component.route_id != candidate.route_id:
        refuse("component", f"{component} isn't a component of {candidate.route}.")
    if attempted_on > today:
        refuse("attempted_on", "The attempt date can't be in the future.")
    window = rules.window_refusal(  # R9.5
        attempt_on=attempted_on,
        first_attempt_on=candidate.first_attempt_on,
        extended_to=candidate.window_extended_to,
    )
    if window:
        refuse("attempted_on", window)
    route_id, level_number = candidate.route_id, candidate.level.number
    if not rules.is_approved(  # R9.3
        _approvals_of(assessor, centre),
        role="assessor",
        route_id=route_id,
        level_number=level_number,
    ):
        refuse(
            "assessor",
            f"{assessor} isn't currently approved to assess {candidate.route} at level "
            f"{level_number} at this centre.",
        )
    if component.online_test:
        if invigilator is None:  # R9.7
            refuse("invigilator", "Online tests are invigilated: choose the invigilator.")
        elif not rules.is_approved(
            _approvals_of(invigilator, centre),
            role="invigilator",
            route_id=route_id,
            level_number=level_number,
        ):
            refuse(
                "invigilator", f"{invigilator} isn't an IMI-approved invigilator at this centre."
            )
        unsuccessful, reviews = _online_test_facts(candidate, component)
        refusal = rules.online_attempt_refusal(unsuccessful=unsuccessful, reviews=reviews)  # R9.6
        if refusal:
            refuse("component", refusal)
    if candidate.route.centre_devised:  # R9.8: a centre devised route uses approved assessments
        valid = (
            devised_assessment is not None
            and devised_assessment.centre_id == centre.pk
            and devised_assessment.replaces_id == component.pk
            and devised_assessment.level_id == candidate.level_id
            and devised_assessment.status == CentreDevisedAssessment.Status.APPROVED
        )
        if not valid:
            refuse(
                "devised_assessment",
                f"Choose the centre's approved centre devised assessment for the {component}.",
            )
    else:
        devised_assessment = None
    if outcome not in Attempt.Outcome.values:
        refuse("outcome", "Choose pass or refer.")
    checked = []
    for upload in uploads:
        try:
            checked.append((upload, _check_upload(upload, allow_video=True)))  # R9.10
        except ValidationError as error:
            refuse("evidence", error.messages[0])
    if errors:
        raise ValidationError(errors)

    attempt = Attempt.objects.create(
        candidate=candidate,
        component=component,
        attempted_on=attempted_on,
        assessor=assessor,
        invigilator=invigilator if component.online_test else None,
        devised_assessment=devised_assessment,
        outcome=outcome,
        notes=notes,
        recorded_by=by,
    )
    for upload, mime in checked:
        extension = VIDEO_TYPES.get(mime) or EVIDENCE_TYPES[mime]
        evidence = AttemptEvidence(
            attempt=attempt,
            original_name=safe_file_name(upload.name),
            content_type=mime,
            extension=extension,
            size=upload.size,
            uploaded_by=by,
        )
        evidence.file.save("upload", upload, save=False)
        evidence.save()
    if candidate.first_attempt_on is None:
        candidate.first_attempt_on = attempted_on  # R9.5: the window starts here
        candidate.save(update_fields=["first_attempt_on"])
    if outcome == Attempt.Outcome.PASS:
        award_if_achieved(candidate=candidate)
    return attempt


@transaction.atomic
def attempt_quality_assure(
    *, attempt: Attempt, iqa: User, on: date, note: str, today: date
) -> Attempt:
    """An internal quality assurer samples an assessment (R9.3): only one currently approved
    for the route and level at the centre, and never the assessment's own assessor."""
    attempt = (
        Attempt.objects.select_for_update()
        .select_related("candidate__centre", "candidate__level")
        .get(pk=attempt.pk)
    )
    candidate = attempt.candidate
    errors: dict[str, list[str]] = {}
    if attempt.quality_assured_by_id is not None:
        errors["attempt"] = ["This attempt has already been quality assured."]
    if not rules.is_approved(
        _approvals_of(iqa, candidate.centre),
        role="iqa",
        route_id=candidate.route_id,
        level_number=candidate.level.number,
    ):
        errors["iqa"] = [
            f"{iqa} isn't currently approved as an internal quality assurer for "
            f"{candidate.route} at level {candidate.level.number} at this centre."
        ]
    elif iqa.pk == attempt.assessor_id:
        errors["iqa"] = ["An assessor can't quality assure their own assessment."]
    if on > today:
        errors["on"] = ["The date can't be in the future."]
    elif on < attempt.attempted_on:
        errors["on"] = ["The date can't be before the attempt."]
    if errors:
        raise ValidationError(errors)
    attempt.quality_assured_by = iqa
    attempt.quality_assured_on = on
    attempt.quality_note = note.strip()
    attempt.save(update_fields=["quality_assured_by", "quality_assured_on", "quality_note"])
    return attempt


@transaction.atomic
def level_review_record(
    *,
    candidate: Candidate,
    component: Component,
    reviewed_on: date,
    outcome: str,
    refresher_training: str,
    by: User,
    today: date,
) -> LevelReview:
    """The review of the candidate's level after three unsuccessful online tests (R9.6)."""
    if not component.online_test or component.route_id != candidate.route_id:
        raise ValidationError({"component": "Level reviews are for the route's online test."})
    unsuccessful, reviews = _online_test_facts(candidate, component)
    if not rules.level_review_due(unsuccessful=unsuccessful, reviews=reviews):
        raise ValidationError(
            "A review is needed only after three unsuccessful online tests; "
            f"the candidate has had {unsuccessful} since the last review."
        )
    if reviewed_on > today:
        raise ValidationError({"reviewed_on": "The review date can't be in the future."})
    return LevelReview.objects.create(
        candidate=candidate,
        component=component,
        reviewed_on=reviewed_on,
        outcome=outcome,
        refresher_training=refresher_training,
        recorded_by=by,
    )


@transaction.atomic
def window_extend(*, candidate: Candidate, new_end: date, reason: str, by: User) -> Candidate:
    """An officer extends a candidate's window in exceptional circumstances (R9.5)."""
    if not reason.strip():
        raise ValidationError({"reason": "Give the exceptional circumstances."})
    if candidate.first_attempt_on is None:
        raise ValidationError("The window starts at the first attempt; there is none yet.")
    current = rules.window_end(candidate.first_attempt_on, candidate.window_extended_to)
    if new_end <= current:
        runs_to = f"{current.day} {current:%B %Y}"
        raise ValidationError(
            {"new_end": f"The window already runs to {runs_to}; choose a later date."}
        )
    WindowExtension.objects.create(
        candidate=candidate, previous_end=current, new_end=new_end, reason=reason, extended_by=by
    )
    candidate.window_extended_to = new_end
    candidate.save(update_fields=["window_extended_to"])
    return candidate


def award_if_achieved(*, candidate: Candidate) -> Award | None:
    """Award the accreditation when every component is passed in the window (R9.5, R9.11)."""
    if Award.objects.filter(candidate=candidate).exists():
        return None
    passes: dict[int, date] = {}
    for component_id, attempted_on in candidate.attempts.filter(
        outcome=Attempt.Outcome.PASS
    ).values_list("component_id", "attempted_on"):
        passes[component_id] = min(attempted_on, passes.get(component_id, attempted_on))
    achieved = rules.award_date(
        component_ids=candidate.route.components.values_list("pk", flat=True),
        passes=passes,
        first_attempt_on=candidate.first_attempt_on,
        extended_to=candidate.window_extended_to,
    )
    if achieved is None:
        return None
    award = Award.objects.create(
        candidate=candidate,
        holder=candidate.user,
        title=f"IMI Accreditation – Management, level {candidate.level.number} "
        f"{candidate.level.name} ({candidate.route.get_framework_display()})",
        awarded_on=achieved,
        expires_on=rules.award_expires_on(achieved),
    )
    transaction.on_commit(lambda: _queue_candidate_email(candidate.pk, "accreditation-awarded"))
    return award


@transaction.atomic
def award_renew(*, award: Award, today: date) -> Award:
    """Re-accreditation on the strength of the holder's CPD on the register (R9.11)."""
    registrant = Registrant.objects.filter(user_id=award.holder_id).only("status").first()
    refusal = rules.renewal_refusal(registrant_status=registrant.status if registrant else None)
    if refusal:
        raise ValidationError(refusal)
    if award.revoked_at is not None:
        raise ValidationError("A revoked accreditation can't be renewed.")
    award.expires_on = rules.renewed_expiry(expires_on=award.expires_on)
    award.renewed_on = today
    award.save(update_fields=["expires_on", "renewed_on"])
    return award


@transaction.atomic
def award_revoke(*, award: Award, reason: str, at: datetime) -> Award:
    """An officer revokes an accreditation, with the reason: its verification page says revoked
    and it leaves the public register (R9.11, R8.3)."""
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason the accreditation is revoked."})
    if award.revoked_at is not None:
        raise ValidationError("This accreditation is already revoked.")
    award.revoked_at = at
    award.revoked_reason = reason
    award.save(update_fields=["revoked_at", "revoked_reason"])
    return award


# --- Centre devised assessments (R9.8) ---------------------------------------------------------


@transaction.atomic
def cda_submit(
    *,
    centre: Centre,
    route: Route,
    level: Level,
    replaces: Component,
    title: str,
    assessment_type: str,
    description: str,
    fee: Decimal,
    mappings: Mapping[int, str],
    by: User,
) -> CentreDevisedAssessment:
    errors: dict[str, list[str]] = {}
    if not route.centre_devised:
        errors["route"] = ["Centre devised assessments are for the centre devised routes."]
    if (
        not centre.approvals.filter(route=route, level=level)
        .exclude(status=CentreApproval.Status.WITHDRAWN)
        .exists()
    ):
        errors.setdefault("route", []).append(
            f"The centre hasn't applied for {route} at level {level.number}."
        )
    if replaces.route_id != route.pk:
        errors["replaces"] = [f"{replaces} isn't a component of {route}."]
    else:
        refusal = rules.cda_type_refusal(
            component_kind=replaces.kind, assessment_type=assessment_type
        )
        if refusal:
            errors["assessment_type"] = [refusal]
    if fee <= 0:
        errors["fee"] = ["Record the approval fee (R9.8)."]
    statements = list(statements_for(route=route, level=level))
    missing = rules.unmapped_statements(required=[s.pk for s in statements], mapped=mappings)
    if missing:
        codes = ", ".join(s.code for s in statements if s.pk in set(missing))
        errors["mappings"] = [f"Map every statement to the assessment. Not mapped: {codes}."]
    if errors:
        raise ValidationError(errors)
    assessment = CentreDevisedAssessment.objects.create(
        centre=centre,
        route=route,
        level=level,
        replaces=replaces,
        title=title,
        assessment_type=assessment_type,
        description=description,
        fee=fee,
        submitted_by=by,
    )
    StatementMapping.objects.bulk_create(
        StatementMapping(assessment=assessment, statement=s, covered_by=mappings[s.pk].strip())
        for s in statements
    )
    return assessment


@transaction.atomic
def cda_decide(
    *, assessment: CentreDevisedAssessment, approve: bool, note: str, by: User
) -> CentreDevisedAssessment:
    if assessment.status != CentreDevisedAssessment.Status.SUBMITTED:
        raise ValidationError(
            f"This assessment is already {assessment.get_status_display().lower()}."
        )
    if not approve and not note.strip():
        raise ValidationError({"decision_note": "Say why the assessment is rejected."})
    if approve and assessment.fee_paid_on is None:
        raise ValidationError(
            {"fee_paid_on": "Record when the approval fee was paid first (R9.8)."}
        )
    assessment.status = (
        CentreDevisedAssessment.Status.APPROVED
        if approve
        else CentreDevisedAssessment.Status.REJECTED
    )
    assessment.decision_note = note
    assessment.decided_at = timezone.now()
    assessment.decided_by = by
    assessment.save()
    return assessment


# --- External quality assurance (R9.9) ---------------------------------------------------------


@transaction.atomic
def eqa_visit_record(
    *,
    centre: Centre,
    visited_on: date,
    quality_assurer: User,
    commercial_risk: str,
    assessment_risk: str,
    findings: str,
    actions: Sequence[tuple[str, date]] = (),
    today: date,
) -> EqaVisit:
    """A visit: the ratings it sets decide when the next one is due (R9.9)."""
    if visited_on > today:
        raise ValidationError({"visited_on": "The visit date can't be in the future."})
    visit = EqaVisit.objects.create(
        centre=centre,
        visited_on=visited_on,
        quality_assurer=quality_assurer,
        commercial_risk=commercial_risk,
        assessment_risk=assessment_risk,
        findings=findings,
    )
    EqaAction.objects.bulk_create(
        EqaAction(visit=visit, description=text, due_on=due_on) for text, due_on in actions
    )
    centre_risk_set(
        centre=centre,
        commercial_risk=commercial_risk,
        assessment_risk=assessment_risk,
        last_visit_on=max(visited_on, centre.last_visit_on or visited_on),
    )
    return visit


@transaction.atomic
def centre_risk_set(
    *, centre: Centre, commercial_risk: str, assessment_risk: str, last_visit_on: date | None = None
) -> Centre:
    """New ratings move the next visit: counted from the last visit, or from approval (R9.9)."""
    centre.commercial_risk = commercial_risk
    centre.assessment_risk = assessment_risk
    if last_visit_on is not None:
        centre.last_visit_on = last_visit_on
    since = centre.last_visit_on or centre.approved_on
    if since is not None:
        centre.next_visit_due = rules.next_visit_due(
            last_visit_on=since, commercial_risk=commercial_risk, assessment_risk=assessment_risk
        )
    centre.save()
    return centre
