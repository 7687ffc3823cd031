"""The transactional outbox: trigger rules, channel choice, `Notification` rows and their dispatch.

A change (an order shipped, an agent's reply) creates `Notification` rows in its own transaction
(`services.py`, called by `apps.notifications.handlers.on_domain_event` or by other apps through
`notification_request`). After commit a Celery task claims due rows and sends them through the
channels (`dispatch.py`); outcomes, retries, fallbacks and suppressions are recorded there and in
`fallback.py`. Provider receipts and inbound messages stored by the webhooks are consumed by
`receipts.py` and `inbound.py`. See docs/notifications.md, "The outbox".
"""
