"""Trigger rules: which triggers notify in a tenant, with which template, over which channels.

Every tenant gets one rule per automatic trigger plus `reply` (agents' replies and hand-over
messages) when it is created (`trigger_rules_install_defaults`, called by `tenant_create`); tenants
that existed before the outbox got them from migration 0005. Supervisors and admins edit them in
Settings → Notifications.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.message_templates.triggers import REPLY, automatic_triggers
from apps.notifications.models import ChannelName
from apps.notifications.outbox.models import Notification, TriggerRule
from apps.tenants.models import Tenant

EMAIL, SMS, VOICE, PORTAL = ChannelName.EMAIL, ChannelName.SMS, ChannelName.VOICE, ChannelName.PORTAL
WRITTEN = [EMAIL, SMS, PORTAL]


@dataclass(frozen=True)
class RuleDefault:
    channels: list[str]
    urgent: bool = False


# A call is reserved for what the procedures allow it for: an unexpected order delay. The others go by
# email, SMS or the portal inbox, in the order the customer prefers.
DEFAULT_RULES: dict[str, RuleDefault] = {
    **{trigger.key: RuleDefault(WRITTEN) for trigger in automatic_triggers()},
    "order.delayed": RuleDefault([EMAIL, SMS, VOICE, PORTAL]),
    REPLY: RuleDefault([EMAIL, SMS, VOICE, PORTAL]),
}


def default_rule_fields(trigger: str) -> dict:
    """The fields of a trigger's default rule (any channel for a trigger without a default)."""
    default = DEFAULT_RULES.get(trigger) or RuleDefault(list(ChannelName.values))
    return {
        "trigger": trigger,
        "template_key": "" if trigger == REPLY else trigger,
        "channels": list(default.channels),
        "urgent": default.urgent,
    }


def trigger_label(trigger: str) -> str:
    return Notification(trigger=trigger).trigger_name


def trigger_rules_install_defaults(*, tenant: Tenant) -> int:
    """Create the rules the tenant lacks (existing ones are kept as edited); returns how many."""
    existing = set(TriggerRule.objects.for_tenant(tenant).values_list("trigger", flat=True))
    missing = [
        TriggerRule(tenant=tenant, **default_rule_fields(trigger))
        for trigger in DEFAULT_RULES
        if trigger not in existing
    ]
    TriggerRule.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing)


def trigger_rules_of(*, tenant: Tenant) -> list[TriggerRule]:
    """The tenant's rules in the order of the trigger registry, replies last."""
    order = {key: index for index, key in enumerate(DEFAULT_RULES)}
    rules = TriggerRule.objects.for_tenant(tenant)
    return sorted(rules, key=lambda rule: (order.get(rule.trigger, len(order)), rule.trigger))


def trigger_rule_for(*, tenant: Tenant, trigger: str) -> TriggerRule | None:
    return TriggerRule.objects.for_tenant(tenant).filter(trigger=trigger).first()


@transaction.atomic
def trigger_rule_update(
    *, tenant: Tenant, actor: User, rule: TriggerRule, enabled: bool, channels: list[str], urgent: bool
) -> TriggerRule:
    """Change a rule; refuses an enabled rule without channels. Audited with old and new values."""
    unknown = set(channels) - set(ChannelName.values)
    if unknown:
        raise ValidationError({"channels": f"Unknown channels: {', '.join(sorted(unknown))}."})
    channels = [channel for channel in ChannelName.values if channel in set(channels)]
    if enabled and not channels:
        raise ValidationError({"channels": "Choose at least one channel, or switch the rule off."})
    rule = TriggerRule.objects.for_tenant(tenant).select_for_update().get(pk=rule.pk)
    changes = {}
    for field, value in (("enabled", enabled), ("channels", channels), ("urgent", urgent)):
        if getattr(rule, field) != value:
            changes[field] = [getattr(rule, field), value]
            setattr(rule, field, value)
    if changes:
        rule.save()
        audit_record(
            tenant=tenant,
            actor=actor,
            action="notification_rule.changed",
            target=rule,
            changes=changes,
            metadata={"trigger": rule.trigger},
        )
    return rule
