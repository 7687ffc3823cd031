"""The agent workspace under /app/cases/ (namespace `cases`)."""

from django.urls import path

from apps.cases.views import case, create, queue

app_name = "cases"

urlpatterns = [
    path("", queue.queue, name="queue"),
    path("new/", create.case_create, name="create"),
    path("attachments/<int:pk>/", case.attachment_download, name="attachment"),
    path("<str:reference>/", case.case_detail, name="detail"),
]
# One URL per case action, all served by `case_action` (see case.ACTIONS): cases:reply, cases:note …
urlpatterns += [
    path(f"<str:reference>/{action}/", case.case_action, {"action": action}, name=action)
    for action in case.ACTIONS
]
