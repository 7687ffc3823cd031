"""Factories and builders for the notifications tests."""

import factory

from apps.notifications.channels.base import OutboundMessage
from apps.notifications.models import ChannelName, DevOutboxMessage
from tests.factories import TenantFactory


def outbound(tenant_id: int, channel: str = ChannelName.EMAIL, **fields) -> OutboundMessage:
    """A ready-to-send message; pass only what the test is about."""
    defaults = {
        ChannelName.EMAIL: {
            "to": "ada@example.test",
            "subject": "Your order shipped",
            "text": "It is on its way.",
        },
        ChannelName.SMS: {"to": "+447700900123", "text": "Your order shipped."},
        ChannelName.VOICE: {"to": "+447700900123", "voice_script": "Your delivery is delayed until Monday."},
        ChannelName.PORTAL: {"to": "42", "subject": "Update", "text": "Your case was updated."},
    }[channel]
    return OutboundMessage(tenant_id=tenant_id, channel=channel, **{**defaults, **fields})


class DevOutboxMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DevOutboxMessage

    tenant = factory.SubFactory(TenantFactory)
    channel = ChannelName.EMAIL
    to_address = factory.Sequence(lambda n: f"customer{n}@example.test")
    subject = "Your order shipped"
    text = "It is on its way."
    provider_message_id = factory.Sequence(lambda n: f"dev-{n:032x}")
