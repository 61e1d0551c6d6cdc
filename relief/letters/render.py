"""Letter HTML from the templates, and the fast PDF renderer.

Where the time of a plain ``weasyprint.HTML(string=letter).write_pdf()`` goes for a
one-page Korean letter (CPU, measured with bench/letters.py):

- set in Pretendard GOV from its variable font file: about 1.2 s, nearly all of it
  instantiating and subsetting the 13 MB variable font, per document and per weight;
  the static OTF cut: about 95 ms and a 110 KB PDF; the system's Noto Sans CJK KR
  (20 MB collections): about 140 ms and a 300 KB PDF;
- with our cut-down TrueType letter font (``fonts.py``) instead: about 68 ms; what is
  left besides layout is per-document set-up: a new ``FontConfiguration`` registers the
  fonts with fontconfig again, the stylesheet is parsed again, HarfBuzz subsets the
  whole 12,000-glyph font twice per face, and the whole font is copied out of HarfBuzz.

So the renderer keeps one ``FontConfiguration`` (fontconfig's scan, Pango's font map,
WeasyPrint's strut and feature caches) and one parsed stylesheet for the life of the
process, and subsets from glyphs split once (``subset.py``): about 36 ms, of which
WeasyPrint's own layout and drawing are about 30. Templates are autoescaped, and the
only URLs WeasyPrint may fetch are files under relief's own ``static/`` folder.
"""

from __future__ import annotations

import logging
import mimetypes
import threading
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

import jinja2
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from relief.core.config import PROJECT_ROOT
from relief.letters import content as letter_content
from relief.letters.content import LetterContent
from relief.letters.fonts import STATIC_DIR, font_paths
from relief.letters.subset import GlyphStore, fast_subsetting, install_weasyprint_hook
from relief.letters.verify import display_code

log = logging.getLogger(__name__)
# WeasyPrint logs each rendering step at INFO: a line per step per letter, no news.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
_WEASYPRINT_LOG = logging.getLogger("weasyprint")

TEMPLATES = PROJECT_ROOT / "templates"
# Sub-item marks of Korean official documents (가. 나. 다.) and their English letters.
MARKS = {"ko": "가나다라마바사아자차카타파하", "en": "abcdefghijklmn"}
# Pango's font map and fontconfig's caches live as long as the font configuration; a
# fresh one now and then bounds whatever unusual letters (fallback fonts for Hanja and
# symbols) leave in them over a worker's months. It costs one font registration.
RENEW_FONT_CONFIG_EVERY = 2_000


class URLRefused(ValueError):
    """A letter asked for something that is not one of relief's static files."""


class UnprintableText(ValueError):
    """No installed font has a glyph for these characters: the PDF would show .notdef."""

    def __init__(self, chars: list[str]) -> None:
        self.chars = chars
        self.codes = ", ".join(f"U+{ord(c):04X}" for c in chars)
        super().__init__(f"no glyph for {self.codes}")


class _NotdefWatch(logging.Filter):
    """Collects the characters WeasyPrint reports drawing as .notdef."""

    def __init__(self) -> None:
        super().__init__()
        self.chars: list[str] = []

    def filter(self, record: logging.LogRecord) -> bool:
        if str(record.msg).startswith(".notdef glyph") and record.args:
            self.chars.append(str(record.args[0]))  # type: ignore[index]
        return True


class StaticFilesOnly(URLFetcher):
    """Fetch ``file:`` URLs under ``root`` and nothing else (no network, no other files)."""

    def __init__(self, root: Path = STATIC_DIR) -> None:
        super().__init__(timeout=1, allowed_protocols=("file",), allow_redirects=False)
        self.root = root.resolve()

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        path = self.allowed_path(url)
        if path is None:
            log.warning("letter render refused to fetch a %s URL",
                        urlsplit(url).scheme or "relative")
            raise URLRefused("only relief's static files may be fetched")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": mime})

    def allowed_path(self, url: str) -> Path | None:
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost") or parts.query:
            return None
        # resolve() follows symlinks and "..", so neither can lead outside the root.
        path = Path(url2pathname(parts.path)).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            return None
        return path


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,  # every value is escaped: complaint text is data, never markup
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=True,  # a stat per letter: template edits show without a restart
    )
    env.filters.update(kdate=letter_content.kdate, won=letter_content.won,
                       korean_amount=letter_content.korean_amount, code_display=display_code,
                       notice_en=letter_content.notice_en)
    return env


def font_urls() -> dict[int, str]:
    return {weight: path.as_uri() for weight, path in font_paths().items()}


def letter_css(fonts: Mapping[int, str] | None = None) -> str:
    """The letters' stylesheet: the same for every letter, so it is parsed once."""
    return _environment().get_template("letters/_letter.css").render(
        font_urls=fonts or font_urls())


def render_html(content: LetterContent, *, embed_css: bool = True,
                fonts: Mapping[int, str] | None = None) -> str:
    """The letter as HTML: self-contained (the preview, any plain WeasyPrint), or without
    its stylesheet for ``LetterPdfRenderer``, which brings the stylesheet parsed."""
    template = _environment().get_template(f"letters/letter_{content.lang}.html")
    return template.render(c=content, marks=MARKS[content.lang], embed_css=embed_css,
                           font_urls=fonts or font_urls())


class LetterPdfRenderer:
    """HTML to PDF with the caches kept between letters. One per process; thread-safe."""

    def __init__(self, static_root: Path = STATIC_DIR) -> None:
        self.fast_subsetting = install_weasyprint_hook()
        self.fetcher = StaticFilesOnly(static_root)
        self.base_url = static_root.resolve().as_uri() + "/"
        self.stores = tuple(GlyphStore(path.read_bytes()) for path in font_paths().values())
        self._lock = threading.Lock()
        self._image_cache: dict[str, Any] = {}
        self.rendered = 0
        self._fresh_fonts()

    def _fresh_fonts(self) -> None:
        self._font_config = FontConfiguration()
        # @font-face rules register with the font configuration when the sheet is parsed.
        self._stylesheet = CSS(string=letter_css(), base_url=self.base_url,
                               url_fetcher=self.fetcher, font_config=self._font_config)

    def render(self, html: str, *, strict: bool = False) -> bytes:
        """A PDF of ``html`` as made by ``render_html(..., embed_css=False)``.

        ``strict``: raise ``UnprintableText`` rather than return a PDF in which some
        character has no real glyph (the issued letter; a preview shows the gap).
        """
        watch = _NotdefWatch()
        with self._lock:
            if self.rendered and self.rendered % RENEW_FONT_CONFIG_EVERY == 0:
                self._fresh_fonts()
            self.rendered += 1
            document = HTML(string=html, base_url=self.base_url, url_fetcher=self.fetcher)
            _WEASYPRINT_LOG.addFilter(watch)
            try:
                with fast_subsetting(self.stores):
                    pdf = document.write_pdf(stylesheets=[self._stylesheet],
                                             font_config=self._font_config,
                                             cache=self._image_cache)
            finally:
                _WEASYPRINT_LOG.removeFilter(watch)
        if strict and watch.chars:
            raise UnprintableText(sorted(set(watch.chars)))
        return pdf


_renderer: LetterPdfRenderer | None = None
_renderer_lock = threading.Lock()


def renderer() -> LetterPdfRenderer:
    """The process's renderer, created on first use (the font store loads once)."""
    global _renderer
    if _renderer is None:
        with _renderer_lock:
            if _renderer is None:
                _renderer = LetterPdfRenderer()
    return _renderer


def render_pdf(content: LetterContent, *, strict: bool = True) -> bytes:
    """The letter's PDF; raises ``UnprintableText`` if a character would have no glyph."""
    return renderer().render(render_html(content, embed_css=False), strict=strict)
