"""The customer portal inbox: delivery is a row in the tenant's database, done the moment it is stored."""

from apps.notifications.channels.base import (
    Channel,
    DeliveryError,
    OutboundMessage,
    ProviderResult,
    ProviderStatus,
)
from apps.notifications.services import portal_inbox_deliver


class PortalChannel(Channel):
    name = "portal"
    provider = "portal"

    def send(self, message: OutboundMessage) -> ProviderResult:
        try:
            customer_id = int(message.to)
        except ValueError as exc:
            raise DeliveryError(
                "A portal message is addressed to a customer id.", True, "bad_customer"
            ) from exc
        stored = portal_inbox_deliver(message=message, customer_id=customer_id)
        return ProviderResult(
            provider=self.provider, provider_message_id=f"portal-{stored.pk}", status=ProviderStatus.DELIVERED
        )
