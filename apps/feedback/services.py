"""Writes of the feedback app: a customer rates a resolved case; poor ratings open a follow-up case.

The procedures ask for a response to negative feedback within one business day: a rating at or
below `settings.FEEDBACK_FOLLOWUP_MAX_RATING` opens a `feedback_followup` case for the same customer
in the same transaction, so it gets its own SLA timers like any other case.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.audit.services import audit_record
from apps.cases.models import Case, CaseKind, CaseStatus, Priority, SourceChannel
from apps.cases.services import case_open
from apps.common.actors import Actor
from apps.common.domain_events import DomainEvent, domain_event_publish
from apps.feedback.models import HIGHEST_RATING, LOWEST_RATING, CsatResponse, CsatSource

RATEABLE_STATUSES = (CaseStatus.RESOLVED, CaseStatus.CLOSED)
MAX_COMMENT_LENGTH = 2000


def _followup(case: Case, rating: int, comment: str) -> Case:
    return case_open(
        tenant=case.tenant,
        actor=None,
        customer=case.customer,
        subject=f"Follow up on feedback for {case.reference}: rated {rating} of {HIGHEST_RATING}",
        description=comment or "The customer left no comment.",
        kind=CaseKind.FEEDBACK_FOLLOWUP,
        source_channel=SourceChannel.PORTAL,
        priority=Priority.HIGH,
        order=case.order,
        tags=["csat"],
    )


@transaction.atomic
def csat_submit(*, actor: Actor, case: Case, rating: int, comment: str = "", source: str) -> CsatResponse:
    """Record the customer's rating of `case` (once per case, only after it was resolved).

    `actor` is the customer (or whoever recorded the answer for them). Returns the response; its
    `followup_case` is set when the rating opened one.
    """
    if source not in CsatSource.values:
        raise ValidationError({"source": f"“{source}” is not a feedback source."})
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not LOWEST_RATING <= rating <= HIGHEST_RATING:
        raise ValidationError(
            {
                "rating": _("Choose a rating from %(low)s to %(high)s.")
                % {"low": LOWEST_RATING, "high": HIGHEST_RATING}
            }
        )
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT_LENGTH:
        raise ValidationError(
            {"comment": _("Keep the comment under %(count)s characters.") % {"count": MAX_COMMENT_LENGTH}}
        )
    # The row lock serialises two submissions for the same case (a double click, two tabs).
    case = (
        Case.objects.for_tenant(case.tenant_id)
        .select_for_update(of=("self",))
        .select_related("tenant", "customer", "order")
        .get(pk=case.pk)
    )
    if case.status not in RATEABLE_STATUSES:
        raise ValidationError({"rating": _("You can rate this request once it is solved.")})
    if CsatResponse.objects.for_tenant(case.tenant_id).filter(case=case).exists():
        raise ValidationError({"rating": _("This request has already been rated. Thank you!")})
    followup = _followup(case, rating, comment) if rating <= settings.FEEDBACK_FOLLOWUP_MAX_RATING else None
    response = CsatResponse.objects.create(
        tenant_id=case.tenant_id,
        case=case,
        customer=case.customer,
        rating=rating,
        comment=comment,
        source=source,
        followup_case=followup,
    )
    audit_record(
        tenant=case.tenant,
        actor=actor,
        action="feedback.csat_submitted",
        target=case,
        changes={"rating": rating},
        metadata={
            "reference": case.reference,
            "source": source,
            "has_comment": bool(comment),
            "followup_case_id": followup.pk if followup else None,
        },
    )
    domain_event_publish(
        DomainEvent(
            name="feedback.csat_submitted",
            tenant_id=case.tenant_id,
            customer_id=case.customer_id,
            case_id=case.pk,
            data={"rating": rating, "followup_case_id": followup.pk if followup else None},
        )
    )
    return response
