"""Settings for HIMA Service, read from the environment (twelve-factor).

Every value has a default that works on a developer machine with the local PostgreSQL and Redis,
so `make run` needs no environment variable; production overrides them.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF

from .beat import BEAT_SCHEDULE
from .databases import databases

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Fails closed: production unless DEBUG is set (the Makefile sets it for development).
DEBUG = env.bool("DEBUG", default=False)
# The development key is only accepted with DEBUG on; production must set a real SECRET_KEY.
DEV_SECRET_KEY = "dev-insecure-hima-service-key-change-me"
SECRET_KEY = env.str("SECRET_KEY", default=DEV_SECRET_KEY if DEBUG else "")
if not DEBUG and (not SECRET_KEY or SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 32):
    raise environ.ImproperlyConfigured(
        "Set SECRET_KEY to a random value of at least 32 characters when DEBUG is off "
        "(the development key is refused); or set DEBUG=1 for development."
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "csp",
    "axes",
    "hima_service",
    "accounts",
    "vehicles",
    "outlets",
    "pricing",
    "recalls",
    "crews",
    "bookings",
    "workshop",
    "estimates",
    "audit",
    "web",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads a session, a token or a form: PostgreSQL refuses NUL in text.
    "hima_service.middleware.RejectNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: a signed-in user's saved language beats Accept-Language.
    "accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so that it sees the lockout flag that authenticate() left on the request.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hima_service.urls"
WSGI_APPLICATION = "hima_service.wsgi.application"

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
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# --- PostgreSQL: the one database, and a replica the audit reads (hima_service.databases). ---
DATABASES = databases(env)
AUDIT_DATABASE = "replica" if "replica" in DATABASES else "default"
DATABASE_ROUTERS = ["hima_service.routers.AuditReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: the Celery broker and the cache. ---
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
# An unreachable Redis is a cache miss, never a 500 (hima_service.cache): nothing in the cache is
# needed to answer, and sign-in lockouts are counted in PostgreSQL (django-axes). Every key names
# the database too (hima_service.cache.make_key).
CACHES = {
    "default": {
        "BACKEND": "hima_service.cache.ResilientRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="hima"),
        "KEY_FUNCTION": "hima_service.cache.make_key",
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
}

# Availability answers asked without a vehicle are cached this long at most, and only while no
# booking or calendar edit at their outlets has happened since (bookings.availability.answers).
AVAILABILITY_CACHE_SECONDS = env.int("AVAILABILITY_CACHE_SECONDS", default=60)
# A web worker's garbage collector runs its youngest generation after this many new container
# objects, not Python's 700 (hima_service.worker; docs/performance.md has the measurements).
WEB_GC_THRESHOLD = env.int("WEB_GC_THRESHOLD", default=50_000)

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.passwords.MinimumLengthValidator"},  # its refusal in Chinese too
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "web:sign-in"
LOGIN_REDIRECT_URL = "web:vehicles"

# --- Sign-in lockout (django-axes): failures only, counted in PostgreSQL. ---
# An account locks after a few failures from anywhere (guessing one password); an address only
# after many (spraying one password over many accounts), because an outlet's router or a mobile
# carrier puts many honest people behind one address. Successful sign-ins never count.
AUTHENTICATION_BACKENDS = [
    "accounts.backends.SignInLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
SIGNIN_ACCOUNT_FAILURE_LIMIT = env.int("SIGNIN_ACCOUNT_FAILURE_LIMIT", default=10)
SIGNIN_ADDRESS_FAILURE_LIMIT = env.int("SIGNIN_ADDRESS_FAILURE_LIMIT", default=200)
SIGNIN_LOCKOUT_MINUTES = env.int("SIGNIN_LOCKOUT_MINUTES", default=15)
AXES_HANDLER = "accounts.lockout.SignInLockoutHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # the handler gives each its own limit
AXES_USERNAME_CALLABLE = "accounts.lockout.sign_in_username"  # one count for every case
AXES_FAILURE_LIMIT = SIGNIN_ACCOUNT_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=SIGNIN_LOCKOUT_MINUTES)
# Attempts while locked are not counted, so a lockout ends when it said it would.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
# Only failures are kept; a row per successful admin sign-in would be written for nothing.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False  # no banner on every start: a missing server stays a one-line error

# --- Languages: Chinese for owners who choose it, English otherwise. ---
LANGUAGE_CODE = "en"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date and time style per language, 24-hour in both (hima_service/formats/).
FORMAT_MODULE_PATH = ["hima_service.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# In production, hashed names (a new file, a new URL: whitenoise serves them with a year's cache)
# and compressed copies, made by `collectstatic` with DEBUG off as the image builds. Development
# serves the files as they are, with no collectstatic needed after each edit.
# Uploaded files (the inspection's photos) go through Django's storage API: a local folder by
# default, any S3-compatible bucket when AWS_STORAGE_BUCKET_NAME is set (django-storages; the
# bucket stays private: photos are streamed to those who may see them, never linked to).
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "media/"
if env.str("AWS_STORAGE_BUCKET_NAME", default=""):
    DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env.str("AWS_S3_REGION_NAME", default=None),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    # Under MEDIA_ROOT, read when used (so a test's own MEDIA_ROOT applies).
    DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
# A photo larger than this is refused; one with more pixels too (a decompression bomb).
PHOTO_MAX_BYTES = env.int("PHOTO_MAX_BYTES", default=10 * 1024 * 1024)
PHOTO_MAX_PIXELS = env.int("PHOTO_MAX_PIXELS", default=50_000_000)
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Production safety: `check --deploy` passes with DEBUG=0. ---
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Every script and style comes from our own static files: no inline code, no CDN. `data:`
# images are Pico's form icons (SVG in its stylesheet).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# --- API ---
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.LanguageTokenAuthentication",
        "accounts.authentication.LanguageSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # DRF's parsers, the JSON one bounding how deeply a body nests (400, not a RecursionError).
    "DEFAULT_PARSER_CLASSES": [
        "hima_service.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "hima_service.api.Pagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "hima_service.schema.AutoSchema",
    "EXCEPTION_HANDLER": "hima_service.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "register": env.str("REGISTER_THROTTLE_RATE", default="20/hour"),
        "password-reset": env.str("PASSWORD_RESET_THROTTLE_RATE", default="20/hour"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# No hoarding (bookings.lifecycle.caps): an owner's creates and reschedules an hour, per account.
BOOKING_CREATES_PER_HOUR = env.int("BOOKING_CREATES_PER_HOUR", default=20)
BOOKING_RESCHEDULES_PER_HOUR = env.int("BOOKING_RESCHEDULES_PER_HOUR", default=20)
# API tokens (django-rest-knox): one per sign-in, each expiring this many hours after it was
# issued (no sliding renewal: a leaked token dies on schedule). Signing out or changing the
# password revokes them earlier.
API_TOKEN_HOURS = env.int("API_TOKEN_HOURS", default=10)
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=API_TOKEN_HOURS),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "HIMA Service API",
    "DESCRIPTION": "After-sales booking for the five brands of the Harmony Intelligent Mobility "
    "Alliance: any owner, any authorized outlet, one standard.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Bay capabilities and a service's required capability are one choice set, one enum.
    "ENUM_NAME_OVERRIDES": {"CapabilityEnum": "outlets.models.Capability"},
    # Swagger UI served from our own static files: the docs work without reaching a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Celery ---
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
# A task whose worker died goes back to the queue instead of being lost.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A frozen Redis (stopped, swapping, a half-open connection) still accepts the TCP connect and
# then never answers: without socket timeouts a publish waits forever, in the beat scan and in the
# web process. With them it fails within seconds and the rows wait for the next scan.
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=5.0)
# Unacked messages come back after this long; long ETAs are avoided (rows hold due times).
# The socket timeout stays above kombu's 1 s BRPOP poll, so an idle worker never trips it.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "socket_timeout": REDIS_SOCKET_TIMEOUT,
    "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
}
# The Redis result backend reads its own settings (not result_backend_transport_options);
# its socket timeout defaults to 120 s and its connect timeout to none.
CELERY_REDIS_SOCKET_TIMEOUT = REDIS_SOCKET_TIMEOUT
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_SOCKET_TIMEOUT
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_RESULT_EXPIRES = timedelta(hours=1)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="hima")
# The audit's beat work (settling facts, figuring the opening views) runs for seconds at a time at
# the alliance's size, up to a minute in a backfill. On a queue of its own, consumed by a worker of
# its own (the Procfile's `audit`), it never holds a delivery worker's process while messages wait.
AUDIT_QUEUE = env.str("CELERY_AUDIT_QUEUE", default="hima-audit")
CELERY_TASK_ROUTES = {"audit.*": {"queue": AUDIT_QUEUE}}
# Celery closes the database connection around every task unless told to reuse it; a new
# PostgreSQL connection per task cost more than the task itself (bench/reminders.py). Tasks that
# run often call django.db.close_old_connections() first: broken or old connections still go.
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=1000)
CELERY_BEAT_SCHEDULE = BEAT_SCHEDULE

# --- Notifications: hima_service/settings_notifications.py ---
from .settings_notifications import *  # noqa: E402, F403

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Failures and lockouts are warnings; axes' INFO lines narrate every attempt.
        "axes": {"level": "WARNING"},
    },
}
