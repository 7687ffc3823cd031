"""Forms of Settings → Teams. They parse input and offer only the tenant's own choices; the name
rule and membership checks live in the services (apps.cases.services, apps.sla.services)."""

from typing import Any

from django import forms

from apps.cases.models import Team, TeamMembership
from apps.cases.selectors import assignable_users
from apps.sla.models import BusinessCalendar
from apps.sla.selectors import default_calendar
from apps.tenants.models import Tenant


class TeamForm(forms.Form):
    name = forms.CharField(max_length=100)
    description = forms.CharField(
        max_length=300, required=False, help_text="What the team handles, e.g. “Refunds and returns”."
    )


class TeamMemberAddForm(forms.Form):
    """Active staff of the tenant not yet in the team."""

    user = forms.ModelChoiceField(
        queryset=None,
        label="Person",
        empty_label="Choose a person…",
        error_messages={
            "required": "Choose the person to add.",
            "invalid_choice": "Choose an active member of the workspace who is not in the team yet.",
        },
    )

    def __init__(self, *args: Any, tenant: Tenant, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = TeamMembership.objects.for_tenant(tenant).filter(team=team).values("user_id")
        self.fields["user"].queryset = assignable_users(tenant=tenant).exclude(pk__in=members)
        self.fields["user"].label_from_instance = lambda user: user.full_name or user.email


class TeamCalendarForm(forms.Form):
    """The default calendar (empty choice) or one of the tenant's calendars."""

    calendar = forms.ModelChoiceField(queryset=None, required=False, label="Business calendar")

    def __init__(self, *args: Any, tenant: Tenant, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["calendar"]
        field.queryset = BusinessCalendar.objects.for_tenant(tenant).order_by("-is_default", "name")
        default = default_calendar(tenant=tenant)
        field.empty_label = f"Default ({default.name})" if default else "Default"
        field.help_text = (
            "Its cases count business time in this calendar, unless their SLA policy names its own. "
            "Open cases are recomputed when you change it, keeping the time they have already used."
        )
