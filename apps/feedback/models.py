"""Customer satisfaction (CSAT) answers: one per case, rated 1 to 5 with an optional comment."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from apps.cases.models import Case
from apps.common.clock import now
from apps.customers.models import Customer
from apps.tenants.models import TenantOwnedModel

LOWEST_RATING = 1
HIGHEST_RATING = 5


class CsatSource(models.TextChoices):
    PORTAL = "portal", "Portal, signed in"
    LINK = "link", "Link in a message"


class CsatResponse(TenantOwnedModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="csat_responses")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="csat_responses")
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(LOWEST_RATING), MaxValueValidator(HIGHEST_RATING)]
    )
    comment = models.TextField(blank=True, max_length=2000)
    source = models.CharField(max_length=10, choices=CsatSource.choices)
    # The case opened to answer negative feedback (a rating at or below FEEDBACK_FOLLOWUP_MAX_RATING).
    followup_case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "case"], name="csat_one_per_case"),
            models.CheckConstraint(
                condition=Q(rating__gte=LOWEST_RATING, rating__lte=HIGHEST_RATING), name="csat_rating_1_to_5"
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "created_at"], name="csat_tenant_created"),
            models.Index(fields=["tenant", "customer"], name="csat_tenant_customer"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.rating}/5"
