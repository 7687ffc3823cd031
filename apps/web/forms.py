"""Forms of the staff shell: sign-in, password reset, tenant settings, members, API keys.

Forms only parse and validate input; the writes are services in apps/tenants and apps/accounts.
"""

import zoneinfo

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm

from apps.accounts.models import User
from apps.tenants.models import (
    MAX_LOGO_BYTES,
    MIN_NOTIFICATION_RETENTION_DAYS,
    ApiScope,
    Membership,
    Role,
    Tenant,
    logo_extension,
)

TIME_ZONE_CHOICES = [(zone, zone.replace("_", " ")) for zone in sorted(zoneinfo.available_timezones())]


class SignInForm(forms.Form):
    email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}))
    password = forms.CharField(
        strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class TenantPasswordResetForm(PasswordResetForm):
    """Sends reset links only to active members of the host's tenant.

    Unlike Django's form it also serves members who never set a password (invited, link expired),
    so "Forgot your password?" doubles as "send my set-up link again".
    """

    def __init__(self, *args, tenant: Tenant, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.tenant = tenant

    def get_users(self, email: str):
        member_ids = Membership.objects.for_tenant(self.tenant).filter(is_active=True).values("user_id")
        return User.objects.filter(email__iexact=email.strip(), is_active=True, pk__in=member_ids)


class TenantSettingsForm(forms.Form):
    display_name = forms.CharField(
        max_length=200,
        required=False,
        help_text="Shown in the app and to customers. Leave empty to use the company name.",
    )
    logo = forms.FileField(
        required=False,
        help_text=f"PNG, JPEG, GIF or WebP, at most {MAX_LOGO_BYTES // 1024} KB. Shown at 32 px high.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}),
    )
    remove_logo = forms.BooleanField(required=False, label="Remove the current logo")
    brand_colour = forms.RegexField(
        regex=r"^#[0-9a-fA-F]{6}$",
        error_messages={"invalid": "Enter a hex colour such as #2563eb."},
        help_text="Buttons, links and the top bar accent use it.",
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    time_zone = forms.ChoiceField(
        choices=TIME_ZONE_CHOICES,
        help_text="Business hours, SLA deadlines and times shown to staff without their own zone.",
    )
    default_locale = forms.ChoiceField(
        choices=settings.LANGUAGES, label="Default language", help_text="For customers without a preference."
    )
    notification_retention_days = forms.IntegerField(
        label="Keep notification records for (days)",
        min_value=MIN_NOTIFICATION_RETENTION_DAYS,
        max_value=3650,
        error_messages={
            "min_value": f"Notification records must be kept at least {MIN_NOTIFICATION_RETENTION_DAYS} days "
            "(six months).",
            "max_value": "At most 3650 days (ten years).",
        },
        help_text=f"At least {MIN_NOTIFICATION_RETENTION_DAYS} days (six months), as the procedures require.",
    )

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo:
            logo_extension(logo)  # raises ValidationError with a clear message
        return logo or None

    @classmethod
    def initial_for(cls, tenant: Tenant) -> dict:
        return {
            "display_name": tenant.display_name,
            "brand_colour": tenant.brand_colour,
            "time_zone": tenant.time_zone,
            "default_locale": tenant.default_locale,
            "notification_retention_days": tenant.notification_retention_days,
        }


class MemberInviteForm(forms.Form):
    email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    full_name = forms.CharField(
        max_length=200,
        required=False,
        label="Name",
        help_text="Needed for people new to Tidings. Existing accounts keep their own name.",
    )
    role = forms.ChoiceField(choices=Role.choices, initial=Role.AGENT)


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class ApiKeyCreateForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        help_text="Where the key is used, e.g. “Order system (production)”.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    scopes = forms.MultipleChoiceField(
        choices=ApiScope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[ApiScope.READ],
        error_messages={"required": "Choose at least one scope."},
    )
