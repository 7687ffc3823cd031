from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.message_templates.models import MessageTemplate, TemplateVersion


class TemplateVersionSerializer(serializers.ModelSerializer):
    author = serializers.PrimaryKeyRelatedField(
        read_only=True, help_text="Staff user id; null for Tidings defaults."
    )
    reviewed_by = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = TemplateVersion
        fields = [
            "id",
            "number",
            "locale",
            "status",
            "email_subject",
            "email_text",
            "email_html",
            "sms_text",
            "voice_script",
            "portal_text",
            "author",
            "created_at",
            "submitted_at",
            "reviewed_by",
            "reviewed_at",
            "approved_at",
            "retired_at",
        ]
        read_only_fields = fields


class MessageTemplateSerializer(serializers.ModelSerializer):
    versions = serializers.SerializerMethodField(
        help_text="Approved versions (one per locale); all versions with ?versions=all."
    )

    class Meta:
        model = MessageTemplate
        fields = ["id", "key", "trigger", "name", "description", "is_reply", "created_at", "versions"]
        read_only_fields = fields

    @extend_schema_field(TemplateVersionSerializer(many=True))
    def get_versions(self, template: MessageTemplate) -> list[dict]:
        # `listed_versions` is prefetched by selectors.templates_for_api, filtered by status.
        return TemplateVersionSerializer(template.listed_versions, many=True).data
