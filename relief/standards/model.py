"""The cleaned notice as Python objects, and its loader."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from relief.standards.formulas import Formula, build_formula
from relief.standards.text import compact

NOTICE_TITLE = "소비자분쟁해결기준"
NOTICE_NUMBER = "공정거래위원회 고시 제2025-14호"
IN_FORCE = "2025-12-18"
ANNEX_ITEMS = "별표 Ⅱ"  # 품목별 해결기준 (annex Ⅲ is warranty/parts, Ⅳ useful life)

FIXTURE_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "standards"
DEFAULT_PATH = FIXTURE_DIR / "dispute-standards-2025-14.json"
LEXICON_NAME = "lexicon.json"


class StandardsError(ValueError):
    """The cleaned standards file is missing, malformed or lacks its notice citation."""


@dataclass(frozen=True, slots=True)
class Notice:
    title: str
    number: str
    in_force: str
    authoritative: str  # "the notice itself is authoritative", in Korean
    authoritative_en: str

    def citation(self, lang: str = "ko") -> str:
        if lang == "en":
            return f"FTC notice No. 2025-14 ({self.title}), in force {self.in_force}"
        return f"{self.number} 「{self.title}」 ({self.in_force} 시행)"


@dataclass(frozen=True, slots=True)
class RemedyCase:
    when: str  # "" when the remedy applies to the whole condition
    remedies: tuple[str, ...]  # each line complete; alternatives joined by "또는"

    def lines(self) -> tuple[str, ...]:
        if not self.remedies:
            return (
                (f"{self.when}: (자료에 해결기준이 없습니다. 고시 원문 참조)",) if self.when else ()
            )
        return tuple(f"{self.when}: {r}" if self.when else r for r in self.remedies)


@dataclass(frozen=True)
class Dispute:
    no: str
    condition: str
    cases: tuple[RemedyCase, ...]
    notes: tuple[str, ...]
    notice: str
    in_force: str
    formula: Formula | None

    def remedy_lines(self) -> list[str]:
        return [line for case in self.cases for line in case.lines()]

    def text(self) -> str:
        """The condition and every case, for matching."""
        return " ".join([self.condition, *(c.when for c in self.cases)])


@dataclass(frozen=True)
class Item:
    id: str
    industry: str
    industry_en: str
    kind: str  # goods | services
    name: str
    name_en: str
    source_label: str
    scope: str
    products: tuple[str, ...]
    disputes: tuple[Dispute, ...]


@dataclass(frozen=True, slots=True)
class WarrantyEntry:
    group: str
    products: str
    warranty: tuple[str, ...]
    parts_retention: tuple[str, ...]
    note: str


@dataclass(frozen=True, slots=True)
class UsefulLifeEntry:
    products: tuple[str, ...]
    years: int | None  # None: the value was lost in the parse; see ``note``
    text: str
    note: str


@dataclass(frozen=True, eq=False)  # identity equality: matching caches its index per object
class Standards:
    notice: Notice
    items: tuple[Item, ...]
    warranty: tuple[WarrantyEntry, ...]
    useful_life: tuple[UsefulLifeEntry, ...]
    lexicon: Mapping[str, Any] = field(default_factory=dict)

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def warranty_for(self, product: str) -> WarrantyEntry | None:
        """The annex Ⅲ line that names ``product`` (spacing-insensitive), if any."""
        key = compact(product)
        return next((w for w in self.warranty if key and key in compact(w.products)), None)

    def useful_life_for(self, product: str) -> UsefulLifeEntry | None:
        key = compact(product)
        return next(
            (u for u in self.useful_life if key and any(key in compact(p) for p in u.products)),
            None,
        )


def _basis(item: dict[str, Any], dispute: dict[str, Any]) -> str:
    no = f"{dispute['no']}) " if dispute["no"] else ""
    return (
        f"{NOTICE_NUMBER}({IN_FORCE} 시행) {ANNEX_ITEMS} {item['industry']} · {item['name']} "
        f"{no}{dispute['condition']}"
    )


def _dispute(item: dict[str, Any], raw: dict[str, Any]) -> Dispute:
    if raw.get("notice") != NOTICE_NUMBER or raw.get("in_force") != IN_FORCE:
        raise StandardsError(f"{item['id']} {raw.get('no')}: remedy without its notice citation")
    formula = None
    if raw.get("formula"):
        formula = build_formula(
            raw["formula"]["id"],
            raw["formula"]["params"],
            basis=_basis(item, raw),
            cases=raw["cases"],
            condition=raw["condition"],
        )
    return Dispute(
        no=raw["no"],
        condition=raw["condition"],
        cases=tuple(RemedyCase(c["when"], tuple(c["remedies"])) for c in raw["cases"]),
        notes=tuple(raw.get("notes", ())),
        notice=raw["notice"],
        in_force=raw["in_force"],
        formula=formula,
    )


def parse_standards(data: Mapping[str, Any], lexicon: Mapping[str, Any] | None = None) -> Standards:
    """Build Standards from the cleaned JSON; raises StandardsError if it is not that."""
    try:
        notice = Notice(
            **{
                k: data["notice"][k]
                for k in ("title", "number", "in_force", "authoritative", "authoritative_en")
            }
        )
        if (notice.number, notice.in_force) != (NOTICE_NUMBER, IN_FORCE):
            raise StandardsError(f"expected {NOTICE_NUMBER} of {IN_FORCE}, got {notice.number}")
        items = tuple(
            Item(
                id=raw["id"],
                industry=raw["industry"],
                industry_en=raw["industry_en"],
                kind=raw["kind"],
                name=raw["name"],
                name_en=raw["name_en"],
                source_label=raw["source_label"],
                scope=raw["scope"],
                products=tuple(raw["products"]),
                disputes=tuple(_dispute(raw, d) for d in raw["disputes"]),
            )
            for raw in data["items"]
        )
        warranty = tuple(
            WarrantyEntry(
                w["group"],
                w["products"],
                tuple(w["warranty"]),
                tuple(w["parts_retention"]),
                w.get("note", ""),
            )
            for w in data["warranty"]
        )
        useful_life = tuple(
            UsefulLifeEntry(tuple(u["products"]), u["years"], u["text"], u.get("note", ""))
            for u in data["useful_life"]
        )
    except (KeyError, TypeError) as missing:
        raise StandardsError(f"not a cleaned standards file: missing {missing}") from None
    return Standards(notice, items, warranty, useful_life, dict(lexicon or {}))


@functools.lru_cache(maxsize=4)
def _load(path: Path) -> Standards:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as why:
        raise StandardsError(f"cannot read {path}: {why}") from None
    lexicon_path = path.with_name(LEXICON_NAME)
    lexicon = json.loads(lexicon_path.read_text(encoding="utf-8")) if lexicon_path.exists() else {}
    return parse_standards(data, lexicon)


def load_standards(path: str | Path | None = None) -> Standards:
    """The cleaned notice, loaded once per process (and per path).

    The consumer-word lexicon (``lexicon.json``) is read from the same directory.
    Raises StandardsError when the file is missing or malformed.
    """
    return _load(Path(path or DEFAULT_PATH).resolve())
