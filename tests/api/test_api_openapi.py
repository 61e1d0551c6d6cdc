"""The OpenAPI document describes every endpoint, and generated requests never break one."""

from __future__ import annotations

import io
import itertools
import re

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode

from relief.core.extensions import limiter
from tests.api.conftest import PDF, assert_error, bearer, file_case, get_token

_ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def _spec(client):  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()


def test_the_document_is_openapi_3_that_schemathesis_can_load(client):
    spec = _spec(client)
    assert spec["openapi"].startswith("3.")
    assert spec["components"]["securitySchemes"]["bearer"] == {
        "type": "http", "scheme": "bearer", "bearerFormat": "rlf_…"}
    schema = schemathesis.openapi.from_dict(spec)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == sum(len(methods) for methods in spec["paths"].values())


def test_every_api_endpoint_is_in_the_document(app, client):
    spec = _spec(client)
    documented = {(path, method) for path, methods in spec["paths"].items() for method in methods}
    served = {(_ARGUMENT.sub(r"{\1}", rule.rule).removeprefix("/api/v1"), method.lower())
              for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1/")
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert documented == served
    assert spec["servers"] == [{"url": "/api/v1"}]


def test_every_operation_has_its_schemas_and_the_one_error_shape(client):
    spec = _spec(client)
    public = {("/route", "post"), ("/tokens", "post"), ("/openapi.json", "get")}
    error_ref = {"$ref": "#/components/schemas/Error"}
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            where = f"{method.upper()} {path}"
            assert op["security"] == ([] if (path, method) in public else [{"bearer": []}]), where
            statuses = set(op["responses"])
            assert statuses & {"200", "201", "204"}, where
            errors = [code for code in statuses if code == "default" or code >= "400"]
            assert "default" in errors, where
            assert (path, method) in public or "401" in errors, where
            for code in errors:
                content = op["responses"][code]["content"]
                assert content == {"application/json": {"schema": error_ref}}, where
            if method == "post" and path not in ("/tokens/current",):
                assert "requestBody" in op, where
    body = spec["components"]["schemas"]["FilingRequest"]
    assert body["properties"]["text"]["minLength"] == 10
    assert body["properties"]["amount_krw"]["minimum"] == 0
    assert "online" in body["properties"]["channel"]["enum"]
    assert body["additionalProperties"] is False
    header = spec["paths"]["/cases"]["post"]["parameters"][0]
    assert header["name"] == "Idempotency-Key" and header["required"] is True


def test_the_document_does_not_need_a_token(client):
    assert client.get("/api/v1/openapi.json",
                      headers={"Authorization": "Bearer rlf_x"}).status_code == 401
    assert client.get("/api/v1/openapi.json").status_code == 200


# Examples per operation and mode, and the checks run on every answer besides "no 500".
EXAMPLES = {GenerationMode.POSITIVE: 30, GenerationMode.NEGATIVE: 15}
CHECKS = ("not_a_server_error", "status_code_conformance", "content_type_conformance",
          "response_schema_conformance")
NEGATIVE_CHECKS = ("negative_data_rejection",)


@pytest.mark.slow
# Schemathesis's WSGI transport never closes a streamed response, so an evidence download
# leaves its file to the garbage collector; the API itself closes what it opens.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_generated_requests_never_cause_a_server_error(app, client, make_user, router,
                                                       db_session):
    consumer = make_user()
    token = get_token(client, consumer)
    case = file_case(client, token).get_json()
    evidence = client.post(f"/api/v1/cases/{case['id']}/evidence",
                           data={"file": (io.BytesIO(PDF), "계약서.pdf")},
                           content_type="multipart/form-data",
                           headers=bearer(token)).get_json()
    real_ids = {"case_id": case["id"], "evidence_id": evidence["id"]}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    calls = 0
    operations = [result.ok() for result in schema.get_all_operations()]

    def run(operation, mode):  # type: ignore[no-untyped-def]
        revokes = operation.method.upper() == "DELETE"
        negative = mode is GenerationMode.NEGATIVE
        if revokes and negative:
            return  # nothing to get wrong but the token, which the 401 tests cover
        checks = [getattr(schemathesis.checks, name) for name in CHECKS
                  + (NEGATIVE_CHECKS if negative else ())]
        auth = {"Authorization": f"Bearer {token}"}
        strategy = operation.as_strategy(generation_mode=mode, headers=auth)
        ids = {k: v for k, v in real_ids.items() if k in operation.path_parameters}
        if ids and not negative:
            # Half the examples aim at the consumer's real case, or they would all be 404.
            strategy = strategy | operation.as_strategy(generation_mode=mode, headers=auth,
                                                        path_parameters=ids)

        @settings(max_examples=EXAMPLES[mode], deadline=None, database=None,
                  derandomize=True, suppress_health_check=list(HealthCheck),
                  phases=[Phase.explicit, Phase.generate])
        @given(generated=strategy)
        def call(generated):  # type: ignore[no-untyped-def]
            nonlocal calls
            limiter.reset()  # explore the endpoints, not the rate limiter
            # Revoking must not end the run: it gets a token of its own each time.
            response = generated.call(headers=bearer(get_token(client, consumer))
                                      if revokes else None)
            calls += 1
            generated.validate_response(response, checks=checks)
            if response.status_code >= 400:
                assert_error(_AsFlask(response), response.status_code)

        call()

    for operation, mode in itertools.product(operations, EXAMPLES):
        run(operation, mode)

    assert calls >= 300


class _AsFlask:
    """Enough of a Flask test response for ``assert_error``."""

    def __init__(self, response) -> None:  # type: ignore[no-untyped-def]
        self.status_code = response.status_code
        content_type = response.headers.get("content-type") or [""]
        self.mimetype = (content_type[0] if isinstance(content_type, list)
                         else content_type).split(";")[0]
        self._response = response

    def get_json(self):  # type: ignore[no-untyped-def]
        return self._response.json()

    def get_data(self, as_text: bool = False) -> str:
        return self._response.text
