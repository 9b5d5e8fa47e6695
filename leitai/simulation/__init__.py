"""Simulating an arena day over HTTP and WebSockets: `leitai simulate`, fault tests, benchmarks.

clients.py holds the hall's clients (host, judges' phones, WebSocket followers); day.py plays a
whole arena with them. Nothing here touches the database or imports Django: it talks to a running
server as phones and screens do (the `simulation-talks-http-only` import contract).
"""

from leitai.simulation.clients import (
    BackgroundFollower,
    Follower,
    Host,
    Http,
    Phone,
    Refused,
    SimulationError,
)
from leitai.simulation.day import Options, Summary, describe, plausible_marks, run_simulation

__all__ = [
    "BackgroundFollower",
    "Follower",
    "Host",
    "Http",
    "Options",
    "Phone",
    "Refused",
    "SimulationError",
    "Summary",
    "describe",
    "plausible_marks",
    "run_simulation",
]
