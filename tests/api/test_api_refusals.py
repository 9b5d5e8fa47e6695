"""The API's refusals: one body ({"code", "detail"}), each documented on its operation, and an
anonymous POST answered 401 (not signed in) before any CSRF check."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from leitai.accounts.models import Role
from leitai.api.urls import api
from tests.factories import PASSWORD, make_user, small_city

pytestmark = pytest.mark.django_db

ACTION_URL = "/api/arenas/1/actions/freeze"


def operations() -> list[tuple[str, str, dict[str, Any]]]:
    schema = json.loads(json.dumps(api.get_openapi_schema()))  # as served: status keys are text
    return [
        (method, path, operation)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]


def post_json(client: Client, url: str, body: Any, **headers: str) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


@pytest.mark.parametrize(("method", "path", "operation"), operations())
def test_every_refusal_is_documented_with_its_body(
    method: str, path: str, operation: dict[str, Any]
) -> None:
    responses = operation["responses"]
    refusals = {status: r for status, r in responses.items() if not status.startswith("2")}
    assert "503" in refusals  # the busy database, on every operation
    if operation.get("security"):
        assert "401" in refusals
    if "{" in path:
        assert "404" in refusals
    if "requestBody" in operation:
        assert {"400", "422"} <= set(refusals)
    for response in refusals.values():
        schema = response["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/Refusal"}
        assert response["description"] not in {"", "Unknown Status Code"}


def test_anonymous_post_is_401_not_a_csrf_403() -> None:
    client = Client(enforce_csrf_checks=True)
    response = post_json(client, ACTION_URL, {})
    assert response.status_code == 401
    assert response.json()["code"] == "not_signed_in"


def test_signed_in_post_without_csrf_token_is_403_csrf_failed() -> None:
    city = small_city()
    make_user("org", role=Role.ORGANISER, unit=city["root"])
    client = Client(enforce_csrf_checks=True)
    assert client.login(username="org", password=PASSWORD)
    response = post_json(client, ACTION_URL, {})
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"

    client.get("/api/docs")  # any page sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = post_json(client, ACTION_URL, {}, X_CSRFToken=token)
    assert response.status_code == 404  # past auth and CSRF: no arena 1
    assert response.json()["code"] == "not_found"


def test_refusals_share_one_body() -> None:
    city = small_city()
    make_user("org", role=Role.ORGANISER, unit=city["root"])
    client = Client()
    assert client.get("/api/orgs/units/370200").json() == {
        "code": "not_signed_in",
        "detail": "请先登录：此操作需要已登录的账号。",
    }
    assert client.login(username="org", password=PASSWORD)
    missing = client.get("/api/orgs/units/nope")
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
    invalid = client.get("/api/orgs/search?q=x&limit=many")
    assert invalid.status_code == 422
    body = invalid.json()
    assert body["code"] == "invalid_request"
    assert "query.limit" in body["detail"]
    assert body["errors"][0]["loc"] == ["query", "limit"]


@pytest.mark.parametrize("path", ["/api/no-such-route", "/api/orgs/units/\n"])
def test_a_path_no_api_route_matches_answers_the_refusal_body(path: str) -> None:
    # Found by the schema fuzzer: a unit code of one newline matches no route, and Django's
    # own 404 page (HTML) answered a client that reads JSON.
    answer = Client().get(path)
    assert answer.status_code == 404
    assert answer["Content-Type"].startswith("application/json")
    assert answer.json() == {"code": "not_found", "detail": "未找到（或您无权查看）。"}


def test_a_page_no_route_matches_is_still_the_page() -> None:
    answer = Client().get("/orgs/no/such/page")
    assert answer.status_code == 404
    assert answer["Content-Type"].startswith("text/html")
