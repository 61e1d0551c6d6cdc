"""The statutory clock: days per body from the registry, counted from acceptance.

Calendar or business days (weekends and Korean public holidays skipped), plus days
the clock stood still while the body waited for the consumer (where its law allows)
and extensions recorded with a reason.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

KST = ZoneInfo("Asia/Seoul")
DUE_SOON_DAYS = 3


@lru_cache(maxsize=8)
def _korean_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("KR", years=range(year, year + 3))


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _korean_holidays(day.year)


def add_days(start: date, days: int, day_type: str) -> date:
    """The date ``days`` calendar or business days after ``start``."""
    if day_type != "business":
        return start + timedelta(days=days)
    current, left = start, days
    while left > 0:
        current += timedelta(days=1)
        if is_business_day(current):
            left -= 1
    return current


def due_at(accepted_at: datetime, days: int, day_type: str, *, paused_days: int = 0,
           extended_days: int = 0) -> datetime:
    """End of the due day in Korean time, as an aware UTC datetime."""
    start = accepted_at.astimezone(KST).date()
    due_day = add_days(start, days + extended_days, day_type) + timedelta(days=paused_days)
    end = datetime.combine(due_day, datetime.max.time().replace(microsecond=0), tzinfo=KST)
    return end.astimezone(ZoneInfo("UTC"))


def deadline_status(due: datetime | None, now: datetime, *, paused: bool = False) -> str:
    """'none' | 'paused' | 'ok' | 'due_soon' | 'overdue' for queues and flags."""
    if due is None:
        return "none"
    if paused:
        return "paused"
    if now > due:
        return "overdue"
    if due - now <= timedelta(days=DUE_SOON_DAYS):
        return "due_soon"
    return "ok"
