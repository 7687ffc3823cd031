from django.urls import path

from apps.sla import views

app_name = "sla"

SETTINGS = "app/settings/sla/"

urlpatterns = [
    path(SETTINGS, views.policies, name="policies"),
    path(f"{SETTINGS}install-defaults/", views.install_defaults, name="install_defaults"),
    path(f"{SETTINGS}policies/new/", views.policy_create_view, name="policy_create"),
    path(f"{SETTINGS}policies/preview/", views.policy_preview, name="policy_preview"),
    path(f"{SETTINGS}policies/<int:pk>/", views.policy_edit, name="policy_edit"),
    path(f"{SETTINGS}policies/<int:pk>/delete/", views.policy_delete_view, name="policy_delete"),
    path(f"{SETTINGS}calendars/", views.calendars, name="calendars"),
    path(f"{SETTINGS}calendars/new/", views.calendar_create_view, name="calendar_create"),
    path(f"{SETTINGS}calendars/regions/", views.calendar_subdivisions, name="calendar_subdivisions"),
    path(f"{SETTINGS}calendars/<int:pk>/", views.calendar_edit, name="calendar_edit"),
    path(f"{SETTINGS}calendars/<int:pk>/delete/", views.calendar_delete_view, name="calendar_delete"),
    path(f"{SETTINGS}calendars/<int:pk>/closures/", views.closure_add_view, name="closure_add"),
    path(
        f"{SETTINGS}calendars/<int:pk>/closures/<int:closure_pk>/delete/",
        views.closure_remove_view,
        name="closure_remove",
    ),
    path(f"{SETTINGS}escalation/", views.escalation_matrix_view, name="escalation_matrix"),
]
