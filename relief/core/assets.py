"""Copy the front-end packages from ``node_modules`` into ``relief/static/vendor``.

Everything the pages load is served by relief itself: no CDN. Two fixes to
krds-uiux 1.1.0 happen here: its component CSS points icons at ``../../img/img/...``
(a path the package does not have), and its CDN bundle fetches icons from a remote
host, so we never serve the bundle. Pretendard GOV, the font KRDS expects, is served
in the weights KRDS uses, as unicode-range slices so a phone downloads only what a
page needs.

Run: ``python -m relief.core.assets`` (setup does).
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

from relief.core.config import PROJECT_ROOT

NODE = PROJECT_ROOT / "node_modules"
VENDOR = Path(__file__).resolve().parents[1] / "static" / "vendor"
FONT_WEIGHTS = {"Regular": 400, "Medium": 500, "Bold": 700}

_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


def css_urls(css: str) -> list[str]:
    """Every ``url(...)`` target of a stylesheet except inline data."""
    return [u for u in _URL.findall(css) if not u.startswith("data:")]


def build(node_modules: Path = NODE, vendor: Path = VENDOR) -> list[Path]:
    if not node_modules.exists():
        raise SystemExit("node_modules is missing: run `npm ci` first (make setup does).")
    if vendor.exists():
        shutil.rmtree(vendor)
    written: list[Path] = []
    written += _krds(node_modules / "krds-uiux" / "resources", vendor / "krds")
    written += _pretendard(node_modules / "pretendard-gov" / "dist" / "web" / "static",
                           vendor / "pretendard")
    chart = vendor / "chartjs" / "chart.umd.min.js"
    chart.parent.mkdir(parents=True)
    shutil.copy2(node_modules / "chart.js" / "dist" / "chart.umd.min.js", chart)
    written.append(chart)
    return written


def _krds(src: Path, dst: Path) -> list[Path]:
    written = []
    for rel in ("css/token/krds_tokens.css", "css/common/common.css",
                "css/component/component.css"):
        css = (src / rel).read_text(encoding="utf-8")
        css = css.replace("../../img/img/", "../../img/")
        # Source maps point at scss files we do not ship.
        css = re.sub(r"/\*# sourceMappingURL=.*?\*/", "", css)
        out = dst / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(css, encoding="utf-8")
        written.append(out)
    shutil.copytree(src / "img" / "component", dst / "img" / "component")
    js = dst / "js" / "ui-script.js"
    js.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src / "js" / "component" / "ui-script.js", js)
    written.append(js)
    return written


def _pretendard(src: Path, dst: Path) -> list[Path]:
    css = (src / "pretendard-gov-dynamic-subset.css").read_text(encoding="utf-8")
    header = css.split("/* [0] */", 1)[0]  # the licence notice stays with the font
    faces = re.findall(r"@font-face\s*{[^}]*}", css)
    kept = []
    for face in faces:
        weight = re.search(r"font-weight:\s*(\d+)", face)
        if not weight or int(weight.group(1)) not in FONT_WEIGHTS.values():
            continue
        # woff2 is supported by every browser we target; drop the woff fallback.
        face = re.sub(r",\s*url\([^)]*\.woff\)\s*format\('woff'\)", "", face)
        kept.append(face)
    (dst / "woff2-dynamic-subset").mkdir(parents=True)
    written = []
    for face in kept:
        for url in css_urls(face):
            target = dst / url
            shutil.copy2(src / url, target)
            written.append(target)
    out = dst / "pretendard-gov.css"
    out.write_text(header + "\n".join(kept) + "\n", encoding="utf-8")
    licence = src.parents[1] / "LICENSE.txt"
    if licence.exists():
        shutil.copy2(licence, dst / "LICENSE.txt")
    written.append(out)
    return written


if __name__ == "__main__":
    files = build()
    size = sum(p.stat().st_size for p in files) / 1e6
    print(f"assets: {len(files)} files, {size:.1f} MB in {VENDOR}", file=sys.stderr)
