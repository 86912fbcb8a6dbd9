"""Errors a client can provoke: always JSON `{"error": {...}}`, never a 500."""

from __future__ import annotations

from tests.api.conftest import Api


def _error(response) -> dict:  # type: ignore[no-untyped-def]
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {
        "code", "message", "message_code", "params", "fields", "field_codes"}, body
    error = body["error"]
    assert isinstance(error["message_code"], str) and error["message_code"], body
    assert set(error["field_codes"]) == set(error["fields"]), body
    return error


def test_validation_errors_name_each_field(api: Api, deployed: None) -> None:
    response = api.as_("duty").post("/incidents", {"title": "", "category": "meteor", "surprise": 1})
    assert response.status_code == 422
    fields = _error(response)["fields"]
    assert {"body.process_id", "body.title", "body.category", "body.unit", "body.surprise"} <= set(fields)

    engine_refusal = api.as_("duty").post("/incidents", {"process_id": "community_incident", "title": "t",
                                                         "category": "natural_disaster", "unit": "u",
                                                         "data": {"9bad name": 1}})
    assert engine_refusal.status_code == 422 and "data.9bad name" in _error(engine_refusal)["fields"]


MALFORMED = ["{not json", "[]", "null", '{"name": "\\u0000"}', '{"name": "x", "payload": {"a": NaN}}',
             '{"name": "x", "payload": {"a": 1e999}}', '{"name": "x", "payload": {"a": "\\ud800"}}',
             '{"name": "x", "payload": {"\\u0000": 1}}', "[" * 5000 + "]" * 5000]


def test_malformed_bodies_are_4xx(api: Api, deployed: None) -> None:
    ref = api.as_("duty").start()["reference"]
    for body in MALFORMED:
        response = api.as_("commander").post(f"/incidents/{ref}/messages", content=body,
                                             headers={"Content-Type": "application/json"})
        assert response.status_code in (400, 422), (body[:40], response.text)
        _error(response)


def test_unknown_ids_are_404_and_absurd_ids_422(api: Api, deployed: None) -> None:
    user = api.as_("admin")
    assert _error(user.get("/incidents/INC-2026-9999"))["code"] == "not_found"
    assert user.get("/incidents/424242").status_code == 404
    assert user.get("/incidents/99999999999999999999").status_code == 422
    assert user.get("/incidents/%00").status_code == 422
    assert user.get("/decisions/2147483647").status_code == 404
    assert user.get("/decisions/2147483648").status_code == 422
    assert user.get("/definitions/community_incident/versions/99").status_code == 404
    assert user.get("/definitions/nope").status_code == 404
    assert user.get("/no/such/route").status_code == 404
    assert _error(user.get("/no/such/route"))["code"] == "not_found"
    assert user.post("/tasks/abc/complete", {"data": {}}).status_code == 404
    assert api.client.delete("/incidents").status_code == 405


def test_oversized_bodies_are_413(api: Api, deployed: None) -> None:
    ref = api.as_("duty").start()["reference"]
    big = {"name": "response_over", "payload": {"blob": "x" * (1024 * 1024 + 1)}}
    response = api.as_("commander").post(f"/incidents/{ref}/messages", big)
    assert response.status_code == 413 and _error(response)["code"] == "payload_too_large"

    def chunks():  # no Content-Length: counted while streaming
        yield b'{"name": "response_over", "payload": {"blob": "'
        for _ in range(300):
            yield b"y" * 4096
        yield b'"}}'

    streamed = api.as_("commander").post(f"/incidents/{ref}/messages", content=chunks(),
                                         headers={"Content-Type": "application/json"})
    assert streamed.status_code == 413 and _error(streamed)["code"] == "payload_too_large"


def test_idempotency_key_header_is_validated(api: Api, deployed: None) -> None:
    response = api.as_("duty").post("/incidents", {}, headers={"Idempotency-Key": "x" * 201})
    assert response.status_code == 422 and "header.Idempotency-Key" in _error(response)["fields"]


def test_errors_carry_their_message_code_and_params(api: Api, deployed: None) -> None:
    invalid = _error(api.as_("duty").post("/incidents", {"title": "", "category": "meteor"}))
    assert invalid["message_code"] == "request.not_valid"
    assert invalid["field_codes"]["body.title"]["code"] == "request.field"
    refusal = _error(api.as_("duty").post("/incidents", {"process_id": "community_incident", "title": "t",
                                                         "category": "natural_disaster", "unit": "u",
                                                         "data": {"9bad name": 1}}))
    assert refusal["message_code"] == "incident.cannot_start" and refusal["params"] == {}
    assert refusal["field_codes"] == {"data.9bad name": {"code": "incident.variable_name", "params": {}}}
    unknown = _error(api.as_("admin").get("/incidents/INC-2026-9999"))
    assert unknown["message_code"] == "incident.reference_not_found"
    assert unknown["params"] == {"reference": "INC-2026-9999"} and unknown["message"] == "no incident 'INC-2026-9999'"
    assert _error(api.as_("admin").get("/no/such/route"))["message_code"] == "http.error"


def test_the_error_shape_is_documented(api: Api) -> None:
    schemas = api.client.get("/openapi.json").json()["components"]["schemas"]
    assert {"message_code", "params", "field_codes"} <= set(schemas["ErrorDetail"]["properties"])
    assert set(schemas["ErrorDetail"]["required"]) == {"code", "message", "message_code", "params", "fields",
                                                       "field_codes"}
