"""The .zip of evidence files uploaded beside an honours spreadsheet: each row names its file.

Read defensively: an archive is a list of claims about sizes that a crafted file can lie about,
so every member is decompressed through a bounded read (never more than `files.MAX_BYTES` + 1
bytes), the archive holds at most `MAX_MEMBERS` files and `MAX_TOTAL` bytes once unpacked, and a
member that unpacks to more than `MAX_RATIO` times its packed size is refused as a zip bomb.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from leitai.core.tabular import FileProblem
from leitai.evidence.files import MAX_BYTES, BadEvidenceFile, CheckedFile, check_bytes

MAX_MEMBERS = 2000
MAX_TOTAL = 1024 * 1024 * 1024
MAX_RATIO = 100
CHUNK = 1 << 16


@dataclass
class Attachments:
    """The archive's members by name (folders and macOS metadata left out)."""

    path: Path | None
    names: dict[str, zipfile.ZipInfo] = field(default_factory=dict)
    unpacked: int = 0

    def read(self, name: str) -> CheckedFile:
        """The member checked as an evidence file; BadEvidenceFile naming why not."""
        assert self.path is not None
        info = self.names[name]
        if info.file_size > MAX_BYTES:
            raise BadEvidenceFile(
                _("%(name)s is %(size)s MB; evidence files are limited to 20 MB.")
                % {"name": name, "size": f"{info.file_size / 1048576:.1f}"}
            )
        if info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
            raise BadEvidenceFile(
                _("%(name)s unpacks to %(ratio)s times its packed size: refused as a zip bomb.")
                % {"name": name, "ratio": info.file_size // info.compress_size}
            )
        parts: list[bytes] = []
        size = 0
        with zipfile.ZipFile(self.path) as archive, archive.open(info) as member:
            while chunk := member.read(CHUNK):
                size += len(chunk)
                if size > MAX_BYTES or size > MAX_RATIO * max(info.compress_size, 1):
                    # The header lied about the size: stop reading, whatever it says.
                    raise BadEvidenceFile(
                        _("%(name)s unpacks to more than its header says: refused.")
                        % {"name": name}
                    )
                parts.append(chunk)
        self.unpacked += size
        if self.unpacked > MAX_TOTAL:
            raise FileProblem(_("The .zip unpacks to more than 1 GB; split it into parts."))
        return check_bytes(b"".join(parts), name)


def open_attachments(path: Path) -> Attachments:
    if not path.exists():
        return Attachments(None)
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise FileProblem(_("The evidence files are not a readable .zip archive.")) from None
    if len(infos) > MAX_MEMBERS:
        raise FileProblem(
            _("The .zip holds %(count)s files; at most %(limit)s at once.")
            % {"count": len(infos), "limit": MAX_MEMBERS}
        )
    names = {
        info.filename: info
        for info in infos
        if not info.is_dir() and not info.filename.startswith("__MACOSX/")
    }
    return Attachments(path, names)
