from django.urls import path

from apps.notifications import views, webhooks
from apps.notifications.outbox import views as outbox_views

app_name = "notifications"

urlpatterns = [
    path("app/dev-outbox/", views.dev_outbox, name="dev_outbox"),
    path("app/dev-outbox/<int:message_id>/", views.dev_outbox_detail, name="dev_outbox_detail"),
    path("app/dev-outbox/clear/", views.dev_outbox_clear_view, name="dev_outbox_clear"),
    path("app/notifications/", outbox_views.log, name="log"),
    path("app/notifications/<int:notification_id>/", outbox_views.detail, name="detail"),
    path("app/notifications/<int:notification_id>/resend/", outbox_views.resend, name="resend"),
    path("app/settings/notifications/", outbox_views.rules, name="rules"),
    path(
        "webhooks/email/postmark/tracking/",
        webhooks.PostmarkTrackingWebhook.as_view(),
        name="postmark_tracking",
    ),
    path(
        "webhooks/email/postmark/inbound/", webhooks.PostmarkInboundWebhook.as_view(), name="postmark_inbound"
    ),
    path("webhooks/twilio/status/", webhooks.twilio_status, name="twilio_status"),
    path("webhooks/twilio/sms/", webhooks.twilio_inbound_sms, name="twilio_inbound_sms"),
]
