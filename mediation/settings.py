"""Settings, read from the environment (12-factor).

Environment variables:
- ``DJANGO_ENV``: ``development`` (default) or ``production``. Production requires
  ``SECRET_KEY`` and ``ALLOWED_HOSTS`` and turns on every ``check --deploy`` hardening.
- ``DATABASE_URL``: default a SQLite file ``db.sqlite3`` in the repository (ignored by git);
  ``postgres://user@host:port/name`` uses PostgreSQL through psycopg 3. On PostgreSQL it names
  the application's role, which owns nothing (README.md, "Database roles").
- ``MIGRATION_DATABASE_URL``: the same database as the schema's owner, the ``owner`` alias:
  ``manage.py migrate --database owner`` then ``manage.py db_app_role``.
- ``CELERY_BROKER_URL`` or ``REDIS_URL``: unset, Celery tasks run in-process (eagerly).
- ``PDF_BACKGROUND_FROM_PAGES`` (30): a fee statement or annual report expected longer is made
  in the background with a progress bar; ``PDF_TABLE_ROWS`` (40): rows of a PDF table;
  ``PDF_JOB_KEEP_DAYS`` (7): days a PDF made in the background is kept (then purged);
  ``PDF_WARM_UP`` (on): the web and worker processes load WeasyPrint when they start.
- ``EMAIL_BACKEND`` (default: the console), ``EMAIL_HOST``…, ``DEFAULT_FROM_EMAIL``,
  ``SITE_URL`` (the links of the daily digest e-mail).
- ``SECRET_KEY``, ``DEBUG``, ``ALLOWED_HOSTS`` (comma-separated), ``CSRF_TRUSTED_ORIGINS``.
- Logins (README, "Security"): ``MFA_REQUIRED`` (default on in production), ``SESSION_IDLE_MINUTES``
  (30), ``SESSION_MAX_HOURS`` (12), ``LOGIN_FAILURE_LIMIT`` (5), ``LOGIN_LOCKOUT_MINUTES`` (30),
  ``TRUSTED_PROXY_COUNT`` (0), ``EMAIL_*`` and ``DEFAULT_FROM_EMAIL`` (password reset mail).
- ``FIELD_ENCRYPTION_KEYS``: comma-separated Fernet keys encrypting national register numbers
  at rest, the first one encrypting, all of them decrypting (rotation: README.md);
  ``NATIONAL_NUMBER_HASH_KEY``: the HMAC key of their exact-search hash. Both required when
  ``DJANGO_ENV=production``; in development both are derived from ``SECRET_KEY``.
"""

import base64
import hashlib
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


ENVIRONMENT = os.environ.get("DJANGO_ENV", "development").strip().lower()
PRODUCTION = ENVIRONMENT == "production"

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_ENV=production.")
    SECRET_KEY = "dev-only-not-secret-3b7c2e9a1f4d8e6b0a5c7f2e9d1b4a6c8e0f3a5b7d9c1e3f5a7b9"


def derived_key(purpose: str) -> str:
    """A development key for ``purpose``, derived from ``SECRET_KEY`` (Fernet's format)."""
    digest = hashlib.sha256(f"rcd-workbench:{purpose}:{SECRET_KEY}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")


# National register numbers are encrypted at rest (core.crypto, issue 13).
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", [])
NATIONAL_NUMBER_HASH_KEY = os.environ.get("NATIONAL_NUMBER_HASH_KEY", "")
if PRODUCTION and not (FIELD_ENCRYPTION_KEYS and NATIONAL_NUMBER_HASH_KEY):
    raise ImproperlyConfigured(
        "FIELD_ENCRYPTION_KEYS and NATIONAL_NUMBER_HASH_KEY must be set when "
        'DJANGO_ENV=production (README.md, "Encryption of national register numbers").'
    )
FIELD_ENCRYPTION_KEYS = FIELD_ENCRYPTION_KEYS or [derived_key("field-encryption")]
NATIONAL_NUMBER_HASH_KEY = NATIONAL_NUMBER_HASH_KEY or derived_key("national-number-hash")

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DJANGO_ENV=production.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_celery_beat",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "core",
    "accounts",
    "audit",
    "cases",
    "agenda",
    "fees",
    "documents",
    "claims",
    "contacts",
    "letters",
    "ledger",
    "banking",
    "budget",
    "assets",
    "plans",
    "petitions",
    "bundles",
    "reports",
    "closure",
    "search",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "audit.middleware.AuditMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.NoStoreMiddleware",
    "accounts.middleware.SessionLifetimeMiddleware",
    "accounts.middleware.MFARequiredMiddleware",
    # Last (django-axes): turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mediation.urls"

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
                "core.context_processors.navigation",
                "contacts.context_processors.todo_badge",
                "agenda.context_processors.agenda_nav",
            ],
        },
    },
]

# A <select> written in Python, the rest through Django's templates (core/form_renderer.py).
FORM_RENDERER = "core.form_renderer.FormRenderer"

WSGI_APPLICATION = "mediation.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        # Production reuses a connection for a minute (a new PostgreSQL connection costs
        # several milliseconds a request), checked before reuse; development opens one a request.
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60" if PRODUCTION else "0")),
        conn_health_checks=PRODUCTION,
    )
}
if os.environ.get("MIGRATION_DATABASE_URL"):
    # The owner of the schema, for migrations and db_app_role only; the same database (tests
    # mirror it onto the default one).
    DATABASES["owner"] = dj_database_url.parse(os.environ["MIGRATION_DATABASE_URL"])
    DATABASES["owner"]["TEST"] = {"MIRROR": "default"}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Foreign keys and a busy timeout keep SQLite honest for a single-office demo.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    # Django's list of 20,000 common (breached) passwords.
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Logins: guessing is throttled, a second factor, bounded sessions (README, "Security") ---
# django-axes first: it refuses a locked-out account or address before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Locked out after this many failures in a row, per account and (separately) per address; the
# lock ends after the cool-off time, or when the organisation's administrator unlocks the
# account (its page "Sécurité des comptes").
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_CALLABLE = "accounts.views.lockout"
# A successful login does not clear the failures: axes would clear those of its address too,
# so an insider could interleave their own logins to guess a colleague's password endlessly.
AXES_RESET_ON_SUCCESS = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # failures kept with user and address, as successes are
AXES_CLIENT_IP_CALLABLE = "accounts.middleware.client_ip"
AXES_VERBOSE = False
# Number of reverse proxies in front of the app whose X-Forwarded-For is trusted for the
# client's address (0: the connection's address).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# Two-factor authentication (TOTP with recovery codes, django-otp): required of every role in
# production; elsewhere only of a user who enrolled (the demo's logins and the tests log in
# with a password alone).
MFA_REQUIRED = env_bool("MFA_REQUIRED", default=PRODUCTION)
OTP_TOTP_ISSUER = "RCD"
MFA_RECOVERY_CODES = 10

# A session ends after SESSION_IDLE_MINUTES without a request, and SESSION_MAX_HOURS after the
# login in any case. "Se déconnecter partout" ends every session of the user.
SESSION_IDLE_SECONDS = int(os.environ.get("SESSION_IDLE_MINUTES", "30")) * 60
SESSION_MAX_SECONDS = int(os.environ.get("SESSION_MAX_HOURS", "12")) * 3600
SESSION_COOKIE_AGE = SESSION_MAX_SECONDS

# Password reset by e-mail. In development the mail is printed on the console.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "rcd@localhost")
PASSWORD_RESET_TIMEOUT = 3600  # a reset link is valid one hour

# Content-Security-Policy (django-csp): scripts and styles from the app's static files only; no
# inline script, event handler, style attribute or <style> element in any page (sizes are
# classes of static/css/app.css; htmx's own indicator styles are off: base.html).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Internationalisation: French first, Dutch following (fr-BE / nl-BE formats) ---
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("nl", _("Nederlands"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["mediation.formats"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Uploaded documents (declarations, filed reports): 10 MB each.
DOCUMENT_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# --- E-mail (the agenda's daily digest): printed on the console unless configured ---
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "agenda@rcd.invalid")
# The site's address (e.g. https://rcd.example.be), for the links of e-mails; the iCalendar
# address is built from the request.
SITE_URL = os.environ.get("SITE_URL", "")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Celery: a real broker when configured, otherwise tasks run in-process ---
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL") or ""
if CELERY_BROKER_URL:
    CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL)
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = "cache+memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Periodic tasks, written into django_celery_beat's tables each time beat starts. On the 20th,
# the next month's living-allowance payments of every running case are prepared (waiting for
# the mediator's approval; a case refused, e.g. for lack of funds, is logged and left to the
# button of its "Paiements" page).
CELERY_BEAT_SCHEDULE = {
    # Every morning, each case's legal calendar (agenda.services.daily_run): JustRestart fees,
    # annual reports due, declaration deadlines… exactly once each.
    "run-daily-jobs": {
        "task": "agenda.run_daily_jobs",
        "schedule": crontab(minute=30, hour=5),
    },
    "prepare-allowance-payments": {
        "task": "banking.prepare_allowance_payments",
        "schedule": crontab(minute=0, hour=6, day_of_month=20),
    },
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- Long PDFs (issue 15) ---
# A fee statement or an annual report expected longer than this many pages (estimated from its
# rows) is made in the background by a Celery task with a progress bar; a shorter one at once.
PDF_BACKGROUND_FROM_PAGES = int(os.environ.get("PDF_BACKGROUND_FROM_PAGES", "30"))
# The rows a table of a PDF holds before the next table starts (core/templatetags/pdf_layout.py).
PDF_TABLE_ROWS = int(os.environ.get("PDF_TABLE_ROWS", "40"))
# A long PDF made in the background is kept this many days after it was made (a preview holds
# a case's figures: it is not kept for ever); the daily run removes older ones.
PDF_JOB_KEEP_DAYS = int(os.environ.get("PDF_JOB_KEEP_DAYS", "7"))
# The web process and each Celery worker process load WeasyPrint when they start, not when their
# first PDF is asked for (core.pdf.warm_up: 0.4 s of CPU saved on that PDF, 25 MB a process),
# and compile the templates of the long PDFs.
PDF_WARM_UP = env_bool("PDF_WARM_UP", True)
PDF_WARM_UP_TEMPLATES = (
    "fees/statement_pdf.html",
    "reports/annual_report_pdf.html",
    "plans/pdf_plan.html",
    "plans/pdf_cover.html",
    "letters/letter_pdf.html",
    "ledger/journal_pdf.html",
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        # read by core.pdf.reporting (the progress of a long PDF), never printed
        "weasyprint.progress": {"level": "INFO", "handlers": [], "propagate": False},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Production hardening (manage.py check --deploy passes without warnings) ---
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
