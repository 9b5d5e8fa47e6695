"""Test settings: the same settings, with fast password hashing and a file-backed test database.

The live-server and subprocess tests need the test database in a file (an in-memory SQLite
database is invisible to another process), so SQLite tests use var/test_*.sqlite3.
"""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright drives the ORM in-thread

from leitai.settings import *  # noqa: F403
from leitai.settings import DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DEBUG = False
# Uploads larger than this are imported in the background; tests cover both paths.
IMPORT_INLINE_BYTES = 64 * 1024

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # One file per xdist worker, so parallel workers never share a database.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = str(DATABASES["default"]["NAME"])
    DATABASES["default"]["TEST"] = {"NAME": name.replace(".sqlite3", f"-test-{worker}.sqlite3")}
