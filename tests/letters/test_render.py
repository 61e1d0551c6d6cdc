"""The PDF itself: what it says, that its font is embedded and real, that it is safe."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path
from urllib.request import OpenerDirector

import pytest
from fontTools.ttLib import TTFont
from PIL import Image
from pypdf import PdfReader

from relief.letters.content import korean_amount
from relief.letters.fonts import FACES, HANGUL_SYLLABLES, STATIC_DIR, missing_syllables
from relief.letters.render import (
    StaticFilesOnly,
    URLRefused,
    letter_css,
    render_html,
    render_pdf,
    renderer,
)
from tests.letters.letter_samples import RARE_NAME, sample_content

ALL_SYLLABLES = "".join(chr(c) for c in HANGUL_SYLLABLES)


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def embedded_fonts(pdf: bytes) -> list[dict]:  # type: ignore[type-arg]
    """Every Type0 font of the PDF with its descriptor, file and Unicode map."""
    fonts = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            program = next((descriptor[k].get_object() for k in
                            ("/FontFile2", "/FontFile3", "/FontFile") if k in descriptor), None)
            cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
            to_unicode = {}
            for gid, hexes in re.findall(r"<([0-9a-f]{4})> <([0-9a-f]+)>", cmap):
                to_unicode[int(gid, 16)] = bytes.fromhex(hexes).decode("utf-16-be")
            fonts[str(font["/BaseFont"])] = {
                "name": str(font["/BaseFont"]), "subtype": str(font["/Subtype"]),
                "file_key": next(k for k in ("/FontFile2", "/FontFile3", "/FontFile")
                                 if k in descriptor),
                "program": program.get_data() if program is not None else None,
                "to_unicode": to_unicode}
    return list(fonts.values())


def test_letter_text_holds_case_number_body_outcome_and_amounts():
    text = pdf_text(render_pdf(sample_content()))
    assert "R2026-0000123" in text
    assert "R2026-0000123-1" in text  # the document number: case number + sequence
    assert "한국소비자원" in text
    assert "결과: 환급" in text
    assert "금 270,000원" in text and "이십칠만" in text  # the amount, also in words
    assert "금 600,000원" in text  # what the consumer paid
    assert "2026. 4. 13." in text  # by when the business must act
    assert "공정거래위원회 고시 제2025-14호" in text and "체육시설업" in text
    assert "소비자기본법" in text
    assert "소비자분쟁조정위원회" in text and "법률구조공단" in text and "법원" in text
    assert "7K3M9-QXP2D" in text and "https://relief.example.kr/verify/7K3M9QXP2D" in text
    assert "끝." in text


def test_fonts_are_embedded_as_subsets_of_the_letter_font():
    fonts = embedded_fonts(render_pdf(sample_content()))
    assert fonts
    for font in fonts:
        assert font["subtype"] == "/Type0"
        assert font["file_key"] == "/FontFile2" and font["program"]
        assert re.fullmatch(r"/[A-Z]{6}\+relief-Letter(-Bold)?", font["name"])  # subset tag
        embedded = TTFont(io.BytesIO(font["program"]))
        # A subset: the used glyphs have outlines, far fewer than the font's 11,172 syllables.
        outlines = sum(1 for name in embedded.getGlyphOrder()
                       if embedded["glyf"][name].numberOfContours != 0)
        assert outlines < 1000


def test_letter_is_one_small_page():
    pdf = render_pdf(sample_content())
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    assert len(pdf) < 80_000


def test_complaint_html_and_script_render_as_text():
    hostile = ('<script>alert("x")</script><b>굵게</b><img src="http://example.com/x.png">'
               '<style>body{display:none}</style>&amp; </p><h1>가짜 제목</h1>')
    content = sample_content(summary=hostile, addressee='<i>홍길동</i>')
    html = render_html(content)
    assert "<script>" not in html and "<img src=\"http" not in html and "<i>홍" not in html
    text = pdf_text(render_pdf(content))
    assert '<script>alert("x")</script>' in text
    assert '<img src="http://example.com/x.png">' in text
    assert "&amp; </p><h1>가짜 제목</h1>" in text
    assert "<i>홍길동</i> 귀하" in text


def test_fetcher_allows_only_relief_static_files(tmp_path):
    fetcher = StaticFilesOnly()
    font = FACES[0].path
    assert fetcher.allowed_path(font.as_uri()) == font.resolve()
    for url in ("http://example.com/x.png", "https://example.com/font.ttf",
                "file:///etc/passwd", (STATIC_DIR / ".." / ".." / "pyproject.toml").as_uri(),
                "ftp://example.com/x", "data:image/png;base64,AAAA", "letters/x.png",
                "file://evil.example.com" + str(font), font.as_uri() + "?x=1"):
        assert fetcher.allowed_path(url) is None, url
        with pytest.raises(URLRefused):
            fetcher.fetch(url)
    # A symlink inside the root pointing outside it is refused too.
    root = tmp_path / "static"
    root.mkdir()
    (root / "ok.css").write_text("p {}")
    (root / "link.css").symlink_to("/etc/passwd")
    scoped = StaticFilesOnly(root)
    assert scoped.allowed_path((root / "ok.css").as_uri()) is not None
    assert scoped.allowed_path((root / "link.css").as_uri()) is None


def test_rendering_never_fetches_remote_or_private_urls(monkeypatch):
    def no_network(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("WeasyPrint tried to open a URL")

    monkeypatch.setattr(OpenerDirector, "open", no_network)
    refused = []
    original = StaticFilesOnly.fetch

    def recording(self, url, headers=None):  # type: ignore[no-untyped-def]
        try:
            return original(self, url, headers)
        except URLRefused:
            refused.append(url)
            raise

    monkeypatch.setattr(StaticFilesOnly, "fetch", recording)
    html = render_html(sample_content(), embed_css=False).replace(
        "<body>", '<body><img src="http://example.com/x.png"><img src="file:///etc/passwd">'
                  '<div style="background: url(https://example.com/bg.png)">x</div>')
    pdf = renderer().render(html)
    assert set(refused) >= {"http://example.com/x.png", "file:///etc/passwd",
                            "https://example.com/bg.png"}
    reader = PdfReader(io.BytesIO(pdf))
    assert "/XObject" not in reader.pages[0]["/Resources"] or \
        not reader.pages[0]["/Resources"]["/XObject"]


def test_letter_font_has_an_outline_for_every_hangul_syllable():
    for face in FACES:
        assert missing_syllables(face.path) == []


def test_rare_syllables_render_with_real_glyphs_from_the_letter_font():
    name = RARE_NAME + "쌰뽁쀍뷁햏햏똠방각하"
    pdf = render_pdf(sample_content(addressee=name, summary=f"{name}의 민원입니다."))
    text = pdf_text(pdf)
    assert f"{name} 귀하" in text
    fonts = embedded_fonts(pdf)
    assert all("relief-Letter" in f["name"] for f in fonts)  # no fallback font was needed
    for font in fonts:
        embedded = TTFont(io.BytesIO(font["program"]))
        order = embedded.getGlyphOrder()
        for gid, char in font["to_unicode"].items():
            if char.strip():
                assert embedded["glyf"][order[gid]].numberOfContours != 0, char


@pytest.mark.slow
def test_every_hangul_syllable_renders_with_its_own_real_glyph():
    """All 11,172 in one letter: each maps to a distinct, non-empty glyph of our font."""
    content = sample_content(summary=ALL_SYLLABLES)
    pdf = render_pdf(content)
    regular = next(f for f in embedded_fonts(pdf) if not f["name"].endswith("-Bold"))
    chars = {char: gid for gid, char in regular["to_unicode"].items()}
    assert set(ALL_SYLLABLES) <= set(chars)
    assert len({chars[c] for c in ALL_SYLLABLES}) == len(HANGUL_SYLLABLES)
    embedded = TTFont(io.BytesIO(regular["program"]))
    glyf, order = embedded["glyf"], embedded.getGlyphOrder()
    empty = [c for c in ALL_SYLLABLES if glyf[order[chars[c]]].numberOfContours == 0]
    assert empty == []
    assert ALL_SYLLABLES[:200] in pdf_text(pdf).replace("\n", "")


def test_symbols_the_templates_use_are_in_the_letter_font():
    with TTFont(FACES[0].path, lazy=True) as letter_font:
        font = letter_font.getBestCmap()
    templates = Path(__file__).resolve().parents[2] / "templates" / "letters"
    used = set()
    for name in ("letter_ko.html", "letter_en.html", "_letter.css"):
        used |= set(re.sub(r"{[{%#].*?[}%#]}", "", (templates / name).read_text()))
    used |= set(pdf_text(render_pdf(sample_content())))
    used |= set("·「」→—…①②③ⅡⅢ×－%₩")
    missing = sorted(c for c in used if not c.isspace() and ord(c) not in font)
    assert missing == []


def test_english_letter_for_a_case_filed_in_english():
    text = pdf_text(render_pdf(sample_content(lang="en", addressee="Jane Doe")))
    assert "Korea Consumer Agency" in text
    assert "Notice of the outcome of your complaint" in text
    assert "To Jane Doe" in text
    assert "Result: Refund" in text and "KRW 270,000" in text
    assert "13 April 2026" in text
    assert "귀하" not in text


def test_fast_renderer_and_plain_weasyprint_print_the_same_letter():
    import weasyprint

    content = sample_content(addressee=RARE_NAME)
    fast = render_pdf(content)
    plain = weasyprint.HTML(string=render_html(content)).write_pdf()
    assert pdf_text(fast) == pdf_text(plain)
    assert len(fast) < 1.2 * len(plain)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_page_renders_to_an_image_with_ink_where_the_rare_name_is(tmp_path):
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(render_pdf(sample_content(addressee=RARE_NAME * 3)))
    subprocess.run(["pdftoppm", "-png", "-r", "80", str(pdf), str(tmp_path / "page")],
                   check=True, timeout=60)
    image = Image.open(tmp_path / "page-1.png").convert("L")
    width, height = image.size
    assert (width, height) == (662, 936)  # A4 at 80 dpi
    # The 수신 line sits below the letterhead; its name must leave dark pixels.
    band = image.crop((int(width * 0.12), int(height * 0.09), int(width * 0.6),
                       int(height * 0.14)))
    assert band.getextrema()[0] < 100


def test_stylesheet_is_the_same_for_every_letter():
    assert "{{" not in letter_css() and "@font-face" in letter_css()


def test_amounts_in_korean_words():
    assert korean_amount(270_000) == "이십칠만"
    assert korean_amount(1_250_000) == "백이십오만"
    assert korean_amount(30_000_000) == "삼천만"
    assert korean_amount(100_000_001) == "일억일"
    assert korean_amount(10_000) == "일만"
    assert korean_amount(0) == "영"


def test_the_fast_subsetter_makes_the_embedded_fonts(monkeypatch):
    from relief.letters.subset import GlyphStore

    calls = []
    original = GlyphStore.subset

    def counting(self, gids, to_unicode=None):  # type: ignore[no-untyped-def]
        calls.append(len(list(gids)))
        return original(self, gids, to_unicode)

    monkeypatch.setattr(GlyphStore, "subset", counting)
    assert renderer().fast_subsetting  # the hook is installed on this WeasyPrint
    render_pdf(sample_content())
    assert len(calls) == 2  # regular and bold, both through the glyph store


def test_emoji_are_dropped_and_hanja_fall_back_to_a_real_font():
    pdf = render_pdf(sample_content(addressee="洪吉童", summary="환불 안 해줘요 😡 ㅠㅠ👍🏻"))
    text = pdf_text(pdf)
    assert "洪吉童 귀하" in text and "환불 안 해줘요 ㅠㅠ" in text and "😡" not in text
    names = [f["name"] for f in embedded_fonts(pdf)]
    assert any("relief-Letter" in n for n in names) and len(names) == 3  # + a Hanja font


def test_a_character_no_font_can_print_stops_the_letter_not_the_preview():
    from relief.letters.render import UnprintableText

    content = sample_content(summary="상형문자 𓀀 가 들어간 요지")
    with pytest.raises(UnprintableText) as err:
        render_pdf(content)
    assert err.value.codes == "U+13000"
    assert render_pdf(content, strict=False)  # the officer's preview still shows the rest
