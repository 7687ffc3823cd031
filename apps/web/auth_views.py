"""Staff sign-in, sign-out and password reset on the tenant's host."""

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from apps.accounts.services import SignInOutcome, staff_sign_in, staff_sign_out_record, user_password_reset
from apps.web.forms import SignInForm, TenantPasswordResetForm

REFUSED_MESSAGE = "That email and password do not match an account here."


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("web:home")


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    if request.membership is not None:
        return redirect(_next_url(request))
    form = SignInForm(request.POST or None)
    retry_after = 0
    if request.method == "POST" and form.is_valid():
        result = staff_sign_in(
            request=request,
            tenant=request.tenant,
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password"],
        )
        if result.outcome == SignInOutcome.SIGNED_IN:
            login(request, result.user)
            return redirect(_next_url(request))
        if result.outcome == SignInOutcome.THROTTLED:
            minutes = max(1, result.retry_after_seconds // 60)
            form.add_error(
                None,
                f"Too many failed sign-in attempts. Wait {minutes} minutes and try again, "
                "or reset your password.",
            )
            retry_after = result.retry_after_seconds
        else:
            form.add_error(None, REFUSED_MESSAGE)
    context = {"form": form, "next": _next_url(request)}
    response = render(request, "web/login.html", context, status=429 if retry_after else 200)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.membership is not None:
        staff_sign_out_record(tenant=request.tenant, user=request.user)
    logout(request)
    messages.success(request, "You have signed out.")
    return redirect("web:login")


class PasswordResetView(auth_views.PasswordResetView):
    """Mails a reset link (on this host) to a member of this tenant; says the same for anyone else."""

    template_name = "web/password_reset.html"
    email_template_name = "web/email/password_reset.txt"
    subject_template_name = "web/email/password_reset_subject.txt"
    form_class = TenantPasswordResetForm
    success_url = reverse_lazy("web:password_reset_done")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "tenant": self.request.tenant}

    def form_valid(self, form):
        self.extra_email_context = {"tenant": self.request.tenant}
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "web/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choose a new password from a mailed link (also the first-time set-up link for new members)."""

    template_name = "web/password_reset_confirm.html"
    success_url = reverse_lazy("web:password_reset_complete")

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        # A link is good only on the host of a tenant the person belongs to.
        if (
            user is not None
            and not user.memberships.filter(tenant=self.request.tenant, is_active=True).exists()
        ):
            return None
        return user

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        # The page states the rules in one sentence; Django's list of every validator is noise here.
        form.fields["new_password1"].help_text = ""
        form.fields["new_password2"].help_text = ""
        return form

    def form_valid(self, form):
        user_password_reset(
            tenant=self.request.tenant, user=form.user, password=form.cleaned_data["new_password1"]
        )
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "web/password_reset_complete.html"
