"""Tenant settings: admins only; general settings, members and API keys through their forms."""

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.tenants.models import ApiKey, Membership, Role
from tests.conftest import client_for
from tests.factories import bearer, make_api_key

pytestmark = pytest.mark.django_db

SETTINGS_PAGES = ["/app/settings/", "/app/settings/members/", "/app/settings/api-keys/"]
PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def _general(tenant, **overrides) -> dict:
    data = {
        "display_name": tenant.display_name,
        "brand_colour": tenant.brand_colour,
        "time_zone": tenant.time_zone,
        "default_locale": tenant.default_locale,
        "notification_retention_days": tenant.notification_retention_days,
    }
    return {**data, **overrides}


def _last_event(tenant, action: str) -> AuditEvent:
    return AuditEvent.objects.for_tenant(tenant).filter(action=action).latest("seq")


@pytest.mark.parametrize("path", SETTINGS_PAGES)
@pytest.mark.parametrize("role", ["agent_a", "supervisor_a"])
def test_settings_pages_are_404_below_the_admin_role(actors, path, role):
    assert client_for(actors.tenant_a, getattr(actors, role)).get(path).status_code == 404


@pytest.mark.parametrize("path", SETTINGS_PAGES)
def test_settings_pages_open_for_an_admin(actors, path):
    response = client_for(actors.tenant_a, actors.admin_a).get(path)

    assert response.status_code == 200
    assert 'class="tab active"' in response.content.decode()


def test_only_admins_see_settings_in_the_navigation(actors):
    admin_page = client_for(actors.tenant_a, actors.admin_a).get("/app/").content.decode()
    agent_page = client_for(actors.tenant_a, actors.agent_a).get("/app/").content.decode()

    assert 'href="/app/settings/"' in admin_page
    assert 'href="/app/settings/"' not in agent_page


# ------------------------------------------------------------------ general


def test_an_admin_changes_branding_and_defaults(actors):
    tenant = actors.tenant_a
    data = _general(tenant, display_name="Alpha Support", brand_colour="#0F766E", time_zone="Europe/Berlin")

    response = client_for(tenant, actors.admin_a).post("/app/settings/", data)

    assert response["Location"] == "/app/settings/"
    tenant.refresh_from_db()
    assert (tenant.display_name, tenant.brand_colour, tenant.time_zone) == (
        "Alpha Support",
        "#0f766e",
        "Europe/Berlin",
    )
    event = _last_event(tenant, "tenant.settings_changed")
    assert event.changes["time_zone"] == ["Europe/London", "Europe/Berlin"]
    assert (event.actor_type, event.actor_id) == ("accounts.user", str(actors.admin_a.pk))


def test_saving_unchanged_settings_writes_no_audit_event(actors):
    client_for(actors.tenant_a, actors.admin_a).post("/app/settings/", _general(actors.tenant_a))

    assert (
        not AuditEvent.objects.for_tenant(actors.tenant_a).filter(action="tenant.settings_changed").exists()
    )


def test_bad_settings_show_clear_errors_and_keep_what_was_typed(actors):
    data = _general(
        actors.tenant_a,
        display_name="Alpha Helpdesk",
        brand_colour="blue",
        time_zone="Mars/Olympus",
        notification_retention_days=90,
    )

    response = client_for(actors.tenant_a, actors.admin_a).post("/app/settings/", data)

    page = response.content.decode()
    assert response.status_code == 400
    assert "Notification records must be kept at least 183 days (six months)." in page
    assert "Enter a hex colour such as #2563eb." in page
    assert "Select a valid choice. Mars/Olympus is not one of the available choices." in page
    assert 'value="Alpha Helpdesk"' in page
    assert 'value="90"' in page
    actors.tenant_a.refresh_from_db()
    assert actors.tenant_a.notification_retention_days == 365


def test_an_admin_uploads_and_removes_a_logo(actors, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(actors.tenant_a, actors.admin_a)
    logo = SimpleUploadedFile("../../evil name.png", PNG_1PX, content_type="image/png")

    client.post("/app/settings/", {**_general(actors.tenant_a), "logo": logo})

    actors.tenant_a.refresh_from_db()
    assert re.fullmatch(r"tenant-logos/alpha-[0-9a-f]{8}\.png", actors.tenant_a.logo.name)
    assert actors.tenant_a.logo.url in client.get("/app/").content.decode()

    uploaded = tmp_path / actors.tenant_a.logo.name
    assert uploaded.exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/app/settings/", {**_general(actors.tenant_a), "remove_logo": "on"})

    actors.tenant_a.refresh_from_db()
    assert not actors.tenant_a.logo
    assert not uploaded.exists()
    assert _last_event(actors.tenant_a, "tenant.settings_changed").changes == {"logo": "removed"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "must be a PNG, JPEG"),
        (b"\x89PNG\r\n\x1a\n" + b"0" * (600 * 1024), "the limit is 512 KB"),
    ],
    ids=["svg", "too-large"],
)
def test_a_logo_that_is_not_a_small_raster_image_is_refused(actors, content, message, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    logo = SimpleUploadedFile("logo.png", content, content_type="image/png")

    response = client_for(actors.tenant_a, actors.admin_a).post(
        "/app/settings/", {**_general(actors.tenant_a), "logo": logo}
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    actors.tenant_a.refresh_from_db()
    assert not actors.tenant_a.logo


# ------------------------------------------------------------------ members


def test_an_admin_adds_a_new_person_who_gets_a_set_password_link(actors, django_capture_on_commit_callbacks):
    client = client_for(actors.tenant_a, actors.admin_a)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/app/settings/members/",
            {"email": "New.Person@Example.test", "full_name": "Nia Person", "role": "agent"},
        )

    assert response["Location"] == "/app/settings/members/"
    user = User.objects.get(email="new.person@example.test")
    assert not user.has_usable_password()
    membership = Membership.objects.for_tenant(actors.tenant_a).get(user=user)
    assert membership.role == Role.AGENT
    [message] = mail.outbox
    assert message.to == ["new.person@example.test"]
    link = re.search(r"http://alpha\.localhost(/app/password/reset/\S+/)", message.body).group(1)

    invited = client_for(actors.tenant_a)
    form_url = invited.get(link, follow=True).redirect_chain[-1][0]
    invited.post(form_url, {"new_password1": "first password ok", "new_password2": "first password ok"})
    signed_in = invited.post("/app/login/", {"email": user.email, "password": "first password ok"})
    assert signed_in.status_code == 302


def test_adding_someone_who_already_uses_tidings_keeps_their_account(
    actors, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(actors.tenant_a, actors.admin_a).post(
            "/app/settings/members/",
            {"email": actors.staff_b.email, "full_name": "Renamed", "role": "supervisor"},
        )

    actors.staff_b.refresh_from_db()
    assert actors.staff_b.full_name != "Renamed"
    assert actors.staff_b.has_usable_password()
    assert Membership.objects.for_tenant(actors.tenant_a).get(user=actors.staff_b).role == Role.SUPERVISOR
    assert "password/reset" not in mail.outbox[0].body


def test_adding_an_existing_member_again_is_a_form_error(actors):
    response = client_for(actors.tenant_a, actors.admin_a).post(
        "/app/settings/members/", {"email": actors.agent_a.email, "full_name": "", "role": "agent"}
    )

    assert response.status_code == 400
    assert "This person is already a member." in response.content.decode()


def test_a_new_person_needs_a_name_and_the_email_is_kept(actors):
    response = client_for(actors.tenant_a, actors.admin_a).post(
        "/app/settings/members/", {"email": "nameless@example.test", "full_name": " ", "role": "agent"}
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "Give the person&#x27;s name" in page
    assert 'value="nameless@example.test"' in page
    assert not User.objects.filter(email="nameless@example.test").exists()


def test_an_admin_changes_a_members_role(actors):
    membership = actors.agent_a.memberships.get()

    client_for(actors.tenant_a, actors.admin_a).post(
        f"/app/settings/members/{membership.pk}/role/", {"role": "supervisor"}
    )

    membership.refresh_from_db()
    assert membership.role == Role.SUPERVISOR
    assert _last_event(actors.tenant_a, "membership.role_changed").changes == {
        "role": ["agent", "supervisor"]
    }


def test_an_admin_cannot_demote_or_deactivate_themself(actors):
    own = actors.admin_a.memberships.get()
    client = client_for(actors.tenant_a, actors.admin_a)

    demote = client.post(f"/app/settings/members/{own.pk}/role/", {"role": "agent"}, follow=True)
    deactivate = client.post(f"/app/settings/members/{own.pk}/deactivate/", follow=True)

    own.refresh_from_db()
    assert (own.role, own.is_active) == (Role.ADMIN, True)
    assert "You cannot remove your own admin role." in demote.content.decode()
    assert "You cannot deactivate your own membership." in deactivate.content.decode()


def test_a_deactivated_member_loses_access_at_once_and_can_be_reactivated(actors):
    membership = actors.agent_a.memberships.get()
    agent = client_for(actors.tenant_a, actors.agent_a)
    admin = client_for(actors.tenant_a, actors.admin_a)

    admin.post(f"/app/settings/members/{membership.pk}/deactivate/")
    assert agent.get("/app/").status_code == 302

    admin.post(f"/app/settings/members/{membership.pk}/reactivate/")
    assert agent.get("/app/").status_code == 200


def test_an_unknown_role_is_refused(actors):
    membership = actors.agent_a.memberships.get()

    response = client_for(actors.tenant_a, actors.admin_a).post(
        f"/app/settings/members/{membership.pk}/role/", {"role": "owner"}, follow=True
    )

    assert "Choose one of the roles." in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.AGENT


# ------------------------------------------------------------------ API keys


def test_a_new_key_is_shown_once_and_works(actors):
    client = client_for(actors.tenant_a, actors.admin_a)

    response = client.post("/app/settings/api-keys/", {"name": "Order system", "scopes": ["read", "events"]})

    page = response.content.decode()
    full_key = re.search(r'<code id="new-api-key">(tdk_[^<]+)</code>', page).group(1)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert full_key not in client.get("/app/settings/api-keys/").content.decode()
    assert client_for(actors.tenant_a).get("/api/v1/me/", **bearer(full_key)).json()["scopes"] == [
        "events",
        "read",
    ]
    api_key = ApiKey.objects.for_tenant(actors.tenant_a).get()
    assert (api_key.name, api_key.created_by) == ("Order system", actors.admin_a)


def test_a_key_without_scopes_is_a_form_error_that_keeps_the_name(actors):
    response = client_for(actors.tenant_a, actors.admin_a).post(
        "/app/settings/api-keys/", {"name": "CRM sync"}
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "Choose at least one scope." in page
    assert 'value="CRM sync"' in page
    assert not ApiKey.objects.for_tenant(actors.tenant_a).exists()


def test_the_key_list_shows_prefix_scopes_and_status(actors):
    active, _ = make_api_key(actors.tenant_a, scopes=("read",), name="Reporting")

    page = client_for(actors.tenant_a, actors.admin_a).get("/app/settings/api-keys/").content.decode()

    assert "Reporting" in page
    assert f"tdk_{active.prefix}_" in page
    assert "badge-active" in page


def test_an_admin_revokes_a_key_and_it_stops_working(actors):
    api_key, full_key = make_api_key(actors.tenant_a)

    response = client_for(actors.tenant_a, actors.admin_a).post(
        f"/app/settings/api-keys/{api_key.pk}/revoke/"
    )

    assert response["Location"] == "/app/settings/api-keys/"
    assert client_for(actors.tenant_a).get("/api/v1/me/", **bearer(full_key)).status_code == 401
    assert _last_event(actors.tenant_a, "api_key.revoked").target_id == str(api_key.pk)


@pytest.mark.parametrize(
    "path",
    [
        "/app/settings/members/{member}/role/",
        "/app/settings/members/{member}/deactivate/",
        "/app/settings/members/{member}/reactivate/",
        "/app/settings/api-keys/{key}/revoke/",
    ],
)
def test_actions_change_state_only_by_post(actors, path):
    api_key, _ = make_api_key(actors.tenant_a)
    url = path.format(member=actors.agent_a.memberships.get().pk, key=api_key.pk)

    assert client_for(actors.tenant_a, actors.admin_a).get(url).status_code == 405
