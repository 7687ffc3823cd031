"""Shapes of cases, timelines and teams in the API."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.cases.models import (
    Attachment,
    Case,
    CaseKind,
    CaseStatus,
    Direction,
    MessageChannel,
    Priority,
    SourceChannel,
    Team,
    TimelineEntry,
)


class TeamSerializer(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "name", "description"]


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = ["id", "filename", "content_type", "size", "created_at"]


class AuthorSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="agent, customer, api or system")
    name = serializers.CharField()
    user_id = serializers.IntegerField(allow_null=True)
    customer_id = serializers.IntegerField(allow_null=True)


class TimelineEntrySerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = TimelineEntry
        fields = [
            "id",
            "seq",
            "kind",
            "channel",
            "direction",
            "visibility",
            "body",
            "author",
            "data",
            "pending_delivery",
            "notification_id",
            "attachments",
            "created_at",
        ]

    @extend_schema_field(AuthorSerializer)
    def get_author(self, entry: TimelineEntry) -> dict:
        return {
            "kind": entry.author_kind,
            "name": entry.author_name,
            "user_id": entry.author_user_id,
            "customer_id": entry.author_customer_id,
        }


def _person(user) -> dict | None:
    return {"id": user.pk, "name": str(user)} if user else None


class CaseSerializer(serializers.ModelSerializer):
    customer = serializers.SerializerMethodField()
    assignee = serializers.SerializerMethodField()
    team = serializers.SerializerMethodField()
    order = serializers.SlugRelatedField(slug_field="order_number", read_only=True)

    class Meta:
        model = Case
        fields = [
            "reference",
            "kind",
            "subject",
            "status",
            "priority",
            "source_channel",
            "customer",
            "assignee",
            "team",
            "order",
            "tags",
            "initial_assessment",
            "promised_resolution_at",
            "escalation_level",
            "version",
            "created_at",
            "updated_at",
            "last_activity_at",
            "acknowledged_at",
            "first_response_at",
            "resolved_at",
            "closed_at",
        ]

    @extend_schema_field(PersonSerializer)
    def get_customer(self, case: Case) -> dict:
        return _person(case.customer)

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_assignee(self, case: Case) -> dict | None:
        return _person(case.assignee)

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_team(self, case: Case) -> dict | None:
        return _person(case.team)


class CaseDetailSerializer(CaseSerializer):
    timeline = serializers.SerializerMethodField()

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "description", "timeline"]

    @extend_schema_field(TimelineEntrySerializer(many=True))
    def get_timeline(self, case: Case) -> list[dict]:
        return TimelineEntrySerializer(self.context["timeline"], many=True).data


class CasePageSerializer(serializers.Serializer):
    results = CaseSerializer(many=True)
    next = serializers.URLField(allow_null=True, help_text="The next page, or null on the last one.")


class VersionedSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="The case version you saw; a stale one is refused with 409 (optimistic locking).",
    )


class CaseCreateSerializer(serializers.Serializer):
    customer = serializers.IntegerField(help_text="Id of the customer.")
    subject = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=CaseKind.choices, default=CaseKind.INQUIRY)
    source_channel = serializers.ChoiceField(
        choices=SourceChannel.choices, required=False, help_text="Default: api for keys, agent for sessions."
    )
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)
    team = serializers.IntegerField(required=False, allow_null=True)
    assignee = serializers.IntegerField(
        required=False, allow_null=True, help_text="User id of a staff member."
    )
    order = serializers.CharField(required=False, allow_null=True, help_text="Order number of the customer.")
    tags = serializers.ListField(child=serializers.CharField(max_length=50), required=False, default=list)
    initial_assessment = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        default="",
        help_text="A first assessment quoted in the automatic acknowledgement; without it, the case kind "
        "and team.",
    )


class CaseUpdateSerializer(VersionedSerializer):
    subject = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=CaseKind.choices, required=False)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    tags = serializers.ListField(child=serializers.CharField(max_length=50), required=False)
    team = serializers.IntegerField(required=False, allow_null=True, help_text="Team id; null: no team.")
    team_note = serializers.CharField(
        required=False, allow_blank=True, help_text="Why the team changes (internal, for the new team)."
    )
    team_reason_for_customer = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        help_text="Why the team changes, in the hand-over message to the customer.",
    )
    order = serializers.CharField(required=False, allow_null=True, help_text="Order number; null unlinks.")


class TransitionSerializer(VersionedSerializer):
    status = serializers.ChoiceField(choices=CaseStatus.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class AssignSerializer(VersionedSerializer):
    assignee = serializers.IntegerField(
        allow_null=True, help_text="User id; null returns the case to the pool."
    )


class EscalateSerializer(VersionedSerializer):
    reason = serializers.CharField()


class DelaySerializer(VersionedSerializer):
    cause = serializers.CharField(max_length=300, help_text="Why the case is late (the customer is told).")
    impact = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        default="",
        help_text="What it means for the customer.",
    )
    new_expected_at = serializers.DateTimeField(
        help_text="The new expected resolution (ISO 8601 with offset; without one, the tenant's time zone)."
    )


class NoteSerializer(VersionedSerializer):
    body = serializers.CharField()
    attachments = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class MessageSerializer(NoteSerializer):
    body = serializers.CharField(required=False, allow_blank=True, default="")
    direction = serializers.ChoiceField(
        choices=Direction.choices,
        default=Direction.OUTBOUND,
        help_text="out: to the customer (sent by the notification pipeline); in: from the customer.",
    )
    channel = serializers.ChoiceField(
        choices=MessageChannel.choices,
        required=False,
        help_text="Out: default is the customer's first preferred channel with consent. In: required.",
    )

    def validate(self, attrs: dict) -> dict:
        if attrs["direction"] == Direction.INBOUND and not attrs.get("channel"):
            raise serializers.ValidationError(
                {"channel": "Say which channel the customer's message came by."}
            )
        if attrs["direction"] == Direction.OUTBOUND and not attrs["body"].strip():
            raise serializers.ValidationError({"body": "Write the message."})
        return attrs


class EntryCreatedSerializer(serializers.Serializer):
    entry = TimelineEntrySerializer()
    case = CaseSerializer()
