"""Settings → Teams under /app/settings/teams/ (namespace `teams`, see apps/cases/views/teams.py)."""

from django.urls import path

from apps.cases.views import teams

app_name = "teams"

urlpatterns = [
    path("", teams.team_list_view, name="list"),
    path("<int:pk>/", teams.team_detail, name="detail"),
    path("<int:pk>/members/", teams.team_member_add, name="member_add"),
    path("<int:pk>/members/<int:user_pk>/remove/", teams.team_member_remove, name="member_remove"),
    path("<int:pk>/calendar/", teams.team_calendar, name="calendar"),
    path("<int:pk>/delete/", teams.team_delete_view, name="delete"),
]
