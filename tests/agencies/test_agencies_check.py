"""`validate` finds each kind of problem on a broken copy and says it in words."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path
from typing import Any

import pytest

from agencies import RegistryError, load_registry, validate


def messages(registry: Path) -> list[str]:
    return [str(problem) for problem in validate(registry)]


def test_an_untouched_copy_validates(registry_copy: Path) -> None:
    assert messages(registry_copy) == []
    assert len(load_registry(registry_copy)) == 70


def test_check_reports_duplicate_id(registry_copy: Path) -> None:
    shutil.copy(registry_copy / "bodies" / "kca.json", registry_copy / "bodies" / "kca-copy.json")
    found = messages(registry_copy)
    assert any("bodies/kca-copy.json: kca: duplicate id" in m for m in found)
    assert any("should match the file name 'kca-copy'" in m for m in found)


def test_check_reports_dangling_rule_reference(registry_copy: Path, edit_rules: Any) -> None:
    def change(rules: list[dict[str, Any]]) -> None:
        rules[0]["over"] = ["kmdma", "no-such-body"]

    edit_rules(registry_copy, change)
    assert any(
        m.startswith("rules.json: clinic-refund-is-contract:") and "'no-such-body'" in m
        for m in messages(registry_copy)
    )


def test_check_reports_dangling_next_step_reference(registry_copy: Path, edit_body: Any) -> None:
    edit_body(registry_copy, "kca", lambda b: b["letter"]["next_steps"][0].update(body="kca-x"))
    assert "bodies/kca.json: kca: letter.next_steps[0] refers to unknown body 'kca-x'" in messages(
        registry_copy
    )


def test_check_reports_missing_english_terms(registry_copy: Path, edit_body: Any) -> None:
    def drop_english(body: dict[str, Any]) -> None:
        for category in ("terms", "products", "businesses", "colloquial"):
            body["routing"][category]["en"] = []

    edit_body(registry_copy, "kcdrc", drop_english)
    assert any("kcdrc: routing has no English terms" in m for m in messages(registry_copy))


def test_referral_body_without_terms_is_not_a_problem(registry_copy: Path, edit_body: Any) -> None:
    def drop_english(body: dict[str, Any]) -> None:
        for category in ("terms", "products", "businesses", "colloquial"):
            body["routing"][category]["en"] = []

    edit_body(registry_copy, "klac", drop_english)
    assert messages(registry_copy) == []


def test_check_reports_days_without_day_type(registry_copy: Path, edit_body: Any) -> None:
    edit_body(registry_copy, "kca", lambda b: b["deadline"].update(day_type=None))
    assert any(
        "deadline.days is 30 but deadline.day_type is null" in m for m in messages(registry_copy)
    )


def test_check_reports_day_type_without_days(registry_copy: Path, edit_body: Any) -> None:
    edit_body(registry_copy, "kcdrc", lambda b: b["deadline"].update(day_type="calendar"))
    assert any(
        "day_type is 'calendar' but deadline.days is null" in m for m in messages(registry_copy)
    )


def test_check_reports_invented_field(registry_copy: Path, edit_body: Any) -> None:
    edit_body(registry_copy, "kca", lambda b: b.update(field="pets"))
    assert any("kca: field is 'pets'; allowed: general" in m for m in messages(registry_copy))


def test_check_reports_invented_kind(registry_copy: Path, edit_body: Any) -> None:
    edit_body(registry_copy, "kca", lambda b: b.update(kind="court"))
    assert any(
        "kind is 'court'; allowed: relief, report, referral" in m for m in messages(registry_copy)
    )


def test_check_reports_missing_and_unknown_keys(registry_copy: Path, edit_body: Any) -> None:
    def change(body: dict[str, Any]) -> None:
        del body["hotline"]
        body["fax"] = "02-000-0000"
        del body["deadline"]["basis"]

    edit_body(registry_copy, "kca", change)
    found = messages(registry_copy)
    assert any("the body is missing key 'hotline'" in m for m in found)
    assert any("the body has unknown key 'fax'" in m for m in found)
    assert any("deadline is missing key 'basis'" in m for m in found)


def test_check_reports_wrong_value_types(registry_copy: Path, edit_body: Any) -> None:
    def change(body: dict[str, Any]) -> None:
        body["deadline"]["days"] = "30"
        body["deadline"]["pauses_while_awaiting_consumer"] = "yes"
        body["name"] = "한국소비자원"
        body["routing"]["terms"]["ko"] = "환불"

    edit_body(registry_copy, "kca", change)
    found = messages(registry_copy)
    assert any(
        "deadline.days should be a positive whole number or null, not '30'" in m for m in found
    )
    assert any("pauses_while_awaiting_consumer should be true or false" in m for m in found)
    assert any('name should be {"ko": ..., "en": ...}' in m for m in found)
    assert any("routing.terms.ko should be a list of strings" in m for m in found)


def test_check_reports_non_https_website(registry_copy: Path, edit_body: Any) -> None:
    edit_body(registry_copy, "kca", lambda b: b.update(website="http://kca.go.kr"))
    assert any(
        "website 'http://kca.go.kr' should be an https:// URL" in m for m in messages(registry_copy)
    )


def test_check_reports_duplicate_lexicon_entry(registry_copy: Path, edit_body: Any) -> None:
    edit_body(registry_copy, "kca", lambda b: b["routing"]["terms"]["ko"].append("환불"))
    assert any("routing.terms.ko lists '환불' twice" in m for m in messages(registry_copy))


def test_check_reports_referral_without_note(registry_copy: Path, edit_body: Any) -> None:
    edit_body(registry_copy, "police-cyber", lambda b: b.update(referral_note=None))
    assert any("referral_note is null but kind is referral" in m for m in messages(registry_copy))


def test_check_reports_unreadable_json(registry_copy: Path) -> None:
    (registry_copy / "bodies" / "kca.json").write_text("{ not json", encoding="utf-8")
    assert any(m.startswith("bodies/kca.json: kca: unreadable") for m in messages(registry_copy))


def test_check_reports_rule_that_would_fire_on_everything(
    registry_copy: Path, edit_rules: Any
) -> None:
    def change(rules: list[dict[str, Any]]) -> None:
        rules[0]["when_all"] = []

    edit_rules(registry_copy, change)
    assert any("neither when_all terms nor facts" in m for m in messages(registry_copy))


def test_check_reports_unknown_fact_condition(registry_copy: Path, edit_rules: Any) -> None:
    def change(rules: list[dict[str, Any]]) -> None:
        rules[0]["facts"] = {"weather": ["rain"]}

    edit_rules(registry_copy, change)
    assert any("facts has unknown key 'weather'" in m for m in messages(registry_copy))


def test_check_reports_duplicate_rule_id(registry_copy: Path, edit_rules: Any) -> None:
    edit_rules(registry_copy, lambda rules: rules.append(dict(rules[0])))
    assert any("clinic-refund-is-contract: duplicate rule id" in m for m in messages(registry_copy))


def test_check_reports_reference_ids_without_data_file(registry_copy: Path, tmp_path: Path) -> None:
    reference = tmp_path / "shared" / "reference" / "relief-bodies.csv"
    reference.parent.mkdir(parents=True)
    with reference.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name_ko"])
        writer.writerows([["kca", "한국소비자원"], ["new-body", "새 기관"]])
    assert messages(registry_copy) == [
        "bodies/: new-body: body 'new-body' of the reference table has no data file"
    ]


def test_load_registry_raises_listing_every_problem(registry_copy: Path, edit_body: Any) -> None:
    edit_body(registry_copy, "kca", lambda b: b.update(field="pets", verified="maybe"))
    with pytest.raises(RegistryError) as caught:
        load_registry(registry_copy)
    assert len(caught.value.problems) == 2
    assert "field is 'pets'" in str(caught.value)
    assert "verified is 'maybe'" in str(caught.value)
