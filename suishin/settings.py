"""The one settings module. Every value that varies between machines comes from
the environment through suishin.env (documented in docs/configuration.md)."""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from suishin.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(env_str("SUISHIN_VAR_DIR", str(BASE_DIR.parent / "var"))).resolve()

# Production mode turns on every transport-security setting (see `suishin check --deploy`).
PRODUCTION = env_bool("SUISHIN_PRODUCTION", False)
DEBUG = env_bool("SUISHIN_DEBUG", False)


def _secret_key() -> str:
    key = env_str("SUISHIN_SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("SUISHIN_SECRET_KEY must be set when SUISHIN_PRODUCTION=1")
    # Development and demo: one random key per checkout, kept under var/.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("SUISHIN_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("SUISHIN_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # django-ninja: its Swagger UI assets are served from our static files (no CDN)
    "django_tasks_db",
    "suishin.core",
    "suishin.accounts",
    "suishin.organisations",
    "suishin.kpis",
    "suishin.imports",
    "suishin.reports",
    "suishin.programmes",
    "suishin.activities",
    "suishin.campaigns",
    "suishin.meetings",
    "suishin.selfservice",
    "suishin.api",
    "suishin.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "suishin.urls"
WSGI_APPLICATION = "suishin.wsgi.application"

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
                "suishin.core.context_processors.navigation",
            ],
            "builtins": ["suishin.core.templatetags.jp"],
        },
    }
]

# --- Database -------------------------------------------------------------
# DATABASE_URL chooses the engine; with nothing set an embedded SQLite file
# under var/ is used in WAL mode with IMMEDIATE transactions so that writers
# queue instead of failing with "database is locked" (docs/decisions.md).
_DEFAULT_SQLITE = VAR_DIR / "suishin.sqlite3"
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{_DEFAULT_SQLITE}")
try:
    _db = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("SUISHIN_DB_CONN_MAX_AGE", 0))
except Exception as exc:  # dj_database_url raises plain ValueError/KeyError
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from exc

if _db["ENGINE"] == "django.db.backends.sqlite3":
    if _db["NAME"] != ":memory:":
        Path(_db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    _db["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;"
            "PRAGMA busy_timeout=20000;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif _db["ENGINE"] not in ("django.db.backends.postgresql",):
    raise ImproperlyConfigured(
        f"DATABASE_URL must be sqlite:// or postgres://, got engine {_db['ENGINE']}"
    )
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Users ----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = env_int("SUISHIN_SESSION_SECONDS", 8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Transport security (production) -------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SUISHIN_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SUISHIN_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Language and time ---------------------------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語")]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False

# --- Static files: served by the application itself (no CDN) -------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# The Japanese web font comes from a declared dependency (suishin.core.fonts).
from suishin.core.fonts import font_dir as _font_dir  # noqa: E402

STATICFILES_DIRS = [BASE_DIR / "static", ("fonts", str(_font_dir()))]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = VAR_DIR / "media"

# Uploads: large result files are streamed to disk, never held in memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
SUISHIN_MAX_UPLOAD_BYTES = env_int("SUISHIN_MAX_UPLOAD_BYTES", 300 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20000

# --- Background work -------------------------------------------------------
# Django's task framework. The default runs a task at once in the request;
# SUISHIN_TASK_BACKEND=django_tasks_db.DatabaseBackend queues it in the
# configured database (nothing extra to install), run by `suishin db_worker`.
TASKS = {
    "default": {
        "BACKEND": env_str("SUISHIN_TASK_BACKEND", "django.tasks.backends.immediate.ImmediateBackend"),
    }
}

# --- Cache --------------------------------------------------------------------
# Live progress of background jobs (suishin.core.jobs) is kept in the cache so
# that a web process can read it while the job's worker holds the database's
# write lock. The default needs nothing extra and is shared between processes:
# files under var/cache. SUISHIN_CACHE_URL=redis://host:6379/0 uses Redis
# (needs the `redis` package); locmem:// keeps it inside one process.
_CACHE_URL = env_str("SUISHIN_CACHE_URL", "")
if _CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    import importlib.util

    if importlib.util.find_spec("redis") is None:
        raise ImproperlyConfigured(
            "SUISHIN_CACHE_URL is a Redis URL but the `redis` package is not installed"
        )
    _cache = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE_URL}
elif _CACHE_URL.startswith("locmem://"):
    _cache = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
elif _CACHE_URL in ("",) or _CACHE_URL.startswith("file://"):
    _cache_dir = Path(_CACHE_URL.removeprefix("file://") or VAR_DIR / "cache")
    _cache = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(_cache_dir),
    }
else:
    raise ImproperlyConfigured(
        f"SUISHIN_CACHE_URL must be empty, file:///dir, redis://… or locmem://, got {_CACHE_URL!r}"
    )
# Job progress and the figures cache (suishin.kpis.cache) share it: room for
# many scopes and versions before the file cache culls (default 300 entries).
if "redis" not in _cache["BACKEND"].lower():
    _cache["OPTIONS"] = {"MAX_ENTRIES": 5000}
CACHES = {"default": {**_cache, "TIMEOUT": 24 * 60 * 60}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("SUISHIN_LOG_LEVEL", "WARNING")},
}
