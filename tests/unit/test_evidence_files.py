"""Evidence files are judged by their content, not by their name or claimed type."""

from __future__ import annotations

import io
import zipfile

import pytest

from relief.cases.evidence import EvidenceError, check_file, safe_name, store

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
PDF = b"%PDF-1.7\n"
HWP = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64


def _hwpx(extra: dict[str, bytes] | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", "application/hwp+zip")
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize(("name", "data", "kind"), [
    ("사진.png", PNG, "image/png"), ("photo.JPG", JPG, "image/jpeg"),
    ("계약서.pdf", PDF, "application/pdf"), ("신청서.hwp", HWP, "application/x-hwp"),
    ("신청서.hwpx", _hwpx({"Contents/section0.xml": b"<p/>"}), "application/hwp+zip"),
])
def test_allowed_types_are_recognised_by_content(name, data, kind):
    assert check_file(name, data).content_type == kind


@pytest.mark.parametrize(("name", "data"), [
    ("invoice.pdf", b"MZ\x90\x00executable"),  # an executable named as a PDF
    ("photo.png", b"<svg onload=alert(1)>"),
    ("doc.hwp", b"PK\x03\x04not an ole file"),
    ("page.html", b"<html><script>alert(1)</script>"),
    ("archive.hwpx", b"PK\x03\x04\x00\x00garbage"),
])
def test_files_that_lie_about_their_type_are_refused(name, data):
    with pytest.raises(EvidenceError) as err:
        check_file(name, data)
    assert err.value.code == "type_not_allowed"


def test_a_zip_bomb_disguised_as_hwpx_is_refused():
    bomb = _hwpx({"Contents/section0.xml": b"\x00" * (50 * 1024 * 1024)})
    with pytest.raises(EvidenceError):
        check_file("bomb.hwpx", bomb)


def test_hwpx_with_a_path_traversing_entry_is_refused():
    with pytest.raises(EvidenceError):
        check_file("evil.hwpx", _hwpx({"../../etc/passwd": b"x"}))


def test_too_large_and_empty_files_are_refused():
    with pytest.raises(EvidenceError, match="too_large"):
        check_file("big.pdf", PDF + b"0" * (10 * 1024 * 1024))
    with pytest.raises(EvidenceError, match="empty"):
        check_file("empty.pdf", b"")


@pytest.mark.parametrize(("raw", "expected"), [
    ("../../etc/passwd", "passwd"), ("C:\\Users\\me\\영수증.png", "영수증.png"),
    ("\x00\x1fbad<>name.pdf", "badname.pdf"), ("", "file"), ("a" * 300 + ".pdf", None),
])
def test_display_names_carry_no_paths_or_control_characters(raw, expected):
    name = safe_name(raw)
    assert "/" not in name and "\\" not in name and len(name) <= 120
    if expected:
        assert name == expected


def test_stored_files_get_random_names_and_an_unwritable_disk_leaves_nothing(tmp_path):
    checked = check_file("a.png", PNG)
    stored = store(tmp_path, checked)
    assert len(stored) == 40 and (tmp_path / stored).read_bytes() == PNG
    # Root ignores permissions, so make the target impossible instead: a file in the way.
    blocker = tmp_path / "blocker"
    blocker.write_bytes(b"")
    with pytest.raises(EvidenceError, match="storage_failed"):
        store(blocker / "uploads", checked)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([stored, "blocker"])
