"""What a server process loads before its first request, registered by the apps.

Management commands never need an app's heavy imports (numpy behind the scoring core), so apps
import them lazily; a server will need them, and the first judge's sheet of the day should not
wait for them. An app registers a warm-up in its `AppConfig.ready()`:

    register_warm_up(lambda: importlib.import_module("leitai.scoring.panel"))

and the ASGI application runs them all once, as it loads (leitai/asgi.py).
"""

from __future__ import annotations

from collections.abc import Callable

_warm_ups: dict[str, Callable[[], object]] = {}


def register_warm_up(name: str, warm_up: Callable[[], object]) -> None:
    """Run `warm_up` when a server process loads; registering `name` again replaces it."""
    _warm_ups[name] = warm_up


def warm_up() -> None:
    for run in list(_warm_ups.values()):
        run()
