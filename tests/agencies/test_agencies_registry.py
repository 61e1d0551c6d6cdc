"""The packaged registry: complete, consistent with the reference table, usable."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from agencies import Localized, load_registry, validate

PACKAGE = Path(__file__).resolve().parents[2] / "agencies"
REFERENCE_CSV = PACKAGE.parent.parent / "shared" / "reference" / "relief-bodies.csv"
REFERRALS = {"klac", "acrc-epeople", "police-cyber", "moel-labor"}


def reference_rows() -> list[dict[str, str]]:
    if not REFERENCE_CSV.is_file():
        pytest.skip("shared reference table not checked out")
    with REFERENCE_CSV.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_packaged_registry_validates_without_problems() -> None:
    assert [str(p) for p in validate()] == []


def test_registry_holds_all_70_bodies_of_the_reference_table_with_their_ids() -> None:
    registry = load_registry()
    assert len(registry) == 70
    assert set(registry.ids) == {row["id"] for row in reference_rows()}


def test_kind_field_and_verified_flag_follow_the_reference_table() -> None:
    registry = load_registry()
    for row in reference_rows():
        body = registry.get(row["id"])
        assert (body.kind, body.field, body.verified) == (
            row["kind"],
            row["field"],
            row["verified"],
        )


def test_deadlines_are_the_reference_values_and_blank_means_unknown() -> None:
    registry = load_registry()
    for row in reference_rows():
        deadline = registry.get(row["id"]).deadline
        expected = int(row["statutory_deadline_days"]) if row["statutory_deadline_days"] else None
        assert deadline.days == expected, row["id"]
        assert (deadline.day_type is None) == (expected is None), row["id"]
        assert deadline.is_known == (expected is not None)


def test_hotlines_are_the_reference_phone_numbers() -> None:
    registry = load_registry()
    for row in reference_rows():
        assert registry.get(row["id"]).hotline == (row["phone"] or None), row["id"]


def test_referral_bodies_are_the_four_that_open_no_case() -> None:
    registry = load_registry()
    assert {body.id for body in registry.referrals} == REFERRALS
    assert len(registry.case_bodies) == 66
    assert all(body.referral_note is not None for body in registry.referrals)
    assert all(body.referral_note is None for body in registry.case_bodies)


def test_every_body_has_rich_routing_lexicons_in_both_languages() -> None:
    for body in load_registry():
        korean = list(body.routing.all_terms("ko"))
        english = list(body.routing.all_terms("en"))
        assert len(korean) >= 20, body.id
        assert len(english) >= 15, body.id


def test_all_terms_leaves_out_exclusions_unless_asked_for() -> None:
    routing = load_registry().get("kca").routing
    plain = {term for _, term in routing.all_terms()}
    everything = {term for _, term in routing.all_terms(include_exclusions=True)}
    assert "임금체불" not in plain
    assert "임금체불" in everything
    assert {category for category, _ in routing.all_terms()} == {
        "terms", "products", "businesses", "colloquial",
    }  # fmt: skip


def test_get_of_an_unknown_id_raises_key_error_naming_it() -> None:
    with pytest.raises(KeyError, match="no-such-body"):
        load_registry().get("no-such-body")


def test_by_field_puts_every_body_in_exactly_one_known_field() -> None:
    registry = load_registry()
    grouped = registry.by_field()
    assert set(grouped) <= set(registry.fields)
    assert sorted(b.id for bodies in grouped.values() for b in bodies) == list(registry.ids)


def test_localized_text_falls_back_to_english_for_other_locales() -> None:
    text = Localized(ko="소비자원", en="Consumer Agency")
    assert text.get("ko") == text.get("ko-KR") == "소비자원"
    assert text.get("en") == text.get("ja") == "Consumer Agency"


def test_load_registry_is_cached_per_path() -> None:
    assert load_registry() is load_registry(PACKAGE)


def test_to_dict_gives_the_data_file_shape() -> None:
    data = load_registry().to_dict("kca")
    assert list(data)[:3] == ["id", "kind", "field"]
    assert data["deadline"]["days"] == 30
    assert data["letter"]["next_steps"][0]["body"] == "kca-cdmc"


def test_every_rule_prefers_one_existing_body_over_others() -> None:
    registry = load_registry()
    assert len(registry.rules) >= 25
    for rule in registry.rules:
        assert rule.prefer in registry
        assert rule.over
        assert all(other in registry for other in rule.over)
        assert rule.prefer not in rule.over


@pytest.mark.parametrize(
    ("rule_id", "text", "facts", "applies"),
    [
        ("clinic-refund-is-contract", "성형외과 시술 선납금 환불을 거부해요", None, True),
        ("clinic-refund-is-contract", "성형외과 시술 후 부작용으로 흉터가 남았어요", None, False),
        ("treatment-injury-is-malpractice", "임플란트 시술 후 신경 손상이 생겼습니다", None, True),
        ("drug-side-effect-under-normal-use", "감기약 먹고 두드러기가 나서 입원했어요", None, True),
        (
            "drug-side-effect-under-normal-use",
            "약국에서 조제 실수로 다른 약을 받아 입원",
            None,
            False,
        ),
        (
            "goods-from-abroad-by-text",
            "I ordered shoes on AliExpress and they never came",
            None,
            True,
        ),
        ("goods-from-abroad-by-channel", "운동화가 배송되지 않았어요", {"channel": "abroad"}, True),
        ("goods-from-abroad-by-channel", "운동화가 배송되지 않았어요", None, False),
        ("p2p-secondhand-scam-is-fraud", "중고나라에서 입금했는데 판매자가 잠수탔어요", None, True),
        ("digital-content-is-kcdrc", "아이가 게임에서 인앱결제를 50만원 했어요", None, True),
        (
            "phone-broadband-contract-is-telecom",
            "인터넷 해지하려니 위약금을 과하게 청구",
            None,
            True,
        ),
        ("residential-deposit-is-housing-lease", "집주인이 전세 보증금을 안 돌려줘요", None, True),
        ("residential-deposit-is-housing-lease", "가게 보증금을 건물주가 안 돌려줘요", None, False),
        ("commercial-lease-is-cldc", "가게 권리금 회수를 건물주가 방해합니다", None, True),
        ("outside-noise-small-claim-env-local", "옆 공사장 소음", {"amount_krw": 3_000_000}, True),
        (
            "outside-noise-small-claim-env-local",
            "옆 공사장 소음",
            {"amount_krw": 300_000_000},
            False,
        ),
        (
            "outside-noise-large-claim-env-central",
            "옆 공사장 소음",
            {"amount_krw": 300_000_000},
            True,
        ),
        ("outside-noise-small-claim-env-local", "옆 공사장 소음", None, False),
        ("lemon-law-repeated-defect", "신차 출고 후 같은 하자로 세 번 입고했어요", None, True),
        ("unpaid-wages-labour", "편의점 알바비를 사장이 안줘요", None, True),
        ("sangjo-company-bust", "가입한 상조회사가 폐업했대요", None, True),
        ("sangjo-cancellation-while-trading", "가입한 상조회사가 폐업했대요 환불은?", None, False),
        ("post-office-insurance", "우체국 보험금 청구를 거절당했어요", None, True),
    ],
)
def test_rules_apply_to_the_text_and_facts_they_describe(
    rule_id: str, text: str, facts: dict[str, object] | None, applies: bool
) -> None:
    rule = next(r for r in load_registry().rules if r.id == rule_id)
    assert rule.applies(text, facts) is applies
