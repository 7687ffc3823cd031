from django.urls import path

from apps.cases.api import views

urlpatterns = [
    path("cases/", views.CaseListCreateView.as_view(), name="case-list"),
    path("cases/<str:reference>/", views.CaseDetailView.as_view(), name="case-detail"),
    path("cases/<str:reference>/transition/", views.CaseTransitionView.as_view(), name="case-transition"),
    path("cases/<str:reference>/assign/", views.CaseAssignView.as_view(), name="case-assign"),
    path("cases/<str:reference>/escalate/", views.CaseEscalateView.as_view(), name="case-escalate"),
    path("cases/<str:reference>/delay/", views.CaseDelayView.as_view(), name="case-delay"),
    path("cases/<str:reference>/messages/", views.CaseMessagesView.as_view(), name="case-messages"),
    path("cases/<str:reference>/notes/", views.CaseNotesView.as_view(), name="case-notes"),
    path("teams/", views.TeamListView.as_view(), name="team-list"),
    path("events/", views.EventIntakeView.as_view(), name="event-intake"),
]
