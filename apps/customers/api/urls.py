from django.urls import path

from apps.customers.api import views

urlpatterns = [
    path("customers/", views.CustomerListCreateView.as_view(), name="customer-list"),
    path("customers/<int:customer_id>/", views.CustomerDetailView.as_view(), name="customer-detail"),
    path("orders/", views.OrderListCreateView.as_view(), name="order-list"),
    path("orders/<str:order_number>/", views.OrderDetailView.as_view(), name="order-detail"),
]
