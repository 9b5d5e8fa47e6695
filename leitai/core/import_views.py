"""Views of the shared import path; each data app mounts them with its own ImportKind.

The framework names no app: who may import a kind, and who may open anyone's job of it, are
predicates the app passes in its ImportKind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from leitai.core import imports
from leitai.core.forms import UploadForm
from leitai.core.models import ImportJob, ImportStatus
from leitai.core.tabular import Column, FileProblem
from leitai.core.workbooks import annotated_errors_response, xlsx_response


@dataclass(frozen=True)
class ImportKind:
    key: str
    title: Any  # lazy string
    permitted: Callable[[Any], bool]
    columns: list[Column]
    example_rows: list[list[str]]
    categories: list[tuple[str, Any, list[Any]]]  # (plan key, label, sample column labels)
    back_url_name: str
    prune_label: Any  # "": the kind has no pruning, and the box is not shown
    notes: list[Any]
    # Who may open a job of this kind that someone else started (besides its starter).
    sees_every_job: Callable[[Any], bool]
    # A kind that takes a .zip of files its rows name beside the spreadsheet: the field's label
    # ("" takes none). The importer finds it at `imports.attachments_path(path)`.
    attachments_label: Any = ""


_kinds: dict[str, ImportKind] = {}


def register_kind(kind: ImportKind) -> None:
    _kinds[kind.key] = kind


def kind_of(key: str) -> ImportKind:
    kind = _kinds.get(key)
    if kind is None:
        raise Http404
    return kind


def can_follow_job(user: Any, job: ImportJob) -> bool:
    """The job's pages and live progress: the user who started it, and whom its kind lets see
    every job (superusers)."""
    if not getattr(user, "is_authenticated", False):
        return False
    kind = _kinds.get(job.kind)
    return bool(job.actor_id == user.pk or (kind is not None and kind.sees_every_job(user)))


def _job_for(request: HttpRequest, job_id: Any) -> ImportJob:
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None or not can_follow_job(request.user, job):
        raise Http404
    return job


@login_required
def upload(request: HttpRequest, kind_key: str) -> HttpResponse:
    kind = kind_of(kind_key)
    if not kind.permitted(request.user):
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None)
    form.fields["prune"].label = kind.prune_label
    problem = ""
    if request.method == "POST" and form.is_valid():
        try:
            job = imports.create_job(
                kind=kind.key,
                actor=request.user,
                upload=form.cleaned_data["file"],
                prune=form.cleaned_data["prune"],
                attachments=form.cleaned_data["attachments"] if kind.attachments_label else None,
            )
        except FileProblem as error:
            problem = str(error)
        else:
            return redirect("core:import_job", job_id=job.pk)
    recent = ImportJob.objects.filter(actor=request.user, kind=kind.key)[:5]
    return render(
        request,
        "core/import_upload.html",
        {
            "kind": kind,
            "form": form,
            "problem": problem,
            "recent": recent,
            "template_url": reverse("core:import_template", args=[kind.key]),
            "headers": [c.headers[0] for c in kind.columns],
        },
        status=400 if problem else 200,
    )


@login_required
def job_page(request: HttpRequest, job_id: Any) -> HttpResponse:
    job = _job_for(request, job_id)
    kind = kind_of(job.kind)
    preview = job.preview or {}
    counts = preview.get("counts", {})
    samples = preview.get("samples", {})
    sections = [
        {
            "key": key,
            "label": label,
            "columns": columns,
            "count": counts.get(key, 0),
            "rows": samples.get(key, []),
        }
        for key, label, columns in kind.categories
    ]
    context = {
        "job": job,
        "kind": kind,
        "counts": counts,
        "sections": sections,
        "problems": job.problems,
        "status": ImportStatus,
        "live_topic": imports.topic_for(job),
        "state": imports.job_state(job),
    }
    if request.htmx:
        return render(request, "core/import_job_body.html", context)
    return render(request, "core/import_job.html", context)


@login_required
@require_POST
def job_confirm(request: HttpRequest, job_id: Any) -> HttpResponse:
    job = _job_for(request, job_id)
    if not kind_of(job.kind).permitted(request.user):
        raise PermissionDenied
    imports.confirm_job(job)
    return redirect("core:import_job", job_id=job.pk)


@login_required
@require_POST
def job_cancel(request: HttpRequest, job_id: Any) -> HttpResponse:
    job = _job_for(request, job_id)
    imports.cancel_job(job)
    return redirect("core:import_job", job_id=job.pk)


@login_required
def job_errors(request: HttpRequest, job_id: Any) -> HttpResponse:
    job = _job_for(request, job_id)
    if job.status != ImportStatus.REJECTED:
        raise Http404
    path = imports.stored_path(job)
    kind = kind_of(job.kind)
    if not path.exists():
        return xlsx_response(
            f"errors-{job.original_name}.xlsx",
            [_("Row"), _("Column"), _("Value"), _("Problem")],
            job.problems,
        )
    stem = job.original_name.rsplit(".", 1)[0]
    return annotated_errors_response(
        f"{stem}-errors.xlsx", path, job.original_name, kind.columns, job.problems
    )


@login_required
def template(request: HttpRequest, kind_key: str) -> HttpResponse:
    kind = kind_of(kind_key)
    if not kind.permitted(request.user):
        raise PermissionDenied
    return xlsx_response(
        f"{kind.key}-template.xlsx",
        [c.headers[0] for c in kind.columns],
        kind.example_rows,
        widths=[18] * len(kind.columns),
    )
