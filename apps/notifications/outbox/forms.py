"""Forms of the outbox's staff pages: the notification log's filters and a trigger rule."""

from django import forms

from apps.notifications.models import ChannelName
from apps.notifications.outbox.models import NotificationStatus
from apps.notifications.outbox.rules import trigger_label

DATE_INPUT = forms.DateInput(attrs={"type": "date"})


class NotificationFilterForm(forms.Form):
    """Filters of the notification log; every field optional, a bad value is simply not applied."""

    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *NotificationStatus.choices])
    channel = forms.ChoiceField(required=False, choices=[("", "Any channel"), *ChannelName.choices])
    trigger = forms.ChoiceField(required=False)
    created_from = forms.DateField(required=False, label="From", widget=DATE_INPUT)
    created_to = forms.DateField(required=False, label="To", widget=DATE_INPUT)

    def __init__(self, *args, triggers: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [(key, trigger_label(key)) for key in triggers]
        self.fields["trigger"].choices = [("", "Any trigger"), *choices]

    def filters(self) -> dict:
        """The valid filters, as keyword arguments of `notification_log` (invalid ones are left out)."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}


class TriggerRuleForm(forms.Form):
    enabled = forms.BooleanField(required=False, label="On")
    channels = forms.MultipleChoiceField(
        required=False,
        choices=ChannelName.choices,
        widget=forms.CheckboxSelectMultiple,
        label="Allowed channels",
        help_text="The customer's preference decides the order among these.",
    )
    urgent = forms.BooleanField(
        required=False, label="Urgent", help_text="SMS and calls go out even during quiet hours."
    )
