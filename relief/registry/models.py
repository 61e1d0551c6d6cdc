"""The database mirror of the agency registry in ``agencies/``.

The data files are the truth; the mirror lets cases, users and statistics refer to
bodies with foreign keys, and records every change with who, when and why.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from relief.core.db import Base, UTCDateTime, utcnow


class Agency(Base):
    __tablename__ = "agencies"
    __table_args__ = (
        CheckConstraint("kind IN ('relief', 'report', 'referral')", name="kind_known"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    field: Mapped[str] = mapped_column(String(40), index=True)
    name_ko: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    deadline_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # The whole body as in its data file, so an admin edit can be exported back.
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    data_sha256: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_ko


class AgencyChange(Base):
    """Who changed a body, when and why: synced from files or edited by an admin."""

    __tablename__ = "agency_changes"
    __table_args__ = (CheckConstraint("source IN ('sync', 'admin')", name="source_known"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    source: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict[str, Any]] = mapped_column(JSON)
