"""Fixtures for the screens' browser tests: a server and a Chromium that reach each other under
a LAN-style name, which is not a secure context (see tests/screens/hall.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.screens.hall import LAN_HOST
from tests.support.server import ServerProcess


@pytest.fixture
def lan_server(server_factory: Callable[..., ServerProcess]) -> ServerProcess:
    """A server that also answers to the LAN-style name."""
    return server_factory(env={"ALLOWED_HOSTS": f"localhost,127.0.0.1,{LAN_HOST}"})


@pytest.fixture(scope="session")
def lan_browser(browser_type: Any, browser_type_launch_args: dict[str, Any]) -> Iterator[Any]:
    args = [
        *browser_type_launch_args.get("args", []),
        f"--host-resolver-rules=MAP {LAN_HOST} 127.0.0.1",
    ]
    browser = browser_type.launch(**{**browser_type_launch_args, "args": args})
    yield browser
    browser.close()
