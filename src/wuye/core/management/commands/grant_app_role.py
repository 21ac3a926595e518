"""``wuye grant_app_role ROLE``: give the application's own PostgreSQL role what it needs, and
nothing more, on the tables the migrations made.

Production connects the web and the workers as a role that does not own the tables, while
migrations run as the owner. A role that owns nothing cannot drop or disable the triggers that
keep events, ledger entries, payments and allocations immutable, nor alter or drop a table, and
it is given no TRUNCATE. Run it as the owner after every ``wuye migrate`` (it is idempotent); the
default privileges it sets also cover tables that later migrations create.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

TABLE_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"


def grant_statements(role: str, schema: str) -> list[str]:
    quote = connection.ops.quote_name
    r, s = quote(role), quote(schema)
    return [
        f"GRANT USAGE ON SCHEMA {s} TO {r}",
        f"GRANT {TABLE_PRIVILEGES} ON ALL TABLES IN SCHEMA {s} TO {r}",
        f"REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA {s} FROM {r}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {r}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {s} GRANT {TABLE_PRIVILEGES} ON TABLES TO {r}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {s} GRANT USAGE, SELECT ON SEQUENCES TO {r}",
    ]


class Command(BaseCommand):
    help = (
        "Grant the application's PostgreSQL role (not the owner of the tables) the privileges "
        "it needs: read and write rows, no TRUNCATE, no DDL. Run as the owner after migrate."
    )

    def add_arguments(self, parser):
        parser.add_argument("role", help="the role the application connects as, e.g. wuye_app")

    def handle(self, *args, role: str, **options):
        if connection.vendor != "postgresql":
            raise CommandError("grant_app_role is for PostgreSQL (SQLite has no roles).")
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone() is None:
                raise CommandError(f"No PostgreSQL role {role!r}: CREATE ROLE it first.")
            cursor.execute("SELECT current_user, current_schema()")
            owner, schema = cursor.fetchone()
            if role == owner:
                raise CommandError(
                    f"{role!r} is the role running this command (the owner); the application "
                    "must connect as another role."
                )
            with transaction.atomic():
                for sql in grant_statements(role, schema):
                    cursor.execute(sql)
        self.stdout.write(f"Granted {role} row access on schema {schema} (owner: {owner}).")
