"""Test settings: the same settings, with fast password hashing and a file-backed test database.

The live-server and subprocess tests need the test database in a file (an in-memory SQLite
database is invisible to another process), so SQLite tests use var/test_*.sqlite3.
"""

from __future__ import annotations

import os
import uuid

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright drives the ORM in-thread

# A live channel of this test run's own. Arena and participant ids repeat across test databases,
# so two runs sharing Redis (xdist workers, two engineers, CI legs) on the default channel would
# deliver each other's frames to their screens. Set in the environment before the settings read
# it, so the `leitai serve` processes this run starts (they inherit it) bridge with this process
# and with each other, and with nobody else.
os.environ.setdefault("LEITAI_LIVE_REDIS_CHANNEL", f"leitai:test:{uuid.uuid4().hex[:16]}")
# pytest-xdist's workers inherit the controller's environment, which already holds the channel
# (pytest-django loads these settings in the controller before the workers start): each worker
# takes a channel of its own below it, or two workers' arena 1 would share a screen.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER")
if _WORKER and not os.environ["LEITAI_LIVE_REDIS_CHANNEL"].endswith(f":{_WORKER}"):
    os.environ["LEITAI_LIVE_REDIS_CHANNEL"] += f":{_WORKER}"

from leitai.settings import *  # noqa: E402, F403
from leitai.settings import DATABASES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DEBUG = False
# Uploads larger than this are imported in the background; tests cover both paths.
IMPORT_INLINE_BYTES = 64 * 1024

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # One file per test process (xdist workers, or two suites run at once on one machine), so
    # no two runs ever share a database. pytest-django deletes it at the end of the run.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = str(DATABASES["default"]["NAME"])
    DATABASES["default"]["TEST"] = {
        "NAME": name.replace(".sqlite3", f"-test-{worker}-{os.getpid()}.sqlite3")
    }
else:
    # The same for PostgreSQL: a database of this run's own (pytest-xdist adds a worker suffix).
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}
    # pytest-django forbids database access outside tests that ask for it; a health check of a
    # kept connection (made from a server thread inside the test process) would trip it.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
