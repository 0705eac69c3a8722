"""Give the staff roles their permissions on the register and CPD models (accounts.roles)."""

from django.db import migrations

from accounts.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_roles"),
        ("register", "0002_terms_versions"),
        ("cpd", "0002_catalogues"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
