"""The registry of relief bodies: the single truth about where a complaint can go.

Data files in `agencies/bodies/`, `rules.json` and `fields.json`; this package loads
and validates them and imports nothing else of the project.
"""

from agencies.loader import (
    Problem,
    RegistryError,
    clear_registry_cache,
    dump_body,
    load_registry,
    validate,
    write_body,
)
from agencies.model import (
    Body,
    Deadline,
    FactConditions,
    Letter,
    Localized,
    NextStep,
    PrecedenceRule,
    Registry,
    Routing,
    TermList,
)
from agencies.search import SearchHit, search_bodies
from agencies.text import term_in_text

__all__ = [
    "Body",
    "Deadline",
    "FactConditions",
    "Letter",
    "Localized",
    "NextStep",
    "PrecedenceRule",
    "Problem",
    "Registry",
    "RegistryError",
    "Routing",
    "SearchHit",
    "TermList",
    "clear_registry_cache",
    "dump_body",
    "load_registry",
    "search_bodies",
    "term_in_text",
    "validate",
    "write_body",
]
