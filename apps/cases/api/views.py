"""Cases, teams and event intake over the API. Views parse, look up within what the caller may
see (404 otherwise, as for a case that does not exist), call one service, and render."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, status
from rest_framework.exceptions import APIException
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import User
from apps.api.authentication import ApiKeyPrincipal
from apps.cases.api.event_serializers import EventAcceptedSerializer, EventEnvelopeSerializer
from apps.cases.api.serializers import (
    AssignSerializer,
    CaseCreateSerializer,
    CaseDetailSerializer,
    CasePageSerializer,
    CaseSerializer,
    CaseUpdateSerializer,
    DelaySerializer,
    EntryCreatedSerializer,
    EscalateSerializer,
    MessageSerializer,
    NoteSerializer,
    TeamSerializer,
    TransitionSerializer,
)
from apps.cases.exceptions import ConflictError
from apps.cases.intake import IdempotencyConflict, intake_body_hash, intake_event_apply, intake_event_find
from apps.cases.models import Case, Direction, SourceChannel, Team, TimelineEntry
from apps.cases.queue import QueueSort, QueueView, case_queue, queue_filters_from_params
from apps.cases.selectors import TENANT_WIDE, TenantWide, case_by_reference, case_timeline, team_list
from apps.cases.services import (
    case_add_note,
    case_announce_delay,
    case_assign,
    case_change_team,
    case_customer_message,
    case_escalate,
    case_link_order,
    case_open,
    case_reply,
    case_set_priority,
    case_set_tags,
    case_transition,
    case_update_details,
)
from apps.customers.api.principal import request_actor
from apps.customers.models import Order
from apps.customers.selectors import customer_detail, order_by_number
from apps.tenants.models import ApiScope, Membership, Tenant

TAGS = ["cases"]
STALE = OpenApiResponse(description="Stale version: the case changed since you read it.")
MAX_IDEMPOTENCY_KEY = 255


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "The request conflicts with the current state."


def _tenant(request: Request) -> Tenant:
    return request._request.tenant


def _viewer(request: Request) -> Membership | TenantWide:
    """Whose view of the cases applies: an API key sees the tenant, a session its visibility rule."""
    if isinstance(request.user, ApiKeyPrincipal):
        return TENANT_WIDE
    return request._request.membership


def _team(tenant: Tenant, team_id: int | None) -> Team | None:
    if team_id is None:
        return None
    team = Team.objects.for_tenant(tenant).filter(pk=team_id).first()
    if team is None:
        raise ValidationError({"team": "No such team."})
    return team


def _user(user_id: int | None) -> User | None:
    """The user with this id, or None; whether they may hold cases here is the service's check."""
    if user_id is None:
        return None
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise ValidationError({"assignee": "This person is not an active member of the workspace."})
    return user


def _order(tenant: Tenant, order_number: str | None) -> Order | None:
    if not order_number:
        return None
    order = order_by_number(tenant=tenant, order_number=order_number)
    if order is None:
        raise ValidationError({"order": "No such order."})
    return order


class CaseApiView(APIView):
    """Base of the case endpoints: finds the case within the caller's view and turns a stale
    `version` (ConflictError) into a 409 in the common error shape."""

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, ConflictError):
            exc = Conflict(str(exc))
        return super().handle_exception(exc)

    def get_case(self, request: Request, reference: str) -> Case:
        case = case_by_reference(tenant=_tenant(request), membership=_viewer(request), reference=reference)
        if case is None:
            raise Http404
        return case

    def render_case(self, request: Request, reference: str, *, code: int = status.HTTP_200_OK) -> Response:
        case = self.get_case(request, reference)
        data = CaseDetailSerializer(case, context={"timeline": case_timeline(case=case)}).data
        return Response(data, status=code)


QUEUE_PARAMETERS = [
    OpenApiParameter("view", str, enum=QueueView.values, description="Default: all."),
    OpenApiParameter(
        "sort", str, enum=QueueSort.values, description="Default: activity (most recent first)."
    ),
    OpenApiParameter("status", str, many=True, description="Repeat or comma-separate."),
    OpenApiParameter("priority", str, many=True),
    OpenApiParameter("kind", str, many=True),
    OpenApiParameter("channel", str, many=True, description="Source channel."),
    OpenApiParameter("team", int),
    OpenApiParameter("assignee", int),
    OpenApiParameter("tag", str),
    OpenApiParameter("created_from", OpenApiTypes.DATE, description="Inclusive, tenant's time zone."),
    OpenApiParameter("created_to", OpenApiTypes.DATE, description="Inclusive, tenant's time zone."),
    OpenApiParameter("q", str, description="Full-text search: reference, subject, messages, customer."),
    OpenApiParameter("cursor", str, description="From `next` of the previous page."),
    OpenApiParameter("page_size", int, description="1 to 200, default 50."),
]


class CaseListCreateView(CaseApiView):
    @extend_schema(
        summary="List cases",
        operation_id="cases_list",
        description="Keyset-paginated; follow `next`. Staff sessions see the cases their role allows.",
        tags=TAGS,
        parameters=QUEUE_PARAMETERS,
        responses={200: CasePageSerializer},
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        try:
            page_size = int(params.get("page_size") or 50)
        except ValueError:
            raise ValidationError({"page_size": "Give a number."}) from None
        page = case_queue(
            tenant=_tenant(request),
            membership=_viewer(request),
            view=params.get("view") or QueueView.ALL,
            sort=params.get("sort") or QueueSort.ACTIVITY,
            filters=queue_filters_from_params(params),
            cursor=params.get("cursor", ""),
            page_size=page_size,
        )
        next_url = None
        if page.next_cursor:
            query = params.copy()
            query["cursor"] = page.next_cursor
            next_url = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
        return Response({"results": CaseSerializer(page.cases, many=True).data, "next": next_url})

    @extend_schema(
        summary="Open a case",
        tags=TAGS,
        request=CaseCreateSerializer,
        responses={201: CaseDetailSerializer},
    )
    def post(self, request: Request) -> Response:
        serializer = CaseCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        tenant = _tenant(request)
        customer = customer_detail(tenant=tenant, customer_id=data["customer"])
        if customer is None:
            raise ValidationError({"customer": "No such customer."})
        default_channel = (
            SourceChannel.API if isinstance(request.user, ApiKeyPrincipal) else SourceChannel.AGENT
        )
        case = case_open(
            tenant=tenant,
            actor=request_actor(request),
            customer=customer,
            subject=data["subject"],
            description=data["description"],
            kind=data["kind"],
            source_channel=data.get("source_channel") or default_channel,
            priority=data["priority"],
            team=_team(tenant, data.get("team")),
            assignee=_user(data.get("assignee")),
            order=_order(tenant, data.get("order")),
            tags=data["tags"],
            initial_assessment=data["initial_assessment"],
        )
        return self.render_case(request, case.reference, code=status.HTTP_201_CREATED)


class CaseDetailView(CaseApiView):
    @extend_schema(summary="Get a case with its timeline", tags=TAGS, responses={200: CaseDetailSerializer})
    def get(self, request: Request, reference: str) -> Response:
        return self.render_case(request, reference)

    @extend_schema(
        summary="Change case fields",
        description="Any of subject, description, kind, priority, tags, team, order. With `version`, "
        "a case changed meanwhile is refused with 409. Each change is its own timeline entry.",
        tags=TAGS,
        request=CaseUpdateSerializer,
        responses={200: CaseDetailSerializer, 409: STALE},
    )
    def patch(self, request: Request, reference: str) -> Response:
        case = self.get_case(request, reference)
        serializer = CaseUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(serializer.validated_data)
        tenant, actor = _tenant(request), request_actor(request)
        with transaction.atomic():
            # The caller's version is checked once, by the first change; the rest build on it.
            version = data.pop("version", None)
            details = {field: data[field] for field in ("subject", "description", "kind") if field in data}
            case = case_update_details(actor=actor, case=case, changes=details, expected_version=version)
            if "priority" in data:
                case = case_set_priority(actor=actor, case=case, priority=data["priority"])
            if "tags" in data:
                case = case_set_tags(actor=actor, case=case, tags=data["tags"])
            if "team" in data:
                team = _team(tenant, data["team"])
                case = case_change_team(
                    actor=actor,
                    case=case,
                    team=team,
                    note=data.get("team_note", ""),
                    reason_for_customer=data.get("team_reason_for_customer", ""),
                )
            if "order" in data:
                case = case_link_order(actor=actor, case=case, order=_order(tenant, data["order"]))
        return self.render_case(request, case.reference)


class CaseActionView(CaseApiView):
    """POST of one action on a case: validate `input_serializer`, `act`, answer with the case (or,
    when `act` adds a timeline entry, with that entry and the case, 201)."""

    input_serializer: type[serializers.Serializer]

    def act(self, request: Request, case: Case, data: dict[str, Any]) -> TimelineEntry | None:
        raise NotImplementedError

    def post(self, request: Request, reference: str) -> Response:
        case = self.get_case(request, reference)
        serializer = self.input_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = self.act(request, case, serializer.validated_data)
        if entry is None:
            return self.render_case(request, reference)
        data = EntryCreatedSerializer({"entry": entry, "case": entry.case}).data
        return Response(data, status=status.HTTP_201_CREATED)


def _action_schema(
    summary: str, serializer: type, *, description: str = "", entry: bool = False, files: bool = False
):
    request = {"application/json": serializer, "multipart/form-data": serializer} if files else serializer
    answer = {201: EntryCreatedSerializer} if entry else {200: CaseDetailSerializer}
    return extend_schema_view(
        post=extend_schema(
            summary=summary,
            description=description,
            tags=TAGS,
            request=request,
            responses={**answer, 409: STALE},
        )
    )


@_action_schema(
    "Change a case's status",
    TransitionSerializer,
    description="Only moves in the transition table are allowed (docs/cases.md); others answer 400.",
)
class CaseTransitionView(CaseActionView):
    input_serializer = TransitionSerializer

    def act(self, request: Request, case: Case, data: dict[str, Any]) -> None:
        case_transition(
            actor=request_actor(request),
            case=case,
            to_status=data["status"],
            reason=data["reason"],
            expected_version=data.get("version"),
        )


@_action_schema("Assign a case (or return it to the pool)", AssignSerializer)
class CaseAssignView(CaseActionView):
    input_serializer = AssignSerializer

    def act(self, request: Request, case: Case, data: dict[str, Any]) -> None:
        assignee = _user(data["assignee"])
        case_assign(
            actor=request_actor(request), case=case, assignee=assignee, expected_version=data.get("version")
        )


@_action_schema("Escalate a case one level", EscalateSerializer)
class CaseEscalateView(CaseActionView):
    input_serializer = EscalateSerializer

    def act(self, request: Request, case: Case, data: dict[str, Any]) -> None:
        reason = data["reason"]
        case_escalate(
            actor=request_actor(request), case=case, reason=reason, expected_version=data.get("version")
        )


@_action_schema(
    "Announce a delay to the customer",
    DelaySerializer,
    description="Sends the approved `case.delayed` template at once with the cause, the impact and the "
    "new expected resolution, which the portal and later messages quote from then on. Only an open "
    "case; the new time must be in the future (400 otherwise).",
)
class CaseDelayView(CaseActionView):
    input_serializer = DelaySerializer

    def act(self, request: Request, case: Case, data: dict[str, Any]) -> None:
        case_announce_delay(
            actor=request_actor(request),
            case=case,
            cause=data["cause"],
            impact=data["impact"],
            new_expected_at=data["new_expected_at"],
            expected_version=data.get("version"),
        )


@_action_schema(
    "Add a message",
    MessageSerializer,
    description="`direction: out` (default) is a reply to the customer, waiting for the notification "
    "pipeline; `direction: in` records a message from the customer. Attachments by multipart.",
    entry=True,
    files=True,
)
class CaseMessagesView(CaseActionView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    input_serializer = MessageSerializer

    def act(self, request: Request, case: Case, data: dict[str, Any]) -> TimelineEntry:
        actor = request_actor(request)
        if data["direction"] == Direction.INBOUND:
            return case_customer_message(
                case=case,
                body=data["body"],
                channel=data["channel"],
                actor=actor,
                attachments=data["attachments"],
            )
        return case_reply(
            actor=actor,
            case=case,
            body=data["body"],
            channel=data.get("channel", ""),
            attachments=data["attachments"],
            expected_version=data.get("version"),
        )


@_action_schema(
    "Add an internal note",
    NoteSerializer,
    description="Staff only; never shown to the customer.",
    entry=True,
    files=True,
)
class CaseNotesView(CaseActionView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    input_serializer = NoteSerializer

    def act(self, request: Request, case: Case, data: dict[str, Any]) -> TimelineEntry:
        return case_add_note(
            actor=request_actor(request),
            case=case,
            body=data["body"],
            attachments=data["attachments"],
            expected_version=data.get("version"),
        )


class TeamListView(APIView):
    @extend_schema(summary="List teams", tags=TAGS, responses={200: TeamSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return Response(TeamSerializer(team_list(tenant=_tenant(request)), many=True).data)


EXAMPLE_SHIPPED = {
    "type": "order.shipped",
    "data": {
        "order_number": "WEB-100234",
        "carrier": "DHL",
        "tracking_number": "JD014600006281230",
        "tracking_url": "https://www.dhl.com/track?id=JD014600006281230",
    },
}


class EventIntakeView(APIView):
    """POST /api/v1/events/: order, customer and case events from other systems, applied once."""

    required_scope = ApiScope.EVENTS

    @extend_schema(
        summary="Post an event",
        description=(
            "Types: order.placed, order.confirmed, order.processing_delayed, order.shipped, "
            "order.delivered, order.delayed, customer.created, case.created (schemas in docs/cases.md). "
            "Send an `Idempotency-Key` header: the same key and body again returns the first response "
            "(with `Idempotent-Replayed: true`); the same key with another body is a 409. An event for an "
            "unknown order creates it when it carries `customer`, else it is refused with 422."
        ),
        tags=["events"],
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                location=OpenApiParameter.HEADER,
                required=True,
                description="Unique per event, up to 255 characters.",
            )
        ],
        request=EventEnvelopeSerializer,
        responses={
            201: EventAcceptedSerializer,
            400: OpenApiResponse(description="Missing key or invalid event (nothing stored)."),
            409: OpenApiResponse(description="Key reused with a different body."),
            422: OpenApiResponse(description="Valid event that cannot be applied (stored)."),
        },
        examples=[OpenApiExample("order.shipped", value=EXAMPLE_SHIPPED, request_only=True)],
    )
    def post(self, request: Request) -> Response:
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key or len(key) > MAX_IDEMPOTENCY_KEY or not key.isprintable():
            message = "Send an Idempotency-Key header (1 to 255 printable characters) with each event."
            raise ValidationError({"Idempotency-Key": message})
        if not isinstance(request.data, dict):
            raise ValidationError({"non_field_errors": "The body must be a JSON object."})
        tenant = _tenant(request)
        body = dict(request.data)
        body_hash = intake_body_hash(body)
        try:
            stored = intake_event_find(tenant=tenant, key=key, body_hash=body_hash)
        except IdempotencyConflict:
            raise Conflict(
                "This Idempotency-Key was used with a different body; use a new key for a new event.",
                code="idempotency_conflict",
            ) from None
        if stored is not None:
            return Response(
                stored.response_body, status=stored.response_status, headers={"Idempotent-Replayed": "true"}
            )
        envelope = EventEnvelopeSerializer(data=body)
        envelope.is_valid(raise_exception=True)
        event = intake_event_apply(
            tenant=tenant,
            actor=request_actor(request),
            key=key,
            body=body,
            body_hash=body_hash,
            event_type=envelope.validated_data["type"],
            data=envelope.validated_data["data"],
        )
        return Response(event.response_body, status=event.response_status)
