"""The API describes every answer it gives: a schema for each 2xx, the error body for each
4xx, and schemathesis finds no request that breaks the service or its own description."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from service.app import ROUTERS

ERROR_REF = "#/components/schemas/ErrorBody"
EXAMPLES = 12  # per operation; derandomized, so a run is repeatable
BINARY_OR_TEXT = {"get_audio", "get_transcript", "get_scoring_config", "get_original"}


@schemathesis.serializer("application/toml")
def _toml(ctx, value) -> bytes:
    """Rules files are TOML text; schemathesis generates the string, we send it as is."""
    return str(value).encode()


def _operations(spec):
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_every_api_answer_has_a_schema(api):
    spec = api.client.get("/openapi.json").json()
    api_routes = {route.path for router in ROUTERS for route in router.routes}
    checked = 0
    for path, method, operation in _operations(spec):
        if path not in api_routes:
            continue
        checked += 1
        where = f"{method.upper()} {path}"
        responses = operation["responses"]
        success = [code for code in responses if code.startswith("2")]
        assert success, f"{where} documents no 2xx answer"
        for code in success:
            if code == "204":
                continue
            content = responses[code].get("content", {})
            assert content, f"{where} {code} has no content description"
            if not any(name in operation["operationId"] for name in BINARY_OR_TEXT):
                schema = content["application/json"]["schema"]
                assert schema not in ({}, {"type": "object"}), f"{where} {code} is untyped"
        for code in ("401", "403", "404", "422"):
            schema = responses[code]["content"]["application/json"]["schema"]
            assert schema == {"$ref": ERROR_REF}, f"{where} {code} is not the error body"
    assert checked >= 20


def test_docs_can_send_a_key(api):
    """The OpenAPI document declares the bearer key, so /docs shows an Authorize button and its
    requests and curl lines carry the key; every keyed operation names it, signed webhooks and
    health do not."""
    spec = api.client.get("/openapi.json").json()
    assert spec["components"]["securitySchemes"]["ApiKey"] == {
        "type": "http", "scheme": "bearer", "bearerFormat": "cqa_...",
        "description": "an API key from `callqa keys create` (or POST /api/v1/keys by an admin)"}
    keyed = {f"{method.upper()} {path}" for path, method, operation in _operations(spec)
             if {"ApiKey": []} in operation.get("security", [])}
    assert "POST /api/v1/calls" in keyed and "GET /api/v1/calls/{call_id}" in keyed
    assert not any("webhooks" in where or "health" in where for where in keyed)
    upload = spec["paths"]["/api/v1/calls"]["post"]["requestBody"]["content"]
    assert {"file", "agent_id", "external_id"} <= set(
        upload["multipart/form-data"]["schema"]["properties"])


def test_errors_have_one_shape(api):
    unknown = api.client.get("/api/v1/calls/nope", headers=api.headers())
    no_key = api.client.get("/api/v1/calls")
    bad_query = api.client.get("/api/v1/calls?limit=0", headers=api.headers())
    no_route = api.client.get("/api/v1/nothing-here", headers=api.headers())
    for response, status, code in (
        (unknown, 404, "unknown_call"),
        (no_key, 401, "no_key"),
        (bad_query, 422, "invalid_request"),
        (no_route, 404, "not_found"),
    ):
        assert response.status_code == status
        assert set(response.json()) == {"error"}
        assert response.json()["error"]["code"] == code and response.json()["error"]["message"]


def test_fuzzed_requests_keep_to_the_schema(api):
    """Requests schemathesis derives from /openapi.json, sent with an admin key: no 5xx, and
    every answer (status, body, content type) matches the description."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", api.client.app)
    broken = {}
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
            suppress_health_check=list(HealthCheck),
        )
        def send(case):
            # what only the server can judge (is it audio? does that id exist?) may refuse
            # a schema-valid request; everything else is checked
            case.call_and_validate(headers=api.headers(), excluded_checks=[positive_data_acceptance])

        try:
            send()
        except Exception as error:  # collect every operation's failure, not only the first
            broken[operation.label] = str(error)[:2000]
    assert len(operations) >= 20
    assert not broken, "\n\n".join(f"{label}:\n{error}" for label, error in broken.items())


HOSTILE_GETS = [
    "/api/v1/flags?offset=9223372036854775808",
    "/api/v1/review-queue?page=9223372036854775807",
    "/api/v1/calls?from=0001-01-01T00:00:00%2B01:00",
    "/api/v1/calls?to=9999-12-31T23:59:59-01:00",
    "/api/v1/review-queue?from=0001-01-01T00:00:00%2B01:00",
    "/api/v1/agents/a1/scorecard?to=9999-12-31T23:59:59-01:00",
    "/api/v1/calls?agent_id=%00",
    "/api/v1/flags?type=a%00b",
    "/api/v1/calls/ab%00cd",
    "/api/v1/calls?cursor=WyIwMDAxLTAxLTAxVDAwOjAwOjAwKzAxOjAwIiwgIngiXQ",  # a year-1 date
]


def test_hostile_queries_are_refused_not_crashed(api):
    """Inputs that once reached Python or the database unchecked (500s) are now 422s."""
    for url in HOSTILE_GETS:
        response = api.client.get(url, headers=api.headers())
        assert response.status_code == 422, (url, response.status_code, response.text)
        assert response.json()["error"]["code"] in ("invalid_request", "bad_cursor"), url


def test_hostile_bodies_are_refused_not_crashed(api):
    long_id = "x" * 201
    for fields in ({"external_id": long_id}, {"agent_id": "a\x00b"}, {"tags": "ok,\x00"}):
        response = api.client.post(
            "/api/v1/calls", headers=api.headers("qa"), data=fields,
            files={"file": ("call.wav", b"RIFF", "audio/wav")},
        )
        assert response.status_code == 422, (fields, response.text)
        assert response.json()["error"]["code"] == "bad_metadata"
    named = api.client.post("/api/v1/keys", headers=api.headers(), json={"role": "qa",
                                                                         "name": "a\x00"})
    assert named.status_code == 422
    incoming = list((api.settings.data_dir / "incoming").glob("*"))
    assert incoming == [], f"refused uploads left files behind: {incoming}"


def test_unauthenticated_garbage_is_refused_not_crashed(api):
    """Found by review: each of these raised before any check (500)."""
    hook = f"/api/v1/webhooks/recordings?tenant={api.tenant_id}"
    huge_timestamp = {"webhook-id": "msg_1", "webhook-timestamp": "9" * 4000,
                      "webhook-signature": "v1,abc", "content-type": "application/json"}
    accented = {"webhook-id": "msg_2", "webhook-timestamp": "1", "webhook-signature": "v1,é".encode(),
                "content-type": "application/json"}
    for headers in (huge_timestamp, accented):
        response = api.client.post(hook, content=b"{}", headers=headers)
        assert response.status_code == 401, response.text
    twilio = api.client.post(f"/api/v1/webhooks/twilio?tenant={api.tenant_id}",
                             data={"RecordingSid": "RE1"}, headers={"X-Twilio-Signature": "é".encode()})
    assert twilio.status_code == 401
    import base64

    deeply_nested = base64.urlsafe_b64encode(b"[" * 3000).decode()  # RecursionError before
    for cursor in ("not-a-cursor", deeply_nested):
        response = api.client.get(f"/api/v1/calls?cursor={cursor}", headers=api.headers())
        assert response.status_code == 422, response.text
    long_url = "https://example.com/" + "a" * 2000
    response = api.client.put("/api/v1/config/tenant", headers=api.headers(),
                              json={"callback_url": long_url})
    assert response.status_code == 422
