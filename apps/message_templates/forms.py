"""Input forms of the template pages. They validate shape only; the rules live in services."""

from django import forms
from django.conf import settings

from apps.message_templates.sandbox import MAX_SOURCE_CHARS
from apps.message_templates.triggers import (
    EMAIL_HTML,
    EMAIL_SUBJECT,
    EMAIL_TEXT,
    FIELD_LABELS,
    PORTAL_TEXT,
    REPLY,
    SMS_TEXT,
    TRIGGERS,
    VOICE_SCRIPT,
)

EDITOR_ATTRS = {"spellcheck": "true", "class": "code-input", "data-lint-input": ""}


def _area(rows: int, help_text: str, *, code: bool = False) -> forms.CharField:
    attrs = {**EDITOR_ATTRS, "rows": rows}
    if code:
        attrs["spellcheck"] = "false"
    return forms.CharField(
        required=False, max_length=MAX_SOURCE_CHARS, widget=forms.Textarea(attrs=attrs), help_text=help_text
    )


class VersionContentForm(forms.Form):
    email_subject = forms.CharField(
        required=False,
        max_length=300,
        label=FIELD_LABELS[EMAIL_SUBJECT],
        widget=forms.TextInput(attrs=EDITOR_ATTRS),
        help_text="One line. Also the title of portal messages.",
    )
    email_text = _area(14, "Plain text. Shown by mail clients that do not display HTML.")
    email_html = _area(
        14,
        "Optional. Values are HTML-escaped automatically; leave empty to send the text as simple HTML.",
        code=True,
    )
    sms_text = _area(4, "Plain GSM-7 characters keep the cost down: avoid curly quotes, dashes and emoji.")
    voice_script = _area(
        6, "Read aloud by text-to-speech. Use |spell for references, e.g. {{ case.reference|spell }}."
    )
    portal_text = _area(8, "Shown in the customer's portal inbox.")

    field_order = (EMAIL_SUBJECT, EMAIL_TEXT, EMAIL_HTML, SMS_TEXT, VOICE_SCRIPT, PORTAL_TEXT)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.label = FIELD_LABELS[name]


class TemplateCreateForm(forms.Form):
    trigger = forms.ChoiceField(help_text="When this message is sent. Reply templates are picked by agents.")
    name = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    locale = forms.ChoiceField(choices=settings.LANGUAGES, label="First language")

    def __init__(self, *args, taken_triggers: set[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [(REPLY, "Agent reply (picked by agents on a case)")]
        choices += [
            (key, f"{trigger.name} ({key})")
            for key, trigger in TRIGGERS.items()
            if key != REPLY and key not in taken_triggers
        ]
        self.fields["trigger"].choices = choices


class TemplateDetailsForm(forms.Form):
    name = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("reject", "Reject")])
    comment = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when rejecting: tell the author what to change.",
    )
