"""The new-case form (`cases:create`): an agent opens a case on behalf of a customer, typically one
who phoned. The customer is picked from a search (htmx updates the list as the agent types; without
JavaScript the "Find" button reloads the form with the results) or typed in as a new customer."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from apps.cases.forms import CaseCreateForm
from apps.cases.selectors import case_by_reference
from apps.cases.services import case_open, case_open_for_new_customer
from apps.common.forms import apply_service_errors
from apps.customers.models import Customer
from apps.customers.selectors import customer_detail, customer_list, order_by_number
from apps.web.decorators import staff_required

PICKER_TARGET = "customer-picker"
PICKER_SIZE = 8


def _offered_customers(request: HttpRequest, query: str, chosen: str) -> list[Customer] | QuerySet[Customer]:
    """The customers to offer: the search results, with the chosen one always among them."""
    offered: list[Customer] = []
    if chosen.isdigit():
        customer = customer_detail(tenant=request.tenant, customer_id=int(chosen))
        if customer is not None:
            offered.append(customer)
    if query:
        found = customer_list(tenant=request.tenant, query=query)[:PICKER_SIZE]
        offered += [customer for customer in found if customer not in offered]
    return offered


def _open(request: HttpRequest, form: CaseCreateForm):
    data = form.cleaned_data
    order = None
    if data["order_number"]:
        order = order_by_number(tenant=request.tenant, order_number=data["order_number"])
        if order is None:
            raise ValidationError({"order": f"There is no order {data['order_number']}."})
    case_fields = {
        "subject": data["subject"],
        "description": data["description"],
        "kind": data["kind"],
        "source_channel": data["source_channel"],
        "priority": data["priority"],
        "team": data["team"],
        "assignee": data["assignee"],
        "order": order,
        "tags": data["tags"],
        "initial_assessment": data["initial_assessment"],
    }
    if data["customer"] is not None:
        return case_open(tenant=request.tenant, actor=request.user, customer=data["customer"], **case_fields)
    email, phone = data["new_customer_email"].strip(), data["new_customer_phone"].strip()
    customer_fields = {
        "name": data["new_customer_name"],
        "emails": [email] if email else [],
        "phones": [phone] if phone else [],
        "consents": {channel: True for channel in data["new_customer_consents"]},
        "preferred_channels": [*data["new_customer_consents"], "portal"],
    }
    return case_open_for_new_customer(
        tenant=request.tenant, actor=request.user, customer_fields=customer_fields, **case_fields
    )


@staff_required
def case_create(request: HttpRequest) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    query = source.get("customer_q", "").strip()
    offered = _offered_customers(request, query, source.get("customer", ""))
    context = {"query": query, "offered": offered, "picker_target": PICKER_TARGET}
    if request.htmx and request.htmx.target == PICKER_TARGET:
        form = CaseCreateForm(
            tenant=request.tenant, customers=offered, initial={"customer": source.get("customer")}
        )
        return render(request, "cases/_customer_picker.html", context | {"form": form})
    if request.method != "POST":
        # "Find" without JavaScript sends the form by GET: keep what was typed so far.
        initial = {name: value for name, value in source.items() if name in CaseCreateForm.base_fields}
        initial["new_customer_consents"] = source.getlist("new_customer_consents")
        form = CaseCreateForm(tenant=request.tenant, customers=offered, initial=initial)
        return render(request, "cases/create.html", context | {"form": form})
    form = CaseCreateForm(request.POST, tenant=request.tenant, customers=offered)
    if form.is_valid():
        try:
            case = _open(request, form)
        except ValidationError as error:
            apply_service_errors(form, error, renamed=CaseCreateForm.SERVICE_FIELDS)
        else:
            messages.success(request, f"Case {case.reference} opened for {case.customer}.")
            if case_by_reference(
                tenant=request.tenant, membership=request.membership, reference=case.reference
            ):
                return redirect("cases:detail", reference=case.reference)
            messages.info(request, "It went to a team you are not in, so it is not in your queue.")
            return redirect("cases:queue")
    return render(request, "cases/create.html", context | {"form": form}, status=422)
