"""Merge Korean translations into the catalog: ``python scripts/translate.py FILE.py``.

FILE.py defines ``KO = {msgid: translation}``. Existing translations are kept unless
FILE gives a new one. A helper for writing translations in bulk; the .po file is the
source of truth.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parents[1] / "relief/translations/ko/LC_MESSAGES/messages.po"


def main(source: str) -> None:
    ko = runpy.run_path(source)["KO"]
    with PO.open("rb") as f:
        catalog = read_po(f, locale="ko")
    for message in catalog:
        # Plural messages are keyed by their singular; Korean has one plural form.
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        value = ko.get(message.id) if isinstance(message.id, tuple) else None
        value = value or ko.get(key)
        if key and value:
            message.string = (value,) if isinstance(message.id, tuple) else value
            message.flags.discard("fuzzy")
    with PO.open("wb") as f:
        write_po(f, catalog, width=100, omit_header=False)
    missing = [m.id for m in catalog if m.id and not any(
        m.string if isinstance(m.string, tuple) else [m.string])]
    print(f"{len(catalog)} messages, {len(missing)} without Korean", file=sys.stderr)
    for m in missing:
        print("  missing:", repr(m), file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1])
