from tests.fakes.fixtures import fake_esp, fake_twilio  # noqa: F401  (fixtures for this package)
from tests.notifications.integration_fixtures import (  # noqa: F401
    celery_processes,
    clean_broker,
    fake_processes,
    outbox_tenant,
    process_logs,
)
from tests.notifications.outbox_fixtures import nudges, shop  # noqa: F401
from tests.notifications.webhook_calls import webhook_secrets  # noqa: F401
