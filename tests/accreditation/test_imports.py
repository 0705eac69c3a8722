"""Registering candidates from CSV: the pure parser, then the all-or-nothing service (R9.2)."""

import io

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from accreditation import imports
from accreditation.imports import CandidateRow, candidate_import_csv, parse_candidate_csv
from accreditation.models import Candidate, Centre, CentreApproval
from imi_portal.csv_import import RowError
from tests.accounts.factories import UserFactory
from tests.accreditation.factories import (
    approved_centre,
    centre_admin,
    level,
    make_candidate,
    route,
)

HEADER = "email,first_name,last_name,route,level\n"
OFFERED = {("competence-imi", 3), ("knowledge-imi", 4)}
ROUTES = {
    "competence-imi",
    "competence-centre-devised",
    "knowledge-imi",
    "knowledge-centre-devised",
}


def parse(text: str | bytes):
    data = text.encode() if isinstance(text, str) else text
    return parse_candidate_csv(data, offered=OFFERED, routes=ROUTES)


def problems(text: str | bytes) -> list[tuple[int | None, str]]:
    return [(e.row, e.field) for e in parse(text).errors]


# --- parsing, no database ----------------------------------------------------------------------


def test_it_reads_good_rows_numbered_as_a_spreadsheet_numbers_them():
    parsed = parse(
        HEADER + "sam@example.org,Sam,Jones,competence-imi,3\n"
        " ann@example.org , Ann ,Lee,Knowledge-IMI,4\n"
    )
    assert parsed.errors == []
    assert parsed.rows == [
        CandidateRow(2, "sam@example.org", "Sam", "Jones", "competence-imi", 3),
        CandidateRow(3, "ann@example.org", "Ann", "Lee", "knowledge-imi", 4),
    ]


def test_the_registration_number_column_is_optional_and_read_when_there():
    parsed = parse(
        "\ufeffLevel,route,email,first_name,last_name,ao_registration_number\r\n"
        "3,competence-imi,sam@example.org,Sam,Jones,AO-123\r\n"
        "3,competence-imi,ann@example.org,Ann,Lee,\r\n"
    )
    assert parsed.errors == []
    assert [r.ao_registration_number for r in parsed.rows] == ["AO-123", ""]


def test_blank_lines_are_skipped_but_still_counted():
    parsed = parse(HEADER + "\n,,,,\nsam@example.org,Sam,Jones,competence-imi,3\n")
    assert parsed.errors == []
    assert parsed.rows[0].row == 4


@pytest.mark.parametrize(
    ("line", "field", "message"),
    [
        (",Sam,Jones,competence-imi,3", "email", "Enter an email address"),
        ("not-an-email,Sam,Jones,competence-imi,3", "email", "not a valid email"),
        ("sam@example.org,,Jones,competence-imi,3", "first_name", "Enter the first name"),
        ("sam@example.org,Sam,,competence-imi,3", "last_name", "Enter the last name"),
        ("sam@example.org,Sam,Jones,,3", "route", "Enter the route's code"),
        ("sam@example.org,Sam,Jones,competence,3", "route", "isn't a route. Use one of"),
        ("sam@example.org,Sam,Jones,competence-imi,", "level", "Enter the level's number"),
        ("sam@example.org,Sam,Jones,competence-imi,three", "level", "isn't a level number"),
        ("sam@example.org,Sam,Jones,competence-imi", "row", "has 4 values"),
    ],
)
def test_it_names_the_field_at_fault(line, field, message):
    errors = parse(HEADER + line + "\n").errors
    assert [(e.row, e.field) for e in errors] == [(2, field)]
    assert message in errors[0].message


@pytest.mark.parametrize(
    ("route_code", "number"),
    [("competence-imi", 4), ("knowledge-imi", 3), ("competence-centre-devised", 3)],
)
def test_a_route_and_level_the_centre_isnt_approved_for_is_an_error_on_its_row(route_code, number):
    errors = parse(
        HEADER
        + "ok@example.org,Ok,Row,competence-imi,3\n"
        + f"sam@example.org,Sam,Jones,{route_code},{number}\n"
    ).errors
    assert [(e.row, e.field) for e in errors] == [(3, "route")]
    assert f"isn't approved for {route_code} at level {number}" in errors[0].message  # R9.2


def test_every_problem_of_a_row_is_reported():
    assert problems(HEADER + ",,,,x\n") == [
        (2, "email"),
        (2, "first_name"),
        (2, "last_name"),
        (2, "route"),
        (2, "level"),
    ]


def test_a_long_registration_number_is_refused():
    text = "email,first_name,last_name,route,level,ao_registration_number\n"
    assert problems(text + "a@example.org,A,B,competence-imi,3," + "9" * 41 + "\n") == [
        (2, "ao_registration_number")
    ]


def test_the_same_person_twice_for_the_same_route_and_level_points_at_the_first_row():
    errors = parse(
        HEADER + "sam@example.org,Sam,Jones,competence-imi,3\n"
        "ann@example.org,Ann,Lee,competence-imi,3\n"
        "SAM@example.org,Sam,Jones,competence-imi,3\n"
    ).errors
    assert errors == [
        RowError(4, "email", "This person is also on row 2 for the same route and level.")
    ]


def test_the_same_person_for_two_routes_is_fine():
    parsed = parse(
        HEADER + "sam@example.org,Sam,Jones,competence-imi,3\n"
        "sam@example.org,Sam,Jones,knowledge-imi,4\n"
    )
    assert parsed.errors == []
    assert len(parsed.rows) == 2


def test_a_wrong_header_is_reported_on_row_one_with_what_it_should_be():
    errors = parse("mail,first_name,last_name,route\na@example.org,A,B,competence-imi\n").errors
    assert {(e.row, e.field) for e in errors} >= {(1, "email"), (1, "level"), (1, "mail")}
    assert "email,first_name,last_name,route,level" in errors[-1].message
    assert "ao_registration_number" in errors[-1].message


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (HEADER.encode(), "no one to import"),
        ((HEADER + "zo\u00eb@example.org,Zo\u00eb,B,competence-imi,3\n").encode("cp1252"), "UTF-8"),
    ],
)
def test_file_wide_problems(data, message):
    errors = parse(data).errors
    assert len(errors) == 1
    assert errors[0].row is None
    assert message in errors[0].message


def test_a_file_too_big_is_refused_before_any_row_is_read(monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 2)
    text = HEADER + "".join(f"p{i}@example.org,P,Q,competence-imi,3\n" for i in range(3))
    errors = parse(text).errors
    assert [(e.row, e.field) for e in errors] == [(None, "file")]
    assert "3 candidates; import at most 2 at a time" in errors[0].message


# --- the service -------------------------------------------------------------------------------


def upload(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode())


@pytest.fixture
def centre(db):
    return approved_centre()


@pytest.mark.django_db
def test_it_registers_everyone_and_each_gets_an_email(centre, django_capture_on_commit_callbacks):
    admin = centre_admin(centre)
    existing = UserFactory(email="ann@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        result = candidate_import_csv(
            centre=centre,
            file=upload(
                "email,first_name,last_name,route,level,ao_registration_number\n"
                "sam@example.org,Sam,Jones,competence-imi,3,AO-1\n"
                "ANN@example.org,Ann,Lee,competence-imi,3,\n"
            ),
            by=admin,
        )
    assert result.ok
    assert result.added == 2
    sam = Candidate.objects.get(user__email="sam@example.org")
    assert (sam.centre, sam.route, sam.level, sam.registered_by) == (
        centre,
        route(),
        level(3),
        admin,
    )
    assert sam.ao_registration_number == "AO-1"
    assert Candidate.objects.get(user=existing).ao_registration_number == ""  # their account
    assert sorted(m.to[0] for m in mail.outbox) == ["ann@example.org", "sam@example.org"]


@pytest.mark.django_db
def test_one_bad_row_and_nobody_is_registered_nor_emailed(
    centre, django_capture_on_commit_callbacks
):
    already = make_candidate(centre, ready=False, user=UserFactory(email="old@example.org"))
    with django_capture_on_commit_callbacks(execute=True):
        result = candidate_import_csv(
            centre=centre,
            file=upload(
                HEADER + "sam@example.org,Sam,Jones,competence-imi,3\n"
                "Old@example.org,Old,Hand,competence-imi,3\n"
                "kim@example.org,Kim,Park,knowledge-imi,3\n"
            ),
            by=centre_admin(centre),
        )
    assert not result.ok
    assert result.added == 0
    assert [(e.row, e.field) for e in result.errors] == [(3, "email"), (4, "route")]
    assert "already a candidate for competence-imi at level 3" in result.errors[0].message
    assert list(Candidate.objects.all()) == [already]
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_refusal_while_saving_rolls_everything_back(centre, monkeypatch):
    # A check the parser can't make (say the centre suspended meanwhile) fails on the last row:
    # the rows saved before it are undone.
    real = imports.candidate_register

    def register(**kwargs):
        if kwargs["email"] == "late@example.org":
            raise ValidationError({"route": "The centre is suspended, so it can't register."})
        return real(**kwargs)

    monkeypatch.setattr(imports, "candidate_register", register)
    result = candidate_import_csv(
        centre=centre,
        file=upload(
            HEADER + "sam@example.org,Sam,Jones,competence-imi,3\n"
            "late@example.org,Late,Comer,competence-imi,3\n"
        ),
        by=centre_admin(centre),
    )
    assert result.added == 0
    assert [(e.row, e.field) for e in result.errors] == [(3, "route")]
    assert not Candidate.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["centre suspended", "approval withdrawn"])
def test_a_centre_not_approved_now_can_import_nobody(centre, how):
    if how == "centre suspended":
        Centre.objects.filter(pk=centre.pk).update(status=Centre.Status.SUSPENDED)
        centre.refresh_from_db()
    else:
        CentreApproval.objects.filter(centre=centre).update(status="withdrawn")
    result = candidate_import_csv(
        centre=centre,
        file=upload(HEADER + "sam@example.org,Sam,Jones,competence-imi,3\n"),
        by=centre_admin(centre),
    )
    assert [(e.row, e.field) for e in result.errors] == [(None, "file")]
    assert "isn't approved for any route and level" in result.errors[0].message
    assert not Candidate.objects.exists()
