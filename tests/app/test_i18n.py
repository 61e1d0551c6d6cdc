"""Every user-facing string is translated into Korean, and the catalog is current."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "relief/translations/ko/LC_MESSAGES/messages.po"


def test_every_message_has_a_korean_translation():
    with PO.open("rb") as f:
        catalog = read_po(f, locale="ko")
    missing = [m.id for m in catalog if m.id and (not m.string or "fuzzy" in m.flags)]
    assert missing == []


def test_catalog_holds_every_string_in_the_code_and_templates(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "--no-location", "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True)
    with pot.open("rb") as f:
        extracted = {m.id for m in read_po(f) if m.id}
    with PO.open("rb") as f:
        translated = {m.id for m in read_po(f, locale="ko") if m.id and m.string}
    assert extracted - translated == set(), "run `make messages` and translate the new strings"
