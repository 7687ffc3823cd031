"""Staff pages of the outbox: the notification log (supervisors and admins), one notification with its
attempts, resending a failed one, and the trigger rules in Settings.

Objects are looked up within the host's tenant only, so another tenant's notification or rule is a 404.
Opening a notification is audited: it shows a message sent to a customer (a communication log view).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.audit.services import audit_record
from apps.message_templates.sms import sms_stats
from apps.message_templates.triggers import TRIGGERS
from apps.notifications.models import ChannelName
from apps.notifications.outbox.forms import NotificationFilterForm, TriggerRuleForm
from apps.notifications.outbox.models import TriggerRule
from apps.notifications.outbox.rules import trigger_label, trigger_rule_update, trigger_rules_of
from apps.notifications.outbox.selectors import (
    notification_can_resend,
    notification_detail,
    notification_log,
    notification_triggers,
)
from apps.notifications.outbox.services import notification_resend
from apps.tenants.models import Role
from apps.web import navigation
from apps.web.decorators import staff_required

supervisor_required = staff_required(role=Role.SUPERVISOR)
PAGE_SIZE = 50


@supervisor_required
@require_GET
def log(request: HttpRequest) -> HttpResponse:
    tenant = request.tenant
    form = NotificationFilterForm(request.GET or None, triggers=notification_triggers(tenant=tenant))
    filters = form.filters() if form.is_bound else {}
    page = Paginator(notification_log(tenant=tenant, **filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "notifications/log.html",
        {"form": form, "page": page, "query": query.urlencode(), "filtered": bool(filters)},
    )


@supervisor_required
@require_GET
def detail(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification = notification_detail(tenant=request.tenant, notification_id=notification_id)
    if notification is None:
        raise Http404("No such notification.")
    audit_record(
        tenant=request.tenant,
        actor=request.user,
        action="notification.viewed",
        target=notification,
        metadata={"channel": notification.channel, "trigger": notification.trigger},
    )
    sms = sms_stats(notification.text) if notification.channel == ChannelName.SMS else None
    return render(
        request,
        "notifications/detail.html",
        {
            "notification": notification,
            "trigger_name": trigger_label(notification.trigger),
            "sms": sms,
            "can_resend": notification_can_resend(notification),
        },
    )


@supervisor_required
@require_POST
def resend(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification = notification_detail(tenant=request.tenant, notification_id=notification_id)
    if notification is None:
        raise Http404("No such notification.")
    try:
        copy = notification_resend(tenant=request.tenant, actor=request.user, notification=notification)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return redirect("notifications:detail", notification_id=notification.pk)
    messages.success(request, "Sent again as a new notification.")
    return redirect("notifications:detail", notification_id=copy.pk)


def _rule_rows(rules: list[TriggerRule], bound: dict[int, TriggerRuleForm]) -> list[dict]:
    rows = []
    for rule in rules:
        initial = {"enabled": rule.enabled, "channels": rule.channels, "urgent": rule.urgent}
        form = bound.get(rule.pk) or TriggerRuleForm(initial=initial, prefix=f"rule-{rule.pk}")
        when = TRIGGERS[rule.trigger].when if rule.trigger in TRIGGERS else ""
        rows.append({"rule": rule, "label": trigger_label(rule.trigger), "when": when, "form": form})
    return rows


@supervisor_required
@require_http_methods(["GET", "POST"])
def rules(request: HttpRequest) -> HttpResponse:
    """Every trigger rule with its own small form; a POST saves the one rule named by `rule`."""
    tenant = request.tenant
    all_rules = trigger_rules_of(tenant=tenant)
    bound: dict[int, TriggerRuleForm] = {}
    status = 200
    if request.method == "POST":
        rule = next((rule for rule in all_rules if str(rule.pk) == request.POST.get("rule")), None)
        if rule is None:
            raise Http404("No such rule.")
        form = TriggerRuleForm(request.POST, prefix=f"rule-{rule.pk}")
        if form.is_valid():
            try:
                trigger_rule_update(tenant=tenant, actor=request.user, rule=rule, **form.cleaned_data)
            except ValidationError as error:
                form.add_error("channels", error.messages)
            else:
                messages.success(request, f"Saved “{trigger_label(rule.trigger)}”.")
                return redirect(f"{request.path}#rule-{rule.pk}")
        bound[rule.pk] = form
        status = 400
    tabs = navigation.links_for(navigation.SETTINGS_TABS, membership=request.membership, path=request.path)
    return render(
        request,
        "notifications/rules.html",
        {"settings_tabs": tabs, "rows": _rule_rows(all_rules, bound)},
        status=status,
    )
