"""Importing the existing register from CSV: the pure parser, then the all-or-nothing service."""

import datetime
import io
from decimal import Decimal

import pytest

from register.imports import RowError, parse_register_csv, registrant_import_csv
from register.models import Registrant
from tests.accounts.factories import UserFactory
from tests.register.factories import make_registrant

TODAY = datetime.date(2026, 11, 23)
HEADER = "email,first_name,last_name,joined_on\n"


def parse(text: str | bytes):
    data = text.encode() if isinstance(text, str) else text
    return parse_register_csv(data, today=TODAY)


def problems(text: str | bytes) -> list[tuple[int | None, str]]:
    return [(e.row, e.field) for e in parse(text).errors]


# --- parsing, no database ----------------------------------------------------------------------


def test_it_reads_good_rows_numbered_as_a_spreadsheet_numbers_them():
    parsed = parse(
        HEADER + "grace@example.org,Grace,Hopper,2026-01-15\n alan@example.org , Alan ,Turing,"
        "2019-06-01\n"
    )
    assert parsed.errors == []
    assert [(r.row, r.email, r.first_name, r.joined_on) for r in parsed.rows] == [
        (2, "grace@example.org", "Grace", datetime.date(2026, 1, 15)),
        (3, "alan@example.org", "Alan", datetime.date(2019, 6, 1)),
    ]


def test_it_accepts_excels_byte_order_mark_windows_line_ends_and_any_column_order():
    text = "\ufefflast_name,Email,joined_on,first_name\r\nHopper,g@example.org,2026-01-15,Grace\r\n"
    parsed = parse(text.encode("utf-8"))
    assert parsed.errors == []
    assert parsed.rows[0].last_name == "Hopper"


def test_blank_lines_are_skipped_but_still_counted():
    parsed = parse(HEADER + "\n,,,\ngrace@example.org,Grace,Hopper,2026-01-15\n")
    assert parsed.errors == []
    assert parsed.rows[0].row == 4


def test_a_joining_date_today_or_long_ago_is_fine():
    assert problems(HEADER + "a@example.org,A,B,2026-11-23\nb@example.org,B,C,1998-02-28\n") == []


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("15/01/2026", "YYYY-MM-DD"),
        ("2026-1-15", "YYYY-MM-DD"),
        ("20260115", "YYYY-MM-DD"),
        ("2026-02-30", "not a real date"),
        ("2026-11-24", "can't be in the future"),
        ("", "Enter the date"),
    ],
)
def test_it_refuses_a_bad_or_future_joining_date(value, message):
    errors = parse(HEADER + f"a@example.org,A,B,{value}\n").errors
    assert [(e.row, e.field) for e in errors] == [(2, "joined_on")]
    assert message in errors[0].message


@pytest.mark.parametrize(
    ("line", "field"),
    [
        (",A,B,2025-01-01", "email"),
        ("not-an-email,A,B,2025-01-01", "email"),
        ("a@example.org,,B,2025-01-01", "first_name"),
        ("a@example.org,A,,2025-01-01", "last_name"),
        ("a@example.org,A," + "x" * 151 + ",2025-01-01", "last_name"),
        ("a@example.org,A,B", "row"),
        ("a@example.org,A,B,2025-01-01,extra", "row"),
    ],
)
def test_it_names_the_field_at_fault(line, field):
    assert problems(HEADER + line + "\n") == [(2, field)]


def test_every_problem_of_a_row_is_reported():
    assert problems(HEADER + ",,,2030-01-01\n") == [
        (2, "email"),
        (2, "first_name"),
        (2, "last_name"),
        (2, "joined_on"),
    ]


def test_a_duplicate_email_in_the_file_points_at_its_first_row_whatever_the_case():
    errors = parse(
        HEADER + "a@example.org,A,B,2025-01-01\nc@example.org,C,D,2025-01-01\n"
        "A@Example.org,A,B,2025-01-01\n"
    ).errors
    assert errors == [RowError(4, "email", "This email address is also on row 2.")]


def test_a_wrong_header_is_reported_on_row_one():
    errors = parse("mail,first_name,surname,joined_on\na@example.org,A,B,2025-01-01\n").errors
    assert {(e.row, e.field) for e in errors} >= {(1, "email"), (1, "last_name"), (1, "mail")}
    assert "email,first_name,last_name,joined_on" in errors[-1].message


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (HEADER.encode(), "no one to import"),
        ((HEADER + "zo\u00eb@example.org,Zo\u00eb,B,2025-01-01\n").encode("cp1252"), "UTF-8"),
    ],
)
def test_file_wide_problems(data, message):
    errors = parse(data).errors
    assert len(errors) == 1
    assert errors[0].row is None
    assert message in errors[0].message


def test_a_file_too_big_for_one_request_is_refused_before_any_row_is_read(monkeypatch):
    import register.imports as imports

    monkeypatch.setattr(imports, "MAX_ROWS", 2)
    text = HEADER + "".join(f"p{i}@example.org,P,Q,2025-01-01\n" for i in range(3))
    errors = parse(text).errors
    assert [(e.row, e.field) for e in errors] == [(None, "file")]
    assert "at most 2 at a time" in errors[0].message
    # Blank lines aren't people.
    assert (
        parse(HEADER + "p1@example.org,P,Q,2025-01-01\n\n\np2@example.org,P,Q,2025-01-01\n").errors
        == []
    )


# --- the service -------------------------------------------------------------------------------


def upload(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode())


@pytest.mark.django_db
def test_it_adds_everyone_with_their_back_dated_first_cycle():
    result = registrant_import_csv(
        file=upload(
            HEADER + "grace@example.org,Grace,Hopper,2026-01-15\n"
            "alan@example.org,Alan,Turing,2019-06-01\n"
        ),
        today=TODAY,
    )
    assert result.ok
    assert result.added == 2
    grace = Registrant.objects.get(user__email="grace@example.org")
    cycle = grace.cycles.get()
    # R1.2, R1.3: joining 15 January 2026 gives a cycle to 31 March 2028 with a target of 70.
    assert (cycle.number, cycle.start, cycle.end, cycle.target) == (
        1,
        datetime.date(2026, 1, 15),
        datetime.date(2028, 3, 31),
        Decimal("70"),
    )
    assert grace.user.get_full_name() == "Grace Hopper"
    assert not grace.acceptances.exists()  # accepted outside the portal


@pytest.mark.django_db
def test_someone_with_an_account_but_not_on_the_register_is_linked_to_it():
    user = UserFactory(email="grace@example.org")
    result = registrant_import_csv(
        file=upload(HEADER + "Grace@Example.org,Grace,Hopper,2026-01-15\n"), today=TODAY
    )
    assert result.ok
    assert Registrant.objects.get().user == user


@pytest.mark.django_db
def test_one_bad_row_and_nobody_is_imported():
    make_registrant(user=UserFactory(email="ada@example.org"))
    result = registrant_import_csv(
        file=upload(
            HEADER + "grace@example.org,Grace,Hopper,2026-01-15\n"
            "ADA@example.org,Ada,Lovelace,2025-05-10\n"
        ),
        today=TODAY,
    )
    assert not result.ok
    assert result.added == 0
    assert [(e.row, e.field) for e in result.errors] == [(3, "email")]
    assert "already on the register" in result.errors[0].message
    assert Registrant.objects.count() == 1


@pytest.mark.django_db
def test_a_failure_while_saving_rolls_everything_back(monkeypatch):
    # A check the parser can't make (say a race with another import) fails on the last row:
    # the rows saved before it are undone.
    from django.core.exceptions import ValidationError

    import register.imports as imports

    real = imports.registrant_add_by_staff

    def add(**kwargs):
        if kwargs["email"] == "late@example.org":
            raise ValidationError({"email": "This person is already on the Professional Register."})
        return real(**kwargs)

    monkeypatch.setattr(imports, "registrant_add_by_staff", add)
    result = registrant_import_csv(
        file=upload(
            HEADER + "grace@example.org,Grace,Hopper,2026-01-15\n"
            "late@example.org,Late,Comer,2026-01-15\n"
        ),
        today=TODAY,
    )
    assert result.added == 0
    assert [(e.row, e.field) for e in result.errors] == [(3, "email")]
    assert not Registrant.objects.exists()
