"""The glyph-store subsetter builds valid fonts that hold exactly the glyphs asked for."""

from __future__ import annotations

import io
from functools import lru_cache

import pytest
from fontTools.ttLib import TTFont
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relief.letters.fonts import FACES
from relief.letters.subset import FontFormatError, GlyphStore, _checksum


@lru_cache(maxsize=2)
def store(index: int = 0) -> GlyphStore:
    return GlyphStore(FACES[index].path.read_bytes())


@lru_cache(maxsize=2)
def original(index: int = 0) -> TTFont:
    return TTFont(io.BytesIO(FACES[index].path.read_bytes()))


def outline(font: TTFont, gid: int) -> tuple[int, list[tuple[int, int]]]:
    glyf = font["glyf"]
    glyph = glyf[font.getGlyphOrder()[gid]]
    if glyph.numberOfContours == 0:
        return 0, []
    coordinates, _ends, _flags = glyph.getCoordinates(glyf)
    return glyph.numberOfContours, [tuple(c) for c in coordinates]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(min_value=0, max_value=12_000), min_size=1, max_size=300),
       st.sampled_from([0, 1]))
def test_subset_keeps_glyph_ids_and_outlines_of_exactly_the_glyphs_asked_for(gids, face):
    source, font_store = original(face), store(face)
    gids = [g for g in gids if g < font_store.num_glyphs]
    order = source.getGlyphOrder()
    by_name = {name: code for code, name in source.getBestCmap().items()}
    to_unicode = {g: chr(by_name[order[g]]) for g in gids if order[g] in by_name}
    data = font_store.subset(gids, to_unicode)
    assert _checksum(data) == 0xB1B0AFBA  # head.checkSumAdjustment is right
    subset = TTFont(io.BytesIO(data), checkChecksums=2)
    keep = font_store.closure(gids)
    assert subset["maxp"].numGlyphs == max(keep) + 1
    for gid in range(max(keep) + 1):
        if gid in keep:
            assert outline(subset, gid) == outline(source, gid)
            assert subset["hmtx"][subset.getGlyphOrder()[gid]] == source["hmtx"][order[gid]]
        else:
            assert outline(subset, gid) == (0, [])
    cmap = subset.getBestCmap()
    for gid, char in to_unicode.items():
        assert subset.getGlyphID(cmap[ord(char)]) == gid


def test_composite_glyphs_bring_their_components():
    font_store = store(0)
    composite = next(g for g, glyph in enumerate(font_store.glyphs) if glyph.components)
    keep = font_store.closure([composite])
    assert set(font_store.glyphs[composite].components) <= keep and 0 in keep
    subset = TTFont(io.BytesIO(font_store.subset([composite])))
    assert outline(subset, composite) == outline(original(0), composite)


def test_a_huge_glyph_set_uses_long_offsets_and_format_12_cmap():
    font_store = store(0)
    source = original(0)
    order = source.getGlyphOrder()
    by_name = {name: code for code, name in source.getBestCmap().items()}
    gids = list(range(font_store.num_glyphs))
    to_unicode = {g: chr(by_name[order[g]]) for g in gids if order[g] in by_name}
    subset = TTFont(io.BytesIO(font_store.subset(gids, to_unicode)))
    assert subset["head"].indexToLocFormat == 1
    assert len(subset.getBestCmap()) == len(to_unicode)


def test_only_truetype_outlines_are_accepted():
    with pytest.raises(FontFormatError):
        GlyphStore(b"OTTO" + bytes(200))
