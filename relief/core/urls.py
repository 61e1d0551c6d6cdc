"""Redirect targets we accept: our own relative paths only."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_next(target: str | None, default: str = "/") -> str:
    if not target:
        return default
    target = target.strip()
    parts = urlsplit(target)
    # Reject absolute URLs, scheme-relative //host and backslash tricks browsers accept.
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or any(ord(c) < 32 for c in target):
        return default
    return target
