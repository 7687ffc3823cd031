"""Shapes of customers and orders in the API. Input serializers validate; services decide."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.customers.models import (
    Channel,
    ChannelConsent,
    ContactKind,
    Customer,
    Order,
    OrderStatus,
    OrderStatusEvent,
    UpdateCadence,
)
from apps.customers.selectors import contact_points_of, customer_reachable_channels


class ContactPointSerializer(serializers.Serializer):
    value = serializers.CharField()
    is_primary = serializers.BooleanField()
    is_verified = serializers.BooleanField()


class ConsentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChannelConsent
        fields = ["channel", "state", "source", "changed_at"]


class CustomerSerializer(serializers.ModelSerializer):
    emails = serializers.SerializerMethodField()
    phones = serializers.SerializerMethodField()
    consents = ConsentSerializer(many=True, read_only=True)
    reachable_channels = serializers.SerializerMethodField(
        help_text="Preferred channels, in order, with consent and an address (what a message would use)."
    )

    class Meta:
        model = Customer
        fields = [
            "id",
            "name",
            "emails",
            "phones",
            "locale",
            "time_zone",
            "preferred_channels",
            "reachable_channels",
            "quiet_hours_start",
            "quiet_hours_end",
            "update_cadence",
            "consents",
            "tags",
            "onboarded_on",
            "external_id",
            "created_at",
            "updated_at",
        ]

    def _points(self, customer: Customer, kind: str) -> list[dict]:
        return ContactPointSerializer(contact_points_of(customer=customer, kind=kind), many=True).data

    @extend_schema_field(ContactPointSerializer(many=True))
    def get_emails(self, customer: Customer) -> list[dict]:
        return self._points(customer, ContactKind.EMAIL)

    @extend_schema_field(ContactPointSerializer(many=True))
    def get_phones(self, customer: Customer) -> list[dict]:
        return self._points(customer, ContactKind.PHONE)

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=Channel.choices)))
    def get_reachable_channels(self, customer: Customer) -> list[str]:
        return customer_reachable_channels(customer=customer)


class CustomerWriteSerializer(serializers.Serializer):
    """Create (all fields; `name` required) and update (any subset; lists replace what is there)."""

    name = serializers.CharField(max_length=200)
    emails = serializers.ListField(child=serializers.CharField(max_length=254), required=False, max_length=10)
    phones = serializers.ListField(child=serializers.CharField(max_length=40), required=False, max_length=10)
    locale = serializers.CharField(max_length=10, required=False)
    time_zone = serializers.CharField(max_length=64, required=False)
    preferred_channels = serializers.ListField(
        child=serializers.ChoiceField(choices=Channel.choices),
        required=False,
        help_text="Most preferred first.",
    )
    quiet_hours_start = serializers.TimeField(required=False, allow_null=True)
    quiet_hours_end = serializers.TimeField(required=False, allow_null=True)
    update_cadence = serializers.ChoiceField(choices=UpdateCadence.choices, required=False)
    tags = serializers.ListField(child=serializers.CharField(max_length=50), required=False, max_length=30)
    onboarded_on = serializers.DateField(required=False, allow_null=True)
    external_id = serializers.CharField(max_length=100, required=False, allow_blank=True)
    consents = serializers.DictField(
        child=serializers.BooleanField(),
        required=False,
        help_text='Consent per channel, e.g. {"email": true, "sms": false}. Each change is logged.',
    )

    def validate_consents(self, value: dict[str, bool]) -> dict[str, bool]:
        unknown = sorted(set(value) - set(Channel.values))
        if unknown:
            raise serializers.ValidationError(f"Unknown channel(s): {', '.join(unknown)}.")
        return value


class OrderStatusEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrderStatusEvent
        fields = ["from_status", "to_status", "reason", "expected_delivery", "source_event", "occurred_at"]


class OrderSerializer(serializers.ModelSerializer):
    customer = serializers.PrimaryKeyRelatedField(read_only=True)
    history = OrderStatusEventSerializer(source="status_events", many=True, read_only=True)

    class Meta:
        model = Order
        fields = [
            "order_number",
            "customer",
            "items_summary",
            "total",
            "currency",
            "status",
            "carrier",
            "tracking_number",
            "tracking_url",
            "expected_delivery",
            "delay_reason",
            "shipping_postcode",
            "placed_at",
            "delivered_at",
            "created_at",
            "updated_at",
            "history",
        ]


class OrderDetailsSerializer(serializers.Serializer):
    items_summary = serializers.CharField(required=False, allow_blank=True)
    total = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, allow_null=True)
    currency = serializers.CharField(max_length=3, required=False, allow_blank=True)
    carrier = serializers.CharField(max_length=100, required=False, allow_blank=True)
    tracking_number = serializers.CharField(max_length=100, required=False, allow_blank=True)
    tracking_url = serializers.URLField(max_length=500, required=False, allow_blank=True)
    expected_delivery = serializers.DateField(required=False, allow_null=True)
    shipping_postcode = serializers.CharField(max_length=20, required=False, allow_blank=True)


class OrderCreateSerializer(OrderDetailsSerializer):
    order_number = serializers.CharField(max_length=64)
    customer = serializers.IntegerField(help_text="Id of the customer the order belongs to.")
    status = serializers.ChoiceField(choices=OrderStatus.choices, default=OrderStatus.PLACED)
    delay_reason = serializers.CharField(max_length=500, required=False, allow_blank=True)
    placed_at = serializers.DateTimeField(required=False)


class OrderUpdateSerializer(OrderDetailsSerializer):
    """Details change in place; a `status` moves the order through its lifecycle (with `reason`
    for delays)."""

    status = serializers.ChoiceField(choices=OrderStatus.choices, required=False)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)
