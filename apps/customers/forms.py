"""Forms of the staff customer pages. They parse input; validation of names, addresses, phone
numbers (E.164 through `phonenumbers`), locales and preferences is the services' job, whose
errors the views show next to the fields."""

import zoneinfo
from typing import Any

from django import forms

from apps.common.tags import split_tags
from apps.customers.models import Channel, ConsentState, ContactKind, Customer, UpdateCadence
from apps.customers.selectors import contact_points_of

TIME_ZONE_CHOICES = [(zone, zone.replace("_", " ")) for zone in sorted(zoneinfo.available_timezones())]
CHANNEL_FIELDS = ("channel_1", "channel_2", "channel_3", "channel_4")
CONSENT_CHANNELS = [(Channel.EMAIL, "Email"), (Channel.SMS, "SMS"), (Channel.VOICE, "Voice call")]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").replace(",", "\n").splitlines() if line.strip()]


class CustomerForm(forms.Form):
    name = forms.CharField(max_length=200, error_messages={"required": "Give the customer's name."})
    emails = forms.CharField(
        label="Email addresses",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "jane@example.com"}),
        help_text="One per line. The first is the one messages go to.",
    )
    phones = forms.CharField(
        label="Phone numbers",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "+44 20 7946 0958"}),
        help_text="With the country code, one per line. The first is used for SMS and calls.",
    )
    channel_1 = forms.ChoiceField(label="First choice", choices=Channel.choices)
    channel_2 = forms.ChoiceField(
        label="Second choice", choices=[("", "—"), *Channel.choices], required=False
    )
    channel_3 = forms.ChoiceField(label="Third choice", choices=[("", "—"), *Channel.choices], required=False)
    channel_4 = forms.ChoiceField(
        label="Fourth choice", choices=[("", "—"), *Channel.choices], required=False
    )
    quiet_hours_start = forms.TimeField(
        label="Quiet from", required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    quiet_hours_end = forms.TimeField(
        label="Quiet until", required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    update_cadence = forms.ChoiceField(label="Status updates on open cases", choices=UpdateCadence.choices)
    locale = forms.CharField(
        label="Language", max_length=10, help_text="A language code such as en or de-AT."
    )
    time_zone = forms.ChoiceField(choices=TIME_ZONE_CHOICES)
    tags = forms.CharField(required=False, max_length=1000, help_text="Comma-separated")
    onboarded_on = forms.DateField(
        label="Customer since",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    external_id = forms.CharField(
        label="External id", required=False, max_length=100, help_text="Their id in the order system."
    )

    # Service field → form field, for errors raised by customer services.
    SERVICE_FIELDS = {"preferred_channels": "channel_1"}

    @classmethod
    def initial_for(cls, customer: Customer) -> dict[str, Any]:
        channels = list(customer.preferred_channels) + [""] * len(CHANNEL_FIELDS)
        return {
            "name": customer.name,
            "emails": "\n".join(
                p.value for p in contact_points_of(customer=customer, kind=ContactKind.EMAIL)
            ),
            "phones": "\n".join(
                p.value for p in contact_points_of(customer=customer, kind=ContactKind.PHONE)
            ),
            **dict(zip(CHANNEL_FIELDS, channels, strict=False)),
            "quiet_hours_start": customer.quiet_hours_start,
            "quiet_hours_end": customer.quiet_hours_end,
            "update_cadence": customer.update_cadence,
            "locale": customer.locale,
            "time_zone": customer.time_zone,
            "tags": ", ".join(customer.tags),
            "onboarded_on": customer.onboarded_on,
            "external_id": customer.external_id,
        }

    def profile(self) -> dict[str, Any]:
        """The cleaned profile fields as the services name them."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "locale": data["locale"].strip(),
            "time_zone": data["time_zone"],
            "preferred_channels": [data[name] for name in CHANNEL_FIELDS if data.get(name)],
            "quiet_hours_start": data["quiet_hours_start"],
            "quiet_hours_end": data["quiet_hours_end"],
            "update_cadence": data["update_cadence"],
            "tags": split_tags(data["tags"]),
            "onboarded_on": data["onboarded_on"],
            "external_id": data["external_id"].strip(),
        }

    def contacts(self) -> tuple[list[str], list[str]]:
        return _lines(self.cleaned_data["emails"]), _lines(self.cleaned_data["phones"])


class CustomerCreateForm(CustomerForm):
    consents = forms.MultipleChoiceField(
        label="They agree to be contacted by",
        required=False,
        choices=CONSENT_CHANNELS,
        widget=forms.CheckboxSelectMultiple,
        help_text="Recorded in their consent history as given to you. The portal inbox needs no consent.",
    )


class ConsentForm(forms.Form):
    channel = forms.ChoiceField(choices=CONSENT_CHANNELS)
    state = forms.ChoiceField(
        label="Consent",
        choices=[(ConsentState.GRANTED, "Given"), (ConsentState.WITHDRAWN, "Withdrawn")],
    )
    note = forms.CharField(
        label="How you learnt it",
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": "e.g. Asked on the phone today"}),
    )
