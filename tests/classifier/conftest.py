"""Router fixtures: the trained model if there is one, else a tiny model trained here.

Training the full model takes a minute or two, so tests never require it: without
`classifier/model` (or $RELIEF_ROUTER_MODEL) a session fixture trains a small model
on a few hand-written complaints, which is enough for the contracts and rules tested.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from classifier.pipeline import CONFIG_PATH, Router, model_dir

TINY_COMPLAINTS = [
    ("헬스장 중도 해지했는데 위약금을 너무 많이 떼요", "kca"),
    ("세탁소에서 코트를 망가뜨리고 보상을 안 해줘요", "kca"),
    ("냉장고가 한 달 만에 고장났는데 교환을 거부합니다", "kca"),
    ("The gym refuses to refund my membership after I cancelled", "kca"),
    ("통신사 약정 위약금이 과하게 청구됐어요", "kcc-tdmc"),
    ("인터넷 해지했는데 요금이 계속 나가요", "kcc-tdmc"),
    ("My phone bill has charges for services I never signed up for", "kcc-tdmc"),
    ("모바일 게임 아이템 결제 환불이 안 돼요", "kcdrc"),
    ("넷플릭스 구독 해지했는데 결제가 또 됐어요", "kcdrc"),
    ("온라인 쇼핑몰에서 산 옷이 배송이 안 와요", "ecmc"),
    ("인터넷 쇼핑몰 판매자가 반품을 안 받아줘요", "ecmc"),
    ("전세 계약 끝났는데 집주인이 보증금을 안 돌려줘요", "hldc"),
    ("월세 보증금 반환을 집주인이 미루고 있어요", "hldc"),
    ("수술 후 부작용으로 신경이 손상됐어요", "kmdma"),
    ("병원 치료 중 의료사고로 장애가 생겼습니다", "kmdma"),
    ("카드사가 보험금 지급을 거절했어요", "fss-fdmc"),
    ("은행 대출 금리를 마음대로 올렸어요", "fss-fdmc"),
    ("중고나라에서 돈만 받고 판매자가 잠수탔어요", "police-cyber"),
    ("개인 간 거래 사기를 당했어요 돈 보냈는데 연락두절", "police-cyber"),
    ("알바비를 석 달째 못 받고 있어요", "moel-labor"),
    ("회사가 월급을 체불하고 있습니다", "moel-labor"),
    ("공장 매연 때문에 농작물이 말라 죽었어요", "env-central"),
    ("공사장 소음과 먼지 때문에 잠을 못 자요", "env-local"),
    ("윗집 층간소음 때문에 너무 힘들어요", "noise-neighbour"),
    ("해외직구로 산 신발이 안 와요", "kca-crossborder"),
    ("I ordered from an overseas website and the item never arrived", "kca-crossborder"),
]


def write_tiny_fixtures(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "tiny.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for text, agency in TINY_COMPLAINTS:
            fh.write(json.dumps({"text": text, "agency": agency}, ensure_ascii=False) + "\n")
    return directory


def write_tiny_config(path: Path) -> Path:
    """The real config with fewer epochs, two folds and a small hash table."""
    text = CONFIG_PATH.read_text("utf-8")
    text = text.replace("epochs = 6", "epochs = 2").replace("folds = 4", "folds = 2")
    text = text.replace("length = 65536", "length = 4096")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def train_tiny(output: Path, work: Path, *, seed: int = 0, if_missing: bool = False) -> dict:
    from classifier.train import train

    return train(
        config_path=write_tiny_config(work / "tiny.cfg"),
        fixtures=write_tiny_fixtures(work / "fixtures"),
        output=output,
        seed=seed,
        progress=None,
        if_missing=if_missing,
    )


@pytest.fixture(scope="session")
def model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    existing = model_dir()
    if (existing / "combiner.json").exists():
        return existing
    work = tmp_path_factory.mktemp("router")
    train_tiny(work / "model", work)
    return work / "model"


@pytest.fixture(scope="session")
def router(model_path: Path) -> Router:
    return Router.load(model_path)


@pytest.fixture
def model_env(model_path: Path) -> dict[str, str]:
    """Environment for a `python -m classifier` subprocess using the test model."""
    return dict(os.environ, RELIEF_ROUTER_MODEL=str(model_path))
