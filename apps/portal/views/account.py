"""The customer's orders, portal inbox, preferences and data exports."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.cases.selectors import customer_cases
from apps.customers.models import ContactKind
from apps.customers.selectors import contact_points_of, customer_orders
from apps.notifications.selectors import portal_inbox_message, portal_inbox_messages
from apps.notifications.services import portal_inbox_mark_read
from apps.portal.decorators import customer_required
from apps.portal.forms import PreferencesForm
from apps.portal.selectors import customer_order, data_export_for_download, data_exports_of
from apps.portal.services.account import (
    data_export_download_record,
    data_export_request,
    portal_preferences_save,
)
from apps.portal.views.common import form_submit


@customer_required
def order_list(request: HttpRequest) -> HttpResponse:
    orders = customer_orders(customer=request.portal_customer)
    return render(request, "portal/orders.html", {"orders": orders})


@customer_required
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = customer_order(customer=request.portal_customer, order_id=pk)
    if order is None:
        raise Http404
    cases = customer_cases(customer=request.portal_customer).filter(order_id=order.pk)
    return render(request, "portal/order.html", {"order": order, "cases": cases})


@customer_required
def message_list(request: HttpRequest) -> HttpResponse:
    inbox = portal_inbox_messages(tenant=request.tenant, customer_id=request.portal_customer.pk)
    return render(request, "portal/messages.html", {"inbox": inbox[:200]})


@customer_required
def message_detail(request: HttpRequest, pk: int) -> HttpResponse:
    message = portal_inbox_message(
        tenant=request.tenant, customer_id=request.portal_customer.pk, message_id=pk
    )
    if message is None:
        raise Http404
    portal_inbox_mark_read(message=message)
    return render(request, "portal/message.html", {"message": message})


@customer_required
def preferences(request: HttpRequest) -> HttpResponse:
    customer = request.portal_customer
    form = PreferencesForm(request.POST or None, initial=PreferencesForm.initial_for(customer))
    if request.method == "POST":
        changed = form_submit(
            form,
            lambda _data: portal_preferences_save(
                customer=customer, changes=form.changes(), consents=form.consents()
            ),
        )
        if changed is not None:
            messages.success(request, _("Your preferences are saved."))
            return redirect("portal:preferences")
    context = {
        "form": form,
        "emails": contact_points_of(customer=customer, kind=ContactKind.EMAIL),
        "phones": contact_points_of(customer=customer, kind=ContactKind.PHONE),
    }
    return render(request, "portal/preferences.html", context, status=400 if form.errors else 200)


@customer_required
def my_data(request: HttpRequest) -> HttpResponse:
    exports = data_exports_of(customer=request.portal_customer)[:10]
    return render(request, "portal/my_data.html", {"exports": exports})


@require_POST
@customer_required
def my_data_export(request: HttpRequest) -> HttpResponse:
    try:
        data_export_request(customer=request.portal_customer)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("We are preparing your copy. It will appear below in a few minutes."))
    return redirect("portal:my_data")


@customer_required
def export_download(request: HttpRequest, pk: int) -> HttpResponse:
    export = data_export_for_download(customer=request.portal_customer, export_id=pk)
    if export is None:
        raise Http404
    data_export_download_record(customer=request.portal_customer, export=export)
    filename = f"{request.tenant.slug}-my-data-{export.completed_at:%Y-%m-%d}.zip"
    return FileResponse(
        export.file.open("rb"), as_attachment=True, filename=filename, content_type="application/zip"
    )
