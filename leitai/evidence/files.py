"""Evidence files: a scan or a PDF, checked by what the bytes are, never by the name.

A file is accepted when it starts as a PDF (``%PDF-``), a JPEG (FF D8 FF) or a PNG does, and is at
most `MAX_BYTES`; a name that claims one of these kinds must match the content (a PNG named .pdf is
refused). It is stored under MEDIA_ROOT named by its SHA-256 (`models.evidence_path`) and
served only through the evidence views, which check who asks (never publicly under /media/).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import IO, Any

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

MAX_BYTES = 20 * 1024 * 1024

# magic bytes → (extension, content type)
KINDS: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "pdf", "application/pdf"),
    (b"\xff\xd8\xff", "jpg", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png", "image/png"),
)

# What a file's name claims: the extension → the kind its content must then be.
CLAIMS = {"pdf": "pdf", "jpg": "jpg", "jpeg": "jpg", "png": "png"}


class BadEvidenceFile(ValueError):
    """The file is not one we keep as evidence; the message is for people."""


@dataclass(frozen=True)
class CheckedFile:
    content: bytes
    extension: str
    content_type: str
    sha256: str

    @property
    def size(self) -> int:
        return len(self.content)

    def as_django_file(self) -> ContentFile[bytes]:
        return ContentFile(self.content)


def check_bytes(content: bytes, name: str = "") -> CheckedFile:
    """The file's kind from its first bytes; BadEvidenceFile when it is none we accept."""
    shown = name or _("the file")
    if not content:
        raise BadEvidenceFile(_("%(name)s is empty.") % {"name": shown})
    if len(content) > MAX_BYTES:
        raise BadEvidenceFile(
            _("%(name)s is %(size)s MB; evidence files are limited to 20 MB.")
            % {"name": shown, "size": f"{len(content) / 1048576:.1f}"}
        )
    claimed = CLAIMS.get(name.rsplit(".", 1)[-1].lower()) if "." in name else None
    for magic, extension, content_type in KINDS:
        if content.startswith(magic):
            if claimed is not None and claimed != extension:
                # A name that says one kind over content of another: a renamed file, or one
                # made to pass a check by its name. Refused, so what is kept is what it says.
                raise BadEvidenceFile(
                    _("%(name)s is named as a %(claimed)s file but its content is %(actual)s.")
                    % {"name": shown, "claimed": claimed.upper(), "actual": extension.upper()}
                )
            digest = hashlib.sha256(content).hexdigest()
            return CheckedFile(content, extension, content_type, digest)
    raise BadEvidenceFile(
        _("%(name)s is not a PDF, JPEG or PNG file (its content was checked, not its name).")
        % {"name": shown}
    )


def check_upload(upload: Any) -> CheckedFile:
    """An uploaded file (Django's UploadedFile, or any binary file object with `read`)."""
    size = getattr(upload, "size", None)
    name = str(getattr(upload, "name", "") or "")
    if size is not None and size > MAX_BYTES:
        raise BadEvidenceFile(
            _("%(name)s is %(size)s MB; evidence files are limited to 20 MB.")
            % {"name": name or _("the file"), "size": f"{size / 1048576:.1f}"}
        )
    handle: IO[bytes] = upload
    if hasattr(upload, "seek"):
        upload.seek(0)
    content = handle.read(MAX_BYTES + 1)
    return check_bytes(content, name)
