"""What a customer does to cases from the portal, through the cases and feedback services."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from apps.audit.services import audit_record
from apps.cases.models import Case, CaseKind, CaseStatus, SourceChannel
from apps.cases.services import case_open, case_transition
from apps.customers.models import Customer, Order

# Kinds a customer can open; feedback follow-ups are opened by Tidings itself (apps/feedback).
PORTAL_KINDS = (CaseKind.INQUIRY, CaseKind.COMPLAINT, CaseKind.SERVICE_REQUEST)


class Via:
    """How the customer reached the action: signed in, or a signed link in a message."""

    PORTAL = "portal"
    LINK = "link"


@transaction.atomic
def portal_case_open(
    *,
    customer: Customer,
    kind: str,
    subject: str,
    description: str,
    order: Order | None = None,
    attachments: Iterable[UploadedFile] = (),
) -> Case:
    """Open a case for the signed-in customer (source channel: portal)."""
    if kind not in PORTAL_KINDS:
        raise ValidationError({"kind": _("Choose what kind of request this is.")})
    if not (description or "").strip():
        raise ValidationError({"description": _("Tell us what happened and what you would like us to do.")})
    return case_open(
        tenant=customer.tenant,
        actor=customer,
        customer=customer,
        subject=subject,
        description=description,
        kind=kind,
        source_channel=SourceChannel.PORTAL,
        order=order,
        attachments=attachments,
    )


@transaction.atomic
def portal_resolution_answer(
    *, customer: Customer, case: Case, solved: bool, reason: str = "", via: str
) -> Case:
    """The customer's answer to "was this solved?": yes closes the case, no reopens it with the reason."""
    if case.customer_id != customer.pk:
        raise ValidationError({"solved": _("No such case.")})
    if case.status != CaseStatus.RESOLVED:
        raise ValidationError({"solved": _("This request is not waiting for your confirmation.")})
    reason = (reason or "").strip()
    if solved:
        case = case_transition(
            actor=customer,
            case=case,
            to_status=CaseStatus.CLOSED,
            reason="The customer confirmed it is solved.",
        )
    else:
        if not reason:
            raise ValidationError({"reason": _("Tell us what is still wrong, so we can pick it up.")})
        case = case_transition(actor=customer, case=case, to_status=CaseStatus.REOPENED, reason=reason)
    audit_record(
        tenant=case.tenant,
        actor=customer,
        action="portal.resolution_confirmed" if solved else "portal.resolution_rejected",
        target=case,
        metadata={"reference": case.reference, "via": via},
    )
    return case


def portal_attachment_download_record(*, customer: Customer, case: Case, attachment_id: int) -> None:
    audit_record(
        tenant=customer.tenant,
        actor=customer,
        action="portal.attachment_downloaded",
        target=("cases.attachment", attachment_id),
        metadata={"reference": case.reference},
    )
