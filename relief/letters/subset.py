"""Fast TrueType subsetting for the letter font, and the hook that gives it to WeasyPrint.

Why: a one-page Korean letter uses a few hundred glyphs out of a font of about twelve
thousand, and WeasyPrint subsets the whole font again for every document (HarfBuzz,
twice, on the full file). Here the font is split into per-glyph pieces once per
process; a subset is then assembled by concatenating the pieces a letter uses, which
is a few hundred byte copies instead of a pass over the whole font.

The assembled font keeps glyph ids (unused ids become empty glyphs) because the page
content streams WeasyPrint wrote refer to the original ids (CIDToGIDMap /Identity),
exactly as WeasyPrint's own ``retain-gids`` subsetting does. Only TrueType outlines
(``glyf``) are supported; any other font falls through to WeasyPrint's own subsetting.
"""

from __future__ import annotations

import struct
import sys
import threading
from array import array
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

_TABLES_KEPT = ("OS/2", "head", "hhea", "maxp", "name")
# Composite glyph flags (OpenType glyf spec).
_ARG_1_AND_2_ARE_WORDS = 0x0001
_WE_HAVE_A_SCALE = 0x0008
_MORE_COMPONENTS = 0x0020
_WE_HAVE_AN_X_AND_Y_SCALE = 0x0040
_WE_HAVE_A_TWO_BY_TWO = 0x0080


class FontFormatError(ValueError):
    """The file is not a TrueType font this subsetter can split."""


def _checksum(data: bytes) -> int:
    padded = data + b"\0" * (-len(data) % 4)
    words = array("I", padded)
    if sys.byteorder == "little":
        words.byteswap()
    return sum(words) & 0xFFFFFFFF


@dataclass(frozen=True)
class _Glyph:
    data: bytes
    components: tuple[int, ...]


class GlyphStore:
    """One TrueType font, split into per-glyph outlines and metrics once."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        if data[:4] not in (b"\x00\x01\x00\x00", b"true"):
            raise FontFormatError("not a TrueType (glyf) font")
        (num_tables,) = struct.unpack_from(">H", data, 4)
        # The table directory holds every table's checksum, offset and length: with the
        # file length it identifies this exact file without comparing megabytes.
        self.directory = data[:12 + 16 * num_tables]
        tables: dict[str, bytes] = {}
        for i in range(num_tables):
            tag, _sum, offset, length = struct.unpack_from(">4sIII", data, 12 + 16 * i)
            tables[tag.decode("latin-1")] = data[offset:offset + length]
        missing = {"head", "hhea", "maxp", "hmtx", "loca", "glyf"} - set(tables)
        if missing:
            raise FontFormatError(f"font lacks tables {sorted(missing)}")
        self.tables = {tag: tables[tag] for tag in _TABLES_KEPT if tag in tables}
        self.post_header = tables.get("post", b"\0" * 32)[4:32]
        (self.num_glyphs,) = struct.unpack_from(">H", tables["maxp"], 4)
        (num_metrics,) = struct.unpack_from(">H", tables["hhea"], 34)
        (loca_format,) = struct.unpack_from(">h", tables["head"], 50)
        n = self.num_glyphs
        loca = struct.unpack(f">{n + 1}{'I' if loca_format else 'H'}",
                             tables["loca"][:(n + 1) * (4 if loca_format else 2)])
        scale = 1 if loca_format else 2
        glyf = tables["glyf"]
        self.glyphs: list[_Glyph] = []
        for gid in range(n):
            piece = glyf[loca[gid] * scale:loca[gid + 1] * scale]
            self.glyphs.append(_Glyph(piece, _components(piece)))
        hmtx = tables["hmtx"]
        last_advance = struct.unpack_from(">H", hmtx, 4 * (num_metrics - 1))[0]
        self.metrics: list[bytes] = []
        for gid in range(n):
            if gid < num_metrics:
                self.metrics.append(hmtx[4 * gid:4 * gid + 4])
            else:
                lsb = hmtx[4 * num_metrics + 2 * (gid - num_metrics):][:2]
                self.metrics.append(struct.pack(">H", last_advance) + lsb)

    def closure(self, gids: Iterable[int]) -> set[int]:
        """The glyphs asked for, the components they are built of, and .notdef."""
        keep: set[int] = set()
        todo = [0, *(g for g in gids if 0 <= g < self.num_glyphs)]
        while todo:
            gid = todo.pop()
            if gid in keep:
                continue
            keep.add(gid)
            todo.extend(c for c in self.glyphs[gid].components
                        if c not in keep and c < self.num_glyphs)
        return keep

    def subset(self, gids: Iterable[int], to_unicode: Mapping[int, str] | None = None
               ) -> bytes:
        """A TrueType font holding the outlines of ``gids`` at their original ids."""
        keep = self.closure(gids)
        count = max(keep) + 1
        kept = sorted(keep)
        size = sum(len(p) + (-len(p) % 4) for p in (self.glyphs[g].data for g in kept))
        # Offsets / 2 fit 16 bits for a glyf table under 128 KB: half the loca table.
        short = size < 0x20000
        code, scale = ("H", 2) if short else ("I", 1)
        glyf = bytearray()
        loca = array(code, [0]) * (count + 1)
        hmtx = bytearray(4 * count)  # unused ids: zero metrics, which compress to nothing
        start = 0  # first id whose offset is not written yet; empty glyphs repeat offsets
        for gid in kept:
            if gid > start:
                loca[start:gid] = array(code, [len(glyf) // scale]) * (gid - start)
            loca[gid] = len(glyf) // scale
            piece = self.glyphs[gid].data
            glyf += piece
            glyf += b"\0" * (-len(piece) % 4)
            hmtx[4 * gid:4 * gid + 4] = self.metrics[gid]
            start = gid + 1
        loca[start:] = array(code, [len(glyf) // scale]) * (count + 1 - start)
        if sys.byteorder == "little":
            loca.byteswap()
        maxp = bytearray(self.tables["maxp"])
        struct.pack_into(">H", maxp, 4, count)
        hhea = bytearray(self.tables["hhea"])
        struct.pack_into(">H", hhea, 34, count)
        head = bytearray(self.tables["head"])
        struct.pack_into(">I", head, 8, 0)  # checkSumAdjustment, set below
        struct.pack_into(">h", head, 50, 0 if short else 1)
        tables = {
            "cmap": _cmap(to_unicode or {}, keep),
            "glyf": bytes(glyf),
            "head": bytes(head),
            "hhea": bytes(hhea),
            "hmtx": bytes(hmtx),
            "loca": loca.tobytes(),
            "maxp": bytes(maxp),
            "post": b"\x00\x03\x00\x00" + self.post_header,  # format 3: no glyph names
        }
        for tag in ("OS/2", "name"):
            if tag in self.tables:
                tables[tag] = self.tables[tag]
        return _assemble(tables)


def _components(piece: bytes) -> tuple[int, ...]:
    if len(piece) < 10 or struct.unpack_from(">h", piece, 0)[0] >= 0:
        return ()
    found = []
    pos = 10
    while True:
        flags, gid = struct.unpack_from(">HH", piece, pos)
        found.append(gid)
        pos += 4 + (4 if flags & _ARG_1_AND_2_ARE_WORDS else 2)
        if flags & _WE_HAVE_A_SCALE:
            pos += 2
        elif flags & _WE_HAVE_AN_X_AND_Y_SCALE:
            pos += 4
        elif flags & _WE_HAVE_A_TWO_BY_TWO:
            pos += 8
        if not flags & _MORE_COMPONENTS:
            return tuple(found)


def _cmap(to_unicode: Mapping[int, str], keep: set[int]) -> bytes:
    """A cmap of the characters the document shows: format 4 (BMP), one segment per run
    of consecutive characters with consecutive glyphs; format 12 if that is too long."""
    pairs = sorted({ord(text): gid for gid, text in to_unicode.items()
                    if gid in keep and len(text) == 1 and ord(text) < 0xFFFF}.items())
    runs: list[list[int]] = []  # [first char, last char, first glyph]
    for char, gid in pairs:
        if runs and char == runs[-1][1] + 1 and gid == runs[-1][2] + char - runs[-1][0]:
            runs[-1][1] = char
        else:
            runs.append([char, char, gid])
    seg_count = len(runs) + 1  # the final 0xFFFF segment is mandatory
    if 16 + 8 * seg_count > 0xFFFF:
        groups = b"".join(struct.pack(">III", first, last, gid) for first, last, gid in runs)
        table = struct.pack(">HHIII", 12, 0, 16 + len(groups), 0, len(runs)) + groups
        return struct.pack(">HHHHI", 0, 1, 3, 10, 12) + table
    starts = [first for first, _, _ in runs] + [0xFFFF]
    ends = [last for _, last, _ in runs] + [0xFFFF]
    deltas = [(gid - first) & 0xFFFF for first, _, gid in runs] + [1]
    search_range = 2 * (1 << (seg_count.bit_length() - 1))
    entry_selector = seg_count.bit_length() - 1
    body = struct.pack(f">{seg_count}H", *ends) + b"\0\0"
    body += struct.pack(f">{seg_count}H", *starts)
    body += struct.pack(f">{seg_count}H", *deltas)
    body += bytes(2 * seg_count)  # idRangeOffset: deltas only
    sub_header = struct.pack(">HHHHHHH", 4, 14 + len(body), 0, 2 * seg_count, search_range,
                             entry_selector, 2 * seg_count - search_range)
    return struct.pack(">HHHHI", 0, 1, 3, 1, 12) + sub_header + body


def _assemble(tables: dict[str, bytes]) -> bytes:
    tags = sorted(tables)
    num = len(tags)
    entry_selector = num.bit_length() - 1
    search_range = 16 * (1 << entry_selector)
    header = struct.pack(">IHHHH", 0x00010000, num, search_range, entry_selector,
                         16 * num - search_range)
    offset = 12 + 16 * num
    directory = bytearray()
    body = bytearray()
    head_at = 0
    total = 0
    for tag in tags:
        data = tables[tag]
        if tag == "head":
            head_at = offset + len(body)
        checksum = _checksum(data)
        total += checksum
        directory += struct.pack(">4sIII", tag.encode("latin-1"), checksum,
                                 offset + len(body), len(data))
        body += data + b"\0" * (-len(data) % 4)
    # The whole file's checksum is the directory's plus every (padded) table's.
    total += _checksum(header + bytes(directory))
    font = bytearray(header + directory + body)
    struct.pack_into(">I", font, head_at + 8, (0xB1B0AFBA - total) & 0xFFFFFFFF)
    return bytes(font)


# --- WeasyPrint hook ------------------------------------------------------------------------
#
# WeasyPrint subsets each font in ``Font.clean`` while it writes the PDF. The hook is
# installed once and acts only inside ``fast_subsetting(stores)``, only for fonts whose
# bytes are exactly one of the stores' fonts; everything else, including any other
# WeasyPrint use in the same process, goes through WeasyPrint's own code unchanged.

_active: ContextVar[tuple[GlyphStore, ...]] = ContextVar("relief_letter_glyph_stores",
                                                          default=())
_install_lock = threading.Lock()
_installed = False


def install_weasyprint_hook() -> bool:
    """Wrap WeasyPrint's font subsetting; False when this WeasyPrint lacks the hook points.

    Two places: ``Font.clean`` (subsetting) and the ``get_hb_object_data`` that
    ``Font.__init__`` uses to copy the whole font out of HarfBuzz for every document.
    """
    global _installed
    with _install_lock:
        if _installed:
            return True
        try:
            from weasyprint.pdf import fonts as pdf_fonts
            from weasyprint.text.ffi import ffi, harfbuzz
        except ImportError:
            return False
        original_clean = getattr(pdf_fonts.Font, "clean", None)
        original_data = getattr(pdf_fonts, "get_hb_object_data", None)
        if original_clean is None or original_data is None:
            return False

        def clean(self: Any, to_unicode: dict[int, str], hinting: bool) -> None:
            store = _store_for(self)
            if store is None or not to_unicode:
                return original_clean(self, to_unicode, hinting)
            self.file_content = store.subset(to_unicode, to_unicode)
            return None

        def get_hb_object_data(hb_object: Any, ot_color: str | None = None,
                               glyph: int | None = None) -> bytes | None:
            if ot_color is None and _active.get():
                store = _store_for_face(hb_object, ffi, harfbuzz)
                if store is not None:
                    return store.data  # the same bytes, without a 2 MB copy per document
            return original_data(hb_object, ot_color, glyph)

        pdf_fonts.Font.clean = clean
        pdf_fonts.get_hb_object_data = get_hb_object_data
        _installed = True
        return True


def _store_for_face(hb_face: Any, ffi: Any, harfbuzz: Any) -> GlyphStore | None:
    blob = harfbuzz.hb_face_reference_blob(hb_face)
    try:
        length = ffi.new("unsigned int *")
        pointer = harfbuzz.hb_blob_get_data(blob, length)
        if pointer == ffi.NULL:
            return None
        for store in _active.get():
            if length[0] == len(store.data) and \
                    ffi.buffer(pointer, len(store.directory))[:] == store.directory:
                return store
        return None
    finally:
        harfbuzz.hb_blob_destroy(blob)


def _store_for(font: Any) -> GlyphStore | None:
    stores = _active.get()
    if not stores or getattr(font, "missing", None) or getattr(font, "variations", None):
        return None
    content = getattr(font, "file_content", b"")
    for store in stores:
        # Never subset a font we did not split: the very bytes, or an equal copy.
        if content is store.data or (len(content) == len(store.data) and content == store.data):
            return store
    return None


@contextmanager
def fast_subsetting(stores: Iterable[GlyphStore]) -> Iterator[None]:
    token = _active.set(tuple(stores))
    try:
        yield
    finally:
        _active.reset(token)
