"""Business names as consumers type them, grouped so complaints about one business meet."""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.orm import Session

_LEGAL_FORMS = re.compile(
    r"\(주\)|㈜|\(유\)|\(사\)|\(재\)|주식회사|유한회사|유한책임회사|합자회사|"
    r"\b(co|corp|corporation|inc|ltd|llc|limited|company)\b\.?", re.I)
_NOISE = re.compile(r"[\s\-_.,·'\"()\[\]]+")
MATCH_CUTOFF = 90


def normalise_business(name: str) -> str:
    """'(주)오케이몰 ', '㈜ 오케이 몰' -> '오케이몰': lowercase, no legal form, no spacing."""
    text = unicodedata.normalize("NFKC", name).lower()
    text = _LEGAL_FORMS.sub(" ", text)
    return _NOISE.sub("", text)[:200]


def business_key(session: Session, name: str | None) -> str | None:
    """The key of an already-seen business this name most likely means, else its own key."""
    if not name or not name.strip():
        return None
    from relief.cases.models import Case

    key = normalise_business(name)
    if not key:
        return None
    # Candidates share the first character; keeps the comparison small at scale.
    candidates = session.scalars(
        select(Case.business_key).where(Case.business_key.like(f"{key[0]}%"))
        .distinct().limit(5000)).all()
    best = process.extractOne(key, [c for c in candidates if c], scorer=fuzz.ratio,
                              score_cutoff=MATCH_CUTOFF)
    return best[0] if best else key
