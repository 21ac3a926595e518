"""On PostgreSQL, TRUNCATE of the events (the audit trail, 可追溯) is refused as UPDATE and
DELETE already are (0002), unless the session says it is a deliberate purge: ``SET LOCAL
wuye.purge = 'on'`` inside the purging transaction, as the table owner (the test suite's flush
does this; the application's own database role has no TRUNCATE privilege: README, production).
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION workflow_refuse_truncate() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('wuye.purge', true), '') = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '% is immutable (TRUNCATE refused)', TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS workflow_event_no_truncate ON workflow_event;
CREATE TRIGGER workflow_event_no_truncate BEFORE TRUNCATE ON workflow_event
    FOR EACH STATEMENT EXECUTE FUNCTION workflow_refuse_truncate();
"""
DROP = """
DROP TRIGGER IF EXISTS workflow_event_no_truncate ON workflow_event;
DROP FUNCTION IF EXISTS workflow_refuse_truncate();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("workflow", "0006_bound_free_text")]
    operations = [migrations.RunPython(forwards, backwards)]
