"""The one narrow door to the router: relief never imports spaCy."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

log = logging.getLogger(__name__)


def route_text(text: str, facts: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The router's verdict as plain data; on a missing model, a verdict asking for triage."""
    from classifier import route_complaint

    try:
        return route_complaint(text, facts).to_dict()
    except FileNotFoundError:
        log.error("router model missing: filing goes to triage (run python -m classifier train)")
        return {"ranking": [], "evidence": [], "out_of_scope": False, "referral": None,
                "multiple_matters": False, "confidence": 0.0, "needs_triage": True,
                "verdict": "router_unavailable", "lang": "ko"}
