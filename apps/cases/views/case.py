"""The case page (`cases:detail`), its actions and attachment downloads.

Every action is a POST of one small form to its own URL (`cases:reply`, `cases:status` …) handled
by `case_action`: parse the form, call one service with the case `version` the form was rendered
with, answer.

- With htmx the answer is a set of out-of-band fragments (header, properties, timeline, alerts …)
  that replace the parts in place. The parts where agents type text (the composer, the escalation
  reason) are replaced only when it was their form that was submitted; otherwise they just receive
  the new version, so text being typed there survives.
- Without JavaScript the same forms post normally: success redirects back to the case page
  (post/redirect/get); a form error or a conflict renders the whole page with the form filled in.
- A stale version (someone else changed the case meanwhile) answers 409 with the case as it is
  now, a "Someone else changed this case" alert, and the submitted form still filled in.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from apps.cases.exceptions import ConflictError
from apps.cases.forms import (
    AssignForm,
    CaseForm,
    DelayForm,
    EscalateForm,
    NoteForm,
    OrderLinkForm,
    PriorityForm,
    ReplyForm,
    StatusForm,
    TagsForm,
    TeamForm,
)
from apps.cases.models import Case, CaseStatus, EntryKind, MessageChannel, Priority
from apps.cases.presenters import timeline_items
from apps.cases.reply_templates import reply_template_choices, reply_template_text
from apps.cases.selectors import attachment_for_download, case_by_reference, case_timeline, team_list
from apps.cases.services import (
    SENT_CHANNELS,
    case_add_note,
    case_announce_delay,
    case_assign,
    case_change_team,
    case_escalate,
    case_link_order,
    case_reply,
    case_set_priority,
    case_set_tags,
    case_transition,
)
from apps.common.forms import apply_service_errors
from apps.customers.models import Channel, ContactKind
from apps.customers.selectors import contact_points_of, customer_reachable_channels
from apps.notifications.outbox.selectors import notification_statuses_for_entries
from apps.web.decorators import staff_required

OUTBOUND_KINDS = (EntryKind.MESSAGE_OUT, EntryKind.CUSTOMER_UPDATE)
CONFLICT_MESSAGE = "Someone else changed this case — reload to see their change."

# The parts of the page where text is typed, by action: kept in place while other forms post.
TEXT_SECTIONS = {"reply": "composer", "note": "composer", "escalate": "escalate", "delay": "delay"}


@dataclass(frozen=True)
class CaseAction:
    form_class: type[CaseForm]
    # Calls the service; returns the confirmation shown to the agent.
    perform: Callable[[HttpRequest, Case, dict], str]


def _reply(request: HttpRequest, case: Case, data: dict) -> str:
    entry = case_reply(
        actor=request.user,
        case=case,
        body=data["body"],
        channel=data["channel"],
        attachments=data["attachments"],
        expected_version=data["version"],
    )
    channel = MessageChannel(entry.channel).label
    if entry.channel in SENT_CHANNELS:
        return f"Reply queued for sending by {channel}."
    return f"Reply logged ({channel.lower()})."


def _note(request: HttpRequest, case: Case, data: dict) -> str:
    case_add_note(
        actor=request.user,
        case=case,
        body=data["body"],
        attachments=data["attachments"],
        expected_version=data["version"],
    )
    return "Internal note added."


def _status(request: HttpRequest, case: Case, data: dict) -> str:
    case = case_transition(
        actor=request.user,
        case=case,
        to_status=data["to_status"],
        reason=data["reason"],
        expected_version=data["version"],
    )
    return f"Status changed to {CaseStatus(case.status).label.lower()}."


def _assign(request: HttpRequest, case: Case, data: dict) -> str:
    assignee = data["assignee"]
    case_assign(actor=request.user, case=case, assignee=assignee, expected_version=data["version"])
    if assignee is None:
        return "The case is unassigned."
    return "The case is yours." if assignee.pk == request.user.pk else f"Assigned to {assignee}."


def _team(request: HttpRequest, case: Case, data: dict) -> str:
    team = data["team"]
    case_change_team(
        actor=request.user,
        case=case,
        team=team,
        note=data["note"],
        reason_for_customer=data["reason_for_customer"],
        expected_version=data["version"],
    )
    if team is None:
        return "The case has no team now."
    return f"Moved to {team}. The customer will be told of the hand-over."


def _escalate(request: HttpRequest, case: Case, data: dict) -> str:
    case = case_escalate(
        actor=request.user, case=case, reason=data["reason"], expected_version=data["version"]
    )
    return f"Escalated to level {case.escalation_level}."


def _delay(request: HttpRequest, case: Case, data: dict) -> str:
    case_announce_delay(
        actor=request.user,
        case=case,
        cause=data["cause"],
        impact=data["impact"],
        new_expected_at=data["new_expected_at"],
        expected_version=data["version"],
    )
    return "Delay notice on its way to the customer."


def _order(request: HttpRequest, case: Case, data: dict) -> str:
    order = data["order"]
    case_link_order(actor=request.user, case=case, order=order, expected_version=data["version"])
    return f"Linked order {order}." if order else "The order is unlinked."


def _tags(request: HttpRequest, case: Case, data: dict) -> str:
    case_set_tags(actor=request.user, case=case, tags=data["tags"], expected_version=data["version"])
    return "Tags saved."


def _priority(request: HttpRequest, case: Case, data: dict) -> str:
    case_set_priority(
        actor=request.user, case=case, priority=data["priority"], expected_version=data["version"]
    )
    return f"Priority set to {Priority(data['priority']).label.lower()}."


ACTIONS: dict[str, CaseAction] = {
    "reply": CaseAction(ReplyForm, _reply),
    "note": CaseAction(NoteForm, _note),
    "status": CaseAction(StatusForm, _status),
    "assign": CaseAction(AssignForm, _assign),
    "team": CaseAction(TeamForm, _team),
    "escalate": CaseAction(EscalateForm, _escalate),
    "delay": CaseAction(DelayForm, _delay),
    "order": CaseAction(OrderLinkForm, _order),
    "tags": CaseAction(TagsForm, _tags),
    "priority": CaseAction(PriorityForm, _priority),
}


def visible_case(request: HttpRequest, reference: str) -> Case:
    """The case if it is in this tenant and the viewer may see it; 404 alike otherwise."""
    case = case_by_reference(tenant=request.tenant, membership=request.membership, reference=reference)
    if case is None:
        raise Http404("No such case.")
    case.tenant = request.tenant  # the same row, already loaded: forms and services need not fetch it
    return case


def _forms(
    case: Case, bound: dict[str, Form] | None = None, reply_initial: dict | None = None
) -> dict[str, Form]:
    """A form per action for the case as it is now; `bound` ones (with the agent's input) win."""
    forms = {name: action.form_class(case=case) for name, action in ACTIONS.items()}
    if reply_initial:
        forms["reply"] = ReplyForm(case=case, initial=reply_initial)
    return forms | (bound or {})


def _customer_context(case: Case) -> dict:
    customer = case.customer
    reachable = customer_reachable_channels(customer=customer)
    consents = {consent.channel: consent for consent in customer.consents.all()}
    return {
        "customer": customer,
        "preferred_channel": Channel(reachable[0]).label if reachable else "",
        "channels": [
            {
                "label": Channel(channel).label,
                "reachable": channel in reachable,
                "consent": consents.get(channel),
            }
            for channel in customer.preferred_channels
        ],
        "emails": contact_points_of(customer=customer, kind=ContactKind.EMAIL),
        "phones": contact_points_of(customer=customer, kind=ContactKind.PHONE),
    }


def case_context(
    request: HttpRequest,
    case: Case,
    *,
    bound: dict[str, Form] | None = None,
    alert: tuple[str, str] | None = None,
    reply_initial: dict | None = None,
) -> dict:
    team_names = {team.pk: team.name for team in team_list(tenant=request.tenant)}
    entries = case_timeline(case=case)
    outbound = [entry.pk for entry in entries if entry.kind in OUTBOUND_KINDS]
    badges = notification_statuses_for_entries(tenant=request.tenant, entry_ids=outbound)
    items = timeline_items(entries, team_names=team_names, badges=badges)
    return {
        "case": case,
        "items": list(reversed(items)),  # newest first, under the composer
        "forms": _forms(case, bound, reply_initial),
        "reply_templates": reply_template_choices(case=case),
        "alert": alert,  # (level, message): success, error or conflict
        "is_mine": case.assignee_id == request.user.pk,
        **_customer_context(case),
    }


def render_case(
    request: HttpRequest,
    case: Case,
    *,
    status: int = 200,
    bound: dict[str, Form] | None = None,
    alert: tuple[str, str] | None = None,
    replace: str = "",
    reply_initial: dict | None = None,
) -> HttpResponse:
    """The whole page, or for htmx the fragments that replace its parts in place; of the text
    sections only `replace` (if any) is replaced, the others only get the new version."""
    context = case_context(request, case, bound=bound, alert=alert, reply_initial=reply_initial)
    if request.htmx:
        context["replace"] = replace
        return render(request, "cases/_case_refresh.html", context, status=status)
    return render(request, "cases/detail.html", context, status=status)


@staff_required
@require_GET
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    case = visible_case(request, reference)
    if "template" in request.GET:
        return _insert_template(request, case)
    # "Reload" after a conflict (htmx): fresh parts, but text being typed stays where it is.
    return render_case(request, case)


def _insert_template(request: HttpRequest, case: Case) -> HttpResponse:
    """An approved reply template rendered for this case, after what the agent has typed: the reply
    box alone for htmx, else the case page with the composer filled in."""
    version_id = request.GET.get("template", "")
    channel = request.GET.get("channel", "")
    text = reply_template_text(
        case=case, version_id=int(version_id) if version_id.isdigit() else 0, channel=channel
    )
    body = "\n\n".join(part for part in (request.GET.get("body", "").rstrip(), text) if part)
    if request.htmx and request.htmx.target == "reply-body":
        return render(request, "cases/_reply_body.html", {"body": body})
    return render_case(
        request, case, reply_initial={"body": body} | ({"channel": channel} if channel else {})
    )


@staff_required
@require_POST
def case_action(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    spec = ACTIONS[action]
    case = visible_case(request, reference)
    form = spec.form_class(request.POST, request.FILES, case=case)
    section = TEXT_SECTIONS.get(action, "")
    if form.is_valid():
        try:
            confirmation = spec.perform(request, case, form.cleaned_data)
        except ConflictError:
            current = visible_case(request, reference)
            bound = {action: spec.form_class(request.POST, case=current)}
            return render_case(
                request,
                current,
                status=409,
                bound=bound,
                alert=("conflict", CONFLICT_MESSAGE),
            )
        except ValidationError as error:
            apply_service_errors(form, error, renamed=form.SERVICE_FIELDS)
        else:
            if not request.htmx:
                messages.success(request, confirmation)
                return redirect("cases:detail", reference=case.reference)
            return render_case(
                request,
                visible_case(request, reference),
                alert=("success", confirmation),
                replace=section,
            )
    return render_case(
        request,
        case,
        status=422,
        bound={action: form},
        alert=("error", "The change was not saved: see the message by the form."),
        replace=section,
    )


@staff_required
@require_GET
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """A file attached to a case the viewer may see (404 otherwise), always as a download."""
    attachment = attachment_for_download(
        tenant=request.tenant, membership=request.membership, attachment_id=pk
    )
    if attachment is None:
        raise Http404("No such attachment.")
    file: FieldFile = attachment.file
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing from storage.") from None
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.filename, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
