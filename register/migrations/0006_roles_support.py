"""Register officers decide support and grace requests (accounts.roles)."""

from django.db import migrations

from accounts.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [("register", "0005_support_requests")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
