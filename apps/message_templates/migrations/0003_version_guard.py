"""Versions are immutable once submitted, and move only along the allowed status transitions.

The services already refuse both; this trigger makes the database refuse them too, so no code path
(a shell, a future bug, a raw UPDATE) can change what an approved message says.
"""

from django.db import migrations

GUARD = """
CREATE FUNCTION message_templates_version_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status <> 'draft' AND (
        NEW.email_subject IS DISTINCT FROM OLD.email_subject
        OR NEW.email_text IS DISTINCT FROM OLD.email_text
        OR NEW.email_html IS DISTINCT FROM OLD.email_html
        OR NEW.sms_text IS DISTINCT FROM OLD.sms_text
        OR NEW.voice_script IS DISTINCT FROM OLD.voice_script
        OR NEW.portal_text IS DISTINCT FROM OLD.portal_text
        OR NEW.locale IS DISTINCT FROM OLD.locale
        OR NEW.number IS DISTINCT FROM OLD.number
        OR NEW.template_id IS DISTINCT FROM OLD.template_id
        OR NEW.tenant_id IS DISTINCT FROM OLD.tenant_id
        OR NEW.author_id IS DISTINCT FROM OLD.author_id
    ) THEN
        RAISE EXCEPTION 'template version % is % and its content cannot change', OLD.id, OLD.status
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF NEW.status IS DISTINCT FROM OLD.status AND NOT (
        (OLD.status = 'draft' AND NEW.status = 'submitted')
        OR (OLD.status = 'submitted' AND NEW.status IN ('approved', 'rejected'))
        OR (OLD.status = 'approved' AND NEW.status = 'retired')
    ) THEN
        RAISE EXCEPTION 'template version %: % -> % is not an allowed transition', OLD.id, OLD.status, NEW.status
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER message_templates_version_guard
    BEFORE UPDATE ON message_templates_templateversion
    FOR EACH ROW EXECUTE FUNCTION message_templates_version_guard();
"""

DROP_GUARD = """
DROP TRIGGER IF EXISTS message_templates_version_guard ON message_templates_templateversion;
DROP FUNCTION IF EXISTS message_templates_version_guard();
"""


class Migration(migrations.Migration):
    dependencies = [("message_templates", "0002_row_level_security")]

    operations = [migrations.RunSQL(GUARD, DROP_GUARD)]
