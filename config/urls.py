from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path

from apps.api.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", include("apps.api.urls")),
    path("", include("apps.web.urls")),
    path("app/cases/", include("apps.cases.urls")),
    path("app/customers/", include("apps.customers.urls")),
    path("app/settings/teams/", include("apps.cases.team_urls")),
    path("", include("apps.sla.urls")),  # /app/settings/sla/...
    path("app/templates/", include("apps.message_templates.urls")),
    path("", include("apps.notifications.urls")),  # /app/dev-outbox/ and /webhooks/...
    path("portal/", include("apps.portal.urls")),  # the customer portal (docs/portal.md)
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "apps.web.error_views.bad_request"
handler403 = "apps.web.error_views.permission_denied"
handler404 = "apps.web.error_views.page_not_found"
handler500 = "apps.web.error_views.server_error"
