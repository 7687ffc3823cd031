"""The trigger registry: which events send templated messages and which variables each provides.

A trigger key (`order.shipped`) names the event; the template with that key is what the event sends.
Each trigger declares its variables as dotted paths over plain data (`customer.first_name`,
`order.tracking_number`) with a description and a sample value for previews, and says in which
content fields a variable is *required*: the procedures demand that a delay notice states the reason
and the new date, a shipping notice the tracking number, an acknowledgement the case reference, an
initial assessment and the expected resolution time, a resolution confirmation the "did this solve
it" links and a satisfaction survey. Lint refuses a version that uses an unknown variable or leaves a
required one out, so a template can never ask for data the event does not have.

Free reply templates (keys `reply.<name>`) share the trigger `reply`.

Callers that send (apps.notifications) build a context with exactly these paths; dates and
datetimes may be passed as `date`/`datetime` values and are formatted for the message's locale.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from apps.common import clock

# Content fields of a template version, and which of them each channel uses.
EMAIL_SUBJECT = "email_subject"
EMAIL_TEXT = "email_text"
EMAIL_HTML = "email_html"
SMS_TEXT = "sms_text"
VOICE_SCRIPT = "voice_script"
PORTAL_TEXT = "portal_text"
CONTENT_FIELDS = (EMAIL_SUBJECT, EMAIL_TEXT, EMAIL_HTML, SMS_TEXT, VOICE_SCRIPT, PORTAL_TEXT)
FIELD_LABELS = {
    EMAIL_SUBJECT: "Email subject",
    EMAIL_TEXT: "Email text",
    EMAIL_HTML: "Email HTML",
    SMS_TEXT: "SMS",
    VOICE_SCRIPT: "Voice script",
    PORTAL_TEXT: "Portal message",
}
CHANNELS = ("email", "sms", "voice", "portal")
CHANNEL_LABELS = {"email": "Email", "sms": "SMS", "voice": "Voice", "portal": "Portal"}
# The body fields in which required variables are checked; the subject is a headline, not a body.
BODY_FIELDS = frozenset({EMAIL_TEXT, EMAIL_HTML, SMS_TEXT, VOICE_SCRIPT, PORTAL_TEXT})
# A voice call cannot usefully read out a web address, so links are required everywhere else.
LINK_FIELDS = BODY_FIELDS - {VOICE_SCRIPT}
WRITTEN_FIELDS = frozenset({EMAIL_TEXT, EMAIL_HTML, PORTAL_TEXT})

REPLY = "reply"
REPLY_KEY_PREFIX = "reply."

Sample = Callable[[str], Any]


def _same(value: Any) -> Sample:
    return lambda locale: value


def _loc(en: Any, de: Any) -> Sample:
    return lambda locale: de if locale.split("-")[0] == "de" else en


def _days(offset: int) -> Sample:
    return lambda locale: (clock.now() + timedelta(days=offset)).date()


def _at(offset_days: int, hour: int) -> Sample:
    def sample(locale: str) -> datetime:
        day = (clock.now() + timedelta(days=offset_days)).date()
        return datetime.combine(day, time(hour, 0), tzinfo=clock.now().tzinfo)

    return sample


@dataclass(frozen=True)
class Variable:
    """One variable a trigger provides: a dotted path, what it holds, and a sample for previews."""

    name: str
    description: str
    sample: Sample
    required_in: frozenset[str] = frozenset()
    # For list variables: the fields of each element (`{% for item in order.items %}{{ item.name }}`).
    items: tuple["Variable", ...] = ()

    @property
    def is_list(self) -> bool:
        return bool(self.items)

    def required(self, fields: Iterable[str]) -> "Variable":
        return Variable(self.name, self.description, self.sample, frozenset(fields), self.items)


@dataclass(frozen=True)
class Trigger:
    key: str
    name: str
    description: str
    variables: tuple[Variable, ...]
    when: str = ""
    is_reply: bool = False
    _paths: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        paths = set()
        for variable in self.variables:
            paths.add(variable.name)
            paths.update(f"{variable.name}[].{item.name}" for item in variable.items)
        object.__setattr__(self, "_paths", frozenset(paths))

    @property
    def paths(self) -> frozenset[str]:
        """Every usable dotted path, list element fields written `order.items[].name`."""
        return self._paths

    @property
    def list_paths(self) -> frozenset[str]:
        return frozenset(v.name for v in self.variables if v.is_list)

    def required_in(self, content_field: str) -> list[Variable]:
        return [v for v in self.variables if content_field in v.required_in]

    def sample_context(self, locale: str, *, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Nested plain data built from the samples, for previews and lint-by-rendering.

        `overrides` replaces samples by path, e.g. the viewing tenant's own name and brand colour.
        """
        overrides = overrides or {}
        context: dict[str, Any] = {}
        for variable in self.variables:
            value = overrides.get(variable.name) or variable.sample(locale)
            node = context
            *parents, leaf = variable.name.split(".")
            for part in parents:
                node = node.setdefault(part, {})
            node[leaf] = value
        return context


# ---------------------------------------------------------------------------------------------
# Variable groups shared by several triggers.

CUSTOMER = (
    Variable("customer.first_name", "The customer's first name, for the greeting.", _loc("Emma", "Anna")),
    Variable("customer.last_name", "The customer's last name.", _loc("Clarke", "Schmidt")),
    Variable(
        "customer.full_name",
        "First and last name as the customer gave them.",
        _loc("Emma Clarke", "Anna Schmidt"),
    ),
)
COMPANY = (
    Variable("company.name", "Your company name as customers know it.", _same("Northwind Supplies")),
    Variable(
        "company.support_email", "Support email address (may be empty).", _same("help@northwind.example")
    ),
    Variable(
        "company.support_phone",
        "Support phone number (may be empty).",
        _loc("+44 20 7946 0958", "+49 30 901820"),
    ),
    Variable("company.brand_colour", "Brand colour as #rrggbb, for HTML email accents.", _same("#2563eb")),
)
PORTAL_LINKS = (
    Variable(
        "links.portal", "The customer's self-service portal.", _same("https://northwind.example/portal/")
    ),
    Variable(
        "links.preferences",
        "Where the customer changes channels, quiet hours and consent.",
        _same("https://northwind.example/portal/preferences/"),
    ),
)
ORDER = (
    Variable("order.number", "The order number.", _same("NW-10482"), frozenset(BODY_FIELDS)),
    Variable("order.date", "When the order was placed (a date).", _days(0)),
    Variable("links.order", "The order's page in the portal.", _same("https://northwind.example/o/NW-10482")),
)
CASE = (
    Variable(
        "case.reference", "The case ID the customer quotes.", _same("C-24-00417"), frozenset(BODY_FIELDS)
    ),
    Variable(
        "case.subject",
        "The case subject as the customer wrote it.",
        _loc("Refund for a returned jacket", "Erstattung für eine zurückgesendete Jacke"),
    ),
    Variable("case.status", "The case status, in words.", _loc("In progress", "In Bearbeitung")),
    Variable("links.case", "The case's page in the portal.", _same("https://northwind.example/c/C-24-00417")),
    Variable("agent.name", "First name of the agent handling the case (may be empty).", _loc("Sam", "Jonas")),
)
EXPECTED_RESOLUTION = Variable(
    "case.expected_resolution", "When we expect to resolve the case (a date and time).", _at(2, 17)
)


def _trigger(key: str, name: str, when: str, description: str, *groups: Iterable[Variable]) -> Trigger:
    variables = tuple(v for group in groups for v in group)
    names = [v.name for v in variables]
    if len(names) != len(set(names)):
        raise ValueError(f"Trigger {key} declares a variable twice.")
    return Trigger(key=key, name=name, when=when, description=description, variables=variables)


TRIGGERS: dict[str, Trigger] = {}


def _register(trigger: Trigger) -> None:
    TRIGGERS[trigger.key] = trigger


_register(
    _trigger(
        "order.confirmed",
        "Order confirmation",
        "Immediately after an order is placed.",
        "Thanks the customer and confirms the order with a summary.",
        CUSTOMER,
        COMPANY,
        PORTAL_LINKS,
        ORDER,
        (
            Variable(
                "order.items",
                "The ordered items; loop over them with {% for item in order.items %}.",
                _loc(
                    [
                        {"name": "Merino crew jumper, navy, M", "quantity": 1, "price": "£59.00"},
                        {"name": "Wool socks, 3-pack", "quantity": 2, "price": "£12.75"},
                    ],
                    [
                        {"name": "Merino-Pullover, Navy, M", "quantity": 1, "price": "69,00 €"},
                        {"name": "Wollsocken, 3er-Pack", "quantity": 2, "price": "14,95 €"},
                    ],
                ),
                items=(
                    Variable("name", "Item description.", _same("")),
                    Variable("quantity", "How many.", _same(1)),
                    Variable("price", "Line price, formatted with currency.", _same("")),
                ),
            ),
            Variable(
                "order.total",
                "Order total, formatted with currency.",
                _loc("£84.50", "98,90 €"),
                WRITTEN_FIELDS,
            ),
            Variable("order.expected_date", "Estimated delivery date (may be empty).", _days(4)),
        ),
    )
)
_register(
    _trigger(
        "order.processing_delayed",
        "Order processing update",
        "When an order takes longer than usual to process.",
        "Tells the customer the order is still being processed and when they will hear next.",
        CUSTOMER,
        COMPANY,
        PORTAL_LINKS,
        ORDER,
        (
            Variable(
                "order.update_expected_by",
                "The date by which the customer gets the next update.",
                _days(2),
                BODY_FIELDS,
            ),
            Variable("order.expected_date", "Current estimated delivery date (may be empty).", _days(6)),
        ),
    )
)
_register(
    _trigger(
        "order.shipped",
        "Shipping notification",
        "When the order leaves the warehouse.",
        "Gives the carrier, the tracking number and the tracking link.",
        CUSTOMER,
        COMPANY,
        PORTAL_LINKS,
        ORDER,
        (
            Variable("order.carrier", "The carrier's name.", _loc("Royal Mail", "DHL"), WRITTEN_FIELDS),
            Variable(
                "order.tracking_number",
                "The carrier's tracking number.",
                _same("JD014600003828"),
                BODY_FIELDS,
            ),
            Variable(
                "order.tracking_url",
                "The carrier's tracking page for this parcel.",
                _same("https://track.example/JD014600003828"),
                LINK_FIELDS,
            ),
            Variable("order.expected_date", "Estimated delivery date (may be empty).", _days(2)),
        ),
    )
)
_register(
    _trigger(
        "order.delivered",
        "Delivery confirmation",
        "When the carrier confirms delivery.",
        "Confirms the delivery and says where to turn if something is wrong.",
        CUSTOMER,
        COMPANY,
        PORTAL_LINKS,
        ORDER,
        (
            Variable("order.delivered_at", "When the carrier delivered (a date and time).", _at(0, 11)),
            Variable(
                "order.delivery_note",
                "The carrier's note, e.g. where the parcel was left (may be empty).",
                _loc("Left with a neighbour at no. 12", "Bei Nachbarn in Nr. 12 abgegeben"),
            ),
        ),
    )
)
_register(
    _trigger(
        "order.delayed",
        "Delay notification",
        "When an unexpected delay (backorder, carrier issue) moves the delivery date.",
        "Apologises, states the reason and the new delivery date.",
        CUSTOMER,
        COMPANY,
        PORTAL_LINKS,
        ORDER,
        (
            Variable(
                "order.delay_reason",
                "Why the order is late, in one plain sentence.",
                _loc(
                    "one item is back-ordered from our supplier",
                    "ein Artikel bei unserem Lieferanten nachbestellt werden muss",
                ),
                BODY_FIELDS,
            ),
            Variable("order.new_expected_date", "The new estimated delivery date.", _days(7), BODY_FIELDS),
            Variable("order.previous_expected_date", "The date we gave before (may be empty).", _days(3)),
        ),
    )
)
_register(
    _trigger(
        "case.acknowledged",
        "Acknowledgement",
        "When a new inquiry, complaint or request is logged (within its SLA).",
        "Confirms receipt with the case reference, an initial assessment and the expected resolution time.",
        CUSTOMER,
        COMPANY,
        PORTAL_LINKS,
        CASE,
        (
            Variable(
                "case.initial_assessment",
                "A first assessment of the request, in one or two sentences.",
                _loc(
                    "we have found your return and are checking the refund with our payments team",
                    "wir haben Ihre Rücksendung gefunden und prüfen die Erstattung mit unserer Buchhaltung",
                ),
                BODY_FIELDS,
            ),
            EXPECTED_RESOLUTION.required(BODY_FIELDS),
        ),
    )
)
_register(
    _trigger(
        "case.status_update",
        "Status update",
        "At the agreed update interval and at every significant change of an open case.",
        "Says what has happened, what comes next and when the case should be resolved.",
        CUSTOMER,
        COMPANY,
        PORTAL_LINKS,
        CASE,
        (
            Variable(
                "case.update",
                "What has happened since the last update.",
                _loc(
                    "our payments team has approved your refund",
                    "unsere Buchhaltung hat Ihre Erstattung freigegeben",
                ),
                BODY_FIELDS,
            ),
            Variable(
                "case.next_steps",
                "What happens next (may be empty).",
                _loc(
                    "the money will be back on your card within 3 working days",
                    "der Betrag wird Ihrer Karte innerhalb von 3 Werktagen gutgeschrieben",
                ),
            ),
            Variable(
                "case.delay_reason",
                "If the case is late: why, and what it means for the customer (may be empty).",
                _same(""),
            ),
            EXPECTED_RESOLUTION,
        ),
    )
)
_register(
    _trigger(
        "case.delayed",
        "Delay notice",
        "When an agent announces that an open case will take longer than expected.",
        "States the cause of the delay, what it means for the customer and the new expected resolution time.",
        CUSTOMER,
        COMPANY,
        PORTAL_LINKS,
        CASE,
        (
            Variable(
                "case.delay_reason",
                "Why the case is late, in one plain sentence.",
                _loc(
                    "our payments provider needs to confirm the refund first",
                    "unser Zahlungsdienstleister die Erstattung erst bestätigen muss",
                ),
                BODY_FIELDS,
            ),
            Variable(
                "case.delay_impact",
                "What the delay means for the customer (may be empty).",
                _loc(
                    "the money will reach your card a few days later than we said",
                    "der Betrag Ihrer Karte einige Tage später gutgeschrieben wird als angekündigt",
                ),
            ),
            EXPECTED_RESOLUTION.required(BODY_FIELDS),
        ),
    )
)
_register(
    _trigger(
        "case.handoff",
        "Handoff to another team",
        "When a case is routed to another team.",
        "Tells the customer who handles the case now and what to expect.",
        CUSTOMER,
        COMPANY,
        PORTAL_LINKS,
        CASE,
        (
            Variable(
                "case.team", "The team now handling the case.", _loc("Billing", "Buchhaltung"), BODY_FIELDS
            ),
            Variable(
                "case.handoff_reason",
                "Why the case moved (may be empty).",
                _loc(
                    "they can issue the refund directly",
                    "sie die Erstattung direkt veranlassen können",
                ),
            ),
            EXPECTED_RESOLUTION,
        ),
    )
)
_register(
    _trigger(
        "case.resolved",
        "Resolution confirmation",
        "When an agent resolves a case.",
        "Says what was done, asks whether it solved the problem (yes/no links) and invites a rating.",
        CUSTOMER,
        COMPANY,
        PORTAL_LINKS,
        CASE,
        (
            Variable(
                "case.resolution_summary",
                "What was done to resolve the case.",
                _loc(
                    "we have refunded £59.00 to the card you paid with",
                    "wir haben 69,00 € auf die Karte erstattet, mit der Sie bezahlt haben",
                ),
                BODY_FIELDS - {SMS_TEXT},
            ),
            Variable(
                "links.confirm_solved",
                "One click: “yes, this solved it”.",
                _same("https://northwind.example/c/C-24-00417/yes"),
                LINK_FIELDS,
            ),
            Variable(
                "links.not_solved",
                "One click: “no, it is not solved” (reopens the case).",
                _same("https://northwind.example/c/C-24-00417/no"),
                LINK_FIELDS,
            ),
            Variable(
                "links.csat",
                "The satisfaction survey for this case.",
                _same("https://northwind.example/r/C-24-00417"),
                WRITTEN_FIELDS,
            ),
            Variable("case.auto_close_days", "Days without an answer after which the case closes.", _same(7)),
        ),
    )
)
_register(
    _trigger(
        "case.closed",
        "Case closed",
        "When a case closes after confirmation or after the non-response period.",
        "Confirms the closure and says how to reopen or rate the case.",
        CUSTOMER,
        COMPANY,
        PORTAL_LINKS,
        CASE,
        (
            Variable(
                "case.closed_because",
                "Why it closed: “confirmed” (customer said solved), “no_response” or “agent”.",
                _same("confirmed"),
            ),
            Variable("case.reopen_days", "Days during which a reply reopens the case.", _same(14)),
            Variable(
                "links.csat",
                "The satisfaction survey (may be empty if already answered).",
                _same("https://northwind.example/r/C-24-00417"),
            ),
        ),
    )
)
_register(
    _trigger(
        "customer.welcome",
        "Welcome",
        "Within 24 hours of a new customer's onboarding.",
        "Welcomes the customer and lists the ways to reach you.",
        CUSTOMER,
        COMPANY,
        (
            PORTAL_LINKS[0].required(LINK_FIELDS),
            PORTAL_LINKS[1],
        ),
    )
)
_register(
    Trigger(
        key=REPLY,
        name="Agent reply",
        when="Chosen by an agent when replying on a case.",
        description="A ready-made reply an agent picks and adapts.",
        variables=(*CUSTOMER, *COMPANY, *PORTAL_LINKS, *CASE, EXPECTED_RESOLUTION),
        is_reply=True,
    )
)


class UnknownTrigger(KeyError):
    pass


def trigger_for_key(key: str) -> Trigger:
    """The trigger a template key belongs to: itself, or `reply` for `reply.<name>` keys."""
    if key.startswith(REPLY_KEY_PREFIX) or key == REPLY:
        return TRIGGERS[REPLY]
    try:
        return TRIGGERS[key]
    except KeyError:
        raise UnknownTrigger(key) from None


def automatic_triggers() -> list[Trigger]:
    return [t for t in TRIGGERS.values() if not t.is_reply]


def format_sample(value: Any) -> str:
    """A (prepared) sample value as the variable reference shows it; lists are summarised."""
    if isinstance(value, list):
        return f"{len(value)} items"
    return "" if value is None else str(value)
