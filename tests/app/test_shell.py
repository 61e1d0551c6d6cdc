"""The page shell: KRDS served locally, every CSS url() resolves, both languages."""

from __future__ import annotations

import re
from urllib.parse import urljoin

from relief.core.assets import css_urls

STYLESHEET = re.compile(r'<link rel="stylesheet" href="([^"]+)"')


def _fetch(client, url: str) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    response = client.get(url)
    try:
        text = response.get_data(as_text=True) if response.mimetype == "text/css" else ""
        return response.status_code, text
    finally:
        response.close()  # static files are streamed from an open file


def _stylesheets(client, url: str, seen: set[str]) -> list[str]:  # type: ignore[no-untyped-def]
    """Every stylesheet the page links, following @import."""
    found = []
    queue = STYLESHEET.findall(client.get("/").get_data(as_text=True))
    while queue:
        href = queue.pop()
        if href in seen:
            continue
        seen.add(href)
        found.append(href)
        css = _fetch(client, href)[1]
        queue += [urljoin(href, i) for i in re.findall(r'@import\s+"([^"]+)"', css)]
    return found


def test_every_url_in_the_served_css_resolves_locally(client):
    sheets = _stylesheets(client, "/", set())
    assert any("krds" in s for s in sheets) and any("pretendard" in s for s in sheets)
    checked = 0
    for sheet in sheets:
        status, css = _fetch(client, sheet)
        assert status == 200, sheet
        # The font's licence notice names its home pages in a comment; nothing is loaded.
        code = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
        assert "http://" not in code and "https://" not in code
        for url in set(css_urls(css)):
            target = urljoin(sheet, url)
            assert _fetch(client, target)[0] == 200, f"{sheet}: {url} -> {target}"
            checked += 1
    assert checked > 50


def test_pages_load_no_remote_script_or_style(client):
    page = client.get("/").get_data(as_text=True)
    assert not re.search(r'(src|href)="https?://', page)


def test_shell_is_korean_by_default_and_english_on_request(client):
    korean = client.get("/").get_data(as_text=True)
    assert '<html lang="ko">' in korean and "소비자 피해구제" in korean
    client.get("/language/en?next=/")
    english = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in english and "Consumer damage relief" in english


def test_language_switch_refuses_foreign_redirects(client):
    response = client.get("/language/en?next=//evil.example/")
    assert response.headers["Location"] == "/"
