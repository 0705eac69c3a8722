"""Fill an empty database with demo data and print how to log in as each role."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from accounts.services import role_grant, user_create
from accreditation.demo import seed_accreditation
from register.demo import seed_registrants

DEMO_PASSWORD = "imi-demo-2026"  # noqa: S105 - printed for the demo; never in production
DEMO_DOMAIN = "demo.imi-portal.test"

# (email local part, first name, last name, role); centre people and candidates are made by
# accreditation.demo.
STAFF = [
    ("officer", "Olivia", "Officer", Role.REGISTER_OFFICER),
    ("auditor", "Aaron", "Auditor", Role.AUDITOR),
    ("accreditation", "Alex", "Accreditation", Role.ACCREDITATION_OFFICER),
]


def demo_email(local: str) -> str:
    return f"{local}@{DEMO_DOMAIN}"


class Command(BaseCommand):
    help = (
        "Fill an empty database with demo data (users of every role, registrants, centres with "
        "staff and candidates) and print logins."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (but print the logins) when the database already has users.",
        )

    def handle(self, *args, if_empty: bool = False, **options):
        if User.objects.exists():
            if not if_empty:
                raise CommandError("The database is not empty: seed_demo only fills an empty one.")
            self.stdout.write("The database already has data; demo data not loaded.")
        else:
            self._seed()
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self._print_logins()

    @transaction.atomic
    def _seed(self) -> None:
        admin = user_create(
            email=demo_email("admin"),
            first_name="Ada",
            last_name="Admin",
            password=DEMO_PASSWORD,
            email_verified=True,
        )
        User.objects.filter(pk=admin.pk).update(is_staff=True, is_superuser=True)
        for local, first, last, role in STAFF:
            user = user_create(
                email=demo_email(local),
                first_name=first,
                last_name=last,
                password=DEMO_PASSWORD,
                email_verified=True,
            )
            role_grant(user=user, role=role)
        today = timezone.localdate()
        seed_accreditation(
            today=today,
            password=DEMO_PASSWORD,
            email=demo_email,
            officer=User.objects.get(email=demo_email("accreditation")),
        )
        seed_registrants(today=today, password=DEMO_PASSWORD, email=demo_email)

    def _print_logins(self) -> None:
        rows = [
            ("Superuser (all staff pages)", "admin"),
            ("IMI register officer", "officer"),
            ("IMI auditor", "auditor"),
            ("IMI accreditation officer", "accreditation"),
            ("Centre administrator", "centre-admin"),
            ("Assessor", "assessor"),
            ("Internal quality assurer", "iqa"),
            ("Invigilator", "invigilator"),
            ("Centre administrator (applied centre)", "new-centre"),
            ("Candidate (awarded, certificate)", "candidate"),
            ("Candidate (referred, in window)", "jordan"),
            ("Candidate (to accept the code)", "taylor"),
            ("Registrant (final months, behind)", "registrant"),
            ("Registrant (new, on track)", "sam"),
            ("Registrant (target met)", "morgan"),
            ("Registrant (second cycle)", "casey"),
        ]
        self.stdout.write("")
        self.stdout.write(
            f"Demo logins (password for all: {DEMO_PASSWORD}) at http://127.0.0.1:8000/"
        )
        for label, local in rows:
            self.stdout.write(f"  {label:<38} {demo_email(local)}")
        self.stdout.write(
            "Staff accounts are asked to set up an authenticator app (TOTP) at their first visit "
            "to a staff page."
        )
