"""The Management accreditation's structure, its Code of Conduct, and officers' permissions on the
new models (accreditation.reference_data, accounts.roles)."""

from django.db import migrations

from accounts.roles import sync_roles
from accreditation.reference_data import load_structure


class Migration(migrations.Migration):
    dependencies = [("accreditation", "0002_structure")]

    operations = [
        migrations.RunPython(load_structure, migrations.RunPython.noop),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
