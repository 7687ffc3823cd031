"""Settings shared by every environment. Everything that differs comes from the environment (`env`)."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
env_file = BASE_DIR / "var" / "env"
if env_file.exists():  # written by scripts/devenv.py for `make run` / `make test`
    env.read_env(str(env_file), overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me-0123456789abcdefghijklmnop")
DEBUG = env.bool("DEBUG", default=False)

# Tenants are served at {slug}.{BASE_DOMAIN} plus any custom Domain rows.
BASE_DOMAIN = env("BASE_DOMAIN", default="localhost")
BASE_PORT = env("BASE_PORT", default="8000")
# Every host is accepted here because TenantMiddleware admits only hosts found in the Domain table
# (custom domains included) and answers any other with a 404 page.
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["*"])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "anymail",
    "apps.accounts",
    "apps.tenants",
    "apps.audit",
    "apps.api",
    "apps.customers",
    "apps.cases",
    "apps.web",
    "apps.sla",
    "apps.notifications",
    "apps.message_templates",
    "apps.feedback",
    "apps.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "apps.tenants.middleware.TenantMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "apps.tenants.middleware.MembershipMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "apps.web.middleware.ViewerTimezoneMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.web.context_processors.tenant_shell",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default="postgres://tidings@127.0.0.1:5432/tidings")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="tidings"),
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"
# Failed staff sign-ins allowed per (tenant, email) before a cool-down of the window.
LOGIN_THROTTLE_ATTEMPTS = env.int("LOGIN_THROTTLE_ATTEMPTS", default=5)
LOGIN_THROTTLE_WINDOW_SECONDS = env.int("LOGIN_THROTTLE_WINDOW_SECONDS", default=900)
# Failed sign-ins allowed per client IP (across accounts) in the same window; higher, as offices share an IP.
LOGIN_THROTTLE_IP_ATTEMPTS = env.int("LOGIN_THROTTLE_IP_ATTEMPTS", default=50)

SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 12)

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Tidings <no-reply@tidings.localhost>")

# Template lint warns when an SMS variant, rendered with sample data, needs more segments than this.
SMS_MAX_SEGMENTS = env.int("SMS_MAX_SEGMENTS", default=3)

# Notification channels (apps/notifications, docs/notifications.md).
# Every provider call (anymail ESP, Twilio) gives up after this many seconds.
NOTIFY_HTTP_TIMEOUT_SECONDS = env.float("NOTIFY_HTTP_TIMEOUT_SECONDS", default=10.0)
# True: email/SMS/voice without configured provider credentials go to the dev outbox (/app/dev-outbox/).
DEV_OUTBOX = env.bool("DEV_OUTBOX", default=False)
# Replies come back to reply+<token>@<domain of this address> (configure the ESP's inbound domain).
NOTIFY_REPLY_TO_ADDRESS = env("NOTIFY_REPLY_TO_ADDRESS", default="reply@tidings.localhost")
# Scheme of the callback URLs given to providers (https://<tenant host>/webhooks/...).
PUBLIC_URL_SCHEME = env("PUBLIC_URL_SCHEME", default="https")
PUBLIC_URL_PORT = env("PUBLIC_URL_PORT", default="")  # empty: the scheme's standard port
ANYMAIL = {
    "REQUESTS_TIMEOUT": NOTIFY_HTTP_TIMEOUT_SECONDS,
    **{
        key: value
        for key, value in {
            "POSTMARK_SERVER_TOKEN": env("POSTMARK_SERVER_TOKEN", default=""),
            "POSTMARK_API_URL": env("POSTMARK_API_URL", default=""),
            "WEBHOOK_SECRET": env("ANYMAIL_WEBHOOK_SECRET", default=""),  # "user:password" for webhooks
        }.items()
        if value
    },
    **env.json("ANYMAIL", default={}),  # any other ESP's settings, as JSON
}
TWILIO_ACCOUNT_SID = env("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env("TWILIO_AUTH_TOKEN", default="")
TWILIO_FROM_NUMBER = env("TWILIO_FROM_NUMBER", default="")
TWILIO_API_BASE = env("TWILIO_API_BASE", default="")  # e.g. http://127.0.0.1:8026 for tests/fakes/twilio.py
# The outbox (apps/notifications/outbox, docs/notifications.md "The outbox").
NOTIFY_LEASE_SECONDS = env.int("NOTIFY_LEASE_SECONDS", default=120)  # a claimed row back to the queue after
NOTIFY_MAX_ATTEMPTS = env.int("NOTIFY_MAX_ATTEMPTS", default=10)  # tries on transient errors, then fail
NOTIFY_RETRY_BASE_SECONDS = env.float("NOTIFY_RETRY_BASE_SECONDS", default=30.0)  # doubles per try
NOTIFY_RETRY_MAX_SECONDS = env.float("NOTIFY_RETRY_MAX_SECONDS", default=3600.0)
NOTIFY_SWEEP_SECONDS = env.float("NOTIFY_SWEEP_SECONDS", default=5.0)  # beat: re-enqueue due/stuck rows
NOTIFY_SWEEP_GRACE_SECONDS = env.float("NOTIFY_SWEEP_GRACE_SECONDS", default=10.0)  # due this long: force

# Tenancy guard: a query on a tenant-owned table without a tenant filter raises (tests, development)
# or is logged (production). See apps/tenants/managers.py.
TENANCY_STRICT = env.bool("TENANCY_STRICT", default=True)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.api.authentication.ApiKeyAuthentication",
        "apps.api.authentication.TenantSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["apps.api.permissions.IsTenantPrincipal"],
    "DEFAULT_PAGINATION_CLASS": "apps.api.pagination.CreatedCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "apps.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["apps.api.throttling.ApiKeyRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api_key": env("API_KEY_RATE", default="600/min")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Tidings API",
    "DESCRIPTION": "Cases, customers, orders and event intake for one Tidings tenant. "
    "Authenticate with `Authorization: Bearer <api key>`; "
    "the tenant is the key's tenant and must match the host.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One schema name per choice set that several fields share (otherwise drf-spectacular warns).
    "ENUM_NAME_OVERRIDES": {
        "OrderStatusEnum": "apps.customers.models.OrderStatus",
        "CustomerChannelEnum": "apps.customers.models.Channel",
        "CaseStatusEnum": "apps.cases.models.CaseStatus",
        "CaseKindEnum": "apps.cases.models.CaseKind",
        "TimelineEntryKindEnum": "apps.cases.models.EntryKind",
        "MessageChannelEnum": "apps.cases.models.MessageChannel",
        "SourceChannelEnum": "apps.cases.models.SourceChannel",
    },
}

# Receivers of domain events (apps/common/domain_events.py), called in the publishing transaction.
# The SLA engine comes first: where both send one message (resolution, closure, welcome) under one
# event key, its context (the tenant's auto-close period) is the one the message is rendered with.
DOMAIN_EVENT_HANDLERS: list[str] = [
    "apps.sla.handlers.on_domain_event",
    "apps.notifications.handlers.on_domain_event",
]

# Case attachments (apps/cases/attachments.py): largest accepted file and the allowed types.
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
ATTACHMENT_ALLOWED_TYPES = env.list(
    "ATTACHMENT_ALLOWED_TYPES",
    default=[
        "application/pdf",
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "text/plain",
        "text/csv",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ],
)

# Customer portal (apps/portal, docs/portal.md).
PORTAL_CODE_TTL_SECONDS = env.int("PORTAL_CODE_TTL_SECONDS", default=600)  # one-time codes and links
PORTAL_CODE_MAX_TRIES = 5  # wrong guesses of one code before it stops working
PORTAL_SESSION_IDLE_SECONDS = env.int("PORTAL_SESSION_IDLE_SECONDS", default=30 * 60)
PORTAL_SESSION_MAX_SECONDS = env.int("PORTAL_SESSION_MAX_SECONDS", default=12 * 60 * 60)
# Throttles count in the Redis cache over fixed windows of this length.
PORTAL_THROTTLE_WINDOW_SECONDS = env.int("PORTAL_THROTTLE_WINDOW_SECONDS", default=15 * 60)
PORTAL_CODE_REQUESTS_PER_ADDRESS = env.int("PORTAL_CODE_REQUESTS_PER_ADDRESS", default=5)
PORTAL_CODE_REQUESTS_PER_IP = env.int("PORTAL_CODE_REQUESTS_PER_IP", default=30)
PORTAL_SIGN_IN_FAILURES_PER_ADDRESS = env.int("PORTAL_SIGN_IN_FAILURES_PER_ADDRESS", default=10)
PORTAL_SIGN_IN_FAILURES_PER_IP = env.int("PORTAL_SIGN_IN_FAILURES_PER_IP", default=50)
PORTAL_ORDER_LOOKUP_FAILURES_PER_IP = env.int("PORTAL_ORDER_LOOKUP_FAILURES_PER_IP", default=10)
# Signed links in messages (confirm resolution, rate the service) stay good this long.
PORTAL_LINK_MAX_AGE_SECONDS = env.int("PORTAL_LINK_MAX_AGE_SECONDS", default=14 * 24 * 60 * 60)
# A customer's data export can be downloaded this long, then its file is deleted.
PORTAL_EXPORT_KEEP_SECONDS = env.int("PORTAL_EXPORT_KEEP_SECONDS", default=7 * 24 * 60 * 60)
# A CSAT rating at or below this opens a feedback follow-up case (apps/feedback).
FEEDBACK_FOLLOWUP_MAX_RATING = env.int("FEEDBACK_FOLLOWUP_MAX_RATING", default=2)

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 4
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 600}
# How often the SLA sweeper looks for due timers (apps/sla/sweeper.py).
SLA_SWEEP_SECONDS = env.float("SLA_SWEEP_SECONDS", default=5.0)
CELERY_BEAT_SCHEDULE: dict = {
    "notifications-sweep": {"task": "apps.notifications.tasks.sweep", "schedule": NOTIFY_SWEEP_SECONDS},
    "notifications-retention": {"task": "apps.notifications.tasks.purge_expired", "schedule": 6 * 60 * 60},
    "portal-purge-expired-exports": {
        "task": "apps.portal.tasks.purge_expired_data_exports",
        "schedule": 3600,
    },
    "sla-sweep": {"task": "apps.sla.tasks.sla_sweep_due_timers", "schedule": SLA_SWEEP_SECONDS},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # The twilio client logs every request's URL and headers at INFO: noise at the outbox's volume.
    "loggers": {"twilio.http_client": {"level": "WARNING"}},
}
