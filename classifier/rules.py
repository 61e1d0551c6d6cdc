"""Precedence rules from the registry, applied to a complaint and its facts.

A rule says: when every `when_all` group has a term in the text (and the facts hold),
and no `unless_any` term is there, prefer body X over bodies Y ("a refund dispute with
a clinic is a contract matter for kca, not malpractice"). Terms match like the
registry's own `term_in_text` (spacing-insensitive for Korean, word start for Latin;
the registry matcher looks for every rule key in the same pass as the lexicon), and
also when the lemma or fuzzy matcher found a registry term with that key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from classifier.facts import conditions_hold
from classifier.lexicon import Lexicon, Rule


@dataclass(frozen=True, slots=True)
class FiredRule:
    rule: Rule
    terms: tuple[str, ...]
    start: int | None
    end: int | None


class RuleSet:
    """The lexicon's rules with each term group as a set of keys, for set-speed checks."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.rules = lexicon.rules
        self._groups = [
            [frozenset(key for _t, key, _l in group) for group in rule.when_all]
            for rule in lexicon.rules
        ]
        self._unless = [frozenset(key for _t, key, _l in rule.unless_any) for rule in lexicon.rules]

    def apply(
        self, found_keys: Mapping[str, tuple[int, int]], facts: Mapping[str, Any]
    ) -> list[FiredRule]:
        """The rules that fire on this text and these facts, in registry order."""
        keys = found_keys.keys()
        fired = []
        for rule, groups, unless in zip(self.rules, self._groups, self._unless, strict=True):
            if any(keys.isdisjoint(group) for group in groups):
                continue
            if not keys.isdisjoint(unless):
                continue
            if rule.facts and not conditions_hold(rule.facts, facts):
                continue
            terms: list[str] = []
            spans: list[tuple[int, int]] = []
            for group in rule.when_all:
                # The first term of each group that occurs, in the registry's order.
                term, key, _latin = next(spec for spec in group if spec[1] in keys)
                terms.append(term)
                spans.append(found_keys[key])
            start = min((s for s, _ in spans), default=None)
            end = max((e for _, e in spans), default=None)
            fired.append(FiredRule(rule, tuple(terms), start, end))
        return fired


def apply_rules(
    lexicon: Lexicon,
    found_keys: Mapping[str, tuple[int, int]],
    facts: Mapping[str, Any],
) -> list[FiredRule]:
    """The rules that fire on this text and these facts (compiles the rules each call)."""
    return RuleSet(lexicon).apply(found_keys, facts)
