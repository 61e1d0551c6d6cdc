"""Officers' confirmed routings and transfers, turned into training examples.

The case desk records what a person decided: the router's body confirmed
("confirmed"), a case moved to the right body ("transfer", with `from_agency`), or a
supervisor's choice for a case the router was unsure of ("triage"). Each decision
becomes one example in the fixtures format, labelled with the body a person chose;
`python -m classifier train --feedback FILE.jsonl` trains on them with fixtures/.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from classifier.text import clean_text, verdict_for

SOURCES = ("confirmed", "transfer", "triage")
MAX_TEXT = 5000


def examples_from_decisions(decisions: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Training examples {"text", "agency", "lang", "style", "source"} from decisions.

    Decisions without usable text or body, or with an unknown source, are skipped;
    a transfer back to the body it came from teaches nothing and is skipped too.
    Repeated texts keep the latest decision (a later transfer corrects a confirmation).
    """
    by_text: dict[str, dict[str, Any]] = {}
    for decision in decisions:
        text = decision.get("text")
        agency = decision.get("agency")
        source = decision.get("source")
        if not isinstance(text, str) or not isinstance(agency, str) or not agency.strip():
            continue
        if source not in SOURCES:
            continue
        if source == "transfer" and decision.get("from_agency") == agency:
            continue
        text = " ".join(text.split())[:MAX_TEXT]
        verdict, lang = verdict_for(clean_text(text))
        if verdict is not None:
            continue
        style = [f"feedback-{source}"]
        if source == "transfer" and isinstance(decision.get("from_agency"), str):
            # A transfer is a confusion the router (or a person) made: worth remembering.
            style.append("confusable")
        example = {
            "text": text,
            "agency": agency.strip(),
            "lang": lang,
            "style": style,
            "source": source,
        }
        if isinstance(decision.get("from_agency"), str):
            example["from_agency"] = decision["from_agency"]
        by_text.pop(text, None)
        by_text[text] = example
    return list(by_text.values())
