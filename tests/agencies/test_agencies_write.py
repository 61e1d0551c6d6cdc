"""Exporting a body back to its data file, as the admin UI does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agencies import RegistryError, dump_body, load_registry, write_body

PACKAGE = Path(__file__).resolve().parents[2] / "agencies"


def test_load_then_write_gives_identical_bytes_for_every_body(tmp_path: Path) -> None:
    registry = load_registry()
    for body_id in registry.ids:
        target = tmp_path / "bodies" / f"{body_id}.json"
        write_body(registry.to_dict(body_id), target, registry=registry)
        original = (PACKAGE / "bodies" / f"{body_id}.json").read_bytes()
        assert target.read_bytes() == original, body_id


def test_written_files_are_utf8_with_real_hangul_and_two_space_indent(tmp_path: Path) -> None:
    target = write_body(load_registry().to_dict("kca"), tmp_path / "bodies" / "kca.json")
    text = target.read_text(encoding="utf-8")
    assert '\n  "kind": "relief",' in text
    assert "한국소비자원" in text
    assert "\\u" not in text
    assert text.endswith("}\n")


def test_shuffled_keys_are_written_in_schema_order() -> None:
    body = load_registry().to_dict("kcdrc")
    shuffled = dict(reversed(list(body.items())))
    shuffled["deadline"] = dict(reversed(list(body["deadline"].items())))
    assert dump_body(shuffled) == dump_body(body)


def test_an_edit_is_seen_by_the_next_load(registry_copy: Path) -> None:
    registry = load_registry(registry_copy)
    body = registry.to_dict("kca")
    body["hotline"] = "1588-1372"
    write_body(body, registry_copy / "bodies" / "kca.json", registry=registry)
    assert load_registry(registry_copy).get("kca").hotline == "1588-1372"


def test_an_invalid_body_is_refused_and_the_file_left_untouched(registry_copy: Path) -> None:
    file = registry_copy / "bodies" / "kca.json"
    before = file.read_bytes()
    body = json.loads(before)
    body["deadline"]["day_type"] = None
    with pytest.raises(RegistryError, match="day_type is null"):
        write_body(body, file)
    assert file.read_bytes() == before


def test_a_dangling_next_step_is_refused_when_the_registry_is_given(registry_copy: Path) -> None:
    registry = load_registry(registry_copy)
    body = registry.to_dict("kca")
    body["letter"]["next_steps"][0]["body"] = "nowhere"
    with pytest.raises(RegistryError, match="unknown body 'nowhere'"):
        write_body(body, registry_copy / "bodies" / "kca.json", registry=registry)


def test_a_body_written_under_another_file_name_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match="should match the file name 'kca2'"):
        write_body(load_registry().to_dict("kca"), tmp_path / "bodies" / "kca2.json")
