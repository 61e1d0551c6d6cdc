"""Resolution letters: rendered once, stored with their SHA-256, never changed.

A correction is a new letter that supersedes the old one; both are kept.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from relief.core.db import Base, UTCDateTime, utcnow


class Letter(Base):
    __tablename__ = "letters"
    __table_args__ = (
        UniqueConstraint("case_id", "seq", name="uq_letters_case_seq"),
        CheckConstraint("status IN ('pending', 'issued', 'failed')", name="status_known"),
        # An issued letter has its file and hash; a pending one has neither.
        CheckConstraint("(status = 'issued') = (sha256 IS NOT NULL AND stored_name IS NOT NULL)",
                        name="issued_has_hash"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)  # 1, 2, ... per case: the document number's tail
    lang: Mapped[str] = mapped_column(String(2), default="ko")
    status: Mapped[str] = mapped_column(String(10), default="pending")
    verification_code: Mapped[str] = mapped_column(String(32), unique=True)
    sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    stored_name: Mapped[str | None] = mapped_column(String(80), nullable=True, unique=True)
    size: Mapped[int | None] = mapped_column(Integer, nullable=True)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("letters.id"), nullable=True)
    correction_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # When the consumer was told of the issued letter; NULL while that is still owed, so
    # a worker killed between the commit and the mail does not lose the notice.
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
