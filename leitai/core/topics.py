"""Live topics of the shared import path: a job's progress, for the user who started it."""

from __future__ import annotations

import re
import uuid
from typing import Any

from leitai.live.topics import AccessContext, register_topic


def _job(match: re.Match[str]) -> Any:
    from leitai.core.models import ImportJob

    try:
        job_id = uuid.UUID(match["id"])
    except ValueError:
        return None
    return ImportJob.objects.filter(pk=job_id).first()


def _authorize(access: AccessContext, match: re.Match[str]) -> bool:
    from leitai.core.import_views import can_follow_job

    job = _job(match)
    return job is not None and can_follow_job(access.user, job)


def _snapshot(match: re.Match[str]) -> dict[str, Any] | None:
    from leitai.core.imports import job_state

    job = _job(match)
    return job_state(job) if job is not None else None


def register() -> None:
    register_topic(r"import:(?P<id>[0-9a-f-]{36})", authorize=_authorize, snapshot=_snapshot)
