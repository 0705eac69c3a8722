"""People who use the portal. Email is the login; there are no usernames."""

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models.functions import Lower
from simple_history.models import HistoricalRecords

# `email__lower=...` compares LOWER(email), which the unique index below covers.
models.CharField.register_lookup(Lower)


class UserManager(DjangoUserManager):
    """Django's manager, keyed on email instead of a username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):  # type: ignore[override]
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):  # type: ignore[override]
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):  # type: ignore[override]
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if not extra_fields["is_staff"] or not extra_fields["is_superuser"]:
            raise ValueError("A superuser must have is_staff and is_superuser set.")
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        # Case-insensitive, through the unique index on LOWER(email) (iexact can't use it).
        return self.get(email__lower=username.lower())


class User(AbstractUser):
    username = None  # type: ignore[assignment]
    email = models.EmailField("email address", unique=True)
    first_name = models.CharField("first name", max_length=150)
    last_name = models.CharField("last name", max_length=150)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    objects = UserManager()
    # R8.4: every change of name or email is kept (who, when, old and new).
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        ordering = ["last_name", "first_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]
        # Role capabilities, granted to groups by the roles data migration (accounts.roles).
        permissions = [
            ("keep_cpd_record", "Can keep a CPD record on the Professional Register"),
            ("manage_register", "Can manage the Professional Register"),
            ("audit_cpd", "Can audit CPD evidence"),
            ("manage_accreditation", "Can manage centres and accreditation"),
            ("manage_centre", "Can manage a centre's people and candidates"),
            ("assess_candidates", "Can record assessments of candidates"),
            ("quality_assure", "Can quality-assure assessments"),
            ("invigilate_tests", "Can invigilate online tests"),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def save(self, *args, **kwargs):
        self.email = self.__class__.objects.normalize_email(self.email).strip()
        super().save(*args, **kwargs)
