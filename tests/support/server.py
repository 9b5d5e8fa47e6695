"""A real `leitai serve` process for tests: own process group, free port, stopped for sure."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
LEITAI = Path(sys.executable).parent / "leitai"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def database_url(settings_dict: dict[str, Any]) -> str:
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{Path(settings_dict['NAME']).resolve()}"
    user = settings_dict.get("USER") or ""
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    credentials = f"{user}{password}@" if user else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{settings_dict['NAME']}"


@dataclass
class ServerProcess:
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path
    env: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"leitai serve exited with {self.process.returncode}:\n{self.log()}"
                )
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"leitai serve did not answer within {timeout} s:\n{self.log()}")

    def _signal(self, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, sig)

    def stop(self, timeout: float = 10) -> None:
        if self.process.poll() is None:
            self._signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self._signal(signal.SIGKILL)
                self.process.wait(timeout=timeout)
        self._signal(signal.SIGKILL)  # stragglers: uvicorn's worker processes

    def kill(self) -> None:
        """SIGKILL the whole group at once, as a power cut would."""
        self._signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def restart(self) -> ServerProcess:
        """Start again on the same port; this object then stands for the new process, so the
        fixture that started it still stops it."""
        fresh = start_server_with(self.env, port=self.port, log_path=self.log_path)
        self.process = fresh.process
        return self


def start_server_with(env: dict[str, str], *, port: int, log_path: Path) -> ServerProcess:
    workers = env.get("_LEITAI_TEST_WORKERS", "1")
    command = [str(LEITAI), "serve", "--port", str(port), "--workers", workers]
    log = log_path.open("ab")
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env={k: v for k, v in env.items() if not k.startswith("_")},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log.close()
    server = ServerProcess(port=port, process=process, log_path=log_path, env=env)
    server.wait_ready()
    return server


def start_server(
    settings_dict: dict[str, Any], *, env: dict[str, str], workers: int = 1
) -> ServerProcess:
    port = free_port()
    full_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "leitai.settings_test",
        "DATABASE_URL": database_url(settings_dict),
        "LEITAI_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "_LEITAI_TEST_WORKERS": str(workers),
        **env,
    }
    logs = ROOT / "test-artifacts" / "servers"
    logs.mkdir(parents=True, exist_ok=True)
    return start_server_with(full_env, port=port, log_path=logs / f"serve-{port}.log")
