"""Cases, events and router verdicts as the API shows them (plain data, no rules here)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from agencies import load_registry
from relief.cases.messages import state_label
from relief.cases.models import Case, CaseEvent, Evidence
from relief.core.db import db
from relief.registry.models import Agency


class AgencyNames:
    """Names of bodies in one language, each read from the registry mirror once."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._rows: dict[str, Agency | None] = {}

    def load(self, ids: Iterable[str]) -> None:
        wanted = {i for i in ids if i and i not in self._rows}
        if wanted:
            rows = db.session.scalars(select(Agency).where(Agency.id.in_(wanted)))
            found = {row.id: row for row in rows}
            self._rows.update({i: found.get(i) for i in wanted})

    def row(self, agency_id: str | None) -> Agency | None:
        if not agency_id:
            return None
        self.load([agency_id])
        return self._rows[agency_id]

    def ref(self, agency_id: str | None) -> dict[str, str] | None:
        if not agency_id:
            return None
        row = self.row(agency_id)
        return {"id": agency_id, "name": row.name(self.lang) if row else agency_id}


def evidence_dict(item: Evidence) -> dict[str, Any]:
    return {"id": item.id, "name": item.original_name, "size": item.size,
            "content_type": item.content_type, "created_at": item.created_at}


def case_summary(case: Case, names: AgencyNames) -> dict[str, Any]:
    return {
        "id": case.id, "number": case.number, "state": case.state,
        "state_label": state_label(case.state), "state_type": case.state_type.value,
        "agency": names.ref(case.agency_id), "created_at": case.created_at,
        "updated_at": case.updated_at, "deadline": case.due_at,
    }


def case_dict(case: Case, names: AgencyNames, viewer: Any) -> dict[str, Any]:
    return {
        **case_summary(case, names),
        "closed_at": case.closed_at,
        "text": case.text,
        "facts": {"product": case.product, "business_name": case.business_name,
                  "occurred_on": case.occurred_on, "amount_krw": case.amount_krw,
                  "payment_method": case.payment_method, "channel": case.channel,
                  "region": case.region, "wish": case.wish},
        "choice": case.consumer_choice,
        "masked_kinds": list(case.masked_kinds or []),
        "evidence": [evidence_dict(e) for e in case.evidence],
        "can_withdraw": case.can_withdraw(viewer),
    }


def event_dict(case: Case, event: CaseEvent, names: AgencyNames) -> dict[str, Any]:
    data = event.data or {}
    if event.kind == "message":
        author = "consumer" if data.get("from") == "consumer" else "staff"
    elif event.actor_id is None:
        author = "system"
    else:
        author = "consumer" if event.actor_id == case.consumer_id else "staff"
    agency = data.get("agency") if isinstance(data.get("agency"), str) else None
    return {
        "id": event.id, "at": event.at, "kind": event.kind, "author": author,
        "from_state": event.from_state, "to_state": event.to_state,
        "state_label": state_label(event.to_state) if event.to_state else None,
        "agency": names.ref(agency),
        "text": event.reason,
        "file_name": data.get("name") if event.kind == "evidence" else None,
    }


def verdict_dict(routing: dict[str, Any], lang: str, personal_kinds: list[str]
                 ) -> dict[str, Any]:
    """The router's verdict with body names in ``lang``, from the registry as the web's
    routing panel has them; bodies the registry does not know (a model trained on an
    older registry) are left out, as on the web."""
    registry = load_registry()

    def ref(agency_id: str) -> dict[str, str]:
        return {"id": agency_id, "name": registry.get(agency_id).name.get(lang)}

    ranking = [r for r in routing.get("ranking") or [] if r.get("agency") in registry]
    rules = {rule.id: rule for rule in registry.rules}
    evidence = []
    for e in routing.get("evidence") or []:
        if e.get("agency") not in registry:
            continue
        rule = rules.get(e.get("rule")) if e.get("rule") else None
        evidence.append({
            "agency": e["agency"], "kind": e.get("kind") or "term", "text": e.get("text"),
            "start": e.get("start"), "end": e.get("end"), "category": e.get("category"),
            "rule": e.get("rule"), "reason": rule.reason.get(lang) if rule else None,
            "weight": e.get("weight"),
        })
    referral_id = routing.get("referral")
    referral = None
    if isinstance(referral_id, str) and referral_id in registry:
        body = registry.get(referral_id)
        referral = {"id": body.id, "name": body.name.get(lang), "hotline": body.hotline,
                    "website": body.website,
                    "note": body.referral_note.get(lang) if body.referral_note else None}
    matters = routing.get("matters")
    return {
        "ranking": [{"agency": ref(r["agency"]),
                     "score": min(1.0, max(0.0, float(r.get("score") or 0.0))),
                     "takes_cases": registry.get(r["agency"]).is_case_body}
                    for r in ranking],
        "evidence": evidence,
        "confidence": float(routing.get("confidence") or 0.0),
        "verdict": routing.get("verdict") or "ok",
        "out_of_scope": bool(routing.get("out_of_scope")),
        "referral": referral,
        "needs_triage": bool(routing.get("needs_triage")),
        "multiple_matters": bool(routing.get("multiple_matters")),
        "second_matter": ref(matters) if isinstance(matters, str)
        and matters in registry else None,
        "personal_data": personal_kinds,
    }
