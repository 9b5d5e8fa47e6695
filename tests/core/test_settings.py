"""Settings from the environment, read in a fresh interpreter as a deployment would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

LEITAI = Path(sys.executable).with_name("leitai")
PRINT_DATABASE = (
    "import json, leitai.settings as s; "
    "d = s.DATABASES['default']; "
    "print(json.dumps({k: d.get(k) for k in ('ENGINE', 'NAME', 'CONN_MAX_AGE', 'OPTIONS')}))"
)


def settings_under(tmp_path: Path, **env: str) -> dict[str, Any]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_"))}
    result = subprocess.run(
        [sys.executable, "-c", PRINT_DATABASE],
        env={**clean, "LEITAI_VAR_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        check=True,
    )
    loaded: dict[str, Any] = json.loads(result.stdout)
    return loaded


def test_the_default_is_an_sqlite_file_under_var(tmp_path: Path) -> None:
    database = settings_under(tmp_path)
    assert database["ENGINE"] == "leitai.core.sqlite3"
    assert database["NAME"] == str(tmp_path / "leitai.sqlite3")
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]


def test_postgresql_gets_a_connection_pool_per_process(tmp_path: Path) -> None:
    url = "postgres://leitai:secret@db.internal:5433/city"
    database = settings_under(tmp_path, DATABASE_URL=url)
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["NAME"] == "city"
    # Kept connections are never reused under ASGI (a thread per request); the pool is.
    assert database["CONN_MAX_AGE"] == 0
    assert database["OPTIONS"]["pool"] == {"min_size": 2, "max_size": 20, "timeout": 30}

    sized = settings_under(
        tmp_path, DATABASE_URL=url, DATABASE_POOL_SIZE="8", DATABASE_POOL_TIMEOUT="5"
    )
    assert sized["OPTIONS"]["pool"] == {"min_size": 2, "max_size": 8, "timeout": 5}
    assert (
        "pool" not in settings_under(tmp_path, DATABASE_URL=url, DATABASE_POOL_SIZE="0")["OPTIONS"]
    )


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("DATABASE_POOL_SIZE", "twenty", "DATABASE_POOL_SIZE='twenty': expected a whole number"),
        ("DATABASE_POOL_TIMEOUT", "0", "DATABASE_POOL_TIMEOUT='0': must be at least 1"),
        ("DEBUG", "maybe", "DEBUG='maybe': expected one of"),
    ],
)
def test_a_bad_value_stops_the_command_naming_it(
    tmp_path: Path, name: str, value: str, says: str
) -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_"))}
    env = {**clean, "LEITAI_VAR_DIR": str(tmp_path), name: value}
    if name.startswith("DATABASE_POOL"):
        env["DATABASE_URL"] = "postgres://leitai@127.0.0.1:5432/leitai"
    result = subprocess.run(
        [str(LEITAI), "check"], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert says in result.stderr
    assert "Traceback" not in result.stderr


def deploy_check(tmp_path: Path, **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_"))}
    result = subprocess.run(
        [str(LEITAI), "check", "--deploy"],
        env={**clean, "LEITAI_VAR_DIR": str(tmp_path), "SECRET_KEY": "k" * 64, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout + result.stderr


def test_an_https_public_url_turns_on_the_ssl_redirect_and_hsts(tmp_path: Path) -> None:
    said = deploy_check(tmp_path, LEITAI_PUBLIC_URL="https://leitai.example.org")
    assert "security.W004" not in said  # HSTS
    assert "security.W008" not in said  # SSL redirect


@pytest.mark.parametrize(
    ("env", "redirect", "hsts"),
    [
        ({"LEITAI_PUBLIC_URL": "https://leitai.example.org"}, True, 31_536_000),
        # The venue's plain-HTTP LAN address: no redirect to an https nobody serves.
        ({"LEITAI_PUBLIC_URL": "http://192.168.1.23:8000"}, False, 0),
        (
            {
                "LEITAI_PUBLIC_URL": "https://leitai.example.org",
                "LEITAI_SSL_REDIRECT": "0",
                "LEITAI_HSTS_SECONDS": "3600",
            },
            False,
            3600,
        ),
    ],
)
def test_https_settings_follow_the_public_url_and_the_environment(
    tmp_path: Path, env: dict[str, str], redirect: bool, hsts: int
) -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_"))}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, leitai.settings as s; print(json.dumps([s.SECURE_SSL_REDIRECT, "
            "s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.SECURE_REDIRECT_EXEMPT]))",
        ],
        env={**clean, "LEITAI_VAR_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(result.stdout) == [
        redirect,
        hsts,
        env["LEITAI_PUBLIC_URL"].startswith("https://"),
        ["^healthz$"],
    ]


WRITE_SOMETHING = (
    "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'leitai.settings'; django.setup(); "
    "from django.db import connection; "
    "connection.cursor().execute('CREATE TABLE IF NOT EXISTS t (x)'); "
    "connection.cursor().execute('INSERT INTO t VALUES (1)'); "
    # Printed while the connection is open: the -wal and -shm files exist only meanwhile.
    "import json, pathlib; var = pathlib.Path(os.environ['LEITAI_VAR_DIR']); "
    "print(json.dumps({p.name: p.stat().st_mode & 0o777 for p in var.iterdir()}))"
)


@pytest.mark.parametrize("existing", [False, True], ids=["new var", "var made world-readable"])
def test_var_and_the_database_are_readable_by_their_owner_only(
    tmp_path: Path, existing: bool
) -> None:
    var = tmp_path / "var"
    if existing:  # as an install from before this rule left them
        var.mkdir(mode=0o755)
        var.chmod(0o755)
        (var / "leitai.sqlite3").touch()
        (var / "leitai.sqlite3").chmod(0o644)
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_"))}
    result = subprocess.run(
        [sys.executable, "-c", WRITE_SOMETHING],
        env={**clean, "LEITAI_VAR_DIR": str(var)},
        capture_output=True,
        text=True,
        check=True,
    )
    modes = json.loads(result.stdout)
    assert var.stat().st_mode & 0o777 == 0o700
    for name in ("leitai.sqlite3", "leitai.sqlite3-wal", "leitai.sqlite3-shm", "secret_key"):
        assert modes[name] == 0o600, name
