from django.urls import path

from apps.message_templates.api.views import MessageTemplateViewSet

urlpatterns = [
    path("templates/", MessageTemplateViewSet.as_view({"get": "list"}), name="message-template-list"),
    path(
        "templates/<int:pk>/",
        MessageTemplateViewSet.as_view({"get": "retrieve"}),
        name="message-template-detail",
    ),
]
