"""Staff pages of the notifications app: the dev outbox (what `make run` caught instead of sending)."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apps.message_templates.sms import sms_stats
from apps.notifications.models import ChannelName
from apps.notifications.selectors import dev_outbox_message, dev_outbox_messages
from apps.notifications.services import dev_outbox_clear
from apps.tenants.models import Role
from apps.web.decorators import staff_required

OUTBOX_CHANNELS = [ChannelName.EMAIL, ChannelName.SMS, ChannelName.VOICE]


@staff_required
def dev_outbox(request: HttpRequest) -> HttpResponse:
    channel = request.GET.get("channel", "")
    if channel not in OUTBOX_CHANNELS:
        channel = ""
    page = Paginator(dev_outbox_messages(tenant=request.tenant, channel=channel), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/dev_outbox_list.html",
        {
            "page": page,
            "channel": channel,
            "channels": OUTBOX_CHANNELS,
            "dev_outbox_on": settings.DEV_OUTBOX,
            "can_clear": request.membership.is_admin,
        },
    )


@staff_required
def dev_outbox_detail(request: HttpRequest, message_id: int) -> HttpResponse:
    message = dev_outbox_message(tenant=request.tenant, message_id=message_id)
    if message is None:
        raise Http404("No such message.")
    stats = sms_stats(message.text) if message.channel == ChannelName.SMS else None
    return render(request, "notifications/dev_outbox_detail.html", {"message": message, "sms": stats})


@staff_required(role=Role.ADMIN)
@require_POST
def dev_outbox_clear_view(request: HttpRequest) -> HttpResponse:
    deleted = dev_outbox_clear(tenant=request.tenant, actor=request.user)
    messages.success(request, f"Cleared {deleted} captured message{'s' if deleted != 1 else ''}.")
    return redirect("notifications:dev_outbox")
