"""Forms of the SLA settings pages. They parse and validate input; the writes are in `services.py`.

Opening hours are typed per weekday as "09:00-12:00, 13:00-17:00" and targets as "4h", "30m" or
"1d 4h": short to type, easy to read back, and every mistake gets a message next to the field.
"""

import re
import zoneinfo
from datetime import time
from decimal import Decimal
from functools import lru_cache
from typing import Any

import holidays
from django import forms
from django.core.exceptions import ValidationError

from apps.cases.models import Team
from apps.sla.defaults import LevelSpec
from apps.sla.durations import format_duration_input, parse_duration
from apps.sla.models import (
    MATCH_FIELDS,
    TARGET_FIELDS,
    BusinessCalendar,
    EscalationLevel,
    NotifyWhom,
    SlaPolicy,
    TargetKind,
    TeamCalendar,
    TimeBasis,
    Weekday,
)
from apps.sla.previews import country_name, subdivision_name
from apps.tenants.models import Membership, Role, Tenant

TIME_ZONE_CHOICES = [(zone, zone.replace("_", " ")) for zone in sorted(zoneinfo.available_timezones())]
WEEKDAY_FIELDS = [f"hours_{day}" for day in Weekday.values]
_TIME = r"(\d{1,2})(?:[:.](\d{2}))?"
_PERIOD = re.compile(rf"^{_TIME}\s*(?:-|\u2013|\u2014|to)\s*{_TIME}$")  # hyphen, en or em dash, "to"


def apply_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has one."""
    renamed = getattr(form, "service_fields_shown_as", {})
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            field = renamed.get(field, field)
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


@lru_cache(maxsize=1)
def country_choices() -> list[tuple[str, str]]:
    countries = [(code, f"{country_name(code)} ({code})") for code in holidays.list_supported_countries()]
    return [("", "No public holidays"), *sorted(countries, key=lambda choice: choice[1])]


def subdivision_choices(country: str) -> list[tuple[str, str]]:
    codes = holidays.list_supported_countries().get(country or "", [])
    choices = [(code, f"{subdivision_name(country, code)} ({code})") for code in codes]
    return [("", "Whole country"), *choices]


# ---------------------------------------------------------------------------------------------
# Calendars


def _clock(hour: str, minute: str | None, *, is_end: bool) -> time:
    hour_value, minute_value = int(hour), int(minute or 0)
    if is_end and hour_value == 24 and minute_value == 0:
        return time(0)  # midnight at the end of the day
    if hour_value > 23 or minute_value > 59:
        raise ValidationError(f"{hour}:{minute or '00'} is not a time of day.")
    return time(hour_value, minute_value)


def parse_opening_hours(text: str) -> list[tuple[time, time]]:
    """ "09:00-12:00, 13:00-17:00" → [(09:00, 12:00), (13:00, 17:00)]; blank or "closed" → []."""
    text = text.strip()
    if not text or text.lower() == "closed":
        return []
    periods = []
    for part in re.split(r"[,;]", text):
        match = _PERIOD.match(part.strip())
        if not match:
            raise ValidationError(f"“{part.strip()}” is not a period; write it like 09:00-17:00.")
        start = _clock(match[1], match[2], is_end=False)
        end = _clock(match[3], match[4], is_end=True)
        if end != time(0) and end <= start:
            raise ValidationError(f"{start:%H:%M}-{end:%H:%M} ends before it starts.")
        periods.append((start, end))
    return periods


def format_opening_hours(periods: list[tuple[time, time]]) -> str:
    return ", ".join(
        f"{start:%H:%M}-{'24:00' if end == time(0) else f'{end:%H:%M}'}" for start, end in periods
    )


class CalendarForm(forms.Form):
    name = forms.CharField(max_length=100)
    time_zone = forms.ChoiceField(choices=TIME_ZONE_CHOICES, help_text="Opening hours are in this zone.")
    country = forms.ChoiceField(
        choices=country_choices,
        required=False,
        label="Public holidays of",
        help_text="The calendar closes on this country's public holidays.",
    )
    subdivision = forms.ChoiceField(
        choices=[],
        required=False,
        label="Region",
        help_text="Adds the region's own holidays, e.g. England's Easter Monday.",
    )
    is_default = forms.BooleanField(
        required=False, label="Default calendar", help_text="Policies without a calendar of their own use it."
    )

    def __init__(self, *args, calendar: BusinessCalendar | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if calendar is not None and calendar.is_default:
            # The default stays the default until another calendar takes over; the page hides the box.
            self.fields["is_default"].disabled = True
        for day, field_name in zip(Weekday, WEEKDAY_FIELDS, strict=True):
            self.fields[field_name] = forms.CharField(
                label=day.label,
                required=False,
                widget=forms.TextInput(attrs={"placeholder": "Closed", "autocomplete": "off"}),
            )
        country = self.data.get("country") if self.is_bound else self.initial.get("country", "")
        self.fields["subdivision"].choices = subdivision_choices(country or "")

    @classmethod
    def initial_for(cls, calendar: BusinessCalendar, hours: dict[int, list[tuple[time, time]]]) -> dict:
        initial = {
            "name": calendar.name,
            "time_zone": calendar.time_zone,
            "country": calendar.country,
            "subdivision": calendar.subdivision,
            "is_default": calendar.is_default,
        }
        initial.update({f"hours_{day}": format_opening_hours(periods) for day, periods in hours.items()})
        return initial

    @property
    def hour_fields(self) -> list[forms.BoundField]:
        return [self[field_name] for field_name in WEEKDAY_FIELDS]

    def clean(self) -> dict:
        cleaned = super().clean()
        hours = {}
        for day, field_name in enumerate(WEEKDAY_FIELDS):
            try:
                hours[day] = parse_opening_hours(cleaned.get(field_name, ""))
            except ValidationError as error:
                self.add_error(field_name, error)
        cleaned["opening_hours"] = hours
        return cleaned

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "time_zone": data["time_zone"],
            "country": data["country"],
            "subdivision": data["subdivision"],
            "is_default": data["is_default"],
            "opening_hours": data["opening_hours"],
        }


class CalendarTeamsForm(forms.Form):
    """Which teams work to one calendar; a team on another calendar moves to this one."""

    teams = forms.ModelMultipleChoiceField(
        queryset=Team.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Teams working to this calendar",
        error_messages={
            "invalid_choice": "Choose teams of this workspace.",
            "invalid_pk_value": "Choose teams of this workspace.",
        },
    )

    def __init__(
        self, *args, tenant: Tenant, calendar: BusinessCalendar, links: dict[int, TeamCalendar], **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["teams"]
        field.queryset = Team.objects.for_tenant(tenant).order_by("name")
        field.label_from_instance = lambda team: _team_label(team, links.get(team.pk), calendar)
        if not self.is_bound:
            self.initial["teams"] = [
                team_id for team_id, link in links.items() if link.calendar_id == calendar.pk
            ]

    def team_ids(self) -> list[int]:
        return [team.pk for team in self.cleaned_data["teams"]]


def _team_label(team: Team, link: TeamCalendar | None, calendar: BusinessCalendar) -> str:
    if link is None:
        return f"{team.name} (now: the default calendar)" if not calendar.is_default else team.name
    if link.calendar_id != calendar.pk:
        return f"{team.name} (now: {link.calendar.name})"
    return team.name


class ClosureForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="e.g. Office move, Christmas Eve afternoon.")
    start_date = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(
        label="Until",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Blank: one day.",
    )
    start_time = forms.TimeField(
        label="From time",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text="Blank: 00:00.",
    )
    end_time = forms.TimeField(
        label="Until time",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text="Blank: end of the day.",
    )


class TryCaseForm(forms.Form):
    """The attributes of an imagined case, to show which targets it would get."""

    kind = forms.CharField(required=False, max_length=40, widget=forms.TextInput(attrs={"list": "sla-kinds"}))
    priority = forms.CharField(
        required=False, max_length=20, widget=forms.TextInput(attrs={"list": "sla-priorities"})
    )
    channel = forms.CharField(
        required=False, max_length=20, widget=forms.TextInput(attrs={"list": "sla-channels"})
    )
    tags = forms.CharField(
        required=False, max_length=200, label="Customer tags", help_text="Comma-separated."
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(),
        required=False,
        empty_label="No team",
        help_text="Its calendar applies unless a policy names one.",
        error_messages={"invalid_choice": "There is no such team."},
    )

    def __init__(self, *args: Any, tenant: Tenant, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.for_tenant(tenant).order_by("name")

    def case_attributes(self) -> dict:
        data = self.cleaned_data
        tags = [tag for tag in data.get("tags", "").split(",") if tag.strip()]
        team = data.get("team")
        return {
            "kind": data.get("kind", ""),
            "priority": data.get("priority", ""),
            "channel": data.get("channel", ""),
            "tags": tags,
            "team_id": team.pk if team else None,
        }


# ---------------------------------------------------------------------------------------------
# Policies


TARGET_HELP = {
    TargetKind.ACKNOWLEDGE: "The customer hears that their case was received.",
    TargetKind.FIRST_RESPONSE: "A person answers the substance of the case.",
    TargetKind.UPDATE: "While open, the customer gets a status update this often.",
    TargetKind.RESOLVE: "The case is resolved.",
}


class PolicyForm(forms.Form):
    # Services name model fields; their errors show on these form fields.
    service_fields_shown_as = {
        **{duration_field: f"{kind}_duration" for kind, (duration_field, _) in TARGET_FIELDS.items()},
        **{basis_field: f"{kind}_basis" for kind, (_, basis_field) in TARGET_FIELDS.items()},
        "warn_share": "warn_percent",
    }

    name = forms.CharField(max_length=100)
    position = forms.IntegerField(
        min_value=0,
        max_value=100000,
        help_text="Lower numbers are considered first; the fallback always comes last.",
    )
    is_active = forms.BooleanField(required=False, label="Active")
    match_kind = forms.CharField(
        required=False, max_length=200, label="Case kind", widget=forms.TextInput(attrs={"list": "sla-kinds"})
    )
    match_priority = forms.CharField(
        required=False,
        max_length=200,
        label="Priority",
        widget=forms.TextInput(attrs={"list": "sla-priorities"}),
    )
    match_channel = forms.CharField(
        required=False,
        max_length=200,
        label="Channel",
        widget=forms.TextInput(attrs={"list": "sla-channels"}),
    )
    match_customer_tag = forms.CharField(required=False, max_length=200, label="Customer tag")
    calendar = forms.ModelChoiceField(
        queryset=BusinessCalendar.objects.none(),
        required=False,
        empty_label="The case's team's calendar, else the default",
    )
    update_follows_customer_cadence = forms.BooleanField(
        required=False, label="Use the customer's chosen update cadence when they have one"
    )
    warn_percent = forms.IntegerField(
        required=False,
        min_value=5,
        max_value=99,
        label="Warn at (%)",
        help_text="The assignee is warned when this share of a target has passed. Blank: as the next policy.",
    )

    def __init__(self, *args, tenant: Tenant, policy: SlaPolicy | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.policy = policy
        self.fields["calendar"].queryset = BusinessCalendar.objects.for_tenant(tenant).order_by("name")
        for kind in TargetKind:
            self.fields[f"{kind}_duration"] = forms.CharField(
                required=False,
                label=kind.label,
                help_text=TARGET_HELP[kind],
                widget=forms.TextInput(attrs={"placeholder": "From the next policy", "autocomplete": "off"}),
            )
            self.fields[f"{kind}_basis"] = forms.ChoiceField(
                choices=TimeBasis.choices, label=f"{kind.label}: time", initial=TimeBasis.BUSINESS
            )
        if policy is not None and policy.is_fallback:
            for name in (*MATCH_FIELDS, "is_active"):
                self.fields[name].disabled = True
            for kind in TargetKind:
                self.fields[f"{kind}_duration"].widget.attrs["placeholder"] = "Required"
            self.fields[
                "warn_percent"
            ].help_text = "The assignee is warned when this share of a target has passed."

    @classmethod
    def initial_for(cls, policy: SlaPolicy) -> dict:
        initial = {
            "name": policy.name,
            "position": policy.position,
            "is_active": policy.is_active,
            "calendar": policy.calendar_id,
            "update_follows_customer_cadence": policy.update_follows_customer_cadence,
            "warn_percent": int(policy.warn_share * 100) if policy.warn_share is not None else None,
        }
        initial.update({name: getattr(policy, name).replace(",", ", ") for name in MATCH_FIELDS})
        for kind, (duration_field, basis_field) in TARGET_FIELDS.items():
            basis = getattr(policy, basis_field)
            initial[f"{kind}_duration"] = format_duration_input(
                getattr(policy, duration_field), business=basis == TimeBasis.BUSINESS
            )
            initial[f"{kind}_basis"] = basis
        return initial

    @property
    def target_rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [(kind, self[f"{kind}_duration"], self[f"{kind}_basis"]) for kind in TargetKind]

    def clean(self) -> dict:
        cleaned = super().clean()
        for kind in TargetKind:
            basis = cleaned.get(f"{kind}_basis", TimeBasis.BUSINESS)
            try:
                cleaned[f"{kind}_duration"] = parse_duration(
                    cleaned.get(f"{kind}_duration") or "", business=basis == TimeBasis.BUSINESS
                )
            except ValidationError as error:
                self.add_error(f"{kind}_duration", error)
        return cleaned

    def service_fields(self) -> dict:
        data = self.cleaned_data
        fields = {
            "name": data["name"],
            "position": data["position"],
            "calendar": data["calendar"],
            "update_follows_customer_cadence": data["update_follows_customer_cadence"],
            "warn_share": Decimal(data["warn_percent"]) / 100 if data["warn_percent"] is not None else None,
        }
        if self.policy is None or not self.policy.is_fallback:
            fields["is_active"] = data["is_active"]
            fields.update({name: data[name] for name in MATCH_FIELDS})
        for kind, (duration_field, basis_field) in TARGET_FIELDS.items():
            fields[duration_field] = data.get(f"{kind}_duration")
            fields[basis_field] = data[f"{kind}_basis"]
        return fields


# ---------------------------------------------------------------------------------------------
# Escalation matrix


class EscalationLevelForm(forms.Form):
    name = forms.CharField(max_length=100, label="Level name")
    # A blank first choice keeps the extra row unchanged (and so ignored) until the admin fills it in.
    notify = forms.ChoiceField(choices=[("", "Choose…"), *NotifyWhom.choices], label="Notify")
    role = forms.ChoiceField(choices=[("", "—"), *Role.choices], required=False)
    user = forms.ChoiceField(choices=[], required=False, label="Person")

    def __init__(self, *args, members: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", "—"), *members]

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("notify") == NotifyWhom.ROLE and not cleaned.get("role"):
            self.add_error("role", "Choose the role to notify.")
        if cleaned.get("notify") == NotifyWhom.USER and not cleaned.get("user"):
            self.add_error("user", "Choose the person to notify.")
        return cleaned

    def spec(self) -> LevelSpec:
        data = self.cleaned_data
        return LevelSpec(
            0,
            data["name"],
            data["notify"],
            data.get("role", ""),
            int(data["user"]) if data.get("user") else None,
        )


class BaseEscalationFormSet(forms.BaseFormSet):
    def __init__(self, *args, tenant: Tenant, **kwargs) -> None:
        memberships = Membership.objects.for_tenant(tenant).filter(is_active=True).select_related("user")
        self.members = sorted(
            ((str(m.user_id), m.user.full_name or m.user.email) for m in memberships),
            key=lambda pair: pair[1],
        )
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "members": self.members}

    def clean(self) -> None:
        super().clean()
        kept = [
            form
            for index, form in enumerate(self.forms)
            if (index < self.initial_form_count() or form.has_changed())
            and not self._should_delete_form(form)
        ]
        if not kept:
            raise ValidationError("Keep at least one level.")

    def specs(self) -> list[LevelSpec]:
        """The kept levels in the order the admin chose (blank extra rows and deleted ones left out)."""
        return [form.spec() for form in self.ordered_forms]


EscalationFormSet = forms.formset_factory(
    EscalationLevelForm, formset=BaseEscalationFormSet, extra=1, can_delete=True, can_order=True
)


def escalation_initial(levels: list[EscalationLevel]) -> list[dict]:
    return [
        {
            "name": level.name,
            "notify": level.notify,
            "role": level.role,
            "user": str(level.user_id or ""),
            "ORDER": level.level,
        }
        for level in levels
    ]
