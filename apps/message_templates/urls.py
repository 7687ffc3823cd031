from django.urls import path

from apps.message_templates import views

app_name = "message_templates"

urlpatterns = [
    path("", views.template_list, name="list"),
    path("new/", views.template_create, name="create"),
    path("review/", views.review_queue, name="review_queue"),
    path("<int:pk>/", views.template_detail, name="detail"),
    path("<int:pk>/details/", views.template_details, name="details"),
    path("<int:pk>/versions/new/", views.version_new, name="version_new"),
    path("versions/<int:pk>/", views.version_detail, name="version"),
    path("versions/<int:pk>/edit/", views.version_edit, name="edit"),
    path("versions/<int:pk>/lint/", views.version_lint, name="lint"),
    path("versions/<int:pk>/submit/", views.version_submit, name="submit"),
    path("versions/<int:pk>/discard/", views.version_discard, name="discard"),
    path("versions/<int:pk>/review/", views.version_review, name="review"),
    path("versions/<int:pk>/diff/", views.version_diff, name="diff"),
]
