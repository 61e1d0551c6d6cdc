"""The Consumer Dispute Resolution Standards (FTC notice 2025-14) as data, matching and formulas.

Plain Python: no Flask, no database. The cleaned notice lives in
``fixtures/standards/``; ``python -m relief.standards.clean`` rebuilds it from the source.
Every remedy carries the notice number and date, and the notice itself is authoritative.
"""

from relief.standards.formulas import Computation, Formula
from relief.standards.match import StandardMatch, match_standard
from relief.standards.model import (
    IN_FORCE,
    NOTICE_NUMBER,
    Dispute,
    Item,
    Notice,
    RemedyCase,
    Standards,
    StandardsError,
    load_standards,
)

__all__ = [
    "IN_FORCE",
    "NOTICE_NUMBER",
    "Computation",
    "Dispute",
    "Formula",
    "Item",
    "Notice",
    "RemedyCase",
    "StandardMatch",
    "Standards",
    "StandardsError",
    "load_standards",
    "match_standard",
]
