"""People who use relief: consumers, officers of one body, supervisors, admins."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from relief.core.db import Base, UTCDateTime, utcnow


class Role(enum.StrEnum):
    CONSUMER = "consumer"
    OFFICER = "officer"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"

    @property
    def is_staff(self) -> bool:
        return self is not Role.CONSUMER


STAFF_ROLES = (Role.OFFICER, Role.SUPERVISOR, Role.ADMIN)


class User(UserMixin, Base):
    __tablename__ = "users"
    __table_args__ = (
        # An officer belongs to exactly one body; nobody else belongs to one.
        CheckConstraint(
            "(role = 'officer' AND agency_id IS NOT NULL) OR "
            "(role <> 'officer' AND agency_id IS NULL)",
            name="officer_has_one_agency",
        ),
        CheckConstraint(
            "role IN ('consumer', 'officer', 'supervisor', 'admin')", name="role_known"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, index=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=Role.CONSUMER.value)
    agency_id: Mapped[str | None] = mapped_column(
        String(40), ForeignKey("agencies.id"), nullable=True, index=True
    )
    locale: Mapped[str] = mapped_column(String(5), default="ko")
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # Per-account throttle: consecutive failures and when the account may try again.
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # Changing it (password change/reset) invalidates every other session of the user.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    active: Mapped[bool] = mapped_column(default=True)

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def is_staff(self) -> bool:
        return self.role_enum.is_staff

    @property
    def is_active(self) -> bool:  # flask-login
        return bool(self.active)

    def get_id(self) -> str:
        # The session remembers the version, so a reset logs other sessions out.
        return f"{self.id}:{self.session_version}"

    def has_role(self, *roles: Role | str) -> bool:
        return self.role in {Role(r).value for r in roles}

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"
