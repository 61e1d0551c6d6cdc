"""The public directory of relief bodies: browse by field, search as people type."""

from __future__ import annotations

from flask import Blueprint, abort, g, render_template, request
from sqlalchemy import select

from agencies import load_registry
from agencies.search import search_bodies
from relief.core.access import public
from relief.core.db import db
from relief.core.extensions import limiter
from relief.registry.models import Agency

bp = Blueprint("directory", __name__, url_prefix="/bodies")

QUERY_MAX = 100


@bp.route("/")
@public
@limiter.limit("120/minute")
def index():  # type: ignore[no-untyped-def]
    query = (request.args.get("q") or "").strip()[:QUERY_MAX]
    agencies = {a.id: a for a in db.session.scalars(select(Agency))}
    registry = load_registry()
    hits = []
    if query:
        hits = [(agencies[h.body_id], h) for h in search_bodies(registry, query, g.lang)
                if h.body_id in agencies]
    by_field: dict[str, list[Agency]] = {}
    for agency in sorted(agencies.values(), key=lambda a: a.name(g.lang)):
        by_field.setdefault(agency.field, []).append(agency)
    fields = [(key, registry.fields[key].get(g.lang) if key in registry.fields else key,
               by_field[key]) for key in sorted(
                   by_field, key=lambda k: registry.fields[k].get(g.lang)
                   if k in registry.fields else k)]
    return render_template("directory/index.html", query=query, hits=hits, fields=fields,
                           searched=bool(query))


@bp.route("/<agency_id>")
@public
def detail(agency_id: str):  # type: ignore[no-untyped-def]
    agency = db.session.get(Agency, agency_id)
    if agency is None:
        abort(404)
    registry = load_registry()
    field_name = registry.fields[agency.field].get(g.lang) if agency.field in registry.fields \
        else agency.field
    names = {a.id: a for a in db.session.scalars(select(Agency))}
    return render_template("directory/detail.html", agency=agency, body=agency.data,
                           field_name=field_name, names=names)
