"""The first published versions of the Terms and Conditions and the Code of Conduct (R1.5)."""

from django.db import migrations

from register.reference_data import publish_first_terms


class Migration(migrations.Migration):
    dependencies = [("register", "0001_initial")]

    operations = [migrations.RunPython(publish_first_terms, migrations.RunPython.noop)]
