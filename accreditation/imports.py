"""A centre registers its candidates from a CSV file: every row checked first, then all or nothing.

`parse_candidate_csv` is pure (bytes and the centre's approved routes and levels in, rows and
errors out; no database), so every way a file can be wrong is tested without a database.
`candidate_import_csv` is the service: it adds the checks that need the database (already a
candidate) and then registers everyone in one transaction through `candidate_register`, so an
imported candidate is registered, and emailed, exactly as one added by hand (R9.2, R9.4).

Columns: email, first_name, last_name, route (its code, e.g. competence-imi), level (its number,
e.g. 3) and, optionally, ao_registration_number.
"""

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from django.db.models.functions import Lower

from accounts.models import User
from imi_portal.csv_import import (
    FirstRows,
    ImportResult,
    ParsedFile,
    RowError,
    check_person,
    file_error,
    import_rows,
    read_records,
)

from .models import Candidate, CentreApproval, Route
from .selectors import registration_offers
from .services import candidate_register

COLUMNS = ("email", "first_name", "last_name", "route", "level")
OPTIONAL_COLUMNS = ("ao_registration_number",)
AO_NUMBER_MAX_LENGTH = 40  # Candidate.ao_registration_number
LOOKUP_BATCH = 1000
# Each candidate takes about ten writes (account, address, candidate, history) and queues an
# email: a few hundred finish well inside a web request. Split a larger cohort.
MAX_ROWS = 500


@dataclass(frozen=True)
class CandidateRow:
    row: int
    email: str
    first_name: str
    last_name: str
    route: str  # the route's code
    level: int  # the level's number
    ao_registration_number: str = ""


def template_csv() -> str:
    """The header row, to fill in a spreadsheet."""
    return ",".join((*COLUMNS, *OPTIONAL_COLUMNS)) + "\r\n"


def _check_offer(
    values: dict[str, str],
    *,
    row: int,
    offered: Collection[tuple[str, int]],
    routes: Collection[str],
) -> tuple[tuple[str, int] | None, list[RowError]]:
    """The row's route and level, which must be one the centre is approved for (R9.2)."""
    errors = []
    code, level_text = values["route"].lower(), values["level"]
    if not code:
        errors.append(RowError(row, "route", "Enter the route's code, e.g. competence-imi."))
    elif code not in routes:
        errors.append(
            RowError(
                row,
                "route",
                f"“{values['route']}” isn't a route. Use one of: {', '.join(sorted(routes))}.",
            )
        )
    level = None
    if not level_text:
        errors.append(RowError(row, "level", "Enter the level's number, e.g. 3."))
    else:
        try:
            level = int(level_text)
        except ValueError:
            errors.append(RowError(row, "level", f"“{level_text}” isn't a level number, e.g. 3."))
    if errors:
        return None, errors
    if (code, level) not in offered:
        return None, [
            RowError(
                row,
                "route",
                f"The centre isn't approved for {code} at level {level}, so it can't register "
                "candidates for it (R9.2).",
            )
        ]
    return (code, level), []


def parse_candidate_csv(
    data: bytes, *, offered: Collection[tuple[str, int]], routes: Collection[str]
) -> ParsedFile[CandidateRow]:
    """Every row of a candidates file, checked without the database. `offered` holds the
    (route code, level number) pairs the centre may register candidates for; `routes` every
    route code, to tell a typing mistake from a route the centre isn't approved for."""
    records, errors = read_records(
        data,
        columns=COLUMNS,
        optional=OPTIONAL_COLUMNS,
        max_rows=MAX_ROWS,
        noun="candidates",
    )
    rows: list[CandidateRow] = []
    first_rows = FirstRows()
    for record in records:
        number, values = record.row, record.values
        row_errors = check_person(values, row=number)
        offer, offer_errors = _check_offer(values, row=number, offered=offered, routes=routes)
        row_errors += offer_errors
        ao_number = values["ao_registration_number"]
        if len(ao_number) > AO_NUMBER_MAX_LENGTH:
            row_errors.append(
                RowError(
                    number,
                    "ao_registration_number",
                    f"The registration number can be at most {AO_NUMBER_MAX_LENGTH} characters.",
                )
            )
        errors += row_errors
        email = values["email"].lower()
        first = first_rows.repeat_of((email, offer), number) if email and offer else None
        if first is not None:
            errors.append(
                RowError(
                    number,
                    "email",
                    f"This person is also on row {first} for the same route and level.",
                )
            )
        elif not row_errors:
            rows.append(
                CandidateRow(
                    number,
                    values["email"],
                    values["first_name"],
                    values["last_name"],
                    offer[0],
                    offer[1],
                    ao_number,
                )
            )
    return ParsedFile(rows=rows, errors=errors)


def _already_candidates(rows: list[CandidateRow]) -> list[RowError]:
    """Rows for someone already a candidate for that route and level (at any centre: a person is
    a candidate once per route and level): one query per batch of emails."""
    by_key = {(row.email.lower(), row.route, row.level): row for row in rows}
    emails = sorted({email for email, _, _ in by_key})
    found: set[tuple[str, str, int]] = set()
    for start in range(0, len(emails), LOOKUP_BATCH):
        found.update(
            Candidate.objects.annotate(email_lower=Lower("user__email"))
            .filter(email_lower__in=emails[start : start + LOOKUP_BATCH])
            .values_list("email_lower", "route__code", "level__number")
        )
    return [
        RowError(
            by_key[key].row,
            "email",
            f"{by_key[key].email} is already a candidate for {key[1]} at level {key[2]}.",
        )
        for key in found
        if key in by_key
    ]


def _register(row: CandidateRow, *, centre, offers: Mapping, by: User) -> None:
    approval = offers[(row.route, row.level)]
    candidate_register(
        centre=centre,
        email=row.email,
        first_name=row.first_name,
        last_name=row.last_name,
        route=approval.route,
        level=approval.level,
        by=by,
        ao_registration_number=row.ao_registration_number,
    )


def candidate_import_csv(*, centre, file, by: User) -> ImportResult:
    """Register everyone in `file` at `centre`, or no one: any bad row and nothing is saved and
    no email is sent (they are queued on commit)."""
    offers: dict[tuple[str, int], CentreApproval] = {
        (a.route.code, a.level.number): a for a in registration_offers(centre=centre)
    }
    if not offers:
        return ImportResult(
            added=0,
            errors=[
                file_error(
                    "The centre isn't approved for any route and level at the moment, so it "
                    "can't register candidates (R9.2)."
                )
            ],
        )
    parsed = parse_candidate_csv(
        file.read(), offered=offers, routes=set(Route.objects.values_list("code", flat=True))
    )
    return import_rows(
        parsed.rows,
        lambda row: _register(row, centre=centre, offers=offers, by=by),
        refused=parsed.errors + _already_candidates(parsed.rows),
        # Someone registered the same person since the check above.
        in_use=lambda row: RowError(
            row, "email", "This person was registered by someone else meanwhile."
        ),
    )
