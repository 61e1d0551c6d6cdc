"""Dashboard figures as charts with their tables, in the reader's language.

No rules here: the figures come from ``queries``; this module only labels them and
lays each out as one table (the chart is drawn from that very table by
``static/stats/charts.js``, so chart and table can never disagree).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from agencies import load_registry
from relief.cases.forms import CHANNEL_LABELS, REGION_LABELS
from relief.cases.messages import outcome_label
from relief.stats.queries import AGE_BUCKETS, Dashboard

CHART_TOP = 15  # bars drawn per chart; the table under it lists every row

STATE_TYPE_LABELS = {"open": _l("Open"), "waiting": _l("Waiting for the consumer"),
                     "closed": _l("Closed")}


@dataclass
class Column:
    label: str
    plot: bool = False  # drawn in the chart
    kind: str = "count"  # count | percent | days | won | text


@dataclass
class Chart:
    id: str
    title: str
    kind: str  # bar | hbar | line | doughnut | stacked
    columns: list[Column]
    rows: list[list[Any]]
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def body_label(agency_id: str | None, lang: str) -> str:
    if not agency_id:
        return _("No body yet (triage)")
    registry = load_registry()
    return registry.get(agency_id).name.get(lang) if agency_id in registry else agency_id


def field_label(field_id: str | None, lang: str) -> str:
    if not field_id:
        return _("No body yet (triage)")
    labels = load_registry().fields
    return labels[field_id].get(lang) if field_id in labels else field_id


def region_label(region: str | None) -> str:
    return str(REGION_LABELS.get(region, _("Not given"))) if region else _("Not given")


def channel_label(channel: str | None) -> str:
    return str(CHANNEL_LABELS.get(channel, _("Not given"))) if channel else _("Not given")


def pct(part: float | None) -> float | None:
    return None if part is None else round(part * 100, 1)


def charts(d: Dashboard, lang: str) -> list[Chart]:
    """Every chart of the dashboard, in reading order."""
    bodies = [b for b in d.by_body if b.cases or b.transferred_out]
    out = [
        Chart("by-month", _("Cases per month"), "line",
              [Column(_("Month"), kind="text"), Column(_("Cases"), plot=True)],
              [[m, n] for m, n in d.by_month.items()]),
        Chart("by-state-type", _("Cases by state"), "doughnut",
              [Column(_("State"), kind="text"), Column(_("Cases"), plot=True)],
              [[str(STATE_TYPE_LABELS[t]), n] for t, n in d.by_state_type.items()]),
        Chart("by-body", _("Cases by body"), "hbar",
              [Column(_("Body"), kind="text"), Column(_("Cases"), plot=True),
               Column(str(STATE_TYPE_LABELS["open"])),
               Column(str(STATE_TYPE_LABELS["waiting"])),
               Column(str(STATE_TYPE_LABELS["closed"]))],
              [[body_label(b.agency_id, lang), b.cases, b.by_state_type.get("open", 0),
                b.by_state_type.get("waiting", 0), b.by_state_type.get("closed", 0)]
               for b in bodies if b.cases]),
        Chart("by-field", _("Cases by field"), "hbar",
              [Column(_("Field"), kind="text"), Column(_("Cases"), plot=True)],
              [[field_label(f, lang), n] for f, n in d.by_field.items() if n]),
        Chart("by-region", _("Cases by region"), "hbar",
              [Column(_("Region"), kind="text"), Column(_("Cases"), plot=True)],
              [[region_label(r), n] for r, n in d.by_region.items()]),
        Chart("by-channel", _("Cases by channel"), "doughnut",
              [Column(_("Channel"), kind="text"), Column(_("Cases"), plot=True)],
              [[channel_label(c), n] for c, n in d.by_channel.items()]),
        Chart("resolution", _("Days to resolution by body"), "hbar",
              [Column(_("Body"), kind="text"), Column(_("Resolved cases")),
               Column(_("Median days"), plot=True, kind="days"),
               Column(_("90th percentile days"), plot=True, kind="days")],
              [[body_label(b.agency_id, lang), b.resolved, b.median_days, b.p90_days]
               for b in sorted(bodies, key=lambda b: -b.resolved) if b.resolved],
              note=_("From filing to closing, for cases closed other than by withdrawal.")),
        Chart("deadlines", _("Deadline compliance by body"), "hbar",
              [Column(_("Body"), kind="text"), Column(_("With a statutory deadline")),
               Column(_("Closed on time")), Column(_("Closed late")),
               Column(_("Open and overdue")),
               Column(_("Compliance (%)"), plot=True, kind="percent")],
              [[body_label(b.agency_id, lang), b.with_deadline, b.closed_on_time,
                b.closed_late, b.open_overdue, pct(b.compliance)]
               for b in sorted(bodies, key=lambda b: -b.with_deadline) if b.with_deadline],
              note=_("Share of cases closed by their due date, of those closed or past it.")),
        Chart("backlog", _("Backlog by age"), "stacked",
              [Column(_("Age (days)"), kind="text"),
               Column(str(STATE_TYPE_LABELS["open"]), plot=True),
               Column(str(STATE_TYPE_LABELS["waiting"]), plot=True)],
              [[key, d.backlog[key]["open"], d.backlog[key]["waiting"]]
               for key, _low, _high in AGE_BUCKETS],
              note=_("Cases not closed, by days since filing.")),
        Chart("transfers", _("Transfer rate by body"), "hbar",
              [Column(_("Body"), kind="text"), Column(_("Cases")),
               Column(_("Arrived by transfer")),
               Column(_("Transfer rate (%)"), plot=True, kind="percent"),
               Column(_("Transferred away"))],
              [[body_label(b.agency_id, lang), b.cases, b.transferred_in, pct(b.transfer_rate),
                b.transferred_out]
               for b in bodies if b.cases],
              note=_("How often the router or a first body sent the case to the wrong place: "
                     "the share of a body's cases that reached it by transfer.")),
        Chart("outcomes", _("Outcomes and amounts recovered"), "hbar",
              [Column(_("Outcome"), kind="text"), Column(_("Cases"), plot=True),
               Column(_("Amount recovered (won)"), kind="won")],
              [[outcome_label(o.outcome or ""), o.cases, o.amount_krw] for o in d.outcomes]),
        Chart("businesses", _("Businesses complained about most"), "hbar",
              [Column(_("Business"), kind="text"), Column(_("Cases"), plot=True),
               Column(_("Spellings counted together"), kind="text")],
              [[b.name, b.cases, ", ".join(dict.fromkeys(b.variants))] for b in d.businesses],
              note=_("Spellings of one business (legal form, spacing, Latin letters) are "
                     "counted together.")),
    ]
    return out


def figures_json(d: Dashboard, lang: str) -> dict[str, Any]:
    """The dashboard's figures for the JSON API: raw keys, labels beside them."""
    return {
        "filter": d.filter.as_args(),
        "total": d.total,
        "median_days": d.median_days,
        "p90_days": d.p90_days,
        "compliance": d.compliance,
        "transfer_rate": d.transfer_rate,
        "recovered_krw": d.recovered_krw,
        "by_month": d.by_month,
        "by_state_type": d.by_state_type,
        "by_field": [{"field": f, "label": field_label(f, lang), "cases": n}
                     for f, n in d.by_field.items()],
        "by_region": [{"region": r, "label": region_label(r), "cases": n}
                      for r, n in d.by_region.items()],
        "by_channel": [{"channel": c, "label": channel_label(c), "cases": n}
                       for c, n in d.by_channel.items()],
        "by_body": [{
            "body": b.agency_id, "label": body_label(b.agency_id, lang), "cases": b.cases,
            "by_state_type": dict(b.by_state_type), "resolved": b.resolved,
            "median_days": b.median_days, "p90_days": b.p90_days,
            "with_deadline": b.with_deadline, "closed_on_time": b.closed_on_time,
            "closed_late": b.closed_late, "open_overdue": b.open_overdue,
            "compliance": b.compliance, "transferred_in": b.transferred_in,
            "transfer_rate": b.transfer_rate, "transferred_out": b.transferred_out,
        } for b in d.by_body],
        "backlog": d.backlog,
        "outcomes": [{"outcome": o.outcome, "label": outcome_label(o.outcome or ""),
                      "cases": o.cases, "amount_krw": o.amount_krw} for o in d.outcomes],
        "businesses": [{"key": b.key, "name": b.name, "cases": b.cases, "spellings": b.variants}
                       for b in d.businesses],
    }


def open_data_labels() -> dict[str, str]:
    """The open data's fields in words (the CSV and JSON keep the stable codes)."""
    return {"month": _("Month filed"), "body": _("Body"), "field": _("Field"),
            "product": _("Product"), "issue": _("Issue (what the consumer asked for)"),
            "region": _("Region"), "channel": _("Channel"), "outcome": _("Outcome"),
            "timeliness": _("Handled on time")}
