"""Filters and globals the templates share."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask, g

KST = ZoneInfo("Asia/Seoul")


def install(app: Flask) -> None:
    from relief.cases.messages import outcome_label, privacy_label, state_label

    app.add_template_filter(privacy_label, "privacy_label")
    app.add_template_global(state_label, "state_label")
    app.add_template_global(outcome_label, "outcome_label")

    @app.template_filter("localtime")
    def _localtime(value: datetime | None) -> str:
        # Korean time, whatever the server's zone: that is what the consumer lives in.
        return value.astimezone(KST).strftime("%Y-%m-%d %H:%M") if value else ""

    @app.template_global("my_recent_cases")
    def _my_recent_cases(limit: int = 5) -> list[object]:
        from flask_login import current_user
        from sqlalchemy import select

        from relief.cases.models import Case
        from relief.core.db import db

        if not current_user.is_authenticated:
            return []
        return list(db.session.scalars(select(Case).where(Case.consumer_id == current_user.id)
                                       .order_by(Case.created_at.desc()).limit(limit)))

    @app.template_global("agency_name")
    def _agency_name(agency_id: str | None) -> str:
        if not agency_id:
            return ""
        from relief.core.db import db
        from relief.registry.models import Agency

        cache = g.setdefault("agency_names", {})
        if agency_id not in cache:
            agency = db.session.get(Agency, agency_id)
            cache[agency_id] = agency.name(g.get("lang", "ko")) if agency else agency_id
        return cache[agency_id]
