"""The portal's roles: Django groups and the permissions each holds.

Groups are made by data migrations that call `sync_roles`; a migration that adds models whose
permissions a role needs calls it again. `tests/accounts/test_roles.py` checks every permission
named here exists after migrating, so a forgotten sync fails the suite.
"""

from enum import StrEnum


class Role(StrEnum):
    REGISTRANT = "Registrant"
    REGISTER_OFFICER = "IMI register officer"
    AUDITOR = "IMI auditor"
    ACCREDITATION_OFFICER = "IMI accreditation officer"
    CENTRE_ADMINISTRATOR = "Centre administrator"
    ASSESSOR = "Assessor"
    INTERNAL_QUALITY_ASSURER = "Internal quality assurer"
    INVIGILATOR = "Invigilator"


# IMI staff work in the admin (is_staff) and must use two-factor authentication.
STAFF_ROLES = frozenset({Role.REGISTER_OFFICER, Role.AUDITOR, Role.ACCREDITATION_OFFICER})
# Held through a membership of one centre (accreditation.CentreMembership).
CENTRE_ROLES = frozenset(
    {Role.CENTRE_ADMINISTRATOR, Role.ASSESSOR, Role.INTERNAL_QUALITY_ASSURER, Role.INVIGILATOR}
)

ROLE_PERMISSIONS: dict[Role, tuple[str, ...]] = {
    Role.REGISTRANT: ("accounts.keep_cpd_record",),
    Role.REGISTER_OFFICER: (
        "accounts.manage_register",
        "accounts.view_user",
        "accounts.add_user",
        "accounts.change_user",
        "register.view_registrant",
        "register.add_registrant",
        "register.change_registrant",
        "register.view_cycle",
        "register.view_termsversion",
        "register.add_termsversion",
        "register.view_termsacceptance",
        "register.view_reminder",
        "register.view_postalreminder",
        "register.view_supportrequest",
        "register.change_supportrequest",
        "register.view_removal",
        "register.add_removal",
        "register.change_removal",
        "cpd.view_activity",
        "cpd.view_evidence",
        "cpd.view_objective",
        "cpd.view_activitytype",
        "cpd.view_gatewaycourse",
        "cpd.add_gatewaycourse",
        "cpd.change_gatewaycourse",
        "cpd.view_qualification",
        "cpd.add_qualification",
        "cpd.change_qualification",
        "cpd.view_qualificationunit",
        "cpd.add_qualificationunit",
        "cpd.change_qualificationunit",
    ),
    Role.AUDITOR: (
        "accounts.audit_cpd",
        "accounts.view_user",
        "register.view_registrant",
        "register.view_cycle",
        "cpd.view_activity",
        "cpd.view_evidence",
        "cpd.view_objective",
        "cpd.view_gatewaycourse",
        "cpd.view_qualification",
        "audit.view_auditdraw",
        "audit.add_auditdraw",
        "audit.view_auditcase",
        "audit.change_auditcase",
        "audit.view_audititem",
        "audit.change_audititem",
    ),
    Role.ACCREDITATION_OFFICER: (
        "accounts.manage_accreditation",
        "accounts.view_user",
        "accreditation.view_centre",
        "accreditation.add_centre",
        "accreditation.change_centre",
        "accreditation.view_centremembership",
        "accreditation.add_centremembership",
        "accreditation.change_centremembership",
        "accreditation.delete_centremembership",
        # R9, R10: the structure, centres' approvals, candidates and awards (accreditation app).
        "accreditation.view_route",
        "accreditation.add_route",
        "accreditation.change_route",
        "accreditation.view_level",
        "accreditation.add_level",
        "accreditation.change_level",
        "accreditation.view_module",
        "accreditation.add_module",
        "accreditation.change_module",
        "accreditation.view_levelmodule",
        "accreditation.add_levelmodule",
        "accreditation.change_levelmodule",
        "accreditation.view_statement",
        "accreditation.add_statement",
        "accreditation.change_statement",
        "accreditation.view_component",
        "accreditation.add_component",
        "accreditation.change_component",
        "accreditation.view_codeofconduct",
        "accreditation.add_codeofconduct",
        "accreditation.change_codeofconduct",
        "accreditation.view_centreapproval",
        "accreditation.add_centreapproval",
        "accreditation.change_centreapproval",
        "accreditation.view_staffapproval",
        "accreditation.add_staffapproval",
        "accreditation.change_staffapproval",
        "accreditation.view_competenceevidence",
        "accreditation.add_competenceevidence",
        "accreditation.change_competenceevidence",
        "accreditation.view_eqavisit",
        "accreditation.add_eqavisit",
        "accreditation.change_eqavisit",
        "accreditation.view_eqaaction",
        "accreditation.add_eqaaction",
        "accreditation.change_eqaaction",
        "accreditation.view_centredevisedassessment",
        "accreditation.add_centredevisedassessment",
        "accreditation.change_centredevisedassessment",
        "accreditation.view_candidate",
        "accreditation.add_candidate",
        "accreditation.change_candidate",
        "accreditation.view_windowextension",
        "accreditation.add_windowextension",
        "accreditation.change_windowextension",
        "accreditation.view_award",
        "accreditation.add_award",
        "accreditation.change_award",
        "accreditation.delete_levelmodule",
        "accreditation.delete_statement",
        "accreditation.delete_component",
        "accreditation.delete_eqaaction",
        "accreditation.view_statementmapping",
        "accreditation.view_levelreview",
        "accreditation.view_attempt",
        "accreditation.view_attemptevidence",
        "cpd.view_qualification",
    ),
    Role.CENTRE_ADMINISTRATOR: ("accounts.manage_centre",),
    Role.ASSESSOR: ("accounts.assess_candidates",),
    Role.INTERNAL_QUALITY_ASSURER: ("accounts.quality_assure",),
    Role.INVIGILATOR: ("accounts.invigilate_tests",),
}


def sync_roles(apps, schema_editor=None) -> None:
    """Create every role's group with exactly the permissions listed above.

    Written for `migrations.RunPython` (historical models in `apps`). Permissions of models that
    don't exist yet at this point of the migration graph are skipped; the migration that adds those
    models syncs again.
    """
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after `migrate` finishes; a data migration needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    assign_role_permissions(apps)


def assign_role_permissions(apps) -> None:
    """Make the groups and give them their permissions (which must exist already)."""
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=role.value)
        wanted = []
        for name in names:
            app_label, codename = name.split(".")
            wanted.extend(
                permission_model.objects.filter(
                    content_type__app_label=app_label, codename=codename
                )
            )
        group.permissions.set(wanted)
