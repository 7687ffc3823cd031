"""Customers and orders over the API: parse, call a service, render. Rules live in services."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from apps.customers.api.principal import request_actor, request_consent_source
from apps.customers.api.serializers import (
    CustomerSerializer,
    CustomerWriteSerializer,
    OrderCreateSerializer,
    OrderSerializer,
    OrderUpdateSerializer,
)
from apps.customers.models import ContactKind, Customer, Order, OrderStatus
from apps.customers.selectors import (
    contact_points_of,
    customer_detail,
    customer_list,
    order_by_number,
    order_list,
)
from apps.customers.services import (
    CUSTOMER_UPDATABLE_FIELDS,
    consent_set,
    customer_create,
    customer_set_contact_points,
    customer_update,
    order_create,
    order_transition,
    order_update,
)
from apps.tenants.models import Tenant

TAGS = ["customers"]
ORDER_TAGS = ["orders"]


def _tenant(request: Request) -> Tenant:
    return request._request.tenant


def _customer_or_404(request: Request, customer_id: int) -> Customer:
    customer = customer_detail(tenant=_tenant(request), customer_id=customer_id)
    if customer is None:
        raise Http404
    return customer


class CustomerListCreateView(GenericAPIView):
    queryset = Customer.objects.none()  # for the schema; rows come from selectors
    serializer_class = CustomerSerializer

    @extend_schema(
        summary="List customers",
        tags=TAGS,
        parameters=[
            OpenApiParameter("q", str, description="Search name, email, phone, external id (prefix words)."),
            OpenApiParameter("email", str, description="Exact email address."),
            OpenApiParameter("phone", str, description="Phone number in international form."),
            OpenApiParameter("external_id", str),
            OpenApiParameter("tag", str),
        ],
        responses={200: CustomerSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        customers = customer_list(
            tenant=_tenant(request),
            query=params.get("q", ""),
            tag=params.get("tag", ""),
            email=params.get("email", ""),
            phone=params.get("phone", ""),
            external_id=params.get("external_id", ""),
        )
        page = self.paginate_queryset(customers)
        return self.get_paginated_response(CustomerSerializer(page, many=True).data)

    @extend_schema(
        summary="Create a customer",
        tags=TAGS,
        request=CustomerWriteSerializer,
        responses={201: CustomerSerializer},
    )
    def post(self, request: Request) -> Response:
        serializer = CustomerWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        customer = customer_create(
            tenant=_tenant(request),
            actor=request_actor(request),
            consent_source=request_consent_source(request),
            **serializer.validated_data,
        )
        customer = customer_detail(tenant=_tenant(request), customer_id=customer.pk)
        return Response(CustomerSerializer(customer).data, status=status.HTTP_201_CREATED)


def _current(customer: Customer, kind: str) -> list[str]:
    """The customer's addresses of `kind`, primary first (what an update leaves in place)."""
    return [point.value for point in contact_points_of(customer=customer, kind=kind)]


class CustomerDetailView(GenericAPIView):
    queryset = Customer.objects.none()  # for the schema; rows come from selectors
    serializer_class = CustomerSerializer

    @extend_schema(summary="Get a customer", tags=TAGS, responses={200: CustomerSerializer})
    def get(self, request: Request, customer_id: int) -> Response:
        return Response(CustomerSerializer(_customer_or_404(request, customer_id)).data)

    @extend_schema(
        summary="Change a customer",
        description="Any subset of fields. `emails`/`phones` replace the lists (the first is primary); "
        "`consents` sets consent per channel and logs each change.",
        tags=TAGS,
        request=CustomerWriteSerializer(partial=True),
        responses={200: CustomerSerializer},
    )
    def patch(self, request: Request, customer_id: int) -> Response:
        customer = _customer_or_404(request, customer_id)
        serializer = CustomerWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        actor = request_actor(request)
        # One savepoint: a later part failing must undo the earlier ones (a 400 does not roll back
        # the request's transaction).
        with transaction.atomic():
            profile = {field: value for field, value in data.items() if field in CUSTOMER_UPDATABLE_FIELDS}
            customer_update(actor=actor, customer=customer, changes=profile)
            if "emails" in data or "phones" in data:
                customer_set_contact_points(
                    actor=actor,
                    customer=customer,
                    emails=data.get("emails", _current(customer, ContactKind.EMAIL)),
                    phones=data.get("phones", _current(customer, ContactKind.PHONE)),
                )
            for channel, granted in data.get("consents", {}).items():
                consent_set(
                    actor=actor,
                    customer=customer,
                    channel=channel,
                    granted=granted,
                    source=request_consent_source(request),
                )
        return Response(CustomerSerializer(_customer_or_404(request, customer_id)).data)


def _order_or_404(request: Request, order_number: str) -> Order:
    order = order_by_number(tenant=_tenant(request), order_number=order_number)
    if order is None:
        raise Http404
    return order


class OrderListCreateView(GenericAPIView):
    queryset = Order.objects.none()  # for the schema; rows come from selectors
    serializer_class = OrderSerializer

    @extend_schema(
        summary="List orders",
        tags=ORDER_TAGS,
        parameters=[
            OpenApiParameter("customer", int, description="Only this customer's orders."),
            OpenApiParameter("status", str, enum=OrderStatus.values),
        ],
        responses={200: OrderSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        customer = request.query_params.get("customer")
        if customer is not None and not customer.isdigit():
            raise ValidationError({"customer": "Give a customer id."})
        status_filter = request.query_params.get("status", "")
        if status_filter and status_filter not in OrderStatus.values:
            raise ValidationError({"status": f"Choose from {', '.join(OrderStatus.values)}."})
        orders = order_list(
            tenant=_tenant(request), customer_id=int(customer) if customer else None, status=status_filter
        ).prefetch_related("status_events")
        page = self.paginate_queryset(orders)
        return self.get_paginated_response(OrderSerializer(page, many=True).data)

    @extend_schema(
        summary="Create an order",
        tags=ORDER_TAGS,
        request=OrderCreateSerializer,
        responses={201: OrderSerializer},
    )
    def post(self, request: Request) -> Response:
        serializer = OrderCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        customer = customer_detail(tenant=_tenant(request), customer_id=data.pop("customer"))
        if customer is None:
            raise ValidationError({"customer": "No such customer."})
        order = order_create(tenant=_tenant(request), actor=request_actor(request), customer=customer, **data)
        return Response(
            OrderSerializer(_order_or_404(request, order.order_number)).data, status=status.HTTP_201_CREATED
        )


class OrderDetailView(GenericAPIView):
    queryset = Order.objects.none()  # for the schema; rows come from selectors
    serializer_class = OrderSerializer

    @extend_schema(summary="Get an order by its number", tags=ORDER_TAGS, responses={200: OrderSerializer})
    def get(self, request: Request, order_number: str) -> Response:
        return Response(OrderSerializer(_order_or_404(request, order_number)).data)

    @extend_schema(
        summary="Change an order",
        description="Details change in place. A `status` moves the order (delays need `reason` and "
        "`expected_delivery`; a shipment needs `carrier` and `tracking_number`) and is recorded "
        "in its history.",
        tags=ORDER_TAGS,
        request=OrderUpdateSerializer,
        responses={200: OrderSerializer},
    )
    def patch(self, request: Request, order_number: str) -> Response:
        order = _order_or_404(request, order_number)
        serializer = OrderUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        to_status = data.pop("status", None)
        reason = data.pop("reason", "")
        actor = request_actor(request)
        with transaction.atomic():
            if to_status:
                shipment = {
                    key: data.pop(key)
                    for key in ("carrier", "tracking_number", "tracking_url")
                    if key in data
                }
                order = order_transition(
                    actor=actor,
                    order=order,
                    to_status=to_status,
                    reason=reason,
                    expected_delivery=data.pop("expected_delivery", None),
                    **shipment,
                )
            order_update(actor=actor, order=order, changes=data)
        return Response(OrderSerializer(_order_or_404(request, order_number)).data)
