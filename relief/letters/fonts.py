"""The letter font: Pretendard GOV cut down to what Korean letters use, built by setup.

Why a font of our own: the system CJK fonts (Noto Sans/Serif CJK) are 20 MB
collections with 65,000 CFF glyphs, which WeasyPrint subsets slowly and embeds in the
hundreds of kilobytes. Pretendard GOV (the KRDS typeface, SIL OFL) has all 11,172
Hangul syllables in TrueType outlines; keeping its Latin, punctuation, symbols and
Hangul and dropping hinting, layout tables and vertical metrics gives a 2 MB font of
about 12,000 glyphs that subsets in a millisecond (see ``subset.py``).

The OFL reserves the name "Pretendard" for the original, so the cut-down font is
renamed; its copyright and licence entries are kept and the licence file is copied
beside it. Source when Pretendard GOV is not installed: Debian's NanumGothic, which
also has every syllable.

Run ``flask letters fonts`` or ``python -m relief.letters.fonts`` (setup does; both
skip fonts already built unless given ``--force``).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from relief.core.config import PROJECT_ROOT

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"
FONT_DIR = STATIC_DIR / "letters" / "fonts"
FAMILY = "relief Letter"
HANGUL_SYLLABLES = range(0xAC00, 0xD7A4)  # all 11,172

# What a letter can show: Latin and its punctuation, general punctuation, currency,
# letterlike symbols and Roman numerals (별표 Ⅱ), arrows, maths, enclosed numbers
# (①), box drawing and shapes (□ ○ ※), CJK punctuation (「」·), compatibility jamo,
# enclosed and squared CJK (㈜ ㎡), Hangul syllables, full-width forms (－ ￦).
UNICODE_RANGES: tuple[tuple[int, int], ...] = (
    (0x0020, 0x007E), (0x00A0, 0x017F), (0x02C6, 0x02DD), (0x2000, 0x206F),
    (0x20A0, 0x20BF), (0x2100, 0x218F), (0x2190, 0x21FF), (0x2200, 0x22FF),
    (0x2460, 0x24FF), (0x2500, 0x25FF), (0x2600, 0x26FF), (0x3000, 0x303F),
    (0x3131, 0x318E), (0x3200, 0x32FF), (0x3380, 0x33FF), (0xAC00, 0xD7A3),
    (0xFF01, 0xFFEF),
)


@dataclass(frozen=True)
class Face:
    name: str  # file stem part
    weight: int
    sources: tuple[Path, ...]

    @property
    def path(self) -> Path:
        return FONT_DIR / f"relief-letter-{self.name}.ttf"


_PRETENDARD = PROJECT_ROOT / "node_modules" / "pretendard-gov" / "dist" / "public" / "static"
_NANUM = Path("/usr/share/fonts/truetype/nanum")
FACES = (
    Face("regular", 400, (_PRETENDARD / "alternative" / "PretendardGOV-Regular.ttf",
                          _NANUM / "NanumGothic.ttf")),
    Face("bold", 700, (_PRETENDARD / "alternative" / "PretendardGOV-Bold.ttf",
                       _NANUM / "NanumGothicBold.ttf")),
)
_LICENCES = (PROJECT_ROOT / "node_modules" / "pretendard-gov" / "dist" / "LICENSE.txt",
             Path("/usr/share/doc/fonts-nanum/copyright"))

_build_lock = threading.Lock()


class LetterFontMissing(RuntimeError):
    """Neither the built letter font nor a source to build it from is installed."""


def font_paths() -> dict[int, Path]:
    """weight -> the letter font file, building it first if setup has not."""
    if not all(face.path.is_file() for face in FACES):
        with _build_lock:
            if not all(face.path.is_file() for face in FACES):
                build_fonts()
    return {face.weight: face.path for face in FACES}


def build_fonts(*, force: bool = False) -> list[Path]:
    """Cut the letter fonts from the first installed source; returns the files written."""
    written = []
    FONT_DIR.mkdir(parents=True, exist_ok=True)
    for face in FACES:
        if face.path.is_file() and not force:
            continue
        source = next((p for p in face.sources if p.is_file()), None)
        if source is None:
            raise LetterFontMissing(
                "No source for the letter font: install Pretendard GOV (npm ci) or the "
                "Debian package fonts-nanum, then run `flask letters fonts`.")
        _cut(source, face)
        written.append(face.path)
    licence = next((p for p in _LICENCES if p.is_file()), None)
    if licence is not None:
        shutil.copyfile(licence, FONT_DIR / "LICENSE-fonts.txt")
    return written


def _cut(source: Path, face: Face) -> None:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.hinting = False  # the PDF is printed or zoomed, never shown at screen sizes
    options.layout_features = []  # Hangul syllables are precomposed: nothing to shape
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "JSTF", "vhea", "vmtx", "VORG",
                            "DSIG", "kern", "gasp", "FFTM", "TSI0", "TSI1", "TSI2", "TSI3",
                            "TSI5"]
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]
    options.notdef_outline = True
    options.glyph_names = False
    font = TTFont(source)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[c for lo, hi in UNICODE_RANGES for c in range(lo, hi + 1)])
    subsetter.subset(font)
    _reorder(font)
    _rename(font, face)
    # Atomic: a render in another process never sees half a font.
    fd, tmp = tempfile.mkstemp(dir=FONT_DIR, suffix=".tmp")
    os.close(fd)
    try:
        font.save(tmp)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the web server reads it
        os.replace(tmp, face.path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


# Glyph ids in the order a letter needs them. WeasyPrint keeps glyph ids when it
# subsets, so an embedded font holds tables as long as the highest id a letter uses:
# with the 2,350 common syllables (KS X 1001) near the front, that is about 2,800
# glyphs for most letters instead of 12,000, and the rare syllables still work.
_COMMON_SYMBOLS = ((0x2000, 0x206F), (0x2100, 0x21FF), (0x2460, 0x24FF), (0x25A0, 0x25FF),
                   (0x3000, 0x303F), (0x3131, 0x318E), (0xFF01, 0xFFEF))


def _rank(code: int) -> int:
    if code <= 0xFF:
        return 0
    if any(lo <= code <= hi for lo, hi in _COMMON_SYMBOLS):
        return 1
    if code in HANGUL_SYLLABLES:
        try:
            chr(code).encode("euc_kr")  # the 2,350 syllables of KS X 1001
        except UnicodeEncodeError:
            return 4
        return 2
    return 3


def _reorder(font: object) -> None:
    order = font.getGlyphOrder()  # type: ignore[attr-defined]
    glyf = font["glyf"]  # type: ignore[index]
    for name in order:
        glyf[name]  # expand: composites then refer to components by name, not id
    first_code: dict[str, int] = {}
    for code, name in sorted(font.getBestCmap().items()):  # type: ignore[attr-defined]
        first_code.setdefault(name, code)
    position = {name: i for i, name in enumerate(order)}
    rest = sorted(order[1:], key=lambda n: (
        _rank(first_code[n]) if n in first_code else 5, first_code.get(n, 0), position[n]))
    new_order = [order[0], *rest]  # .notdef stays glyph 0
    font.setGlyphOrder(new_order)  # type: ignore[attr-defined]
    glyf.glyphOrder = new_order


def _rename(font: object, face: Face) -> None:
    style = "Bold" if face.weight >= 700 else "Regular"
    ps_name = f"ReliefLetter-{style}"
    names = font["name"]  # type: ignore[index]
    for record_id, value in ((1, FAMILY), (2, style), (3, f"{ps_name};relief"),
                             (4, f"{FAMILY} {style}"), (6, ps_name)):
        names.setName(value, record_id, 3, 1, 0x409)
    for record in list(names.names):
        if record.nameID in (16, 17, 21, 22):
            names.removeNames(nameID=record.nameID)
    os2 = font["OS/2"]  # type: ignore[index]
    os2.usWeightClass = face.weight


def missing_syllables(path: Path) -> list[str]:
    """Hangul syllables the font at ``path`` has no outline for (empty when complete)."""
    from fontTools.ttLib import TTFont

    missing = []
    with TTFont(path, lazy=True) as font:
        cmap = font.getBestCmap()
        glyf = font["glyf"]
        for code in HANGUL_SYLLABLES:
            name = cmap.get(code)
            glyph = glyf[name] if name else None
            if glyph is None or glyph.numberOfContours == 0:
                missing.append(chr(code))
    return missing


if __name__ == "__main__":
    import sys

    for path in build_fonts(force="--force" in sys.argv[1:]):
        print(path)
