"""Shared parts of the organisation benchmarks: throw-away databases, measured CLI runs, caches.

The product runs through its own command line in child processes (`leitai migrate`,
`leitai gen-orgs`, `leitai import-orgs`, `leitai serve`) with DATABASE_URL pointing at a database
the benchmark made for the purpose: an SQLite file under var/bench/orgs/, or a PostgreSQL
database named `leitai_bench_*` that the benchmark creates and drops. The developer's own
database is never opened.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
LEITAI = ROOT / ".venv" / "bin" / "leitai"
PYTHON = sys.executable
BENCH_VAR = ROOT / "var" / "bench" / "orgs"
# Children keep their secret key and uploads here, apart from the developer's var/.
CHILD_VAR = BENCH_VAR / "var"
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"
SEED = 1
GIB = 1024**3

# Every column the import writes, the unit's facts included (the generated file has them).
UNIT_COLUMNS = (
    "id, code, name, kind, sector, secretary, parent_id, is_evaluating, path, depth, counts, "
    "updated_at, founded, members, has_party_groups"
)


# --- the machine --------------------------------------------------------------------------------


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.1f} {five:.1f} {fifteen:.1f}"


def machine_summary() -> str:
    model = "unknown CPU"
    with contextlib.suppress(OSError), open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / GIB
    return (
        f"{os.cpu_count()} CPU(s) ({model}), {memory:.0f} GiB RAM, Python "
        f"{platform.python_version()}, {time.strftime('%Y-%m-%d %H:%M %Z')}, "
        f"load average {load_average()}"
    )


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


# --- child processes ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Measured:
    """A finished child: wall time from spawn to exit, its CPU time, its peak resident memory."""

    wall: float
    cpu: float
    peak_rss: int  # bytes
    load_before: str
    load_after: str


def child_env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="leitai.settings",
        LEITAI_VAR_DIR=str(CHILD_VAR),
        DATABASE_URL=database_url,
        DEBUG="0",
    )
    return env


def run_measured(command: Sequence[str], env: dict[str, str], log: Path) -> Measured:
    """Run to completion; output goes to `log` (a pipe could fill up and stall the child)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    load_before = load_average()
    with open(log, "wb") as output:
        started = time.perf_counter()
        process = subprocess.Popen(
            list(command), env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT
        )
        # wait4, not Popen.wait: the child's own rusage (CPU time, peak RSS), not the sum of all.
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise RuntimeError(f"{' '.join(command)} exited with {process.returncode}:\n{tail}")
    return Measured(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        peak_rss=usage.ru_maxrss * 1024,  # kilobytes on Linux
        load_before=load_before,
        load_after=load_average(),
    )


def run_quiet(command: Sequence[str], env: dict[str, str]) -> str:
    result = subprocess.run(
        list(command), env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} exited with {result.returncode}:\n{result.stderr[-3000:]}"
        )
    return result.stdout


def migrate(database_url: str) -> None:
    run_quiet([str(LEITAI), "migrate", "--noinput", "-v", "0"], child_env(database_url))


# --- throw-away databases -----------------------------------------------------------------------


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path.resolve()}"


def remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal", ".migrated"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def copy_sqlite(source: Path, target: Path) -> None:
    remove_sqlite(target)
    for suffix in ("", "-wal"):
        if Path(f"{source}{suffix}").exists():
            shutil.copyfile(f"{source}{suffix}", f"{target}{suffix}")


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


class PostgresServer:
    """Creates and drops `leitai_bench_*` databases on the server DATABASE_URL names."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url
        self.created: list[str] = []

    @classmethod
    def find(cls, *, smoke: bool) -> tuple[PostgresServer | None, str]:
        """The server, or None and the reason it is not used.

        A smoke run follows the leg of `make test` it runs in: PostgreSQL only when DATABASE_URL
        names it (the SQLite leg stays quick and needs no server). A full run uses DATABASE_URL's
        server, or the local default one when it answers.
        """
        configured = os.environ.get("DATABASE_URL", "")
        scheme = urlsplit(configured).scheme.lower()
        if smoke and scheme not in {"postgres", "postgresql"}:
            return None, "a smoke run without a PostgreSQL DATABASE_URL"
        url = configured if scheme in {"postgres", "postgresql"} else DEFAULT_POSTGRES
        try:
            import psycopg
        except ImportError:
            return None, "psycopg is not installed"
        # The maintenance database first: DATABASE_URL's own database need not exist yet.
        candidates = dict.fromkeys([with_database(url, "postgres"), url])
        reason = ""
        for candidate in candidates:
            try:
                with psycopg.connect(candidate, connect_timeout=3, autocommit=True) as conn:
                    conn.execute("SELECT 1")
                return cls(candidate), ""
            except psycopg.Error as error:
                reason = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
        return None, f"PostgreSQL at {_redacted(url)} does not answer ({reason})"

    def url(self, name: str) -> str:
        return with_database(self.admin_url, name)

    def _execute(self, sql: str) -> None:
        import psycopg

        # The server is shared with every engineer's test runs, which now and then take all its
        # connection slots for a few seconds; wait for one rather than fail a long benchmark.
        for attempt in range(30):
            try:
                with psycopg.connect(self.admin_url, autocommit=True) as conn:
                    conn.execute(sql)
                return
            except psycopg.OperationalError as error:
                if "too many clients" not in str(error) or attempt == 29:
                    raise
                time.sleep(2)

    def create(self, name: str, *, template: str | None = None) -> str:
        assert name.startswith("leitai_bench_"), name
        self.drop(name)
        self._execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        self.created.append(name)
        return self.url(name)

    def drop(self, name: str) -> None:
        assert name.startswith("leitai_bench_"), name
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if name in self.created:
            self.created.remove(name)

    def drop_all(self) -> None:
        for name in list(reversed(self.created)):
            self.drop(name)


def _redacted(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def fetch_all(database_url: str, sql: str) -> list[tuple[Any, ...]]:
    """Rows from a benchmark database, read directly (sqlite3 or psycopg), not through Django."""
    if database_url.startswith("sqlite:"):
        import sqlite3

        path = urlsplit(database_url).path[1:]
        with contextlib.closing(sqlite3.connect(path)) as conn:
            return list(conn.execute(sql))
    import psycopg

    with psycopg.connect(database_url) as conn:
        return list(conn.execute(sql))


# --- cached inputs ------------------------------------------------------------------------------


def generator_digest() -> str:
    """Changes when the generator does, so a cached tree is never one the code no longer makes."""
    hasher = hashlib.sha256()
    for part in ("generate.py", "management/commands/gen_orgs.py"):
        hasher.update((ROOT / "leitai" / "demo" / part).read_bytes())
    return hasher.hexdigest()[:8]


def _replace_stale(prefix: str, suffix: str, keep: Path) -> None:
    for stale in BENCH_VAR.glob(f"{prefix}*{suffix}"):
        if stale != keep:
            remove_sqlite(stale)


def units_csv(units: int, seed: int = SEED) -> Path:
    """`leitai gen-orgs --facts` output for (units, seed), made once and kept under
    var/bench/orgs/: the tree with the three fact columns, as a province's export would have."""
    prefix = f"units-{units}-seed-{seed}-facts-"
    path = BENCH_VAR / f"{prefix}{generator_digest()}.csv"
    if path.exists():
        return path
    BENCH_VAR.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    run_quiet(
        [
            str(LEITAI),
            "gen-orgs",
            "--units",
            str(units),
            "--seed",
            str(seed),
            "--facts",
            "--out",
            str(partial),
        ],
        child_env(sqlite_url(BENCH_VAR / "unused.sqlite3")),
    )
    _replace_stale(prefix, ".csv", keep=path)
    os.replace(partial, path)  # atomic: a concurrent run sees the whole file or none
    return path


def migrations_digest(app: str = "*") -> str:
    """Changes with the migrations of one app, or of every app."""
    hasher = hashlib.sha256()
    for path in sorted((ROOT / "leitai").glob(f"{app}/migrations/*.py")):
        hasher.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return hasher.hexdigest()[:8]


def sqlite_template() -> tuple[Path, str]:
    """An empty, freshly migrated SQLite database, made once per set of migrations and copied,
    with the digest of the migrations it holds.

    Copying a file takes milliseconds; `leitai migrate` takes seconds (the smoke runs want both
    modules in a few seconds).
    """
    digest = migrations_digest()
    path = BENCH_VAR / f"template-{digest}.sqlite3"
    if not path.exists():
        BENCH_VAR.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
        remove_sqlite(partial)
        migrate(sqlite_url(partial))
        for stale in BENCH_VAR.glob("template-*.sqlite3"):
            remove_sqlite(stale)
        for suffix in ("-wal", "-shm"):
            Path(f"{partial}{suffix}").unlink(missing_ok=True)  # empty after a clean close
        os.replace(partial, path)
    return path, digest


def cached_sqlite_path(units: int, seed: int = SEED) -> Path:
    # Keyed by what shapes the stored tree: the generator and the organisation tables. Other
    # apps' new migrations are applied to the cached copy (see cached_sqlite), not a re-import.
    digests = f"{generator_digest()}-{migrations_digest('orgs')}"
    return BENCH_VAR / f"units-{units}-seed-{seed}-{digests}.sqlite3"


def _migrated_marker(database: Path) -> Path:
    return Path(f"{database}.migrated")


def keep_as_cached_sqlite(database: Path, units: int, seed: int, *, migrated: str) -> None:
    """Keep an imported database for org_pages, unless one is cached already.

    `migrated`: the digest of the migrations the database was migrated with.
    """
    cached = cached_sqlite_path(units, seed)
    if cached.exists():
        return
    _replace_stale(f"units-{units}-seed-{seed}-", ".sqlite3", keep=cached)
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)  # empty after a clean close
    _migrated_marker(cached).write_text(migrated, encoding="ascii")
    os.replace(database, cached)


def cached_sqlite(units: int, seed: int, work: Path) -> Path:
    """The imported tree of (units, seed) in SQLite, imported now if it is not cached, and
    migrated to the product's current migrations."""
    cached = cached_sqlite_path(units, seed)
    if not cached.exists():
        csv_path = units_csv(units, seed)
        partial = work / f"import-{units}.sqlite3"
        template, migrated = sqlite_template()
        copy_sqlite(template, partial)
        print(f"importing {units:,} units into SQLite for the cache ({load_average()})", flush=True)
        run_measured(
            [str(LEITAI), "import-orgs", str(csv_path), "--yes"],
            child_env(sqlite_url(partial)),
            work / "import.log",
        )
        keep_as_cached_sqlite(partial, units, seed, migrated=migrated)
    marker = _migrated_marker(cached)
    current = migrations_digest()
    if not marker.exists() or marker.read_text(encoding="ascii") != current:
        migrate(sqlite_url(cached))
        marker.write_text(current, encoding="ascii")
    return cached


@contextlib.contextmanager
def work_dir(name: str) -> Iterator[Path]:
    """A directory of this run's own, so that concurrent runs (several engineers) never collide."""
    path = BENCH_VAR / f"{name}-{os.getpid()}"
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
