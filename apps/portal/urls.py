"""The customer portal, mounted at /portal/ on every tenant host (config/urls.py)."""

from django.urls import path, re_path

from apps.portal.views import account, auth, cases, public

app_name = "portal"

urlpatterns = [
    path("", cases.home, name="home"),
    # signing in and out
    path("sign-in/", auth.sign_in, name="sign_in"),
    path("sign-in/code/", auth.sign_in_code, name="sign_in_code"),
    path("sign-in/code/resend/", auth.sign_in_resend, name="sign_in_resend"),
    path("sign-in/link/<str:token>/", auth.sign_in_link, name="sign_in_link"),
    path("sign-out/", auth.sign_out, name="sign_out"),
    path("language/", auth.set_language, name="language"),
    # cases
    path("cases/", cases.case_list, name="cases"),
    path("cases/new/", cases.case_new, name="case_new"),
    path("cases/<str:reference>/", cases.case_detail, name="case"),
    path("cases/<str:reference>/reply/", cases.case_reply, name="case_reply"),
    path("cases/<str:reference>/confirm/", cases.case_confirm, name="case_confirm"),
    path("cases/<str:reference>/rate/", cases.case_rate, name="case_rate"),
    path(
        "cases/<str:reference>/attachments/<int:pk>/",
        cases.attachment_download,
        name="attachment",
    ),
    # account
    path("orders/", account.order_list, name="orders"),
    path("orders/<int:pk>/", account.order_detail, name="order"),
    path("messages/", account.message_list, name="messages"),
    path("messages/<int:pk>/", account.message_detail, name="message"),
    path("preferences/", account.preferences, name="preferences"),
    path("my-data/", account.my_data, name="my_data"),
    path("my-data/export/", account.my_data_export, name="my_data_export"),
    path("my-data/exports/<int:pk>/", account.export_download, name="export_download"),
    # without signing in
    path("track/", public.track_order, name="track"),
    path("l/<str:reference>/solved/<str:token>/", public.link_confirm, name="link_confirm"),
    path("l/<str:reference>/rate/<str:token>/", public.link_rate, name="link_rate"),
    # anything else under /portal/ gets the portal's own "not found" page
    re_path(r"^(?P<path>.*)$", public.not_found, name="not_found"),
]
