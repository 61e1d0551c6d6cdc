"""Evidence files: type checked by content, stored under random names outside the web root.

Only jpg, png, pdf and hwp/hwpx are taken, whatever the name or the browser claims;
an .hwpx is a zip, so its declared expansion is checked for zip bombs.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from relief.cases.limits import (
    EVIDENCE_MAX_BYTES,
    HWPX_MAX_EXPANDED_BYTES,
    HWPX_MAX_RATIO,
)

_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class EvidenceError(ValueError):
    """``code``: empty | too_large | type_not_allowed | storage_failed."""

    def __init__(self, code: str, name: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.name = name


@dataclass(frozen=True)
class CheckedFile:
    original_name: str
    content_type: str
    data: bytes
    sha256: str


def safe_name(name: str) -> str:
    """A display name with no path, control characters or odd Unicode; never used on disk."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*')
    name = name.strip(" .") or "file"
    if len(name) > 120:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 110] + dot + ext[:8]) if dot else name[:120]
    return name


def sniff(data: bytes, name: str) -> str | None:
    """The content type by content, or None when it is not one we take."""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(_CFB_MAGIC) and ext == "hwp":
        return "application/x-hwp"
    if data.startswith(b"PK\x03\x04") and ext == "hwpx" and _is_safe_hwpx(data):
        return "application/hwp+zip"
    return None


def _is_safe_hwpx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > 2000:
                return False
            expanded = sum(i.file_size for i in infos)
            packed = max(1, sum(i.compress_size for i in infos))
            if expanded > HWPX_MAX_EXPANDED_BYTES or expanded / packed > HWPX_MAX_RATIO:
                return False
            if any(i.filename.startswith("/") or ".." in i.filename.split("/") for i in infos):
                return False
            mimetype = archive.read("mimetype")[:64] if "mimetype" in archive.namelist() else b""
            return mimetype.startswith(b"application/hwp+zip")
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError):
        return False


def check_file(name: str, data: bytes) -> CheckedFile:
    """Raises ``EvidenceError`` (empty, too_large, type_not_allowed)."""
    display = safe_name(name)
    if not data:
        raise EvidenceError("empty", display)
    if len(data) > EVIDENCE_MAX_BYTES:
        raise EvidenceError("too_large", display)
    content_type = sniff(data, display)
    if content_type is None:
        raise EvidenceError("type_not_allowed", display)
    return CheckedFile(display, content_type, data, hashlib.sha256(data).hexdigest())


def store(directory: Path, checked: CheckedFile) -> str:
    """Write the file under a random name; returns that name. Raises ``EvidenceError``."""
    stored = secrets.token_hex(20)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        tmp = directory / f".{stored}.part"
        with open(tmp, "wb") as f:
            f.write(checked.data)
            f.flush()
            os.fsync(f.fileno())
        tmp.replace(directory / stored)
    except OSError as exc:
        # Disk full or unwritable: nothing half-stored is left behind.
        with contextlib.suppress(OSError):
            Path(directory / f".{stored}.part").unlink(missing_ok=True)
        raise EvidenceError("storage_failed", checked.original_name) from exc
    return stored


def remove(directory: Path, stored_names: list[str]) -> None:
    for stored in stored_names:
        (directory / stored).unlink(missing_ok=True)
