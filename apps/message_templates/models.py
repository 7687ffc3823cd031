"""Message templates and their versions.

A `MessageTemplate` is one message a tenant sends: the template for a trigger (`order.shipped`) or a
reply agents pick (`reply.request_information`). Its content lives in `TemplateVersion` rows, one
series per locale. A version is written as a draft, then submitted, and from then on its content is
frozen: a database trigger (migration 0003) refuses any change to the content of a version that is
not a draft, and any status change outside draft → submitted → approved | rejected, approved →
retired. At most one version per template and locale is approved; it is the one automatic sends use.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.message_templates.triggers import CONTENT_FIELDS, TRIGGERS
from apps.tenants.models import TenantOwnedModel


class MessageTemplate(TenantOwnedModel):
    key = models.CharField(
        max_length=100, help_text="The trigger key, or reply.<name> for a reply template agents pick."
    )
    trigger = models.CharField(max_length=60, choices=[(key, t.name) for key, t in TRIGGERS.items()])
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    is_reply = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "key"], name="message_template_unique_key")]
        indexes = [models.Index(fields=["tenant", "is_reply", "key"], name="msgtpl_tenant_reply_key")]

    def __str__(self) -> str:
        return self.key


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Awaiting review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    RETIRED = "retired", "Retired"


# Status changes a version may make; enforced by the services and, again, by the database trigger.
TRANSITIONS = {
    VersionStatus.DRAFT: {VersionStatus.SUBMITTED},
    VersionStatus.SUBMITTED: {VersionStatus.APPROVED, VersionStatus.REJECTED},
    VersionStatus.APPROVED: {VersionStatus.RETIRED},
    VersionStatus.REJECTED: set(),
    VersionStatus.RETIRED: set(),
}


class TemplateVersion(TenantOwnedModel):
    template = models.ForeignKey(MessageTemplate, on_delete=models.CASCADE, related_name="versions")
    locale = models.CharField(max_length=10, choices=settings.LANGUAGES)
    number = models.PositiveIntegerField(help_text="Counts 1, 2, 3… per template and locale.")
    status = models.CharField(max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT)

    email_subject = models.CharField(max_length=300, blank=True)
    email_text = models.TextField(blank=True)
    email_html = models.TextField(blank=True)
    sms_text = models.TextField(blank=True)
    voice_script = models.TextField(blank=True)
    portal_text = models.TextField(blank=True)

    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty for the defaults Tidings installs.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "template", "locale", "number"], name="template_version_unique_number"
            ),
            models.UniqueConstraint(
                fields=["tenant", "template", "locale"],
                condition=Q(status="approved"),
                name="template_version_one_approved",
            ),
            # One version in the works per template and locale: a draft or one awaiting review.
            models.UniqueConstraint(
                fields=["tenant", "template", "locale"],
                condition=Q(status__in=["draft", "submitted"]),
                name="template_version_one_open",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "status", "submitted_at"], name="tplversion_tenant_status"),
        ]

    def __str__(self) -> str:
        return f"{self.template_id} {self.locale} v{self.number} ({self.status})"

    @property
    def content(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in CONTENT_FIELDS}

    @property
    def is_editable(self) -> bool:
        return self.status == VersionStatus.DRAFT

    @property
    def is_system(self) -> bool:
        return self.author_id is None
