"""Register officers remove registrants and decide appeals (accounts.roles)."""

from django.db import migrations

from accounts.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [("register", "0007_removals")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
