"""What the portal calls things: plain, friendly words a customer understands, translated.

Staff labels (CaseStatus.PENDING_CUSTOMER is "Pending customer") are for agents; a customer reads
"Waiting for your reply". Each status has a short label, a sentence saying what it means for the
customer, and a tone the stylesheet colours (`status-<tone>`).
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from apps.cases.models import CaseKind, CaseStatus
from apps.customers.models import Channel, OrderStatus, UpdateCadence


@dataclass(frozen=True)
class StatusWords:
    label: Promise
    meaning: Promise
    tone: str  # new, working, waiting, action, done, problem


CASE_STATUS = {
    CaseStatus.NEW: StatusWords(_("Received"), _("We have your request and will pick it up shortly."), "new"),
    CaseStatus.ACKNOWLEDGED: StatusWords(
        _("Received"), _("We have confirmed your request and will start on it soon."), "new"
    ),
    CaseStatus.IN_PROGRESS: StatusWords(_("In progress"), _("We are working on it."), "working"),
    CaseStatus.PENDING_CUSTOMER: StatusWords(
        _("Waiting for your reply"),
        _("We need something from you to carry on: see our last message."),
        "action",
    ),
    CaseStatus.RESOLVED: StatusWords(
        _("Solved, please confirm"), _("We think this is sorted. Please tell us whether it is."), "action"
    ),
    CaseStatus.CLOSED: StatusWords(_("Closed"), _("This request is finished."), "done"),
    CaseStatus.REOPENED: StatusWords(_("Reopened"), _("We are working on it again."), "working"),
}

ORDER_STATUS = {
    OrderStatus.PLACED: StatusWords(_("Order placed"), _("We have your order."), "new"),
    OrderStatus.CONFIRMED: StatusWords(_("Confirmed"), _("Your order is confirmed."), "new"),
    OrderStatus.PROCESSING: StatusWords(
        _("Being prepared"), _("We are getting your order ready."), "working"
    ),
    OrderStatus.DELAYED: StatusWords(_("Delayed"), _("Your order is taking longer than planned."), "problem"),
    OrderStatus.SHIPPED: StatusWords(_("On its way"), _("Your order has left us."), "working"),
    OrderStatus.DELIVERED: StatusWords(_("Delivered"), _("Your order has arrived."), "done"),
    OrderStatus.CANCELLED: StatusWords(_("Cancelled"), _("This order was cancelled."), "done"),
}

CASE_KIND = {
    CaseKind.INQUIRY: _("Question"),
    CaseKind.COMPLAINT: _("Complaint"),
    CaseKind.SERVICE_REQUEST: _("Request"),
    CaseKind.FEEDBACK_FOLLOWUP: _("Your feedback"),
}

CASE_KIND_HELP = {
    CaseKind.INQUIRY: _("You would like to know something."),
    CaseKind.COMPLAINT: _("Something went wrong and you want it put right."),
    CaseKind.SERVICE_REQUEST: _("You would like us to do something, such as a return or a change."),
}

CHANNEL = {
    Channel.EMAIL: _("Email"),
    Channel.SMS: _("Text message (SMS)"),
    Channel.VOICE: _("Phone call"),
    Channel.PORTAL: _("Message in this portal"),
}

CADENCE = {
    UpdateCadence.EVENTS: _("Whenever something changes"),
    UpdateCadence.DAILY: _("Once a day"),
    UpdateCadence.WEEKLY: _("Once a week"),
    UpdateCadence.BIWEEKLY: _("Every two weeks"),
}
