"""Importing the existing register from a CSV file: every row checked first, then all or nothing.

`parse_register_csv` is pure (bytes in, rows and errors out; no database, no clock), so every way
a file can be wrong is tested without a database. `registrant_import_csv` is the service: it adds
the checks that need the database and then puts everyone on the register in one transaction,
through `registrant_add_by_staff`, so an imported registrant gets the same back-dated first cycle
(R1.2, R1.3) as one added by hand.

Rows are numbered as a spreadsheet numbers them: the header is row 1, the first person row 2.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower

from .models import Registrant
from .services import registrant_add_by_staff

COLUMNS = ("email", "first_name", "last_name", "joined_on")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
NAME_MAX_LENGTH = 150  # accounts.User.first_name and last_name
EMAIL_MAX_LENGTH = 254
HEADER_ROW = 1
LOOKUP_BATCH = 1000  # emails checked against the register per query
# Each person takes a dozen or so writes (account, registrant, cycle, role, history): about 7 ms
# on PostgreSQL, so 2,000 rows finish well inside a web request. Split a larger register.
MAX_ROWS = 2000


@dataclass(frozen=True)
class RowError:
    row: int | None  # None: the file as a whole (not UTF-8, empty)
    field: str
    message: str


@dataclass(frozen=True)
class ImportRow:
    row: int
    email: str
    first_name: str
    last_name: str
    joined_on: date


@dataclass(frozen=True)
class ParsedFile:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


@dataclass(frozen=True)
class ImportResult:
    added: int
    errors: list[RowError]

    @property
    def ok(self) -> bool:
        return not self.errors


def _decode(data: bytes) -> str:
    # Excel's "CSV UTF-8" starts with a byte-order mark; utf-8-sig drops it.
    return data.decode("utf-8-sig")


def _check_header(header: list[str]) -> list[RowError]:
    names = [name.strip().lower() for name in header]
    errors = [
        RowError(HEADER_ROW, column, f"The header has no “{column}” column.")
        for column in COLUMNS
        if column not in names
    ]
    errors += [
        RowError(HEADER_ROW, name or "(blank)", f"Unexpected column “{name}”.")
        for name in names
        if name not in COLUMNS
    ]
    errors += [
        RowError(HEADER_ROW, column, f"The “{column}” column appears more than once.")
        for column in COLUMNS
        if names.count(column) > 1
    ]
    if errors:
        errors.append(
            RowError(HEADER_ROW, "header", "The first row must be: " + ",".join(COLUMNS) + ".")
        )
    return errors


def _parse_date(value: str, *, row: int, today: date) -> tuple[date | None, RowError | None]:
    def error(message: str) -> tuple[None, RowError]:
        return None, RowError(row, "joined_on", message)

    if not value:
        return error("Enter the date they joined, as YYYY-MM-DD.")
    if not ISO_DATE.fullmatch(value):
        return error(f"“{value}” is not a date as YYYY-MM-DD, for example 2026-01-15.")
    try:
        joined_on = date.fromisoformat(value)
    except ValueError:
        return error(f"“{value}” is not a real date.")
    if joined_on > today:
        return error("The joining date can't be in the future.")
    return joined_on, None


def _check_row(
    values: dict[str, str], *, row: int, today: date
) -> tuple[ImportRow | None, list[RowError]]:
    errors: list[RowError] = []
    email = values["email"]
    if not email:
        errors.append(RowError(row, "email", "Enter an email address."))
    elif len(email) > EMAIL_MAX_LENGTH:
        errors.append(RowError(row, "email", "The email address is too long."))
    else:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(RowError(row, "email", f"“{email}” is not a valid email address."))
    for name, label in (("first_name", "first name"), ("last_name", "last name")):
        if not values[name]:
            errors.append(RowError(row, name, f"Enter the {label}."))
        elif len(values[name]) > NAME_MAX_LENGTH:
            errors.append(
                RowError(row, name, f"The {label} can be at most {NAME_MAX_LENGTH} characters.")
            )
    joined_on, date_error = _parse_date(values["joined_on"], row=row, today=today)
    if date_error:
        errors.append(date_error)
    if errors:
        return None, errors
    return ImportRow(row, email, values["first_name"], values["last_name"], joined_on), []


def parse_register_csv(data: bytes, *, today: date) -> ParsedFile:
    """Every row of an import file, checked without the database (R1.2: back-dating allowed)."""
    try:
        text = _decode(data)
    except UnicodeDecodeError:
        return ParsedFile(
            errors=[
                RowError(
                    None,
                    "file",
                    "The file isn't UTF-8 text. In Excel, save it as “CSV UTF-8 (Comma "
                    "delimited)”.",
                )
            ]
        )
    records = list(csv.reader(io.StringIO(text, newline="")))
    if not records or not any(cell.strip() for cell in records[0]):
        return ParsedFile(errors=[RowError(None, "file", "The file is empty.")])
    header = [name.strip().lower() for name in records[0]]
    header_errors = _check_header(records[0])
    if header_errors:
        return ParsedFile(errors=header_errors)

    people = sum(1 for record in records[1:] if any(cell.strip() for cell in record))
    if people > MAX_ROWS:
        return ParsedFile(
            errors=[
                RowError(
                    None,
                    "file",
                    f"The file has {people:,} people; import at most {MAX_ROWS:,} at a time. "
                    "Split it into smaller files, each with the header row.",
                )
            ]
        )
    rows: list[ImportRow] = []
    errors: list[RowError] = []
    first_row_of: dict[str, int] = {}
    for number, record in enumerate(records[1:], start=HEADER_ROW + 1):
        if not any(cell.strip() for cell in record):
            continue  # a blank line, or ",,," left by a spreadsheet
        if len(record) != len(header):
            errors.append(
                RowError(
                    number,
                    "row",
                    f"This row has {len(record)} values; the header has {len(header)}.",
                )
            )
            continue
        values = {name: cell.strip() for name, cell in zip(header, record, strict=True)}
        parsed, row_errors = _check_row(values, row=number, today=today)
        errors += row_errors
        key = values["email"].lower()
        if key and key in first_row_of:
            errors.append(
                RowError(number, "email", f"This email address is also on row {first_row_of[key]}.")
            )
            continue
        if key:
            first_row_of[key] = number
        if parsed is not None:
            rows.append(parsed)
    if not rows and not errors:
        errors.append(RowError(None, "file", "The file has a header but no one to import."))
    return ParsedFile(rows=rows, errors=errors)


def _already_registered(rows: list[ImportRow]) -> list[RowError]:
    """Rows whose email belongs to someone already on the register: one query per batch."""
    by_email = {row.email.lower(): row for row in rows}
    emails = list(by_email)
    found: set[str] = set()
    for start in range(0, len(emails), LOOKUP_BATCH):
        batch = emails[start : start + LOOKUP_BATCH]
        # LOWER(email) is what accounts_user_email_ci_unique indexes.
        found.update(
            Registrant.objects.annotate(email_lower=Lower("user__email"))
            .filter(email_lower__in=batch)
            .values_list("email_lower", flat=True)
        )
    return [
        RowError(by_email[email].row, "email", "This person is already on the register.")
        for email in sorted(found, key=lambda e: by_email[e].row)
    ]


class _RollBack(Exception):
    def __init__(self, errors: list[RowError]):
        self.errors = errors


def _row_errors(row: ImportRow, error: ValidationError) -> list[RowError]:
    if hasattr(error, "error_dict"):
        return [
            RowError(row.row, name, message)
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return [RowError(row.row, "row", message) for message in error.messages]


def registrant_import_csv(*, file, today: date) -> ImportResult:
    """Put everyone in `file` on the register, or no one: any bad row and nothing is saved.

    An email that already has an account (but isn't on the register) is linked to that account,
    as `registrant_add_by_staff` does for one person.
    """
    parsed = parse_register_csv(file.read(), today=today)
    errors = parsed.errors + _already_registered(parsed.rows)
    if errors:
        return ImportResult(added=0, errors=sorted(errors, key=_error_order))
    try:
        with transaction.atomic():
            errors = []
            for row in parsed.rows:
                try:
                    # Its own savepoint: a failed row leaves the transaction usable, so every
                    # failure is reported before all of it is rolled back.
                    registrant_add_by_staff(
                        email=row.email,
                        first_name=row.first_name,
                        last_name=row.last_name,
                        joined_on=row.joined_on,
                        today=today,
                    )
                except ValidationError as error:
                    errors += _row_errors(row, error)
                except IntegrityError:
                    # Someone else registered this email since the check above.
                    errors.append(RowError(row.row, "email", "This email address is in use."))
            if errors:
                raise _RollBack(errors)
    except _RollBack as rollback:
        return ImportResult(added=0, errors=sorted(rollback.errors, key=_error_order))
    return ImportResult(added=len(parsed.rows), errors=[])


def _error_order(error: RowError) -> tuple[int, int]:
    # File-wide errors first, then by row; within a row, in the order they were found.
    return (0 if error.row is None else 1, error.row or 0)
