"""Cleaning the parsed notice: middle dots, paired remedies, merged pages, dropped tables."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from relief.standards import IN_FORCE, NOTICE_NUMBER, load_standards, match_standard
from relief.standards import clean as cleaning
from relief.standards.model import DEFAULT_PATH, FIXTURE_DIR
from relief.standards.repairs import CASE_REPAIRS, CaseRepair
from relief.standards.text import repair_question_marks

SOURCE = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "reference"
    / ("dispute-standards-2025-14.json")
)
needs_source = pytest.mark.skipif(not SOURCE.exists(), reason="the parsed notice is not here")


@pytest.fixture(scope="module")
def cleaned() -> dict:
    return json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def source() -> dict:
    return json.loads(SOURCE.read_text(encoding="utf-8"))


def _strings(node: object) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for value in node.values() for s in _strings(value)]
    if isinstance(node, list):
        return [s for value in node for s in _strings(value)]
    return []


def _item(cleaned: dict, item_id: str) -> dict:
    return next(i for i in cleaned["items"] if i["id"] == item_id)


def _dispute(cleaned: dict, item_id: str, no: str) -> dict:
    return next(d for d in _item(cleaned, item_id)["disputes"] if d["no"] == no)


# ---------------------------------------------------------------- question marks


@pytest.mark.parametrize(
    ("parsed", "repaired"),
    [
        ("성능?기능상의 하자", "성능·기능상의 하자"),
        ("전기?가스?방송?통신서비스 관련", "전기·가스·방송·통신서비스 관련"),
        ("녹음?녹화상태 불량", "녹음·녹화상태 불량"),
        ("0.5% 이상 ?구입일로부터 6개월 이내", "0.5% 이상 ㆍ구입일로부터 6개월 이내"),
        ("서비스 중지? 장애발생 누적시간", "서비스 중지·장애발생 누적시간"),
    ],
)
def test_a_question_mark_that_stands_for_a_middle_dot_is_restored(parsed, repaired):
    assert repair_question_marks(parsed)[0] == repaired


@pytest.mark.parametrize(
    "question",
    [
        "환불되나요?",
        "왜 환불이 안 되나요? 답변 부탁드립니다",
        "What? It broke after a week.",
        "정말인가요?!",
        "이게 맞나요 ? 모르겠어요",
    ],
)
def test_a_real_question_mark_is_never_touched(question):
    assert repair_question_marks(question)[0] == question


def test_cleaned_file_has_no_question_mark_left(cleaned):
    assert not [s for s in _strings(cleaned) if "?" in s]


@needs_source
def test_every_question_mark_of_the_source_is_accounted_for(source, cleaned):
    counts = cleaning.count_question_marks(source)
    in_source = sum(s.count("?") for s in _strings(source))
    accounted = (
        counts["question_mark_as_middle_dot"]
        + counts["question_mark_as_bullet"]
        + counts["question_mark_as_lost_item_number"]
    )
    assert counts["question_mark_kept"] == 0
    assert accounted == in_source == 273
    assert cleaned["cleaning"]["counts"]["question_mark_as_middle_dot"] == 199


# ---------------------------------------------------------------- the notice with every remedy


def test_every_remedy_in_the_file_keeps_the_notice_number_and_date(cleaned):
    assert cleaned["notice"]["number"] == NOTICE_NUMBER == "공정거래위원회 고시 제2025-14호"
    assert cleaned["notice"]["in_force"] == IN_FORCE == "2025-12-18"
    disputes = [d for item in cleaned["items"] for d in item["disputes"]]
    assert len(disputes) == cleaned["cleaning"]["counts"]["conditions"] > 400
    for dispute in disputes:
        assert (dispute["notice"], dispute["in_force"]) == (NOTICE_NUMBER, IN_FORCE)


def test_every_loaded_remedy_and_match_carries_the_notice():
    standards = load_standards()
    for item in standards.items:
        for dispute in item.disputes:
            assert dispute.notice == NOTICE_NUMBER and dispute.in_force == IN_FORCE
    for match in match_standard(standards, product="헬스장", problem="중도 해지 환불"):
        assert match.notice == NOTICE_NUMBER and match.in_force == IN_FORCE
        assert "원문" in match.authoritative
        assert "제2025-14호" in match.citation() and "2025-12-18" in match.citation()


def test_the_file_says_the_notice_itself_is_authoritative(cleaned):
    assert "고시 원문" in cleaned["notice"]["authoritative"]
    assert "authoritative" in cleaned["notice"]["authoritative_en"]


# ---------------------------------------------------------------- remedies paired with cases


def test_run_together_remedies_are_paired_with_their_cases(cleaned):
    cases = _dispute(cleaned, "electronics", "3")["cases"]
    by_when = {c["when"]: c["remedies"] for c in cases}
    assert by_when["품질보증기간 이내 / 하자발생 시"] == ["무상수리"]
    assert by_when["품질보증기간 이내 / 수리불가능 시"] == ["제품교환 또는 구입가 환급"]
    assert by_when["품질보증기간 경과 후 / 수리 불가능 시"] == [
        "정액 감가상각한 금액에 10%를 가산하여 환급"
    ]


def test_a_remedy_split_inside_a_parenthesis_is_joined_again(cleaned):
    remedies = _dispute(cleaned, "electricity", "5")["cases"][0]
    assert remedies["remedies"] == [
        "수리를 통한 원상회복 (수리 불가능 시 현품 또는 현금가 배상) 피해 발생액 배상"
    ]


def test_several_numbered_conditions_in_one_row_become_separate_disputes(cleaned):
    jewellery = _item(cleaned, "jewellery")["disputes"]
    assert [d["no"] for d in jewellery] == ["1", "2", "3", "4", "5"]
    assert jewellery[1]["cases"] == [
        {"when": "구입 후 1개월 이내", "remedies": ["무상수리 또는 제품교환"]}
    ]


def test_an_item_split_across_pages_is_one_item(cleaned):
    furniture = _item(cleaned, "furniture")
    assert [d["no"] for d in furniture["disputes"]] == [str(n) for n in range(1, 17)]
    assert sum(1 for i in cleaned["items"] if i["id"] == "furniture") == 1


def test_a_continuation_row_joins_the_condition_it_continues(cleaned):
    travel = _dispute(cleaned, "domestic-travel", "1")
    whens = [c["when"] for c in travel["cases"]]
    assert len(whens) == 26
    assert any(w.startswith("여행자의 귀책사유로") for w in whens)
    assert whens[-1].startswith("천재지변")


def test_a_case_the_source_left_without_a_remedy_says_so(cleaned):
    last = _dispute(cleaned, "musical-instrument", "3")["cases"][-1]
    assert last == {"when": "품질보증기간 경과 후 / 수리 불가능 시", "remedies": []}
    assert "빠졌습니다" in _dispute(cleaned, "musical-instrument", "3")["notes"][0]


def test_lost_item_numbers_and_letter_spacing_are_gone_from_names(cleaned):
    names = {i["name"] for i in cleaned["items"]}
    assert {"악기", "가죽제품", "신발", "자동차", "국외여행"} <= names
    assert not [n for n in names if n.startswith(("?", "①", "(2")) or "자 동" in n]


def test_the_funeral_refund_tables_are_dropped_with_a_note(cleaned):
    assert len(cleaned["dropped"]) == 2
    assert all("장례·상조" in d["why"] for d in cleaned["dropped"])
    assert not [i for i in cleaned["items"] if i["industry"] == "장례·상조 관련"]


def test_lost_useful_life_values_are_not_invented(cleaned):
    years = [row["years"] for row in cleaned["useful_life"]]
    assert years == [None] * 8 + [5]
    assert all(row["note"] for row in cleaned["useful_life"][1:8])


def test_warranty_values_are_split_per_product(cleaned):
    rows = {row["products"]: row for row in cleaned["warranty"]}
    assert rows["스마트폰, 휴대폰"]["warranty"] == ["2년(단, 배터리는 1년)"]
    assert rows["에어컨：컴프레서"]["warranty"] == ["4년"]
    assert rows["유사품목에 따를 수 없는 경우"]["parts_retention"] == ["제조일로부터 5년"]


def test_every_hand_repair_is_listed_in_cleaning_md():
    notes = (FIXTURE_DIR / "CLEANING.md").read_text(encoding="utf-8")
    for item_id, no in CASE_REPAIRS:
        assert re.search(rf"`{re.escape(item_id)}`\s*\|\s*{re.escape(no)}\b", notes), (item_id, no)


# ---------------------------------------------------------------- reproducible and strict


@needs_source
def test_cleaning_the_source_reproduces_the_committed_file(source, cleaned):
    again = cleaning.clean(
        source, source_name=cleaned["source"]["file"], source_sha256=cleaned["source"]["sha256"]
    )
    assert json.loads(json.dumps(again, ensure_ascii=False)) == cleaned


@needs_source
def test_a_repair_cannot_invent_wording(source, monkeypatch):
    invented = CaseRepair("test", (("1", "이물혼입", (("", ("두 배로 배상하고 사과문 게시",)),)),))
    monkeypatch.setitem(cleaning.CASE_REPAIRS, ("farm-produce", "1"), invented)
    with pytest.raises(cleaning.CleaningError, match="not in the source"):
        cleaning.clean(source)


@needs_source
def test_an_unknown_item_label_stops_cleaning(source):
    changed = json.loads(json.dumps(source))
    changed["items"][0]["item"] = "새로운 품목"
    with pytest.raises(cleaning.CleaningError, match="unknown item label"):
        cleaning.clean(changed)


@needs_source
def test_another_notice_is_refused(source):
    changed = json.loads(json.dumps(source))
    changed["meta"]["announcement_no"] = "2026-1"
    with pytest.raises(cleaning.CleaningError, match="2025-14"):
        cleaning.clean(changed)


@needs_source
def test_the_command_line_writes_the_cleaned_file(tmp_path, capsys):
    out = tmp_path / "cleaned.json"
    assert cleaning.main([str(SOURCE), str(out)]) == 0
    assert out.read_bytes() == DEFAULT_PATH.read_bytes()
    assert '"question_mark_kept": 0' in capsys.readouterr().out
