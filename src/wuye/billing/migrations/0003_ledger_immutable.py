"""On PostgreSQL, the database itself refuses to change or delete a ledger entry (台账, FEE-07).

The model layer refuses too (LedgerEntry.save/delete and its queryset); this trigger also stops
raw SQL, the admin's bulk actions and any future code path. TRUNCATE (used by test tear-down and by a
deliberate purge) is a statement, not a row change: billing 0010 refuses it.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION billing_ledgerentry_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'billing_ledgerentry rows are immutable (% refused)', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS billing_ledgerentry_immutable ON billing_ledgerentry;
CREATE TRIGGER billing_ledgerentry_immutable BEFORE UPDATE OR DELETE ON billing_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION billing_ledgerentry_immutable();
"""
DROP = """
DROP TRIGGER IF EXISTS billing_ledgerentry_immutable ON billing_ledgerentry;
DROP FUNCTION IF EXISTS billing_ledgerentry_immutable();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("billing", "0002_fees")]
    operations = [migrations.RunPython(forwards, backwards)]
