"""The access matrix (issue 7): every URL pattern of the portal, tried as every kind of user.

Every pattern of the URLconf (the portal's pages, allauth, the admin and the API router) must be
classified here: a new route fails `test_every_url_pattern_is_classified` until someone decides
who may open it. Each pattern is filled with the objects of registrant A and centre A, then
requested as a visitor, registrant A, registrant B, centre A's administrator, the administrator
of another centre (B), and each IMI staff role (with TOTP, so past the MFA middleware).

What each role gets is one of three:

- a status (the role may open it, e.g. 200): exactly that status;
- DENY: 401, 403, 404 or 405, or sent to sign in, to join or to set up MFA; never a 200;
- OWN: a page of the role's own things (their dashboard, their lists): anything but a server
  error.

Whoever is not allowed never sees A's or centre A's data: their distinctive strings (A's email
and name, A's activity, objective and evidence, centre A's name, people and files) are absent
from every body they get, except A's name and number on the public register and the
verification page. A refused request writes nothing to the database (PostgreSQL's
per-transaction table statistics would show any insert, update or delete); forms and POST-only
endpoints are also POSTed (DELETEd in the API) by every refused role. In the admin, each staff
role gets exactly what its permissions allow (403 otherwise), and the ModelAdmin never opens a
list to a role without the model's view or change permission.
"""

import datetime
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.authtoken.models import Token, TokenProxy

from accounts.roles import Role
from accreditation import services as accreditation_services
from accreditation.models import (
    Attempt,
    AttemptEvidence,
    Award,
    CentreDevisedAssessment,
    CodeOfConduct,
    Component,
    EqaVisit,
    Level,
    Module,
    Route,
    StaffApproval,
)
from audit.models import AuditCase, AuditDraw, AuditItem
from cpd.models import ActivityDraft, ActivityType, Objective, Qualification
from cpd.services import evidence_add
from register.models import (
    Cycle,
    PostalReminder,
    Registrant,
    Reminder,
    Removal,
    SupportRequest,
    TermsAcceptance,
    TermsVersion,
)
from tests.accounts.factories import UserFactory, grant
from tests.accreditation.factories import (
    approved_centre,
    approved_staff,
    centre_admin,
    level,
    make_candidate,
    route,
)
from tests.cpd.factories import GatewayCourseFactory, make_activity
from tests.helpers import force_update
from tests.register.factories import make_registrant

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=datetime.UTC)
TODAY = NOW.date()
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# --- Who asks ----------------------------------------------------------------------------------

ANON = "visitor"
REG_A = "registrant A"
REG_B = "registrant B"
CENTRE_A = "centre A administrator"
CENTRE_B = "centre B administrator"
OFFICER = "register officer"
AUDITOR = "auditor"
ACCRED = "accreditation officer"
ROLES = (ANON, REG_A, REG_B, CENTRE_A, CENTRE_B, OFFICER, AUDITOR, ACCRED)
STAFF = frozenset({OFFICER, AUDITOR, ACCRED})
STAFF_ROLE = {
    OFFICER: Role.REGISTER_OFFICER,
    AUDITOR: Role.AUDITOR,
    ACCRED: Role.ACCREDITATION_OFFICER,
}

# --- A's and centre A's distinctive strings ----------------------------------------------------

A_FIRST, A_LAST, A_EMAIL = "Ottoline", "Zyzzyvaxe", "ottoline.zyzzyvaxe@example.org"
# Each string, and the model whose view permission shows it in the admin.
SECRETS: dict[str, str] = {
    A_FIRST: "accounts.user",
    A_LAST: "accounts.user",
    A_EMAIL: "accounts.user",
    "Quasarbrake seminar": "cpd.activity",
    "Xenolithaudit seminar": "cpd.activity",  # the activity in an audit
    "Marmosetreflection": "cpd.activity",  # the activities' reflection
    "Narwhal diagnostician": "cpd.objective",
    "aardvark-certificate.pdf": "cpd.evidence",
    "Pelican circumstances": "register.supportrequest",
    "Ocelot removal details": "register.removal",
    "Centre Wombatia": "accreditation.centre",
    "wombatia-centre@example.org": "accreditation.centre",
    "Isadora": "accounts.user",  # centre A's assessor
    "Quokkaphant": "accounts.user",
    "Wombatia workshop observation": "accreditation.centredevisedassessment",
    "Wombatia service manager": "accreditation.competenceevidence",
    "wombatia-cv.pdf": "accreditation.competenceevidence",
    "wombatia-roleplay.pdf": "accreditation.attemptevidence",
    "Wombatia findings": "accreditation.eqavisit",
}
A_STRINGS = {s for s, label in SECRETS.items() if label in ("accounts.user", "cpd.activity")}
A_STRINGS |= {
    "Narwhal diagnostician",
    "aardvark-certificate.pdf",
    "Pelican circumstances",
    "Ocelot removal details",
}
# What each role knows already (and sees on its own pages): A is centre A's candidate. Staff
# know what their view permissions show them (known_to).
KNOWN = {
    REG_A: A_STRINGS | {"Centre Wombatia", "wombatia-roleplay.pdf", "Isadora", "Quokkaphant"},
    CENTRE_A: (set(SECRETS) - A_STRINGS) | {A_FIRST, A_LAST, A_EMAIL},
}
# The public register and the verification page show a registrant's name and nothing else.
NAME_ONLY = frozenset({A_FIRST, A_LAST})

# --- What a role gets --------------------------------------------------------------------------

DENY = "deny"
OWN = "own"
DENIED_STATUSES = {401, 403, 404, 405}
# Where a refusal may send someone: to sign in (the portal's or the admin's), to join the
# register (pages for registrants) or to set up two-factor authentication.
DENIED_REDIRECTS = ("/accounts/login/", "/admin/login/", "/join/", "/accounts/2fa/")

Expect = int | str  # a status, DENY or OWN


@dataclass
class World:
    """Registrant A, centre A and everything they own; B, centre B and the staff."""

    users: dict[str, object]
    registrant_a: Registrant
    registrant_b: Registrant
    objects: dict[str, object] = field(default_factory=dict)

    def __getattr__(self, name: str):
        try:
            return self.objects[name]
        except KeyError:
            raise AttributeError(name) from None


def build_world() -> World:
    reg_a = make_registrant(
        user=UserFactory(first_name=A_FIRST, last_name=A_LAST, email=A_EMAIL),
        joined_on=datetime.date(2025, 5, 10),
    )
    reg_b = make_registrant(joined_on=datetime.date(2025, 6, 1))
    make_activity(reg_b, title="Registrant B's own seminar")
    cycle = reg_a.cycles.get(status=Cycle.Status.OPEN)
    reflection = "Marmosetreflection: what I learned."
    activity = make_activity(reg_a, title="Quasarbrake seminar", reflection=reflection)
    audited = make_activity(reg_a, title="Xenolithaudit seminar", reflection=reflection)
    evidence = evidence_add(
        activity=activity,
        upload=SimpleUploadedFile("aardvark-certificate.pdf", PDF, content_type="application/pdf"),
        user=reg_a.user,
    )
    objective = Objective.objects.create(
        registrant=reg_a,
        title="Narwhal diagnostician",
        description="Diagnose narwhals.",
        measure="Narwhals diagnosed.",
        target_date=datetime.date(2027, 6, 1),
    )
    ActivityDraft.objects.create(user=reg_a.user, key=str(activity.pk), data={"title": "Draft"})
    support = SupportRequest.objects.create(
        registrant=reg_a,
        cycle=cycle,
        kind=SupportRequest.Kind.CIRCUMSTANCES,
        category=SupportRequest.Category.OTHER,
        explanation="Pelican circumstances",
        requested_on=TODAY,
    )
    removal = Removal.objects.create(
        registrant=reg_a,
        reason=Removal.Reason.OTHER,
        details="Ocelot removal details",
        removed_on=TODAY - datetime.timedelta(days=3),
        appeal_by=TODAY + datetime.timedelta(days=25),
    )
    reminder = Reminder.objects.create(
        cycle=cycle,
        due_on=TODAY,
        phase=Reminder.Phase.SIX_MONTHLY,
        channel=Reminder.Channel.POST,
        status=Reminder.Status.POSTAL_DUE,
    )
    terms = TermsVersion.objects.first()
    acceptance = TermsAcceptance.objects.create(
        registrant=reg_a, terms=terms, occasion="joining", accepted_at=NOW
    )
    Token.objects.create(user=reg_a.user)

    users: dict[str, object] = {ANON: None, REG_A: reg_a.user, REG_B: reg_b.user}
    for role, staff_role in STAFF_ROLE.items():
        user = grant(UserFactory(), staff_role)
        Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
        users[role] = user

    draw = AuditDraw.objects.create(
        drawn_by=users[AUDITOR],
        drawn_at=NOW,
        drawn_on=TODAY,
        seed=7,
        population="current",
        number=1,
        due_on=TODAY + datetime.timedelta(days=28),
        population_size=2,
        size=1,
    )
    case = AuditCase.objects.create(draw=draw, registrant=reg_a, due_on=draw.due_on, opened_at=NOW)
    item = AuditItem.objects.create(case=case, activity=audited, credits_before=audited.credits)
    force_update(type(audited).objects.filter(pk=audited.pk), in_audit=True)

    centre = approved_centre(
        name="Centre Wombatia", email="wombatia-centre@example.org", phone="0100 000 000"
    )
    centre_b = approved_centre(name="Centre B")
    users[CENTRE_A] = centre_admin(centre)
    users[CENTRE_B] = centre_admin(centre_b)
    assessor = approved_staff(
        centre, user=UserFactory(first_name="Isadora", last_name="Quokkaphant")
    )
    competence = accreditation_services.competence_evidence_add(
        user=assessor,
        kind="experience",
        title="Wombatia service manager",
        dated=TODAY - datetime.timedelta(days=100),
        level=3,
        upload=SimpleUploadedFile("wombatia-cv.pdf", PDF, content_type="application/pdf"),
        by=users[CENTRE_A],
        today=TODAY,
    )
    visit = EqaVisit.objects.create(
        centre=centre,
        visited_on=TODAY - datetime.timedelta(days=30),
        commercial_risk="low",
        assessment_risk="low",
        findings="Wombatia findings",
    )
    devised = CentreDevisedAssessment.objects.create(
        centre=centre,
        route=route("competence-centre-devised"),
        level=level(3),
        replaces=Component.objects.get(route__code="competence-centre-devised", code="practical"),
        title="Wombatia workshop observation",
        assessment_type="workplace",
        description="Observed over two shifts.",
        fee=Decimal("250.00"),
    )
    candidate = make_candidate(centre, user=reg_a.user)
    attempt = Attempt.objects.create(
        candidate=candidate,
        component=Component.objects.filter(route=candidate.route).first(),
        attempted_on=TODAY - datetime.timedelta(days=20),
        assessor=assessor,
        outcome=Attempt.Outcome.PASS,
        recorded_by=users[CENTRE_A],
    )
    attempt_evidence = AttemptEvidence.objects.create(
        attempt=attempt,
        file=SimpleUploadedFile("wombatia-roleplay.pdf", PDF),
        original_name="wombatia-roleplay.pdf",
        content_type="application/pdf",
        extension=".pdf",
        size=len(PDF),
    )
    award = Award.objects.create(
        candidate=candidate,
        holder=reg_a.user,
        title="IMI Accreditation – Management, level 3 Team Leader (Competence)",
        awarded_on=TODAY - datetime.timedelta(days=10),
        expires_on=TODAY + datetime.timedelta(days=1000),
    )
    return World(
        users=users,
        registrant_a=reg_a,
        registrant_b=reg_b,
        objects={
            "cycle": cycle,
            "activity": activity,
            "audited": audited,
            "evidence": evidence,
            "objective": objective,
            "support": support,
            "removal": removal,
            "reminder": reminder,
            "terms": terms,
            "acceptance": acceptance,
            "draw": draw,
            "case": case,
            "item": item,
            "centre": centre,
            "centre_b": centre_b,
            "assessor": assessor,
            "membership": centre.memberships.get(user=assessor),
            "approval": centre.approvals.first(),
            "staff_approval": StaffApproval.objects.get(centre=centre, user=assessor),
            "competence": competence,
            "visit": visit,
            "devised": devised,
            "candidate": candidate,
            "attempt": attempt,
            "attempt_evidence": attempt_evidence,
            "award": award,
            "gateway_course": GatewayCourseFactory(),
        },
    )


# --- The cases: a URL, what each role gets, what a refused role POSTs --------------------------


@dataclass(frozen=True)
class Write:
    method: str = "post"  # or "delete"
    data: dict | Callable[[World], dict] | None = None  # a callable gets the world
    # Besides a refusal: statuses that also mean "refused" here (e.g. a 400 naming a foreign id
    # in the body of a list's POST).
    also: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Case:
    url: str
    expect: Callable[[str], Expect]
    write: Write | None = None
    shows: frozenset[str] = frozenset()  # A's strings anyone may see here


def allowed(*roles: str, status: int = 200) -> Callable[[str], Expect]:
    """Only `roles` (with `status`); everyone else is refused."""
    return lambda role: status if role in roles else DENY


def own(*roles: str, status: int = 200, anon: str = DENY) -> Callable[[str], Expect]:
    """A page of one's own things; `roles` see A's or centre A's on it."""
    return lambda role: anon if role == ANON else status if role in roles else OWN


def anyone(role: str) -> Expect:
    return OWN


def staff_only(status: int = 200) -> Callable[[str], Expect]:
    return lambda role: status if role in STAFF else DENY


CaseMaker = Callable[[World], list[Case]]


def one(url: Callable[[World], str], expect, **kwargs) -> CaseMaker:
    return lambda w: [Case(url(w), expect, **kwargs)]


def named(name: str, *args: Callable[[World], object]) -> Callable[[World], str]:
    return lambda w: reverse(name, args=[arg(w) for arg in args])


def pk(attr: str) -> Callable[[World], object]:
    return lambda w: getattr(w, attr).pk


CENTRE = pk("centre")
CENTRE_PAGE = allowed(CENTRE_A, ACCRED)
POST = Write()
DELETE = Write(method="delete")
CANDIDATE_A = allowed(REG_A, CENTRE_A, ACCRED)  # the candidate, their centre and officers


# Every non-admin pattern, by name. A pattern missing here fails the classification test.
PAGES: dict[str, CaseMaker] = {
    # accounts and allauth: one's own account, or public forms
    "home": one(named("home"), anyone),
    "healthz": one(named("healthz"), anyone),
    "account_login": one(named("account_login"), anyone),
    "account_logout": one(named("account_logout"), anyone),
    "account_inactive": one(named("account_inactive"), anyone),
    "account_signup": one(named("account_signup"), anyone),
    "account_reauthenticate": one(named("account_reauthenticate"), anyone),
    "account_email": one(named("account_email"), anyone),
    "account_email_verification_sent": one(named("account_email_verification_sent"), anyone),
    "account_change_password": one(named("account_change_password"), anyone),
    "account_set_password": one(named("account_set_password"), anyone),
    "account_reset_password": one(named("account_reset_password"), anyone),
    "account_confirm_login_code": one(named("account_confirm_login_code"), anyone),
    # A key is the capability itself: a wrong one shows nothing.
    "account_confirm_email": one(
        lambda w: reverse("account_confirm_email", kwargs={"key": "not-a-real-key"}), anyone
    ),
    "account_reset_password_from_key_done": one(
        named("account_reset_password_from_key_done"), anyone
    ),
    "account_reset_password_from_key": one(
        lambda w: reverse(
            "account_reset_password_from_key",
            kwargs={"uidb36": quote(str(w.registrant_a.user.pk)), "key": "not-a-real-key"},
        ),
        anyone,
    ),
    "account_reset_password_done": one(named("account_reset_password_done"), anyone),
    "mfa_index": one(named("mfa_index"), anyone),
    "mfa_authenticate": one(named("mfa_authenticate"), anyone),
    "mfa_reauthenticate": one(named("mfa_reauthenticate"), anyone),
    "mfa_activate_totp": one(named("mfa_activate_totp"), anyone),
    "mfa_deactivate_totp": one(named("mfa_deactivate_totp"), anyone),
    "mfa_view_recovery_codes": one(named("mfa_view_recovery_codes"), anyone),
    "mfa_generate_recovery_codes": one(named("mfa_generate_recovery_codes"), anyone),
    "mfa_download_recovery_codes": one(named("mfa_download_recovery_codes"), anyone),
    "api_token": one(named("api_token"), own()),
    # POST only: the caller's own token.
    "api_token_create": one(named("api_token_create"), own()),
    "api_token_revoke": one(named("api_token_revoke"), own()),
    # the register
    "register:join": one(named("register:join"), own()),
    "register:profile": one(named("register:profile"), own(REG_A)),
    "register:support": one(named("register:support"), own(REG_A)),
    "register:appeal": one(named("register:appeal"), own(REG_A)),
    "register:staff_overview": one(named("register:staff_overview"), staff_only()),
    "register:public_register": lambda w: [
        Case(reverse("register:public_register"), anyone, shows=NAME_ONLY),
        Case(reverse("register:public_register") + f"?q={A_LAST}", anyone, shows=NAME_ONLY),
    ],
    "register:public_entry": one(
        lambda w: reverse("register:public_entry", args=[w.registrant_a.membership_number]),
        allowed(*ROLES),
        shows=NAME_ONLY,
    ),
    # CPD: registrant A's own record
    "cpd:dashboard": one(named("cpd:dashboard"), own(REG_A)),
    "cpd:activity_list": one(named("cpd:activity_list"), own(REG_A)),
    "cpd:activity_new": one(named("cpd:activity_new"), own(REG_A)),
    "cpd:activity_preview": one(named("cpd:activity_preview"), own(REG_A, status=405)),
    "cpd:activity_detail": one(named("cpd:activity_detail", pk("activity")), allowed(REG_A)),
    "cpd:activity_edit": one(
        named("cpd:activity_edit", pk("activity")),
        allowed(REG_A),
        write=Write(data={"title": "Changed by someone else"}),
    ),
    "cpd:activity_delete": one(
        named("cpd:activity_delete", pk("activity")), allowed(REG_A), write=POST
    ),
    "cpd:evidence_upload": one(
        named("cpd:evidence_upload", pk("activity")), allowed(REG_A, status=405), write=POST
    ),
    # R4.4: the owner and IMI staff
    "cpd:evidence_download": one(
        named("cpd:evidence_download", pk("evidence")), allowed(REG_A, *STAFF)
    ),
    "cpd:evidence_delete": one(
        named("cpd:evidence_delete", pk("evidence")), allowed(REG_A, status=405), write=POST
    ),
    "cpd:draft_save": one(
        named("cpd:draft_save", lambda w: str(w.activity.pk)),
        allowed(REG_A, status=405),
        write=Write(data={"title": "Someone else's draft"}),
    ),
    # Discarding touches only the caller's own draft of that key, then shows the (refused) form.
    "cpd:draft_discard": one(
        named("cpd:draft_discard", lambda w: str(w.activity.pk)),
        allowed(REG_A, status=405),
        write=Write(also=frozenset({302})),
    ),
    "cpd:objective_list": one(named("cpd:objective_list"), own(REG_A)),
    "cpd:objective_new": one(named("cpd:objective_new"), own(REG_A)),
    "cpd:objective_edit": one(
        named("cpd:objective_edit", pk("objective")),
        allowed(REG_A),
        write=Write(data={"title": "Changed by someone else"}),
    ),
    "cpd:record_pdf": one(named("cpd:record_pdf"), own(REG_A)),
    "cpd:data_json": one(named("cpd:data_json"), own(REG_A)),
    # Accreditation: centre A's pages, for its administrator and IMI accreditation officers
    "accreditation:my_centre": one(named("accreditation:my_centre"), own(CENTRE_A)),
    "accreditation:centre_apply": one(named("accreditation:centre_apply"), own()),
    "accreditation:centre_detail": one(
        named("accreditation:centre_detail", CENTRE), CENTRE_PAGE, write=POST
    ),
    "accreditation:centre_people": one(
        named("accreditation:centre_people", CENTRE),
        CENTRE_PAGE,
        write=Write(
            data={
                "action": "add",
                "add-email": "intruder@example.org",
                "add-first_name": "In",
                "add-last_name": "Truder",
                "add-role": "assessor",
            }
        ),
    ),
    "accreditation:centre_membership_remove": one(
        named("accreditation:centre_membership_remove", CENTRE, pk("membership")),
        CENTRE_PAGE,
        write=Write(data={"confirm": "yes"}),
    ),
    "accreditation:centre_person": one(
        named("accreditation:centre_person", CENTRE, pk("assessor")), CENTRE_PAGE, write=POST
    ),
    "accreditation:competence_evidence_file": one(
        named("accreditation:competence_evidence_file", CENTRE, pk("assessor"), pk("competence")),
        CENTRE_PAGE,
    ),
    "accreditation:centre_qualifications": one(
        named("accreditation:centre_qualifications", CENTRE),
        CENTRE_PAGE,
        write=Write(data={"qualifications": []}),
    ),
    "accreditation:cda_list": one(named("accreditation:cda_list", CENTRE), CENTRE_PAGE),
    "accreditation:cda_new": one(named("accreditation:cda_new", CENTRE), CENTRE_PAGE, write=POST),
    "accreditation:cda_detail": one(
        named("accreditation:cda_detail", CENTRE, pk("devised")), CENTRE_PAGE
    ),
    "accreditation:candidate_list": one(named("accreditation:candidate_list", CENTRE), CENTRE_PAGE),
    "accreditation:candidate_add": one(
        named("accreditation:candidate_add", CENTRE),
        CENTRE_PAGE,
        write=Write(
            data={"email": "intruder@example.org", "first_name": "In", "last_name": "Truder"}
        ),
    ),
    "accreditation:candidate_import": one(
        named("accreditation:candidate_import", CENTRE), CENTRE_PAGE, write=POST
    ),
    "accreditation:candidate_detail": one(
        named("accreditation:candidate_detail", CENTRE, pk("candidate")), CENTRE_PAGE
    ),
    "accreditation:candidate_registration": one(
        named("accreditation:candidate_registration", CENTRE, pk("candidate")),
        allowed(CENTRE_A, ACCRED, status=405),
        write=Write(data={"ao_registration_number": "AO-HACKED", "ao_registered_on": "2026-11-01"}),
    ),
    "accreditation:candidate_eligibility": one(
        named("accreditation:candidate_eligibility", CENTRE, pk("candidate")),
        allowed(CENTRE_A, ACCRED, status=405),
        write=Write(data={"eligibility_note": "Confirmed by someone else"}),
    ),
    "accreditation:level_review_new": one(
        named("accreditation:level_review_new", CENTRE, pk("candidate")),
        allowed(CENTRE_A, ACCRED, status=405),
        write=POST,
    ),
    "accreditation:attempt_quality_assure": one(
        named("accreditation:attempt_quality_assure", CENTRE, pk("candidate")),
        allowed(CENTRE_A, ACCRED, status=405),
        write=Write(
            data=lambda w: {
                "attempt": w.attempt.pk,
                "iqa": w.assessor.pk,
                "on": str(TODAY),
                "note": "Sampled by someone else",
            }
        ),
    ),
    "accreditation:attempt_new": one(
        named("accreditation:attempt_new", CENTRE, pk("candidate")), CENTRE_PAGE, write=POST
    ),
    "accreditation:attempt_evidence": one(
        named("accreditation:attempt_evidence", pk("attempt_evidence")), CANDIDATE_A
    ),
    "accreditation:my_accreditation": one(named("accreditation:my_accreditation"), own(REG_A)),
    # Only the candidate accepts their Code of Conduct: not even their centre or an officer.
    "accreditation:accept_code": one(
        named("accreditation:accept_code", pk("candidate")),
        allowed(REG_A, status=405),
        write=Write(data={"accept": "on"}),
    ),
    "accreditation:certificate": one(named("accreditation:certificate", pk("award")), CANDIDATE_A),
    "accreditation:verify": one(named("accreditation:verify"), anyone),
    "accreditation:verify_code": one(
        lambda w: reverse("accreditation:verify_code", args=[w.award.verification_code]),
        allowed(*ROLES),
        shows=NAME_ONLY,
    ),
    # The registrant's side of an audit
    "audit:cases": one(named("audit:cases"), own(REG_A)),
    "audit:item_note": one(
        named("audit:item_note", pk("item")),
        allowed(REG_A, status=405),
        write=Write(data={"note": "A note by someone else"}),
    ),
    "audit:item_evidence": one(
        named("audit:item_evidence", pk("item")), allowed(REG_A, status=405), write=POST
    ),
    # The API
    "api-schema": one(named("api-schema"), anyone),
    "api-docs": one(named("api-docs"), anyone),
    "api:me": one(named("api:me"), own(REG_A)),
    "api:me-progress": one(named("api:me-progress"), own(REG_A)),
    "api:evidence-detail": one(
        named("api:evidence-detail", pk("evidence")), allowed(REG_A, status=405), write=DELETE
    ),
    "api:evidence-download": one(
        named("api:evidence-download", pk("evidence")), allowed(REG_A, *STAFF)
    ),
    "api:registrant-list": one(
        named("api:registrant-list"),
        allowed(OFFICER),
        write=Write(
            data={"email": "intruder@example.org", "first_name": "In", "last_name": "Truder"}
        ),
    ),
    "api:registrant-detail": one(
        lambda w: reverse("api:registrant-detail", args=[w.registrant_a.pk]), allowed(OFFICER)
    ),
    "api:activity-list": one(named("api:activity-list"), own(REG_A)),
    "api:activity-detail": one(
        named("api:activity-detail", pk("activity")), allowed(REG_A), write=DELETE
    ),
    "api:activity-evidence": one(
        named("api:activity-evidence", pk("activity")),
        allowed(REG_A),
        write=Write(
            data={"file": SimpleUploadedFile("x.pdf", PDF, content_type="application/pdf")}
        ),
    ),
    "api:activity-type-list": one(named("api:activity-type-list"), own()),
    "api:objective-list": one(named("api:objective-list"), own(REG_A)),
    "api:objective-detail": one(
        named("api:objective-detail", pk("objective")), allowed(REG_A), write=DELETE
    ),
    "api:gateway-course-list": one(named("api:gateway-course-list"), own()),
    "api:qualification-list": one(named("api:qualification-list"), own()),
    "api:centre-centre-list": one(named("api:centre-centre-list"), own(CENTRE_A, ACCRED)),
    "api:centre-centre-detail": one(named("api:centre-centre-detail", CENTRE), CENTRE_PAGE),
    # Another centre's id in the body is a 400 on that field: nothing is written.
    "api:centre-candidate-list": lambda w: [
        Case(
            reverse("api:centre-candidate-list"),
            own(CENTRE_A, ACCRED),
            write=Write(
                data={
                    "centre": w.centre.pk,
                    "email": "intruder@example.org",
                    "first_name": "In",
                    "last_name": "Truder",
                    "route": w.candidate.route.code,
                    "level": w.candidate.level.number,
                },
                also=frozenset({400}),
            ),
        )
    ],
    "api:centre-candidate-detail": one(
        named("api:centre-candidate-detail", pk("candidate")), CENTRE_PAGE
    ),
    "api:centre-attempt-list": lambda w: [
        Case(
            reverse("api:centre-attempt-list"),
            own(CENTRE_A, ACCRED),
            write=Write(
                data={
                    "candidate": w.candidate.pk,
                    "component": w.attempt.component.code,
                    "attempted_on": str(TODAY),
                    "assessor": w.assessor.pk,
                    "outcome": "pass",
                },
                also=frozenset({400}),
            ),
        )
    ],
    "api:centre-attempt-detail": one(
        named("api:centre-attempt-detail", pk("attempt")), CENTRE_PAGE
    ),
}


# --- The admin: every registered model's pages, expected from the ModelAdmin's permissions ------


# One object of each model in the admin, A's or centre A's where it has an owner.
ADMIN_OBJECTS: dict[str, Callable[[World], object]] = {
    "auth.group": lambda w: Group.objects.get(name=Role.REGISTRANT),
    "account.emailaddress": lambda w: EmailAddress.objects.get(email=A_EMAIL),
    "mfa.authenticator": lambda w: Authenticator.objects.get(user=w.users[OFFICER]),
    "authtoken.tokenproxy": lambda w: TokenProxy.objects.get(user=w.registrant_a.user),
    "accounts.user": lambda w: w.registrant_a.user,
    "register.registrant": lambda w: w.registrant_a,
    "register.cycle": lambda w: w.cycle,
    "register.termsversion": lambda w: w.terms,
    "register.termsacceptance": lambda w: w.acceptance,
    "register.reminder": lambda w: w.reminder,
    "register.postalreminder": lambda w: PostalReminder.objects.get(pk=w.reminder.pk),
    "register.supportrequest": lambda w: w.support,
    "register.removal": lambda w: w.removal,
    "cpd.activity": lambda w: w.activity,
    "cpd.evidence": lambda w: w.evidence,
    "cpd.objective": lambda w: w.objective,
    "cpd.gatewaycourse": lambda w: w.gateway_course,
    "cpd.qualification": lambda w: Qualification.objects.first(),
    "cpd.activitytype": lambda w: ActivityType.objects.first(),
    "accreditation.route": lambda w: Route.objects.first(),
    "accreditation.level": lambda w: Level.objects.first(),
    "accreditation.module": lambda w: Module.objects.first(),
    "accreditation.codeofconduct": lambda w: CodeOfConduct.objects.first(),
    "accreditation.centre": lambda w: w.centre,
    "accreditation.centremembership": lambda w: w.membership,
    "accreditation.centreapproval": lambda w: w.approval,
    "accreditation.staffapproval": lambda w: w.staff_approval,
    "accreditation.competenceevidence": lambda w: w.competence,
    "accreditation.eqavisit": lambda w: w.visit,
    "accreditation.centredevisedassessment": lambda w: w.devised,
    "accreditation.candidate": lambda w: w.candidate,
    "accreditation.award": lambda w: w.award,
    "audit.auditdraw": lambda w: w.draw,
    "audit.auditcase": lambda w: w.case,
    "audit.audititem": lambda w: w.item,
}


# Standard admin views a ModelAdmin replaces with a redirect to its own page (which decides).
ADMIN_REDIRECTS = {"admin:audit_auditdraw_add"}  # to the draw form
ADMIN_SUFFIXES = {
    "": "changelist",
    "add/": "add",
    "<path:object_id>/history/": "history",
    "<path:object_id>/delete/": "delete",
    "<path:object_id>/change/": "change",
    "<path:object_id>/": "redirect",
    "^([^/]+)/history/([^/]+)/$": "version",
}
# The admin's own views beyond the standard ones, and the permission each is opened with.
ADMIN_EXTRA_VIEWS = {
    "admin:register_registrant_import": lambda ma, request, obj: ma.has_import_permission(request),
    "admin:audit_auditdraw_draw": lambda ma, request, obj: ma.has_add_permission(request),
    "admin:accreditation_candidate_extend_window": lambda ma, request, obj: (
        ma.has_extend_permission(request)
    ),
    "admin:auth_user_password_change": lambda ma, request, obj: ma.has_change_permission(
        request, obj
    ),
}


def _admin_request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def _model_admin_for(route_text: str):
    for model, model_admin in admin.site._registry.items():
        prefix = f"admin/{model._meta.app_label}/{model._meta.model_name}/"
        if route_text.startswith(prefix):
            return model, model_admin, route_text.removeprefix(prefix)
    return None, None, None


def admin_model_cases(route_text: str, name: str | None) -> CaseMaker | None:
    """The cases of one pattern of a registered model's admin, or None if it isn't one."""
    model, model_admin, suffix = _model_admin_for(route_text)
    if model is None:
        return None
    kind = ADMIN_SUFFIXES.get(suffix)
    extra = ADMIN_EXTRA_VIEWS.get(name or "")
    if kind is None and extra is None:
        return None
    label = model._meta.label_lower
    if label not in ADMIN_OBJECTS:
        return None

    def cases(w: World) -> list[Case]:
        obj = ADMIN_OBJECTS[label](w)
        object_id = quote(obj.pk)
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        if extra is not None:
            url, may = reverse(name, args=[object_id] if "<" in suffix else []), extra
        elif name in ADMIN_REDIRECTS:
            url, may = reverse(name), None
        elif kind == "changelist":
            url, may = reverse(f"{info}_changelist"), _may("view", model)
        elif kind == "add":
            url, may = reverse(f"{info}_add"), _may("add", model)
        elif kind == "redirect":
            url = reverse(f"{info}_change", args=[object_id]).removesuffix("change/")
            may = None  # a redirect to the change page, which decides
        elif kind == "version":
            version = obj.history.order_by("history_id").first()
            url = reverse(f"{info}_simple_history", args=[object_id, version.history_id])
            may = _may("view", model)
        else:  # change, delete, history
            url, may = reverse(f"{info}_{kind}", args=[object_id]), _may(kind, model)

        def expect(role: str) -> Expect:
            if role not in STAFF:
                return DENY
            if may is None:
                return 302
            return 200 if may(model_admin, _admin_request(w.users[role]), obj) else 403

        write = None
        if kind in ("add", "change", "delete"):
            write = Write(data={"post": "yes"} if kind == "delete" else {})
        return [Case(url, expect, write=write)]

    return cases


def _may(kind: str, model) -> Callable:
    if kind in ("view", "change", "history"):
        return lambda ma, request, obj: ma.has_view_or_change_permission(request, obj)
    if kind == "add":
        return lambda ma, request, obj: ma.has_add_permission(request)
    return lambda ma, request, obj: ma.has_delete_permission(request, obj)


def _app_list(w: World) -> list[Case]:
    def expect_for(app_label: str):
        def expect(role: str) -> Expect:
            if role not in STAFF:
                return DENY
            request = _admin_request(w.users[role])
            return 200 if admin.site.get_app_list(request, app_label) else 404

        return expect

    labels = sorted({model._meta.app_label for model in admin.site._registry})
    return [
        Case(reverse("admin:app_list", kwargs={"app_label": label}), expect_for(label))
        for label in labels
    ]


def _autocomplete(w: World) -> list[Case]:
    """Each autocomplete field of the admin: opened with the target model's view permission."""
    cases = []
    for model, model_admin in admin.site._registry.items():
        for field_name in model_admin.autocomplete_fields:
            target = model._meta.get_field(field_name).remote_field.model
            target_admin = admin.site._registry[target]
            query = (
                f"?app_label={model._meta.app_label}&model_name={model._meta.model_name}"
                f"&field_name={field_name}&term="
            )

            def expect(role: str, target_admin=target_admin) -> Expect:
                if role not in STAFF:
                    return DENY
                request = _admin_request(w.users[role])
                return 200 if target_admin.has_view_permission(request) else 403

            cases.append(Case(reverse("admin:autocomplete") + query, expect))
    return cases


ADMIN_SITE: dict[str, CaseMaker] = {
    "admin:index": one(named("admin:index"), staff_only()),
    "admin:login": one(named("admin:login"), anyone),
    # POST only; the admin sends anyone else to its index (and so to sign in).
    "admin:logout": one(named("admin:logout"), lambda role: 405 if role in STAFF else OWN),
    "admin:password_change": one(named("admin:password_change"), staff_only()),
    "admin:password_change_done": one(named("admin:password_change_done"), staff_only()),
    "admin:autocomplete": _autocomplete,
    "admin:jsi18n": one(named("admin:jsi18n"), staff_only()),
    # No model has get_absolute_url: "view on site" is a 404, for staff only.
    "admin:view_on_site": one(
        lambda w: reverse(
            "admin:view_on_site",
            args=[ContentType.objects.get_for_model(Registrant).pk, w.registrant_a.pk],
        ),
        staff_only(404),
    ),
    "admin:app_list": _app_list,
    "admin:<url>": one(lambda w: "/admin/no-such-page/", staff_only(404)),
}


# --- Walking the URLconf -----------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    route: str
    name: str | None


def url_patterns(patterns=None, prefix: str = "", namespace: str = "") -> Iterator[Pattern]:
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from url_patterns(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = None
            if pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield Pattern(prefix + str(pattern.pattern), name)


def case_maker(pattern: Pattern) -> CaseMaker | None:
    if pattern.route.startswith("admin/"):
        if pattern.route == "admin/(?P<url>.*)$":
            return ADMIN_SITE["admin:<url>"]
        return ADMIN_SITE.get(pattern.name or "") or admin_model_cases(pattern.route, pattern.name)
    return PAGES.get(pattern.name or "")


def test_every_url_pattern_is_classified():
    patterns = list(url_patterns())
    unknown = [p for p in patterns if case_maker(p) is None]
    assert not unknown, "Classify these URL patterns in tests/test_access_matrix.py:\n" + "\n".join(
        f"  {p.route}  (name {p.name})" for p in unknown
    )
    names = [p.name for p in patterns if p.name and not p.route.startswith("admin/")]
    assert len(names) == len(set(names)), "two non-admin patterns share a name"
    # Nothing classified that no longer exists (a renamed route would otherwise go unchecked).
    assert set(PAGES) <= set(names), set(PAGES) - set(names)
    missing = {m._meta.label_lower for m in admin.site._registry} - set(ADMIN_OBJECTS)
    assert not missing, f"give ADMIN_OBJECTS an object of each model in the admin: {missing}"


# --- Running the matrix ------------------------------------------------------------------------


def table_writes() -> dict[str, int]:
    """Rows inserted, updated or deleted per table in this transaction (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables"
        )
        return {table: count for table, count in cursor.fetchall() if table != "django_session"}


def written(before: dict[str, int], after: dict[str, int]) -> list[str]:
    return sorted(table for table, count in after.items() if count != before.get(table, 0))


def is_denied(response) -> bool:
    if response.status_code in DENIED_STATUSES:
        return True
    if response.status_code == 302:
        return response["Location"].startswith(DENIED_REDIRECTS)
    return False


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    return content.decode("utf-8", errors="replace")


def known_to(role: str, user) -> set[str]:
    """What `role` may see of A's and centre A's: their own things, or for staff what their
    view permissions show."""
    if role in STAFF:
        return {s for s, label in SECRETS.items() if user.has_perm(label.replace(".", ".view_"))}
    return KNOWN.get(role, set())


@pytest.fixture
def world():
    if connection.vendor != "postgresql":
        pytest.skip("the write check reads PostgreSQL's table statistics")
    requests_log = logging.getLogger("django.request")
    level = requests_log.level
    requests_log.setLevel(logging.ERROR)  # thousands of expected 403s and 404s
    try:
        with time_machine.travel(NOW, tick=False):
            yield build_world()
    finally:
        requests_log.setLevel(level)


def client_for(world: World, role: str) -> Client:
    client = Client()
    if world.users[role] is not None:
        client.force_login(world.users[role])
    return client


@dataclass
class Run:
    world: World
    role: str
    client: Client
    known: set[str]
    requests: int = 0
    failures: list[str] = field(default_factory=list)

    def fail(self, method: str, case: Case, response, problem: str) -> None:
        self.failures.append(
            f"{method} {case.url} as {self.role}: {response.status_code}, {problem}"
        )

    def leaks(self, method: str, case: Case, response) -> None:
        body = body_of(response)
        if shown := sorted(s for s in set(SECRETS) - self.known - case.shows if s in body):
            self.fail(method, case, response, f"shows {shown}")


def run_matrix(world: World, role: str) -> Run:
    run = Run(world, role, client_for(world, role), known_to(role, world.users[role]))
    for pattern in url_patterns():
        maker = case_maker(pattern)
        if maker is None:
            continue  # reported by test_every_url_pattern_is_classified
        for case in maker(world):
            check_get(run, case)
            if case.write is not None and not isinstance(case.expect(role), int):
                check_write(run, case)  # a refused role's; an allowed one's is tested elsewhere
    return run


def check_get(run: Run, case: Case) -> None:
    expected = case.expect(run.role)
    before = table_writes()
    response = run.client.get(case.url)
    run.requests += 1
    status = response.status_code
    if status >= 500:
        run.fail("GET", case, response, "a server error")
    elif isinstance(expected, int) and status != expected:
        run.fail("GET", case, response, f"expected {expected}")
    elif expected == DENY and not is_denied(response):
        run.fail("GET", case, response, "expected a refusal (401/403/404/405 or sign in)")
    if expected == DENY and (tables := written(before, table_writes())):
        run.fail("GET", case, response, f"wrote to {tables}")
    if not isinstance(expected, int) or run.role in STAFF:
        run.leaks("GET", case, response)
    else:
        body_of(response)  # read a download to the end: the test client then closes its file


def check_write(run: Run, case: Case) -> None:
    """A refused role's POST (or DELETE) is refused too, and writes nothing."""
    write = case.write
    method = write.method.upper()
    before = table_writes()
    if write.method == "delete":
        response = run.client.delete(case.url)
    else:
        data = {
            key: (SimpleUploadedFile(v.name, PDF, v.content_type) if hasattr(v, "read") else v)
            for key, v in (
                write.data(run.world) if callable(write.data) else write.data or {}
            ).items()
        }
        response = run.client.post(case.url, data)
    run.requests += 1
    if not (is_denied(response) or response.status_code in write.also):
        run.fail(method, case, response, "expected a refusal")
    if tables := written(before, table_writes()):
        run.fail(method, case, response, f"wrote to {tables}")
    run.leaks(method, case, response)


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(world, role):
    run = run_matrix(world, role)
    assert run.requests > 300
    if run.failures:
        pytest.fail(
            f"{len(run.failures)} problems in {run.requests} requests as {role}:\n"
            + "\n".join(run.failures),
            pytrace=False,
        )


def test_the_admin_never_opens_a_list_without_the_models_permission(world):
    """Independent of the ModelAdmins' own checks: a changelist a staff role may open is of a
    model it holds the view or change permission of."""
    problems = []
    for role in STAFF:
        user = world.users[role]
        request = _admin_request(user)
        for model, model_admin in admin.site._registry.items():
            opts = model._meta
            if model_admin.has_view_or_change_permission(request):
                perms = (f"{opts.app_label}.view_{opts.model_name}",)
                perms += (f"{opts.app_label}.change_{opts.model_name}",)
                if not any(user.has_perm(perm) for perm in perms):
                    problems.append(f"{role} opens the {opts.label} list without its permission")
    assert not problems, "\n".join(problems)


# --- Staff pages need two-factor authentication first -------------------------------------------


def staff_prefixed_urls(world: World) -> list[str]:
    urls = []
    for pattern in url_patterns():
        if not pattern.route.startswith(("admin/", "staff/")) or pattern.name == "admin:login":
            continue
        urls.extend(case.url for case in case_maker(pattern)(world))
    return urls


def test_staff_without_mfa_are_sent_to_set_it_up_from_every_staff_url(world, client):
    client.force_login(grant(UserFactory(), Role.REGISTER_OFFICER))
    for url in staff_prefixed_urls(world):
        response = client.get(url)
        assert response.status_code == 302 and "/2fa/totp/activate/" in response["Location"], url


def test_an_auditor_is_refused_the_registers_officer_pages(world):
    client = client_for(world, AUDITOR)
    for name in (
        "register_supportrequest_changelist",
        "register_removal_changelist",
        "register_postalreminder_changelist",
        "register_registrant_import",
    ):
        assert client.get(reverse(f"admin:{name}")).status_code == 403, name
