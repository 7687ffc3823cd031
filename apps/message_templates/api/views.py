"""Read access to the template library: GET /api/v1/templates/ and /api/v1/templates/{id}/."""

from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets

from apps.message_templates.api.serializers import MessageTemplateSerializer
from apps.message_templates.models import MessageTemplate
from apps.message_templates.selectors import templates_for_api

VERSIONS_PARAMETER = OpenApiParameter(
    "versions",
    OpenApiTypes.STR,
    enum=["approved", "all"],
    default="approved",
    description="Which versions to include: the approved one per locale (default) or every version.",
)


class MessageTemplateFilter(filters.FilterSet):
    class Meta:
        model = MessageTemplate
        fields = ["key", "trigger", "is_reply"]


@extend_schema_view(
    list=extend_schema(summary="List message templates", parameters=[VERSIONS_PARAMETER], tags=["templates"]),
    retrieve=extend_schema(summary="A message template", parameters=[VERSIONS_PARAMETER], tags=["templates"]),
)
class MessageTemplateViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = MessageTemplateSerializer
    filterset_class = MessageTemplateFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request tenant, no rows read
            return MessageTemplate.objects.none()
        return templates_for_api(
            tenant=self.request._request.tenant,
            all_versions=self.request.query_params.get("versions") == "all",
        )
