"""Letter rendering speed: 200 letters through relief's renderer, against plain WeasyPrint.

Target: p50 <= 50 ms per one-page Korean letter, at least 10x faster than the baseline,
memory flat over a batch of 1,000, with every glyph real and small PDFs.

The baseline, measured in the same run on the same letters (interleaved letter by
letter, so a busy machine slows both alike), is ``weasyprint.HTML(string=html)
.write_pdf()`` with default settings, where ``html`` is the letter as a plain
implementation writes it: the same template and content, in the same typeface
(Pretendard GOV, the KRDS font) loaded by ``@font-face`` from the file the package
ships (``PretendardGOVVariable.ttf``). That is the "about 0.8 s, nearly all of it in
font subsetting" of the issue: WeasyPrint instantiates and subsets the 13 MB variable
font for every document and weight.

Other plain baselines, on every fourth letter, so the figures can be read fairly:
the static OTF cut of Pretendard GOV, the system's Noto Sans CJK KR (fonts-noto-cjk),
and the exact self-contained HTML of our renderer (our cut-down font), which shows
what the caches and the subsetter add on top of the smaller font.

    .venv/bin/python bench/letters.py [--letters 200] [--batch 1000] [--seed 7]

Needs no database. Prints as it goes; the last line is JSON.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import random
import re
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ROOT = Path(__file__).resolve().parents[1]
PRETENDARD = ROOT / "node_modules" / "pretendard-gov" / "dist" / "public"
VARIABLE_FONT = PRETENDARD / "variable" / "PretendardGOVVariable.ttf"
STATIC_FONTS = {400: PRETENDARD / "static" / "PretendardGOV-Regular.otf",
                700: PRETENDARD / "static" / "PretendardGOV-Bold.otf"}
SYSTEM_FONT = "Noto Sans CJK KR"
SIDE_EVERY = 4  # the other baselines run on every fourth letter
SURNAMES = "김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남심노하곽성차주우구민진지엄"
GIVEN = "민서지현수영준우예진하은도윤시연주원재호태희성혜승유경미정다나아소채율건동석철광훈상"
# Real names with syllables outside the 2,350 common ones (KS X 1001): 1 letter in 10.
RARE_GIVEN = ["똠", "뙇", "쀍", "햏", "믜", "븨", "쌰", "꺅", "뷁", "됬", "땽", "쏼"]
OUTCOMES = ["refunded", "refunded", "refunded", "compensated", "settlement_recommended",
            "exchanged", "repaired", "not_settled"]


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def complaints() -> list[dict[str, Any]]:
    from agencies import load_registry

    registry = load_registry()
    found = []
    for path in sorted((ROOT / "fixtures" / "complaints").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            agency = item.get("agency")
            if agency in registry and registry.get(agency).is_case_body \
                    and len(item["text"]) >= 80:
                found.append(item)
    return found


def make_letters(n: int, seed: int) -> list[Any]:
    """Letters as officers issue them: real complaint texts, their bodies, varied outcomes,
    names, amounts and standard references."""
    from agencies import load_registry
    from relief.letters.content import (
        Draft,
        build_content,
        default_action,
        default_due,
        default_summary,
    )
    from relief.letters.verify import new_code

    registry = load_registry()
    rnd = random.Random(seed)
    pool = complaints()
    korean = [item for item in pool if item.get("lang", "ko") == "ko"]
    english = [item for item in pool if item.get("lang") == "en"]
    standard = {
        "notice": "공정거래위원회 고시 제2025-14호", "in_force": "2025-12-18",
        "industry_ko": "학원·교습·레저 서비스 관련",
        "item_ko": "체육시설업, 레저용역업, 할인회원권업",
        "condition": "소비자의 책임있는 사유로 인한 계약해제",
        "remedies": ["이용개시일 이후: 반환금액 환급; 반환금액=[이용료-(이용료×경과일)] - 위약금"]}
    letters = []
    for i in range(n):
        # Most complaints are filed in Korean; one in ten in English.
        item = rnd.choice(english if english and rnd.random() < 0.1 else korean)
        lang = item.get("lang", "ko")
        outcome = rnd.choice(OUTCOMES)
        amount = rnd.randrange(1, 400) * 5_000 if outcome in (
            "refunded", "compensated", "settlement_recommended") else None
        given = "".join(rnd.choice(GIVEN) for _ in range(2))
        if i % 10 == 3:
            given = rnd.choice(RARE_GIVEN) + given[1]
        name = rnd.choice(SURNAMES) + given
        filed = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=rnd.randrange(90),
                                                             hours=rnd.randrange(24))
        case = SimpleNamespace(
            lang=lang, agency_id=item["agency"], outcome=outcome,
            state="not_resolved" if outcome == "not_settled" else "resolved",
            outcome_amount_krw=amount, standard_ref=standard if rnd.random() < 0.3 else None,
            number=f"R2026-{10_000 + i:07d}", created_at=filed,
            product=rnd.choice([None, "헬스장 이용권", "무선 이어폰", "항공권", "정수기 렌탈"]),
            business_name=rnd.choice([None, "(주)오케이몰", "튼튼 피트니스", "하늘여행사"]),
            occurred_on=filed.date() - timedelta(days=rnd.randrange(1, 120)),
            amount_krw=(amount or 10_000) + rnd.randrange(0, 100) * 1_000,
            payment_method=rnd.choice(["card", "transfer", None]),
            channel=rnd.choice(["online", "shop", None]), text=item["text"])
        code = new_code()
        draft = Draft(summary=default_summary(item["text"], 320),
                      facts=rnd.choice(["", "사업자는 계약 사실과 대금 수령을 인정하였습니다.",
                                        "제출된 영수증과 대화 기록으로 결제 사실을 "
                                        "확인하였습니다."])
                      if lang == "ko" else "",
                      business_action=default_action(lang, outcome, amount),
                      action_due=default_due(outcome, date(2026, 4, 1)),
                      officer_title=rnd.choice(["", "피해구제1국 조사관", "분쟁조정팀 주무관"])
                      if lang == "ko" else "")
        letters.append(build_content(
            case, registry=registry, draft=draft, seq=1, verification_code=code,
            verification_url=f"https://relief.example.kr/verify/{code}",
            issued_on=date(2026, 4, 1), addressee=name,
            business_reply=rnd.choice([None, "약관에 따라 환불이 어렵다고 답변함."])
            if lang == "ko" else None,
            outcome_note=None))
    return letters


def with_font(html: str, faces: dict[int, Path] | None, family: str = "Pretendard GOV"
              ) -> str:
    """The same letter set in ``family``: from font files (``faces``) or installed."""
    html = re.sub(r"@font-face \{[^}]*\}", "", html)
    rules = "".join(f'@font-face {{ font-family: "{family}"; font-weight: {weight}; '
                    f'src: url("{path.as_uri()}"); }}' for weight, path in (faces or {}).items())
    return html.replace("<style>", "<style>" + rules, 1).replace('"relief Letter"',
                                                                  f'"{family}"')


class NotdefCounter(logging.Handler):
    """WeasyPrint logs a warning for every character no font has (drawn as .notdef)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if ".notdef" in record.getMessage():
            self.count += 1


def check_pdf(pdf: bytes, content: Any) -> tuple[list[str], int]:
    """(problems, pages): the document number, amount and body are in the text, and only
    subsets of our letter font are embedded (no fallback to another font)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    text = "".join(page.extract_text() for page in reader.pages).replace("\n", "")
    problems = []
    for needle in (content.document_number, content.body_name.split(" ")[0],
                   content.addressee):
        if needle not in text:
            problems.append(f"{content.document_number}: {needle!r} not in the text")
    if content.amount_krw and f"{content.amount_krw:,}" not in text:
        problems.append(f"{content.document_number}: amount not in the text")
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            name = str(ref.get_object()["/BaseFont"])
            descendant = ref.get_object()["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            if not re.fullmatch(r"/[A-Z]{6}\+relief-Letter(-Bold)?", name):
                problems.append(f"{content.document_number}: fallback font {name}")
            if "/FontFile2" not in descriptor:
                problems.append(f"{content.document_number}: font {name} not embedded")
    return problems, len(reader.pages)


def all_syllables_check() -> dict[str, Any]:
    """One letter holding all 11,172 Hangul syllables: each a distinct, non-empty glyph."""
    from dataclasses import replace

    from fontTools.ttLib import TTFont
    from pypdf import PdfReader

    from relief.letters.render import render_pdf

    syllables = "".join(chr(c) for c in range(0xAC00, 0xD7A4))
    content = replace(make_letters(1, 1)[0], summary=syllables, lang="ko")
    started = time.perf_counter()
    pdf = render_pdf(content)
    elapsed = time.perf_counter() - started
    reader = PdfReader(io.BytesIO(pdf))
    chars: dict[str, int] = {}
    empty = 0
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            if str(font["/BaseFont"]).endswith("-Bold"):
                continue
            cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
            mapping = {int(g, 16): bytes.fromhex(u).decode("utf-16-be")
                       for g, u in re.findall(r"<([0-9a-f]{4})> <([0-9a-f]+)>", cmap)}
            program = font["/DescendantFonts"][0].get_object()["/FontDescriptor"] \
                .get_object()["/FontFile2"].get_object().get_data()
            embedded = TTFont(io.BytesIO(program))
            order, glyf = embedded.getGlyphOrder(), embedded["glyf"]
            for gid, char in mapping.items():
                if char in syllables:
                    chars[char] = gid
                    if glyf[order[gid]].numberOfContours == 0:
                        empty += 1
    ok = len(chars) == len(syllables) and len(set(chars.values())) == len(syllables) \
        and empty == 0
    return {"ok": ok, "syllables_with_glyph": len(chars), "empty_glyphs": empty,
            "pages": len(reader.pages), "kb": round(len(pdf) / 1024, 1),
            "ms": round(elapsed * 1000)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--letters", type=int, default=200)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    import weasyprint

    from relief.letters.fonts import font_paths
    from relief.letters.render import render_html, render_pdf

    font_paths()  # built by setup; built here if not
    notdef = NotdefCounter()
    logging.getLogger("weasyprint").addHandler(notdef)
    letters = make_letters(args.letters, args.seed)
    print(f"{len(letters)} letters ({sum(c.lang == 'en' for c in letters)} in English, "
          f"{sum(any(r in c.addressee for r in RARE_GIVEN) for c in letters)} with rare "
          "syllables in the name)", flush=True)
    self_contained = [render_html(c) for c in letters]
    if not VARIABLE_FONT.is_file():
        raise SystemExit(f"{VARIABLE_FONT} is missing: run setup (npm ci) first.")
    plain_html = {
        "naive": [with_font(h, {400: VARIABLE_FONT, 700: VARIABLE_FONT})
                  for h in self_contained],
        "naive_static_otf": [with_font(h, STATIC_FONTS) for h in self_contained],
        "naive_system_font": [with_font(h, None, SYSTEM_FONT) for h in self_contained],
        "naive_same_font": self_contained,
    }

    started = time.perf_counter()
    first = render_pdf(letters[0])
    cold_ms = (time.perf_counter() - started) * 1000
    print(f"first letter, cold (font store, font configuration): {cold_ms:.0f} ms", flush=True)
    for i in range(2):  # warm every path once
        render_pdf(letters[i])
        for htmls in plain_html.values():
            weasyprint.HTML(string=htmls[i]).write_pdf()

    fast_ms: list[float] = []
    fast_cpu: list[float] = []
    plain_ms: dict[str, list[float]] = {name: [] for name in plain_html}
    plain_cpu: dict[str, list[float]] = {name: [] for name in plain_html}
    plain_kb: dict[str, list[float]] = {name: [] for name in plain_html}
    fast_kb: list[float] = []
    problems: list[str] = []
    pages: list[int] = []
    fast_total = 0.0
    for i, content in enumerate(letters):
        t, c = time.perf_counter(), time.process_time()
        pdf = render_pdf(content)
        fast_ms.append((time.perf_counter() - t) * 1000)
        fast_cpu.append((time.process_time() - c) * 1000)
        fast_total += fast_ms[-1]
        for name, htmls in plain_html.items():
            if name != "naive" and i % SIDE_EVERY:
                continue
            t, c = time.perf_counter(), time.process_time()
            plain = weasyprint.HTML(string=htmls[i]).write_pdf()
            plain_ms[name].append((time.perf_counter() - t) * 1000)
            plain_cpu[name].append((time.process_time() - c) * 1000)
            plain_kb[name].append(len(plain) / 1024)
        fast_kb.append(len(pdf) / 1024)
        found, n_pages = check_pdf(pdf, content)
        problems += found
        pages.append(n_pages)
        if (i + 1) % 20 == 0:
            print(f"  {i + 1:4d} letters: ours p50 {statistics.median(fast_ms):6.1f} ms, "
                  f"plain p50 {statistics.median(plain_ms['naive']):7.1f} ms", flush=True)
    print(f"ours:  p50 {statistics.median(fast_ms):.1f} ms, p95 {pct(fast_ms, 95):.1f} ms, "
          f"{len(letters) / fast_total * 1000:.1f} letters/s, CPU p50 "
          f"{statistics.median(fast_cpu):.1f} ms, PDF p50 {statistics.median(fast_kb):.0f} KB "
          f"(max {max(fast_kb):.0f} KB)", flush=True)
    for name, times in plain_ms.items():
        print(f"{name}: p50 {statistics.median(times):.1f} ms, p95 {pct(times, 95):.1f} ms "
              f"over {len(times)} letters, CPU p50 {statistics.median(plain_cpu[name]):.1f} ms, "
              f"PDF p50 {statistics.median(plain_kb[name]):.0f} KB, "
              f"{statistics.median(times) / statistics.median(fast_ms):.1f}x ours", flush=True)
    print(f"pages per letter: {dict(sorted((p, pages.count(p)) for p in set(pages)))}; "
          f"problems: {len(problems)}", flush=True)
    for problem in problems[:10]:
        print("  " + problem, flush=True)

    syllables = all_syllables_check()
    print(f"all 11,172 syllables in one letter: {syllables}", flush=True)

    # Memory: a batch of letters through the one renderer of a long-lived worker.
    rss_start = rss_mb()
    samples = []
    for i in range(args.batch):
        render_pdf(letters[i % len(letters)])
        if (i + 1) % 100 == 0:
            samples.append(round(rss_mb(), 1))
            print(f"  batch {i + 1:5d}: RSS {samples[-1]:.1f} MB", flush=True)
    # Growth after the first hundred (caches warm) to the end of the batch.
    rss_growth = samples[-1] - samples[0] if samples else 0.0
    print(f"RSS over {args.batch} letters: {rss_start:.1f} MB at the start, "
          f"{samples[0]:.1f} after 100, {samples[-1]:.1f} at the end", flush=True)

    p50 = statistics.median(fast_ms)
    naive = plain_ms["naive"]
    figures: dict[str, Any] = {
        "letters": len(letters),
        "p50_ms": round(p50, 1),
        "p95_ms": round(pct(fast_ms, 95), 1),
        "letters_per_s": round(len(letters) / fast_total * 1000, 1),
        "cpu_p50_ms": round(statistics.median(fast_cpu), 1),
        "naive_p50_ms": round(statistics.median(naive), 1),
        "naive_p95_ms": round(pct(naive, 95), 1),
        "naive_letters_per_s": round(len(naive) / sum(naive) * 1000, 2),
        "naive_cpu_p50_ms": round(statistics.median(plain_cpu["naive"]), 1),
        "speedup": round(statistics.median(naive) / p50, 1),
        "cpu_speedup": round(statistics.median(plain_cpu["naive"])
                             / statistics.median(fast_cpu), 1),
    }
    for name in ("naive_static_otf", "naive_system_font", "naive_same_font"):
        figures[f"{name}_p50_ms"] = round(statistics.median(plain_ms[name]), 1)
        figures[f"speedup_vs_{name.removeprefix('naive_')}"] = round(
            statistics.median(plain_ms[name]) / p50, 1)
    figures.update({
        "cold_first_ms": round(cold_ms),
        "pdf_kb_p50": round(statistics.median(fast_kb), 1),
        "pdf_kb_max": round(max(fast_kb), 1),
        "naive_pdf_kb_p50": round(statistics.median(plain_kb["naive"]), 1),
        "system_font_pdf_kb_p50": round(statistics.median(plain_kb["naive_system_font"]), 1),
        "one_page_share": round(pages.count(1) / len(pages), 3),
        "notdef_glyphs": notdef.count,
        "check_problems": len(problems),
        "all_syllables_ok": syllables["ok"],
        "batch": args.batch,
        "rss_growth_mb": round(rss_growth, 1),
        "rss_end_mb": samples[-1] if samples else None,
        "baseline": "weasyprint.HTML(string=letter).write_pdf(), defaults, letter set in "
                    "Pretendard GOV via @font-face of PretendardGOVVariable.ttf",
        "target_p50_ms": 50,
        "target_speedup": 10,
        "first_pdf_bytes": len(first),
    })
    for key, value in figures.items():
        print(f"{key:>24}: {value}")
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
