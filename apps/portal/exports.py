"""A customer's copy of their data (GDPR/CCPA access): one ZIP with `data.json` and their files.

What goes in: profile, contact points, consents (current and the log), orders with their history,
cases with the customer-visible timeline only (never internal notes) and its attachments, ratings,
and portal inbox messages. Built by a Celery task (`apps.portal.tasks.build_data_export`).
"""

import json
import zipfile
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import PurePath
from typing import IO, Any

from apps.cases.models import Case, TimelineEntry
from apps.cases.selectors import case_timeline, customer_cases
from apps.common.clock import now
from apps.customers.models import Customer
from apps.customers.selectors import customer_consent_history, customer_orders
from apps.feedback.selectors import csat_of_customer
from apps.notifications.selectors import portal_inbox_messages

README = """This archive holds the data {company} keeps about you, as of {moment}.

data.json      your profile, addresses, consent, orders, cases (with the messages you can see
               in the portal), ratings and portal messages
attachments/   the files attached to those messages, one folder per case
"""


def _value(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _row(obj: Any, fields: list[str]) -> dict[str, Any]:
    return {field: _value(getattr(obj, field)) for field in fields}


def _profile(customer: Customer) -> dict[str, Any]:
    return _row(
        customer,
        [
            "name",
            "locale",
            "time_zone",
            "preferred_channels",
            "quiet_hours_start",
            "quiet_hours_end",
            "update_cadence",
            "tags",
            "onboarded_on",
            "external_id",
            "created_at",
        ],
    )


def _orders(customer: Customer) -> list[dict[str, Any]]:
    fields = [
        "order_number",
        "status",
        "items_summary",
        "total",
        "currency",
        "carrier",
        "tracking_number",
        "tracking_url",
        "expected_delivery",
        "delay_reason",
        "shipping_postcode",
        "placed_at",
        "delivered_at",
    ]
    history = ["from_status", "to_status", "reason", "expected_delivery", "occurred_at"]
    return [
        {**_row(order, fields), "history": [_row(event, history) for event in order.status_events.all()]}
        for order in customer_orders(customer=customer)
    ]


def _entry(entry: TimelineEntry, folder: str, files: list[tuple[str, Any]]) -> dict[str, Any]:
    attachments = []
    for attachment in entry.attachments.all():
        path = f"attachments/{folder}/{attachment.pk}-{PurePath(attachment.filename).name}"
        files.append((path, attachment.file))
        attachments.append({"filename": attachment.filename, "size": attachment.size, "file": path})
    return {
        "at": _value(entry.created_at),
        "kind": entry.kind,
        "from": "you" if entry.author_customer_id else "us",
        "channel": entry.channel,
        "text": entry.body,
        "attachments": attachments,
    }


def _case(case: Case, files: list[tuple[str, Any]]) -> dict[str, Any]:
    fields = [
        "reference",
        "kind",
        "subject",
        "description",
        "status",
        "created_at",
        "resolved_at",
        "closed_at",
    ]
    timeline = case_timeline(case=case, include_internal=False)
    return {
        **_row(case, fields),
        "order_number": case.order.order_number if case.order_id else None,
        "timeline": [_entry(entry, case.reference, files) for entry in timeline],
    }


def customer_data(customer: Customer) -> tuple[dict[str, Any], list[tuple[str, Any]]]:
    """The export's JSON document and the (archive path, stored file) pairs to add beside it."""
    files: list[tuple[str, Any]] = []
    cases = customer_cases(customer=customer).select_related("order").defer(None)
    document = {
        "exported_at": _value(now()),
        "company": customer.tenant.public_name,
        "profile": _profile(customer),
        "contact_points": [
            _row(point, ["kind", "value", "is_primary", "is_verified", "verified_at"])
            for point in customer.contact_points.all()
        ],
        "consent": [_row(c, ["channel", "state", "source", "changed_at"]) for c in customer.consents.all()],
        "consent_log": [
            _row(event, ["channel", "state", "source", "created_at"])
            for event in customer_consent_history(customer=customer)
        ],
        "orders": _orders(customer),
        "cases": [_case(case, files) for case in cases],
        "ratings": [
            {"case": response.case.reference, **_row(response, ["rating", "comment", "created_at"])}
            for response in csat_of_customer(tenant_id=customer.tenant_id, customer_id=customer.pk)
        ],
        "portal_messages": [
            _row(message, ["subject", "text", "created_at", "read_at"])
            for message in portal_inbox_messages(tenant=customer.tenant, customer_id=customer.pk)
        ],
    }
    return document, files


def write_export_zip(customer: Customer, target: IO[bytes]) -> None:
    """Write the customer's archive into the binary file `target`."""
    document, files = customer_data(customer)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "README.txt", README.format(company=document["company"], moment=document["exported_at"])
        )
        archive.writestr("data.json", json.dumps(document, indent=2, ensure_ascii=False))
        for path, stored in files:
            try:
                source = stored.open("rb")
            except OSError:  # lost from storage: the export still carries everything else
                archive.writestr(f"{path}.missing.txt", "This file could not be found in our storage.")
                continue
            with source, archive.open(path, "w") as sink:
                for chunk in iter(lambda source=source: source.read(1 << 16), b""):
                    sink.write(chunk)
