"""Mass damage: complaints about one business rising together, alerts and collective groups.

A business is a cluster of business keys (``relief.stats.businesses``). It is
*rising* when the cases about it filed in the last ``window_days`` and not yet in a
collective group number at least ``min_rising`` and at least ``rising_factor`` times
its average over the ``baseline_windows`` windows before. A rising business with at
least ``threshold`` such cases (50 by default: the size the Korea Consumer Agency's
collective mediation needs) raises a ``MassDamageAlert`` and mails the supervisors.
A supervisor reviews the cases side by side and groups them into a
``CollectiveGroup`` that the officers of its body then work together.

Detection is idempotent: an open alert is updated, not raised twice, and a dismissed
one keeps the business quiet for a window. ``run_once(app)`` is what the periodic
task and ``flask --app wsgi stats detect-mass-damage`` call.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from agencies import load_registry
from relief.accounts.models import Role, User
from relief.audit.models import record
from relief.cases.models import Case, CaseEvent
from relief.cases.states import CaseState
from relief.core.db import utcnow
from relief.stats.businesses import cluster_keys
from relief.stats.models import CollectiveGroup, MassDamageAlert

DEFAULT_THRESHOLD = 50
GROUP_NAME_MAX = 200
NOTE_MAX = 2000
REVIEW_LIMIT = 500  # cases shown side by side for one alert


class GroupingError(ValueError):
    """A grouping rule was broken; ``code`` is stable and translated by the caller."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class MassDamagePolicy:
    threshold: int = DEFAULT_THRESHOLD
    window_days: int = 30
    baseline_windows: int = 3
    rising_factor: float = 2.0
    min_rising: int = 10

    @classmethod
    def for_app(cls, app: Flask | None = None, **overrides: Any) -> MassDamagePolicy:
        """The threshold from the config's ``extra`` or ``RELIEF_MASS_DAMAGE_THRESHOLD``."""
        extra: Mapping[str, object] = {}
        if app is not None:
            extra = app.config["RELIEF"].extra
        raw = extra.get("mass_damage_threshold") or os.environ.get(
            "RELIEF_MASS_DAMAGE_THRESHOLD")
        values: dict[str, Any] = {}
        if raw:
            values["threshold"] = max(1, int(str(raw)))
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


@dataclass
class BusinessSignal:
    """One business as the detector sees it."""

    key: str  # the most frequent key of the cluster: what an alert is filed under
    keys: list[str]
    recent: int  # ungrouped, not withdrawn, filed within the window
    baseline: float  # average per window before it
    rising: bool = False
    alerting: bool = False
    per_key: dict[str, int] = field(default_factory=dict)


@dataclass
class DetectionResult:
    signals: list[BusinessSignal]
    raised: list[MassDamageAlert]
    updated: list[MassDamageAlert]


def _window_counts(session: Session, policy: MassDamagePolicy, now: datetime
                   ) -> tuple[dict[str, int], dict[str, int]]:
    window_start = now - timedelta(days=policy.window_days)
    baseline_start = window_start - timedelta(days=policy.window_days * policy.baseline_windows)
    recent = and_(Case.created_at >= window_start, Case.collective_group_id.is_(None),
                  Case.state != CaseState.WITHDRAWN.value)
    stmt = (select(Case.business_key,
                   func.sum(case((recent, 1), else_=0)),
                   func.sum(case((Case.created_at < window_start, 1), else_=0)))
            .where(Case.business_key.is_not(None), Case.created_at >= baseline_start,
                   Case.created_at <= now)
            .group_by(Case.business_key))
    recent_counts, before_counts = {}, {}
    for key, r, b in session.execute(stmt):
        recent_counts[key], before_counts[key] = int(r or 0), int(b or 0)
    return recent_counts, before_counts


def signals(session: Session, policy: MassDamagePolicy, now: datetime | None = None
            ) -> list[BusinessSignal]:
    """Every business with a case in the window, most recent cases first."""
    now = now or utcnow()
    recent, before = _window_counts(session, policy, now)
    weights = {k: recent[k] + before[k] for k in recent if recent[k] or before[k]}
    out = []
    for keys in cluster_keys(weights):
        r = sum(recent[k] for k in keys)
        if not r:
            continue
        baseline = sum(before[k] for k in keys) / policy.baseline_windows
        # A threshold set below the rising minimum still alerts when it is passed.
        rising = (r >= min(policy.min_rising, policy.threshold)
                  and r >= policy.rising_factor * max(baseline, 1.0))
        out.append(BusinessSignal(keys[0], keys, r, baseline, rising,
                                  rising and r >= policy.threshold,
                                  {k: recent[k] for k in keys if recent[k]}))
    return sorted(out, key=lambda s: (-s.recent, s.key))


def _open_alert(session: Session, keys: list[str]) -> MassDamageAlert | None:
    return session.scalar(select(MassDamageAlert).where(
        MassDamageAlert.business_key.in_(keys), MassDamageAlert.acknowledged_at.is_(None),
        MassDamageAlert.group_id.is_(None)).order_by(MassDamageAlert.id.desc()).limit(1))


def _recently_dismissed(session: Session, keys: list[str], since: datetime) -> bool:
    return session.scalar(select(func.count()).select_from(MassDamageAlert).where(
        MassDamageAlert.business_key.in_(keys), MassDamageAlert.acknowledged_at >= since,
        MassDamageAlert.group_id.is_(None))) > 0


def detect(session: Session, policy: MassDamagePolicy, now: datetime | None = None
           ) -> DetectionResult:
    """Raise or update alerts for rising businesses past the threshold; does not commit."""
    now = now or utcnow()
    found = signals(session, policy, now)
    raised, updated = [], []
    for s in found:
        if not s.alerting:
            continue
        alert = _open_alert(session, s.keys)
        if alert is not None:
            if alert.case_count != s.recent:
                alert.case_count = s.recent
                updated.append(alert)
            continue
        if _recently_dismissed(session, s.keys, now - timedelta(days=policy.window_days)):
            continue
        alert = MassDamageAlert(business_key=s.key, case_count=s.recent,
                                window_days=policy.window_days, threshold=policy.threshold,
                                raised_at=now)
        session.add(alert)
        raised.append(alert)
    session.flush()
    for alert in raised:
        record(session, actor_id=None, action="mass_damage.alert", target_type="mass_damage_alert",
               target_id=alert.id, business_key=alert.business_key, cases=alert.case_count)
    return DetectionResult(found, raised, updated)


def candidate_cases(session: Session, alert: MassDamageAlert, now: datetime | None = None,
                    limit: int = REVIEW_LIMIT) -> tuple[list[str], list[Case]]:
    """The business's keys and its ungrouped cases of the alert's window, newest first."""
    now = now or utcnow()
    since = min(alert.raised_at, now) - timedelta(days=alert.window_days)
    keys = business_keys_of(session, alert.business_key, since)
    cases = list(session.scalars(
        select(Case).where(Case.business_key.in_(keys), Case.created_at >= since,
                           Case.collective_group_id.is_(None),
                           Case.state != CaseState.WITHDRAWN.value)
        .order_by(Case.created_at.desc(), Case.id.desc()).limit(limit)))
    return keys, cases


def business_keys_of(session: Session, key: str, since: datetime) -> list[str]:
    """Every key seen since ``since`` that names the same business as ``key``."""
    stmt = (select(Case.business_key, func.count()).where(
        Case.business_key.is_not(None), Case.created_at >= since)
        .group_by(Case.business_key))
    counts = {k: n for k, n in session.execute(stmt)}
    counts.setdefault(key, 0)
    for keys in cluster_keys(counts):
        if key in keys:
            return keys
    return [key]


def suggested_body(cases: list[Case]) -> str | None:
    """The body most of the cases are with: where the group is worked by default."""
    counts: dict[str, int] = defaultdict(int)
    for c in cases:
        if c.agency_id:
            counts[c.agency_id] += 1
    return max(counts, key=lambda a: (counts[a], a == "kca")) if counts else None


def _require_supervisor(actor: User) -> None:
    if actor is None or actor.role not in (Role.SUPERVISOR.value, Role.ADMIN.value):
        raise GroupingError("not_allowed")


def group_cases(session: Session, actor: User, case_ids: list[int], *, name: str,
                agency_id: str | None, note: str = "", alert: MassDamageAlert | None = None,
                group: CollectiveGroup | None = None) -> CollectiveGroup:
    """Put cases into a new collective group, or into ``group``; does not commit.

    Raises ``GroupingError`` with code ``not_allowed`` (not a supervisor), ``no_cases``,
    ``already_grouped`` (a case is in another group), ``name_required``,
    ``agency_invalid`` or ``group_closed``.
    """
    _require_supervisor(actor)
    ids = sorted(set(case_ids))
    if not ids:
        raise GroupingError("no_cases")
    cases = list(session.scalars(select(Case).where(Case.id.in_(ids))))
    if len(cases) != len(ids):
        raise GroupingError("no_cases")
    if group is None:
        name = name.strip()[:GROUP_NAME_MAX]
        if not name:
            raise GroupingError("name_required")
        registry = load_registry()
        if agency_id and (agency_id not in registry or not registry.get(agency_id).is_case_body):
            raise GroupingError("agency_invalid")
        key = alert.business_key if alert else _most_common_key(cases)
        group = CollectiveGroup(business_key=key, name=name, agency_id=agency_id or None,
                                status="open", created_by=actor.id, created_at=utcnow(),
                                note=note.strip()[:NOTE_MAX] or None)
        session.add(group)
        session.flush()
        action = "collective_group.create"
    else:
        if group.status != "open":
            raise GroupingError("group_closed")
        action = "collective_group.add"
    if any(c.collective_group_id not in (None, group.id) for c in cases):
        raise GroupingError("already_grouped")
    for c in cases:
        if c.collective_group_id == group.id:
            continue
        c.collective_group_id = group.id
        session.add(CaseEvent(case_id=c.id, actor_id=actor.id, kind="note",
                              reason=f"collective group {group.id}: {group.name}",
                              visible_to_consumer=False,
                              data={"collective_group_id": group.id}))
    if alert is not None:
        alert.group_id = group.id
        alert.acknowledged_at = alert.acknowledged_at or utcnow()
        alert.acknowledged_by = alert.acknowledged_by or actor.id
    record(session, actor_id=actor.id, action=action, target_type="collective_group",
           target_id=group.id, cases=ids, alert=alert.id if alert else None)
    return group


def _most_common_key(cases: list[Case]) -> str:
    counts: dict[str, int] = defaultdict(int)
    for c in cases:
        counts[c.business_key or ""] += 1
    return max(counts, key=lambda k: counts[k]) or "unknown"


def dismiss_alert(session: Session, alert: MassDamageAlert, actor: User) -> None:
    """Acknowledge without grouping; the business stays quiet for one window."""
    _require_supervisor(actor)
    if alert.acknowledged_at is None:
        alert.acknowledged_at = utcnow()
        alert.acknowledged_by = actor.id
        record(session, actor_id=actor.id, action="mass_damage.dismiss",
               target_type="mass_damage_alert", target_id=alert.id)


def close_group(session: Session, group: CollectiveGroup, actor: User) -> None:
    _require_supervisor(actor)
    if group.status != "closed":
        group.status = "closed"
        record(session, actor_id=actor.id, action="collective_group.close",
               target_type="collective_group", target_id=group.id)


def can_view_group(group: CollectiveGroup, user: Any) -> bool:
    """Supervisors and admins, and the officers of the body that works the group."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.role in (Role.SUPERVISOR.value, Role.ADMIN.value):
        return True
    return (user.role == Role.OFFICER.value and group.agency_id is not None
            and user.agency_id == group.agency_id)


def groups_for(session: Session, user: User) -> list[CollectiveGroup]:
    stmt = select(CollectiveGroup).order_by(CollectiveGroup.status.desc(),
                                            CollectiveGroup.created_at.desc())
    if user.role == Role.OFFICER.value:
        stmt = stmt.where(CollectiveGroup.agency_id == user.agency_id)
    return list(session.scalars(stmt))


def group_cases_of(session: Session, group: CollectiveGroup) -> list[Case]:
    return list(session.scalars(select(Case).where(Case.collective_group_id == group.id)
                                .order_by(Case.created_at, Case.id)))


def case_counts_by_group(session: Session, group_ids: list[int]) -> dict[int, int]:
    if not group_ids:
        return {}
    stmt = (select(Case.collective_group_id, func.count()).where(
        Case.collective_group_id.in_(group_ids)).group_by(Case.collective_group_id))
    return {g: n for g, n in session.execute(stmt)}


def open_alerts(session: Session) -> list[MassDamageAlert]:
    return list(session.scalars(select(MassDamageAlert).where(
        MassDamageAlert.acknowledged_at.is_(None), MassDamageAlert.group_id.is_(None))
        .order_by(MassDamageAlert.case_count.desc(), MassDamageAlert.id)))


def past_alerts(session: Session, limit: int = 50) -> list[MassDamageAlert]:
    return list(session.scalars(select(MassDamageAlert).where(
        or_(MassDamageAlert.acknowledged_at.is_not(None), MassDamageAlert.group_id.is_not(None)))
        .order_by(MassDamageAlert.raised_at.desc()).limit(limit)))


def open_group_for(session: Session, keys: list[str]) -> CollectiveGroup | None:
    """An open group about the same business, which new cases can join."""
    return session.scalar(select(CollectiveGroup).where(
        CollectiveGroup.business_key.in_(keys), CollectiveGroup.status == "open")
        .order_by(CollectiveGroup.id.desc()).limit(1))


def notify_supervisors(session: Session, alerts: list[MassDamageAlert]) -> int:
    """Mail every active supervisor about new alerts; call after the commit."""
    if not alerts:
        return 0
    from flask import url_for
    from flask_babel import force_locale
    from flask_babel import gettext as _

    from relief.core.mail import queue_mail
    from relief.stats.queries import display_name

    supervisors = list(session.scalars(select(User).where(
        User.role == Role.SUPERVISOR.value, User.active.is_(True))))
    for user in supervisors:
        with force_locale(user.locale):
            lines = [
                f"- {display_name(session, a.business_key)}: "
                + _("%(n)d cases in %(days)d days", n=a.case_count, days=a.window_days)
                + f" {url_for('stats.alert', alert_id=a.id, _external=True)}"
                for a in alerts]
            queue_mail(user.email, _("Possible mass damage: complaints about one business"),
                       _("Hello %(name)s,\n\nComplaints about these businesses are rising "
                         "past the collective-mediation threshold:\n%(lines)s",
                         name=user.display_name, lines="\n".join(lines)))
    return len(supervisors)


def run_once(app: Flask, policy: MassDamagePolicy | None = None) -> DetectionResult:
    """One detection with its own transaction and mail, as the task and the CLI run it."""
    from relief.core.db import db

    policy = policy or MassDamagePolicy.for_app(app)
    with app.app_context(), app.test_request_context(
            base_url=app.config["RELIEF"].public_base_url):
        with db.transaction() as session:
            result = detect(session, policy)
        notify_supervisors(db.session, result.raised)
        db.session.remove()
    return result
