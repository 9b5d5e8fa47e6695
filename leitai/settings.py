"""Leitai settings: one module, every value from the environment with a default that runs as is.

Nothing here needs configuring for `make demo`: SQLite under var/, the single-process live hub.
Production sets DATABASE_URL (PostgreSQL), REDIS_URL, SECRET_KEY and LEITAI_PUBLIC_URL.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from leitai.env import (
    ConfigurationError,
    env_bool,
    env_int,
    env_list,
    env_str,
    keep_private,
    parse_database_url,
    secret_key_from,
)

# The database, the secret key, backups and uploaded spreadsheets (an account import carries
# initial passwords in clear) are for the account Leitai runs as: whatever a Leitai process
# creates is 0600 (directories 0700). SQLite gives the -wal and -shm files the database's mode.
os.umask(0o077)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("LEITAI_VAR_DIR") or BASE_DIR / "var").resolve()
VAR_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
keep_private(VAR_DIR)  # one made before this rule may be readable by everyone

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = secret_key_from(VAR_DIR)

PUBLIC_URL = env_str("LEITAI_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
if not PUBLIC_URL.startswith(("http://", "https://")):
    raise ConfigurationError(
        f"LEITAI_PUBLIC_URL={PUBLIC_URL!r}: must start with http:// or https://"
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
_public_host = PUBLIC_URL.split("://", 1)[1].split("/", 1)[0].rsplit(":", 1)[0]
if _public_host and _public_host not in ALLOWED_HOSTS:
    ALLOWED_HOSTS.append(_public_host)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "leitai.site.views.csrf_failure"  # Leitai's layout, translated

INSTALLED_APPS = [
    "leitai.core",
    "leitai.accounts",
    "leitai.orgs",
    "leitai.live",
    "leitai.programs",
    "leitai.ledger",
    "leitai.arenas",
    "leitai.evidence",
    "leitai.api",
    "leitai.site",  # home, navigation, error pages, `leitai restore`: knows every app
    "leitai.demo",  # the demo city and `leitai simulate`: uses the apps, none uses it
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # Swagger UI's files for /api/docs, served from the package rather than a CDN
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "leitai.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "leitai.core.busy.BusyDatabaseMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "leitai.accounts.middleware.ForcePasswordChangeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "leitai.urls"
ASGI_APPLICATION = "leitai.asgi.application"

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
                "leitai.site.context_processors.navigation",
            ],
        },
    },
]


def _databases() -> dict[str, dict[str, object]]:
    url = parse_database_url(env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'leitai.sqlite3'}")
    if url.vendor == "sqlite":
        name = Path(url.name)
        name.parent.mkdir(parents=True, exist_ok=True)
        for path in (name, name.with_name(f"{name.name}-wal"), name.with_name(f"{name.name}-shm")):
            keep_private(path)
        return {
            "default": {
                "ENGINE": "leitai.core.sqlite3",
                "NAME": str(name),
                "OPTIONS": {
                    # IMMEDIATE takes the write lock at BEGIN, so two writers queue on the busy
                    # timeout instead of one failing with "database is locked" at its first write.
                    "transaction_mode": "IMMEDIATE",
                    "timeout": 20,
                    "init_command": (
                        "PRAGMA journal_mode=WAL;"
                        "PRAGMA synchronous=NORMAL;"
                        "PRAGMA foreign_keys=ON;"
                        "PRAGMA cache_size=-65536;"
                    ),
                },
                "TEST": {"NAME": str(name.with_name(f"test_{name.name}"))},
            }
        }
    options: dict[str, object] = dict(url.options)
    # Opening a PostgreSQL connection costs 5-15 ms, more than a page's own queries. Under ASGI
    # each request runs in a thread of its own, so a connection kept per thread (CONN_MAX_AGE)
    # is never reused: a pool per process is (Django 5.1+, psycopg_pool). Each request borrows
    # a connection and gives it back when it ends; when all are out, requests wait for one
    # (up to DATABASE_POOL_TIMEOUT) instead of opening more than PostgreSQL allows.
    # DATABASE_POOL_SIZE=0 turns the pool off: a new connection per request.
    pool_size = env_int("DATABASE_POOL_SIZE", default=20, minimum=0)
    if pool_size and "pool" not in options:
        options["pool"] = {
            "min_size": min(2, pool_size),
            "max_size": pool_size,
            "timeout": env_int("DATABASE_POOL_TIMEOUT", default=30, minimum=1),
        }
    return {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": url.name,
            "USER": url.user,
            "PASSWORD": url.password,
            "HOST": url.host,
            "PORT": url.port,
            "CONN_MAX_AGE": 0,  # pooled, or closed at the end of each request
            # With the pool: each connection is checked as it is lent (a database restart
            # leaves dead ones behind).
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
    }


DATABASES = _databases()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ConfigurationError(
        f"REDIS_URL={REDIS_URL!r}: must start with redis://, rediss:// or unix://"
    )

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "leitai",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The live hub (leitai/live/conf.py reads these): one Redis channel for every topic, at most
# LIVE_MAX_RATE frames a second per topic, a slow client dropped after LIVE_SLOW_CLIENT_SECONDS.
LIVE_REDIS_CHANNEL = env_str("LEITAI_LIVE_REDIS_CHANNEL", "leitai:live")
LIVE_MAX_RATE = env_int("LEITAI_LIVE_MAX_RATE", default=10, minimum=1)
LIVE_SLOW_CLIENT_SECONDS = env_int("LEITAI_LIVE_SLOW_CLIENT_SECONDS", default=10, minimum=1)
# Sockets a fan-out writes per turn of the event loop, so that the request that published and
# other topics are served between chunks (docs/live.md, with what was measured).
LIVE_FAN_OUT_CHUNK = env_int("LEITAI_LIVE_FAN_OUT_CHUNK", default=128, minimum=1)

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "site:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = 60 * 60 * 12
SESSION_COOKIE_SAMESITE = "Lax"

# Served under an https public URL, no browser should ever talk plain HTTP to us: Django's
# SecurityMiddleware redirects http requests to https and sends HSTS. uvicorn takes the scheme
# from the proxy's X-Forwarded-Proto (trusted from FORWARDED_ALLOW_IPS), so a request nginx
# received over https is not redirected again. /healthz stays reachable over plain HTTP for a
# monitor on the machine itself. Subdomains are left out of HSTS unless asked for: a public URL
# on an organisation's own domain would otherwise force https on every site under it for a year.
_PUBLIC_IS_HTTPS = PUBLIC_URL.startswith("https://")
SESSION_COOKIE_SECURE = _PUBLIC_IS_HTTPS
CSRF_COOKIE_SECURE = _PUBLIC_IS_HTTPS
SECURE_SSL_REDIRECT = env_bool("LEITAI_SSL_REDIRECT", default=_PUBLIC_IS_HTTPS)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int(
    "LEITAI_HSTS_SECONDS", default=365 * 24 * 60 * 60 if _PUBLIC_IS_HTTPS else 0, minimum=0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("LEITAI_HSTS_INCLUDE_SUBDOMAINS", default=False)

# Failed sign-ins allowed per account and per address before a cool-down.
LOGIN_FAILURE_LIMIT = env_int("LEITAI_LOGIN_FAILURE_LIMIT", default=5, minimum=1)
LOGIN_FAILURE_WINDOW = env_int("LEITAI_LOGIN_FAILURE_WINDOW", default=15 * 60, minimum=1)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "leitai" / "locale"]
LANGUAGE_COOKIE_NAME = "leitai_language"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Static files are public: behind nginx they live outside the private var/ (0700), where the
# proxy's own user can read them; collected files are world-readable whatever the umask.
STATIC_ROOT = Path(env_str("LEITAI_STATIC_ROOT") or VAR_DIR / "static").resolve()
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every request without it
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "leitai.core.staticfiles.PublicStaticFilesStorage",
        "OPTIONS": {"file_permissions_mode": 0o644, "directory_permissions_mode": 0o755},
    },
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
# Without collectstatic (the demo), whitenoise serves straight from the apps' static folders.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# The API's schema and Swagger UI (/api/openapi.json, /api/docs): signed-in users only, unless set.
API_DOCS_PUBLIC = env_bool("LEITAI_API_DOCS_PUBLIC", default=False)

# Browser uploads of organisation and account spreadsheets; the CLI takes any size.
IMPORT_MAX_UPLOAD_BYTES = env_int("LEITAI_IMPORT_MAX_MB", default=50, minimum=1) * 1024 * 1024
# Smaller uploads are checked during the request; larger ones in the background with progress.
IMPORT_INLINE_BYTES = env_int("LEITAI_IMPORT_INLINE_KB", default=512, minimum=0) * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_TEMP_DIR = None

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING").upper()},
    "loggers": {"leitai": {"level": env_str("LOG_LEVEL", "INFO").upper()}},
}
