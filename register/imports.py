"""Importing the existing register from a CSV file: every row checked first, then all or nothing.

`parse_register_csv` is pure (bytes in, rows and errors out; no database, no clock), so every way
a file can be wrong is tested without a database. `registrant_import_csv` is the service: it adds
the checks that need the database and then puts everyone on the register in one transaction,
through `registrant_add_by_staff`, so an imported registrant gets the same back-dated first cycle
(R1.2, R1.3) as one added by hand.

Rows are numbered as a spreadsheet numbers them: the header is row 1, the first person row 2.
"""

import re
from dataclasses import dataclass
from datetime import date

from django.db.models.functions import Lower

from imi_portal.csv_import import (
    FirstRows,
    ImportResult,
    ParsedFile,
    RowError,
    check_person,
    import_rows,
    read_records,
)

from .models import Registrant
from .services import registrant_add_by_staff

__all__ = [
    "COLUMNS",
    "MAX_ROWS",
    "ImportResult",
    "RowError",
    "parse_register_csv",
    "registrant_import_csv",
]

COLUMNS = ("email", "first_name", "last_name", "joined_on")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
LOOKUP_BATCH = 1000  # emails checked against the register per query
# Each person takes a dozen or so writes (account, registrant, cycle, role, history): about 7 ms
# on PostgreSQL, so 2,000 rows finish well inside a web request. Split a larger register.
MAX_ROWS = 2000


@dataclass(frozen=True)
class ImportRow:
    row: int
    email: str
    first_name: str
    last_name: str
    joined_on: date


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


def parse_register_csv(data: bytes, *, today: date) -> ParsedFile[ImportRow]:
    """Every row of an import file, checked without the database (R1.2: back-dating allowed)."""
    records, errors = read_records(data, columns=COLUMNS, max_rows=MAX_ROWS)
    rows: list[ImportRow] = []
    first_rows = FirstRows()
    for record in records:
        number, values = record.row, record.values
        row_errors = check_person(values, row=number)
        joined_on, date_error = _parse_date(values["joined_on"], row=number, today=today)
        if date_error:
            row_errors.append(date_error)
        errors += row_errors
        key = values["email"].lower()
        first = first_rows.repeat_of(key, number) if key else None
        if first is not None:
            errors.append(RowError(number, "email", f"This email address is also on row {first}."))
        elif not row_errors:
            rows.append(
                ImportRow(
                    number, values["email"], values["first_name"], values["last_name"], joined_on
                )
            )
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


def _add(row: ImportRow, today: date) -> None:
    registrant_add_by_staff(
        email=row.email,
        first_name=row.first_name,
        last_name=row.last_name,
        joined_on=row.joined_on,
        today=today,
    )


def registrant_import_csv(*, file, today: date) -> ImportResult:
    """Put everyone in `file` on the register, or no one: any bad row and nothing is saved.

    An email that already has an account (but isn't on the register) is linked to that account,
    as `registrant_add_by_staff` does for one person.
    """
    parsed = parse_register_csv(file.read(), today=today)
    return import_rows(
        parsed.rows,
        lambda row: _add(row, today),
        refused=parsed.errors + _already_registered(parsed.rows),
        # Someone else registered this email since the check above.
        in_use=lambda row: RowError(row, "email", "This email address is in use."),
    )
