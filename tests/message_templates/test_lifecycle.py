"""The version workflow: draft → submitted → approved | rejected, approved → retired; who may do what."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from apps.audit.models import AuditEvent
from apps.message_templates.models import TemplateVersion, VersionStatus
from apps.message_templates.services import (
    message_template_create,
    template_version_approve,
    template_version_create_draft,
    template_version_discard,
    template_version_reject,
    template_version_submit,
    template_version_update,
)
from apps.tenants.models import Role
from tests.factories import MembershipFactory
from tests.message_templates.factories import MessageTemplateFactory, TemplateVersionFactory, default_content

pytestmark = pytest.mark.django_db


@pytest.fixture
def template(actors):
    return MessageTemplateFactory(tenant=actors.tenant_a, key="order.shipped")


@pytest.fixture
def approved_v1(template):
    return TemplateVersionFactory(template=template, number=1, approved=True, author=None)


def draft_by(actors, template, author, locale="en"):
    return template_version_create_draft(
        tenant=actors.tenant_a, actor=author, template=template, locale=locale
    )


def submitted_by(actors, template, author):
    draft = draft_by(actors, template, author)
    content = default_content(template.key)
    template_version_update(tenant=actors.tenant_a, actor=author, version=draft, content=content)
    return template_version_submit(tenant=actors.tenant_a, actor=author, version=draft)


def reload(version: TemplateVersion) -> TemplateVersion:
    return TemplateVersion.objects.for_tenant(version.tenant_id).get(pk=version.pk)


def test_agent_drafts_and_submits_and_supervisor_approves_retiring_the_previous(
    actors, template, approved_v1
):
    draft = draft_by(actors, template, actors.agent_a)
    assert (draft.number, draft.status, draft.based_on_id) == (2, VersionStatus.DRAFT, approved_v1.pk)
    assert draft.content == approved_v1.content

    content = draft.content | {"email_subject": "On its way: {{ order.number }}"}
    template_version_update(tenant=actors.tenant_a, actor=actors.agent_a, version=draft, content=content)
    template_version_submit(tenant=actors.tenant_a, actor=actors.agent_a, version=draft)
    approved = template_version_approve(
        tenant=actors.tenant_a, actor=actors.supervisor_a, version=draft, comment="Clearer subject."
    )

    assert approved.status == VersionStatus.APPROVED
    assert (approved.reviewed_by, approved.review_comment) == (actors.supervisor_a, "Clearer subject.")
    assert approved.approved_at is not None
    retired = reload(approved_v1)
    assert retired.status == VersionStatus.RETIRED
    assert retired.retired_at is not None
    actions = list(
        AuditEvent.objects.for_tenant(actors.tenant_a).order_by("seq").values_list("action", flat=True)
    )
    assert actions == [
        "template_version.drafted",
        "template_version.edited",
        "template_version.submitted",
        "template_version.retired",
        "template_version.approved",
    ]


def test_admin_may_approve_too(actors, template):
    version = submitted_by(actors, template, actors.agent_a)
    assert (
        template_version_approve(tenant=actors.tenant_a, actor=actors.admin_a, version=version).status
        == "approved"
    )


def test_author_cannot_approve_own_version_even_as_supervisor(actors, template):
    version = submitted_by(actors, template, actors.supervisor_a)
    with pytest.raises(ValidationError, match="someone else must approve"):
        template_version_approve(tenant=actors.tenant_a, actor=actors.supervisor_a, version=version)
    with pytest.raises(ValidationError, match="someone else must reject"):
        template_version_reject(
            tenant=actors.tenant_a, actor=actors.supervisor_a, version=version, comment="x"
        )
    assert reload(version).status == VersionStatus.SUBMITTED


def test_agent_cannot_approve_or_reject(actors, template):
    version = submitted_by(actors, template, actors.supervisor_a)
    with pytest.raises(ValidationError, match="Only a supervisor or admin"):
        template_version_approve(tenant=actors.tenant_a, actor=actors.agent_a, version=version)
    with pytest.raises(ValidationError, match="Only a supervisor or admin"):
        template_version_reject(tenant=actors.tenant_a, actor=actors.agent_a, version=version, comment="no")


def test_staff_of_another_tenant_cannot_review(actors, template):
    version = submitted_by(actors, template, actors.agent_a)
    with pytest.raises(ValidationError, match="not a member"):
        template_version_approve(tenant=actors.tenant_a, actor=actors.staff_b, version=version)


def test_rejecting_needs_a_comment_and_is_final(actors, template):
    version = submitted_by(actors, template, actors.agent_a)
    with pytest.raises(ValidationError, match="what needs to change"):
        template_version_reject(
            tenant=actors.tenant_a, actor=actors.supervisor_a, version=version, comment=" "
        )
    rejected = template_version_reject(
        tenant=actors.tenant_a, actor=actors.supervisor_a, version=version, comment="Say when it arrives."
    )
    assert (rejected.status, rejected.review_comment) == (VersionStatus.REJECTED, "Say when it arrives.")
    with pytest.raises(ValidationError, match="awaiting review"):
        template_version_approve(tenant=actors.tenant_a, actor=actors.supervisor_a, version=rejected)
    with pytest.raises(ValidationError, match="Only a draft"):
        template_version_submit(tenant=actors.tenant_a, actor=actors.agent_a, version=rejected)


def test_a_draft_cannot_be_approved_without_being_submitted(actors, template):
    draft = draft_by(actors, template, actors.agent_a)
    with pytest.raises(ValidationError, match="awaiting review"):
        template_version_approve(tenant=actors.tenant_a, actor=actors.supervisor_a, version=draft)


def test_an_approved_version_cannot_be_approved_again_or_resubmitted(actors, template, approved_v1):
    with pytest.raises(ValidationError):
        template_version_approve(tenant=actors.tenant_a, actor=actors.supervisor_a, version=approved_v1)
    with pytest.raises(ValidationError):
        template_version_reject(
            tenant=actors.tenant_a, actor=actors.supervisor_a, version=approved_v1, comment="x"
        )


def test_a_version_with_lint_errors_cannot_be_submitted(actors, template):
    draft = draft_by(actors, template, actors.agent_a)
    broken = default_content("order.shipped") | {"sms_text": "Shipped! {{ order.tracking_nr }}"}
    template_version_update(tenant=actors.tenant_a, actor=actors.agent_a, version=draft, content=broken)
    with pytest.raises(ValidationError) as raised:
        template_version_submit(tenant=actors.tenant_a, actor=actors.agent_a, version=draft)
    text = " ".join(raised.value.messages)
    assert "Fix these problems before you submit" in text
    assert "order.tracking_nr" in text
    assert "must include {{ order.tracking_number }}" in text
    assert reload(draft).status == VersionStatus.DRAFT


def test_content_is_frozen_once_submitted(actors, template):
    version = submitted_by(actors, template, actors.agent_a)
    with pytest.raises(ValidationError, match="no longer a draft"):
        template_version_update(
            tenant=actors.tenant_a,
            actor=actors.agent_a,
            version=version,
            content={"email_subject": "Changed"},
        )
    assert reload(version).email_subject == default_content("order.shipped")["email_subject"]


@pytest.mark.parametrize("status", [VersionStatus.SUBMITTED, VersionStatus.APPROVED, VersionStatus.RETIRED])
def test_the_database_refuses_to_change_content_that_is_not_a_draft(template, status):
    version = TemplateVersionFactory(template=template, status=status)
    with pytest.raises(IntegrityError, match="cannot change"), transaction.atomic():
        TemplateVersion.objects.for_tenant(template.tenant).filter(pk=version.pk).update(sms_text="Changed")
    with (
        pytest.raises(IntegrityError, match="cannot change"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE message_templates_templateversion SET locale = 'de' WHERE id = %s", [version.pk]
        )


@pytest.mark.parametrize(
    ("before", "after"),
    [("approved", "draft"), ("retired", "approved"), ("rejected", "approved"), ("draft", "approved")],
)
def test_the_database_refuses_illegal_status_transitions(template, before, after):
    version = TemplateVersionFactory(template=template, status=before)
    with pytest.raises(IntegrityError, match="not an allowed transition"), transaction.atomic():
        TemplateVersion.objects.for_tenant(template.tenant).filter(pk=version.pk).update(status=after)


def test_only_the_author_edits_a_draft(actors, template):
    draft = draft_by(actors, template, actors.agent_a)
    with pytest.raises(ValidationError, match="Only the author"):
        template_version_update(tenant=actors.tenant_a, actor=actors.supervisor_a, version=draft, content={})
    with pytest.raises(ValidationError, match="Only the author"):
        template_version_submit(tenant=actors.tenant_a, actor=actors.supervisor_a, version=draft)


def test_one_version_in_the_works_per_template_and_locale(actors, template):
    draft_by(actors, template, actors.agent_a)
    with pytest.raises(ValidationError, match="already draft"):
        draft_by(actors, template, actors.supervisor_a)
    other_locale = draft_by(actors, template, actors.supervisor_a, "de")
    assert other_locale.number == 1


def test_a_new_locale_starts_from_the_approved_version_of_the_default_locale(actors, template, approved_v1):
    draft = draft_by(actors, template, actors.agent_a, "de")
    assert (draft.number, draft.based_on_id, draft.sms_text) == (1, approved_v1.pk, approved_v1.sms_text)


def test_another_agent_cannot_discard_a_draft_but_its_author_or_a_supervisor_can(actors, template):
    draft = draft_by(actors, template, actors.agent_a)
    other_agent = MembershipFactory(tenant=actors.tenant_a, role=Role.AGENT).user
    with pytest.raises(ValidationError, match="Only a supervisor"):
        template_version_discard(tenant=actors.tenant_a, actor=other_agent, version=draft)
    template_version_discard(tenant=actors.tenant_a, actor=actors.supervisor_a, version=draft)
    assert not TemplateVersion.objects.for_tenant(actors.tenant_a).filter(pk=draft.pk).exists()

    own = draft_by(actors, template, actors.agent_a)
    template_version_discard(tenant=actors.tenant_a, actor=actors.agent_a, version=own)
    assert not TemplateVersion.objects.for_tenant(actors.tenant_a).filter(pk=own.pk).exists()


def test_a_submitted_version_cannot_be_discarded(actors, template):
    version = submitted_by(actors, template, actors.agent_a)
    with pytest.raises(ValidationError, match="Only a draft"):
        template_version_discard(tenant=actors.tenant_a, actor=actors.agent_a, version=version)


def test_creating_a_second_template_for_a_trigger_is_refused(actors, template):
    with pytest.raises(ValidationError, match="exists already"):
        message_template_create(
            tenant=actors.tenant_a, actor=actors.agent_a, trigger="order.shipped", name="Again"
        )


def test_reply_templates_get_unique_keys(actors):
    first = message_template_create(
        tenant=actors.tenant_a, actor=actors.agent_a, trigger="reply", name="Refund sent"
    )
    second = message_template_create(
        tenant=actors.tenant_a, actor=actors.agent_a, trigger="reply", name="Refund sent"
    )
    assert (first.key, second.key) == ("reply.refund-sent", "reply.refund-sent-2")
    assert first.is_reply
