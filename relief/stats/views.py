"""The supervisor's dashboard, exports and mass-damage pages; the public open data.

Views parse the request, call ``queries`` / ``export`` / ``opendata`` /
``mass_damage`` and render; the rules live in those modules.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.exceptions import HTTPException

from agencies import load_registry
from relief.accounts.models import Role
from relief.audit.models import record
from relief.cases.forms import REGION_LABELS
from relief.core.access import public, roles_required
from relief.core.db import db, utcnow
from relief.core.errors import _message as http_message
from relief.core.extensions import limiter
from relief.stats import export, mass_damage, opendata, present, queries
from relief.stats.models import CollectiveGroup, MassDamageAlert

bp = Blueprint("stats", __name__, url_prefix="/stats")
open_bp = Blueprint("opendata", __name__, url_prefix="/open-data")
SUPERVISION = (Role.SUPERVISOR, Role.ADMIN)
STAFF = (Role.OFFICER, Role.SUPERVISOR, Role.ADMIN)


class ActionForm(FlaskForm):
    """CSRF only; each action reads its own fields."""


def _json_error(status: int, type_: str, message: str,
                fields: dict[str, str] | None = None) -> Response:
    response = jsonify(error={"type": type_, "message": message,
                              "fields": {k: [v] for k, v in (fields or {}).items()}})
    response.status_code = status
    return response


def _filter_or_none() -> tuple[queries.StatsFilter | None, dict[str, str]]:
    try:
        return queries.StatsFilter.from_args(request.args), {}
    except queries.FilterError as err:
        return None, err.fields


# Dashboard ---------------------------------------------------------------------------


@bp.route("/")
@roles_required(*SUPERVISION)
def dashboard():  # type: ignore[no-untyped-def]
    f, errors = _filter_or_none()
    if f is None:
        f = queries.StatsFilter.from_args({})
        flash(_("Some filters were not understood and were left out: %(fields)s",
                fields=", ".join(errors)), "warning")
    d = queries.dashboard(db.session, f)
    registry = load_registry()
    return render_template(
        "stats/dashboard.html", d=d, f=f, charts=present.charts(d, g.lang),
        bodies=registry.case_bodies, fields=registry.fields, regions=REGION_LABELS,
        alerts=mass_damage.open_alerts(db.session), args=f.as_args(),
        pct=present.pct, xlsx_fits=d.total <= export.XLSX_EXPORT_LIMIT,
        xlsx_note=xlsx_too_big_message())


@bp.route("/api/dashboard")
@roles_required(*SUPERVISION)
def dashboard_json():  # type: ignore[no-untyped-def]
    f, errors = _filter_or_none()
    if f is None:
        return _json_error(400, "invalid_filter", _("Some filters were not understood."),
                           errors)
    return jsonify(present.figures_json(queries.dashboard(db.session, f), g.lang))


def xlsx_too_big_message() -> str:
    return _("Excel files hold at most %(limit)s cases here. Narrow the filters, or "
             "download CSV, which has no limit.",
             limit=f"{export.XLSX_EXPORT_LIMIT:,}")


def _export(kind: str):  # type: ignore[no-untyped-def]
    f, _errors = _filter_or_none()
    if f is None:
        abort(400)
    if kind == "xlsx" and export.count_cases(db.session, f) > export.XLSX_EXPORT_LIMIT:
        flash(xlsx_too_big_message(), "error")
        return redirect(url_for("stats.dashboard", **f.as_args()))
    now = utcnow()
    record(db.session, actor_id=current_user.id, action="stats.export", target_type="cases",
           target_id=kind, filter=f.as_args())
    db.session.commit()
    cfg = current_app.config["RELIEF"]
    rows = export.case_rows(db.session, f, secret_key=cfg.secret_key, lang=g.lang)
    if kind == "csv":
        body, mimetype = export.csv_stream(rows), "text/csv; charset=utf-8"
    else:
        tmp = cfg.instance_path / "tmp"
        tmp.mkdir(parents=True, exist_ok=True)
        body = export.xlsx_stream(rows, tmp)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    name = export.export_filename(f, kind, now)
    return Response(stream_with_context(body), mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})


@bp.route("/export.csv")
@roles_required(*SUPERVISION)
def export_csv():  # type: ignore[no-untyped-def]
    return _export("csv")


@bp.route("/export.xlsx")
@roles_required(*SUPERVISION)
def export_xlsx():  # type: ignore[no-untyped-def]
    return _export("xlsx")


# Mass damage -------------------------------------------------------------------------


@bp.route("/mass-damage")
@roles_required(*SUPERVISION)
def mass_damage_index():  # type: ignore[no-untyped-def]
    policy = mass_damage.MassDamagePolicy.for_app(current_app)
    signals = mass_damage.signals(db.session, policy)
    names = {s.key: queries.display_name(db.session, s.key) for s in signals[:50]}
    alerts = mass_damage.open_alerts(db.session)
    past = mass_damage.past_alerts(db.session)
    return render_template(
        "stats/mass_damage.html", policy=policy, signals=signals[:50], names=names,
        alerts=alerts, past=past, form=ActionForm(),
        alert_names={a.id: queries.display_name(db.session, a.business_key)
                     for a in alerts + past})


@bp.route("/mass-damage/detect", methods=["POST"])
@roles_required(*SUPERVISION)
def detect_now():  # type: ignore[no-untyped-def]
    if not ActionForm().validate_on_submit():
        abort(400)
    result = mass_damage.detect(db.session, mass_damage.MassDamagePolicy.for_app(current_app))
    db.session.commit()
    mass_damage.notify_supervisors(db.session, result.raised)
    flash(_("Detection done: %(raised)d new alert(s), %(updated)d updated.",
            raised=len(result.raised), updated=len(result.updated)), "success")
    return redirect(url_for("stats.mass_damage_index"))


def _alert(alert_id: int) -> MassDamageAlert:
    alert = db.session.get(MassDamageAlert, alert_id)
    if alert is None:
        abort(404)
    return alert


@bp.route("/mass-damage/alerts/<int:alert_id>")
@roles_required(*SUPERVISION)
def alert(alert_id: int):  # type: ignore[no-untyped-def]
    item = _alert(alert_id)
    keys, cases = mass_damage.candidate_cases(db.session, item)
    names = sorted({c.business_name for c in cases if c.business_name})
    registry = load_registry()
    return render_template(
        "stats/alert.html", alert=item, cases=cases, keys=keys, names=names,
        name=queries.display_name(db.session, item.business_key),
        suggested=mass_damage.suggested_body(cases), bodies=registry.case_bodies,
        existing=mass_damage.open_group_for(db.session, keys), form=ActionForm(),
        group=db.session.get(CollectiveGroup, item.group_id) if item.group_id else None)


def _grouping_message(code: str) -> str:
    messages = {
        "no_cases": _("Choose at least one case to group."),
        "already_grouped": _("A chosen case is already in another collective group."),
        "name_required": _("Give the group a name."),
        "agency_invalid": _("Choose a body that takes cases."),
        "group_closed": _("That group is closed."),
        "not_allowed": _("You cannot do that."),
    }
    return messages.get(code, messages["not_allowed"])


@bp.route("/mass-damage/alerts/<int:alert_id>/group", methods=["POST"])
@roles_required(*SUPERVISION)
def group_alert(alert_id: int):  # type: ignore[no-untyped-def]
    if not ActionForm().validate_on_submit():
        abort(400)
    item = _alert(alert_id)
    ids = [int(i) for i in request.form.getlist("case_id") if i.isdigit()]
    existing = None
    if request.form.get("into", "new").isdigit():
        existing = db.session.get(CollectiveGroup, int(request.form["into"]))
        if existing is None:
            abort(404)
    try:
        group = mass_damage.group_cases(
            db.session, current_user, ids, name=request.form.get("name", ""),
            agency_id=request.form.get("agency") or None, note=request.form.get("note", ""),
            alert=item, group=existing)
        db.session.commit()
    except mass_damage.GroupingError as err:
        db.session.rollback()
        flash(_grouping_message(err.code), "error")
        return redirect(url_for("stats.alert", alert_id=alert_id))
    flash(_("%(n)d case(s) are now worked together in this collective group.", n=len(ids)),
          "success")
    return redirect(url_for("stats.group", group_id=group.id))


@bp.route("/mass-damage/alerts/<int:alert_id>/dismiss", methods=["POST"])
@roles_required(*SUPERVISION)
def dismiss_alert(alert_id: int):  # type: ignore[no-untyped-def]
    if not ActionForm().validate_on_submit():
        abort(400)
    mass_damage.dismiss_alert(db.session, _alert(alert_id), current_user)
    db.session.commit()
    flash(_("Alert dismissed. The business stays quiet for one window."), "success")
    return redirect(url_for("stats.mass_damage_index"))


# Collective groups -------------------------------------------------------------------


@bp.route("/groups")
@roles_required(*STAFF)
def groups():  # type: ignore[no-untyped-def]
    items = mass_damage.groups_for(db.session, current_user)
    return render_template(
        "stats/groups.html", groups=items,
        counts=mass_damage.case_counts_by_group(db.session, [x.id for x in items]),
        names={x.id: queries.display_name(db.session, x.business_key) for x in items})


def _group(group_id: int) -> CollectiveGroup:
    item = db.session.get(CollectiveGroup, group_id)
    if item is None or not mass_damage.can_view_group(item, current_user):
        abort(404)
    return item


@bp.route("/groups/<int:group_id>")
@roles_required(*STAFF)
def group(group_id: int):  # type: ignore[no-untyped-def]
    item = _group(group_id)
    cases = mass_damage.group_cases_of(db.session, item)
    record(db.session, actor_id=current_user.id, action="collective_group.read",
           target_type="collective_group", target_id=item.id)
    db.session.commit()
    by_state: dict[str, int] = {}
    for c in cases:
        by_state[c.state] = by_state.get(c.state, 0) + 1
    return render_template("stats/group.html", group=item, cases=cases, by_state=by_state,
                           form=ActionForm(), now=utcnow(),
                           business=queries.display_name(db.session, item.business_key),
                           recovered=sum(c.outcome_amount_krw or 0 for c in cases))


@bp.route("/groups/<int:group_id>/close", methods=["POST"])
@roles_required(*SUPERVISION)
def close_group(group_id: int):  # type: ignore[no-untyped-def]
    if not ActionForm().validate_on_submit():
        abort(400)
    mass_damage.close_group(db.session, _group(group_id), current_user)
    db.session.commit()
    flash(_("The collective group is closed."), "success")
    return redirect(url_for("stats.group", group_id=group_id))


# Open data (public) ------------------------------------------------------------------

_CACHE: OrderedDict[tuple[Any, ...], tuple[float, opendata.OpenDataTable]] = OrderedDict()
CACHE_SECONDS = 3600
CACHE_ENTRIES = 32
JSON_PAGE_MAX = 5_000


def _table(dims: tuple[str, ...]) -> opendata.OpenDataTable:
    """Computed once an hour per table and worker: the public cannot make us rescan often."""
    until = opendata.publication_cutoff()
    key = (str(db.session.get_bind().engine.url), dims, until)
    now = time.monotonic()
    hit = _CACHE.get(key)
    if hit and now - hit[0] < CACHE_SECONDS and not current_app.testing:
        _CACHE.move_to_end(key)
        return hit[1]
    table = opendata.build_table(db.session, dims, until=until)
    _CACHE[key] = (now, table)
    while len(_CACHE) > CACHE_ENTRIES:
        _CACHE.popitem(last=False)
    return table


def _fields_arg() -> str:
    return ",".join(request.args.getlist("fields"))


def _open_request() -> tuple[opendata.OpenDataTable, dict[str, str]]:
    dims = opendata.parse_dimensions(_fields_arg())
    filters = opendata.check_filters(dims, request.args)
    return _table(dims), filters


@open_bp.errorhandler(opendata.OpenDataError)
def _open_data_error(err: opendata.OpenDataError):  # type: ignore[no-untyped-def]
    if request.path.endswith(".json"):
        return _json_error(400, "invalid_query", _("Some parameters were not understood."),
                           err.fields)
    return render_template("error.html", code=400, message=_("Some parameters were not "
                                                             "understood.")), 400


@open_bp.errorhandler(HTTPException)
def _open_data_http_error(exc: HTTPException):  # type: ignore[no-untyped-def]
    """The JSON error shape for the JSON endpoint (a 429 above all); pages as elsewhere."""
    code = exc.code or 500
    if request.path.endswith(".json"):
        return _json_error(code, exc.name.lower().replace(" ", "_"), http_message(code))
    return render_template("error.html", code=code, message=http_message(code)), code


@open_bp.route("/")
@public
@limiter.limit("60/minute")
def open_data():  # type: ignore[no-untyped-def]
    dims = opendata.parse_dimensions(_fields_arg() or "month,body,field")
    table = _table(dims)
    return render_template("stats/open_data.html", table=table,
                           rows=list(table.as_dicts(table.rows[:200])),
                           fields=",".join(dims), all_fields=opendata.DIMENSIONS,
                           labels=present.open_data_labels(), k=opendata.K,
                           names=opendata.body_names(g.lang),
                           field_names={k: v.get(g.lang)
                                        for k, v in load_registry().fields.items()},
                           last_day=table.until - timedelta(days=1))


@open_bp.route("/cases.csv")
@public
@limiter.limit("20/minute")
def open_data_csv():  # type: ignore[no-untyped-def]
    table, filters = _open_request()
    rows = table.filtered(filters)

    def generate() -> Any:
        import csv
        import io

        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow([*table.dimensions, "cases"])
        for i, (values, n) in enumerate(rows, 1):
            writer.writerow([export.neutralise(v) for v in values] + [n])
            if i % 2000 == 0:
                yield buffer.getvalue().encode("utf-8")
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue().encode("utf-8")

    name = f"relief-open-data-{table.until:%Y%m}.csv"
    return Response(generate(), mimetype="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{name}"'})


@open_bp.route("/cases.json")
@public
@limiter.limit("60/minute")
def open_data_json():  # type: ignore[no-untyped-def]
    table, filters = _open_request()
    rows = table.filtered(filters)
    try:
        limit = min(max(int(request.args.get("limit", "1000")), 1), JSON_PAGE_MAX)
        offset = max(int(request.args.get("offset", "0")), 0)
    except ValueError:
        return _json_error(400, "invalid_query", _("Some parameters were not understood."),
                           {"limit": "not a number"})
    page = rows[offset:offset + limit]
    return jsonify({
        "fields": list(table.dimensions),
        "until": table.until.isoformat(),
        "min_cases": opendata.K,
        "published_rows": len(rows),
        "published_cases": sum(n for _, n in rows),
        "suppressed_rows": table.suppressed_rows,
        "offset": offset,
        "limit": limit,
        "rows": list(table.as_dicts(page)),
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
    })
