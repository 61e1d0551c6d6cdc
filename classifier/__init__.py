"""relief's router: a complaint in Korean or English -> ranked relief bodies, with evidence.

The web app, the API and the CLI all call `route_complaint`; the trained model is
loaded once per process on first use (or by `warm_up`). Importing this package does
not import spaCy or Kiwi.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from classifier.result import Evidence, RoutingResult

if TYPE_CHECKING:
    from classifier.pipeline import Router

__all__ = ["Evidence", "RoutingResult", "get_router", "reset_router", "route_complaint", "warm_up"]

_ROUTER: Router | None = None
_LOCK = threading.Lock()


def get_router(path: Path | None = None) -> Router:
    """The process-wide router, loaded on first use (thread-safe).

    Raises FileNotFoundError when no trained model exists (run `python -m classifier train`).
    """
    global _ROUTER
    if _ROUTER is None:
        with _LOCK:
            if _ROUTER is None:
                from classifier.pipeline import Router

                _ROUTER = Router.load(path)
    return _ROUTER


def reset_router() -> None:
    """Forget the loaded model (after retraining, or in tests)."""
    global _ROUTER
    with _LOCK:
        _ROUTER = None


def warm_up() -> None:
    """Load the model and run one complaint through it, so the first user waits for nothing."""
    router = get_router()
    router.route("헬스장 환불을 거부당했어요")
    router.route("The gym refused to refund my membership")


def route_complaint(text: str, facts: Mapping[str, Any] | None = None) -> RoutingResult:
    """Route one complaint. Never raises on bad text: the verdict says what is wrong.

    `facts` may hold `amount_krw`, `region`, `channel` ("abroad", ...) and `business`.
    """
    return get_router().route(text, facts)
