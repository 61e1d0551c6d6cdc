"""The OpenAPI 3 document, built from the URL map, each view's ``@operation`` and the
marshmallow schemas that validate its requests: nothing is written twice.

A view of the ``api`` blueprint without ``@operation`` makes building the document
fail, so an endpoint cannot go undocumented.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask
from marshmallow import Schema
from werkzeug.routing import IntegerConverter, Rule

from relief.api.schemas import ErrorSchema, Upload
from relief.core.access import access_rule

F = TypeVar("F", bound=Callable[..., Any])

API_VERSION = "1.0.0"
BASE_PATH = "/api/v1"
# What evidence downloads can be: the types ``relief.cases.evidence.sniff`` accepts.
EVIDENCE_TYPES = ("image/jpeg", "image/png", "application/pdf", "application/x-hwp",
                  "application/hwp+zip")
ERROR_DESCRIPTIONS = {
    400: "The request is malformed (not JSON, or a required header is missing).",
    401: "No token, or a token that is not valid or was revoked.",
    403: "The token's user may not do this.",
    404: "Nothing there that this user may see (a case of someone else is not found).",
    409: "The case's state does not allow this now.",
    413: "The upload is too large.",
    422: "Fields need attention; `fields` names each with its messages.",
    429: "Too many requests; wait and try again.",
    503: "A file could not be stored right now; try again.",
}


@dataclass(frozen=True)
class Operation:
    summary: str
    tag: str
    status: int = 200
    # A schema, a plain JSON schema dict, "binary" (evidence files), or None (no body).
    response: type[Schema] | dict[str, Any] | str | None = None
    body: type[Schema] | None = None
    body_required: bool = True
    multipart: bool = False
    query: type[Schema] | None = None
    headers: type[Schema] | None = None
    errors: tuple[int, ...] = ()
    description: str = ""


def operation(**kwargs: Any) -> Callable[[F], F]:
    """Describe an API view for the OpenAPI document (see ``Operation``)."""
    described = Operation(**kwargs)

    def decorate(view: F) -> F:
        view._openapi = described  # type: ignore[attr-defined]
        return view

    return decorate


_ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def _path(rule: Rule) -> str:
    return _ARGUMENT.sub(r"{\1}", rule.rule)[len(BASE_PATH):]


def _path_parameters(rule: Rule) -> list[dict[str, Any]]:
    params = []
    for name in sorted(rule.arguments, key=rule.rule.index):
        # Werkzeug keeps a rule's converters (with their bounds) only here.
        converter = rule._converters[name]
        schema: dict[str, Any] = {"type": "string"}
        if isinstance(converter, IntegerConverter):
            schema = {"type": "integer"}
            if converter.min is not None:
                schema["minimum"] = converter.min
            if converter.max is not None:
                schema["maximum"] = converter.max
        params.append({"in": "path", "name": name, "required": True, "schema": schema})
    return params


def _error(code: int) -> dict[str, Any]:
    return {"description": ERROR_DESCRIPTIONS.get(code, "An error."),
            "content": {"application/json": {"schema": ErrorSchema}}}


def _operation_dict(app: Flask, rule: Rule, op: Operation) -> dict[str, Any]:
    access = access_rule(app, rule.endpoint) or ("public",)
    is_public = access[0] == "public"
    codes = set(op.errors)
    if not is_public:
        codes.add(401)
    if access[0] == "roles":
        codes.add(403)
    if rule.arguments:
        codes.add(404)
    if op.body or op.query or op.headers:
        codes.add(422)
    if op.body and not op.multipart:
        codes.add(400)
    if op.response is None:
        ok: dict[str, Any] = {"description": op.summary}
    elif op.response == "binary":
        ok = {"description": op.summary, "content": {
            t: {"schema": {"type": "string", "format": "binary"}} for t in EVIDENCE_TYPES}}
    else:
        ok = {"description": op.summary,
              "content": {"application/json": {"schema": op.response}}}
    responses: dict[Any, Any] = {str(op.status): ok}
    if op.status == 201 and op.headers:
        # A retried filing answers the case it created the first time.
        responses["200"] = {**ok, "description": "The case this Idempotency-Key created "
                                                 "before (a retry)."}
    for code in sorted(codes):
        responses[str(code)] = _error(code)
    responses["default"] = {"description": "Any other error, in the same shape.",
                            "content": {"application/json": {"schema": ErrorSchema}}}
    parameters: list[dict[str, Any]] = _path_parameters(rule)
    if op.query:
        parameters.append({"in": "query", "schema": op.query})
    if op.headers:
        parameters.append({"in": "header", "schema": op.headers})
    result: dict[str, Any] = {
        "summary": op.summary, "tags": [op.tag], "operationId": rule.endpoint.split(".", 1)[1],
        "responses": responses, "security": [] if is_public else [{"bearer": []}],
    }
    if op.description:
        result["description"] = op.description
    if parameters:
        result["parameters"] = parameters
    if op.body:
        media = "multipart/form-data" if op.multipart else "application/json"
        result["requestBody"] = {"required": op.body_required,
                                 "content": {media: {"schema": op.body}}}
    return result


def build_spec(app: Flask) -> dict[str, Any]:
    """The OpenAPI 3.0.3 document of every ``api.*`` endpoint in ``app``'s URL map."""
    marshmallow = MarshmallowPlugin()
    spec = APISpec(
        title="relief API", version=API_VERSION, openapi_version="3.0.3",
        plugins=[marshmallow],
        info={"description": (
            "The JSON API of relief, the one-stop window for consumer damage relief, for "
            "the mobile app. Authenticate with `Authorization: Bearer <token>` from "
            "`POST /tokens`. Every error answers `{\"error\": {\"type\", \"message\", "
            "\"fields\"}}`; messages follow Accept-Language (ko or en, Korean by default).")},
        servers=[{"url": BASE_PATH}],
    )
    marshmallow.map_to_openapi_type(Upload, "string", "binary")
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer",
                                               "bearerFormat": "rlf_…"})
    spec.components.schema("Error", schema=ErrorSchema)
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        # Every rule under /api/v1 is documented, whichever package serves it.
        if not rule.rule.startswith(BASE_PATH + "/"):
            continue
        view = app.view_functions[rule.endpoint]
        op = getattr(view, "_openapi", None)
        if op is None:
            raise LookupError(f"API endpoint {rule.endpoint} has no @operation")
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(_path(rule), {})[method.lower()] = _operation_dict(app, rule, op)
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()
