from django.urls import path

from apps.web import views

app_name = "web"

urlpatterns = [
    path("", views.root, name="root"),
    path("app/", views.home, name="home"),
    path("app/login/", views.login_view, name="login"),
    path("app/logout/", views.logout_view, name="logout"),
]
