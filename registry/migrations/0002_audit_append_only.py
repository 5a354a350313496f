"""On PostgreSQL, refuse UPDATE and DELETE on the audit log at the database itself.

TRUNCATE stays possible (test-database flushes and a deliberate restore by the DBA).
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION registry_auditentry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'registry_auditentry is append-only (%% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER registry_auditentry_append_only
    BEFORE UPDATE OR DELETE ON registry_auditentry
    FOR EACH ROW EXECUTE FUNCTION registry_auditentry_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS registry_auditentry_append_only ON registry_auditentry;
DROP FUNCTION IF EXISTS registry_auditentry_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
