"""Suite-wide fixtures: skip rules, the real `leitai serve` process, the browser, hypothesis.

A test may be skipped only when what it needs is absent — DATABASE_URL not pointing at PostgreSQL,
REDIS_URL unset, no /usr/bin/chromium or no /usr/sbin/nginx — never when it is present but broken.
Each skip has a one-line reason, printed at the end of the run (pytest -ra).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tests.support.server import ServerProcess, start_server

CHROMIUM = "/usr/bin/chromium"
NGINX = "/usr/sbin/nginx"

hypothesis_settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    max_examples=60,
    suppress_health_check=[HealthCheck.too_slow],
)
hypothesis_settings.register_profile("dev", deadline=None, max_examples=100)
hypothesis_settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)


def _database_vendor() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reasons = {
        "browser": None if Path(CHROMIUM).exists() else f"no {CHROMIUM} (apt-get install chromium)",
        "postgres": None
        if _database_vendor() == "postgresql"
        else "DATABASE_URL does not point at PostgreSQL",
        "redis": None if os.environ.get("REDIS_URL") else "REDIS_URL is not set",
        # After the two above: where they skip a test (CI's first leg), their reason is given.
        "nginx": None if Path(NGINX).exists() else f"no {NGINX} (apt-get install nginx)",
    }
    for item in items:
        for marker, reason in reasons.items():
            if reason and item.get_closest_marker(marker):
                item.add_marker(pytest.mark.skip(reason=reason))
    # A test of an SQLite-only feature (the online backup) has nothing to test on PostgreSQL:
    # it is left out of that run, named in the summary, rather than skipped.
    if _database_vendor() == "postgresql":
        left_out = [item for item in items if item.get_closest_marker("sqlite_only")]
        if left_out:
            config.hook.pytest_deselected(items=left_out)
            items[:] = [item for item in items if item not in left_out]
            config._leitai_sqlite_only = [item.nodeid for item in left_out]  # type: ignore[attr-defined]


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    for nodeid in getattr(config, "_leitai_sqlite_only", []):
        terminalreporter.write_line(f"SQLite only, not run on PostgreSQL: {nodeid}")


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    """pytest-playwright launches Debian's Chromium; Playwright's own download is unreachable."""
    return {
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@pytest.fixture
def server_factory(transactional_db: None) -> Iterator[Callable[..., ServerProcess]]:
    """Start real `leitai serve` processes against the test database; all stopped at teardown.

    Tests using it see committed data only, hence the transactional database.
    """
    from django.db import connection

    started: list[ServerProcess] = []

    def start(env: dict[str, str] | None = None, workers: int = 1) -> ServerProcess:
        server = start_server(connection.settings_dict, env=env or {}, workers=workers)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def served(server_factory: Callable[..., ServerProcess]) -> ServerProcess:
    """One running server for the common case."""
    return server_factory()


@pytest.fixture(scope="session")
def artefacts_dir() -> Path:
    path = Path(__file__).resolve().parent.parent / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path


def _is_transactional(request: pytest.FixtureRequest) -> bool:
    if {"transactional_db", "live_server", "server_factory", "served"} & set(request.fixturenames):
        return True
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return False
    return bool(marker.kwargs.get("transaction") or (marker.args and marker.args[0]))


@pytest.fixture(autouse=True)
def _ledger_triggers_around_flush(request: pytest.FixtureRequest) -> Iterator[None]:
    """The ledger's append-only triggers refuse the DELETE FROM that resets a transactional test's
    SQLite database; lift them just for that reset and put them back for the next test.
    (PostgreSQL resets with TRUNCATE, which row triggers do not see.)"""
    uses_db = request.node.get_closest_marker("django_db") is not None or _is_transactional(request)
    if not uses_db:
        yield
        return
    if _is_transactional(request):
        request.getfixturevalue("transactional_db")
    else:
        request.getfixturevalue("db")
    from django.db import connection

    from leitai.ledger import triggers

    triggers.install(connection)
    yield
    if _is_transactional(request) and connection.vendor == "sqlite":
        triggers.remove(connection)
