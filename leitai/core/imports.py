"""The shared path of every spreadsheet import: check → preview → confirm → import.

An importer (organisation tree, accounts) knows its columns and its rules; this module keeps the
job, runs it inline for small files and in a background thread for large ones, reports progress
over the live hub, and guarantees the all-or-nothing rule: an import writes in one transaction,
re-checks the file inside it, and refuses to write when the plan differs from what the user saw
and confirmed (the data changed in between).

Slow work that needs no lock (hashing an account import's passwords: 0.25 s each) is the
importer's `prepare` step, run before that transaction and outside it, at low priority
(leitai.core.lowpriority). The write transaction then holds the database's write lock (SQLite
has one for the whole file) only for the re-check and the bulk statements, which grow with the
file (for a thousand accounts 0.9 s, measured on a two-core machine at load average 15), never
for the hashing (minutes): a judge's sheet or a sign-in never waits on an import's hashing.
Nothing is written before that transaction, so a failure or a restart during `prepare` leaves
nothing behind. An importer that grows too large for one transaction (accounts: a
`StagedImporter`) stages its rows invisibly in short transactions instead and makes them
current in one short last transaction; a failure or the next start deletes what it staged.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import close_old_connections, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from leitai.core.models import ImportJob, ImportStatus
from leitai.core.processes import current_process, is_running
from leitai.core.tabular import Column, FileProblem
from leitai.env import keep_private

logger = logging.getLogger(__name__)

PROBLEMS_KEPT = 10_000  # shown on the page and stored; the annotated workbook carries them all
# An upload may hold initial passwords in clear: it is deleted when its job ends, and a job left
# unconfirmed (or a rejected upload kept for its annotated errors workbook) expires after this.
JOB_EXPIRY = timedelta(days=1)
# Statuses whose upload is no longer needed. A rejected upload is kept until it expires: the
# "file with problems marked" is built from it.
UPLOAD_DONE_WITH = frozenset(
    {ImportStatus.DONE, ImportStatus.FAILED, ImportStatus.STALE, ImportStatus.CANCELLED}
)
ACTIVE_STATUSES = (ImportStatus.ANALYSING, ImportStatus.APPLYING)


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    value: str
    reason: str

    def as_list(self) -> list[Any]:
        return [self.row, self.column, self.value, self.reason]


class ImportRejected(Exception):
    def __init__(self, problems: list[RowProblem], total: int | None = None) -> None:
        super().__init__(f"{total or len(problems)} problem(s)")
        self.problems = problems
        self.total = total if total is not None else len(problems)


class StalePlan(Exception):
    """The data changed between the preview the user confirmed and the import."""


@dataclass
class Plan:
    """What an import will do (or did): counts per category, a sample of each, a fingerprint."""

    counts: dict[str, int]
    samples: dict[str, list[list[str]]] = field(default_factory=dict)
    digest: str = ""
    # Applying the plan has slow preparation (hashing passwords): confirmed, it always runs in
    # the background, whatever the file's size, never in the web request.
    slow: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "counts": self.counts,
            "samples": self.samples,
            "digest": self.digest,
            "slow": self.slow,
        }


class PlanDigest:
    """An order-sensitive hash of every planned change, to compare preview and import."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()

    def add(self, *parts: object) -> None:
        self._hash.update(("\x1f".join(map(str, parts)) + "\x1e").encode())

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


Progress = Callable[[str, int], None]


class Importer(Protocol):
    kind: str
    columns: list[Column]

    def check(
        self, path: Path, original_name: str, *, actor: Any, prune: bool, progress: Progress
    ) -> Plan:
        """Read and validate the file and plan the changes; write nothing."""

    def prepare(
        self, path: Path, original_name: str, *, actor: Any, prune: bool, progress: Progress
    ) -> Any:
        """The slow work that needs no lock, done outside any transaction before `apply`
        (hashing passwords); write nothing. Its result is passed to `apply` as `prepared`."""

    def apply(
        self,
        path: Path,
        original_name: str,
        *,
        actor: Any,
        prune: bool,
        progress: Progress,
        expected_digest: str | None,
        prepared: Any = None,
    ) -> Plan:
        """Check again and write everything in the caller's transaction; raise on any problem.
        Without `prepared` it does the preparation itself (inside the transaction)."""


@runtime_checkable
class StagedImporter(Importer, Protocol):
    """An importer whose job writes in short transactions (so that no other write waits long for
    SQLite's one write lock) yet stays all-or-nothing: it stages its rows invisibly, tagged with
    the job, and makes them current in one short last transaction."""

    def apply_staged(
        self,
        job: ImportJob,
        path: Path,
        original_name: str,
        *,
        actor: Any,
        prune: bool,
        progress: Progress,
        expected_digest: str | None,
        prepared: Any = None,
    ) -> Plan:
        """Like `apply`, run outside any transaction; removes what it staged when it fails."""

    def discard_staged(self, job: ImportJob) -> None:
        """Remove what an interrupted job staged (its process stopped mid-way)."""


@runtime_checkable
class RecordedImporter(StagedImporter, Protocol):
    """A staged importer that tags what it stages with its own record of the import (the daily
    data's), not with the job: the command line runs it in short transactions too, with no job."""

    def apply_recorded(
        self,
        job: ImportJob | None,
        path: Path,
        original_name: str,
        *,
        actor: Any,
        prune: bool,
        progress: Progress,
        expected_digest: str | None,
        prepared: Any = None,
    ) -> Plan:
        """Like `apply_staged`; `job` is None from the command line."""


_importers: dict[str, str] = {}


def register_importer(kind: str, dotted_path: str) -> None:
    """Register an importer class by its dotted path, so a process that never imports (a web
    request, a management command) never loads it and what it needs (numpy)."""
    _importers[kind] = dotted_path


def importer_for(kind: str) -> Importer:
    from django.utils.module_loading import import_string

    importer: Importer = import_string(_importers[kind])()
    return importer


def upload_dir() -> Path:
    path = Path(settings.VAR_DIR) / "imports"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    keep_private(path)  # one made before uploads were kept private
    return path


def stored_path(job: ImportJob) -> Path:
    return upload_dir() / job.stored_name


def attachments_path(path: Path) -> Path:
    """Where the .zip of files uploaded beside a spreadsheet is kept (a kind that takes
    attachments: ImportKind.attachments_label); it goes with the upload."""
    return path.with_name(f"{path.stem}-attachments.zip")


def _remove_upload(job: ImportJob) -> None:
    stored_path(job).unlink(missing_ok=True)
    attachments_path(stored_path(job)).unlink(missing_ok=True)


# One background worker per process: imports write in one transaction each, so running two at
# once would only make one wait for the other's lock.
_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="leitai-import")
_pending: list[Future[None]] = []
_pending_lock = threading.Lock()


def wait_for_background_jobs(timeout: float = 60) -> None:
    """Block until queued background jobs have finished (tests and shutdown use this)."""
    with _pending_lock:
        futures = list(_pending)
    for future in futures:
        future.result(timeout=timeout)


def _submit(fn: Callable[[], None]) -> None:
    def run() -> None:
        close_old_connections()
        try:
            fn()
        finally:
            connection.close()

    future = _executor.submit(run)
    with _pending_lock:
        _pending[:] = [f for f in _pending if not f.done()]
        _pending.append(future)


def topic_for(job: ImportJob) -> str:
    return f"import:{job.pk}"


def job_state(job: ImportJob) -> dict[str, Any]:
    return {
        "id": str(job.pk),
        "status": job.status,
        "status_label": str(ImportStatus(job.status).label),
        "phase": job.phase,
        "rows_done": job.rows_done,
        "rows_total": job.rows_total,
        "finished": job.is_finished or job.status == ImportStatus.READY,
    }


def _publish(job: ImportJob) -> None:
    from leitai.live.hub import publish

    publish(topic_for(job), job_state(job))


class _ProgressReporter:
    """Saves and publishes progress at most every half second; the import itself never waits."""

    def __init__(self, job: ImportJob) -> None:
        self.job = job
        self.last = 0.0

    def __call__(self, phase: str, rows_done: int) -> None:
        now = time.monotonic()
        if now - self.last < 0.5 and phase == self.job.phase:
            return
        self.last = now
        self.job.phase = phase
        self.job.rows_done = rows_done
        # The import's own transaction may hold the write lock (SQLite) or must not see this
        # row change rolled back with it: progress goes over the hub only, not into the table.
        _publish(self.job)


def create_job(
    *,
    kind: str,
    actor: Any,
    upload: UploadedFile,
    prune: bool,
    attachments: UploadedFile | None = None,
) -> ImportJob:
    """Store the upload (and the .zip of files beside it, for a kind that takes one) and check
    it: inline when small, in the background when large."""
    for each in (upload, attachments):
        if (
            each is not None
            and each.size is not None
            and each.size > settings.IMPORT_MAX_UPLOAD_BYTES
        ):
            raise FileProblem(
                _("The file is %(size)s MB; uploads are limited to %(limit)s MB.")
                % {
                    "size": f"{each.size / 1048576:.1f}",
                    "limit": settings.IMPORT_MAX_UPLOAD_BYTES // 1048576,
                }
            )
    job = ImportJob(
        kind=kind,
        status=ImportStatus.ANALYSING,
        actor=actor,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        original_name=(upload.name or "upload")[:255],
        size=upload.size or 0,
        prune=prune,
        owner=current_process(),
    )
    job.stored_name = f"{job.pk}{Path(job.original_name).suffix.lower()[:8]}"
    with os.fdopen(_create_private(stored_path(job)), "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    if attachments is not None:
        target = attachments_path(stored_path(job))
        with os.fdopen(_create_private(target), "wb") as out:
            for chunk in attachments.chunks():
                out.write(chunk)
    job.save()
    expire_jobs()
    if job.size <= settings.IMPORT_INLINE_BYTES:
        check_job(job.pk)
        job.refresh_from_db()
    else:
        transaction.on_commit(lambda: _submit(lambda: check_job(job.pk)))
    return job


def create_job_from_path(
    *, kind: str, actor: Any, path: Path, prune: bool, attachments: Path | None = None
) -> ImportJob:
    """For tests and scripts that hold a file already: same path as an upload."""
    job = ImportJob(
        kind=kind,
        status=ImportStatus.ANALYSING,
        actor=actor,
        original_name=path.name,
        size=path.stat().st_size,
        prune=prune,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        owner=current_process(),
    )
    job.stored_name = f"{job.pk}{path.suffix.lower()}"
    with path.open("rb") as source, os.fdopen(_create_private(stored_path(job)), "wb") as out:
        shutil.copyfileobj(source, out)
    if attachments is not None:
        target = attachments_path(stored_path(job))
        with attachments.open("rb") as source, os.fdopen(_create_private(target), "wb") as out:
            shutil.copyfileobj(source, out)
    job.save()
    check_job(job.pk)
    job.refresh_from_db()
    return job


def _create_private(path: Path) -> int:
    """A new file only this account may read (uploads of accounts carry initial passwords)."""
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)


def _finish(job: ImportJob, status: str, **fields: Any) -> None:
    fields.setdefault("finished_at", timezone.now())
    # A message belongs to the status it explains; a job finishing anew drops an older one.
    fields.setdefault("message", "")
    ImportJob.objects.filter(pk=job.pk).update(status=status, updated_at=timezone.now(), **fields)
    job.refresh_from_db()
    if status in UPLOAD_DONE_WITH:
        _remove_upload(job)
    transaction.on_commit(lambda: _publish(job))


def check_job(job_id: Any) -> None:
    job = ImportJob.objects.select_related("actor").get(pk=job_id)
    importer = importer_for(job.kind)
    with translation.override(job.language):
        try:
            plan = importer.check(
                stored_path(job),
                job.original_name,
                actor=job.actor,
                prune=job.prune,
                progress=_ProgressReporter(job),
            )
        except ImportRejected as rejected:
            _finish(job, ImportStatus.REJECTED, **_problem_fields(rejected))
        except FileProblem as problem:
            _finish(job, ImportStatus.FAILED, message=str(problem))
        except Exception:
            logger.exception("checking import %s failed", job.pk)
            _finish(job, ImportStatus.FAILED, message=_("An unexpected error stopped the check."))
            raise
        else:
            _finish(
                job,
                ImportStatus.READY,
                preview=plan.as_json(),
                finished_at=None,
                rows_total=plan.counts.get("rows"),
            )


def _problem_fields(rejected: ImportRejected) -> dict[str, Any]:
    return {
        "problems": [p.as_list() for p in rejected.problems[:PROBLEMS_KEPT]],
        "problem_count": rejected.total,
    }


def confirm_job(job: ImportJob) -> bool:
    """Move a READY job to APPLYING (compare-and-set) and run it; False if it was not ready."""
    claimed = ImportJob.objects.filter(
        pk=job.pk, status=ImportStatus.READY, updated_at__gte=timezone.now() - JOB_EXPIRY
    ).update(status=ImportStatus.APPLYING, updated_at=timezone.now(), owner=current_process())
    if not claimed:
        return False
    if job.size <= settings.IMPORT_INLINE_BYTES and not (job.preview or {}).get("slow"):
        apply_job(job.pk)
    else:
        transaction.on_commit(lambda: _submit(lambda: apply_job(job.pk)))
    return True


def cancel_job(job: ImportJob, *, message: str = "") -> bool:
    cancelled = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.READY).update(
        status=ImportStatus.CANCELLED,
        updated_at=timezone.now(),
        finished_at=timezone.now(),
        message=message,
    )
    if cancelled:
        _remove_upload(job)
    return bool(cancelled)


def apply_job(job_id: Any) -> None:
    job = ImportJob.objects.select_related("actor").get(pk=job_id)
    importer = importer_for(job.kind)
    expected = (job.preview or {}).get("digest")
    progress = _ProgressReporter(job)
    with translation.override(job.language):
        try:
            prepared = importer.prepare(
                stored_path(job),
                job.original_name,
                actor=job.actor,
                prune=job.prune,
                progress=progress,
            )
            plan = _write(job, importer, progress, expected, prepared)
        except StalePlan:
            _finish(job, ImportStatus.STALE)
        except ImportRejected as rejected:
            _finish(job, ImportStatus.REJECTED, **_problem_fields(rejected))
        except FileProblem as problem:
            _finish(job, ImportStatus.FAILED, message=str(problem))
        except Exception:
            logger.exception("import %s failed", job.pk)
            _finish(job, ImportStatus.FAILED, message=_("An unexpected error stopped the import."))
            raise
        else:
            _finish(job, ImportStatus.DONE, preview=plan.as_json())


def _write(
    job: ImportJob, importer: Importer, progress: Progress, expected: str | None, prepared: Any
) -> Plan:
    arguments: dict[str, Any] = {
        "actor": job.actor,
        "prune": job.prune,
        "progress": progress,
        "expected_digest": expected,
        "prepared": prepared,
    }
    if isinstance(importer, StagedImporter):
        return importer.apply_staged(job, stored_path(job), job.original_name, **arguments)
    with transaction.atomic():
        return importer.apply(stored_path(job), job.original_name, **arguments)


def fail_interrupted_jobs() -> int:
    """At server start: a job left checking or importing by a stopped process changed nothing
    visible (imports write in one transaction, or stage their rows invisibly and make them current
    in one last transaction), so what it staged is deleted and it is marked failed for the user to
    run again.

    Only a job whose owner process is gone: another server (a second `leitai serve`, a worker, the
    import command) may be running it right now. A job owned on another host is left to that
    host's next start (see leitai.core.processes)."""
    failed = 0
    for job in ImportJob.objects.filter(status__in=ACTIVE_STATUSES):
        if is_running(job.owner):
            continue
        with translation.override(job.language):
            message = _("Interrupted by a server restart; upload the file again.")
        importer = importer_for(job.kind)
        if isinstance(importer, StagedImporter):
            importer.discard_staged(job)
        # Compare-and-set on the status and the owner: the job may have moved on meanwhile.
        failed += ImportJob.objects.filter(pk=job.pk, status=job.status, owner=job.owner).update(
            status=ImportStatus.FAILED, message=message, finished_at=timezone.now()
        )
        _remove_upload(job)
    return failed


def expire_jobs() -> int:
    """Cancel jobs left unconfirmed for a day, delete the uploads of jobs that ended or expired
    and any upload no job holds; returns how many jobs expired.

    Run when a server starts and with every upload: cheap (an indexed query and a directory
    listing), so no scheduler is needed."""
    cutoff = timezone.now() - JOB_EXPIRY
    expired = 0
    for job in ImportJob.objects.filter(status=ImportStatus.READY, updated_at__lt=cutoff):
        with translation.override(job.language):
            message = _("Not confirmed within a day of the preview; upload the file again.")
        expired += cancel_job(job, message=message)
    uploads = {path.name: path for path in upload_dir().iterdir() if path.is_file()}
    jobs = {
        name: (status, finished_at)
        for name, status, finished_at in ImportJob.objects.filter(
            stored_name__in=list(uploads)
        ).values_list("stored_name", "status", "finished_at")
    }
    for name, path in uploads.items():
        status, finished_at = jobs.get(name, (None, None))
        if status in (*ACTIVE_STATUSES, ImportStatus.READY):
            continue
        if status == ImportStatus.REJECTED and finished_at and finished_at >= cutoff:
            continue  # its annotated errors workbook may still be downloaded
        # No job row: an upload being stored right now, or one a crash left behind.
        if status is None and path.stat().st_mtime >= cutoff.timestamp():
            continue
        path.unlink(missing_ok=True)
    return expired
