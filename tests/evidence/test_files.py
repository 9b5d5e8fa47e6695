"""Evidence files are checked by their content, never by their name."""

from __future__ import annotations

import io
import zipfile

import pytest

from leitai.demo.evidence_files import scan_png
from leitai.evidence.files import MAX_BYTES, BadEvidenceFile, check_bytes, check_upload
from tests.evidence.conftest import PDF, upload


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.pdf", PDF)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "name", "kind"),
    [
        (PDF, "notice.pdf", "pdf"),
        (scan_png("x"), "scan.png", "png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32, "scan.JPEG", "jpg"),
        (PDF, "no-extension", "pdf"),
        (scan_png("y"), "scan.bin", "png"),
    ],
)
def test_accepted_by_content(content: bytes, name: str, kind: str) -> None:
    checked = check_bytes(content, name)
    assert checked.extension == kind
    assert len(checked.sha256) == 64


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (scan_png("z"), "named as a PDF file but its content is PNG"),
        (zip_bytes(), "is not a PDF, JPEG or PNG file"),
        (b"just some text pretending to be a PDF\n", "is not a PDF, JPEG or PNG file"),
        (b"<html><script>alert(1)</script></html>", "is not a PDF, JPEG or PNG file"),
        (b"", "is empty"),
    ],
)
def test_a_pdf_name_over_other_content_is_refused(content: bytes, reason: str) -> None:
    with pytest.raises(BadEvidenceFile, match=reason):
        check_bytes(content, "evidence.pdf")


def test_over_20_mb_is_refused_before_reading_it_all() -> None:
    big = upload(b"%PDF-" + b"0" * MAX_BYTES, "big.pdf")
    with pytest.raises(BadEvidenceFile, match="limited to 20 MB"):
        check_upload(big)
    assert check_upload(upload(PDF, "ok.pdf")).extension == "pdf"
