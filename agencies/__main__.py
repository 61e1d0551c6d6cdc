"""Command line: `python -m agencies check` and `python -m agencies search "query"`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from agencies.loader import load_registry, validate
from agencies.search import search_bodies


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m agencies", description=__doc__)
    parser.add_argument("--path", type=Path, default=None, help="registry directory")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", help="validate the registry; prints one JSON object")
    finder = commands.add_parser("search", help="find bodies as the public directory does")
    finder.add_argument("query")
    finder.add_argument("--lang", default="ko", choices=("ko", "en"))
    finder.add_argument("--limit", type=int, default=10)
    args = parser.parse_args(argv)

    if args.command == "check":
        return _check(args.path)
    return _search(args.path, args.query, args.lang, args.limit)


def _check(path: Path | None) -> int:
    problems = validate(path)
    body_dir = (path or Path(__file__).resolve().parent) / "bodies"
    files = sorted(body_dir.glob("*.json"))
    report = {
        "bodies": len(files),
        "ids": sorted(_declared_id(file) or file.stem for file in files),
        "problems": [str(p) for p in problems],
    }
    print(json.dumps(report, ensure_ascii=False))
    return 1 if problems else 0


def _declared_id(file: Path) -> str | None:
    """The id a body file declares, or None when it cannot be read (reported anyway)."""
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if isinstance(data, dict) and isinstance(data.get("id"), str):
        return data["id"]
    return None


def _search(path: Path | None, query: str, lang: str, limit: int) -> int:
    registry = load_registry(path)
    hits = search_bodies(registry, query, lang=lang, limit=limit)
    if not hits:
        print("no matching body" if lang == "en" else "맞는 기관이 없습니다")
        return 1
    for hit in hits:
        body = registry.get(hit.body_id)
        print(f"{hit.score:5.2f}  {hit.body_id:22} {body.name.get(lang)}")
        print(f"       {', '.join(hit.matched)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
