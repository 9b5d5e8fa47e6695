"""Which process owns a piece of work, and whether that process still runs.

A process is named by its host, the host's boot, its pid and the moment it started (Linux's
/proc/<pid>/stat start time): a pid alone is reused by an unrelated process after a restart, and
a job must not be taken for running because some other program got its owner's pid.
"""

from __future__ import annotations

import functools
import os
import socket
from pathlib import Path

PROC = Path("/proc")


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="ascii", errors="replace").strip()
    except OSError:
        return ""


def _started(pid: int) -> str | None:
    """The process's start time in clock ticks since boot; "" where /proc is not available,
    None when no process has that pid."""
    if not PROC.is_dir():
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:  # it exists, under another user
            return ""
        return ""
    stat = _read(PROC / str(pid) / "stat")
    if not stat:
        return None
    # The command name (field 2) is in parentheses and may hold spaces; field 22 is the start.
    return stat.rsplit(")", 1)[1].split()[19]


@functools.cache
def _boot() -> str:
    return _read(PROC / "sys" / "kernel" / "random" / "boot_id") or "-"


def process_name(pid: int) -> str:
    """A running process's name, as `is_running` reads it back: "host boot pid start"."""
    return f"{socket.gethostname()} {_boot()} {pid} {_started(pid) or '-'}"


def current_process() -> str:
    return process_name(os.getpid())


def is_running(owner: str) -> bool:
    """Whether the process named `owner` still runs. A process on another host is taken as
    running: nothing here can tell, and that host's own next start settles its work."""
    try:
        host, boot, pid, started = owner.split(" ")
        number = int(pid)
    except ValueError:  # no owner recorded (work from before owners were recorded)
        return False
    if host != socket.gethostname():
        return True
    if boot != _boot():
        return False  # the machine restarted since
    now = _started(number)
    if now is None:
        return False
    return started in {"-", now} or now == ""
