"""Forms of the portal: they parse and check input, in the customer's language; services write."""

import re
from collections.abc import Sequence
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from apps.cases.attachments import MAX_FILES_PER_ENTRY, attachment_content_type
from apps.customers.models import Channel, Customer, Order, UpdateCadence
from apps.portal.services.cases import PORTAL_KINDS
from apps.portal.services.sign_in import Address, address_parse
from apps.portal.session import safe_next
from apps.portal.wording import CADENCE, CASE_KIND, CHANNEL
from apps.tenants.models import Tenant
from apps.web.forms import TIME_ZONE_CHOICES

# --- attachments ----------------------------------------------------------------------------------


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files in one input, checked against the case attachment limits (type, size, count)."""

    def __init__(self, **kwargs) -> None:
        attrs = {"accept": ",".join(settings.ATTACHMENT_ALLOWED_TYPES), "multiple": True}
        kwargs.setdefault("widget", MultipleFileInput(attrs=attrs))
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Attach files (optional)"))
        kwargs.setdefault(
            "help_text",
            _("Up to %(count)s files, each at most %(size)s: PDF, pictures, Word, Excel or text.")
            % {"count": MAX_FILES_PER_ENTRY, "size": filesizeformat(settings.ATTACHMENT_MAX_BYTES)},
        )
        super().__init__(**kwargs)

    def clean(self, data, initial=None) -> list[UploadedFile]:
        single = super().clean
        files = [
            single(item, initial) for item in (data if isinstance(data, list | tuple) else [data]) if item
        ]
        if len(files) > MAX_FILES_PER_ENTRY:
            raise ValidationError(
                _("Attach at most %(count)s files at once.") % {"count": MAX_FILES_PER_ENTRY}
            )
        for upload in files:
            try:
                attachment_content_type(upload)
            except ValidationError:
                raise ValidationError(
                    _(
                        "%(name)s cannot be attached: use a PDF, picture, Word, Excel or text file "
                        "of at most %(size)s."
                    )
                    % {
                        "name": PurePath(upload.name or "").name,
                        "size": filesizeformat(settings.ATTACHMENT_MAX_BYTES),
                    }
                ) from None
        return files


def apply_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has one."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


# --- sign-in --------------------------------------------------------------------------------------


class SignInForm(forms.Form):
    address = forms.CharField(
        label=_("Email address or mobile number"),
        max_length=254,
        help_text=_("The one we have on file for you. We will send you a code to sign in."),
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, tenant: Tenant, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.tenant = tenant

    def clean_address(self) -> Address:
        try:
            return address_parse(tenant=self.tenant, raw=self.cleaned_data["address"])
        except ValidationError:
            raise ValidationError(
                _("Enter an email address (name@example.com) or a mobile number (+44 7400 123456).")
            ) from None

    def clean_next(self) -> str:
        return safe_next(self.cleaned_data.get("next"))


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Your 6-digit code"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "class": "code-input",
                "autofocus": True,
            }
        ),
    )

    def clean_code(self) -> str:
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"])
        if not re.fullmatch(r"\d{6}", code):
            raise ValidationError(_("The code is 6 digits, like 123456."))
        return code


# --- cases ----------------------------------------------------------------------------------------


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    attachments = AttachmentsField()

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("body") or "").strip() and not cleaned.get("attachments") and not self.errors:
            raise ValidationError(_("Write a message or attach a file."))
        return cleaned


class NewCaseForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What is it about?"),
        choices=[(kind, CASE_KIND[kind]) for kind in PORTAL_KINDS],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what kind of request this is.")},
    )
    subject = forms.CharField(
        label=_("Subject"),
        max_length=200,
        help_text=_("A few words, e.g. “Parcel arrived damaged”."),
        error_messages={"required": _("Give your request a short subject.")},
    )
    description = forms.CharField(
        label=_("Tell us more"),
        max_length=10000,
        help_text=_("What happened, and what would you like us to do?"),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Tell us what happened and what you would like us to do.")},
    )
    order = forms.TypedChoiceField(label=_("Is it about an order? (optional)"), required=False, coerce=int)
    attachments = AttachmentsField()

    def __init__(self, *args, orders: Sequence[Order], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.orders = {order.pk: order for order in orders}
        self.fields["order"].choices = [("", _("No, not about an order"))] + [
            (order.pk, order.order_number) for order in orders
        ]
        if not orders:
            del self.fields["order"]

    def clean_order(self) -> Order | None:
        return self.orders.get(self.cleaned_data.get("order") or 0)


class ResolutionForm(forms.Form):
    solved = forms.TypedChoiceField(choices=[("yes", _("Yes")), ("no", _("No"))], coerce=lambda v: v == "yes")
    reason = forms.CharField(
        label=_("What is still wrong?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("solved") is False and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Tell us what is still wrong, so we can pick it up."))
        return cleaned


class CsatForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How happy are you with how we handled this?"),
        choices=[(1, _("Very poor")), (2, _("Poor")), (3, _("Okay")), (4, _("Good")), (5, _("Excellent"))],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a rating from 1 to 5.")},
    )
    comment = forms.CharField(
        label=_("Anything you would like to tell us? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# --- account --------------------------------------------------------------------------------------

ORDER_FIELDS = ("channel_1", "channel_2", "channel_3", "channel_4")
CONSENT_CHANNELS = (Channel.EMAIL, Channel.SMS, Channel.VOICE)


class PreferencesForm(forms.Form):
    channel_1 = forms.ChoiceField(label=_("First choice"))
    channel_2 = forms.ChoiceField(label=_("Second choice"), required=False)
    channel_3 = forms.ChoiceField(label=_("Third choice"), required=False)
    channel_4 = forms.ChoiceField(label=_("Fourth choice"), required=False)
    consent_email = forms.BooleanField(label=_("You may send me emails"), required=False)
    consent_sms = forms.BooleanField(label=_("You may send me text messages"), required=False)
    consent_voice = forms.BooleanField(label=_("You may call me"), required=False)
    quiet_hours_start = forms.TimeField(
        label=_("From"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    quiet_hours_end = forms.TimeField(
        label=_("Until"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    update_cadence = forms.ChoiceField(
        label=_("Updates on open requests"),
        choices=[(value, CADENCE[value]) for value in UpdateCadence.values],
        widget=forms.RadioSelect,
    )
    locale = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=TIME_ZONE_CHOICES)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        options = [(value, CHANNEL[value]) for value in Channel.values]
        self.fields["channel_1"].choices = options
        for name in ORDER_FIELDS[1:]:
            self.fields[name].choices = [("", _("(none)")), *options]

    @classmethod
    def initial_for(cls, customer: Customer) -> dict:
        initial = {name: "" for name in ORDER_FIELDS}
        initial.update(zip(ORDER_FIELDS, customer.preferred_channels, strict=False))
        granted = {consent.channel for consent in customer.consents.all() if consent.granted}
        initial.update({f"consent_{channel}": channel in granted for channel in CONSENT_CHANNELS})
        initial.update(
            quiet_hours_start=customer.quiet_hours_start,
            quiet_hours_end=customer.quiet_hours_end,
            update_cadence=customer.update_cadence,
            locale=customer.locale.split("-")[0],
            time_zone=customer.time_zone,
        )
        return initial

    def clean(self):
        cleaned = super().clean()
        chosen = [cleaned.get(name) for name in ORDER_FIELDS if cleaned.get(name)]
        if len(set(chosen)) != len(chosen):
            self.add_error("channel_2", _("Choose each way of reaching you only once."))
        start, end = cleaned.get("quiet_hours_start"), cleaned.get("quiet_hours_end")
        if (start is None) != (end is None):
            self.add_error(
                "quiet_hours_end", _("Give both the start and the end of your quiet hours, or neither.")
            )
        elif start is not None and start == end:
            self.add_error("quiet_hours_end", _("Quiet hours cannot start and end at the same time."))
        cleaned["preferred_channels"] = chosen
        return cleaned

    def changes(self) -> dict:
        data = self.cleaned_data
        return {
            "preferred_channels": data["preferred_channels"],
            "quiet_hours_start": data["quiet_hours_start"],
            "quiet_hours_end": data["quiet_hours_end"],
            "update_cadence": data["update_cadence"],
            "locale": data["locale"],
            "time_zone": data["time_zone"],
        }

    def consents(self) -> dict[str, bool]:
        """The consents the customer changed (an untouched, never-given consent is not withdrawn)."""
        wanted = {channel: bool(self.cleaned_data[f"consent_{channel}"]) for channel in CONSENT_CHANNELS}
        return {
            channel: granted
            for channel, granted in wanted.items()
            if granted != bool(self.initial.get(f"consent_{channel}"))
        }


# --- without signing in ---------------------------------------------------------------------------


class OrderLookupForm(forms.Form):
    order_number = forms.CharField(
        label=_("Order number"),
        max_length=64,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )
    proof = forms.CharField(
        label=_("Email address or postcode on the order"),
        max_length=254,
        help_text=_("So that only you can see your order."),
        widget=forms.TextInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
