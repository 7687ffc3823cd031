"""Staff customer pages under /app/customers/ (namespace `customers`)."""

from django.urls import path

from apps.customers import views

app_name = "customers"

urlpatterns = [
    path("", views.customer_index, name="list"),
    path("new/", views.customer_new, name="create"),
    path("<int:pk>/", views.customer_profile, name="detail"),
    path("<int:pk>/edit/", views.customer_change, name="edit"),
    path("<int:pk>/consent/", views.customer_consent, name="consent"),
]
