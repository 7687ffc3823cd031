"""Template helpers of the agent workspace: status words as badges, queue links that keep filters."""

import phonenumbers
from django import template
from django.http import QueryDict
from django.utils.html import format_html
from django.utils.safestring import SafeString

from apps.cases.models import CaseKind, CaseStatus, MessageChannel, Priority, SourceChannel

register = template.Library()

# Display labels by value, for rows rendered by the hundred: `case.get_status_display()` rebuilds
# the field's flattened choices on every call, which dominated the queue's rendering time.
LABELS: dict[str, dict[str, str]] = {
    "status": dict(CaseStatus.choices),
    "priority": dict(Priority.choices),
    "kind": dict(CaseKind.choices),
    "source": dict(SourceChannel.choices),
    "channel": dict(MessageChannel.choices),
}


@register.filter
def label(value: str, choices: str) -> str:
    """`{{ case.status|label:"status" }}` → "In progress"."""
    return LABELS[choices].get(value, value)


@register.simple_tag
def badge(value: str, label: str = "") -> SafeString:
    """`{% badge case.status case.get_status_display %}` → a badge coloured by its status word
    (app.css knows `badge-in-progress`, `badge-pending-customer`, `badge-urgent` …)."""
    word = str(value or "neutral").replace("_", "-")
    return format_html('<span class="badge badge-{}">{}</span>', word, label or value)


@register.filter
def phone(e164: str) -> str:
    """+442079460958 → "+44 20 7946 0958" (numbers are stored in E.164; agents read them grouped)."""
    try:
        number = phonenumbers.parse(e164 or "", None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


@register.simple_tag
def query_with(params: QueryDict, **changes: object) -> str:
    """The current query string with some parameters replaced (None or "" removes them), e.g.
    `?{% query_with request.GET cursor=page.next_cursor before=None %}`. Paging parameters are
    dropped whenever anything else changes, so a new filter starts on its first page."""
    query = params.copy()
    if set(changes) - {"cursor", "before"}:
        changes = {"cursor": None, "before": None, **changes}
    for name, value in changes.items():
        if value in (None, ""):
            query.pop(name, None)
        else:
            query[name] = str(value)
    return query.urlencode()
