from django.urls import path

from apps.sla import views, work_views

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
    path(f"{SETTINGS}calendars/<int:pk>/teams/", views.calendar_teams_view, name="calendar_teams"),
    path(f"{SETTINGS}calendars/<int:pk>/closures/", views.closure_add_view, name="closure_add"),
    path(
        f"{SETTINGS}calendars/<int:pk>/closures/<int:closure_pk>/delete/",
        views.closure_remove_view,
        name="closure_remove",
    ),
    path(f"{SETTINGS}escalation/", views.escalation_matrix_view, name="escalation_matrix"),
    path(f"{SETTINGS}timers/", work_views.timer_settings, name="timer_settings"),
    # The SLA engine's work pages.
    path("app/escalations/", work_views.escalations, name="escalations"),
    path(
        "app/escalations/<int:pk>/acknowledge/",
        work_views.escalation_acknowledge_view,
        name="escalation_acknowledge",
    ),
    path(
        "app/escalations/<int:pk>/reassign/", work_views.escalation_reassign_view, name="escalation_reassign"
    ),
    path(
        "app/escalations/<int:pk>/deescalate/",
        work_views.escalation_deescalate_view,
        name="escalation_deescalate",
    ),
    path("app/notices/", work_views.notices, name="notices"),
    path("app/notices/read/", work_views.notices_read_all, name="notices_read_all"),
    path("app/notices/bell/", work_views.notice_bell, name="notice_bell"),
    path("app/notices/<int:pk>/", work_views.notice_open, name="notice_open"),
    path("app/sla/clock/<str:reference>/", work_views.case_clock, name="case_clock"),
]
