"""Loading the cleaned notice: once per process, and loudly when the file is wrong."""

from __future__ import annotations

import json

import pytest

from relief.standards import StandardsError, load_standards
from relief.standards.model import DEFAULT_PATH


def test_the_standards_load_once_and_hold_every_item():
    standards = load_standards()
    assert standards is load_standards(DEFAULT_PATH)
    assert len(standards.items) == 91
    assert standards.notice.number == "공정거래위원회 고시 제2025-14호"
    assert standards.notice.in_force == "2025-12-18"
    assert standards.notice.citation("en").startswith("FTC notice No. 2025-14")


def test_warranty_and_useful_life_can_be_looked_up_by_product():
    standards = load_standards()
    phone = standards.warranty_for("스마트폰")
    assert phone is not None and phone.warranty == ("2년(단, 배터리는 1년)",)
    assert phone.parts_retention == ("제조일로부터 4년",)
    life = standards.useful_life_for("냉장고")
    assert life is not None and life.years is None and "유실" in life.note
    assert standards.warranty_for("") is None


def test_a_missing_file_is_an_error(tmp_path):
    with pytest.raises(StandardsError, match="cannot read"):
        load_standards(tmp_path / "nothing.json")


def test_a_remedy_without_its_notice_citation_is_refused(tmp_path):
    data = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    del data["items"][0]["disputes"][0]["notice"]
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(StandardsError, match="notice citation"):
        load_standards(path)


def test_a_file_that_is_not_the_cleaned_notice_is_refused(tmp_path):
    path = tmp_path / "other.json"
    path.write_text('{"items": []}', encoding="utf-8")
    with pytest.raises(StandardsError, match="not a cleaned standards file"):
        load_standards(path)
