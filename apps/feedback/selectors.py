"""Reads of the feedback app."""

from apps.cases.models import Case
from apps.feedback.models import CsatResponse


def csat_for_case(*, case: Case) -> CsatResponse | None:
    """The case's rating, or None when the customer has not rated it."""
    return CsatResponse.objects.for_tenant(case.tenant_id).filter(case_id=case.pk).first()


def csat_of_customer(*, tenant_id: int, customer_id: int) -> list[CsatResponse]:
    """Every rating the customer gave, newest first (data export)."""
    return list(
        CsatResponse.objects.for_tenant(tenant_id)
        .filter(customer_id=customer_id)
        .select_related("case")
        .order_by("-created_at", "-id")
    )
