"""Forms of the SLA engine's pages: escalation actions and the tenant's timer settings."""

from datetime import timedelta

from django import forms

from apps.accounts.models import User
from apps.cases.selectors import assignable_users
from apps.sla.durations import format_duration_input, parse_duration
from apps.sla.models import SlaSettings
from apps.tenants.models import Tenant


class ReassignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label="Give the case to",
        error_messages={
            "required": "Choose someone to give the case to.",
            "invalid_choice": "Choose someone to give the case to.",
        },
    )

    def __init__(self, *args, tenant: Tenant, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignable_users(tenant=tenant)


class DeescalateForm(forms.Form):
    reason = forms.CharField(
        max_length=500,
        label="Why",
        widget=forms.TextInput(attrs={"placeholder": "e.g. Customer called back"}),
        error_messages={"required": "Say why the case is de-escalated."},
    )


class SlaSettingsForm(forms.Form):
    service_fields_shown_as = {"auto_close_after": "auto_close_days"}

    auto_close_days = forms.IntegerField(
        min_value=1,
        max_value=90,
        label="Close resolved cases without an answer after (days)",
        help_text="Promised in the resolution message; the procedures suggest 7.",
    )
    send_status_updates = forms.BooleanField(
        required=False,
        label="Send the approved status update when the assignee has not",
        help_text="Otherwise an overdue update escalates like any other late target.",
    )
    status_update_grace = forms.CharField(
        label="Grace before Tidings sends it",
        help_text="Business time past the due update, e.g. 2h or 30m.",
    )
    warn_by_email = forms.BooleanField(
        required=False, label="Email staff their warnings and escalations (besides the bell)"
    )

    @classmethod
    def initial_from(cls, row: SlaSettings) -> dict:
        return {
            "auto_close_days": max(row.auto_close_after.days, 1),
            "send_status_updates": row.send_status_updates,
            "status_update_grace": format_duration_input(row.status_update_grace, business=True),
            "warn_by_email": row.warn_by_email,
        }

    def clean_status_update_grace(self) -> timedelta:
        grace = parse_duration(self.cleaned_data["status_update_grace"], business=True)
        if grace is None:
            raise forms.ValidationError("Give a time such as 2h or 30m.")
        return grace

    def changes(self) -> dict:
        data = self.cleaned_data
        return {
            "auto_close_after": timedelta(days=data["auto_close_days"]),
            "send_status_updates": data["send_status_updates"],
            "status_update_grace": data["status_update_grace"],
            "warn_by_email": data["warn_by_email"],
        }
