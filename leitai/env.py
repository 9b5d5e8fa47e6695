"""Typed readers for settings that come from the environment.

Each reader fails loudly, naming the variable and the value, instead of guessing: a typo in
production configuration must stop the process at start-up, not surface as odd behaviour later.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit


class ConfigurationError(Exception):
    """A setting in the environment has a value we cannot use."""


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, *, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigurationError(f"{name}={raw!r}: expected one of 1/0, true/false, yes/no, on/off")


def env_int(name: str, *, default: int, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ConfigurationError(f"{name}={raw!r}: expected a whole number") from None
    if minimum is not None and value < minimum:
        raise ConfigurationError(f"{name}={raw!r}: must be at least {minimum}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


@dataclass(frozen=True)
class DatabaseUrl:
    vendor: str  # "sqlite" or "postgresql"
    name: str
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""
    options: tuple[tuple[str, str], ...] = ()


def parse_database_url(url: str) -> DatabaseUrl:
    """Parse `sqlite:///relative/or//absolute/path` or `postgres://user:pw@host:port/name`."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        # sqlite:///var/x.sqlite3 is relative to the working directory, sqlite:////abs/x absolute.
        path = unquote(parts.path)
        if path.startswith("/"):
            path = path[1:]
        if not path:
            raise ConfigurationError(f"DATABASE_URL={url!r}: an SQLite URL needs a file path")
        return DatabaseUrl(vendor="sqlite", name=path)
    if scheme in {"postgres", "postgresql", "pgsql"}:
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise ConfigurationError(
                f"DATABASE_URL={url!r}: a PostgreSQL URL needs a database name"
            )
        options = tuple((key, values[-1]) for key, values in sorted(parse_qs(parts.query).items()))
        return DatabaseUrl(
            vendor="postgresql",
            name=name,
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            host=parts.hostname or "",
            port=str(parts.port or ""),
            options=options,
        )
    raise ConfigurationError(
        f"DATABASE_URL={url!r}: unsupported scheme {scheme!r}; use sqlite:/// or postgres://"
    )


def keep_private(path: Path) -> None:
    """Take group and other permissions off a file or directory this account owns, if any."""
    try:
        status = path.stat()
    except FileNotFoundError:
        return
    if status.st_mode & 0o077 and status.st_uid == os.getuid():
        path.chmod(status.st_mode & 0o700)


def secret_key_from(var_dir: Path) -> str:
    """SECRET_KEY from the environment, or one generated once into var/ for a local install."""
    from_env = env_str("SECRET_KEY")
    if from_env:
        if len(from_env) < 32:
            raise ConfigurationError("SECRET_KEY is set but shorter than 32 characters")
        return from_env
    key_file = var_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="ascii").strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    # O_EXCL: two processes starting at once must not each write a different key.
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key)
    return key
