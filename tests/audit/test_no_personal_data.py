"""The foundation's own audit events carry ids, field names and statuses, never personal data."""

import json

import pytest

from apps.audit.models import AuditEvent
from tests.conftest import client_for
from tests.factories import make_api_key

pytestmark = pytest.mark.django_db


def test_sign_in_settings_member_and_key_events_hold_no_names_or_addresses(
    actors, django_capture_on_commit_callbacks
):
    tenant = actors.tenant_a
    visitor = client_for(tenant)
    visitor.post("/app/login/", {"email": actors.agent_a.email, "password": "wrong password"})
    visitor.post("/app/login/", {"email": "stranger@example.test", "password": "guess"})
    visitor.post("/app/login/", {"email": actors.agent_a.email, "password": "correct horse battery"})
    visitor.post("/app/logout/")
    admin = client_for(tenant, actors.admin_a)
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(
            "/app/settings/members/",
            {"email": "nia@example.test", "full_name": "Nia Person", "role": "agent"},
        )
    membership = actors.supervisor_a.memberships.get()
    admin.post(f"/app/settings/members/{membership.pk}/role/", {"role": "agent"})
    admin.post(f"/app/settings/members/{membership.pk}/deactivate/")
    admin.post("/app/settings/api-keys/", {"name": "Order system", "scopes": ["read"]})
    api_key, _ = make_api_key(tenant)
    admin.post(f"/app/settings/api-keys/{api_key.pk}/revoke/")

    events = list(AuditEvent.objects.for_tenant(tenant).order_by("seq"))
    actions = {event.action for event in events}
    assert {
        "auth.sign_in_failed",
        "auth.signed_in",
        "auth.signed_out",
        "user.created",
        "membership.added",
        "membership.role_changed",
        "membership.deactivated",
        "api_key.created",
        "api_key.revoked",
    } <= actions
    payloads = json.dumps([[e.actor_id, e.target_id, e.changes, e.metadata] for e in events])
    people = [actors.agent_a, actors.supervisor_a, actors.admin_a]
    personal = [u.email for u in people] + [u.full_name for u in people]
    personal += ["nia@example.test", "Nia Person", "stranger@example.test", "correct horse battery"]
    assert [value for value in personal if value in payloads] == []
