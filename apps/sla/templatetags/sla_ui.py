"""Template helpers of the SLA engine: case clocks and the notice bell.

On a list (one query for the page):

    {% load sla_ui %}
    {% sla_clocks page.cases as clocks %}
    {% for case in page.cases %} … {% sla_clock clocks case %} … {% endfor %}

On a single case, kept live by its own htmx refresh: `{% sla_case_clock case %}`.
"""

from collections.abc import Iterable

from django import template

from apps.cases.models import Case
from apps.sla.clocks import SlaClock, sla_clocks_for_cases
from apps.sla.notices import unread_notice_count

register = template.Library()


def _tenant(context: template.Context, cases: list[Case]):
    request = context.get("request")
    tenant = getattr(request, "tenant", None)
    return tenant if tenant is not None else cases[0].tenant


@register.simple_tag(takes_context=True)
def sla_clocks(context: template.Context, cases: Iterable[Case]) -> dict[int, SlaClock]:
    cases = list(cases)
    if not cases:
        return {}
    return sla_clocks_for_cases(tenant=_tenant(context, cases), case_ids=[case.pk for case in cases])


@register.inclusion_tag("sla/_clock.html")
def sla_clock(clocks: dict[int, SlaClock], case: Case) -> dict:
    return {"clock": clocks.get(case.pk), "case": case, "live": False}


@register.inclusion_tag("sla/_clock.html", takes_context=True)
def sla_case_clock(context: template.Context, case: Case) -> dict:
    clocks = sla_clocks_for_cases(tenant=_tenant(context, [case]), case_ids=[case.pk])
    return {"clock": clocks.get(case.pk), "case": case, "live": True}


@register.inclusion_tag("sla/_bell.html", takes_context=True)
def notice_bell(context: template.Context) -> dict:
    request = context.get("request")
    if getattr(request, "membership", None) is None:
        return {"show": False}
    return {"show": True, "unread_notices": unread_notice_count(tenant=request.tenant, user=request.user)}
