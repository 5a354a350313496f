"""The portal's one settings module, driven by environment variables.

With nothing set it runs the zero-setup demo: SQLite in the project folder, Celery tasks
run in-process, DEBUG on. Production sets DATABASE_URL, REDIS_URL, SECRET_KEY, DEBUG=false
and ALLOWED_HOSTS (see README.md), and then passes `manage.py check --deploy`.
"""

import datetime
import os
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()


def env_secret(name: str, default: str | None = None) -> str | None:
    """Read NAME, or the contents of the file named by NAME_FILE (docker/k8s secrets)."""
    file_path = env.str(f"{name}_FILE", default="")
    if file_path:
        return Path(file_path).read_text(encoding="utf-8").strip()
    # os.environ, not env.str: django-environ reads a value starting with "$" as the name
    # of another variable, and a random key starts with "$" one time in fifty.
    return os.environ.get(name, default)


DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env_secret("SECRET_KEY", default=None) or (
    "insecure-demo-key-only-for-local-use-never-in-production" if DEBUG else None
)
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY (or SECRET_KEY_FILE) must be set when DEBUG is false.")

# The audit chain is an HMAC under this key, which the database never holds: someone who
# can rewrite the audit table cannot recompute a valid chain without it (docs/deploy.md).
AUDIT_KEY = env_secret("AUDIT_KEY", default=None) or (
    "insecure-demo-audit-key-only-for-local-use" if DEBUG else None
)
if not AUDIT_KEY:
    raise RuntimeError("AUDIT_KEY (or AUDIT_KEY_FILE) must be set when DEBUG is false.")
# The signed head of the chain (count and last hash), kept outside the database and
# rewritten by the nightly verification and by every backup: entries cut off the end of
# the log, or a TRUNCATE, leave the log shorter than its head.
AUDIT_HEAD_FILE = env.str("AUDIT_HEAD_FILE", default=str(BASE_DIR / "var" / "audit-head.json"))

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_htmx",
    "csp",
    "rules.apps.AutodiscoverRulesConfig",
    # Login lockout (per user and per address) on every door that takes a password.
    "axes",
    "simple_history",
    "registry",
    "certificates",
    "signage",
    "monitoring",
    # The public portal: the front page at /, its figures, complaints and suggestions.
    "public",
    # The province-scale benchmark's commands (bench_data, bench); it has no models.
    "bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Cache-Control: no-store on signed-in pages and on the API (personal data).
    "registry.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A generated one-time password must be replaced before anything else.
    "registry.middleware.PasswordChangeRequiredMiddleware",
    # A NUL character in a query or form is a 400 here, before any view or query sees it.
    "registry.middleware.NulByteMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "registry.middleware.DomainErrorMiddleware",
    # Last: turns a lockout into the page or the API's JSON
    # (registry.views.workbench.lockout_response).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "registry.context_processors.navigation",
                # {{ CSP_NONCE }} for the rare inline script a page may need.
                "csp.context_processors.nonce",
                "registry.context_processors.calendar_notice",
            ],
        },
    },
]

# --- Data stores -------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
IS_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

REDIS_URL = env.str("REDIS_URL", default="")
# The cache belongs in a Redis database of its own (CACHE_URL, e.g. .../1 beside a broker's
# .../0): clearing the cache then never drops queued tasks. Unset, it shares REDIS_URL.
CACHE_URL = env.str("CACHE_URL", default="") or REDIS_URL
if CACHE_URL:
    CACHES = {
        # Redis, degrading to a miss with a warning when it is down (registry/cache.py); its
        # own database (CACHE_URL), so clearing the cache never drops queued tasks.
        "default": {"BACKEND": "registry.cache.FailSafeRedisCache", "LOCATION": CACHE_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The test suite's parallel processes (pytest-xdist) each have a database of their own but
# share one Redis: each gets its own key space too, or one process's cached figures (the
# front page's, keyed by the day) answer another's test (a flaky failure found at -n 2).
if os.environ.get("PYTEST_XDIST_WORKER"):
    CACHES["default"]["KEY_PREFIX"] = os.environ["PYTEST_XDIST_WORKER"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "registry.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    # Generated one-time passwords of imported accounts only (registry/hashers.py).
    "registry.hashers.InitialPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # Asked first: the lockout and the demo logins in production (registry/auth.py).
    "registry.auth.LoginGuardBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
# The admin lives off the well-known /admin/ path (scanners try it first).
ADMIN_URL = env.str("ADMIN_URL", default="manage/").strip("/") + "/"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Language and time --------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files (vendored, served by whitenoise: no CDN on a closed intranet) -----------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "media/"
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=5 * 1024 * 1024)

# --- Security: production values come from DEBUG=false --------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
# --- Content-Security-Policy (django-csp) ---------------------------------------------------
# Scripts only from the portal itself (htmx, ECharts and the Swagger UI are vendored and
# loaded as files) or carrying this response's nonce: no 'unsafe-inline', no 'unsafe-eval'
# (htmx runs with allowEval off). Inline style attributes (progress bars, indents) stay
# allowed: a style cannot run code. Nothing may frame the portal, nor may a form post away.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# /healthz is probed by load balancers over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Signing in: lockout, client addresses, API tokens ---------------------------------------
# How many reverse proxies in front of the app append to X-Forwarded-For (nginx, a load
# balancer). 0: nothing in front, the socket's peer is the client. Never more than there are:
# the extra entries are written by the client and would let it choose its address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_LOCKOUT_MINUTES = env.int("LOGIN_LOCKOUT_MINUTES", default=30)
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = datetime.timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
# Either a username or an address with too many failures is locked (not only the pair).
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "registry.auth.client_ip"
AXES_LOCKOUT_CALLABLE = "registry.views.workbench.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# The database handler: lockouts hold with Redis down, and the admin lists and deletes them.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_VERBOSE = False
# An API token lives this long (hours), and dies earlier at sign-out or a password change.
API_TOKEN_TTL_HOURS = env.int("API_TOKEN_TTL_HOURS", default=24)

# --- Email (notifications): console in the demo, SMTP when EMAIL_URL is set ---------------
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="portal@localhost")

# --- API ----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "registry.auth.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["registry.api.base.RolePermission"],
    "DEFAULT_PAGINATION_CLASS": "registry.api.base.Pagination",
    "DEFAULT_PARSER_CLASSES": [
        "registry.api.base.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["registry.filters.base.SelectorFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "registry.api.base.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "DEFAULT_THROTTLE_RATES": {
        "anon": "120/min",
        # The public complaint form (投诉建议) and its reference lookup, per client address.
        "complaint": env.str("COMPLAINT_RATE", default="5/hour"),
        "complaint_lookup": env.str("COMPLAINT_LOOKUP_RATE", default="30/hour"),
    },
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "社区工作事项准入平台 API",
    "DESCRIPTION": "Community work-item admission portal, REST API v1.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from the installed sidecar package, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Every operation documents the errors the one exception handler answers with.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "registry.api.schema.document_errors",
        # The lists' X-Count-Capped header, which no paginator can declare.
        "registry.api.schema.document_count_cap",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ListKindEnum": "registry.models.admission.ListKind",
        "ApplicationListKindEnum": "registry.models.admission.APPLICATION_LIST_KINDS",
        "ApplicationStateEnum": "registry.models.admission.Application.State",
        "WorkItemStatusEnum": "registry.models.admission.WorkItem.Status",
        "AssignmentStateEnum": "registry.models.dispatch.Assignment.State",
        "RefusalReasonEnum": "registry.models.dispatch.Assignment.RefusalReason",
        # Organisations and flags both have a "kind"; name each enum after its model.
        "OrganisationKindEnum": "registry.models.organisations.Organisation.Kind",
        "FlagKindEnum": "monitoring.models.Flag.Kind",
        "PlaqueKindEnum": "signage.models.Kind",
        # Monitoring has two "channel" and four "state" choice sets; one name each.
        "OffPlatformChannelEnum": "monitoring.models.OffPlatformReport.Channel",
        "ReportEntryChannelEnum": "monitoring.models.ReportEntry.Channel",
        "MonitoringReportStateEnum": "monitoring.models.MonitoringReport.State",
        "ClueStateEnum": "monitoring.models.Clue.State",
        "RectificationNoticeStateEnum": "monitoring.models.RectificationNotice.State",
        "ExtensionStateEnum": "monitoring.models.clues.NoticeExtension.State",
    },
}

# --- Celery -------------------------------------------------------------------------------
# No REDIS_URL: tasks run in-process (the demo needs no server). With it: a real broker.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
# A job whose worker dies (SIGKILL, OOM, a machine lost) is delivered again: acknowledged
# only when done, and re-queued when the worker process is lost under it. Every task is
# safe to run twice (style.md), so a redelivery cannot double its effect.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis hands an unacknowledged message to another worker after the visibility timeout:
# that is how a job held by a machine that died comes back (Redis's default is an hour).
# It must exceed the longest task (the hard time limit), or a running job is redelivered.
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=40 * 60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=30 * 60)
if CELERY_TASK_TIME_LIMIT >= CELERY_VISIBILITY_TIMEOUT:
    raise RuntimeError("CELERY_TASK_TIME_LIMIT must be shorter than CELERY_VISIBILITY_TIMEOUT.")
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    # How often a running worker sweeps for such messages (a starting worker does at once);
    # kombu's default would scan only every ~100 s.
    "unacked_restore_interval": env.int("CELERY_RESTORE_INTERVAL", default=60),
    "unacked_restore_throttle": 1,
}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# The beat schedule lives in config/celery.py (BEAT_SCHEDULE), the one place to read it.

# --- Logging ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# --- Portal rules (thresholds the brief calls configurable) ---------------------------------
PORTAL = {
    # How long an admission may be valid, and the default.
    "ADMISSION_MAX_MONTHS": env.int("ADMISSION_MAX_MONTHS", default=36),
}
PORTAL.update(
    {
        # Validity given when an application asks for none.
        "ADMISSION_DEFAULT_MONTHS": env.int("ADMISSION_DEFAULT_MONTHS", default=36),
        # A hearing is required above either threshold (brief: "Admission review").
        "HEARING_COMMUNITIES_ABOVE": env.int("HEARING_COMMUNITIES_ABOVE", default=50),
        "HEARING_YEARLY_HOURS_ABOVE": env.int("HEARING_YEARLY_HOURS_ABOVE", default=120),
        # 费随事转: funding is expected above this yearly burden per community (hours).
        "FUNDING_REQUIRED_YEARLY_HOURS_ABOVE": env.int(
            "FUNDING_REQUIRED_YEARLY_HOURS_ABOVE", default=24
        ),
        # Title likeness (0..1, character-bigram Dice) that counts as similar / negative match.
        "SIMILAR_TITLE_THRESHOLD": env.float("SIMILAR_TITLE_THRESHOLD", default=0.5),
        "NEGATIVE_MATCH_THRESHOLD": env.float("NEGATIVE_MATCH_THRESHOLD", default=0.6),
        # Description likeness that makes two items similar (longer texts score lower).
        "SIMILAR_DESCRIPTION_THRESHOLD": env.float("SIMILAR_DESCRIPTION_THRESHOLD", default=0.5),
        # Data fields nearly every form asks: sharing them never makes two items similar.
        "COMMON_DATA_FIELDS": env.list(
            "COMMON_DATA_FIELDS",
            default=[
                "姓名",
                "性别",
                "年龄",
                "出生日期",
                "民族",
                "联系电话",
                "手机号码",
                "电话",
                "身份证号码",
                "身份证号",
                "住址",
                "家庭住址",
                "现住址",
                "户籍地址",
                "name",
                "gender",
                "phone",
                "address",
                "id number",
            ],
        ),
        # Specific (uncommon) data fields two items must share to count as similar: this
        # many, or all of them when an item has fewer.
        "SIMILAR_SHARED_FIELDS_MIN": env.int("SIMILAR_SHARED_FIELDS_MIN", default=2),
        # The dispatch gate: working days a community gets at least (holidays excluded).
        "DISPATCH_MIN_LEAD_WORKING_DAYS": env.int("DISPATCH_MIN_LEAD_WORKING_DAYS", default=5),
        # Excel exports of more rows than this run as a background job (progress shown, a
        # download link when ready; the API answers 202 and a status URL).
        "EXPORT_INLINE_MAX_ROWS": env.int("EXPORT_INLINE_MAX_ROWS", default=5000),
        # Imports of more rows than this run as a background job too.
        "IMPORT_INLINE_MAX_ROWS": env.int("IMPORT_INLINE_MAX_ROWS", default=1000),
        # How long a job's file is kept for its owner to download (the jobs-clean beat job).
        "JOB_FILE_HOURS": env.int("JOB_FILE_HOURS", default=72),
        # The furthest a date a user supplies may lie ahead (due dates, hearings, periods).
        "DATE_HORIZON_DAYS": env.int("DATE_HORIZON_DAYS", default=730),
        # The dashboard's honest rankings: an organisation resting on fewer events (tasks
        # received, tasks sent) is listed apart, unranked (brief: "Dashboards").
        "DASHBOARD_MIN_EVENTS": env.int("DASHBOARD_MIN_EVENTS", default=10),
        # Flags (brief: "Flags"); each threshold can be set per deployment.
        "EMERGENCY_RATIFY_DAYS": env.int("EMERGENCY_RATIFY_DAYS", default=7),
        "FLAG_OVERLOAD_RATIO": env.float("FLAG_OVERLOAD_RATIO", default=0.6),
        "FLAG_OVERLOAD_WINDOW_DAYS": env.int("FLAG_OVERLOAD_WINDOW_DAYS", default=30),
        # Hours a week each committee member has for tasks from above.
        "STAFF_WEEKLY_HOURS": env.float("STAFF_WEEKLY_HOURS", default=10),
        "FLAG_EXPIRING_DAYS": env.int("FLAG_EXPIRING_DAYS", default=60),
        "FLAG_TIGHT_WINDOW_DAYS": env.int("FLAG_TIGHT_WINDOW_DAYS", default=90),
        "FLAG_TIGHT_MIN_DISPATCHES": env.int("FLAG_TIGHT_MIN_DISPATCHES", default=5),
        "FLAG_TIGHT_EMERGENCY_SHARE": env.float("FLAG_TIGHT_EMERGENCY_SHARE", default=0.1),
        "FLAG_TIGHT_SHORT_LEAD_COUNT": env.int("FLAG_TIGHT_SHORT_LEAD_COUNT", default=3),
        "FLAG_UNADMITTED_PER_MONTH": env.int("FLAG_UNADMITTED_PER_MONTH", default=3),
        "FLAG_REFUSAL_RATE": env.float("FLAG_REFUSAL_RATE", default=0.2),
        "FLAG_REFUSAL_MIN_ASSIGNMENTS": env.int("FLAG_REFUSAL_MIN_ASSIGNMENTS", default=10),
        "FLAG_PROHIBITED_DEMAND_MIN": env.int("FLAG_PROHIBITED_DEMAND_MIN", default=3),
        "FLAG_PROHIBITED_WINDOW_DAYS": env.int("FLAG_PROHIBITED_WINDOW_DAYS", default=90),
        # Photos of signs and bare walls (signage): bytes and pixels accepted per upload.
        "PLAQUE_PHOTO_MAX_BYTES": env.int("PLAQUE_PHOTO_MAX_BYTES", default=8 * 1024 * 1024),
        "PLAQUE_PHOTO_MAX_PIXELS": env.int("PLAQUE_PHOTO_MAX_PIXELS", default=40_000_000),
        # An off-platform report's evidence (a WeChat screenshot): smaller than a sign's photo.
        "EVIDENCE_MAX_BYTES": env.int("EVIDENCE_MAX_BYTES", default=5 * 1024 * 1024),
        "EVIDENCE_MAX_PIXELS": env.int("EVIDENCE_MAX_PIXELS", default=25_000_000),
        # Monitoring (brief: "Monitoring"): a point's monthly report is due this many
        # working days after the month ends; a rectification notice allows this many.
        "MONITORING_REPORT_DUE_WORKING_DAYS": env.int(
            "MONITORING_REPORT_DUE_WORKING_DAYS", default=5
        ),
        "RECTIFICATION_DUE_WORKING_DAYS": env.int("RECTIFICATION_DUE_WORKING_DAYS", default=10),
        # Reverse evaluation: below this many responses a department is listed without
        # scores and never ranked (anonymity: a mean of two answers reveals them).
        "EVALUATION_MIN_RESPONSES": env.int("EVALUATION_MIN_RESPONSES", default=5),
        # Send notifications by email too (members with an address), besides in-app.
        "EMAIL_NOTIFICATIONS": env.bool("EMAIL_NOTIFICATIONS", default=False),
    }
)
