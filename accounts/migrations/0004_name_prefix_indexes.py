"""Indexes for the public register's search by name (register.selectors.public_register).

`istartswith` is `UPPER(name) LIKE 'SMI%'` on PostgreSQL: without these, every search read the
whole user table (docs/benchmarks.md). `text_pattern_ops` lets a prefix LIKE use the index
whatever the database's collation. PostgreSQL only; SQLite (`make run`) has no such operator
class and needs none at its size.
"""

from django.db import migrations

INDEXES = {
    "accounts_user_upper_first_name_prefix": "first_name",
    "accounts_user_upper_last_name_prefix": "last_name",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON accounts_user (UPPER({column}) text_pattern_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_user_history")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
