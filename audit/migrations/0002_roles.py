"""Auditors draw samples and decide audits (accounts.roles)."""

from django.db import migrations

from accounts.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial"), ("register", "0006_roles_support")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
