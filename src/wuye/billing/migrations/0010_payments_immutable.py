"""On PostgreSQL, payments and their allocations are as immutable as the ledger: the database
refuses UPDATE and DELETE of a row, and TRUNCATE of the four money tables (ledger entries,
payments, allocations; bills keep their status and paid amount up to date and stay mutable).

A correction is a new reversing record (a void, a refund), never an edit. The model layer
refuses too (``AppendOnly``); the triggers stop raw SQL, the admin and any future code path.

TRUNCATE is refused unless the session says it is a deliberate purge, ``SET LOCAL wuye.purge =
'on'`` inside the purging transaction, as the table owner (the test suite's flush does this;
the application's own database role has no TRUNCATE privilege at all: README, production).
"""

from django.db import migrations

ROW_TABLES = ("billing_payment", "billing_allocation")
TRUNCATE_TABLES = ("billing_ledgerentry", "billing_payment", "billing_allocation")

CREATE_FUNCTIONS = """
CREATE OR REPLACE FUNCTION billing_row_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% rows are immutable (% refused)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION billing_refuse_truncate() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('wuye.purge', true), '') = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '% is immutable (TRUNCATE refused)', TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""


def _create_sql() -> str:
    parts = [CREATE_FUNCTIONS]
    for table in ROW_TABLES:
        parts.append(
            f"DROP TRIGGER IF EXISTS {table}_immutable ON {table};"
            f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION billing_row_immutable();"
        )
    for table in TRUNCATE_TABLES:
        parts.append(
            f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};"
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION billing_refuse_truncate();"
        )
    return "\n".join(parts)


def _drop_sql() -> str:
    parts = [f"DROP TRIGGER IF EXISTS {t}_immutable ON {t};" for t in ROW_TABLES]
    parts += [f"DROP TRIGGER IF EXISTS {t}_no_truncate ON {t};" for t in TRUNCATE_TABLES]
    parts.append("DROP FUNCTION IF EXISTS billing_row_immutable();")
    parts.append("DROP FUNCTION IF EXISTS billing_refuse_truncate();")
    return "\n".join(parts)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_create_sql(), params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_drop_sql(), params=None)


class Migration(migrations.Migration):
    dependencies = [("billing", "0009_bound_free_text")]
    operations = [migrations.RunPython(forwards, backwards)]
