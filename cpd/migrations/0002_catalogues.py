"""The activity-type listing of seed 001 (R2.9) and the first qualification, seed 003 (R10.1)."""

from django.db import migrations

from cpd.reference_data import load_catalogues


class Migration(migrations.Migration):
    dependencies = [("cpd", "0001_initial")]

    operations = [migrations.RunPython(load_catalogues, migrations.RunPython.noop)]
