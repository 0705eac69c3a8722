"""What every CSV import of the portal shares: reading an uploaded file into numbered rows, the
header and file-wide checks, per-row errors, and saving every row or none.

An import module (`register.imports`, `accreditation.imports`) checks its own columns with a pure
function over the rows read here, then saves them through its service with `import_rows`.
Rows are numbered as a spreadsheet numbers them: the header is row 1, the first data row 2.
"""

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

HEADER_ROW = 1
NAME_MAX_LENGTH = 150  # accounts.User.first_name and last_name
EMAIL_MAX_LENGTH = 254


@dataclass(frozen=True)
class RowError:
    row: int | None  # None: the file as a whole (not UTF-8, empty)
    field: str
    message: str


@dataclass(frozen=True)
class Record:
    """One non-blank data row: its spreadsheet row number and its values by column name
    (stripped; an optional column missing from the header reads as "")."""

    row: int
    values: dict[str, str]


class NumberedRow(Protocol):
    row: int  # the spreadsheet row it came from


@dataclass(frozen=True)
class ParsedFile[RowT: NumberedRow]:
    """The rows that passed the checks made without the database, and every problem found."""

    rows: list[RowT] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


@dataclass(frozen=True)
class ImportResult:
    added: int
    errors: list[RowError]

    @property
    def ok(self) -> bool:
        return not self.errors


def file_error(message: str) -> RowError:
    return RowError(None, "file", message)


def _check_header(
    names: list[str], columns: Sequence[str], optional: Sequence[str]
) -> list[RowError]:
    allowed = (*columns, *optional)
    errors = [
        RowError(HEADER_ROW, column, f"The header has no “{column}” column.")
        for column in columns
        if column not in names
    ]
    errors += [
        RowError(HEADER_ROW, name or "(blank)", f"Unexpected column “{name}”.")
        for name in names
        if name not in allowed
    ]
    errors += [
        RowError(HEADER_ROW, column, f"The “{column}” column appears more than once.")
        for column in allowed
        if names.count(column) > 1
    ]
    if errors:
        expected = "The first row must be: " + ",".join(columns)
        if optional:
            expected += " (and, if you have them, " + ",".join(optional) + ")"
        errors.append(RowError(HEADER_ROW, "header", expected + "."))
    return errors


def read_records(
    data: bytes,
    *,
    columns: Sequence[str],
    optional: Sequence[str] = (),
    max_rows: int,
    noun: str = "people",
) -> tuple[list[Record], list[RowError]]:
    """The data rows of a CSV file, or the errors that stop it being read at all: not UTF-8,
    empty, a wrong header, too many rows. Rows with the wrong number of values are errors on
    their row; blank lines (or ",,," left by a spreadsheet) are skipped but still counted."""
    try:
        # Excel's "CSV UTF-8" starts with a byte-order mark; utf-8-sig drops it.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [
            file_error(
                "The file isn't UTF-8 text. In Excel, save it as “CSV UTF-8 (Comma delimited)”."
            )
        ]
    lines = list(csv.reader(io.StringIO(text, newline="")))
    if not lines or not any(cell.strip() for cell in lines[0]):
        return [], [file_error("The file is empty.")]
    header = [name.strip().lower() for name in lines[0]]
    header_errors = _check_header(header, columns, optional)
    if header_errors:
        return [], header_errors

    count = sum(1 for line in lines[1:] if any(cell.strip() for cell in line))
    if count > max_rows:
        return [], [
            file_error(
                f"The file has {count:,} {noun}; import at most {max_rows:,} at a time. "
                "Split it into smaller files, each with the header row."
            )
        ]
    records: list[Record] = []
    errors: list[RowError] = []
    for number, line in enumerate(lines[1:], start=HEADER_ROW + 1):
        if not any(cell.strip() for cell in line):
            continue
        if len(line) != len(header):
            errors.append(
                RowError(
                    number, "row", f"This row has {len(line)} values; the header has {len(header)}."
                )
            )
            continue
        values = dict.fromkeys(optional, "")
        values.update((name, cell.strip()) for name, cell in zip(header, line, strict=True))
        records.append(Record(number, values))
    if not records and not errors:
        errors.append(file_error("The file has a header but no one to import."))
    return records, errors


def check_person(values: dict[str, str], *, row: int) -> list[RowError]:
    """The email address and the first and last names of a person's row."""
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
    return errors


class FirstRows:
    """Remembers the first row of each key, to point a repeated one back at it."""

    def __init__(self) -> None:
        self._first: dict[object, int] = {}

    def repeat_of(self, key: object, row: int) -> int | None:
        """The row `key` was first seen on, or None (and remember this row) if it's new."""
        if key in self._first:
            return self._first[key]
        self._first[key] = row
        return None


def error_order(error: RowError) -> tuple[int, int]:
    # File-wide errors first, then by row; within a row, in the order they were found.
    return (0 if error.row is None else 1, error.row or 0)


def sorted_errors(errors: Iterable[RowError]) -> list[RowError]:
    return sorted(errors, key=error_order)


def _row_errors(row: int, error: ValidationError) -> list[RowError]:
    if hasattr(error, "error_dict"):
        return [
            RowError(row, name, message)
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return [RowError(row, "row", message) for message in error.messages]


class _RollBack(Exception):
    def __init__(self, errors: list[RowError]):
        self.errors = errors


def import_rows[RowT: NumberedRow](
    rows: Sequence[RowT],
    save: Callable[[RowT], object],
    *,
    refused: Iterable[RowError],
    in_use: Callable[[int], RowError],
) -> ImportResult:
    """Save every row with `save` in one transaction, or none.

    Nothing is saved when the checks already `refused` any row. Otherwise each row is saved in
    its own savepoint, so every refusal is reported before all of it is rolled back. `save` is a
    service that raises `ValidationError`; an `IntegrityError` (a race with another import of the
    same person) becomes `in_use(row)`.
    """
    refused = list(refused)
    if refused:
        return ImportResult(added=0, errors=sorted_errors(refused))
    try:
        with transaction.atomic():
            errors: list[RowError] = []
            for item in rows:
                try:
                    with transaction.atomic():
                        save(item)
                except ValidationError as error:
                    errors += _row_errors(item.row, error)
                except IntegrityError:
                    errors.append(in_use(item.row))
            if errors:
                raise _RollBack(errors)
    except _RollBack as rollback:
        return ImportResult(added=0, errors=sorted_errors(rollback.errors))
    return ImportResult(added=len(rows), errors=[])
