"""The README's production set-up, run: nginx in front of two `leitai serve --workers 2`
processes on PostgreSQL and Redis, with the files shipped under deploy/.

nginx runs in the foreground with deploy/nginx/leitai.conf inside a minimal main
configuration of the test's own (free ports and a temporary static directory substituted); the
two processes are started with deploy/leitai@.service's ExecStart. `leitai simulate` plays a
whole arena through nginx; mid-arena, while the judges' sheets come in, one process is killed
with SIGKILL (its whole process group: the supervisor and both workers). Then:

- the simulation finishes: requests go to the other process, and phones send again what got
  no answer (a 502 from nginx) with the same idempotency key;
- every sheet it saw acknowledged is stored, once;
- every screen that was connected through the killed process reconnects through nginx and
  receives the arena's later states;
- `leitai ledger verify` exits 0.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from leitai.arenas.models import ArenaState, Sheet
from leitai.simulation import BackgroundFollower, Follower
from tests.arena_factories import make_arena_world
from tests.factories import PASSWORD
from tests.support.server import ROOT, ServerProcess, database_url, free_port

NGINX = "/usr/sbin/nginx"
SITE = ROOT / "deploy" / "nginx" / "leitai.conf"
UNIT = ROOT / "deploy" / "leitai@.service"
LEITAI = Path(sys.executable).parent / "leitai"
PARTICIPANTS = 3
JUDGES = 5
SCREENS = 3


def test_the_readme_shows_the_shipped_files() -> None:
    """The README's nginx excerpt is the shipped site's, line for line; it names the files."""
    readme = (ROOT / "README.md").read_text()
    production = readme[readme.index("## Running in production") : readme.index("## Development")]
    excerpt = production.split("```nginx\n", 1)[1].split("```", 1)[0]
    shipped = {line.split("#")[0].strip() for line in SITE.read_text().splitlines()}
    for line in excerpt.splitlines():
        assert line.split("#")[0].strip() in shipped, line
    for path in ("deploy/nginx/leitai.conf", "deploy/leitai@.service", "deploy/leitai.env.example"):
        assert f"]({path})" in production
        assert (ROOT / path).exists()


def exec_start(port: int) -> list[str]:
    """The unit's ExecStart for one port, with this checkout's `leitai`."""
    line = next(line for line in UNIT.read_text().splitlines() if line.startswith("ExecStart="))
    command = shlex.split(line.removeprefix("ExecStart=").replace("%i", str(port)))
    assert command[0].endswith("/.venv/bin/leitai"), command
    return [str(LEITAI), *command[1:]]


def nginx_config(tmp: Path, *, listen: int, upstreams: list[int], static: Path) -> Path:
    """The shipped site inside a main configuration that runs unprivileged in `tmp`."""
    site = SITE.read_text()
    shipped_ports = re.findall(r"server 127\.0\.0\.1:(\d+)", site)
    assert len(shipped_ports) == len(upstreams) == 2, shipped_ports
    for shipped, port in zip(shipped_ports, upstreams, strict=True):
        site = site.replace(f"127.0.0.1:{shipped}", f"127.0.0.1:{port}")
    assert "listen 80;" in site
    assert "/srv/leitai/static/" in site
    site = site.replace("listen 80;", f"listen 127.0.0.1:{listen};")
    site = site.replace("/srv/leitai/static/", f"{static}/")
    # Running as root (CI), nginx's workers would drop to `nobody`, who may not read the
    # test's private temporary directory.
    user = "user root;\n" if os.geteuid() == 0 else ""
    main = f"""{user}daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log info;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    access_log {tmp}/access.log;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
{site}
}}
"""
    path = tmp / "nginx.conf"
    path.write_text(main)
    return path


def wait_for(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args} exited {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout} s:\n{log.read_text()}")


class Stack:
    """nginx and the leitai processes of one test; everything stopped at the end."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "leitai.settings_test",
            "DATABASE_URL": database_url(connection.settings_dict),
            "LEITAI_VAR_DIR": str(tmp / "var"),
            "LEITAI_STATIC_ROOT": str(tmp / "static"),
            "LEITAI_PUBLIC_URL": self.url,
            # Redis channels are shared by every database number: one of this test's own.
            "LEITAI_LIVE_REDIS_CHANNEL": f"leitai:live:test:{uuid.uuid4().hex[:12]}",
        }
        self.servers: list[ServerProcess] = []
        self.nginx: subprocess.Popen[bytes] | None = None

    def collect_static(self) -> Path:
        subprocess.run(
            [str(LEITAI), "collectstatic", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=self.env,
            check=True,
        )
        static = self.tmp / "static"
        # nginx's workers run as their own user in production: what they serve must be
        # readable by anyone, whatever the umask of the private var/ (0700, files 0600).
        for path in static.rglob("*"):
            assert path.stat().st_mode & 0o777 == (0o755 if path.is_dir() else 0o644), path
        return static

    def start_server(self, port: int) -> ServerProcess:
        log_path = self.tmp / f"serve-{port}.log"
        with log_path.open("ab") as log:
            process = subprocess.Popen(
                exec_start(port),
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own group: SIGKILL reaches both workers
            )
        server = ServerProcess(port=port, process=process, log_path=log_path, env=self.env)
        server.wait_ready()
        self.servers.append(server)
        return server

    def start_nginx(self, upstreams: list[int], static: Path) -> None:
        config = nginx_config(self.tmp, listen=self.port, upstreams=upstreams, static=static)
        log = self.tmp / "error.log"
        check = subprocess.run(
            [NGINX, "-t", "-p", str(self.tmp), "-e", str(log), "-c", str(config)],
            capture_output=True,
            text=True,
        )
        assert check.returncode == 0, check.stderr
        self.nginx = subprocess.Popen(
            [NGINX, "-p", str(self.tmp), "-e", str(log), "-c", str(config)],
            start_new_session=True,
        )
        wait_for(f"{self.url}/healthz", self.nginx, log)

    def stop(self) -> None:
        if self.nginx is not None and self.nginx.poll() is None:
            self.nginx.terminate()
            self.nginx.wait(10)
        for server in self.servers:
            server.stop()


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    started = Stack(tmp_path)
    try:
        yield started
    finally:
        started.stop()


def simulate(stack: Stack, arena: int, host: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            str(LEITAI),
            "simulate",
            "--url",
            stack.url,
            "--arena",
            str(arena),
            "--judges",
            str(JUDGES),
            "--speed",
            "60",
            "--seed",
            "8",
            "--user",
            host,
            "--password",
            PASSWORD,
        ],
        cwd=ROOT,
        env=stack.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.nginx
@pytest.mark.server
@pytest.mark.django_db(transaction=True)
def test_nginx_and_two_servers_lose_nothing_when_one_is_killed_mid_arena(stack: Stack) -> None:
    world = make_arena_world(participants=PARTICIPANTS, judges=JUDGES, go_live=False)
    arena = world.arena
    static = stack.collect_static()
    first, second = free_port(), free_port()
    killed = stack.start_server(first)
    # Only the first process is up when nginx starts: the screens all connect through it, so
    # all of them lose their connection at the kill. The second joins before the arena starts.
    stack.start_nginx([first, second], static)
    screens = [
        BackgroundFollower(Follower(stack.url, f"arena:{arena.pk}:screen", label=f"screen{n}"))
        for n in range(SCREENS)
    ]
    try:
        for screen in screens:
            assert screen.wait_for(lambda state: "version" in state, timeout=20) is not None
        stack.start_server(second)

        # nginx serves the collected static files itself.
        name = next(p for p in static.rglob("*.js") if not p.name.endswith(".gz"))
        with urllib.request.urlopen(f"{stack.url}/static/{name.relative_to(static)}") as answer:
            assert answer.read() == name.read_bytes()

        run = simulate(stack, arena.pk, world.host_user.username)
        sheets = Sheet.objects.filter(participant__arena=arena)
        # Mid-arena: the first presenter scored, the second one's sheets coming in.
        wait_until(lambda: sheets.count() > JUDGES or run.poll() is not None, 240, "sheets")
        assert run.poll() is None, run.communicate()[0]
        killed.kill()
        killed_at = time.monotonic()
        out, _ = run.communicate(timeout=300)
        assert run.returncode == 0, out
        assert "final ranking" in out

        world.arena.refresh_from_db()
        assert world.arena.state == ArenaState.CLOSED
        # Every sheet the simulation saw acknowledged (it fails on any it could not send) is
        # stored, each once: one per judge and presenter.
        assert sheets.count() == PARTICIPANTS * JUDGES
        assert sheets.values("idempotency_key").distinct().count() == PARTICIPANTS * JUDGES

        for screen in screens:
            closed = screen.wait_for(lambda s: s["arena"]["state"] == ArenaState.CLOSED, timeout=30)
            assert closed is not None, screen.follower.label
            assert screen.follower.reconnects >= 1, screen.follower.label
            later = screen.follower.first_after(killed_at, lambda s: True)
            assert later is not None, screen.follower.label
    finally:
        for screen in screens:
            screen.stop()

    verify = subprocess.run(
        [str(LEITAI), "ledger", "verify"],
        cwd=ROOT,
        env=stack.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr
    shutil.rmtree(stack.tmp / "static", ignore_errors=True)
