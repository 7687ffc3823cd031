"""The schema of each event type accepted at POST /api/v1/events/ (docs/cases.md, "Event intake").

An event is an envelope `{"type": "...", "data": {...}}`; `data` is validated by the serializer of
its type, so a bad event is refused with a 400 that names the offending fields.
"""

from rest_framework import serializers

from apps.cases.models import CaseKind, Priority, SourceChannel
from apps.customers.api.serializers import CustomerWriteSerializer
from apps.customers.models import Channel


class EventCustomerSerializer(serializers.Serializer):
    """The customer an event is about: found by `external_id`, else by `email`/`phone`; created
    from these fields when not found (then `name` and an email or phone are needed)."""

    external_id = serializers.CharField(max_length=100, required=False, allow_blank=True)
    name = serializers.CharField(max_length=200, required=False)
    email = serializers.CharField(max_length=254, required=False)
    phone = serializers.CharField(max_length=40, required=False)
    locale = serializers.CharField(max_length=10, required=False)
    time_zone = serializers.CharField(max_length=64, required=False)
    preferred_channels = serializers.ListField(
        child=serializers.ChoiceField(choices=Channel.choices), required=False
    )
    consents = serializers.DictField(child=serializers.BooleanField(), required=False)

    def validate(self, attrs: dict) -> dict:
        if not (attrs.get("external_id") or attrs.get("email") or attrs.get("phone")):
            raise serializers.ValidationError("Identify the customer by external_id, email or phone.")
        return attrs


class OrderFieldsSerializer(serializers.Serializer):
    """Order fields any order event may carry; they create the order when it is not known yet."""

    order_number = serializers.CharField(max_length=64)
    customer = EventCustomerSerializer(required=False)
    items_summary = serializers.CharField(required=False, allow_blank=True)
    total = serializers.DecimalField(max_digits=12, decimal_places=2, required=False)
    currency = serializers.CharField(max_length=3, required=False)
    shipping_postcode = serializers.CharField(max_length=20, required=False, allow_blank=True)
    placed_at = serializers.DateTimeField(required=False)
    expected_delivery = serializers.DateField(required=False)

    def validate(self, attrs: dict) -> dict:
        if ("total" in attrs) != ("currency" in attrs):
            raise serializers.ValidationError({"currency": "Give total and currency together."})
        return attrs


class OrderPlacedSerializer(OrderFieldsSerializer):
    customer = EventCustomerSerializer()


class OrderConfirmedSerializer(OrderFieldsSerializer):
    pass


class OrderDelaySerializer(OrderFieldsSerializer):
    """order.processing_delayed and order.delayed: the customer is told the cause and the new date."""

    reason = serializers.CharField(max_length=500)
    expected_delivery = serializers.DateField(help_text="The new expected delivery date.")


class OrderShippedSerializer(OrderFieldsSerializer):
    carrier = serializers.CharField(max_length=100)
    tracking_number = serializers.CharField(max_length=100)
    tracking_url = serializers.URLField(max_length=500, required=False, allow_blank=True)


class OrderDeliveredSerializer(OrderFieldsSerializer):
    pass


class CustomerCreatedSerializer(CustomerWriteSerializer):
    pass


class CaseCreatedSerializer(serializers.Serializer):
    customer = EventCustomerSerializer()
    subject = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=CaseKind.choices, default=CaseKind.INQUIRY)
    source_channel = serializers.ChoiceField(choices=SourceChannel.choices, default=SourceChannel.API)
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)
    order_number = serializers.CharField(max_length=64, required=False)
    team = serializers.CharField(max_length=100, required=False, help_text="Team name.")
    tags = serializers.ListField(child=serializers.CharField(max_length=50), required=False, default=list)


EVENT_SERIALIZERS: dict[str, type[serializers.Serializer]] = {
    "order.placed": OrderPlacedSerializer,
    "order.confirmed": OrderConfirmedSerializer,
    "order.processing_delayed": OrderDelaySerializer,
    "order.shipped": OrderShippedSerializer,
    "order.delivered": OrderDeliveredSerializer,
    "order.delayed": OrderDelaySerializer,
    "customer.created": CustomerCreatedSerializer,
    "case.created": CaseCreatedSerializer,
}


class EventEnvelopeSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=sorted(EVENT_SERIALIZERS))
    data = serializers.DictField(help_text="The event's fields; their schema depends on `type`.")
    occurred_at = serializers.DateTimeField(required=False, help_text="When it happened in your system.")

    def validate(self, attrs: dict) -> dict:
        serializer = EVENT_SERIALIZERS[attrs["type"]](data=attrs["data"])
        if not serializer.is_valid():
            raise serializers.ValidationError({"data": serializer.errors})
        attrs["data"] = serializer.validated_data
        return attrs


class EventAcceptedSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Id of the stored intake event.")
    type = serializers.CharField()
    status = serializers.CharField(help_text="applied")
    domain_event = serializers.CharField(help_text="What happened as a result, e.g. order.shipped.")
    result = serializers.DictField(help_text="The order, customer or case the event applied to.")
