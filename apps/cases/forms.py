"""Forms of the agent workspace. They parse input and offer only sensible choices; the rules
themselves (legal transitions, consent, order ownership, attachment limits) live in the services,
whose ValidationErrors the views show on these forms (`apply_service_errors`).

Every form that changes a case carries the case `version` it was rendered with (optimistic
locking): the services refuse a stale version with `ConflictError`.
"""

from typing import Any

from django import forms

from apps.cases.models import Case, CaseKind, CaseStatus, MessageChannel, Priority, SourceChannel
from apps.cases.selectors import assignable_users, team_list
from apps.cases.services import REPLY_CHANNELS
from apps.cases.transitions import allowed_transitions
from apps.common.tags import split_tags
from apps.customers.models import Channel, Customer
from apps.customers.selectors import customer_reachable_channels, order_list
from apps.tenants.models import Tenant


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented recipe); the service checks type and size."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list:
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class CaseForm(forms.Form):
    """A form about one case: knows the case (for its choices) and carries its version."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    # Service field names that differ from this form's (for `apply_service_errors`).
    SERVICE_FIELDS: dict[str, str] = {}

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case

    def options(self, name: str) -> list[tuple[Any, str]]:
        """The field's choices as a list: one query for a model choice field. (A template loop over
        the field's own iterator, or list() of it, would first count the rows in a second query.)"""
        return [choice for choice in self.fields[name].choices]


def reply_channel_choices(customer: Customer) -> list[tuple[str, str]]:
    """Reply channels, reachable ones (preferred first) before the rest, each saying why not."""
    reachable = customer_reachable_channels(customer=customer)
    choices = [(channel, MessageChannel(channel).label) for channel in reachable]
    for channel in REPLY_CHANNELS:
        if channel in reachable:
            continue
        if channel == MessageChannel.PHONE:
            choices.append((channel, "Phone call (log a call you made)"))
        else:
            choices.append((channel, f"{MessageChannel(channel).label} (no consent or no address)"))
    return choices


class ReplyForm(CaseForm):
    body = forms.CharField(
        label="Reply to the customer",
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": "Write your reply…"}),
        error_messages={"required": "Write the message."},
    )
    channel = forms.ChoiceField(label="Send by")
    attachments = MultipleFileField(label="Attachments")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = reply_channel_choices(self.case.customer)
        self.fields["channel"].choices = choices
        self.fields["channel"].initial = choices[0][0]


class NoteForm(CaseForm):
    body = forms.CharField(
        label="Internal note",
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "Only your colleagues see this…"}),
        error_messages={"required": "Write the note."},
    )
    attachments = MultipleFileField(label="Attachments")


class StatusForm(CaseForm):
    """Offers only the legal next statuses; any status is accepted, so that a move made illegal
    meanwhile gets the transition service's own explanation."""

    to_status = forms.ChoiceField(
        label="Move to", choices=CaseStatus.choices, error_messages={"required": "Choose the new status."}
    )
    reason = forms.CharField(
        label="Reason (optional)", required=False, max_length=1000, widget=forms.TextInput()
    )
    SERVICE_FIELDS = {"status": "to_status"}

    @property
    def offered(self) -> list[tuple[str, str]]:
        return [(value, CaseStatus(value).label) for value in allowed_transitions(self.case.status)]


class AssignForm(CaseForm):
    assignee = forms.ModelChoiceField(
        queryset=None,
        required=False,
        empty_label="Unassigned",
        error_messages={"invalid_choice": "Choose an active member of the workspace."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignable_users(tenant=self.case.tenant)
        self.fields["assignee"].initial = self.case.assignee_id

    @property
    def assignee_options(self) -> list[tuple[Any, str]]:
        return self.options("assignee")


class TeamForm(CaseForm):
    team = forms.ModelChoiceField(
        queryset=None,
        required=False,
        empty_label="No team",
        error_messages={"invalid_choice": "There is no such team."},
    )
    note = forms.CharField(
        label="Note for the new team (internal)", required=False, max_length=2000, widget=forms.TextInput()
    )
    reason_for_customer = forms.CharField(
        label="Why, for the customer (optional)", required=False, max_length=300, widget=forms.TextInput()
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = team_list(tenant=self.case.tenant)
        self.fields["team"].initial = self.case.team_id

    @property
    def team_options(self) -> list[tuple[Any, str]]:
        return self.options("team")


class EscalateForm(CaseForm):
    reason = forms.CharField(
        label="Why escalate?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "e.g. Customer threatens to cancel"}),
        error_messages={"required": "Say why the case is escalated."},
    )


class DelayForm(CaseForm):
    """A delay notice: cause, impact and the new expected time, in the tenant's time zone."""

    cause = forms.CharField(
        label="Cause",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "e.g. our supplier needs another week"}),
        error_messages={"required": "Say why the case is delayed; the customer is told."},
    )
    impact = forms.CharField(
        label="What it means for the customer",
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": "e.g. the refund reaches your card later"}),
    )
    new_expected_at = forms.DateTimeField(
        label="New expected resolution",
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local", "id": "delay-new-expected"}, format="%Y-%m-%dT%H:%M"
        ),
        error_messages={
            "required": "Give the new expected resolution.",
            "invalid": "Give a date and time, e.g. 2026-12-01 17:00.",
        },
    )


class OrderLinkForm(CaseForm):
    order = forms.ModelChoiceField(
        queryset=None,
        required=False,
        empty_label="No linked order",
        error_messages={"invalid_choice": "That is not one of this customer's orders."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["order"].queryset = order_list(tenant=self.case.tenant, customer_id=self.case.customer_id)
        self.fields["order"].initial = self.case.order_id
        self.fields["order"].label_from_instance = lambda order: (
            f"{order.order_number} · {order.get_status_display()}"
        )

    @property
    def order_options(self) -> list[tuple[Any, str]]:
        return self.options("order")


class TagsForm(CaseForm):
    tags = forms.CharField(
        required=False,
        max_length=1000,
        help_text="Comma-separated, e.g. refund, vip",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tags"].initial = ", ".join(self.case.tags)

    def clean_tags(self) -> list[str]:
        return split_tags(self.cleaned_data["tags"])


class PriorityForm(CaseForm):
    priority = forms.ChoiceField(choices=Priority.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["priority"].initial = self.case.priority


# --- new case ------------------------------------------------------------------------------------


class CaseCreateForm(forms.Form):
    """A case an agent opens for a customer (who phoned, for instance): an existing customer picked
    from a search, or a new one typed in with the case."""

    customer = forms.ModelChoiceField(
        queryset=None, required=False, widget=forms.RadioSelect, empty_label=None
    )
    new_customer_name = forms.CharField(label="Name", required=False, max_length=200)
    new_customer_email = forms.CharField(
        label="Email", required=False, max_length=254, widget=forms.EmailInput()
    )
    new_customer_phone = forms.CharField(
        label="Phone",
        required=False,
        max_length=40,
        help_text="International form, e.g. +44 20 7946 0958",
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    new_customer_consents = forms.MultipleChoiceField(
        label="They agree to updates by",
        required=False,
        choices=[(Channel.EMAIL, "Email"), (Channel.SMS, "SMS"), (Channel.VOICE, "Voice call")],
        widget=forms.CheckboxSelectMultiple,
    )
    kind = forms.ChoiceField(choices=CaseKind.choices, initial=CaseKind.INQUIRY)
    subject = forms.CharField(max_length=200, error_messages={"required": "Give the case a subject."})
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": "What did the customer tell you?"}),
    )
    source_channel = forms.ChoiceField(
        label="Came in by", choices=SourceChannel.choices, initial=SourceChannel.PHONE
    )
    priority = forms.ChoiceField(choices=Priority.choices, initial=Priority.NORMAL)
    team = forms.ModelChoiceField(queryset=None, required=False, empty_label="No team")
    assignee = forms.ModelChoiceField(queryset=None, required=False, empty_label="Unassigned")
    order_number = forms.CharField(label="Order number", required=False, max_length=64)
    tags = forms.CharField(required=False, max_length=1000, help_text="Comma-separated")
    initial_assessment = forms.CharField(
        label="Initial assessment",
        required=False,
        max_length=300,
        help_text="Quoted in the acknowledgement the customer gets; without it, the case kind and team.",
        widget=forms.TextInput(
            attrs={"placeholder": "e.g. we have found your return and are checking the refund"}
        ),
    )

    # Service field → form field, for errors from customer_create and case_open.
    SERVICE_FIELDS = {
        "name": "new_customer_name",
        "emails": "new_customer_email",
        "phones": "new_customer_phone",
        "order": "order_number",
    }

    def __init__(self, *args: Any, tenant: Tenant, customers: Any, **kwargs: Any) -> None:
        """`customers`: the customers to offer (search results, or the preselected one)."""
        super().__init__(*args, **kwargs)
        self.tenant = tenant
        self.fields["customer"].queryset = Customer.objects.for_tenant(tenant)
        self.fields["customer"].widget.choices = [(customer.pk, customer) for customer in customers]
        self.fields["team"].queryset = team_list(tenant=tenant)
        self.fields["assignee"].queryset = assignable_users(tenant=tenant)

    def clean_tags(self) -> list[str]:
        return split_tags(self.cleaned_data["tags"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        chosen = data.get("customer") is not None or (data.get("new_customer_name") or "").strip()
        if not chosen and not self.has_error("customer"):
            self.add_error(
                "customer", "Pick the customer, or type the name of a new one under “New customer”."
            )
        return data
