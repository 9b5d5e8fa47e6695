"""A server process runs the warm-ups the apps registered as it loads."""

from __future__ import annotations

import subprocess
import sys

from leitai.live import warmup


def test_registered_warm_ups_run_once_each_and_a_name_again_replaces_it(monkeypatch):
    monkeypatch.setattr(warmup, "_warm_ups", {})
    ran: list[str] = []
    warmup.register_warm_up("a", lambda: ran.append("old a"))
    warmup.register_warm_up("a", lambda: ran.append("a"))
    warmup.register_warm_up("b", lambda: ran.append("b"))
    warmup.warm_up()
    assert ran == ["a", "b"]


def test_the_asgi_application_loads_the_scoring_core():
    probe = (
        "import sys; import leitai.asgi; "
        "print(*(name in sys.modules for name in ('leitai.scoring.panel', 'leitai.arenas.panel')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["True", "True"]
