"""Verification codes printed on letters: short, unambiguous, unguessable.

Ten characters of Crockford's base32 (no I, L, O or U) carry 50 random bits, so
guessing a valid code among a million letters takes about 10^9 tries: the public
page needs no login, and its rate limit makes guessing hopeless. People read codes
aloud and type them from paper, so input is forgiving: case, spaces and hyphens do
not matter, and I/L read as 1 and O as 0.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10
CODE_BITS = CODE_LENGTH * 5
_CONFUSABLE = str.maketrans({"I": "1", "L": "1", "O": "0"})
_VALID = re.compile(f"[{ALPHABET}]{{{CODE_LENGTH}}}")


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: str) -> str | None:
    """The code as stored, or None if ``raw`` cannot be one."""
    code = re.sub(r"[\s\-]", "", raw or "").upper().translate(_CONFUSABLE)
    return code if _VALID.fullmatch(code) else None


def display_code(code: str) -> str:
    """ABCDE-FGHJK: two groups of five are easier to read out and copy."""
    return f"{code[:5]}-{code[5:]}" if len(code) == CODE_LENGTH else code
