"""Wuye settings, read from environment variables (12-factor).

Embedded mode (the default): SQLite under ``var/``, a secret key generated once and kept under
``var/``, DEBUG off unless asked for. Production: set ``WUYE_ENV=production`` and give
``SECRET_KEY``, ``DATABASE_URL`` (PostgreSQL), ``ALLOWED_HOSTS`` and ``REDIS_URL``.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("WUYE_VAR_DIR", Path.cwd() / "var")).resolve()


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PRODUCTION = os.environ.get("WUYE_ENV", "embedded").lower() == "production"
DEBUG = env_bool("DEBUG", default=False)


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY", "")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when WUYE_ENV=production.")
    # Embedded mode: generate one key and keep it, so sessions survive a restart.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,[::1],testserver"
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_filters",
    "axes",
    "ninja",
    "wuye.core",
    "wuye.workflow",
    "wuye.notify",
    "wuye.fieldwork",
    "wuye.repairs",
    "wuye.billing",
    "wuye.complaints",
    "wuye.facilities",
    "wuye.security",
    "wuye.environment",
    "wuye.emergency",
    "wuye.quality",
    "wuye.handover",
    "wuye.residents",
    "wuye.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "wuye.core.middleware.CurrentEstateMiddleware",
    # API POSTs with an Idempotency-Key run once: a retry replays the first answer.
    "wuye.core.idempotency.IdempotencyMiddleware",
    "wuye.core.middleware.ApiMethodNotAllowedMiddleware",
    # Last, as django-axes asks: it turns a lockout into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "wuye.urls"
WSGI_APPLICATION = "wuye.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "wuye.web.context_processors.shell",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
_default_sqlite = f"sqlite:///{VAR_DIR / 'wuye.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", _default_sqlite), conn_max_age=0 if not PRODUCTION else 60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL: readers never wait for the writer; IMMEDIATE: a write transaction takes the
            # lock at BEGIN, so two writers queue instead of failing half-way.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "login"

# django-axes, with three limits in the cool-off window (wuye/core/lockout.py):
# a login name from one address (AXES_FAILURE_LIMIT), so a desk sharing one public address is not
# locked out by one person's typos nor by someone guessing elsewhere; a login name from all
# addresses (AXES_USERNAME_FAILURE_LIMIT), against guessing spread over many machines; one address
# across all names (AXES_ADDRESS_FAILURE_LIMIT), against password spraying.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_USERNAME_FAILURE_LIMIT = int(os.environ.get("AXES_USERNAME_FAILURE_LIMIT", "30"))
AXES_ADDRESS_FAILURE_LIMIT = int(os.environ.get("AXES_ADDRESS_FAILURE_LIMIT", "20"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_MINUTES", "15")) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "wuye.core.lockout.LockoutHandler"
AXES_RESET_ON_SUCCESS = True  # resets that name at that address only
# A failure while locked is refused unrecorded: the lock ends on time, and one locked name adds
# at most AXES_FAILURE_LIMIT to its address's count.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The client address: REMOTE_ADDR, or X-Forwarded-For only behind that many proxies of ours
# (AXES_PROXY_COUNT; 0 trusts no header, so a client cannot choose its own address).
AXES_CLIENT_IP_CALLABLE = "wuye.core.lockout.client_address"
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("AXES_PROXY_COUNT", "0"))
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"
AXES_VERBOSE = False

# --- Internationalisation --------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files and uploads -----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Uploads (photos, signatures) live under var/, outside static: nothing serves MEDIA_URL; every
# file goes out through workflow's attachment view, which checks who may see it.
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
# The key the payment gateway signs its callbacks with (the merchant key it was configured
# with); empty: derived from SECRET_KEY, which suits the simulated gateway of the demo.
WUYE_GATEWAY_SECRET = os.environ.get("WUYE_GATEWAY_SECRET", "")
# Which gateway takes residents' online payments: "simulated" (the demo's 模拟支付 page, which
# pays with a click and no money: embedded mode only, never in production) or "none" (no online
# payment; the cashier takes the money). Real gateways (WeChat Pay, Alipay) will add values here.
PAYMENT_GATEWAYS = ("simulated", "none")
WUYE_PAYMENT_GATEWAY = os.environ.get("WUYE_PAYMENT_GATEWAY", "").strip().lower() or (
    "none" if PRODUCTION else "simulated"
)
if WUYE_PAYMENT_GATEWAY not in PAYMENT_GATEWAYS:
    raise ImproperlyConfigured(
        f"WUYE_PAYMENT_GATEWAY must be one of {', '.join(PAYMENT_GATEWAYS)}, "
        f"not {WUYE_PAYMENT_GATEWAY!r}."
    )
WUYE_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024  # a photo, as sent (“照片不能超过 10 MB”)
WUYE_SIGNATURE_MAX_BYTES = 1024 * 1024  # a signature's PNG, decoded from its data URL
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    # Embedded mode serves static files from the apps through the finders; WhiteNoise still
    # expects STATIC_ROOT to exist.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Content-Security-Policy (django-csp) ------------------------------------------------------
# Every page: scripts and styles from our own static files only, no inline script or style, no
# eval. Data for scripts goes through json_script or data-* attributes. img-src: photo thumbnails
# (blob:) and the signature canvas (data:). The admin and the API docs (Swagger UI) need nothing
# more (tests/web/test_csp.py, tests/browser/test_csp.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Background work ----------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TASK_IGNORE_RESULT = CELERY_RESULT_BACKEND is None
CELERY_TIMEZONE = TIME_ZONE

# --- Notifications --------------------------------------------------------------------------
WUYE_SMS_BACKEND = os.environ.get("WUYE_SMS_BACKEND", "wuye.notify.channels.RecordingSmsBackend")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_TIMEOUT = 30  # well within the outbox's 5-minute lease
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "wuye@localhost")

# --- Security (production) -------------------------------------------------------------------
if PRODUCTION:
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when WUYE_ENV=production.")
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"

SESSION_COOKIE_AGE = 60 * 60 * 12

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

WUYE = {
    # Shown in the header and on printed forms.
    "SITE_NAME": _("物业服务运营系统"),
    "PAGE_SIZE": 50,
}
