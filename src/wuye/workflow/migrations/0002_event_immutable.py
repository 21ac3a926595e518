"""On PostgreSQL, the database itself refuses to change or delete an event (可追溯).

The model layer refuses too (Event.save/delete and its queryset); this trigger also stops raw SQL,
the admin's bulk actions and any future code path. TRUNCATE (used by test tear-down and by a
deliberate purge) is a statement, not a row change: workflow 0007 refuses it.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION workflow_event_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'workflow_event rows are immutable (% refused)', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS workflow_event_immutable ON workflow_event;
CREATE TRIGGER workflow_event_immutable BEFORE UPDATE OR DELETE ON workflow_event
    FOR EACH ROW EXECUTE FUNCTION workflow_event_immutable();
"""
DROP = """
DROP TRIGGER IF EXISTS workflow_event_immutable ON workflow_event;
DROP FUNCTION IF EXISTS workflow_event_immutable();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("workflow", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
