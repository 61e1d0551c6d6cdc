"""Clean the parsed notice into ``fixtures/standards/dispute-standards-2025-14.json``.

Usage: ``python -m relief.standards.clean SRC DST`` (same input, same bytes out).

The source holds the annex tables of notice 2025-14 as parsed by consumer-dispute-mcp.
Its known flaws, and what this script does about each (hand repairs are listed in
``fixtures/standards/CLEANING.md``):

- middle dots printed as ``?``: restored by rule (``text.repair_question_marks``);
- a dispute type (condition) with several cases ("- 품질보증기간 이내 ㆍ수리 불가능 시 …")
  whose remedies were run together in one string or split at "또는": the condition is
  cut into cases, the remedy text into phrases, and the two are paired when the counts
  agree; where they do not, a hand repair in ``repairs.py`` gives the pairing;
- one item split across pages (가구, 장기물품대여, 골프장): merged;
- the prepaid-funeral refund tables: dropped with a note (their numbers are lost).

Every condition, case and remedy written out is checked to occur in the source
(spacing and punctuation aside), so a repair can re-arrange the notice's words but
cannot invent any.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from relief.standards.catalogue import DROPPED_LABELS, INDUSTRY_EN, ITEMS, ItemIdentity
from relief.standards.model import IN_FORCE, NOTICE_NUMBER, NOTICE_TITLE
from relief.standards.rates import formula_params
from relief.standards.repairs import CASE_REPAIRS, FORMULAS, NO_DEPRECIATION, CaseRepair
from relief.standards.text import (
    compact,
    repair_question_marks,
    squash_spaces,
    unify_middle_dots,
)

AUTHORITATIVE_KO = (
    "이 안내는 공정거래위원회 고시 「소비자분쟁해결기준」(제2025-14호, 2025. 12. 18. 시행)을 "
    "정리한 것으로, 효력이 있는 것은 고시 원문입니다."
)
AUTHORITATIVE_EN = (
    "This summarises the Fair Trade Commission's Consumer Dispute Resolution Standards "
    "(notice No. 2025-14, in force 18 December 2025); only the notice itself is authoritative."
)

_BOX = re.compile(r"[┌┐└┘─│┃├┨┼]+")
# A dot glued to the word before it and followed by a line-wrap space is a middle dot
# ("여행지역ㆍ 국가"); a bullet always has a space before it.
_WRAPPED_DOT = re.compile(r"(?<=[가-힣)])[ㆍ·]\s+(?=[가-힣(])")
# The one place where the wrap put the space before the dot instead.
_WRAPPED_BEFORE = {"시설폐쇄 ㆍ시설운영중단": "시설폐쇄·시설운영중단"}
# "수리 불가능 시1)", "환급2)": references to the notice's footnotes, which the parse lost.
_FOOTNOTE = re.compile(r"(?<=[가-힣])[12]\)(?=\s|$)")
_HEADERS = re.compile(r"^(?:분 쟁 유 형|해 결 기 준)\s*")
_NUMBERED = re.compile(r"^\s*(\d+)[).]\s*")
_LEAD_MARK = re.compile(r"^\s*[①-⑳?]\s*|^\s*\(\d+\)\s*")
# Case markers inside a condition: "- " list, "ㆍ" sub-list, ①② groups, <…> headers.
_MARK = re.compile(r"(?:(?<=\s)|^)(-|ㆍ)\s*|([①-⑩])\s*|<([^>]+)>\s*")
# In annex Ⅲ every value starts with a bullet the parse printed as "? ".
_VALUE_BULLET = re.compile(r"(?:^|\s)\?\s+")

# A remedy phrase ends on one of these words; what follows starts the next case.
_TERMINALS = tuple(
    [
        "환급",
        "교환",
        "수리",
        "배상",
        "지급",
        "해제",
        "해지",
        "취소",
        "면제",
        "이행",
        "제공",
        "변경",
        "감경",
        "부담",
        "불가",
        "반환",
        "연장",
        "시공",
        "감액",
        "보상",
        "정산",
        "이전",
        "대체",
        "시정",
        "해소",
        "재장착",
        "조율",
        "교체",
        "검진",
        "함",
        "봄",
        "없음",
        "않음",
        "있음",
        "말함",
        "행사",
        "적용",
        "발행",
        "부여",
        "재맞춤",
        "공제",
        "미환급",
        "무상수리",
        "유상수리",
    ]
)
# Words that continue the phrase before them ("환급 및 …", "공제 후 환급", "→ ②교환").
_CONTINUES = ("및", "후", "또는", "불가", "시", "하고", "하거나", "→", "단", "단,", "다만", "다만,")


class CleaningError(ValueError):
    """The source no longer looks like notice 2025-14, or a hand repair went stale."""


@dataclass
class Report:
    counts: Counter[str] = field(default_factory=Counter)
    repairs: list[str] = field(default_factory=list)

    def fix(self, text: str) -> str:
        """Repair one source string; question marks are counted separately, once."""
        text, _ = repair_question_marks(text)
        text = _BOX.sub(" ", text)
        text, n = _WRAPPED_DOT.subn("·", text)
        self.counts["line_wrapped_middle_dots_joined"] += n
        for wrong, right in _WRAPPED_BEFORE.items():
            if wrong in text:
                text = text.replace(wrong, right)
                self.counts["line_wrapped_middle_dots_joined"] += 1
        text, n = _FOOTNOTE.subn("", text)
        self.counts["footnote_markers_removed"] += n
        return squash_spaces(unify_middle_dots(text))


def label_key(label: str) -> str:
    """The catalogue key of a source item label: no numbering, no spaces, dots unified."""
    label = re.sub(r"[①-⑳]", "", _LEAD_MARK.sub("", label.strip()))
    label, _ = repair_question_marks(label)
    return unify_middle_dots(label).replace(" ", "")


def count_question_marks(source: dict[str, Any]) -> Counter[str]:
    """What every ``?`` of the source stood for, by the same rules cleaning applies."""
    counts: Counter[str] = Counter()

    def tally(text: str, *, label: bool = False, values: bool = False) -> None:
        if label and text.lstrip().startswith("?"):
            counts["question_mark_as_lost_item_number"] += 1  # ⑯…⑳ outside the code page
            text = text.lstrip()[1:]
        if values:
            text, n = _VALUE_BULLET.subn(" ", text)
            counts["question_mark_as_bullet"] += n
        for spot, fixed in _WRAPPED_BEFORE.items():
            text = text.replace(spot, fixed)
        repaired, found = repair_question_marks(text)
        counts["question_mark_as_middle_dot"] += found["middle_dot"]
        counts["question_mark_as_bullet"] += found["bullet"]
        counts["question_mark_kept"] += repaired.count("?")

    for item in source["items"]:
        tally(item["industry"])
        tally(item["item"], label=True)
        for dispute in item["damage_types"]:
            tally(dispute["condition"])
            for remedy in dispute["remedy"]:
                tally(remedy)
    for row in source["target_products"]:
        tally(row["industry"])
        tally(row["category"], label=True)
        tally(row["products"])
    for row in source["warranty_info"]:
        tally(row["item"])
        tally(row["warranty_period"], values=True)
        tally(row["parts_retention_period"], values=True)
    for row in source["useful_life_info"]:
        tally(row["items"])
        tally(row["useful_life"])
    return counts


# ---------------------------------------------------------------- remedies


def _ends_phrase(words: list[str]) -> bool:
    text = " ".join(words)
    while True:  # a trailing parenthesis qualifies the phrase; look before it
        shorter = re.sub(r"\s*\([^()]*\)\s*$", "", text)
        if shorter == text:
            break
        text = shorter
    return text.rstrip(". ").endswith(_TERMINALS)


def split_phrases(element: str) -> list[str]:
    """Cut one source remedy string into the phrases of consecutive cases."""
    words = element.split()
    phrases: list[list[str]] = []
    current: list[str] = []
    depth = 0
    for i, word in enumerate(words):
        bullet = re.match(r"^(ㅇ|o(?=[가-힣])|-)(.*)$", word)
        if bullet:  # "ㅇ…", "o…", "- …" start a new phrase whatever came before
            if current:
                phrases.append(current)
            current, depth = [], 0
            word = bullet.group(2)
            if not word:
                continue
        current.append(word)
        depth += word.count("(") - word.count(")")
        following = words[i + 1] if i + 1 < len(words) else None
        if (
            following is not None
            and depth <= 0
            and _ends_phrase(current)
            and not following.startswith(("(", "-", "ㅇ", "→", "불가"))
            and following not in _CONTINUES
        ):
            phrases.append(current)
            current, depth = [], 0
    if current:
        phrases.append(current)
    return [" ".join(p) for p in phrases]


def join_elements(remedies: list[str], report: Report) -> list[str]:
    """Undo splits at "또는" that fell inside one phrase ("…현품 / 현금가 배상)")."""
    joined: list[str] = []
    for raw in remedies:
        text = _HEADERS.sub("", report.fix(raw))
        if joined and (
            joined[-1].count("(") > joined[-1].count(")") or not _ends_phrase(joined[-1].split())
        ):
            joined[-1] = f"{joined[-1]} 또는 {text}"
            report.counts["remedy_fragments_rejoined"] += 1
        else:
            joined.append(text)
    return joined


def remedy_groups(elements: list[str]) -> list[list[str]]:
    """Phrases grouped per case: a source split at "또는" joins two alternatives of one case."""
    groups: list[list[str]] = []
    for index, element in enumerate(elements):
        phrases = split_phrases(element)
        if index and phrases and groups:
            groups[-1].append(phrases.pop(0))
        groups.extend([p] for p in phrases)
    return groups


def _bullet_lines(text: str) -> list[str]:
    # "ㅇ…" bullets start lines; so does "시공 후 :" after "시공 전 : 교환, 환급"
    lines = [
        squash_spaces(p)
        for p in re.split(r"(?:^|\s)(?:ㅇ|o(?=[가-힣]))|\s(?=시공\s*후\s*[:：])", text)
    ]
    return [line for line in lines if line]


# ---------------------------------------------------------------- conditions


def split_numbered(condition: str) -> list[tuple[str, str]]:
    """Cut "1) A 2) B - … 3) C" into numbered conditions; numbers must run in sequence,
    so "위 1) 2) 이외 …" inside condition 4) stays put."""
    first = _NUMBERED.match(condition)
    if not first:
        return [("", condition.strip())]
    number = int(first.group(1))
    parts: list[tuple[str, str]] = []
    start = 0
    while True:
        following = re.search(rf"(?<=\s){number + 1}[).]\s*", condition[start + 1 :])
        if not following:
            break
        cut = start + 1 + following.start()
        parts.append((str(number), condition[start:cut]))
        start, number = cut, number + 1
    parts.append((str(number), condition[start:]))
    return [(no, _NUMBERED.sub("", text, count=1).strip()) for no, text in parts]


def case_paths(body: str) -> tuple[str, list[list[str]]]:
    """The head of a condition and the path to each of its cases, outermost first.

    Marker kinds nest in the order they first appear ("- a ㆍx ㆍy - b" gives a/x, a/y,
    b). A segment followed by a deeper marker is a header; any other segment is a case.
    """
    segments: list[tuple[str, str]] = []
    head = ""
    last, kind = 0, ""
    for mark in _MARK.finditer(body):
        text = body[last : mark.start()].strip()
        if kind == "after<>":
            if text and segments:  # words right after a <header> belong to it
                segments[-1] = (segments[-1][0], f"{segments[-1][1]} {text}")
        elif kind:
            segments.append((kind, text))
        else:
            head = text
        if mark.group(3):
            segments.append(("<>", mark.group(3).strip()))
            kind = "after<>"
        else:
            kind = mark.group(1) or "①"
        last = mark.end()
    text = body[last:].strip()
    if kind and kind != "after<>":
        segments.append((kind, text))
    elif not kind:
        head = text
    order = list(dict.fromkeys(kind for kind, _ in segments))
    levels = [(order.index(kind), text) for kind, text in segments]
    paths: list[list[str]] = []
    stack: list[tuple[int, str]] = []
    for i, (level, text) in enumerate(levels):
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, text))
        if not (i + 1 < len(levels) and levels[i + 1][0] > level):
            paths.append([t for _, t in stack if t])
    return head, paths


@dataclass
class Dispute:
    no: str
    condition: str
    cases: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)


def pair_cases(parts: list[tuple[str, str]], elements: list[str]) -> list[Dispute] | None:
    """Pair the cases of one or more numbered conditions with remedies; None if unsure."""
    groups = remedy_groups(elements)
    disputes: list[Dispute] = []
    paths_per_part: list[list[list[str]]] = []
    for no, text in parts:
        head, paths = case_paths(text)
        disputes.append(Dispute(no=no, condition=head or text, cases=[]))
        paths_per_part.append(paths)
    # "* …" and "…란 …을 말함" are explanations, not remedies; "체재필요 시 …" (lodging
    # costs when a stay is needed) applies to every case of a transport condition.
    notes = [" ".join(g) for g in groups if g[0].startswith("*") or g[0].endswith("말함")]
    common = [g for g in groups if g[0].startswith(("체재필요", "체제필요"))]
    groups = [g for g in groups if " ".join(g) not in notes and g not in common]
    disputes[0].notes.extend(n.lstrip("* ") for n in notes)
    disputes[0].cases.extend({"when": "", "remedies": [" 또는 ".join(g)]} for g in common)
    if len(parts) == 1:
        paths = paths_per_part[0]
        if len(groups) <= 1 or len(paths) <= 1:
            # One case (any dashes only list examples): keep the whole condition; the
            # source strings, split at "또는", make one line; bullets start new lines.
            disputes[0].condition = squash_spaces(parts[0][1]).lstrip("-ㆍ ")
            text = " 또는 ".join(elements)
            for note in notes:
                text = text.replace(note, " ")
            disputes[0].cases = [{"when": "", "remedies": _bullet_lines(text)}]
            return disputes
        if len(paths) != len(groups):
            return None
        disputes[0].cases.extend(
            {"when": " / ".join(path), "remedies": [" 또는 ".join(group)]}
            for path, group in zip(paths, groups, strict=True)
        )
        return disputes
    # several numbered conditions in one source row share the remedy groups in order
    slots = [paths or [[]] for paths in paths_per_part]
    if sum(len(s) for s in slots) != len(groups):
        return None
    remaining = iter(groups)
    for dispute, paths in zip(disputes, slots, strict=True):
        for path in paths:
            dispute.cases.append(
                {"when": " / ".join(path), "remedies": [" 또는 ".join(next(remaining))]}
            )
    return disputes


def _from_repair(repair: CaseRepair) -> list[Dispute]:
    return [
        Dispute(
            no=no,
            condition=condition,
            cases=[{"when": when, "remedies": list(lines)} for when, lines in cases],
            notes=list(repair.notes),
        )
        for no, condition, cases in repair.disputes
    ]


def clean_item_disputes(
    identity: ItemIdentity, rows: list[dict[str, Any]], report: Report
) -> list[Dispute]:
    """The item's conditions, each with its cases and remedy lines."""
    disputes: list[Dispute] = []
    continued = 0
    for row in rows:
        condition = _HEADERS.sub("", report.fix(row["condition"]))
        elements = join_elements(row["remedy"], report)
        parts = split_numbered(condition)
        continuation = bool(parts[0][0] == "" and disputes)
        continued = continued + 1 if continuation else 0
        no = f"{disputes[-1].no}+{continued}" if continuation else parts[0][0]
        repair = CASE_REPAIRS.get((identity.id, no))
        if repair is not None:
            report.repairs.append(f"{identity.id} {no}: {repair.reason}")
            report.counts["conditions_repaired_by_hand"] += len(repair.disputes)
            made = _from_repair(repair)
        else:
            paired = pair_cases(parts, elements)
            if paired is None:
                raise CleaningError(
                    f"{identity.id} {no}: cases and remedies do not pair up; "
                    "add a repair to relief/standards/repairs.py"
                )
            made = paired
            if len(parts) > 1:
                report.counts["run_together_conditions_split"] += len(parts) - 1
        if not continuation:
            disputes.extend(made)
            continue
        report.counts["continuation_rows_merged"] += 1
        for piece in made:
            for case in piece.cases:  # a one-case continuation keeps its text as the case
                disputes[-1].cases.append({**case, "when": case["when"] or piece.condition})
            disputes[-1].notes.extend(piece.notes)
    return disputes


# ---------------------------------------------------------------- products (annex Ⅰ)


# 식료품 categories of the scope annex; the item row's own list is cut off mid-way.
_FOOD_CATEGORIES = (
    "청량음료",
    "과자류",
    "빙과류",
    "낙농제품류",
    "통조림류",
    "제빵류",
    "설탕·제분류",
    "식용유류",
    "조미료",
    "고기가공식품류",
    "장류",
    "다류",
    "면류",
    "자양식품",
    "주류",
    "도시락",
    "찬류",
    "냉동식품류",
    "먹는샘물",
)
_NOT_CATEGORIES = ("업종", "관련", "미용업", "외식")  # table headers and wrapped cells


def _split_list(text: str) -> list[str]:
    """Split a comma list, leaving commas inside parentheses alone."""
    return [w.strip() for w in re.split(r",\s*(?![^()]*\))", text) if w.strip()]


def products_by_category(targets: list[dict[str, Any]], report: Report) -> dict[str, list[str]]:
    """Examples per category from the scope annex; a word cut off by the parse is dropped."""
    found: dict[str, list[str]] = {}
    for row in targets:
        category = label_key(row["category"])
        if _BOX.search(row["products"]) or category in _NOT_CATEGORIES:
            continue
        text = report.fix(row["products"]).strip()
        if text.startswith("(") and text.endswith("포함)"):  # "(스마트워치 포함)"
            text = text[1:-3].strip()
        words = _split_list(text)
        if not (text.endswith((",", "등", ")", "한함")) or len(text) < 30):
            words = words[:-1]  # the parse cut the line at a fixed width, mid-word
            report.counts["cut_off_product_words_dropped"] += 1
        # scope remarks ("…에 한함", "… 제외") are not products
        words = [
            re.sub(r"\s+등\)?$", "", w).strip()
            for w in words
            if not w.endswith(("한함", "제외)", "제한", "제외"))
        ]
        found.setdefault(category, []).extend(w for w in words if w)
    return found


# Scope-annex categories named differently from the item.
_CATEGORY_OF = {
    "cosmetic-dermatology": ("피부과시술및치료",),
    "domestic-camp": ("국내연수업",),
    "mobile-content": ("모바일콘텐츠업",),
    "farm-fishing-machinery": ("농업용기계", "어업용기계"),
}


def products_for(identity: ItemIdentity, by_category: dict[str, list[str]]) -> list[str]:
    if identity.id == "processed-food":
        names = list(_FOOD_CATEGORIES)
    elif identity.id.startswith("building-"):
        # one scope row lists every kind of building material; the item names its own
        return [identity.name.split("(", 1)[1].rstrip(")")]
    else:
        names = [label_key(n) for n in _split_list(identity.name)]
        names += list(_CATEGORY_OF.get(identity.id, ()))
    products: list[str] = []
    for name in names:
        for word in by_category.get(name, ()):
            if word not in products:
                products.append(word)
    return products


# ---------------------------------------------------------------- annex Ⅲ and Ⅳ


def _values(text: str, report: Report) -> list[str]:
    return [report.fix(p) for p in _VALUE_BULLET.split(" " + text) if p.strip()]


def clean_warranty(rows: list[dict[str, Any]], report: Report) -> list[dict[str, Any]]:
    """Annex Ⅲ: warranty and parts-retention periods, one entry per product line."""
    out: list[dict[str, Any]] = []
    group = ""
    for row in rows:
        label = report.fix(row["item"])
        warranty = _values(row["warranty_period"], report)
        parts = _values(row["parts_retention_period"], report)
        note = ""
        numbered = re.match(r"^(\d+)\.\s*(.*)$", label)
        if numbered:  # "5. 가전제품, … 등 1) 완제품 - 에어컨(냉방 전용)"
            head, _, rest = numbered.group(2).partition(" 1) ")
            group, label = head.strip(), rest or head
        core = re.match(r"^\d\)\s*(\S+)\s+-\s*(.*)$", label)
        if core:  # "2) 핵심부품 - 에어컨：컴프레서 - LCD TV … : LCD 패널"
            group = f"{group.split(' — ')[0]} — {core.group(1)}"
            label = core.group(2)
        elif re.match(r"^완제품\s+-\s*", label):
            group = f"{group} — 완제품"
            label = re.sub(r"^완제품\s+-\s*", "", label)
        label = label.lstrip("- ").strip()
        if " 2) " in label and len(warranty) == 2 and len(parts) == 2:
            # "유사품목에 따를 수 있는 경우 2) … 없는 경우": one value each, in order
            for product, w, p in zip(label.split(" 2) "), warranty, parts, strict=True):
                out.append(_warranty_entry(group, product, [w], [p], ""))
            continue
        if core and len(warranty) == 3 and " - " in label:
            # "에어컨：컴프레서 - LCD TV …": a general rule, then one period per part
            rule = warranty[0]
            for product, w in zip(label.split(" - "), warranty[1:], strict=True):
                out.append(_warranty_entry(group, product, [w], parts, rule))
            continue
        if " 2) " in label:
            label = label.replace(" 2) ", ", ")
            note = (
                "자료에서 두 품목의 값이 한 칸에 섞였습니다. 앞의 두 값은 농업용기기, "
                "마지막 '1년'은 어업용기기의 품질보증기간으로 보입니다. 고시 원문을 확인하세요."
            )
        out.append(_warranty_entry(group, label, warranty, parts, note))
    return out


def _warranty_entry(
    group: str, products: str, warranty: list[str], parts: list[str], note: str
) -> dict[str, Any]:
    return {
        "group": group,
        "products": products.strip(),
        "warranty": warranty,
        "parts_retention": parts,
        "note": note,
    }


def clean_useful_life(rows: list[dict[str, Any]], report: Report) -> list[dict[str, Any]]:
    """Annex Ⅳ: useful life per product group. Most values were lost in the parse."""
    out: list[dict[str, Any]] = []
    for index, row in enumerate(rows):
        products = _split_list(report.fix(row["items"]))
        value = report.fix(row["useful_life"])
        entry: dict[str, Any] = {"products": products, "years": None, "text": "", "note": ""}
        if re.fullmatch(r"\d+년", value):
            entry["years"] = int(value[:-1])
            entry["text"] = value
        elif index == 0:
            entry["text"] = value
            entry["note"] = (
                "이 행의 값은 문장이라 그대로 두었습니다. 끝의 '부품보유 5년'은 '부품보유기간'과 "
                "마지막 행의 '5년'이 붙은 것으로 보입니다. 고시 원문을 확인하세요."
            )
        else:
            # every row repeats the first row's words: the parse lost the years
            entry["note"] = (
                "내용연수 값이 자료에서 유실되었습니다(모든 행에 첫 행의 문구가 반복됨). "
                "고시 별표 Ⅳ 원문에서 확인하세요."
            )
            report.counts["useful_life_values_lost"] += 1
        out.append(entry)
    return out


# ---------------------------------------------------------------- whole file


def _source_key(text: str) -> str:
    return compact(text).replace("ㆍ", "")


def _check_from_source(text: str, source: str, where: str) -> None:
    """Raise unless each " / ", " 또는 ", "; " part of ``text`` occurs in the source."""
    for part in re.split(r" / | 또는 |; ", text):
        key = _source_key(part)
        if key and key not in source:
            raise CleaningError(f"{where}: {part!r} is not in the source text")


def _source_text(rows: list[dict[str, Any]]) -> str:
    scratch = Report()  # counts nothing into the real report
    conditions = [scratch.fix(dt["condition"]) for dt in rows]
    remedies = [[scratch.fix(r) for r in dt["remedy"]] for dt in rows]
    # the remedy strings were split at "또는" or at a line break: offer both joins
    joined = ["또는".join(r) + " " + "".join(r) for r in remedies]
    return _source_key(" ".join(conditions + joined))


def _dropped(label: str) -> str | None:
    key = label_key(label).replace("?", "")
    return next((why for k, why in DROPPED_LABELS.items() if k.replace("?", "") == key), None)


def _merged_items(
    source: dict[str, Any], report: Report
) -> Iterator[tuple[ItemIdentity, dict[str, Any], list[Dispute], str]]:
    for row in source["items"]:
        if _dropped(row["item"]) is not None:
            continue
        identity = ITEMS.get(label_key(row["item"]))
        if identity is None:
            raise CleaningError(f"unknown item label {row['item']!r}; add it to catalogue.py")
        disputes = clean_item_disputes(identity, row["damage_types"], report)
        yield identity, row, disputes, _source_text(row["damage_types"])


def clean(
    source: dict[str, Any], *, source_name: str = "", source_sha256: str = ""
) -> dict[str, Any]:
    """The cleaned notice as a JSON-ready dict.

    Raises CleaningError when the source is not notice 2025-14 of 2025-12-18, an item or
    industry is unknown, a condition cannot be paired and has no repair, a repair no
    longer matches anything, or cleaned text does not occur in the source.
    """
    meta = source["meta"]
    if meta.get("announcement_no") != "2025-14" or meta.get("version") != "20251218":
        raise CleaningError(f"expected notice 2025-14 of 2025-12-18, got {meta!r}")
    report = Report()
    report.counts.update(count_question_marks(source))
    by_category = products_by_category(source["target_products"], report)
    items: dict[str, dict[str, Any]] = {}
    source_text: dict[str, str] = {}
    disputes_of: dict[str, list[Dispute]] = {}
    for identity, row, disputes, text in _merged_items(source, report):
        industry = report.fix(row["industry"])
        if industry not in INDUSTRY_EN:
            raise CleaningError(f"unknown industry {industry!r}; add it to catalogue.py")
        source_text[identity.id] = source_text.get(identity.id, "") + " " + text
        if identity.id in items:
            report.counts["page_split_items_merged"] += 1
            disputes_of[identity.id].extend(disputes)
            continue
        label = report.fix(row["item"])
        scope = re.search(r"\(([^)]*)\)\s*$", label)
        items[identity.id] = {
            "id": identity.id,
            "industry": industry,
            "industry_en": INDUSTRY_EN[industry],
            "kind": "goods" if row["category"].startswith("상품") else "services",
            "name": identity.name,
            "name_en": identity.name_en,
            "source_label": label,
            "scope": scope.group(1) if scope and identity.id in _SCOPED else "",
            "products": products_for(identity, by_category),
            "disputes": [],
        }
        disputes_of[identity.id] = list(disputes)
    for item_id, item in items.items():
        disputes = sorted(disputes_of[item_id], key=lambda d: int(d.no) if d.no.isdigit() else 0)
        item["disputes"] = [
            _dispute_record(item_id, d, source_text[item_id], report) for d in disputes
        ]
    applied = {tuple(r.split(":", 1)[0].split(" ", 1)) for r in report.repairs}
    stale = sorted(set(CASE_REPAIRS) - applied)
    if stale:
        raise CleaningError(f"hand repairs that matched nothing: {stale}")
    dropped = [
        {"label": squash_spaces(row["item"]), "source_rows": len(row["damage_types"]), "why": why}
        for row in source["items"]
        if (why := _dropped(row["item"])) is not None
    ]
    report.counts["tables_dropped"] = len(dropped)
    report.counts["items"] = len(items)
    warranty = clean_warranty(source["warranty_info"], report)
    useful_life = clean_useful_life(source["useful_life_info"], report)
    return {
        "notice": {
            "title": NOTICE_TITLE,
            "number": NOTICE_NUMBER,
            "in_force": IN_FORCE,
            "authoritative": AUTHORITATIVE_KO,
            "authoritative_en": AUTHORITATIVE_EN,
        },
        "source": {
            "file": source_name,
            "sha256": source_sha256,
            "parsed_by": "consumer-dispute-mcp (MIT licence); the notice is a public-domain work",
            "fetched_at": meta.get("fetched_at", ""),
        },
        "cleaning": {
            "script": "python -m relief.standards.clean SRC DST",
            "counts": dict(sorted(report.counts.items())),
            "repairs": report.repairs,
        },
        "industries": [{"name": k, "name_en": v} for k, v in INDUSTRY_EN.items()],
        "items": list(items.values()),
        "warranty": warranty,
        "useful_life": useful_life,
        "dropped": dropped,
    }


_SCOPED = {"smartphone", "performance", "cosmetic-dermatology", "pet-sale"}


def _dispute_record(item_id: str, dispute: Dispute, source: str, report: Report) -> dict[str, Any]:
    _check_from_source(dispute.condition, source, f"{item_id} {dispute.no}")
    for case in dispute.cases:
        _check_from_source(case["when"], source, f"{item_id} {dispute.no}")
        for line in case["remedies"]:
            _check_from_source(line, source, f"{item_id} {dispute.no}")
    formula = FORMULAS.get((item_id, dispute.no))
    depreciates = any(
        "감가" in line and "환급" in line for case in dispute.cases for line in case["remedies"]
    )
    if formula is None and depreciates and (item_id, dispute.no) not in NO_DEPRECIATION:
        formula = "depreciation"
    record: dict[str, Any] = {
        "no": dispute.no,
        "condition": dispute.condition,
        "cases": dispute.cases,
        "notes": dispute.notes,
        "notice": NOTICE_NUMBER,
        "in_force": IN_FORCE,
        "formula": None,
    }
    if formula is not None:
        params = formula_params(formula, dispute.condition, dispute.cases)
        record["formula"] = {"id": formula, "params": params}
        report.counts["formulas_attached"] += 1
    report.counts["conditions"] += 1
    report.counts["remedy_lines"] += sum(len(c["remedies"]) for c in dispute.cases)
    return record


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Clean the parsed dispute standards.")
    parser.add_argument("src", type=Path, help="dispute-standards-2025-14.json as parsed")
    parser.add_argument("dst", type=Path, help="where to write the cleaned file")
    args = parser.parse_args(argv)
    raw = args.src.read_bytes()
    cleaned = clean(
        json.loads(raw), source_name=args.src.name, source_sha256=hashlib.sha256(raw).hexdigest()
    )
    args.dst.parent.mkdir(parents=True, exist_ok=True)
    args.dst.write_text(json.dumps(cleaned, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(cleaned["cleaning"]["counts"], ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
