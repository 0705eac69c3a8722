"""The Management accreditation's structure and the Code of Conduct, loaded by a data migration
(and by tests after a flush). Officers edit it in the admin afterwards (R9.1, R9.5).

Seed 000 names the frameworks, methods and components but leaves the modules to "the specific
documents for each level"; the levels and modules below are the portal's starting structure.
"""

import datetime
from pathlib import Path

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"

ROUTES = [
    # code, name, framework, method, components: (code, name, kind, online test)
    (
        "competence-imi",
        "Competence – IMI assessment tools in the workplace",
        "competence",
        "imi",
        [
            ("upk-test", "UPK test", "knowledge", True),
            ("practical", "Practical assessment", "competence", False),
        ],
    ),
    (
        "competence-centre-devised",
        "Competence – centre devised assessments",
        "competence",
        "centre_devised",
        [
            ("upk-test", "UPK test", "knowledge", False),
            ("practical", "Practical assessment", "competence", False),
        ],
    ),
    (
        "knowledge-imi",
        "Knowledge – IMI online test and project",
        "knowledge",
        "imi",
        [
            ("online-test", "Online test", "knowledge", True),
            ("project", "Project", "knowledge", False),
        ],
    ),
    (
        "knowledge-centre-devised",
        "Knowledge – centre devised assessments",
        "knowledge",
        "centre_devised",
        [
            ("knowledge-test", "Knowledge test", "knowledge", False),
            ("project", "Project", "knowledge", False),
        ],
    ),
]

ELIGIBILITY = (
    "Working in, or about to start, a management role in the motor industry at the level of the "
    "route, with the employer's support for workplace assessment."
)

LEVELS = [(3, "Team Leader", 1), (4, "Manager", 1), (5, "Senior Manager", 1)]

# code, title, {level: mandatory}, competence statements, knowledge statements
MODULES = [
    (
        "M1",
        "Leading and developing people",
        {3: True, 4: True, 5: True},
        ["Sets clear objectives for the team and reviews them", "Gives feedback that improves"],
        ["Explains styles of leadership and when to use them", "Describes how people learn"],
    ),
    (
        "M2",
        "Managing customer service",
        {3: True, 4: True, 5: True},
        ["Resolves customer complaints within policy", "Monitors service against standards"],
        ["Explains consumer law relevant to vehicle sales and repair", "Describes service metrics"],
    ),
    (
        "M3",
        "Health, safety and the environment",
        {3: True, 4: True, 5: True},
        ["Carries out and acts on risk assessments", "Keeps the workplace compliant"],
        ["Explains the employer's legal duties", "Describes how to handle hazardous waste"],
    ),
    (
        "M4",
        "Managing finance and resources",
        {3: False, 4: True, 5: True},
        ["Prepares and monitors a department budget", "Controls stock and resources"],
        ["Reads a profit and loss account", "Explains key performance indicators"],
    ),
    (
        "M5",
        "Service improvement",
        {3: False, 4: False, 5: False},
        ["Leads a service improvement project", "Measures the effect of a change"],
        ["Explains improvement methods", "Describes how to make a business case"],
    ),
    (
        "M6",
        "Business planning and strategy",
        {4: False, 5: True},
        ["Writes a business plan for the area", "Leads change across departments"],
        ["Explains market analysis tools", "Describes strategic planning cycles"],
    ),
]


def load_structure(apps, schema_editor=None) -> None:
    route_model = apps.get_model("accreditation", "Route")
    component_model = apps.get_model("accreditation", "Component")
    level_model = apps.get_model("accreditation", "Level")
    module_model = apps.get_model("accreditation", "Module")
    level_module_model = apps.get_model("accreditation", "LevelModule")
    statement_model = apps.get_model("accreditation", "Statement")
    code_model = apps.get_model("accreditation", "CodeOfConduct")

    for code, name, framework, method, components in ROUTES:
        route, _ = route_model.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "framework": framework,
                "method": method,
                "eligibility": ELIGIBILITY,
            },
        )
        for order, (c_code, c_name, kind, online) in enumerate(components, start=1):
            component_model.objects.get_or_create(
                route=route,
                code=c_code,
                defaults={"name": c_name, "kind": kind, "online_test": online, "order": order},
            )
    levels = {}
    for number, name, optional in LEVELS:
        levels[number], _ = level_model.objects.get_or_create(
            number=number, defaults={"name": name, "optional_modules_required": optional}
        )
    for code, title, at_levels, competence, knowledge in MODULES:
        module, _ = module_model.objects.get_or_create(code=code, defaults={"title": title})
        for number, mandatory in at_levels.items():
            level_module_model.objects.get_or_create(
                level=levels[number], module=module, defaults={"mandatory": mandatory}
            )
        for framework, texts, prefix in (
            ("competence", competence, "C"),
            ("knowledge", knowledge, "K"),
        ):
            for i, text in enumerate(texts, start=1):
                statement_model.objects.get_or_create(
                    module=module,
                    code=f"{code}.{prefix}{i}",
                    defaults={"framework": framework, "text": text},
                )
    code_model.objects.get_or_create(
        version="2026.1",
        defaults={
            "body": (REFERENCE_DIR / "accreditation_code-2026.1.txt").read_text(),
            "published_on": datetime.date(2026, 4, 1),
        },
    )
