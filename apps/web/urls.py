from django.urls import path

from apps.web import auth_views, settings_views, views

app_name = "web"

urlpatterns = [
    path("", views.root, name="root"),
    path("app/", views.home, name="home"),
    path("app/login/", auth_views.login_view, name="login"),
    path("app/logout/", auth_views.logout_view, name="logout"),
    path("app/password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("app/password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "app/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "app/password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("app/settings/", settings_views.general, name="settings"),
    path("app/settings/members/", settings_views.members, name="settings_members"),
    path("app/settings/members/<int:pk>/role/", settings_views.member_role, name="settings_member_role"),
    path(
        "app/settings/members/<int:pk>/deactivate/",
        settings_views.member_deactivate,
        name="settings_member_deactivate",
    ),
    path(
        "app/settings/members/<int:pk>/reactivate/",
        settings_views.member_reactivate,
        name="settings_member_reactivate",
    ),
    path("app/settings/api-keys/", settings_views.api_keys, name="settings_api_keys"),
    path(
        "app/settings/api-keys/<int:pk>/revoke/",
        settings_views.revoke_api_key,
        name="settings_api_key_revoke",
    ),
]
