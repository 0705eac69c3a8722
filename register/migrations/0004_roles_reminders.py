"""Register officers see reminders and the postal list (accounts.roles)."""

from django.db import migrations

from accounts.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [("register", "0003_reminders"), ("cpd", "0004_activity_indexes")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
