"""The activity types a CPD record can have (R2.9): the listing in seed 001, plus "other".

Slugs are stored on records, so they never change; names and groups may be reworded freely.
The seed lists some types twice (its two columns overlap); each appears here once.
"""

from __future__ import annotations

from dataclasses import dataclass

NATIONAL = "Nationally recognised qualifications"
UNIVERSITY = "University awarded qualifications"
COURSES = "Courses and learning"
EVENTS = "Events"
SELF_DIRECTED = "Self-directed learning"
WORK_BASED = "Work-based learning"
OTHER = "Other"


@dataclass(frozen=True)
class ActivityType:
    slug: str
    name: str
    group: str
    is_reading: bool = False  # R3.3: counts towards the reading cap
    is_qualification: bool = False  # R2.8: always assessed
    needs_description: bool = False  # R2.9: "other" must say what the activity was


def _qualification(slug: str, name: str, group: str) -> ActivityType:
    return ActivityType(slug=slug, name=name, group=group, is_qualification=True)


def _activity(slug: str, name: str, group: str) -> ActivityType:
    return ActivityType(slug=slug, name=name, group=group)


ACTIVITY_TYPES: tuple[ActivityType, ...] = (
    _qualification("vrq", "Vocationally Related Qualification (VRQ)", NATIONAL),
    _qualification("nvq", "National Vocational Qualification (NVQ)", NATIONAL),
    _qualification("svq", "Scottish Vocational Qualification (SVQ)", NATIONAL),
    _qualification("vcq", "Vocational Competence Qualification (VCQ)", NATIONAL),
    _qualification("national-certificate", "National Certificate", NATIONAL),
    _qualification("higher-national-certificate", "Higher National Certificate", NATIONAL),
    _qualification("higher-national-diploma", "Higher National Diploma", NATIONAL),
    _qualification("university-diploma", "Diploma", UNIVERSITY),
    _qualification("foundation-degree", "Foundation Degree", UNIVERSITY),
    _qualification("undergraduate-degree", "Undergraduate Degree", UNIVERSITY),
    _qualification("honours-degree", "Honours Degree", UNIVERSITY),
    _qualification("postgraduate-degree", "Postgraduate Degree", UNIVERSITY),
    _qualification("doctorate", "Doctorate", UNIVERSITY),
    _activity("e-learning", "E-learning", COURSES),
    _activity("open-and-distance-learning", "Open and distance learning", COURSES),
    _activity("vehicle-manufacturer-course", "Vehicle manufacturer's course", COURSES),
    _activity("component-manufacturer-course", "Component manufacturer course", COURSES),
    _activity("update-course", "Update course (technical, compliance, managerial, etc.)", COURSES),
    _activity("accreditation-scheme", "Accreditation scheme (ATA and AMA)", COURSES),
    _activity("seminar", "Seminar", EVENTS),
    _activity("workshop", "Workshop", EVENTS),
    _activity("conference", "Conference", EVENTS),
    _activity("demonstration", "Demonstration", EVENTS),
    _activity("study-visit", "Study visit", EVENTS),
    _activity("briefing", "Briefing", EVENTS),
    _activity("meeting", "Meeting", EVENTS),
    _activity("presentation", "Presentation", EVENTS),
    # R2.9: one type for all reading, so the cap (R3.3) cannot be side-stepped by format.
    ActivityType(
        slug="reading",
        name="Reading (books, journals, articles, web pages)",
        group=SELF_DIRECTED,
        is_reading=True,
    ),
    _activity("research", "Research", SELF_DIRECTED),
    _activity("reflective-learning", "Reflective learning", SELF_DIRECTED),
    _activity("writing-articles", "Writing articles", SELF_DIRECTED),
    _activity("business-development", "Business development or improvement", WORK_BASED),
    _activity("policy-development", "Policy development or improvement", WORK_BASED),
    _activity("expert-working-group", "Expert working group or consultation", WORK_BASED),
    _activity("peer-review", "Peer review", WORK_BASED),
    _activity(
        "critical-incident-analysis", "Critical incident analysis and rectification", WORK_BASED
    ),
    _activity("secondment", "Secondment", WORK_BASED),
    _activity("consulting", "Consulting", WORK_BASED),
    # R2.9: the listing is not exhaustive; anything else is "other", described by the registrant.
    ActivityType(slug="other", name="Other", group=OTHER, needs_description=True),
)

ACTIVITY_TYPES_BY_SLUG: dict[str, ActivityType] = {t.slug: t for t in ACTIVITY_TYPES}


def activity_type(slug: str) -> ActivityType:
    """The type with this slug; KeyError for an unknown slug."""
    return ACTIVITY_TYPES_BY_SLUG[slug]


def grouped_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Types as grouped (optgroup) choices for a form field, in listing order."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for t in ACTIVITY_TYPES:
        groups.setdefault(t.group, []).append((t.slug, t.name))
    return list(groups.items())
