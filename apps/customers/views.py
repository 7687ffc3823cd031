"""Staff customer pages under /app/customers/ (namespace `customers`): list with search, profile
with contact points, preferences, consent history, orders, cases and every communication, and the
create/edit forms. Customers are tenant-wide for staff; their cases and messages on the profile are
only those the viewer may see (`cases_visible_to`)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from apps.cases.selectors import cases_of_customer, customer_communications
from apps.common.forms import apply_service_errors
from apps.customers.forms import ConsentForm, CustomerCreateForm, CustomerForm
from apps.customers.models import Channel, ConsentSource, ConsentState, ContactKind, Customer
from apps.customers.selectors import (
    contact_points_of,
    customer_consent_history,
    customer_detail,
    customer_list,
    customer_orders,
    customer_reachable_channels,
)
from apps.customers.services import consent_set, customer_create, customer_edit
from apps.web.decorators import staff_required

PAGE_SIZE = 50
PROFILE_CASES = 50
PROFILE_MESSAGES = 100


def _customer(request: HttpRequest, pk: int) -> Customer:
    customer = customer_detail(tenant=request.tenant, customer_id=pk)
    if customer is None:
        raise Http404("No such customer.")
    return customer


def _first_channel_label(customer: Customer) -> str:
    reachable = customer_reachable_channels(customer=customer)
    return Channel(reachable[0]).label if reachable else ""


@staff_required
@require_GET
def customer_index(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    tag = request.GET.get("tag", "").strip()
    page = request.GET.get("page", "1")
    page = int(page) if page.isdigit() and int(page) > 0 else 1
    start = (page - 1) * PAGE_SIZE
    rows = list(customer_list(tenant=request.tenant, query=query, tag=tag)[start : start + PAGE_SIZE + 1])
    customers = [
        {
            "customer": customer,
            "email": next(iter(contact_points_of(customer=customer, kind=ContactKind.EMAIL)), None),
            "phone": next(iter(contact_points_of(customer=customer, kind=ContactKind.PHONE)), None),
            # The channel a message would take: the first preferred one with consent and an address.
            "channel": _first_channel_label(customer),
        }
        for customer in rows[:PAGE_SIZE]
    ]
    context = {
        "customers": customers,
        "query": query,
        "tag": tag,
        "page": page,
        "has_next": len(rows) > PAGE_SIZE,
    }
    return render(request, "customers/list.html", context)


@staff_required
@require_GET
def customer_profile(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer(request, pk)
    return render(request, "customers/detail.html", _profile_context(request, customer))


def _profile_context(
    request: HttpRequest, customer: Customer, consent_form: ConsentForm | None = None
) -> dict:
    membership = request.membership
    consents = {consent.channel: consent for consent in customer.consents.all()}
    reachable = customer_reachable_channels(customer=customer)
    return {
        "customer": customer,
        "emails": contact_points_of(customer=customer, kind=ContactKind.EMAIL),
        "phones": contact_points_of(customer=customer, kind=ContactKind.PHONE),
        "channels": [
            {"value": channel, "label": Channel(channel).label, "reachable": channel in reachable}
            for channel in customer.preferred_channels
        ],
        "consents": [
            {"label": label, "consent": consents.get(value)}
            for value, label in Channel.choices
            if value != Channel.PORTAL
        ],
        "consent_history": customer_consent_history(customer=customer),
        "consent_form": consent_form or ConsentForm(),
        "orders": customer_orders(customer=customer),
        "cases": list(
            cases_of_customer(tenant=request.tenant, membership=membership, customer=customer)[:PROFILE_CASES]
        ),
        "communications": customer_communications(
            tenant=request.tenant, membership=membership, customer=customer, limit=PROFILE_MESSAGES
        ),
    }


@staff_required
def customer_new(request: HttpRequest) -> HttpResponse:
    tenant = request.tenant
    if request.method != "POST":
        initial = {"locale": tenant.default_locale, "time_zone": tenant.time_zone, "channel_1": Channel.EMAIL}
        form = CustomerCreateForm(initial=initial | {"channel_2": Channel.PORTAL})
        return render(request, "customers/form.html", {"form": form})
    form = CustomerCreateForm(request.POST)
    if form.is_valid():
        emails, phones = form.contacts()
        try:
            customer = customer_create(
                tenant=tenant,
                actor=request.user,
                emails=emails,
                phones=phones,
                consents={channel: True for channel in form.cleaned_data["consents"]},
                consent_source=ConsentSource.AGENT,
                **form.profile(),
            )
        except ValidationError as error:
            apply_service_errors(form, error, renamed=CustomerForm.SERVICE_FIELDS)
        else:
            messages.success(request, f"{customer.name} added.")
            return redirect("customers:detail", pk=customer.pk)
    return render(request, "customers/form.html", {"form": form}, status=422)


@staff_required
def customer_change(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer(request, pk)
    if request.method != "POST":
        form = CustomerForm(initial=CustomerForm.initial_for(customer))
        return render(request, "customers/form.html", {"form": form, "customer": customer})
    form = CustomerForm(request.POST)
    if form.is_valid():
        emails, phones = form.contacts()
        try:
            customer_edit(
                actor=request.user, customer=customer, changes=form.profile(), emails=emails, phones=phones
            )
        except ValidationError as error:
            apply_service_errors(form, error, renamed=CustomerForm.SERVICE_FIELDS)
        else:
            messages.success(request, "Customer saved.")
            return redirect("customers:detail", pk=pk)
    return render(request, "customers/form.html", {"form": form, "customer": customer}, status=422)


@staff_required
@require_POST
def customer_consent(request: HttpRequest, pk: int) -> HttpResponse:
    """Record consent the customer gave or withdrew through the agent (logged with the note)."""
    customer = _customer(request, pk)
    form = ConsentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            changed = consent_set(
                actor=request.user,
                customer=customer,
                channel=data["channel"],
                granted=data["state"] == ConsentState.GRANTED,
                source=ConsentSource.AGENT,
                note=data["note"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            label = Channel(data["channel"]).label
            if changed is None:
                messages.info(request, f"Consent for {label.lower()} was already recorded that way.")
            else:
                messages.success(
                    request, f"Consent for {label.lower()}: {changed.get_state_display().lower()}."
                )
            return redirect("customers:detail", pk=pk)
    return render(request, "customers/detail.html", _profile_context(request, customer, form), status=422)
